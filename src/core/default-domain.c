// SPDX-License-Identifier: BSD-3-Clause
/*
 * Default domains: choosing the type (global policy, driver wishes,
 * untrusted devices, sysfs requests), allocating and installing it, and the
 * group blocking domain.
 * Kernel counterpart: drivers/iommu/iommu.c (iommu_get_default_domain_type,
 * iommu_group_alloc_default_domain, iommu_setup_default_domain)
 */
#include "core/core-priv.h"

/**
 * iommu_domain_type_name() - the name sysfs and the logs use for a domain
 * type ("identity", "DMA-FQ", ...)
 * @type: an IOMMU_DOMAIN_* type
 *
 * Context: any.
 * Return: a static string ("unknown" for anything else).
 */
const char *iommu_domain_type_name(unsigned int type)
{
	switch (type) {
	case IOMMU_DOMAIN_BLOCKED:
		return "blocked";
	case IOMMU_DOMAIN_IDENTITY:
		return "identity";
	case IOMMU_DOMAIN_UNMANAGED:
		return "unmanaged";
	case IOMMU_DOMAIN_DMA:
		return "DMA";
	case IOMMU_DOMAIN_DMA_FQ:
		return "DMA-FQ";
	case IOMMU_DOMAIN_SVA:
		return "SVA";
	case IOMMU_DOMAIN_PLATFORM:
		return "platform";
	case IOMMU_DOMAIN_NESTED:
		return "nested";
	default:
		return "unknown";
	}
}

/* Combine @dev's driver wish with the wishes of the devices seen so far. */
static int iommu_get_def_domain_type(struct iommu_group *group,
				     struct sio_device *dev, int cur_type)
{
	const struct iommu_ops *ops = dev_iommu_ops(dev);
	int type;

	if (ops->default_domain)
		type = ops->default_domain->type;
	else if (ops->def_domain_type)
		type = ops->def_domain_type(dev);
	else
		return cur_type;

	if (!type || cur_type == type)
		return cur_type;
	if (!cur_type)
		return type;

	dev_err(dev,
		"IOMMU driver error, requesting conflicting def_domain_type, %s and %s, for devices in group %d.",
		iommu_domain_type_name(cur_type), iommu_domain_type_name(type),
		group->id);
	/* Drivers may force IDENTITY or DMA; IDENTITY takes precedence. */
	return type == IOMMU_DOMAIN_IDENTITY ? type : cur_type;
}

/*
 * The type the group must have: 0 = use the global default, -1 = refused.
 * @target_type: a sysfs request (0 = none).
 */
static int iommu_get_default_domain_type(struct iommu_group *group,
					 int target_type)
{
	struct sio_device *untrusted = NULL;
	struct group_device *gdev;
	int driver_type = 0;

	lockdep_assert_held(&group->mutex);

	for_each_group_device(group, gdev) {
		driver_type = iommu_get_def_domain_type(group, gdev->dev,
							driver_type);
		if (gdev->dev->untrusted)
			untrusted = gdev->dev;
	}

	/* External-facing devices get strict translation, nothing else. */
	if (untrusted) {
		if (driver_type && driver_type != IOMMU_DOMAIN_DMA) {
			dev_err(untrusted,
				"Device is not trusted, but driver is overriding group %d to %s, refusing to probe.",
				group->id, iommu_domain_type_name(driver_type));
			return -1;
		}
		driver_type = IOMMU_DOMAIN_DMA;
	}

	if (target_type) {
		if (driver_type && target_type != driver_type)
			return -1;
		return target_type;
	}
	return driver_type;
}

static struct iommu_domain *
__iommu_group_alloc_default_domain(struct iommu_group *group, int req_type)
{
	struct sio_device *dev = iommu_group_first_dev(group);
	struct iommu_domain *dom;

	lockdep_assert_held(&group->mutex);
	if (!dev)
		return ERR_PTR(-ENODEV);

	if (group->default_domain && group->default_domain->type == req_type)
		return group->default_domain;

	if (req_type & __IOMMU_DOMAIN_PAGING) {
		/* The DMA API may use PASIDs: ask for a PASID-capable domain. */
		dom = __iommu_paging_domain_alloc_flags(dev, req_type,
			dev->iommu->max_pasids ? IOMMU_HWPT_ALLOC_PASID : 0);
		if (dev->iommu->max_pasids && PTR_ERR(dom) == -EOPNOTSUPP)
			dom = __iommu_paging_domain_alloc_flags(dev, req_type, 0);
		return dom;
	}
	if (req_type == IOMMU_DOMAIN_IDENTITY)
		return __iommu_alloc_identity_domain(dev);
	return ERR_PTR(-EINVAL);
}

static struct iommu_domain *
iommu_group_alloc_default_domain(struct iommu_group *group, int req_type)
{
	struct sio_device *dev = iommu_group_first_dev(group);
	const struct iommu_ops *ops;
	struct iommu_domain *dom;
	unsigned int def_type;

	lockdep_assert_held(&group->mutex);
	if (!dev)
		return ERR_PTR(-ENODEV);
	ops = dev_iommu_ops(dev);

	/* A legacy driver-static default domain is all or nothing. */
	if (ops->default_domain) {
		if (req_type && req_type != (int)ops->default_domain->type)
			return ERR_PTR(-EINVAL);
		return ops->default_domain;
	}
	if (req_type)
		return __iommu_group_alloc_default_domain(group, req_type);

	mutex_lock(&group->subsys->lock);
	def_type = iommu_subsys_def_type(group->subsys);
	mutex_unlock(&group->subsys->lock);

	dom = __iommu_group_alloc_default_domain(group, def_type);
	if (!IS_ERR(dom))
		return dom;
	if (def_type == IOMMU_DOMAIN_DMA)
		return ERR_PTR(-EINVAL);
	dom = __iommu_group_alloc_default_domain(group, IOMMU_DOMAIN_DMA);
	if (IS_ERR(dom))
		return dom;
	pr_warn("iommu: Failed to allocate default IOMMU domain of type %u for group %d - Falling back to IOMMU_DOMAIN_DMA",
		def_type, group->id);
	return dom;
}

/**
 * iommu_setup_default_domain() - choose, allocate and install the group's
 * default domain
 * @group: the group (not empty)
 * @target_type: a type requested through sysfs, or 0 (automatic)
 *
 * On the first setup the attach must succeed (drivers may not fail it: a
 * WARN); later (sysfs) a failed switch restores the old default domain.
 *
 * Context: group mutex held (probe lock held or not).
 * Return: 0; -EINVAL (type refused or impossible); the allocation's or the
 * attach's error.
 */
int iommu_setup_default_domain(struct iommu_group *group, int target_type)
{
	struct iommu_domain *old_dom = group->default_domain;
	struct group_device *gdev;
	struct iommu_domain *dom;
	bool direct_failed;
	int req_type;
	int ret;

	lockdep_assert_held(&group->mutex);

	req_type = iommu_get_default_domain_type(group, target_type);
	if (req_type < 0)
		return -EINVAL;

	dom = iommu_group_alloc_default_domain(group, req_type);
	if (IS_ERR(dom))
		return PTR_ERR(dom);
	if (group->default_domain == dom)
		return 0;

	/*
	 * Direct mappings first: the device may already DMA to them.  Some
	 * drivers can only map after an attach, so failures are retried.
	 */
	direct_failed = false;
	for_each_group_device(group, gdev) {
		if (iommu_create_device_direct_mappings(dom, gdev->dev)) {
			direct_failed = true;
			dev_warn(gdev->dev,
				 "IOMMU driver was not able to establish FW requested direct mapping.");
		}
	}

	/* Set before attaching: deferred-attach devices compare against it. */
	/* Published for lockless iommu_get_dma_domain() readers. */
	smp_store_release(&group->default_domain, dom);
	if (!group->domain) {
		/* Drivers must not fail the first attach of a new group. */
		ret = __iommu_group_set_domain_internal(
			group, dom, IOMMU_SET_DOMAIN_MUST_SUCCEED);
		if (WARN_ON(ret))
			goto out_free_old;
	} else {
		ret = __iommu_group_set_domain(group, dom);
		if (ret)
			goto err_restore_def_domain;
	}

	if (direct_failed) {
		for_each_group_device(group, gdev) {
			ret = iommu_create_device_direct_mappings(dom,
								  gdev->dev);
			if (ret)
				goto err_restore_domain;
		}
	}

out_free_old:
	if (old_dom)
		__iommu_domain_free(old_dom);
	return ret;

err_restore_domain:
	if (old_dom)
		__iommu_group_set_domain_internal(
			group, old_dom, IOMMU_SET_DOMAIN_MUST_SUCCEED);
err_restore_def_domain:
	if (old_dom) {
		__iommu_domain_free(dom);
		smp_store_release(&group->default_domain, old_dom);
	}
	return ret;
}

/**
 * __iommu_group_alloc_blocking_domain() - make sure the group has a
 * blocking domain: the driver's static one, or an empty paging domain
 * @group: the group (not empty)
 *
 * Context: group mutex held.
 * Return: 0, -ENODEV (empty group), or the allocation's error.
 */
int __iommu_group_alloc_blocking_domain(struct iommu_group *group)
{
	struct sio_device *dev = iommu_group_first_dev(group);
	const struct iommu_ops *ops;
	struct iommu_domain *domain;

	lockdep_assert_held(&group->mutex);
	if (group->blocking_domain)
		return 0;
	if (!dev)
		return -ENODEV;
	ops = dev_iommu_ops(dev);
	if (ops->blocked_domain) {
		group->blocking_domain = ops->blocked_domain;
		return 0;
	}
	/* No BLOCKED domain: an empty paging domain blocks just as well. */
	domain = __iommu_paging_domain_alloc_flags(dev, IOMMU_DOMAIN_UNMANAGED,
						   0);
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	group->blocking_domain = domain;
	return 0;
}
