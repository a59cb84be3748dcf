/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IOMMU driver contract: what an IOMMU driver implements (struct
 * iommu_ops, struct iommu_domain_ops) and what it may call in the core.
 * The core keeps all policy; a driver only programs its hardware.
 *
 * Locking, for every op below unless it says otherwise: ops that take a
 * device are called with that device's IOMMU group mutex held and must not
 * call back into any group-locking core API.
 *
 * "ERR_PTR(-E...)" below is sio_err_ptr(-E...) (softiommu/error.h).
 *
 * Kernel counterpart: include/linux/iommu.h (struct iommu_ops and friends)
 */
#ifndef SOFTIOMMU_IOMMU_DRIVER_H
#define SOFTIOMMU_IOMMU_DRIVER_H

#include "iommu.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

struct iommu_device;
struct iommu_resv_list;
struct iommu_iotlb_gather;
struct iopf_group;
struct iopf_fault;
struct iommu_page_response;
struct sio_mm;

enum iommu_domain_cookie_type {
	IOMMU_COOKIE_NONE,
	IOMMU_COOKIE_DMA_IOVA,
	IOMMU_COOKIE_DMA_MSI,
	IOMMU_COOKIE_FAULT_HANDLER,
	IOMMU_COOKIE_SVA,
	IOMMU_COOKIE_IOMMUFD,
};

/* report_iommu_fault() flags. */
#define IOMMU_FAULT_READ	0x0
#define IOMMU_FAULT_WRITE	0x1

typedef int (*iommu_fault_handler_t)(struct iommu_domain *domain,
				     struct sio_device *dev, unsigned long iova,
				     int flags, void *token);

/**
 * struct iommu_domain - a translation context; drivers embed it
 * @type: IOMMU_DOMAIN_*; set by the core (iommu_domain_init)
 * @cookie_type: which member of the cookie union is live
 * @ops: domain ops; the core fills ops->default_domain_ops if left NULL
 * @owner: the iommu_ops that allocated it (attach compatibility test)
 * @pgsize_bitmap: page sizes this domain can map (bit n = 2^n bytes)
 * @geometry: the mappable aperture
 * @iopf_handler: recoverable-fault handler for groups routed to this domain
 * @cookie_put: releases the cookie; set by the layer that installed it (the
 *	DMA API's IOVA cookie) and called by iommu_domain_free() before
 *	ops->free, so the core frees cookies without depending on their layer
 * @core_priv: core bookkeeping (DMA cookie, SVA data, live-domain tracking)
 */
struct iommu_domain {
	unsigned int type;
	enum iommu_domain_cookie_type cookie_type;
	const struct iommu_domain_ops *ops;
	const struct iommu_ops *owner;
	unsigned long pgsize_bitmap;
	struct iommu_domain_geometry geometry;
	int (*iopf_handler)(struct iopf_group *group);
	union {
		struct {			/* IOMMU_COOKIE_FAULT_HANDLER */
			iommu_fault_handler_t handler;
			void *handler_token;
		};
		struct {			/* IOMMU_COOKIE_SVA */
			struct sio_mm *mm;
			int users;
		};
		void *cookie;			/* DMA IOVA / IOMMUFD */
	};
	void (*cookie_put)(struct iommu_domain *domain);
	void *core_priv;
};

/**
 * struct iommu_iotlb_gather - a range of IOVA whose invalidation is pending
 * @start: lowest address gathered (ULONG_MAX when empty)
 * @end: highest address gathered, inclusive (0 when empty)
 * @pgsize: the one page size gathered so far (0 when empty)
 * @queued: a flush of the whole domain will follow (lazy mode); the driver
 *          may skip per-page invalidation
 */
struct iommu_iotlb_gather {
	unsigned long start;
	unsigned long end;
	size_t pgsize;
	bool queued;
};

/**
 * struct iommu_domain_ops - per-domain driver ops
 *
 * @attach_dev: make @dev translate through @domain.  Called by the core with
 *	the group mutex held; @old is the domain the device was on (NULL on the
 *	first attach).  Return: 0; -EINVAL if the domain is incompatible with
 *	this device (a soft failure: the core may try another domain, drivers
 *	must not log); -ENOMEM; -ENOSPC (non-memory resource); -EBUSY (cannot be
 *	changed now); -ENODEV (device-specific failure).
 * @set_dev_pasid: attach @domain to @pasid of @dev (the blocked domain
 *	detaches).  Group mutex held.  Same errno contract as attach_dev.
 * @map_pages: map @pgcount pages of @pgsize at @iova → @paddr; report the
 *	bytes actually mapped in *@mapped even on error.  Caller holds no core
 *	lock; concurrent calls on disjoint ranges must be safe.  Return: 0,
 *	-EEXIST (already mapped), -ENOMEM, -EINVAL.
 * @unmap_pages: unmap up to @pgcount pages of @pgsize at @iova, adding the
 *	invalidations to @gather.  Return: bytes unmapped (0 at a hole).
 * @iotlb_sync_map: make new mappings visible (optional).  Return: 0/-errno.
 * @flush_iotlb_all: invalidate every cached translation of the domain.
 * @iotlb_sync: perform the invalidations gathered in @gather.
 * @iova_to_phys: Return: the physical address or 0.
 * @enforce_cache_coherency: Return: true if no-snoop is blocked from now on.
 * @free: release the domain (not for static domains).  No device is attached.
 */
struct iommu_domain_ops {
	int (*attach_dev)(struct iommu_domain *domain, struct sio_device *dev,
			  struct iommu_domain *old);
	int (*set_dev_pasid)(struct iommu_domain *domain, struct sio_device *dev,
			     unsigned int pasid, struct iommu_domain *old);
	int (*map_pages)(struct iommu_domain *domain, unsigned long iova,
			 uint64_t paddr, size_t pgsize, size_t pgcount, int prot,
			 unsigned int gfp, size_t *mapped);
	size_t (*unmap_pages)(struct iommu_domain *domain, unsigned long iova,
			      size_t pgsize, size_t pgcount,
			      struct iommu_iotlb_gather *gather);
	int (*iotlb_sync_map)(struct iommu_domain *domain, unsigned long iova,
			      size_t size);
	void (*flush_iotlb_all)(struct iommu_domain *domain);
	void (*iotlb_sync)(struct iommu_domain *domain,
			   struct iommu_iotlb_gather *gather);
	uint64_t (*iova_to_phys)(struct iommu_domain *domain, unsigned long iova);
	bool (*enforce_cache_coherency)(struct iommu_domain *domain);
	void (*free)(struct iommu_domain *domain);
};

/**
 * struct iommu_ops - per-driver ops (one static instance per driver)
 *
 * Mandatory: @probe_device, @device_group, and at least one of
 * @domain_alloc_paging / @domain_alloc_paging_flags; iommu_device_register()
 * refuses a driver lacking them with -EINVAL.
 *
 * @name: driver name ("mock", "smmu"), for logs and scenarios
 * @capable: Context: any.  Return: whether @dev has @cap.
 * @domain_alloc_paging: allocate an UNMANAGED-capable paging domain for @dev.
 *	Called with the group mutex held or not.  Return: domain, ERR_PTR, or
 *	NULL (the core turns NULL into -ENOMEM).
 * @domain_alloc_paging_flags: same, with IOMMU_HWPT_ALLOC_* @flags;
 *	-EOPNOTSUPP for flags it does not support.
 * @domain_alloc_identity: allocate an identity domain (if no static one).
 * @domain_alloc_sva: SVA domain sharing @mm (SVA issue).
 * @domain_alloc_nested: stage-1 domain nested on @parent (nesting issue).
 * @probe_device: claim @dev (its fwspec names this instance).  Called under
 *	the global probe lock, no group mutex.  Return: the iommu_device
 *	instance, or ERR_PTR(-ENODEV) if not handled, other -errno on failure.
 * @release_device: undo probe_device.  Group mutex held.
 * @probe_finalize: after the device joined its group; no lock held.
 * @device_group: Return: the group @dev belongs to, with a reference (use
 *	generic_device_group()/generic_single_device_group() or
 *	sio_alias_device_group()); ERR_PTR on failure; NULL is a driver bug.
 * @get_resv_regions: add @dev's own reserved regions (e.g. an MSI window)
 *	to @list with iommu_resv_list_add(); the core adds the firmware's
 *	regions (dev->fw.resv) itself.  Called with or without the group
 *	mutex held (default-domain setup holds it); must not take it.
 * @def_domain_type: Return: IOMMU_DOMAIN_IDENTITY/DMA wish for @dev, 0 = none.
 * @is_attach_deferred: Return: true if attach waits for the first DMA map.
 * @page_response: send a page response to the device (IOPF issue).
 * @default_domain_ops: used for domains whose ops the driver left NULL
 * @identity_domain: static identity domain, or NULL
 * @blocked_domain: static blocked domain, or NULL
 * @release_domain: attached before release_device, or NULL
 * @default_domain: legacy static default domain, or NULL
 * @pgsize_bitmap: page sizes, copied into domains that leave theirs 0
 * @user_pasid_table: the guest owns the PASID table (faults go to the RID)
 */
struct iommu_ops {
	const char *name;
	bool (*capable)(struct sio_device *dev, enum iommu_cap cap);
	struct iommu_domain *(*domain_alloc_paging)(struct sio_device *dev);
	struct iommu_domain *(*domain_alloc_paging_flags)(struct sio_device *dev,
							  unsigned int flags,
							  const void *user_data);
	struct iommu_domain *(*domain_alloc_identity)(struct sio_device *dev);
	struct iommu_domain *(*domain_alloc_sva)(struct sio_device *dev,
						 struct sio_mm *mm);
	struct iommu_domain *(*domain_alloc_nested)(struct sio_device *dev,
						    struct iommu_domain *parent,
						    unsigned int flags,
						    const void *user_data);
	struct iommu_device *(*probe_device)(struct sio_device *dev);
	void (*release_device)(struct sio_device *dev);
	void (*probe_finalize)(struct sio_device *dev);
	struct iommu_group *(*device_group)(struct sio_device *dev);
	void (*get_resv_regions)(struct sio_device *dev,
				 struct iommu_resv_list *list);
	int (*def_domain_type)(struct sio_device *dev);
	bool (*is_attach_deferred)(struct sio_device *dev);
	void (*page_response)(struct sio_device *dev, struct iopf_fault *evt,
			      struct iommu_page_response *msg);
	const struct iommu_domain_ops *default_domain_ops;
	struct iommu_domain *identity_domain;
	struct iommu_domain *blocked_domain;
	struct iommu_domain *release_domain;
	struct iommu_domain *default_domain;
	unsigned long pgsize_bitmap;
	bool user_pasid_table;
};

/**
 * struct iommu_device - one IOMMU instance; drivers embed it
 * @ops: the driver
 * @name: instance name, matched against a device's firmware description
 * @max_pasids: PASIDs the instance supports (0 = none)
 * @machine: the machine the instance belongs to
 * @core_priv: core bookkeeping (registration list, singleton group)
 */
struct iommu_device {
	const struct iommu_ops *ops;
	char name[64];
	unsigned int max_pasids;
	struct sio_machine *machine;
	void *core_priv;
};

/**
 * iommu_device_register() - make an IOMMU instance live and probe the
 * devices behind it on every bus of @iommu->machine
 * Context: may sleep; takes the probe lock and group mutexes.
 * Return: 0; -EINVAL (mandatory ops missing, NULL args); -EEXIST (name in
 * use); -ENOMEM.  On failure nothing is left registered.
 */
int iommu_device_register(struct iommu_device *iommu,
			  const struct iommu_ops *ops, struct sio_machine *m);
void iommu_device_unregister(struct iommu_device *iommu);

/* Firmware helpers for drivers' probe_device. */
/* Return: the stream IDs of @dev's firmware description; *@num set. */
const uint32_t *sio_dev_iommu_ids(struct sio_device *dev, unsigned int *num);
unsigned int sio_dev_pasid_bits(struct sio_device *dev);
void *dev_iommu_priv_get(struct sio_device *dev);
void dev_iommu_priv_set(struct sio_device *dev, void *priv);

/* device_group helpers. */
struct iommu_group *generic_device_group(struct sio_device *dev);
struct iommu_group *generic_single_device_group(struct sio_device *dev);
/* Share a group with devices of the same firmware alias (PCI without ACS). */
struct iommu_group *sio_alias_device_group(struct sio_device *dev);
/*
 * iommu_group_alloc() - a new, empty group with one reference, in the
 * machine of @dev (groups are per machine; the kernel's takes no argument).
 * Return: group or ERR_PTR(-ENOMEM/-ENOSPC/-EINVAL).
 */
struct iommu_group *iommu_group_alloc(struct sio_device *dev);

/* Reserved regions. */
int iommu_resv_list_add(struct iommu_resv_list *list, uint64_t start,
			size_t length, int prot, enum iommu_resv_type type);

/* IOTLB gather helpers for drivers (spec §4.4). */
void iommu_iotlb_gather_init(struct iommu_iotlb_gather *gather);
void iommu_iotlb_gather_add_range(struct iommu_iotlb_gather *gather,
				  unsigned long iova, size_t size);
void iommu_iotlb_gather_add_page(struct iommu_domain *domain,
				 struct iommu_iotlb_gather *gather,
				 unsigned long iova, size_t size);
void iommu_iotlb_sync(struct iommu_domain *domain,
		      struct iommu_iotlb_gather *gather);

/* Legacy unrecoverable fault report (spec §4.4). Return: handler's or -ENOSYS. */
int report_iommu_fault(struct iommu_domain *domain, struct sio_device *dev,
		       unsigned long iova, int flags);
void iommu_set_fault_handler(struct iommu_domain *domain,
			     iommu_fault_handler_t handler, void *token);

/* For drivers: the domain the device is attached to (group mutex held). */
struct iommu_domain *iommu_driver_get_domain_for_dev(struct sio_device *dev);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* SOFTIOMMU_IOMMU_DRIVER_H */
