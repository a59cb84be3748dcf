// SPDX-License-Identifier: BSD-3-Clause
/*
 * Setting a group's RID domain (with rollback or MUST_SUCCEED), the
 * attach/detach API for devices and groups, group handles, deferred attach,
 * and the PCI reset prepare/done pair.
 * Kernel counterpart: drivers/iommu/iommu.c (__iommu_group_set_domain_internal,
 * iommu_attach_device, iommu_attach_group_handle, pci_dev_reset_iommu_*)
 */
#include "core/core-priv.h"

static int __iommu_attach_device(struct iommu_domain *domain,
				 struct sio_device *dev,
				 struct iommu_domain *old)
{
	int ret;

	lockdep_assert_held(&dev->iommu_group->mutex);
	if (unlikely(!domain->ops || !domain->ops->attach_dev))
		return -ENODEV;
	ret = domain->ops->attach_dev(domain, dev, old);
	if (ret)
		return ret;
	dev->iommu->attach_deferred = false;
	dev->iommu->attached = domain;
	return 0;
}

/**
 * __iommu_device_set_domain() - attach one device of @group to @new_domain
 * @group: the device's group
 * @dev: the device
 * @new_domain: the domain
 * @old_domain: what the device is on (NULL at its first attach)
 * @flags: IOMMU_SET_DOMAIN_MUST_SUCCEED: on failure park the device on the
 *	blocking domain so it never uses a domain about to be freed
 *
 * Context: group mutex held.
 * Return: 0; -EINVAL (a require_direct device and a blocking domain); the
 * driver's error.
 */
int __iommu_device_set_domain(struct iommu_group *group,
			      struct sio_device *dev,
			      struct iommu_domain *new_domain,
			      struct iommu_domain *old_domain,
			      unsigned int flags)
{
	int ret;

	lockdep_assert_held(&group->mutex);

	/* Firmware asked for a 1:1 mapping that a blocking domain lacks. */
	if (dev->iommu->require_direct &&
	    (new_domain->type == IOMMU_DOMAIN_BLOCKED ||
	     new_domain == group->blocking_domain)) {
		dev_warn(dev,
			 "Firmware has requested this device have a 1:1 IOMMU mapping, rejecting configuring the device without a 1:1 mapping. Contact your platform vendor.");
		return -EINVAL;
	}

	if (dev->iommu->attach_deferred) {
		/* Attached lazily at the first DMA map (iommu_deferred_attach). */
		if (new_domain == group->default_domain)
			return 0;
		dev->iommu->attach_deferred = false;
	}

	ret = __iommu_attach_device(new_domain, dev, old_domain);
	if (ret) {
		/*
		 * The caller cannot recover and will free @old_domain: leave the
		 * device on the blocking domain rather than on @old_domain.
		 */
		if ((flags & IOMMU_SET_DOMAIN_MUST_SUCCEED) &&
		    group->blocking_domain &&
		    group->blocking_domain != new_domain)
			__iommu_attach_device(group->blocking_domain, dev,
					      old_domain);
		return ret;
	}
	return 0;
}

/**
 * __iommu_group_set_domain_internal() - move every device of @group to
 * @new_domain
 * @group: the group
 * @new_domain: the domain (same as current: nothing is called)
 * @flags: 0: the first failure re-attaches the devices already moved to the
 *	old domain and leaves group->domain unchanged; MUST_SUCCEED: every
 *	device is tried and group->domain becomes @new_domain regardless
 *
 * Context: group mutex held.
 * Return: 0; -EINVAL (NULL or incompatible domain); -EBUSY (PCI reset in
 * progress); the (last) device error.
 */
int __iommu_group_set_domain_internal(struct iommu_group *group,
				      struct iommu_domain *new_domain,
				      unsigned int flags)
{
	struct group_device *last_gdev, *gdev;
	struct sio_device *first;
	int result = 0;
	int ret;

	lockdep_assert_held(&group->mutex);

	if (group->domain == new_domain)
		return 0;
	if (WARN_ON(!new_domain))
		return -EINVAL;
	if (group->resetting_domain)
		return -EBUSY;
	/* Divergence: refuse another driver's domain before touching anyone. */
	first = iommu_group_first_dev(group);
	if (first && !domain_iommu_ops_compatible(dev_iommu_ops(first),
						  new_domain) &&
	    new_domain != dev_iommu_ops(first)->default_domain)
		return -EINVAL;

	/*
	 * Changing the domain is done by calling attach_dev() on the new
	 * domain.  This switch does not have to be atomic and DMA can be
	 * discarded during the transition.
	 */
	for_each_group_device(group, gdev) {
		ret = __iommu_device_set_domain(group, gdev->dev, new_domain,
						group->domain, flags);
		if (ret) {
			result = ret;
			/* Keep trying the other devices when we must succeed. */
			if (flags & IOMMU_SET_DOMAIN_MUST_SUCCEED)
				continue;
			goto err_revert;
		}
	}
	group->domain = new_domain;
	return result;

err_revert:
	/*
	 * Devices before the failing one go back to the old domain; the
	 * failing one was not changed.  A NULL old domain is the first probe:
	 * release cleans up.
	 */
	last_gdev = gdev;
	for_each_group_device(group, gdev) {
		if (gdev == last_gdev)
			break;
		if (group->domain)
			WARN_ON(__iommu_device_set_domain(
				group, gdev->dev, group->domain, new_domain,
				IOMMU_SET_DOMAIN_MUST_SUCCEED));
	}
	return ret;
}

/**
 * __iommu_group_set_domain() - switch @group to @new_domain, rolling back
 * on failure
 * @group: the group
 * @new_domain: the domain
 *
 * Context: group mutex held; may sleep (driver attach_dev).
 * Return: 0, or the first device's error with every device back on the old
 * domain (see __iommu_group_set_domain_internal()).
 */
int __iommu_group_set_domain(struct iommu_group *group,
			     struct iommu_domain *new_domain)
{
	lockdep_assert_held(&group->mutex);
	return __iommu_group_set_domain_internal(group, new_domain, 0);
}

/**
 * __iommu_group_set_domain_nofail() - switch @group to @new_domain, which
 * must not fail (a core-owned domain); a failure WARNs
 * @group: the group
 * @new_domain: the domain
 *
 * Context: group mutex held; may sleep (driver attach_dev).
 */
void __iommu_group_set_domain_nofail(struct iommu_group *group,
				     struct iommu_domain *new_domain)
{
	lockdep_assert_held(&group->mutex);
	WARN_ON(__iommu_group_set_domain_internal(
		group, new_domain, IOMMU_SET_DOMAIN_MUST_SUCCEED));
}

/**
 * __iommu_group_set_core_domain() - back to the core's own choice: the
 * blocking domain if the group is owned, else the default domain
 * @group: the group
 *
 * Context: group mutex held; may sleep (driver attach_dev).
 */
void __iommu_group_set_core_domain(struct iommu_group *group)
{
	struct iommu_domain *new_domain;

	lockdep_assert_held(&group->mutex);
	if (group->owner)
		new_domain = group->blocking_domain;
	else
		new_domain = group->default_domain;
	__iommu_group_set_domain_nofail(group, new_domain);
}

static int __iommu_attach_group(struct iommu_domain *domain,
				struct iommu_group *group)
{
	struct sio_device *dev;

	lockdep_assert_held(&group->mutex);

	/* Someone attached an external domain: they must replace it. */
	if (group->domain && group->domain != group->default_domain &&
	    group->domain != group->blocking_domain)
		return -EBUSY;

	dev = iommu_group_first_dev(group);
	if (!dev)
		return -ENODEV;
	if (!dev_has_iommu(dev) ||
	    !domain_iommu_ops_compatible(dev_iommu_ops(dev), domain))
		return -EINVAL;
	return __iommu_group_set_domain(group, domain);
}

/**
 * iommu_attach_device() - attach @domain to the singleton group of @dev
 * @domain: the domain
 * @dev: the device
 *
 * Context: may sleep; takes the group mutex.
 * Return: 0; -EINVAL (NULL domain, group with more than one device,
 * incompatible domain); -ENODEV (no group); -EBUSY (an external domain is
 * attached); the driver's error.  On failure nothing changed.
 */
int iommu_attach_device(struct iommu_domain *domain, struct sio_device *dev)
{
	struct iommu_group *group;
	int ret;

	if (!dev)
		return -ENODEV;
	group = iommu_group_get(dev);
	if (!group)
		return -ENODEV;
	if (!domain) {
		iommu_group_put(group);
		return -EINVAL;
	}

	/* The device count must not change while we attach. */
	mutex_lock(&group->mutex);
	ret = -EINVAL;
	if (group->num_devices != 1)
		goto out_unlock;
	ret = __iommu_attach_group(domain, group);
out_unlock:
	mutex_unlock(&group->mutex);
	iommu_group_put(group);
	return ret;
}

/**
 * iommu_detach_device() - undo iommu_attach_device(): back to the blocking
 * domain if owned, else the default domain
 * @domain: must be the group's current domain (WARN otherwise)
 * @dev: the device; must be alone in its group (WARN otherwise)
 *
 * Context: may sleep; takes the group mutex.
 */
void iommu_detach_device(struct iommu_domain *domain, struct sio_device *dev)
{
	struct iommu_group *group;

	if (!dev || !domain)
		return;
	group = iommu_group_get(dev);
	if (!group)
		return;

	mutex_lock(&group->mutex);
	if (WARN_ON(domain != group->domain) ||
	    WARN_ON(group->num_devices != 1))
		goto out_unlock;
	__iommu_group_set_core_domain(group);
out_unlock:
	mutex_unlock(&group->mutex);
	iommu_group_put(group);
}

/**
 * iommu_attach_group() - attach @domain to every device of @group
 * @domain: the domain
 * @group: the group
 *
 * Context: may sleep; takes the group mutex.
 * Return: 0; -EINVAL (NULL, incompatible); -EBUSY (external domain already
 * attached); -ENODEV (empty group); the driver's error.
 */
int iommu_attach_group(struct iommu_domain *domain, struct iommu_group *group)
{
	int ret;

	if (!domain || !group)
		return -EINVAL;
	mutex_lock(&group->mutex);
	ret = __iommu_attach_group(domain, group);
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_detach_group() - back to the blocking domain if owned, else the
 * default domain (@domain is not checked, as in the kernel)
 *
 * Context: may sleep; takes the group mutex.
 */
void iommu_detach_group(struct iommu_domain *domain, struct iommu_group *group)
{
	if (!group)
		return;
	mutex_lock(&group->mutex);
	__iommu_group_set_core_domain(group);
	mutex_unlock(&group->mutex);
}

/**
 * iommu_deferred_attach() - perform an attach the driver deferred to the
 * first DMA mapping
 * @dev: the device
 * @domain: the domain to attach (the default domain)
 *
 * Context: may sleep; takes the group mutex unless nothing is deferred.
 * Return: 0; -EINVAL (NULL); -EBUSY (PCI reset in progress); the driver's
 * error.
 */
int iommu_deferred_attach(struct sio_device *dev, struct iommu_domain *domain)
{
	struct iommu_group *group;
	int ret = 0;

	if (!dev || !domain)
		return -EINVAL;
	/* Fast path; rechecked under the lock. */
	if (!READ_ONCE(dev->iommu) || !READ_ONCE(dev->iommu->attach_deferred))
		return 0;
	group = dev->iommu_group;
	if (!group)
		return 0;

	mutex_lock(&group->mutex);
	if (group->resetting_domain)
		ret = -EBUSY;
	else if (dev->iommu && dev->iommu->attach_deferred)
		ret = __iommu_attach_device(domain, dev, NULL);
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_get_domain_for_dev() - the RID domain of @dev's group
 * Context: must not hold the group mutex (drivers use
 * iommu_driver_get_domain_for_dev()); takes it.
 * Return: the domain or NULL.
 */
struct iommu_domain *iommu_get_domain_for_dev(struct sio_device *dev)
{
	struct iommu_group *group = dev ? READ_ONCE(dev->iommu_group) : NULL;
	struct iommu_domain *domain;

	if (!group)
		return NULL;
	lockdep_assert_not_held(&group->mutex);
	mutex_lock(&group->mutex);
	domain = group->domain;
	mutex_unlock(&group->mutex);
	return domain;
}

/**
 * iommu_driver_get_domain_for_dev() - for drivers: what @dev translates
 * through now (the blocking domain during a PCI reset)
 * Context: group mutex held.
 * Return: the domain or NULL.
 */
struct iommu_domain *iommu_driver_get_domain_for_dev(struct sio_device *dev)
{
	struct iommu_group *group = dev ? dev->iommu_group : NULL;

	if (!group)
		return NULL;
	lockdep_assert_held(&group->mutex);
	return group->resetting_domain ? group->resetting_domain :
					 group->domain;
}

/**
 * iommu_get_dma_domain() - the default domain of @dev's group
 * @dev: the device (NULL allowed)
 *
 * Lockless, as in the kernel: the DMA API calls it on every map and unmap,
 * and while a driver is bound (the only time the DMA API may run) the
 * default domain cannot change: the sysfs type switch needs owner_cnt == 0
 * and DMA->DMA-FQ flips the type in place.  Pairs with the release stores
 * in iommu_setup_default_domain().
 *
 * Context: any.
 * Return: the domain or NULL.
 */
struct iommu_domain *iommu_get_dma_domain(struct sio_device *dev)
{
	struct iommu_group *group = dev ? READ_ONCE(dev->iommu_group) : NULL;

	if (!group)
		return NULL;
	return smp_load_acquire(&group->default_domain);
}

/**
 * iommu_attach_group_handle() - attach @domain to @group and record @handle
 * at IOMMU_NO_PASID so faults on the RID find their owner
 * @domain: the domain
 * @group: the group
 * @handle: the owner's handle (handle->domain is set on success)
 *
 * Context: may sleep; takes the group mutex.
 * Return: 0; -EINVAL (NULL arguments, incompatible domain); -EBUSY (a handle
 * is already attached, or an external domain); -ENOMEM; the driver's error.
 */
int iommu_attach_group_handle(struct iommu_domain *domain,
			      struct iommu_group *group,
			      struct iommu_attach_handle *handle)
{
	int ret;

	if (!domain || !group || !handle)
		return -EINVAL;

	mutex_lock(&group->mutex);
	/* Insert semantics: anything at index 0 makes us busy. */
	if (xa_load(&group->pasid_array, IOMMU_NO_PASID)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = xa_reserve(&group->pasid_array, IOMMU_NO_PASID, GFP_KERNEL);
	if (ret)
		goto out_unlock;

	ret = __iommu_attach_group(domain, group);
	if (ret) {
		xa_release(&group->pasid_array, IOMMU_NO_PASID);
		goto out_unlock;
	}
	handle->domain = domain;
	WARN_ON(xa_is_err(xa_store(&group->pasid_array, IOMMU_NO_PASID,
				   iommu_make_pasid_array_entry(domain, handle),
				   GFP_KERNEL)));
out_unlock:
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_detach_group_handle() - undo iommu_attach_group_handle()
 * Context: may sleep; takes the group mutex.
 */
void iommu_detach_group_handle(struct iommu_domain *domain,
			       struct iommu_group *group)
{
	if (!group)
		return;
	mutex_lock(&group->mutex);
	__iommu_group_set_core_domain(group);
	xa_erase(&group->pasid_array, IOMMU_NO_PASID);
	mutex_unlock(&group->mutex);
}

/**
 * iommu_replace_group_handle() - switch @group straight to @new_domain (no
 * trip through the blocking domain) and record @handle
 * @group: the group
 * @new_domain: the domain
 * @handle: the owner's handle
 *
 * Context: may sleep; takes the group mutex.
 * Return: 0; -EINVAL (NULL arguments, incompatible domain); -EBUSY (PCI reset
 * in progress); -ENOMEM; the driver's error (the old domain and any old
 * handle stay).
 */
int iommu_replace_group_handle(struct iommu_group *group,
			       struct iommu_domain *new_domain,
			       struct iommu_attach_handle *handle)
{
	void *curr;
	int ret;

	if (!group || !new_domain || !handle)
		return -EINVAL;

	mutex_lock(&group->mutex);
	/* Reserve semantics: an occupied index 0 is fine. */
	ret = xa_reserve(&group->pasid_array, IOMMU_NO_PASID, GFP_KERNEL);
	if (ret)
		goto out_unlock;
	ret = __iommu_group_set_domain(group, new_domain);
	if (ret)
		goto err_release;

	handle->domain = new_domain;
	curr = xa_store(&group->pasid_array, IOMMU_NO_PASID,
			iommu_make_pasid_array_entry(new_domain, handle),
			GFP_KERNEL);
	WARN_ON(xa_is_err(curr));
	mutex_unlock(&group->mutex);
	return 0;

err_release:
	xa_release(&group->pasid_array, IOMMU_NO_PASID);
out_unlock:
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * pci_dev_reset_iommu_prepare() - block @dev's DMA (RID and PASIDs)
 * around a function reset, keeping the group's recorded state
 * @dev: the device
 *
 * Context: may sleep; takes the group mutex.
 * Return: 0 (also for a device without a group); -EBUSY (already resetting:
 * WARN); the blocking domain's allocation or attach error.
 */
int pci_dev_reset_iommu_prepare(struct sio_device *dev)
{
	struct iommu_group *group = dev ? dev->iommu_group : NULL;
	const struct iommu_ops *ops;
	unsigned long pasid;
	void *entry;
	int ret;

	if (!group)
		return 0;
	mutex_lock(&group->mutex);
	if (WARN_ON(group->resetting_domain)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = __iommu_group_alloc_blocking_domain(group);
	if (ret)
		goto out_unlock;

	if (group->domain != group->blocking_domain) {
		ret = __iommu_attach_device(group->blocking_domain, dev,
					    group->domain);
		if (ret)
			goto out_unlock;
	}

	/* PASIDs go to blocked; pasid_array keeps what to restore. */
	ops = dev_iommu_ops(dev);
	if (dev->iommu->max_pasids && ops->blocked_domain &&
	    ops->blocked_domain->ops->set_dev_pasid) {
		xa_for_each(&group->pasid_array, pasid, entry) {
			struct iommu_domain *d;

			if (!pasid)
				continue;
			d = pasid_array_entry_to_domain(entry);
			WARN_ON(ops->blocked_domain->ops->set_dev_pasid(
				ops->blocked_domain, dev, pasid, d));
		}
	}
	group->resetting_domain = group->blocking_domain;
out_unlock:
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * pci_dev_reset_iommu_done() - undo pci_dev_reset_iommu_prepare():
 * re-attach the RID to group->domain and every PASID to its domain
 * @dev: the device
 *
 * Context: may sleep; takes the group mutex.
 */
void pci_dev_reset_iommu_done(struct sio_device *dev)
{
	struct iommu_group *group = dev ? dev->iommu_group : NULL;
	unsigned long pasid;
	void *entry;

	if (!group)
		return;
	mutex_lock(&group->mutex);
	if (!group->resetting_domain)
		goto out_unlock;

	if (group->domain && group->domain != group->blocking_domain)
		WARN_ON(__iommu_attach_device(group->domain, dev,
					      group->blocking_domain));
	if (dev->iommu->max_pasids) {
		xa_for_each(&group->pasid_array, pasid, entry) {
			struct iommu_domain *d;

			if (!pasid)
				continue;
			d = pasid_array_entry_to_domain(entry);
			if (d->ops && d->ops->set_dev_pasid)
				WARN_ON(d->ops->set_dev_pasid(
					d, dev, pasid,
					dev_iommu_ops(dev)->blocked_domain));
		}
	}
	group->resetting_domain = NULL;
out_unlock:
	mutex_unlock(&group->mutex);
}
