/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mock IOMMU driver: no hardware, paging domains kept as a map from IOVA
 * pages to physical pages, static identity/blocked domains, PASID support,
 * failure injection, and a checker that WARNs when the core misuses a driver.
 * Kernel counterpart: drivers/iommu/iommufd/selftest.c (the mock IOMMU)
 */
#ifndef SIO_DRIVERS_MOCK_MOCK_H
#define SIO_DRIVERS_MOCK_MOCK_H

#include "base/base.h"
#include <softiommu/iommu-driver.h>

struct sio_machine;

/**
 * struct mock_iommu_config - how a mock IOMMU instance behaves
 * @pgsize_bitmap: page sizes of its paging domains (0 → 4K | 2M | 1G)
 * @max_pasids: PASIDs the instance supports (0 → no PASID support)
 * @flags: MOCK_IOMMU_F_*
 * @def_domain_type: what def_domain_type() answers for every device
 *                   (0 = no wish, IOMMU_DOMAIN_IDENTITY, IOMMU_DOMAIN_DMA)
 * @wish_identity: NULL-terminated device names whose def_domain_type() is
 *                 IOMMU_DOMAIN_IDENTITY (copied; like
 *                 mock_iommu_set_def_domain_type() before registration)
 * @wish_dma: same for IOMMU_DOMAIN_DMA
 * @probe_hook: optional test hook called at the end of a successful
 *              probe_device (under the core's probe lock, no group mutex),
 *              e.g. to observe a bus scan half-way; @hook_data is passed
 */
struct mock_iommu_config {
	unsigned long pgsize_bitmap;
	unsigned int max_pasids;
	unsigned int flags;
	int def_domain_type;
	const char *const *wish_identity;
	const char *const *wish_dma;
	void (*probe_hook)(struct sio_device *dev, void *data);
	void *hook_data;
};

/* No static identity domain. */
#define MOCK_IOMMU_F_NO_IDENTITY	(1u << 0)
/* No static blocked domain: the core falls back to an empty paging domain. */
#define MOCK_IOMMU_F_NO_BLOCKED		(1u << 1)
/* device_group = generic_single_device_group (one group per instance). */
#define MOCK_IOMMU_F_SINGLE_GROUP	(1u << 2)
/* is_attach_deferred() answers true. */
#define MOCK_IOMMU_F_DEFERRED_ATTACH	(1u << 3)
/* Static legacy default_domain (blocked-type, like the kernel selftest). */
#define MOCK_IOMMU_F_LEGACY_DEFAULT	(1u << 4)
/* Register as the second driver "mock2": a different struct iommu_ops. */
#define MOCK_IOMMU_F_ALT_DRIVER		(1u << 5)
/*
 * Neither paging alloc op (rule 29): iommu_device_register() must then fail
 * with -EINVAL, so use it only to test that.
 */
#define MOCK_IOMMU_F_NO_PAGING_OP	(1u << 6)
/* device_group returns NULL (a driver bug; rule 3). */
#define MOCK_IOMMU_F_NULL_GROUP		(1u << 7)
/* The paging alloc op returns NULL instead of a domain (rule 29). */
#define MOCK_IOMMU_F_ALLOC_NULL		(1u << 8)
/* domain_alloc_paging_flags refuses IOMMU_HWPT_ALLOC_PASID (rule 10). */
#define MOCK_IOMMU_F_NO_ALLOC_PASID	(1u << 9)

/**
 * mock_iommu_create() - allocate a mock IOMMU instance and register it
 * @m: the machine
 * @name: instance name, matched against devices' firmware "iommu"
 * @cfg: behaviour; NULL means all defaults
 *
 * Context: may sleep; iommu_device_register() probes the devices behind it.
 * Return: the registered instance, or ERR_PTR(-EINVAL/-EEXIST/-ENOMEM).
 */
struct iommu_device *mock_iommu_create(struct sio_machine *m, const char *name,
				       const struct mock_iommu_config *cfg);

/**
 * mock_iommu_destroy() - unregister and free an instance from
 * mock_iommu_create().  NULL or ERR_PTR is a no-op.
 * Context: may sleep.
 */
void mock_iommu_destroy(struct iommu_device *iommu);

enum mock_fail_point {
	MOCK_FAIL_PROBE,		/* probe_device */
	MOCK_FAIL_ALLOC_PAGING,		/* domain_alloc_paging(_flags) */
	MOCK_FAIL_ATTACH,		/* attach_dev */
	MOCK_FAIL_SET_PASID,		/* set_dev_pasid */
	MOCK_FAIL_MAP,			/* map_pages */
	MOCK_FAIL_NR
};

/**
 * mock_iommu_inject() - make the @nth call (1 = next) at @point fail
 * @iommu: an instance from mock_iommu_create()
 * @point: which op
 * @nth: 1 = the next call; 0 disarms @point
 * @dev_name: only count calls for this device (NULL = any device)
 * @err: the negative errno to return
 *
 * One shot: after it fires the point is disarmed.  For MOCK_FAIL_MAP the
 * failing call maps nothing (and reports 0 bytes mapped).
 * Context: any thread.
 * Return: 0, -EINVAL for a bad @point or a non-negative @err.
 */
int mock_iommu_inject(struct iommu_device *iommu, enum mock_fail_point point,
		      unsigned int nth, const char *dev_name, int err);

/**
 * struct mock_iommu_stats - counters of one instance (all since creation)
 * @attach: successful attach_dev calls
 * @set_pasid: successful set_dev_pasid calls
 * @map: successful map_pages calls
 * @unmap: unmap_pages calls that unmapped something
 * @domains_live: paging domains allocated and not yet freed
 * @checker_warns: misuse the checker WARNed about
 * @iotlb_sync: iotlb_sync calls
 * @flush_all: flush_iotlb_all calls
 * @page_response: page_response calls
 * @probed: devices currently probed (probe_device minus release_device)
 * @attach_calls: attach_dev calls, including failed ones
 * @alloc_calls: paging alloc op calls, including failed ones
 * @last_alloc_flags: IOMMU_HWPT_ALLOC_* flags of the last paging alloc call
 */
struct mock_iommu_stats {
	unsigned long attach, set_pasid, map, unmap, domains_live, checker_warns;
	unsigned long iotlb_sync, flush_all, page_response, probed, attach_calls;
	unsigned long alloc_calls;	/* paging alloc op calls, incl. failed */
	unsigned int last_alloc_flags;	/* flags of the last paging alloc call */
};

/* Context: any thread. */
void mock_iommu_get_stats(struct iommu_device *iommu,
			  struct mock_iommu_stats *st);

/**
 * mock_iommu_set_def_domain_type() - per-device def_domain_type() answer
 * @iommu: an instance from mock_iommu_create()
 * @dev_name: the device (it need not exist yet)
 * @type: 0 (no wish), IOMMU_DOMAIN_IDENTITY or IOMMU_DOMAIN_DMA; overrides
 *        the instance-wide @def_domain_type for that device
 * Context: any thread.  Return: 0, -ENOSPC when the table is full.
 */
int mock_iommu_set_def_domain_type(struct iommu_device *iommu,
				   const char *dev_name, int type);

/* Return: true if @d was allocated by (or is a static domain of) a mock driver. */
bool mock_domain_is(const struct iommu_domain *d);

/**
 * mock_dev_attached_domain() - the domain the mock driver last attached @dev
 * (its RID) to, as the "hardware" sees it.
 * Context: any thread.  Return: the domain, or NULL (never attached or
 * released, or @dev is not behind a mock IOMMU).
 */
struct iommu_domain *mock_dev_attached_domain(struct sio_device *dev);

/* Same for @pasid of @dev (NULL: nothing, or the blocked domain). */
struct iommu_domain *mock_dev_pasid_domain(struct sio_device *dev,
					   unsigned int pasid);

/**
 * mock_domain_mapped_bytes() - bytes currently mapped in a mock paging
 * domain.  Context: any thread.  Return: bytes (0 for non-paging domains).
 */
u64 mock_domain_mapped_bytes(struct iommu_domain *d);

/**
 * mock_domain_translate() - what a mock paging domain maps @iova to
 * @d: a mock paging domain
 * @iova: input address
 * @pa: output address (on success)
 * @prot: IOMMU_READ/IOMMU_WRITE/... recorded for the mapping (on success)
 * @len: bytes valid from *@pa to the end of the leaf covering @iova
 *
 * This is the mock's page table as its software DMA port walks it.
 * Context: any thread; takes the domain's lock (a leaf).
 * Return: 0; -ENOENT (nothing maps @iova); -EINVAL (@d is not a mock paging
 * domain, or a NULL output pointer).
 */
int mock_domain_translate(struct iommu_domain *d, unsigned long iova, u64 *pa,
			  int *prot, size_t *len);

#endif /* SIO_DRIVERS_MOCK_MOCK_H */
