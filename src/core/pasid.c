// SPDX-License-Identifier: BSD-3-Clause
/*
 * PASID attachments of a group (pasid_array is the single source of truth),
 * attach handles for fault routing, and the global PASID space.
 * Kernel counterpart: drivers/iommu/iommu.c (iommu_attach_device_pasid,
 * iommu_replace_device_pasid, iommu_detach_device_pasid,
 * iommu_attach_handle_get, iommu_alloc_global_pasid)
 */
#include <pthread.h>

#include "core/core-priv.h"

/* Put @dev's @pasid on the driver's blocked domain (detach). */
static void iommu_remove_dev_pasid(struct sio_device *dev, unsigned int pasid,
				   struct iommu_domain *domain)
{
	struct iommu_domain *blocked = dev_iommu_ops(dev)->blocked_domain;

	lockdep_assert_held(&dev->iommu_group->mutex);
	WARN_ON(blocked->ops->set_dev_pasid(blocked, dev, pasid, domain));
}

/*
 * Program @pasid on every PASID-capable device of @group; on a failure the
 * devices already done go back to @old (or to blocked when @old is NULL).
 */
static int __iommu_set_group_pasid(struct iommu_domain *domain,
				   struct iommu_group *group,
				   unsigned int pasid,
				   struct iommu_domain *old)
{
	struct group_device *gdev, *failed;
	int ret;

	lockdep_assert_held(&group->mutex);

	for_each_group_device(group, gdev) {
		if (!gdev->dev->iommu->max_pasids)
			continue;
		/* A failing device stays where it was (driver contract). */
		ret = domain->ops->set_dev_pasid(domain, gdev->dev, pasid, old);
		if (ret)
			goto err_revert;
	}
	return 0;

err_revert:
	failed = gdev;
	for_each_group_device(group, gdev) {
		if (gdev == failed)
			break;
		if (!gdev->dev->iommu->max_pasids)
			continue;
		/* Failing to go back to a good domain is a driver bug. */
		if (!old || WARN_ON(old->ops->set_dev_pasid(old, gdev->dev,
							    pasid, domain)))
			iommu_remove_dev_pasid(gdev->dev, pasid, domain);
	}
	return ret;
}

static void __iommu_remove_group_pasid(struct iommu_group *group,
				       unsigned int pasid,
				       struct iommu_domain *domain)
{
	struct group_device *gdev;

	lockdep_assert_held(&group->mutex);
	for_each_group_device(group, gdev) {
		if (gdev->dev->iommu->max_pasids)
			iommu_remove_dev_pasid(gdev->dev, pasid, domain);
	}
}

/* Common checks of attach and replace.  Return: 0 or -errno. */
static int iommu_pasid_op_check(struct iommu_domain *domain,
				struct sio_device *dev, unsigned int pasid)
{
	const struct iommu_ops *ops;

	if (!domain->ops || !domain->ops->set_dev_pasid)
		return -EOPNOTSUPP;
	ops = dev_iommu_ops(dev);
	if (!ops->blocked_domain || !ops->blocked_domain->ops ||
	    !ops->blocked_domain->ops->set_dev_pasid)
		return -EOPNOTSUPP;
	if (!domain_iommu_ops_compatible(ops, domain) ||
	    pasid == IOMMU_NO_PASID)
		return -EINVAL;
	return 0;
}

/**
 * iommu_attach_device_pasid() - attach @domain to @pasid of every
 * PASID-capable device of @dev's group
 * @domain: the domain
 * @dev: a device of the group
 * @pasid: not IOMMU_NO_PASID
 * @handle: recorded for fault routing (handle->domain set), or NULL
 *
 * The index is reserved first and made visible only once every device
 * succeeded.
 *
 * Context: may sleep; takes the group mutex.
 * Return: 0; -ENODEV (no group); -EOPNOTSUPP (no set_dev_pasid in the domain
 * or the driver's blocked domain); -EINVAL (NULL, PASID 0, incompatible,
 * PASID beyond a device's max_pasids); -EBUSY (already attached, PCI reset);
 * -ENOMEM; the driver's error.
 */
int iommu_attach_device_pasid(struct iommu_domain *domain,
			      struct sio_device *dev, unsigned int pasid,
			      struct iommu_attach_handle *handle)
{
	struct iommu_group *group;
	struct group_device *gdev;
	int ret;

	if (!dev || !domain)
		return dev ? -EINVAL : -ENODEV;
	group = iommu_group_get(dev);
	if (!group)
		return -ENODEV;
	ret = iommu_pasid_op_check(domain, dev, pasid);
	if (ret)
		goto out_put;

	mutex_lock(&group->mutex);
	if (group->resetting_domain) {
		ret = -EBUSY;
		goto out_unlock;
	}
	for_each_group_device(group, gdev) {
		unsigned int max = gdev->dev->iommu->max_pasids;

		if (max > 0 && pasid >= max) {
			ret = -EINVAL;
			goto out_unlock;
		}
	}
	/* Insert semantics: any entry (domain or handle) makes us busy. */
	if (xa_load(&group->pasid_array, pasid)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = xa_reserve(&group->pasid_array, pasid, GFP_KERNEL);
	if (ret)
		goto out_unlock;

	ret = __iommu_set_group_pasid(domain, group, pasid, NULL);
	if (ret) {
		xa_release(&group->pasid_array, pasid);
		goto out_unlock;
	}
	if (handle)
		handle->domain = domain;
	/* Now faults on @pasid can find it. */
	WARN_ON(xa_is_err(xa_store(&group->pasid_array, pasid,
				   iommu_make_pasid_array_entry(domain, handle),
				   GFP_KERNEL)));
out_unlock:
	mutex_unlock(&group->mutex);
out_put:
	iommu_group_put(group);
	return ret;
}

/**
 * iommu_replace_device_pasid() - switch an attached @pasid to @domain (or
 * just to a new @handle) without detaching it first
 * @domain: the new domain
 * @dev: a device of the group
 * @pasid: an attached PASID
 * @handle: the new handle (not NULL)
 *
 * Context: may sleep; takes the group mutex.
 * Return: 0; -ENODEV; -EOPNOTSUPP; -EINVAL (NULL, PASID 0, incompatible,
 * nothing attached, the very same handle: WARN); -EBUSY (PCI reset); the
 * driver's error, with the old domain still attached and reported.
 */
int iommu_replace_device_pasid(struct iommu_domain *domain,
			       struct sio_device *dev, unsigned int pasid,
			       struct iommu_attach_handle *handle)
{
	struct iommu_domain *curr_domain;
	struct iommu_group *group;
	void *entry, *curr;
	int ret;

	if (!dev || !domain)
		return dev ? -EINVAL : -ENODEV;
	group = iommu_group_get(dev);
	if (!group)
		return -ENODEV;
	ret = iommu_pasid_op_check(domain, dev, pasid);
	if (!ret && !handle)
		ret = -EINVAL;
	if (ret)
		goto out_put;

	mutex_lock(&group->mutex);
	if (group->resetting_domain) {
		ret = -EBUSY;
		goto out_unlock;
	}
	entry = iommu_make_pasid_array_entry(domain, handle);
	curr = xa_load(&group->pasid_array, pasid);
	if (!curr) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (WARN_ON(curr == entry)) {
		ret = -EINVAL;
		goto out_unlock;
	}

	curr_domain = pasid_array_entry_to_domain(curr);
	if (curr_domain != domain) {
		ret = __iommu_set_group_pasid(domain, group, pasid,
					      curr_domain);
		if (ret)
			goto out_unlock;
	}
	handle->domain = domain;
	/* The slot is occupied: no allocation, only the swap. */
	WARN_ON(xa_is_err(xa_store(&group->pasid_array, pasid, entry,
				   GFP_KERNEL)));
out_unlock:
	mutex_unlock(&group->mutex);
out_put:
	iommu_group_put(group);
	return ret;
}

/**
 * iommu_detach_device_pasid() - put @pasid of every PASID-capable device of
 * the group on the blocked domain and forget the entry
 * @domain: what was attached (not checked, as in the kernel)
 * @dev: a device of the group
 * @pasid: the PASID
 *
 * Context: may sleep; takes the group mutex.
 */
void iommu_detach_device_pasid(struct iommu_domain *domain,
			       struct sio_device *dev, unsigned int pasid)
{
	struct iommu_group *group;

	if (!dev)
		return;
	group = iommu_group_get(dev);
	if (!group)
		return;
	mutex_lock(&group->mutex);
	if (dev_iommu_ops(dev)->blocked_domain &&
	    dev_iommu_ops(dev)->blocked_domain->ops->set_dev_pasid)
		__iommu_remove_group_pasid(group, pasid, domain);
	xa_erase(&group->pasid_array, pasid);
	mutex_unlock(&group->mutex);
	iommu_group_put(group);
}

/**
 * iommu_attach_handle_get() - the handle attached at @pasid of @group
 * @group: the group
 * @pasid: the PASID (IOMMU_NO_PASID: the RID's handle)
 * @type: 0, or the domain type the handle's domain must have
 *
 * Handles are valid only between attach and detach; the caller
 * synchronises with them (the IOPF path does).
 *
 * Context: any registered thread; takes only the xarray lock.
 * Return: the handle; ERR_PTR(-ENOENT) (nothing, or a bare domain);
 * ERR_PTR(-EBUSY) (type mismatch).
 */
struct iommu_attach_handle *iommu_attach_handle_get(struct iommu_group *group,
						    unsigned int pasid,
						    unsigned int type)
{
	struct iommu_attach_handle *handle;
	void *entry;

	if (!group)
		return ERR_PTR(-ENOENT);
	xa_lock(&group->pasid_array);
	entry = xa_load(&group->pasid_array, pasid);
	handle = pasid_array_entry_to_handle(entry);
	if (!handle)
		handle = ERR_PTR(-ENOENT);
	else if (type && handle->domain->type != type)
		handle = ERR_PTR(-EBUSY);
	xa_unlock(&group->pasid_array);
	return handle;
}

/**
 * iommu_alloc_global_pasid() - a PASID valid on every device of @dev's
 * machine (SVA, DMA API)
 * @dev: the device whose max_pasids bounds the value
 *
 * Context: may sleep; takes the machine's PASID lock.
 * Return: a PASID in [1, max_pasids - 1], or IOMMU_PASID_INVALID (no PASID
 * support, exhausted, out of memory).
 */
unsigned int iommu_alloc_global_pasid(struct sio_device *dev)
{
	struct iommu_subsys *s;
	unsigned int max;
	int ret;

	if (!dev || !dev->iommu || !dev->iommu->max_pasids)
		return IOMMU_PASID_INVALID;
	max = dev->iommu->max_pasids;
	if (max <= IOMMU_FIRST_GLOBAL_PASID)
		return IOMMU_PASID_INVALID;
	s = dev_subsys(dev);
	if (WARN_ON(!s))
		return IOMMU_PASID_INVALID;

	mutex_lock(&s->pasid_lock);
	ret = ida_alloc_range(&s->pasid_ida, IOMMU_FIRST_GLOBAL_PASID, max - 1,
			      GFP_KERNEL);
	if (ret >= 0)
		s->pasid_count++;
	mutex_unlock(&s->pasid_lock);
	return ret < 0 ? IOMMU_PASID_INVALID : (unsigned int)ret;
}

/**
 * iommu_free_global_pasid() - return a PASID from iommu_alloc_global_pasid()
 * @dev: a device of the machine the PASID was allocated in (e.g. the one
 *	passed to iommu_alloc_global_pasid())
 * @pasid: the PASID; IOMMU_PASID_INVALID WARNs and is ignored
 *
 * A device whose machine was destroyed frees nothing (that space is gone).
 *
 * Context: may sleep; takes the machine's PASID lock.
 */
void iommu_free_global_pasid(struct sio_device *dev, unsigned int pasid)
{
	struct iommu_subsys *s;

	if (WARN_ON(!dev || pasid == IOMMU_PASID_INVALID))
		return;
	/* The device outlived its machine: the PASID space went with it. */
	s = dev_subsys(dev);
	if (!s)
		return;
	mutex_lock(&s->pasid_lock);
	if (!WARN_ON(!s->pasid_count)) {
		ida_free(&s->pasid_ida, pasid);
		s->pasid_count--;
	}
	mutex_unlock(&s->pasid_lock);
}
