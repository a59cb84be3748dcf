/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IOMMU core internals shared by the files of src/core: per-machine state,
 * groups, per-device IOMMU data, and the cross-file helpers.
 * Kernel counterpart: drivers/iommu/iommu.c (private structures)
 */
#ifndef SIO_CORE_PRIV_H
#define SIO_CORE_PRIV_H

#include "base/base.h"
#include "dev/device.h"
#include "dev/sysfs.h"
#include <softiommu/iommu.h>
#include <softiommu/iommu-driver.h>

/*
 * Lock order of the core, outermost first (see docs/locking.md):
 *
 *   device_lock (src/dev)                  - binding; dma_configure runs here
 *   iommu_subsys.probe_lock                - iommu_probe_device_lock
 *   iommu_group.mutex                      - one group at a time, never two
 *   iommu_subsys.lock                      - leaf: instance/group/domain lists
 *   group->pasid_array.xa_lock             - leaf (xarray writers/readers)
 *
 * Driver ops that take a device run under iommu_group.mutex (attach_dev,
 * set_dev_pasid, release_device, domain_alloc_* for default/blocking
 * domains, get_resv_regions when called from default-domain setup);
 * probe_device and device_group run under probe_lock only; probe_finalize
 * runs with no core lock held.
 */

/**
 * struct iommu_subsys - IOMMU core state of one machine (machine->iommu)
 */
struct iommu_subsys {
	struct sio_machine *machine;

	/*
	 * iommu_probe_device_lock: serialises probe and release of every
	 * device of the machine (dev->iommu, dev->iommu_group, group
	 * membership) and bus-wide probes.  Nests inside device_lock, outside
	 * every group mutex.  Dropped around the bus dma_configure called from
	 * iommu_init_device().
	 */
	struct mutex probe_lock;

	/*
	 * Leaf lock: @iommus, @groups, @domains, @bus_hooks, the policy fields
	 * and the flags below.  Never held across a driver call or a sleep on
	 * another core lock.
	 */
	struct mutex lock;
	struct list_head iommus;	/* struct iommu_device_priv.node */
	struct list_head groups;	/* struct iommu_group.node (all live groups) */
	struct list_head domains;	/* struct iommu_domain_track.node */
	struct list_head bus_hooks;	/* struct iommu_bus_hook.node */

	unsigned int def_base_type;	/* IOMMU_DOMAIN_IDENTITY or _DMA */
	bool dma_strict;		/* iommu.strict=1 */
	bool cmdline_type;		/* iommu.passthrough= was given */
	bool cmdline_strict;		/* iommu.strict= was given */
	bool def_type_logged;		/* "Default domain type" printed */
	bool legacy_v7_order;		/* model the v5.17 (v7 series) ordering */
	bool caps_admin;		/* CAP_SYS_ADMIN + CAP_SYS_RAWIO */
	bool multi_drivers_warned;	/* iommu_domain_alloc(bus) WARNed */

	struct ida group_ida;		/* group ids, from 0; own lock */

	/*
	 * The machine's global PASID space (the kernel's iommu_global_pasid_ida,
	 * one per machine here).  @pasid_lock protects @pasid_ida and
	 * @pasid_count; a leaf but for the IDA's own lock nesting inside it.
	 */
	struct mutex pasid_lock;
	struct ida pasid_ida;
	unsigned long pasid_count;	/* PASIDs allocated and not yet freed */

	struct sio_sysfs_node *groups_kobj;	/* /sys/kernel/iommu_groups */
	struct sio_sysfs_node *debug_root;	/* /sys/kernel/debug/iommu */
	struct sio_sysfs_node *debug_kobj;	/* /sys/kernel/debug/iommu/groups */
};

/* Core bookkeeping of one registered IOMMU instance (iommu->core_priv). */
struct iommu_device_priv {
	struct list_head node;			/* on subsys->iommus, under subsys->lock */
	struct iommu_device *iommu;
	struct iommu_group *singleton_group;	/* under probe_lock; holds a ref */
};

/* A bus whose devices the core follows (iommu_bus_init). */
struct iommu_bus_hook {
	struct list_head node;			/* on subsys->bus_hooks */
	struct sio_bus *bus;
	struct sio_notifier_block nb;
};

/* Live-domain tracking (domain->core_priv); static domains have none. */
struct iommu_domain_track {
	struct list_head node;			/* on subsys->domains, under subsys->lock */
	struct iommu_domain *domain;
	struct iommu_subsys *subsys;
};

/**
 * struct iommu_group - devices that can only be isolated together
 *
 * Lifetime: @ref; every device in the group holds one (taken from
 * ops->device_group at probe); freed, with its id and sysfs nodes, when the
 * last reference goes.  Never put with @mutex held.
 */
struct iommu_group {
	struct sio_machine *machine;		/* immutable */
	struct iommu_subsys *subsys;		/* immutable */
	refcount_t ref;

	/*
	 * The group lock: everything below except @ref, @id and the xarray's
	 * own read side.  Nests inside probe_lock and device_lock; only one
	 * group mutex is held at a time.  Driver domain ops run under it.
	 */
	struct mutex mutex;
	struct list_head devices;		/* struct group_device.list */
	unsigned int num_devices;
	/*
	 * PASID → tagged entry (tag 0 domain, tag 1 attach handle); index 0
	 * carries the RID's handle.  Writers hold @mutex; iommu_attach_handle_get
	 * only takes xa_lock.
	 */
	struct xarray pasid_array;
	/* Written under @mutex with release; read lockless (acquire) by
	 * iommu_get_dma_domain(). */
	struct iommu_domain *default_domain;
	struct iommu_domain *blocking_domain;
	struct iommu_domain *domain;
	struct iommu_domain *resetting_domain;
	unsigned int owner_cnt;
	void *owner;
	bool group_claimed;			/* owned through iommu_group_claim_dma_owner */

	struct list_head entry;			/* bus_iommu_probe list, under probe_lock */
	struct list_head node;			/* on subsys->groups, under subsys->lock */
	int id;					/* immutable */
	char name[16];

	struct sio_sysfs_node *kobj;		/* /sys/kernel/iommu_groups/<id> */
	struct sio_sysfs_node *devices_kobj;	/* .../<id>/devices */
	struct sio_sysfs_node *debug_kobj;	/* /sys/kernel/debug/iommu/groups/<id> */
};

/* One device of a group (group->devices, under group->mutex + probe_lock). */
struct group_device {
	struct list_head list;
	struct sio_device *dev;
	char *name;				/* link name in devices/ */
	bool finalize_pending;			/* probe_finalize still to run */
};

#define for_each_group_device(group, pos)                                     \
	list_for_each_entry(pos, &(group)->devices, list)

/**
 * struct dev_iommu - the core's per-device data (dev->iommu)
 *
 * Allocated at probe, freed at release (both under probe_lock).  Fields
 * marked "group" are under the group mutex once the device is in a group.
 */
struct dev_iommu {
	struct mutex lock;		/* IOPF: fault_param; nests inside group mutex */
	void *fault_param;		/* RCU; owned by the IOPF layer */
	struct iommu_device *iommu_dev;	/* the instance that probed it */
	void *priv;			/* the driver's (dev_iommu_priv_*) */
	unsigned int max_pasids;
	bool attach_deferred;		/* group */
	bool require_direct;		/* group */
	/* group: last RID domain the core attached (invariant checker) */
	struct iommu_domain *attached;
	/* group: DMA-API uses that counted in owner_cnt (divergence) */
	unsigned int dma_use_cnt;
	/* group: joined its group while a driver was bound (the v7 hazard) */
	bool joined_during_bind;
	/* group: iommu_device_claim_dma_owner claims made through this device */
	unsigned int claim_cnt;
};

/* Tags of pasid_array entries. */
#define IOMMU_PASID_ARRAY_DOMAIN	0
#define IOMMU_PASID_ARRAY_HANDLE	1

/*
 * pasid_array entries are encoded and decoded only by the three helpers
 * below.  An entry is @handle tagged IOMMU_PASID_ARRAY_HANDLE when the
 * attach recorded a handle (handle->domain is the domain), else the bare
 * @domain tagged IOMMU_PASID_ARRAY_DOMAIN.  Setting handle->domain is the
 * caller's job, once the attach succeeded.
 */
static inline void *
iommu_make_pasid_array_entry(struct iommu_domain *domain,
			     struct iommu_attach_handle *handle)
{
	if (handle)
		return xa_tag_pointer(handle, IOMMU_PASID_ARRAY_HANDLE);
	return xa_tag_pointer(domain, IOMMU_PASID_ARRAY_DOMAIN);
}

/* The handle @entry records, or NULL for a bare domain (or no entry). */
static inline struct iommu_attach_handle *
pasid_array_entry_to_handle(void *entry)
{
	if (xa_pointer_tag(entry) != IOMMU_PASID_ARRAY_HANDLE)
		return NULL;
	return xa_untag_pointer(entry);
}

/* The domain @entry attaches (through its handle if it has one). */
static inline struct iommu_domain *pasid_array_entry_to_domain(void *entry)
{
	struct iommu_attach_handle *handle = pasid_array_entry_to_handle(entry);

	return handle ? handle->domain : xa_untag_pointer(entry);
}

/* Flags of __iommu_group_set_domain_internal(). */
#define IOMMU_SET_DOMAIN_MUST_SUCCEED	(1U << 0)

static inline struct iommu_subsys *dev_subsys(struct sio_device *dev)
{
	return dev->machine ? dev->machine->iommu : NULL;
}

static inline bool dev_has_iommu(struct sio_device *dev)
{
	return dev->iommu && dev->iommu->iommu_dev;
}

static inline const struct iommu_ops *dev_iommu_ops(struct sio_device *dev)
{
	return dev->iommu->iommu_dev->ops;
}

static inline bool iommu_is_dma_domain(const struct iommu_domain *d)
{
	return d->type & __IOMMU_DOMAIN_DMA_API;
}

/* subsys.c */
struct iommu_device *iommu_find_instance(struct iommu_subsys *s,
					 const char *name);
void iommu_log_default_type(struct iommu_subsys *s);
unsigned int iommu_subsys_def_type(struct iommu_subsys *s);

/* probe.c */
bool dev_has_fwspec(struct sio_device *dev);
int __iommu_probe_device(struct sio_device *dev, struct list_head *group_list);
void __iommu_release_device(struct sio_device *dev);
int bus_iommu_probe(struct sio_bus *bus);

/* group.c */
struct iommu_group *__iommu_group_alloc(struct sio_machine *m);
struct group_device *iommu_group_alloc_device(struct iommu_group *group,
					      struct sio_device *dev);
void __iommu_group_free_device(struct iommu_group *group,
			       struct group_device *gdev);
struct sio_device *iommu_group_first_dev(struct iommu_group *group);

/* default-domain.c */
int iommu_setup_default_domain(struct iommu_group *group, int target_type);
const char *iommu_domain_type_name(unsigned int type);
int __iommu_group_alloc_blocking_domain(struct iommu_group *group);

/* domain.c */
struct iommu_domain *__iommu_paging_domain_alloc_flags(struct sio_device *dev,
						       unsigned int type,
						       unsigned int flags);
struct iommu_domain *__iommu_alloc_identity_domain(struct sio_device *dev);
int iommu_domain_init(struct iommu_domain *domain, unsigned int type,
		      const struct iommu_ops *ops, struct iommu_subsys *s);
bool domain_iommu_ops_compatible(const struct iommu_ops *ops,
				 struct iommu_domain *domain);
bool iommu_domain_is_static(const struct iommu_domain *domain);
void __iommu_domain_free(struct iommu_domain *domain);
bool iommu_domain_is_live(struct iommu_subsys *s, struct iommu_domain *d);

/* attach.c */
int __iommu_group_set_domain_internal(struct iommu_group *group,
				      struct iommu_domain *new_domain,
				      unsigned int flags);
int __iommu_device_set_domain(struct iommu_group *group,
			      struct sio_device *dev,
			      struct iommu_domain *new_domain,
			      struct iommu_domain *old_domain,
			      unsigned int flags);
int __iommu_group_set_domain(struct iommu_group *group,
			     struct iommu_domain *new_domain);
void __iommu_group_set_domain_nofail(struct iommu_group *group,
				     struct iommu_domain *new_domain);
void __iommu_group_set_core_domain(struct iommu_group *group);

/* owner.c */
void __iommu_dev_drop_dma_use(struct iommu_group *group, struct sio_device *dev);

/* resv.c */
struct iommu_resv_list {
	struct list_head regions;	/* struct iommu_resv_entry.node, sorted */
};
struct iommu_resv_entry {
	struct list_head node;
	struct iommu_resv_region r;
};
void iommu_resv_list_init(struct iommu_resv_list *list);
void iommu_resv_list_free(struct iommu_resv_list *list);
int iommu_get_resv_list(struct sio_device *dev, struct iommu_resv_list *list);
int iommu_create_device_direct_mappings(struct iommu_domain *domain,
					struct sio_device *dev);
ssize_t iommu_group_show_resv_regions(struct iommu_group *group, char *buf);

/* iommu-sysfs.c */
int iommu_group_sysfs_add(struct iommu_group *group);
void iommu_group_sysfs_remove(struct iommu_group *group);
int iommu_subsys_sysfs_init(struct iommu_subsys *s);
void iommu_subsys_sysfs_exit(struct iommu_subsys *s);

#endif /* SIO_CORE_PRIV_H */
