/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Setting up the IOMMU core of a machine: its per-machine state and the
 * buses it follows.  Private: the machine layer (and test fixtures that
 * assemble a machine by hand) call these; a library user gets both from
 * sio_machine_create() and sio_machine_add_bus().
 * Kernel counterpart: drivers/iommu/iommu.c (iommu_subsys_init,
 * iommu_bus_notifier registration)
 */
#ifndef SIO_CORE_SUBSYS_H
#define SIO_CORE_SUBSYS_H

struct sio_machine;
struct sio_bus;

/*
 * Per-machine IOMMU core state.  iommu_subsys_init() runs before any bus is
 * hooked with iommu_bus_init(); iommu_subsys_exit() after every IOMMU
 * instance was unregistered.  Return: 0 or -ENOMEM/-EINVAL.
 */
int iommu_subsys_init(struct sio_machine *m);
void iommu_subsys_exit(struct sio_machine *m);
/* Register the core's bus notifier (probe at add, release at removal). */
int iommu_bus_init(struct sio_bus *bus);
/* Stop following @bus (undo iommu_bus_init); before sio_bus_unregister(). */
void iommu_bus_exit(struct sio_bus *bus);

#endif /* SIO_CORE_SUBSYS_H */
