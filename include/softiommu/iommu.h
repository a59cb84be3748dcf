/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * softiommu public API: the IOMMU core as its users see it (VFIO/iommufd-like
 * owners, DMA-API drivers, tests).  Names, arguments and errno follow Linux
 * include/linux/iommu.h.  Int returns are 0 or -errno; pointer returns are
 * valid or an error pointer (test with sio_is_err(), read with sio_ptr_err(),
 * softiommu/error.h) unless the comment says "or NULL".
 * Threads: as softiommu/machine.h says (any thread; no registration).
 * Kernel counterpart: include/linux/iommu.h
 */
#ifndef SOFTIOMMU_IOMMU_H
#define SOFTIOMMU_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

struct sio_device;
struct sio_bus;
struct sio_machine;
struct iommu_group;
struct iommu_domain;
struct iommu_ops;
struct iommu_attach_handle;

/* Mapping protection flags. */
#define IOMMU_READ	(1 << 0)
#define IOMMU_WRITE	(1 << 1)
#define IOMMU_CACHE	(1 << 2)
#define IOMMU_NOEXEC	(1 << 3)
#define IOMMU_MMIO	(1 << 4)
#define IOMMU_PRIV	(1 << 5)

/* Domain type feature bits and types (spec §1.3). */
#define __IOMMU_DOMAIN_PAGING	(1U << 0)
#define __IOMMU_DOMAIN_DMA_API	(1U << 1)
#define __IOMMU_DOMAIN_PT	(1U << 2)
#define __IOMMU_DOMAIN_DMA_FQ	(1U << 3)
#define __IOMMU_DOMAIN_SVA	(1U << 4)
#define __IOMMU_DOMAIN_PLATFORM	(1U << 5)
#define __IOMMU_DOMAIN_NESTED	(1U << 6)

#define IOMMU_DOMAIN_BLOCKED	(0U)
#define IOMMU_DOMAIN_IDENTITY	(__IOMMU_DOMAIN_PT)
#define IOMMU_DOMAIN_UNMANAGED	(__IOMMU_DOMAIN_PAGING)
#define IOMMU_DOMAIN_DMA	(__IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API)
#define IOMMU_DOMAIN_DMA_FQ	(__IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API | \
				 __IOMMU_DOMAIN_DMA_FQ)
#define IOMMU_DOMAIN_SVA	(__IOMMU_DOMAIN_SVA)
#define IOMMU_DOMAIN_PLATFORM	(__IOMMU_DOMAIN_PLATFORM)
#define IOMMU_DOMAIN_NESTED	(__IOMMU_DOMAIN_NESTED)

/* iommufd HWPT allocation flags accepted by iommu_paging_domain_alloc_flags(). */
#define IOMMU_HWPT_ALLOC_NEST_PARENT	(1U << 0)
#define IOMMU_HWPT_ALLOC_DIRTY_TRACKING	(1U << 1)
#define IOMMU_HWPT_FAULT_ID_VALID	(1U << 2)
#define IOMMU_HWPT_ALLOC_PASID		(1U << 3)

#define IOMMU_NO_PASID		0U
#define IOMMU_FIRST_GLOBAL_PASID 1U
#define IOMMU_PASID_INVALID	(~0U)

enum iommu_resv_type {
	IOMMU_RESV_DIRECT,		/* must be identity mapped */
	IOMMU_RESV_DIRECT_RELAXABLE,	/* identity mapped, may be relaxed */
	IOMMU_RESV_RESERVED,		/* never mapped */
	IOMMU_RESV_MSI,			/* hardware MSI region */
	IOMMU_RESV_SW_MSI,		/* software-managed MSI window */
};

enum iommu_cap {
	IOMMU_CAP_CACHE_COHERENCY,
	IOMMU_CAP_NOEXEC,
	IOMMU_CAP_PRE_BOOT_PROTECTION,
	IOMMU_CAP_ENFORCE_CACHE_COHERENCY,
	IOMMU_CAP_DEFERRED_FLUSH,
	IOMMU_CAP_DIRTY_TRACKING,
};

struct iommu_domain_geometry {
	uint64_t aperture_start;	/* first address that can be mapped */
	uint64_t aperture_end;		/* last address that can be mapped */
	bool force_aperture;		/* DMA only allowed in the aperture */
};

/**
 * struct iommu_attach_handle - what a PASID (or the RID, at IOMMU_NO_PASID)
 * is attached with when its owner wants faults routed to it; owners embed it.
 * @domain: set by the core on a successful attach
 */
struct iommu_attach_handle {
	struct iommu_domain *domain;
};

/* Global default domain policy (kernel: iommu.passthrough=, iommu.strict=). */
#define SIO_IOMMU_DEFAULT_UNSET	(-1)

/* ---- groups (spec §2) ---- */

/* Return: the device's group with a reference, or NULL if it has none. */
struct iommu_group *iommu_group_get(struct sio_device *dev);
struct iommu_group *iommu_group_ref_get(struct iommu_group *group);
/* NULL is a no-op. */
void iommu_group_put(struct iommu_group *group);
int iommu_group_id(struct iommu_group *group);
/* Call @fn for each device of @group under its mutex; stop on non-zero. */
int iommu_group_for_each_dev(struct iommu_group *group, void *data,
			     int (*fn)(struct sio_device *dev, void *data));
int iommu_probe_device(struct sio_device *dev);
void iommu_release_device(struct sio_device *dev);
bool device_iommu_mapped(struct sio_device *dev);

/* ---- domains (spec §4) ---- */

struct iommu_domain *iommu_paging_domain_alloc_flags(struct sio_device *dev,
						     unsigned int flags);
struct iommu_domain *iommu_paging_domain_alloc(struct sio_device *dev);
/*
 * Legacy bus-wide allocation (≤ v6.12, seed 002).  Return: a domain or NULL
 * (no device with an IOMMU on @bus, allocation failure).
 */
struct iommu_domain *iommu_domain_alloc(struct sio_bus *bus);
/*
 * Free a domain allocated above.  NULL is a no-op.  A domain still attached
 * (to a group, a device, a PASID, or a group's own default domain) is not
 * freed: the call WARNs and changes nothing (the kernel would free it).
 * Call it with no group mutex held (it looks at every group).
 */
void iommu_domain_free(struct iommu_domain *domain);
unsigned int iommu_domain_type(const struct iommu_domain *domain);

int iommu_attach_device(struct iommu_domain *domain, struct sio_device *dev);
void iommu_detach_device(struct iommu_domain *domain, struct sio_device *dev);
int iommu_attach_group(struct iommu_domain *domain, struct iommu_group *group);
void iommu_detach_group(struct iommu_domain *domain, struct iommu_group *group);
int iommu_deferred_attach(struct sio_device *dev, struct iommu_domain *domain);
/* Return: the group's current domain, or NULL. */
struct iommu_domain *iommu_get_domain_for_dev(struct sio_device *dev);
/* Return: the group's default domain, or NULL. */
struct iommu_domain *iommu_get_dma_domain(struct sio_device *dev);

int iommu_attach_group_handle(struct iommu_domain *domain,
			      struct iommu_group *group,
			      struct iommu_attach_handle *handle);
void iommu_detach_group_handle(struct iommu_domain *domain,
			       struct iommu_group *group);
int iommu_replace_group_handle(struct iommu_group *group,
			       struct iommu_domain *new_domain,
			       struct iommu_attach_handle *handle);

/* ---- mapping (spec §4.4) ---- */

/* iommu_map() @gfp: may the page-table allocation sleep (kernel GFP_*). */
#define SIO_GFP_KERNEL	0x01u	/* yes */
#define SIO_GFP_ATOMIC	0x02u	/* no */

int iommu_map(struct iommu_domain *domain, unsigned long iova, uint64_t paddr,
	      size_t size, int prot, unsigned int gfp);
/* Return: bytes unmapped; stops at the first hole. */
size_t iommu_unmap(struct iommu_domain *domain, unsigned long iova, size_t size);
/* Return: the physical address, or 0 when nothing is mapped. */
uint64_t iommu_iova_to_phys(struct iommu_domain *domain, unsigned long iova);

/* ---- DMA ownership (spec §3) ---- */

int iommu_device_use_default_domain(struct sio_device *dev);
void iommu_device_unuse_default_domain(struct sio_device *dev);
int iommu_group_claim_dma_owner(struct iommu_group *group, void *owner);
void iommu_group_release_dma_owner(struct iommu_group *group);
bool iommu_group_dma_owner_claimed(struct iommu_group *group);
int iommu_device_claim_dma_owner(struct sio_device *dev, void *owner);
void iommu_device_release_dma_owner(struct sio_device *dev);

/* ---- PASID (spec §5) ---- */

int iommu_attach_device_pasid(struct iommu_domain *domain,
			      struct sio_device *dev, unsigned int pasid,
			      struct iommu_attach_handle *handle);
void iommu_detach_device_pasid(struct iommu_domain *domain,
			       struct sio_device *dev, unsigned int pasid);
int iommu_replace_device_pasid(struct iommu_domain *domain,
			       struct sio_device *dev, unsigned int pasid,
			       struct iommu_attach_handle *handle);
struct iommu_attach_handle *iommu_attach_handle_get(struct iommu_group *group,
						    unsigned int pasid,
						    unsigned int type);
/*
 * PASIDs valid on every device of @dev's machine (each machine has its own
 * space; the kernel's is system-wide).  iommu_free_global_pasid() takes a
 * device of the same machine to find that space; the kernel's takes none.
 */
unsigned int iommu_alloc_global_pasid(struct sio_device *dev);
void iommu_free_global_pasid(struct sio_device *dev, unsigned int pasid);

/* ---- softiommu extensions ---- */

/*
 * sio_iommu_set_default_domain_policy() - iommu.passthrough= / iommu.strict=
 * @passthrough: 1 identity, 0 translated, SIO_IOMMU_DEFAULT_UNSET keep
 * @strict: 1 strict (DMA), 0 lazy (DMA_FQ), SIO_IOMMU_DEFAULT_UNSET keep
 * Only affects groups whose default domain is set up afterwards.
 * Return: 0, -EINVAL for other values.
 */
int sio_iommu_set_default_domain_policy(struct sio_machine *m, int passthrough,
					int strict);

/* Snapshot of a group's state, for tools, scenarios and tests (debugfs-like). */
struct sio_iommu_group_info {
	int id;
	unsigned int owner_cnt;
	void *owner;				/* NULL in DMA-API mode */
	struct iommu_domain *domain;		/* current */
	struct iommu_domain *default_domain;
	struct iommu_domain *blocking_domain;
	unsigned int num_devices;
	unsigned int num_pasids;		/* entries in pasid_array */
};
/* Return: 0, -EINVAL for a NULL group.  Takes the group mutex. */
int sio_iommu_group_get_info(struct iommu_group *group,
			     struct sio_iommu_group_info *info);

/*
 * sio_iommu_check_invariants() - walk every group and device of @m and check
 * owner counts, domain/owner agreement, per-device attachment, and that no
 * freed domain is referenced.  Each violation is logged and WARNs.
 * Return: number of violations (0 = consistent).
 */
int sio_iommu_check_invariants(struct sio_machine *m);

/*
 * sio_iommu_set_legacy_v7_order() - model the v5.17 kernel of seed 000
 * @on: true: iommu_init_device() does not run the bus dma_configure, so a
 *      "late" device gets its group only in the dma_configure of its first
 *      driver bind, and the bus dma_configure calls
 *      iommu_device_use_default_domain() BEFORE the firmware configuration
 *      (the v7 order); the "late IOMMU probe at driver bind" WARN is not
 *      raised (that kernel did not have it).  false (default): today's order.
 * Return: 0, -EINVAL for a machine without IOMMU core state.
 */
int sio_iommu_set_legacy_v7_order(struct sio_machine *m, bool on);

/*
 * sio_iommu_set_caps() - whether the "user" writing sysfs has CAP_SYS_ADMIN
 * and CAP_SYS_RAWIO (default true).  Without them the group "type" store
 * fails with -EACCES.  Return: 0, -EINVAL.
 */
int sio_iommu_set_caps(struct sio_machine *m, bool admin);

/*
 * sio_iommu_group_get_by_id() - look a group up by its id
 * Return: the group with a reference (iommu_group_put() it), or NULL.
 */
struct iommu_group *sio_iommu_group_get_by_id(struct sio_machine *m, int id);

/*
 * PCI function reset (kernel pci_dev_reset_iommu_prepare/done): prepare
 * blocks the RID and every PASID of @dev while the group keeps its recorded
 * domains; until done, group domain changes, PASID attach/replace and
 * deferred attach fail with -EBUSY.  Return: 0, -EBUSY (already resetting:
 * WARN), or an allocation/attach error.
 */
int pci_dev_reset_iommu_prepare(struct sio_device *dev);
void pci_dev_reset_iommu_done(struct sio_device *dev);

/* A reserved region of a device (spec §2.6). */
struct iommu_resv_region {
	uint64_t start;
	size_t length;
	int prot;
	enum iommu_resv_type type;
};

/*
 * iommu_for_each_resv_region() - visit @dev's reserved regions (firmware's
 * and the driver's), sorted by address, overlapping regions of one type
 * merged.  @fn's non-zero return stops the walk and is returned.
 * Return: 0, -ENODEV (no IOMMU), -ENOMEM, or @fn's value.
 */
int iommu_for_each_resv_region(struct sio_device *dev,
			       int (*fn)(const struct iommu_resv_region *r,
					 void *data),
			       void *data);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* SOFTIOMMU_IOMMU_H */
