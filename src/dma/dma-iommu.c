// SPDX-License-Identifier: BSD-3-Clause
/*
 * dma-iommu: the IOMMU DMA ops behind the DMA API (mapping.c) for a device
 * whose default domain is DMA or DMA-FQ: a per-domain IOVA cookie
 * (allocator + flush queue), strict or lazy unmap (§10.2).
 * Kernel counterpart: drivers/iommu/dma-iommu.c
 */
#include <pthread.h>
#include <string.h>

#include "dma/dma-mapping.h"
#include "dma/dma-iommu.h"
#include "dma/dma-priv.h"
#include "dma/iova.h"
#include "dma/fq.h"
#include "dma/iommu-dma.h"
#include "dev/dma-observer.h"
#include <softiommu/iommu.h>
#include <softiommu/iommu-driver.h>

/**
 * struct iommu_dma_cookie - dma-iommu's state of one DMA-API domain
 * @domain: the domain (immutable)
 * @iovad: IOVA allocator; its own locks
 * @fq_mutex: serialises flush-queue bring-up and teardown; nests outside
 *	what iommu_dma_init_fq() takes (the workqueue), inside nothing of
 *	ours; never held on the map/unmap fast paths
 * @fq: the flush queue; set up at most once (published by fq.ready)
 * @fq_failed: bring-up failed or the IOMMU cannot defer flushes: stay
 *	strict (atomic int: read on the unmap path)
 * @stats: per-CPU-slot counters (relaxed atomics: a slot is shared only
 *	when threads outnumber CPUs); summed by iommu_dma_get_stats()
 * @nr_stats: entries of @stats
 */
struct iommu_dma_cookie {
	struct iommu_domain *domain;
	struct iova_domain iovad;
	struct mutex fq_mutex;
	struct iommu_dma_fq fq;
	atomic_t fq_failed;
	struct dma_cookie_stats *stats;
	unsigned int nr_stats;
};

enum dma_stat {
	DMA_STAT_MAPS,
	DMA_STAT_MAP_FAILURES,
	DMA_STAT_STRICT_UNMAPS,
	DMA_STAT_LAZY_UNMAPS,
	DMA_STAT_NR,
};

/*
 * One CPU slot's counters, two cache lines long so that the map/unmap
 * paths of two CPUs never write the same line (a shared atomic here was
 * a cache-line ping-pong on every call).
 */
struct dma_cookie_stats {
	unsigned long c[DMA_STAT_NR];
	char pad[128 - DMA_STAT_NR * sizeof(unsigned long)];
};

static void dma_stat_inc(struct iommu_dma_cookie *cookie, enum dma_stat i)
{
	struct dma_cookie_stats *st =
		&cookie->stats[sio_dma_cpu_slot(cookie->nr_stats)];

	__atomic_fetch_add(&st->c[i], 1, __ATOMIC_RELAXED);
}

static unsigned long dma_stat_sum(struct iommu_dma_cookie *cookie,
				  enum dma_stat i)
{
	unsigned long n = 0;
	unsigned int s;

	for (s = 0; s < cookie->nr_stats; s++)
		n += __atomic_load_n(&cookie->stats[s].c[i], __ATOMIC_RELAXED);
	return n;
}

/* iommu.forcedac=: never try a 32-bit IOVA first (system-wide). */
static atomic_t iommu_dma_forcedac;

/**
 * sio_iommu_dma_set_forcedac() - iommu.forcedac=
 * @on: skip the 32-bit-first IOVA attempt for PCI devices
 *
 * Context: any; affects later allocations.
 */
void sio_iommu_dma_set_forcedac(bool on)
{
	atomic_set(&iommu_dma_forcedac, on);
}

static bool dev_is_pci(struct sio_device *dev)
{
	const char *name = dev->bus && dev->bus->type ? dev->bus->type->name :
							NULL;

	/* Open-coded strcmp(name, "pci"): this runs on every map. */
	return name && name[0] == 'p' && name[1] == 'c' && name[2] == 'i' &&
	       !name[3];
}

/*
 * Serialises cookie creation (first map of a domain, or the core's hook):
 * rare, so one lock for all domains.  Nests outside the allocator's and
 * the workqueue's locks; never held on a map/unmap fast path.
 */
static struct mutex dma_cookie_lock;
static pthread_once_t dma_cookie_once = PTHREAD_ONCE_INIT;

static void dma_cookie_lock_init(void)
{
	mutex_init(&dma_cookie_lock);
}

/*
 * The cookie, once published by iommu_get_dma_cookie(); NULL before, and
 * for a domain whose union holds another cookie.  Context: any.
 */
static struct iommu_dma_cookie *dma_cookie(struct iommu_domain *domain)
{
	/* Pairs with the store-release in iommu_get_dma_cookie(). */
	if (__atomic_load_n(&domain->cookie_type, __ATOMIC_ACQUIRE) !=
	    IOMMU_COOKIE_DMA_IOVA)
		return NULL;
	return __atomic_load_n((struct iommu_dma_cookie **)&domain->cookie,
			       __ATOMIC_RELAXED);
}

static void dma_cookie_free(struct iommu_dma_cookie *cookie)
{
	iommu_dma_free_fq(&cookie->fq);
	put_iova_domain(&cookie->iovad);
	mutex_destroy(&cookie->fq_mutex);
	kfree(cookie->stats);
	kfree(cookie);
}

/**
 * iommu_get_dma_cookie() - give a DMA-API domain its IOVA cookie
 * @domain: a DMA or DMA_FQ paging domain
 *
 * Idempotent; concurrent callers agree on one cookie.
 * Context: may sleep; takes the cookie creation lock.
 * Return: 0; -EINVAL (not a DMA-API paging domain, another cookie, no page
 * sizes or a granule above PAGE_SIZE); -ENOMEM.
 */
int iommu_get_dma_cookie(struct iommu_domain *domain)
{
	struct iommu_dma_cookie *cookie;
	unsigned long granule, start_pfn;
	int ret;

	if (!domain || !(domain->type & __IOMMU_DOMAIN_PAGING) ||
	    !(domain->type & __IOMMU_DOMAIN_DMA_API))
		return -EINVAL;
	if (dma_cookie(domain))
		return 0;
	if (!domain->pgsize_bitmap)
		return -EINVAL;
	granule = 1UL << __ffs(domain->pgsize_bitmap);
	if (granule > PAGE_SIZE) {
		pr_err("iommu: DMA domain granule %#lx above PAGE_SIZE",
		       granule);
		return -EINVAL;
	}

	pthread_once(&dma_cookie_once, dma_cookie_lock_init);
	mutex_lock(&dma_cookie_lock);
	ret = 0;
	if (domain->cookie_type == IOMMU_COOKIE_DMA_IOVA)
		goto out_unlock; /* a racing first map won */
	ret = -EINVAL;
	if (domain->cookie_type != IOMMU_COOKIE_NONE)
		goto out_unlock; /* e.g. a legacy fault handler */

	ret = -ENOMEM;
	cookie = kzalloc(sizeof(*cookie), GFP_KERNEL);
	if (!cookie)
		goto out_unlock;
	cookie->domain = domain;
	mutex_init(&cookie->fq_mutex);
	cookie->nr_stats = sio_dma_nr_cpu_slots();
	cookie->stats = kcalloc(cookie->nr_stats, sizeof(*cookie->stats),
				GFP_KERNEL);
	if (!cookie->stats)
		goto err_free;
	start_pfn = max_t(unsigned long, 1,
			  domain->geometry.aperture_start >> __ffs(granule));
	ret = init_iova_domain(&cookie->iovad, granule, start_pfn);
	if (ret)
		goto err_free;
	/*
	 * iovad.cpu_spread stays off: it helps strict two-CPU scaling (B3
	 * strict 0.51 -> 0.57) but moves the IOVAs the golden scenario
	 * outputs expect.
	 */
	ret = iova_domain_init_rcaches(&cookie->iovad);
	if (ret)
		goto err_put_iovad;

	__atomic_store_n((struct iommu_dma_cookie **)&domain->cookie, cookie,
			 __ATOMIC_RELAXED);
	/* iommu_domain_free() releases it through this hook. */
	domain->cookie_put = iommu_put_dma_cookie;
	/* Publish: readers test the type first (dma_cookie()). */
	__atomic_store_n(&domain->cookie_type, IOMMU_COOKIE_DMA_IOVA,
			 __ATOMIC_RELEASE);
	mutex_unlock(&dma_cookie_lock);
	return 0;

err_put_iovad:
	put_iova_domain(&cookie->iovad);
err_free:
	mutex_destroy(&cookie->fq_mutex);
	kfree(cookie->stats);
	kfree(cookie);
out_unlock:
	mutex_unlock(&dma_cookie_lock);
	return ret;
}

/**
 * iommu_put_dma_cookie() - free @domain's IOVA cookie and flush queue
 * @domain: any domain (one without a DMA cookie is left alone); NULL ok
 *
 * Context: may sleep; no mapping call on @domain may run concurrently.
 */
void iommu_put_dma_cookie(struct iommu_domain *domain)
{
	struct iommu_dma_cookie *cookie;

	if (!domain)
		return;
	cookie = dma_cookie(domain);
	if (!cookie)
		return;
	__atomic_store_n(&domain->cookie_type, IOMMU_COOKIE_NONE,
			 __ATOMIC_RELAXED);
	__atomic_store_n((struct iommu_dma_cookie **)&domain->cookie, NULL,
			 __ATOMIC_RELAXED);
	domain->cookie_put = NULL;
	dma_cookie_free(cookie);
}

static void dma_fq_flush_iotlb_all(void *data)
{
	struct iommu_dma_cookie *cookie = data;
	struct iommu_domain *domain = cookie->domain;

	if (domain->ops && domain->ops->flush_iotlb_all)
		domain->ops->flush_iotlb_all(domain);
}

/* A queued range's flush completed: tell an observer before the reuse. */
static void dma_fq_observe_release(struct iommu_dma_cookie *cookie,
				   unsigned long iova_pfn, unsigned long pages)
{
	unsigned long shift = iova_shift(&cookie->iovad);

	sio_dma_observe_unmap(cookie->domain, iova_pfn << shift, pages << shift,
			      SIO_DMA_UNMAP_RELEASED);
}

static void dma_fq_release(void *data, unsigned long iova_pfn,
			   unsigned long pages, struct list_head *freelist)
{
	struct iommu_dma_cookie *cookie = data;

	dma_fq_observe_release(cookie, iova_pfn, pages);
	/* Page-table pages stay with the driver: @freelist is always empty. */
	free_iova_fast(&cookie->iovad, iova_pfn, pages);
}

/* The same, back to the cache of the CPU slot that queued the range. */
static void dma_fq_release_slot(void *data, unsigned int slot,
				unsigned long iova_pfn, unsigned long pages,
				struct list_head *freelist)
{
	struct iommu_dma_cookie *cookie = data;

	dma_fq_observe_release(cookie, iova_pfn, pages);
	if (cookie->fq.nr_queues > 1)
		free_iova_fast_slot(&cookie->iovad, iova_pfn, pages, slot);
	else
		free_iova_fast(&cookie->iovad, iova_pfn, pages);
}

static const struct iommu_dma_fq_ops dma_fq_ops = {
	.flush_iotlb_all = dma_fq_flush_iotlb_all,
	.release = dma_fq_release,
	.release_slot = dma_fq_release_slot,
};

/*
 * Bring the flush queue up unless that already failed.  @dev (may be NULL)
 * is asked for IOMMU_CAP_DEFERRED_FLUSH.  Return: true if it is up.
 */
static bool dma_cookie_fq_up(struct iommu_dma_cookie *cookie,
			     struct sio_device *dev)
{
	const struct iommu_ops *ops = cookie->domain->owner;
	int ret = 0;

	if (iommu_dma_fq_ready(&cookie->fq))
		return true;
	if (atomic_read(&cookie->fq_failed))
		return false;

	mutex_lock(&cookie->fq_mutex);
	if (iommu_dma_fq_ready(&cookie->fq) || atomic_read(&cookie->fq_failed))
		goto out_unlock;
	if (dev && ops && ops->capable &&
	    !ops->capable(dev, IOMMU_CAP_DEFERRED_FLUSH)) {
		dev_info(dev, "IOMMU cannot defer flushes: unmapping strictly");
		ret = -EOPNOTSUPP;
	} else {
		ret = iommu_dma_init_fq(&cookie->fq, &dma_fq_ops, cookie, NULL);
		if (ret)
			pr_warn("iommu: flush queue unavailable (%d), staying strict",
				ret);
	}
	/*
	 * Divergence: the kernel downgrades domain->type to DMA here; the
	 * type belongs to the core (group mutex), so the domain stays DMA-FQ
	 * in sysfs and unmaps strictly.
	 */
	if (ret)
		atomic_set(&cookie->fq_failed, 1);
out_unlock:
	mutex_unlock(&cookie->fq_mutex);
	return iommu_dma_fq_ready(&cookie->fq);
}

/**
 * iommu_dma_domain_init_fq() - bring up @domain's flush queue now
 * @domain: a DMA_FQ domain
 *
 * Context: may sleep.
 * Return: 0; -EINVAL; -ENOMEM or -EOPNOTSUPP when the queue could not be
 * set up (the domain then unmaps strictly).
 */
int iommu_dma_domain_init_fq(struct iommu_domain *domain)
{
	struct iommu_dma_cookie *cookie;
	int ret;

	if (!domain || domain->type != IOMMU_DOMAIN_DMA_FQ)
		return -EINVAL;
	ret = iommu_get_dma_cookie(domain);
	if (ret)
		return ret;
	cookie = dma_cookie(domain);
	return dma_cookie_fq_up(cookie, NULL) ? 0 : -ENOMEM;
}

/**
 * iommu_dma_flush_fq() - flush the IOTLB and release every queued IOVA
 * @domain: a domain with a DMA cookie
 *
 * Context: may sleep.
 * Return: 0; -ENOENT (no cookie or no flush queue).
 */
int iommu_dma_flush_fq(struct iommu_domain *domain)
{
	struct iommu_dma_cookie *cookie = domain ? dma_cookie(domain) : NULL;

	if (!cookie || !iommu_dma_fq_ready(&cookie->fq))
		return -ENOENT;
	iommu_dma_fq_flush(&cookie->fq);
	return 0;
}

/**
 * iommu_dma_get_stats() - counters of @domain's DMA cookie
 * @domain: the domain
 * @st: filled in
 *
 * Context: any.
 * Return: 0, -ENOENT (no DMA cookie).
 */
int iommu_dma_get_stats(struct iommu_domain *domain, struct iommu_dma_stats *st)
{
	struct iommu_dma_cookie *cookie = domain ? dma_cookie(domain) : NULL;

	if (!cookie || !st)
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	st->maps = dma_stat_sum(cookie, DMA_STAT_MAPS);
	st->map_failures = dma_stat_sum(cookie, DMA_STAT_MAP_FAILURES);
	st->strict_unmaps = dma_stat_sum(cookie, DMA_STAT_STRICT_UNMAPS);
	st->lazy_unmaps = dma_stat_sum(cookie, DMA_STAT_LAZY_UNMAPS);
	/* Every completed unmap is one or the other. */
	st->unmaps = st->strict_unmaps + st->lazy_unmaps;
	st->fq_ready = iommu_dma_fq_ready(&cookie->fq);
	st->fq_pending = st->fq_ready ? iommu_dma_fq_pending(&cookie->fq) : 0;
	st->fq_flushes = atomic_long_read(&cookie->fq.fq_flush_finish_cnt);
	st->iova_pfn_start = cookie->iovad.start_pfn;
	st->granule = cookie->iovad.granule;
	return 0;
}

/* Keep the IOVA allocator away from @dev's reserved regions. */
static int dma_reserve_region(const struct iommu_resv_region *r, void *data)
{
	struct iova_domain *iovad = data;

	/* dma-iommu itself manages a software MSI window. */
	if (r->type == IOMMU_RESV_SW_MSI || !r->length)
		return 0;
	if (!reserve_iova(iovad, iova_pfn(iovad, r->start),
			  iova_pfn(iovad, r->start + r->length - 1)))
		return -ENOMEM;
	return 0;
}

/*
 * The cookie of @dev's DMA-API default domain, created at the first use
 * (with @dev's reserved regions carved out).  Return: cookie or ERR_PTR.
 */
static struct iommu_dma_cookie *dma_dev_cookie(struct sio_device *dev,
					       struct iommu_domain *domain)
{
	struct iommu_dma_cookie *cookie = dma_cookie(domain);
	int ret;

	if (likely(cookie))
		return cookie;
	ret = iommu_get_dma_cookie(domain);
	if (ret)
		return ERR_PTR(ret);
	cookie = dma_cookie(domain);
	ret = iommu_for_each_resv_region(dev, dma_reserve_region,
					 &cookie->iovad);
	if (ret && ret != -ENODEV)
		dev_warn(
			dev,
			"reserved regions not carved out of the IOVA space (%d)",
			ret);
	return cookie;
}

static int dma_dir_to_prot(enum dma_data_direction dir)
{
	switch (dir) {
	case DMA_BIDIRECTIONAL:
		return IOMMU_READ | IOMMU_WRITE;
	case DMA_TO_DEVICE:
		return IOMMU_READ;
	case DMA_FROM_DEVICE:
		return IOMMU_WRITE;
	default:
		return 0;
	}
}

/**
 * iommu_dma_domain() - the domain the DMA API translates through for @dev
 * @dev: the device
 *
 * Context: any; lockless.
 * Return: the DMA or DMA-FQ default domain, or NULL for the direct (1:1)
 * path: no IOMMU, identity or any non-DMA-API default domain.
 */
struct iommu_domain *iommu_dma_domain(struct sio_device *dev)
{
	struct iommu_domain *domain = iommu_get_dma_domain(dev);

	if (domain && (domain->type & __IOMMU_DOMAIN_DMA_API))
		return domain;
	return NULL;
}

/* IOVA for @size bytes (granule multiple) below @dma_limit; 0 if none. */
static dma_addr_t dma_alloc_iova(struct iommu_dma_cookie *cookie,
				 struct sio_device *dev, size_t size,
				 u64 dma_limit)
{
	struct iova_domain *iovad = &cookie->iovad;
	struct iommu_domain *domain = cookie->domain;
	unsigned long shift = iova_shift(iovad), iova_len, iova = 0;

	iova_len = size >> shift;
	if (domain->geometry.force_aperture)
		dma_limit =
			min_t(u64, dma_limit, domain->geometry.aperture_end);
	/* Single-address-cycle first for PCI devices (spec §10.1). */
	if (dma_limit > DMA_BIT_MASK(32) && dev_is_pci(dev) &&
	    !atomic_read(&iommu_dma_forcedac))
		iova = alloc_iova_fast(iovad, iova_len,
				       DMA_BIT_MASK(32) >> shift, false);
	if (!iova)
		iova = alloc_iova_fast(iovad, iova_len, dma_limit >> shift,
				       true);
	return (dma_addr_t)iova << shift;
}

/*
 * Unmap without syncing the IOTLB (kernel iommu_unmap_fast(); the core
 * does not export it yet).  Page sizes are picked as iommu_unmap() does.
 * Return: bytes unmapped.
 */
static size_t dma_unmap_fast(struct iommu_domain *domain, unsigned long iova,
			     size_t size, struct iommu_iotlb_gather *gather)
{
	const struct iommu_domain_ops *ops = domain->ops;
	unsigned long bitmap = domain->pgsize_bitmap;
	size_t unmapped = 0;

	if (WARN_ON(!ops || !ops->unmap_pages || !bitmap))
		return 0;
	while (unmapped < size) {
		size_t left = size - unmapped, pgsize, count, n;
		unsigned long pgsizes, larger;
		unsigned int idx;

		pgsizes = bitmap & GENMASK(__fls(left), 0);
		if (iova)
			pgsizes &= GENMASK(__ffs(iova), 0);
		if (!pgsizes)
			break;
		idx = __fls(pgsizes);
		pgsize = BIT(idx);
		count = left >> idx;
		larger = bitmap & ~GENMASK(idx, 0);
		if (larger) {
			size_t next = BIT(__ffs(larger));
			size_t off = next - (iova & (next - 1));

			if (off + next <= left)
				count = off >> idx;
		}
		n = ops->unmap_pages(domain, iova, pgsize, count, gather);
		if (!n)
			break;
		iova += n;
		unmapped += n;
	}
	return unmapped;
}

/*
 * Invalidate now what an unmap gathered in @gather, even when it was
 * queued for the flush queue (a queued gather may be empty: the driver
 * skips per-page invalidation, so the whole domain is flushed).
 */
static void dma_unmap_invalidate_now(struct iommu_domain *domain,
				     struct iommu_iotlb_gather *gather)
{
	bool queued = gather->queued;

	iommu_iotlb_sync(domain, gather);
	if (queued && domain->ops->flush_iotlb_all)
		domain->ops->flush_iotlb_all(domain);
}

/**
 * iommu_dma_map_phys() - map @size bytes at @phys for @dev in @domain
 * @dev: the device
 * @domain: its DMA-API default domain (iommu_dma_domain())
 * @phys: physical address
 * @size: bytes (> 0)
 * @dir: a valid direction
 *
 * Allocates a size-aligned IOVA (below 4 GiB first for PCI devices unless
 * iommu.forcedac=), creating the domain's cookie and, for DMA-FQ, its flush
 * queue at the first use, and finishes a deferred attach.
 * Context: may sleep (cookie and flush-queue bring-up, deferred attach);
 * otherwise takes only the IOVA allocator's and the driver's locks.
 * Return: the DMA address (with @phys's offset in the granule), or
 * DMA_MAPPING_ERROR.
 */
dma_addr_t iommu_dma_map_phys(struct sio_device *dev,
			      struct iommu_domain *domain, phys_addr_t phys,
			      size_t size, enum dma_data_direction dir)
{
	int prot = dma_dir_to_prot(dir);
	struct iommu_dma_cookie *cookie;
	struct iova_domain *iovad;
	size_t iova_off;
	dma_addr_t iova;

	cookie = dma_dev_cookie(dev, domain);
	if (IS_ERR(cookie))
		return DMA_MAPPING_ERROR;
	if (iommu_deferred_attach(dev, domain))
		goto err_count;
	iovad = &cookie->iovad;
	iova_off = iova_offset(iovad, phys);
	if (size > SIZE_MAX - iova_off - iovad->granule)
		goto err_count;
	size = iova_align(iovad, size + iova_off);

	/* A DMA-FQ domain gets its flush queue at the first map. */
	if (READ_ONCE(domain->type) == IOMMU_DOMAIN_DMA_FQ)
		dma_cookie_fq_up(cookie, dev);

	iova = dma_alloc_iova(cookie, dev, size, dma_get_mask(dev));
	if (!iova)
		goto err_count;
	if (iommu_map(domain, iova, phys - iova_off, size, prot, GFP_ATOMIC))
		goto err_free_iova;
	dma_stat_inc(cookie, DMA_STAT_MAPS);
	return iova + iova_off;

err_free_iova:
	free_iova_fast(iovad, iova_pfn(iovad, iova), size >> iova_shift(iovad));
err_count:
	dma_stat_inc(cookie, DMA_STAT_MAP_FAILURES);
	return DMA_MAPPING_ERROR;
}

/**
 * iommu_dma_unmap_phys() - unmap [@dma_addr, +@size) strictly or lazily
 * @dev: the device
 * @domain: its DMA-API default domain (iommu_dma_domain())
 * @dma_addr: the DMA address iommu_dma_map_phys() returned
 * @size: the size it was given (aligned to granules here)
 *
 * Strict: the range is invalidated and its IOVA freed before the call
 * returns.  Lazy: the IOVA waits in the flush queue for a flush of the
 * whole domain.  A @size that does not match what is mapped there WARNs
 * (as in the kernel); what was unmapped is invalidated at once in either
 * mode and the IOVA is leaked.
 *
 * Context: may sleep (flush-queue bring-up, a full queue's flush).
 */
void iommu_dma_unmap_phys(struct sio_device *dev, struct iommu_domain *domain,
			  dma_addr_t dma_addr, size_t size)
{
	struct iommu_dma_cookie *cookie = dma_cookie(domain);
	struct iommu_iotlb_gather gather;
	struct iova_domain *iovad;
	size_t iova_off, unmapped;
	bool lazy;

	if (WARN_ON(!cookie))
		return;
	iovad = &cookie->iovad;
	iova_off = iova_offset(iovad, dma_addr);
	dma_addr -= iova_off;
	size = iova_align(iovad, size + iova_off);

	/* The mode follows the type at each unmap (sysfs DMA -> DMA-FQ). */
	lazy = READ_ONCE(domain->type) == IOMMU_DOMAIN_DMA_FQ &&
	       dma_cookie_fq_up(cookie, dev);
	iommu_iotlb_gather_init(&gather);
	gather.queued = lazy;

	unmapped = dma_unmap_fast(domain, dma_addr, size, &gather);
	if (WARN(unmapped != size, "dma-iommu: unmapped %#zx of %#zx at %#llx",
		 unmapped, size, (unsigned long long)dma_addr)) {
		/*
		 * A caller bug, but what the tables no longer map must not
		 * stay reachable once we return, strict or lazy.  The IOVA
		 * is leaked rather than handed out while part of it may
		 * still be mapped.
		 */
		if (unmapped)
			dma_unmap_invalidate_now(domain, &gather);
		sio_dma_observe_unmap(domain, dma_addr, unmapped,
				      SIO_DMA_UNMAP_STRICT);
		return;
	}

	if (!lazy) {
		iommu_iotlb_sync(domain, &gather);
		/* Before the IOVA can be handed out again. */
		sio_dma_observe_unmap(domain, dma_addr, size,
				      SIO_DMA_UNMAP_STRICT);
		free_iova_fast(iovad, iova_pfn(iovad, dma_addr),
			       size >> iova_shift(iovad));
		dma_stat_inc(cookie, DMA_STAT_STRICT_UNMAPS);
	} else {
		/*
		 * A queued gather needs no sync: the flush queue's
		 * flush_iotlb_all covers it.  Drivers that gathered anyway
		 * get their (cheap) sync so their bookkeeping stays paired.
		 */
		if (gather.start <= gather.end)
			iommu_iotlb_sync(domain, &gather);
		/* Before queue_iova(), which may release it at once. */
		sio_dma_observe_unmap(domain, dma_addr, size,
				      SIO_DMA_UNMAP_DEFERRED);
		queue_iova(&cookie->fq, iova_pfn(iovad, dma_addr),
			   size >> iova_shift(iovad), NULL);
		dma_stat_inc(cookie, DMA_STAT_LAZY_UNMAPS);
	}
}

/* Bytes of IOVA segment @s takes in an IOMMU-mapped list. */
static size_t sg_iova_len(struct iova_domain *iovad,
			  const struct sio_scatterlist *s)
{
	return iova_align(iovad, iova_offset(iovad, s->phys) + s->length);
}

/**
 * iommu_dma_map_sg() - map @sg back to back in one IOVA range of @domain
 * @dev: the device
 * @domain: its DMA-API default domain (iommu_dma_domain())
 * @sg: the segments
 * @nents: how many (> 0)
 * @dir: a valid direction
 *
 * Context: may sleep (as iommu_dma_map_phys()).
 * Return: the number of DMA segments (>= 1), or 0 with nothing mapped.
 */
int iommu_dma_map_sg(struct sio_device *dev, struct iommu_domain *domain,
		     struct sio_scatterlist *sg, int nents,
		     enum dma_data_direction dir)
{
	int prot = dma_dir_to_prot(dir);
	struct iommu_dma_cookie *cookie;
	struct iova_domain *iovad;
	dma_addr_t iova, cur;
	size_t total = 0;
	int i, out;

	cookie = dma_dev_cookie(dev, domain);
	if (IS_ERR(cookie))
		return 0;
	if (iommu_deferred_attach(dev, domain))
		goto err_count;
	iovad = &cookie->iovad;
	for (i = 0; i < nents; i++) {
		if (!sg[i].length)
			goto err_count;
		total += sg_iova_len(iovad, &sg[i]);
	}
	iova = dma_alloc_iova(cookie, dev, total, dma_get_mask(dev));
	if (!iova)
		goto err_count;

	/* Back to back in one IOVA range, each segment mapped on its own. */
	for (i = 0, cur = iova; i < nents; i++) {
		size_t off = iova_offset(iovad, sg[i].phys);
		size_t len = sg_iova_len(iovad, &sg[i]);

		if (iommu_map(domain, cur, sg[i].phys - off, len, prot,
			      GFP_ATOMIC))
			goto err_unmap;
		cur += len;
	}

	/* DMA segments: merge where one ends and the next starts on a granule. */
	out = 0;
	for (i = 0, cur = iova; i < nents; i++) {
		size_t off = iova_offset(iovad, sg[i].phys);
		dma_addr_t end;

		if (i) {
			end = sg[out].dma_address + sg[out].dma_length;
			if (!off && end == cur && !iova_offset(iovad, end) &&
			    (u64)sg[out].dma_length + sg[i].length <=
				    UINT_MAX) {
				sg[out].dma_length += sg[i].length;
				cur += sg_iova_len(iovad, &sg[i]);
				continue;
			}
			out++;
		}
		sg[out].dma_address = cur + off;
		sg[out].dma_length = sg[i].length;
		cur += sg_iova_len(iovad, &sg[i]);
	}
	for (i = out + 1; i < nents; i++) {
		sg[i].dma_address = DMA_MAPPING_ERROR;
		sg[i].dma_length = 0;
	}
	dma_stat_inc(cookie, DMA_STAT_MAPS);
	return out + 1;

err_unmap:
	if (cur > iova) {
		struct iommu_iotlb_gather gather;

		iommu_iotlb_gather_init(&gather);
		dma_unmap_fast(domain, iova, cur - iova, &gather);
		iommu_iotlb_sync(domain, &gather);
		sio_dma_observe_unmap(domain, iova, cur - iova,
				      SIO_DMA_UNMAP_STRICT);
	}
	free_iova_fast(iovad, iova_pfn(iovad, iova),
		       total >> iova_shift(iovad));
err_count:
	dma_stat_inc(cookie, DMA_STAT_MAP_FAILURES);
	return 0;
}

/**
 * iommu_dma_unmap_sg() - undo iommu_dma_map_sg()
 * @dev: the device
 * @domain: its DMA-API default domain (iommu_dma_domain())
 * @sg: the list given to iommu_dma_map_sg()
 * @nents: the count given to it (not its result)
 *
 * Context: as iommu_dma_unmap_phys().
 */
void iommu_dma_unmap_sg(struct sio_device *dev, struct iommu_domain *domain,
			struct sio_scatterlist *sg, int nents)
{
	struct iommu_dma_cookie *cookie = dma_cookie(domain);
	size_t total = 0;
	int i;

	if (WARN_ON(!cookie))
		return;
	for (i = 0; i < nents; i++)
		total += sg_iova_len(&cookie->iovad, &sg[i]);
	iommu_dma_unmap_phys(dev, domain,
			     iova_align_down(&cookie->iovad, sg[0].dma_address),
			     total);
}
