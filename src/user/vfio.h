/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VFIO-like user ownership: the "vfio" driver kind (driver_managed_dma
 * passthrough; open claims DMA ownership with a cookie, close releases it;
 * a user paging domain can be attached and mapped while open) and the
 * "stub" kind (driver_managed_dma, never claims: pci-stub).
 * Kernel counterpart: drivers/vfio/vfio_main.c, drivers/vfio/group.c,
 *                    drivers/pci/pci-stub.c
 */
#ifndef SIO_USER_VFIO_H
#define SIO_USER_VFIO_H

#include "dev/device.h"

struct iommu_group;
struct iommu_domain;

/* Driver-kind callbacks (device lock held, as for any probe/remove). */
int sio_vfio_probe(struct sio_device *dev);
void sio_vfio_remove(struct sio_device *dev);
int sio_stub_probe(struct sio_device *dev);
void sio_stub_remove(struct sio_device *dev);

/*
 * Operations of a user on a device bound to a "vfio" driver.  Each takes the
 * device lock (it nests outside the IOMMU group mutex).
 * Return: 0 or -errno: -ENODEV not bound to a vfio driver, -EBUSY already
 * open / domain already attached, -EBADF not open, -ENOENT no user domain,
 * -EINVAL (map/unmap) a range outside the user domain's aperture, empty,
 * wrapping or misaligned (checked before the IOMMU is touched, as VFIO
 * does), -EFAULT (map) a physical range outside the machine's RAM, or what
 * the IOMMU core returned (-EPERM, -EBUSY, -EINVAL, -ENOMEM).
 */
int sio_vfio_open(struct sio_device *dev, void *cookie);
int sio_vfio_close(struct sio_device *dev);
int sio_vfio_attach(struct sio_device *dev);
int sio_vfio_detach(struct sio_device *dev);
int sio_vfio_map(struct sio_device *dev, unsigned long iova, u64 paddr,
		 size_t size, int prot);
/* Return: 0, -ENOENT (nothing mapped there), or as above. */
int sio_vfio_unmap(struct sio_device *dev, unsigned long iova, size_t size);
/* The user domain of an open device, or NULL. */
struct iommu_domain *sio_vfio_user_domain(struct sio_device *dev);

/*
 * Group-level ownership (legacy VFIO group path).  The claim is revoked when
 * the group's last device is removed (sio_vfio_bus_notifier(), which the
 * machine registers on every bus); a later close only forgets it.
 */
int sio_vfio_group_open(struct iommu_group *group, void *cookie);
void sio_vfio_group_close(struct iommu_group *group);

/* Runs before the IOMMU core's notifier (priority 0), which releases devices. */
#define SIO_VFIO_NOTIFIER_PRIORITY	10
int sio_vfio_bus_notifier(struct sio_notifier_block *nb, unsigned long action,
			  void *data);
/* Drop what is left of @m's group opens; before its IOMMU core goes. */
void sio_vfio_machine_exit(struct sio_machine *m);

#endif /* SIO_USER_VFIO_H */
