// SPDX-License-Identifier: BSD-3-Clause
/*
 * Reserved regions (firmware's and the driver's), their merged sysfs view,
 * and the identity ("direct") mappings firmware asks for.
 * Kernel counterpart: drivers/iommu/iommu.c (iommu_insert_resv_region,
 * iommu_get_group_resv_regions, iommu_create_device_direct_mappings)
 */
#include <stdio.h>

#include "core/core-priv.h"

/**
 * iommu_resv_list_init() - make @list an empty reserved-region list
 * @list: the list
 *
 * Context: any.
 */
void iommu_resv_list_init(struct iommu_resv_list *list)
{
	INIT_LIST_HEAD(&list->regions);
}

/**
 * iommu_resv_list_free() - free every region of @list (it stays usable,
 * empty)
 * @list: the list
 *
 * Context: any.
 */
void iommu_resv_list_free(struct iommu_resv_list *list)
{
	struct iommu_resv_entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, &list->regions, node) {
		list_del(&e->node);
		kfree(e);
	}
}

/* Merge overlapping or adjacent regions of one type (list sorted by start). */
static void iommu_resv_list_merge(struct iommu_resv_list *list)
{
	struct iommu_resv_entry *last[IOMMU_RESV_SW_MSI + 1] = { NULL };
	struct iommu_resv_entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, &list->regions, node) {
		struct iommu_resv_entry *top = last[e->r.type];
		u64 top_end, e_end = e->r.start + e->r.length - 1;

		if (top) {
			top_end = top->r.start + top->r.length - 1;
			if (e->r.start <= top_end + 1) {
				top->r.length = max(top_end, e_end) -
						top->r.start + 1;
				list_del(&e->node);
				kfree(e);
				continue;
			}
		}
		last[e->r.type] = e;
	}
}

/**
 * iommu_resv_list_add() - add a reserved region to @list (drivers'
 * get_resv_regions), keeping it sorted and merged
 * @list: the list the core passed
 * @start: first address
 * @length: bytes (not 0)
 * @prot: IOMMU_READ | IOMMU_WRITE ... for direct regions
 * @type: enum iommu_resv_type
 *
 * Context: any.
 * Return: 0, -EINVAL (bad arguments), -ENOMEM.
 */
int iommu_resv_list_add(struct iommu_resv_list *list, uint64_t start,
			size_t length, int prot, enum iommu_resv_type type)
{
	struct iommu_resv_entry *new, *iter;

	if (!list || !length || (unsigned int)type > IOMMU_RESV_SW_MSI ||
	    start + length - 1 < start)
		return -EINVAL;
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->r.start = start;
	new->r.length = length;
	new->r.prot = prot;
	new->r.type = type;

	list_for_each_entry(iter, &list->regions, node) {
		if (start < iter->r.start ||
		    (start == iter->r.start && type <= iter->r.type))
			break;
	}
	/* Before @iter (or at the tail when the walk ended). */
	list_add_tail(&new->node, &iter->node);
	iommu_resv_list_merge(list);
	return 0;
}

/**
 * iommu_get_resv_list() - add @dev's reserved regions (firmware's, then the
 * driver's) to @list
 * @dev: a probed device
 * @list: an initialised list
 *
 * Context: may sleep; group mutex held or not.
 * Return: 0, -ENODEV (no IOMMU), -ENOMEM (the list keeps what was added).
 */
int iommu_get_resv_list(struct sio_device *dev, struct iommu_resv_list *list)
{
	const struct iommu_ops *ops;
	unsigned int i;
	int ret;

	if (!dev_has_iommu(dev))
		return -ENODEV;
	for (i = 0; i < dev->fw.num_resv && i < SIO_FW_MAX_RESV; i++) {
		const struct sio_fw_resv *r = &dev->fw.resv[i];

		ret = iommu_resv_list_add(list, r->start, r->length, r->prot,
					  r->type);
		if (ret == -ENOMEM)
			return ret;
		WARN_ONCE(ret, "%s: bad firmware reserved region %u",
			  sio_dev_name(dev), i);
	}
	ops = dev_iommu_ops(dev);
	if (ops->get_resv_regions)
		ops->get_resv_regions(dev, list);
	return 0;
}

/**
 * iommu_for_each_resv_region() - call @fn on each of @dev's reserved regions
 * (firmware's and the driver's), sorted by address, overlapping regions of
 * one type merged
 * @dev: a probed device
 * @fn: stops the walk with a non-zero return
 * @data: passed to @fn
 *
 * Context: may sleep; group mutex held or not (@fn runs with no core lock).
 * Return: 0, -EINVAL (NULL args), -ENODEV (no IOMMU), -ENOMEM, or @fn's
 * value.
 */
int iommu_for_each_resv_region(struct sio_device *dev,
			       int (*fn)(const struct iommu_resv_region *r,
					 void *data),
			       void *data)
{
	struct iommu_resv_list list;
	struct iommu_resv_entry *e;
	int ret;

	if (!dev || !fn)
		return -EINVAL;
	iommu_resv_list_init(&list);
	ret = iommu_get_resv_list(dev, &list);
	if (!ret) {
		list_for_each_entry(e, &list.regions, node) {
			ret = fn(&e->r, data);
			if (ret)
				break;
		}
	}
	iommu_resv_list_free(&list);
	return ret;
}

/**
 * iommu_create_device_direct_mappings() - identity-map @dev's DIRECT and
 * DIRECT_RELAXABLE regions into @domain if it is a DMA-API domain; a DIRECT
 * region marks the device require_direct in any case
 * @domain: the group's (future) default domain, or NULL
 * @dev: the device
 *
 * Context: group mutex held.
 * Return: 0, -EINVAL (DMA domain without page sizes: WARN), -ENOMEM, or
 * iommu_map()'s error.
 */
int iommu_create_device_direct_mappings(struct iommu_domain *domain,
					struct sio_device *dev)
{
	struct iommu_resv_list list;
	struct iommu_resv_entry *e;
	unsigned long pg_size = 0;
	int ret = 0;

	lockdep_assert_held(&dev->iommu_group->mutex);

	if (domain && iommu_is_dma_domain(domain)) {
		if (WARN_ON_ONCE(!domain->pgsize_bitmap))
			return -EINVAL;
		pg_size = 1UL << __ffs(domain->pgsize_bitmap);
	}

	iommu_resv_list_init(&list);
	ret = iommu_get_resv_list(dev, &list);
	if (ret)
		goto out;

	list_for_each_entry(e, &list.regions, node) {
		u64 start, end, addr;
		size_t map_size = 0;

		if (e->r.type == IOMMU_RESV_DIRECT)
			dev->iommu->require_direct = true;
		if (!pg_size)
			continue;
		if (e->r.type != IOMMU_RESV_DIRECT &&
		    e->r.type != IOMMU_RESV_DIRECT_RELAXABLE)
			continue;

		start = ALIGN(e->r.start, (u64)pg_size);
		end = ALIGN(e->r.start + e->r.length, (u64)pg_size);
		for (addr = start; addr <= end; addr += pg_size) {
			/* Map each run of still-unmapped pages at once. */
			if (addr < end && !iommu_iova_to_phys(domain, addr)) {
				map_size += pg_size;
				continue;
			}
			if (map_size) {
				ret = iommu_map(domain, addr - map_size,
						addr - map_size, map_size,
						e->r.prot, GFP_KERNEL);
				if (ret)
					goto out;
				map_size = 0;
			}
		}
	}
out:
	iommu_resv_list_free(&list);
	return ret;
}

static const char *const iommu_resv_type_names[] = {
	[IOMMU_RESV_DIRECT] = "direct",
	[IOMMU_RESV_DIRECT_RELAXABLE] = "direct-relaxable",
	[IOMMU_RESV_RESERVED] = "reserved",
	[IOMMU_RESV_MSI] = "msi",
	[IOMMU_RESV_SW_MSI] = "msi-sw",
};

/**
 * iommu_group_show_resv_regions() - sysfs reserved_regions: every device's
 * regions, merged, one "start end type" line each
 * Context: sysfs show; takes the group mutex.
 * Return: bytes written or -ENOMEM.
 */
ssize_t iommu_group_show_resv_regions(struct iommu_group *group, char *buf)
{
	struct iommu_resv_list list;
	struct iommu_resv_entry *e;
	struct group_device *gdev;
	ssize_t len = 0;
	int ret = 0;

	iommu_resv_list_init(&list);
	mutex_lock(&group->mutex);
	for_each_group_device(group, gdev) {
		ret = iommu_get_resv_list(gdev->dev, &list);
		if (ret)
			break;
	}
	mutex_unlock(&group->mutex);

	if (!ret) {
		list_for_each_entry(e, &list.regions, node) {
			int n = snprintf(buf + len, SIO_SYSFS_BUF_SIZE - len,
					 "0x%016llx 0x%016llx %s\n",
					 (unsigned long long)e->r.start,
					 (unsigned long long)(e->r.start +
							      e->r.length - 1),
					 iommu_resv_type_names[e->r.type]);
			if (n < 0 || (size_t)n >= SIO_SYSFS_BUF_SIZE - len)
				break;
			len += n;
		}
	}
	iommu_resv_list_free(&list);
	return ret ? ret : len;
}
