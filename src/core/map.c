// SPDX-License-Identifier: BSD-3-Clause
/*
 * Mapping through a domain: page-size splitting, rollback on failure, IOTLB
 * gather helpers for drivers, and the legacy unrecoverable fault report.
 * Kernel counterpart: drivers/iommu/iommu.c (iommu_map, __iommu_unmap,
 * iommu_pgsize, iommu_iova_to_phys, report_iommu_fault), include/linux/iommu.h
 */
#include "core/core-priv.h"
#include "dev/dma-observer.h"

/*
 * iommu_pgsize() - the largest page size usable at @iova/@paddr for @size
 * bytes, and in *@count how many of them to map before a larger page could
 * start being used.
 */
static size_t iommu_pgsize(struct iommu_domain *domain, unsigned long iova,
			   uint64_t paddr, size_t size, size_t *count)
{
	unsigned int pgsize_idx, pgsize_idx_next;
	unsigned long pgsizes;
	size_t offset, pgsize, pgsize_next;
	unsigned long addr_merge = (unsigned long)paddr | iova;

	/* Page sizes no larger than the remaining size... */
	pgsizes = domain->pgsize_bitmap & GENMASK(__fls(size), 0);
	/* ...and to which both addresses are aligned. */
	if (likely(addr_merge))
		pgsizes &= GENMASK(__ffs(addr_merge), 0);
	if (WARN_ON(!pgsizes))
		return 0;

	pgsize_idx = __fls(pgsizes);
	pgsize = BIT(pgsize_idx);
	if (!count)
		return pgsize;

	/* A larger page size further on? */
	pgsizes = domain->pgsize_bitmap & ~GENMASK(pgsize_idx, 0);
	if (!pgsizes)
		goto out_set_count;
	pgsize_idx_next = __ffs(pgsizes);
	pgsize_next = BIT(pgsize_idx_next);

	/* Only if iova and paddr can both be aligned to it. */
	if ((iova ^ paddr) & (pgsize_next - 1))
		goto out_set_count;

	/* Stop at the next larger page boundary, if the rest reaches it. */
	offset = pgsize_next - (addr_merge & (pgsize_next - 1));
	if (offset + pgsize_next <= size)
		size = offset;

out_set_count:
	*count = size >> pgsize_idx;
	return pgsize;
}

/**
 * iommu_map() - map @size bytes at @iova to @paddr
 * @domain: a paging domain
 * @iova: I/O virtual address
 * @paddr: physical address
 * @size: bytes
 * @prot: IOMMU_READ | IOMMU_WRITE ...
 * @gfp: allocation context (__GFP_COMP/DMA/DMA32/HIGHMEM refused)
 *
 * Context: may sleep (GFP_KERNEL); no core lock needed; concurrent maps of
 * disjoint ranges are fine.
 * Return: 0; -EINVAL (not paging, misaligned, bad gfp: WARN); -ENODEV (no
 * map_pages or page sizes: WARN); the driver's error, after unmapping
 * everything this call mapped.
 */
int iommu_map(struct iommu_domain *domain, unsigned long iova, uint64_t paddr,
	      size_t size, int prot, unsigned int gfp)
{
	const struct iommu_domain_ops *ops;
	unsigned long orig_iova = iova;
	size_t orig_size = size;
	unsigned int min_pagesz;
	u64 obs_token;
	int ret = 0;

	if (!domain)
		return -EINVAL;
	ops = domain->ops;
	if (unlikely(!(domain->type & __IOMMU_DOMAIN_PAGING)))
		return -EINVAL;
	if (WARN_ON(!ops || !ops->map_pages || domain->pgsize_bitmap == 0UL))
		return -ENODEV;
	if (WARN_ON(gfp & (__GFP_COMP | __GFP_DMA | __GFP_DMA32 |
			   __GFP_HIGHMEM)))
		return -EINVAL;

	min_pagesz = 1U << __ffs(domain->pgsize_bitmap);
	if (!IS_ALIGNED(iova | (unsigned long)paddr | size, min_pagesz)) {
		pr_err("iommu: unaligned: iova 0x%lx pa 0x%llx size 0x%zx min_pagesz 0x%x",
		       iova, (unsigned long long)paddr, size, min_pagesz);
		return -EINVAL;
	}

	obs_token = sio_dma_observe_map_begin(domain, iova, paddr, size, prot);
	while (size) {
		size_t pgsize, count, mapped = 0;

		pgsize = iommu_pgsize(domain, iova, paddr, size, &count);
		if (!pgsize) {
			ret = -EINVAL;
			break;
		}
		ret = ops->map_pages(domain, iova, paddr, pgsize, count, prot,
				     gfp, &mapped);
		/* Partially mapped counts too: it must be unmapped. */
		size -= mapped;
		if (ret)
			break;
		if (WARN_ON(!mapped)) {
			ret = -EINVAL;
			break;
		}
		iova += mapped;
		paddr += mapped;
	}

	/* Unroll what this call mapped. */
	if (ret) {
		iommu_unmap(domain, orig_iova, orig_size - size);
		goto out;
	}

	if (ops->iotlb_sync_map) {
		ret = ops->iotlb_sync_map(domain, orig_iova, orig_size);
		if (ret)
			iommu_unmap(domain, orig_iova, orig_size);
	}
out:
	sio_dma_observe_map_end(domain, obs_token, ret);
	return ret;
}

/**
 * iommu_unmap() - unmap up to @size bytes at @iova and sync the IOTLB
 * @domain: a paging domain
 * @iova: I/O virtual address
 * @size: bytes
 *
 * Cannot split a mapping made by one iommu_map(); stops at the first hole.
 *
 * Context: may sleep; no core lock needed.
 * Return: the bytes unmapped (0: not paging, misaligned, no unmap op).
 */
size_t iommu_unmap(struct iommu_domain *domain, unsigned long iova, size_t size)
{
	const struct iommu_domain_ops *ops;
	struct iommu_iotlb_gather gather;
	size_t unmapped = 0;
	unsigned int min_pagesz;

	if (!domain || !(domain->type & __IOMMU_DOMAIN_PAGING))
		return 0;
	ops = domain->ops;
	if (WARN_ON(!ops || !ops->unmap_pages || domain->pgsize_bitmap == 0UL))
		return 0;

	min_pagesz = 1U << __ffs(domain->pgsize_bitmap);
	if (!IS_ALIGNED(iova | size, min_pagesz)) {
		pr_err("iommu: unaligned: iova 0x%lx size 0x%zx min_pagesz 0x%x",
		       iova, size, min_pagesz);
		return 0;
	}

	iommu_iotlb_gather_init(&gather);
	while (unmapped < size) {
		size_t pgsize, count, unmapped_page;

		pgsize = iommu_pgsize(domain, iova, iova, size - unmapped,
				      &count);
		if (!pgsize)
			break;
		unmapped_page = ops->unmap_pages(domain, iova, pgsize, count,
						 &gather);
		if (!unmapped_page)
			break;
		iova += unmapped_page;
		unmapped += unmapped_page;
	}
	iommu_iotlb_sync(domain, &gather);
	sio_dma_observe_unmap(domain, iova - unmapped, unmapped,
			      SIO_DMA_UNMAP_STRICT);
	return unmapped;
}

/**
 * iommu_iova_to_phys() - what @iova translates to in @domain
 * Context: any.
 * Return: the physical address, or 0 (nothing mapped,
 * blocked, NULL).
 */
uint64_t iommu_iova_to_phys(struct iommu_domain *domain, unsigned long iova)
{
	if (!domain)
		return 0;
	if (domain->type == IOMMU_DOMAIN_IDENTITY)
		return iova;
	if (domain->type == IOMMU_DOMAIN_BLOCKED)
		return 0;
	if (!domain->ops || !domain->ops->iova_to_phys)
		return 0;
	return domain->ops->iova_to_phys(domain, iova);
}

/**
 * iommu_iotlb_gather_init() - make @gather empty
 * @gather: the gather
 *
 * Context: any.
 */
void iommu_iotlb_gather_init(struct iommu_iotlb_gather *gather)
{
	gather->start = ULONG_MAX;
	gather->end = 0;
	gather->pgsize = 0;
	gather->queued = false;
}

/**
 * iommu_iotlb_gather_add_range() - widen @gather to cover [@iova, +@size)
 * @gather: the gather
 * @iova: start of the range
 * @size: bytes
 *
 * Context: any (the caller owns @gather).
 */
void iommu_iotlb_gather_add_range(struct iommu_iotlb_gather *gather,
				  unsigned long iova, size_t size)
{
	unsigned long end = iova + size - 1;

	if (gather->start > iova)
		gather->start = iova;
	if (gather->end < end)
		gather->end = end;
}

/**
 * iommu_iotlb_gather_add_page() - gather one unmapped page; if its size
 * differs from what is gathered or it is disjoint from the gathered range,
 * sync what was gathered first
 *
 * Context: the driver's unmap_pages.
 */
void iommu_iotlb_gather_add_page(struct iommu_domain *domain,
				 struct iommu_iotlb_gather *gather,
				 unsigned long iova, size_t size)
{
	unsigned long end = iova + size - 1;
	/* Neither overlapping nor adjacent to the gathered range. */
	bool disjoint = gather->end != 0 &&
			(end + 1 < gather->start || iova > gather->end + 1);

	if ((gather->pgsize && gather->pgsize != size) || disjoint)
		iommu_iotlb_sync(domain, gather);
	gather->pgsize = size;
	iommu_iotlb_gather_add_range(gather, iova, size);
}

/**
 * iommu_iotlb_sync() - perform the invalidations gathered in @gather
 * (the driver's iotlb_sync, if anything was gathered) and reset it
 * @domain: the domain the pages were unmapped from
 * @gather: the gather
 *
 * Context: any; takes what the driver's iotlb_sync takes.
 */
void iommu_iotlb_sync(struct iommu_domain *domain,
		      struct iommu_iotlb_gather *gather)
{
	if (domain && domain->ops && domain->ops->iotlb_sync &&
	    gather->start <= gather->end)
		domain->ops->iotlb_sync(domain, gather);
	iommu_iotlb_gather_init(gather);
}

/**
 * iommu_set_fault_handler() - install a legacy fault handler on @domain
 * (only on a domain without a cookie)
 * Context: any; not concurrently with report_iommu_fault().
 */
void iommu_set_fault_handler(struct iommu_domain *domain,
			     iommu_fault_handler_t handler, void *token)
{
	if (WARN_ON(!domain || (domain->cookie_type != IOMMU_COOKIE_NONE &&
				domain->cookie_type !=
					IOMMU_COOKIE_FAULT_HANDLER)))
		return;
	domain->cookie_type = IOMMU_COOKIE_FAULT_HANDLER;
	domain->handler = handler;
	domain->handler_token = token;
}

/**
 * report_iommu_fault() - report an unrecoverable fault to @domain's owner
 * Context: the driver's fault thread.
 * Return: the handler's value, or -ENOSYS (no handler).
 */
int report_iommu_fault(struct iommu_domain *domain, struct sio_device *dev,
		       unsigned long iova, int flags)
{
	if (domain && domain->cookie_type == IOMMU_COOKIE_FAULT_HANDLER &&
	    domain->handler)
		return domain->handler(domain, dev, iova, flags,
				       domain->handler_token);
	return -ENOSYS;
}
