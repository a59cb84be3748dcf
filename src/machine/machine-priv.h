/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Machine assembly internals: what sio_machine.user_state points at.
 */
#ifndef SIO_MACHINE_MACHINE_PRIV_H
#define SIO_MACHINE_MACHINE_PRIV_H

#include <softiommu/machine.h>
#include <softiommu/iommu-driver.h>
#include "dev/device.h"
#include "endpoints/endpoints.h"

struct machine_iommu_kind;
struct sio_nic_dma;

/*
 * An IOMMU instance the machine created: for an SMMU, @hw is the hardware
 * the machine made and @iommu the driver bound to it.  @debugfs is
 * /sys/kernel/debug/iommu/<name> (SMMU instances only), removed before the
 * instance is destroyed; @iotlb_random records the replacement policy for
 * the iotlb file.
 */
struct machine_iommu {
	const struct machine_iommu_kind *kind;
	struct iommu_device *iommu;
	struct sio_machine *machine;
	struct sio_hw_smmu *hw;		/* SMMU hardware (NULL for a mock) */
	bool check_iotlb;		/* the SMMU driver's checker, at bind */
	bool binding;			/* a driver is binding; under the
					 * machine lock */
	char name[SIO_NAME_LEN];
	struct sio_sysfs_node *debugfs;
	bool iotlb_random;
	struct list_head node;
};

/**
 * struct machine_shell - what a machine leaves behind for the devices a user
 * still holds when sio_machine_destroy() runs
 * @m: what such an orphaned device's dev->machine points at from then on: a
 *	machine with no bus, no IOMMU core and no sysfs, whose only content is
 *	@m.mem, the destroyed machine's RAM (handed over, so that buffers from
 *	sio_dma_alloc_coherent() stay valid and can still be freed)
 * @lock: protects @live and the orphaning of its devices; a leaf
 * @live: every device the machine created and that is not released yet
 *	(struct machine_dev.live_node), added or removed from the machine
 * @ref: one for the machine until it is destroyed, one per entry of @live;
 *	the last put frees the shell and @m.mem
 * @orphans: @m was set up (the machine went with devices left on @live)
 */
struct machine_shell {
	struct sio_machine m;
	struct mutex lock;
	struct list_head live;
	refcount_t ref;
	bool orphans;
};

/*
 * A device the machine created: the wrapper frees itself on release.
 * @nic_dma: the DMA rings the "dma-api" driver kind set up at probe when
 * the machine has memory (owned by the bound driver; under the device lock).
 * @node: on machine_state.devices while added (under its lock)
 * @shell: the machine's shell, referenced until release
 * @live_node: on @shell->live until release (under @shell->lock)
 */
struct machine_dev {
	struct sio_device dev;
	struct sio_nic_dma *nic_dma;
	struct list_head node;
	struct machine_shell *shell;
	struct list_head live_node;
};

/* A built-in driver instance. */
struct machine_driver {
	struct sio_driver drv;
	struct sio_driver_decl decl;
	const char *ids[SIO_DECL_MAX_DRV_IDS + 1];
	struct sio_nic_driver_cfg nic_cfg;
	struct list_head node;
};

/*
 * struct machine_state - sio_machine.user_state
 * @lock: protects the lists (not the objects); a leaf lock, never held
 *        while calling into the device model or the IOMMU core
 */
struct machine_state {
	struct mutex lock;
	struct sio_bus *buses[2];		/* pci, platform */
	/* VFIO-like layer's hooks on them (sio_vfio_bus_notifier()). */
	struct sio_notifier_block vfio_nb[2];
	struct list_head iommus;
	struct list_head devices;		/* in add order */
	struct list_head drivers;		/* in registration order */
	struct sio_sysfs_node *debugfs_iommu;	/* /sys/kernel/debug/iommu */
	struct machine_shell *shell;		/* outlives the machine */
};

static inline struct machine_state *machine_state(struct sio_machine *m)
{
	return m->user_state;
}

/* Bus of kind @kind ("pci"/"platform") if declared, else NULL. */
struct sio_bus *sio_machine_bus(struct sio_machine *m, const char *kind);

/* Call @fn on each device @m created, referenced, until it returns non-zero. */
int sio_machine_for_each_device(struct sio_machine *m, void *data,
				int (*fn)(struct sio_device *dev, void *data));

/* The group with id @id among @m's devices, referenced, or NULL. */
struct iommu_group *sio_machine_find_group(struct sio_machine *m, int id);

/* Default RAM of a machine that needs memory and declared none. */
#define MACHINE_MEM_DEFAULT_SIZE	(256ULL << 20)
#define MACHINE_MEM_DEFAULT_BASE	0x40000000ULL

/* sio_machine_add_memory() and sio_machine_add_smmu() are public (machine.h). */

/* Create the default memory if @m has none.  Return: 0 or -errno. */
int sio_machine_ensure_memory(struct sio_machine *m);

/* sio_machine_add_iommu() with the options of an SMMU declaration. */
int sio_machine_add_iommu_opts(struct sio_machine *m,
			       const struct sio_iommu_decl *decl,
			       const struct sio_smmu_decl *smmu);

/* The IOMMU instance @dev's firmware names, or NULL. */
struct machine_iommu *sio_machine_dev_iommu(struct sio_machine *m,
					    struct sio_device *dev);

/* Wait until every SMMU event thread logged what the hardware queued. */
void sio_machine_flush_iommu_events(struct sio_machine *m);

/* ---- machine-smmu.c: the "smmu" IOMMU kind ---- */
/* Hardware model, then (unless bound later) driver, for "iommu smmu NAME". */
struct iommu_device *machine_smmu_create(struct sio_machine *m,
					 const struct sio_iommu_decl *decl,
					 const struct sio_smmu_decl *opts,
					 struct machine_iommu *mi);
/* Undo machine_smmu_create(). */
void machine_smmu_destroy(struct machine_iommu *mi);
/* Whether @mi is of the "smmu" kind (defined in machine.c). */
bool machine_iommu_is_smmu(const struct machine_iommu *mi);

#endif /* SIO_MACHINE_MACHINE_PRIV_H */
