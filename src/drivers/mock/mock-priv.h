/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by the mock driver's files: instances, per-device
 * records, paging domains, the global registry that the checker consults.
 * Kernel counterpart: drivers/iommu/iommufd/selftest.c
 */
#ifndef SIO_DRIVERS_MOCK_MOCK_PRIV_H
#define SIO_DRIVERS_MOCK_MOCK_PRIV_H

#include "drivers/mock/mock.h"
#include "dev/device.h"

#define MOCK_DEFAULT_PGSIZES	(BIT(12) | BIT(21) | BIT(30))
#define MOCK_APERTURE_END	((1ULL << 48) - 1)
#define MOCK_MAX_DEV_WISHES	16
#define MOCK_PENDING_UNMAPS	16

/* Flags that select a distinct struct iommu_ops (static variants). */
#define MOCK_OPS_FLAGS (MOCK_IOMMU_F_NO_IDENTITY | MOCK_IOMMU_F_NO_BLOCKED | \
			MOCK_IOMMU_F_LEGACY_DEFAULT | MOCK_IOMMU_F_ALT_DRIVER | \
			MOCK_IOMMU_F_NO_PAGING_OP)

struct mock_inject {
	unsigned int nth;		/* 0 = disarmed */
	char dev_name[SIO_NAME_LEN];	/* "" = any device */
	int err;
};

struct mock_dev_wish {
	char dev_name[SIO_NAME_LEN];
	int type;
};

/**
 * struct mock_iommu - one mock IOMMU instance
 *
 * Every mutable field below is protected by mock_lock (a leaf lock taken
 * inside the group mutex and the probe lock).
 */
struct sio_dma_target;

struct mock_iommu {
	struct iommu_device iommu;	/* registered with the core */
	struct mock_iommu_config cfg;	/* immutable after create */
	struct list_head node;		/* on mock_instances */
	struct list_head devices;	/* struct mock_dev, probed devices */
	struct mock_inject inject[MOCK_FAIL_NR];
	struct mock_dev_wish wishes[MOCK_MAX_DEV_WISHES];
	struct mock_iommu_stats st;
	bool registered;
	struct sio_dma_target *target;	/* its input side (mock-port.c) */
};

/**
 * struct mock_dev - what the "hardware" knows about a probed device
 * Protected by mock_lock.
 */
struct mock_dev {
	struct list_head node;		/* on mi->devices */
	struct sio_device *dev;
	struct mock_iommu *mi;
	struct iommu_domain *domain;	/* RID attachment (NULL: none) */
	struct xarray pasids;		/* pasid → domain (non-blocked only) */
};

/**
 * struct mock_domain - a mock paging domain
 * @lock: protects @pt, @mapped_bytes and @pending (leaf lock, never held
 *	  with mock_lock)
 * @pt: page table: leaf start >> min_shift → struct mock_leaf
 * @users: RID and PASID attachments (under mock_lock)
 */
struct mock_domain {
	struct iommu_domain domain;
	struct mock_iommu *mi;		/* allocating instance */
	struct list_head node;		/* on mock_live_domains (mock_lock) */
	unsigned int alloc_flags;
	unsigned int min_shift;
	struct mutex lock;
	struct xarray pt;
	u64 mapped_bytes;
	struct {
		const struct iommu_iotlb_gather *gather;
		unsigned int last_flags;
	} pending[MOCK_PENDING_UNMAPS];
	unsigned int users;
};

#define MOCK_LEAF_START	(1u << 0)	/* first leaf of a map */
#define MOCK_LEAF_LAST	(1u << 1)	/* last leaf of a map */

struct mock_leaf {
	u64 paddr;
	size_t size;
	int prot;
	unsigned int flags;
};

static inline struct mock_domain *to_mock_domain(struct iommu_domain *d)
{
	return container_of(d, struct mock_domain, domain);
}

/* mock.c */
extern struct mutex mock_lock;
void mock_lock_init(void);
struct mock_dev *mock_dev_find_locked(struct sio_device *dev);
int mock_inject_check_locked(struct mock_iommu *mi, enum mock_fail_point p,
			     struct sio_device *dev);
void mock_checker_warn_locked(struct mock_iommu *mi);
void mock_domain_scrub_locked(struct iommu_domain *d);
extern const struct iommu_domain_ops mock_paging_ops;
int mock_attach_dev(struct iommu_domain *domain, struct sio_device *dev,
		    struct iommu_domain *old);
int mock_set_dev_pasid(struct iommu_domain *domain, struct sio_device *dev,
		       unsigned int pasid, struct iommu_domain *old);

/* mock-domain.c */
struct iommu_domain *mock_domain_alloc(struct mock_iommu *mi,
				       struct sio_device *dev,
				       unsigned int flags);
bool mock_domain_live_locked(const struct iommu_domain *d);

/* mock-port.c */
int mock_target_add(struct mock_iommu *mi);
void mock_target_remove(struct mock_iommu *mi);

#endif /* SIO_DRIVERS_MOCK_MOCK_PRIV_H */
