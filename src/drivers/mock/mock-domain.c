// SPDX-License-Identifier: BSD-3-Clause
/*
 * Mock paging domains: a page table kept as a sorted map from leaf IOVA to
 * (paddr, size, prot, map-start/last flags), with the checker that the core
 * only unmaps whole maps ("unmap is a superset of maps").
 * Kernel counterpart: drivers/iommu/iommufd/selftest.c (mock_domain_*)
 */
#include "drivers/mock/mock-priv.h"

/* Live mock paging domains, for the freed-domain check; under mock_lock. */
static LIST_HEAD(mock_live_domains);

/**
 * mock_domain_live_locked() - whether @d is a live mock paging domain
 * @d: a domain pointer, possibly freed (it is only compared, not read)
 * Context: mock_lock held.
 * Return: true if allocated by a mock driver and not yet freed.
 */
bool mock_domain_live_locked(const struct iommu_domain *d)
{
	struct mock_domain *md;

	lockdep_assert_held(&mock_lock);
	list_for_each_entry(md, &mock_live_domains, node)
		if (&md->domain == d)
			return true;
	return false;
}

static unsigned long mock_key(struct mock_domain *md, unsigned long iova)
{
	return iova >> md->min_shift;
}

/* The leaf covering @iova, and its start in *@start.  md->lock held. */
static struct mock_leaf *mock_leaf_find(struct mock_domain *md,
					unsigned long iova,
					unsigned long *start)
{
	unsigned long sizes = md->domain.pgsize_bitmap;
	struct mock_leaf *leaf;

	while (sizes) {
		unsigned long sz = 1UL << __ffs(sizes);
		unsigned long s = ALIGN_DOWN(iova, sz);

		sizes &= ~sz;
		leaf = xa_load(&md->pt, mock_key(md, s));
		if (leaf && leaf->size == sz) {
			if (start)
				*start = s;
			return leaf;
		}
	}
	return NULL;
}

/* Any leaf overlapping [iova, iova + size)?  md->lock held. */
static bool mock_range_busy(struct mock_domain *md, unsigned long iova,
			    size_t size)
{
	unsigned long idx = mock_key(md, iova);

	if (mock_leaf_find(md, iova, NULL))
		return true;
	return xa_find(&md->pt, &idx, mock_key(md, iova + size - 1)) != NULL;
}

static bool mock_pgsize_ok(struct iommu_domain *domain, size_t pgsize)
{
	return is_power_of_2(pgsize) && (domain->pgsize_bitmap & pgsize);
}

static int mock_map_pages(struct iommu_domain *domain, unsigned long iova,
			  uint64_t paddr, size_t pgsize, size_t pgcount,
			  int prot, unsigned int gfp, size_t *mapped)
{
	struct mock_domain *md = to_mock_domain(domain);
	struct mock_leaf *leaf, *last = NULL;
	size_t i, done = 0;
	void *old;
	int ret;

	mutex_lock(&mock_lock);
	if (WARN(!mock_pgsize_ok(domain, pgsize) || !IS_ALIGNED(iova, pgsize) ||
		 !IS_ALIGNED(paddr, pgsize) || !pgcount,
		 "mock: map_pages iova %#lx paddr %#llx pgsize %#zx x %zu",
		 iova, (unsigned long long)paddr, pgsize, pgcount)) {
		mock_checker_warn_locked(md->mi);
		mutex_unlock(&mock_lock);
		return -EINVAL;
	}
	ret = mock_inject_check_locked(md->mi, MOCK_FAIL_MAP, NULL);
	mutex_unlock(&mock_lock);
	if (ret)
		return ret;
	if ((u64)iova + pgsize * pgcount - 1 > domain->geometry.aperture_end ||
	    (u64)iova + pgsize * pgcount < iova)
		return -EINVAL;

	mutex_lock(&md->lock);
	if (mock_range_busy(md, iova, pgsize * pgcount)) {
		ret = -EEXIST;
		goto out_unlock;
	}
	for (i = 0; i < pgcount; i++) {
		leaf = kzalloc(sizeof(*leaf), GFP_KERNEL);
		if (!leaf) {
			ret = -ENOMEM;
			break;
		}
		leaf->paddr = paddr + i * pgsize;
		leaf->size = pgsize;
		leaf->prot = prot;
		leaf->flags = i ? 0 : MOCK_LEAF_START;
		old = xa_store(&md->pt, mock_key(md, iova + i * pgsize), leaf,
			       GFP_KERNEL);
		if (xa_is_err(old)) {
			kfree(leaf);
			ret = xa_err(old);
			break;
		}
		last = leaf;
		done += pgsize;
	}
	/* What was mapped is one map to the checker, even on failure. */
	if (last)
		last->flags |= MOCK_LEAF_LAST;
	md->mapped_bytes += done;
	*mapped += done;
out_unlock:
	mutex_unlock(&md->lock);
	if (done) {
		mutex_lock(&mock_lock);
		md->mi->st.map++;
		mutex_unlock(&mock_lock);
	}
	return ret;
}

/* One iommu_map() is one map for the checker: merge its map_pages calls. */
static int mock_iotlb_sync_map(struct iommu_domain *domain, unsigned long iova,
			       size_t size)
{
	struct mock_domain *md = to_mock_domain(domain);
	unsigned long idx = mock_key(md, iova);
	struct mock_leaf *leaf, *first = NULL, *last = NULL;

	mutex_lock(&md->lock);
	for (leaf = xa_find(&md->pt, &idx, mock_key(md, iova + size - 1)); leaf;
	     leaf = xa_find_after(&md->pt, &idx,
				  mock_key(md, iova + size - 1))) {
		if (!first)
			first = leaf;
		leaf->flags &= ~(MOCK_LEAF_START | MOCK_LEAF_LAST);
		last = leaf;
	}
	if (first)
		first->flags |= MOCK_LEAF_START;
	if (last)
		last->flags |= MOCK_LEAF_LAST;
	mutex_unlock(&md->lock);
	return 0;
}

/* Find (or, with @create, make) the pending-unmap record of @gather. */
static int mock_pending_slot(struct mock_domain *md,
			     const struct iommu_iotlb_gather *gather,
			     bool create)
{
	unsigned int i;
	int free_slot = -1;

	for (i = 0; i < MOCK_PENDING_UNMAPS; i++) {
		if (md->pending[i].gather == gather)
			return (int)i;
		if (!md->pending[i].gather && free_slot < 0)
			free_slot = (int)i;
	}
	if (!create)
		return -1;
	if (free_slot < 0)
		free_slot = 0;	/* full: forget the oldest record */
	md->pending[free_slot].gather = gather;
	md->pending[free_slot].last_flags = MOCK_LEAF_LAST;
	return free_slot;
}

static size_t mock_unmap_pages(struct iommu_domain *domain, unsigned long iova,
			       size_t pgsize, size_t pgcount,
			       struct iommu_iotlb_gather *gather)
{
	struct mock_domain *md = to_mock_domain(domain);
	unsigned long cur = iova, end = iova + pgsize * pgcount, start;
	bool first_call = !gather || gather->start == ULONG_MAX;
	unsigned int last_flags = 0;
	struct mock_leaf *leaf;
	size_t unmapped = 0;
	int slot, warns = 0;

	if (WARN(!mock_pgsize_ok(domain, pgsize) || !IS_ALIGNED(iova, pgsize),
		 "mock: unmap_pages iova %#lx pgsize %#zx", iova, pgsize)) {
		warns++;
		goto out_count;
	}

	mutex_lock(&md->lock);
	if (gather && first_call) {
		slot = mock_pending_slot(md, gather, false);
		/* A live record means the previous unmap was never synced. */
		if (WARN(slot >= 0, "mock: unmap without iotlb_sync"))
			warns++;
	}
	while (cur < end) {
		leaf = mock_leaf_find(md, cur, &start);
		if (!leaf)
			break;		/* a hole: the core stops here */
		if (start < cur || start + leaf->size > end) {
			WARN(1, "mock: unmap %#lx+%#zx splits a %#zx leaf at %#lx",
			     iova, pgsize * pgcount, leaf->size, start);
			warns++;
			break;
		}
		if (first_call && !unmapped && !(leaf->flags & MOCK_LEAF_START)) {
			WARN(1, "mock: unmap at %#lx starts inside a mapping",
			     cur);
			warns++;
		}
		xa_erase(&md->pt, mock_key(md, start));
		last_flags = leaf->flags;
		cur += leaf->size;
		unmapped += leaf->size;
		md->mapped_bytes -= leaf->size;
		kfree(leaf);
	}
	if (unmapped && gather) {
		/*
		 * The range is gathered even when queued: it is how the next
		 * call of the same unmap knows it is not the first.
		 */
		iommu_iotlb_gather_add_range(gather, iova, unmapped);
		/*
		 * Strict: iotlb_sync must follow, and it checks that the last
		 * call ended on a map boundary.  Queued (lazy): nobody syncs,
		 * a flush of the whole domain follows, so no record; the end
		 * boundary of a lazy unmap is not checked.
		 */
		if (!gather->queued) {
			slot = mock_pending_slot(md, gather, true);
			md->pending[slot].last_flags = last_flags;
		}
	} else if (unmapped && !(last_flags & MOCK_LEAF_LAST)) {
		WARN(1, "mock: unmap ends inside a mapping");
		warns++;
	}
	mutex_unlock(&md->lock);

out_count:
	if (unmapped || warns) {
		mutex_lock(&mock_lock);
		if (unmapped)
			md->mi->st.unmap++;
		md->mi->st.checker_warns += warns;
		mutex_unlock(&mock_lock);
	}
	return unmapped;
}

static void mock_iotlb_sync(struct iommu_domain *domain,
			    struct iommu_iotlb_gather *gather)
{
	struct mock_domain *md = to_mock_domain(domain);
	bool split = false;
	int slot;

	mutex_lock(&md->lock);
	slot = gather ? mock_pending_slot(md, gather, false) : -1;
	if (slot >= 0) {
		split = !(md->pending[slot].last_flags & MOCK_LEAF_LAST);
		md->pending[slot].gather = NULL;
	}
	mutex_unlock(&md->lock);

	mutex_lock(&mock_lock);
	md->mi->st.iotlb_sync++;
	if (WARN(split, "mock: unmap ending at %#lx ends inside a mapping",
		 gather->end))
		mock_checker_warn_locked(md->mi);
	mutex_unlock(&mock_lock);
}

static void mock_flush_iotlb_all(struct iommu_domain *domain)
{
	struct mock_domain *md = to_mock_domain(domain);

	mutex_lock(&mock_lock);
	md->mi->st.flush_all++;
	mutex_unlock(&mock_lock);
}

static uint64_t mock_iova_to_phys(struct iommu_domain *domain,
				  unsigned long iova)
{
	struct mock_domain *md = to_mock_domain(domain);
	struct mock_leaf *leaf;
	unsigned long start;
	uint64_t pa = 0;

	mutex_lock(&md->lock);
	leaf = mock_leaf_find(md, iova, &start);
	if (leaf)
		pa = leaf->paddr + (iova - start);
	mutex_unlock(&md->lock);
	return pa;
}

/**
 * mock_domain_translate() - what a mock paging domain maps @iova to
 * @d: a mock paging domain
 * @iova: input address
 * @pa: output address (on success)
 * @prot: the mapping's recorded IOMMU_* permissions (on success)
 * @len: bytes valid from *@pa to the end of the leaf covering @iova
 *
 * Context: any thread; takes the domain's lock (a leaf).
 * Return: 0; -ENOENT (nothing maps @iova); -EINVAL (@d is not a mock paging
 * domain, or a NULL output pointer).
 */
int mock_domain_translate(struct iommu_domain *d, unsigned long iova, u64 *pa,
			  int *prot, size_t *len)
{
	struct mock_domain *md;
	struct mock_leaf *leaf;
	unsigned long start;
	int ret = -ENOENT;

	if (IS_ERR_OR_NULL(d) || d->ops != &mock_paging_ops || !pa || !prot ||
	    !len)
		return -EINVAL;
	md = to_mock_domain(d);
	mutex_lock(&md->lock);
	leaf = mock_leaf_find(md, iova, &start);
	if (leaf) {
		*pa = leaf->paddr + (iova - start);
		*prot = leaf->prot;
		*len = leaf->size - (iova - start);
		ret = 0;
	}
	mutex_unlock(&md->lock);
	return ret;
}

static bool mock_enforce_cache_coherency(struct iommu_domain *domain)
{
	return true;
}

static void mock_domain_free(struct iommu_domain *domain)
{
	struct mock_domain *md = to_mock_domain(domain);
	struct mock_leaf *leaf;
	unsigned long idx;

	mutex_lock(&mock_lock);
	if (WARN(md->users, "mock: domain freed while %u device(s)/PASID(s) still attached",
		 md->users)) {
		mock_checker_warn_locked(md->mi);
		mock_domain_scrub_locked(domain);
	}
	list_del(&md->node);
	md->mi->st.domains_live--;
	mutex_unlock(&mock_lock);

	xa_for_each(&md->pt, idx, leaf)
		kfree(leaf);
	xa_destroy(&md->pt);
	mutex_destroy(&md->lock);
	kfree(md);
}

const struct iommu_domain_ops mock_paging_ops = {
	.attach_dev = mock_attach_dev,
	.set_dev_pasid = mock_set_dev_pasid,
	.map_pages = mock_map_pages,
	.unmap_pages = mock_unmap_pages,
	.iotlb_sync_map = mock_iotlb_sync_map,
	.flush_iotlb_all = mock_flush_iotlb_all,
	.iotlb_sync = mock_iotlb_sync,
	.iova_to_phys = mock_iova_to_phys,
	.enforce_cache_coherency = mock_enforce_cache_coherency,
	.free = mock_domain_free,
};

/**
 * mock_domain_alloc() - allocate a mock paging domain
 * @mi: the instance of the device it is allocated for
 * @dev: the device
 * @flags: IOMMU_HWPT_ALLOC_* flags already validated
 *
 * The domain's ops are left NULL on purpose: the core must fill them from
 * default_domain_ops (rule 30).
 * Context: group mutex held or not; takes mock_lock.
 * Return: the domain, NULL (F_ALLOC_NULL), or ERR_PTR(-ENOMEM/injected).
 */
struct iommu_domain *mock_domain_alloc(struct mock_iommu *mi,
				       struct sio_device *dev,
				       unsigned int flags)
{
	struct mock_domain *md;
	int ret;

	mutex_lock(&mock_lock);
	mi->st.alloc_calls++;
	mi->st.last_alloc_flags = flags;
	ret = mock_inject_check_locked(mi, MOCK_FAIL_ALLOC_PAGING, dev);
	mutex_unlock(&mock_lock);
	if (ret)
		return ERR_PTR(ret);
	if (mi->cfg.flags & MOCK_IOMMU_F_ALLOC_NULL)
		return NULL;

	md = kzalloc(sizeof(*md), GFP_KERNEL);
	if (!md)
		return ERR_PTR(-ENOMEM);
	md->mi = mi;
	md->alloc_flags = flags;
	md->min_shift = (unsigned int)__ffs(mi->cfg.pgsize_bitmap);
	mutex_init(&md->lock);
	xa_init(&md->pt);
	md->domain.pgsize_bitmap = mi->cfg.pgsize_bitmap;
	md->domain.geometry.aperture_start = 0;
	md->domain.geometry.aperture_end = MOCK_APERTURE_END;
	md->domain.geometry.force_aperture = true;

	mutex_lock(&mock_lock);
	list_add_tail(&md->node, &mock_live_domains);
	mi->st.domains_live++;
	mutex_unlock(&mock_lock);
	return &md->domain;
}

/**
 * mock_domain_mapped_bytes() - bytes mapped in a mock paging domain
 * @d: the domain
 * Context: any thread.
 * Return: bytes, 0 if @d is not a mock paging domain.
 */
u64 mock_domain_mapped_bytes(struct iommu_domain *d)
{
	struct mock_domain *md;
	u64 bytes;

	if (IS_ERR_OR_NULL(d) || d->ops != &mock_paging_ops)
		return 0;
	md = to_mock_domain(d);
	mutex_lock(&md->lock);
	bytes = md->mapped_bytes;
	mutex_unlock(&md->lock);
	return bytes;
}
