// SPDX-License-Identifier: BSD-3-Clause
/*
 * DMA ownership: kernel DMA-API users (use/unuse_default_domain, counted per
 * device) versus user owners (claim/release with a cookie).
 * Kernel counterpart: drivers/iommu/iommu.c (iommu_device_use_default_domain,
 * iommu_group_claim_dma_owner, iommu_device_claim_dma_owner, ...)
 */
#include "core/core-priv.h"

static void dev_sync_use_flag(struct sio_device *dev)
{
	dev->dma_use_counted = dev->iommu && dev->iommu->dma_use_cnt;
}

/**
 * iommu_device_use_default_domain() - a driver about to bind @dev will use
 * the kernel DMA API through the group's default domain
 * @dev: the device
 *
 * Divergence (docs/divergences.md): the core records per device how many
 * uses counted, so unuse is exactly symmetric.
 *
 * Context: may sleep; takes the group mutex (device lock usually held).
 * Return: 0 (also without a group: nothing counted); -EINVAL (NULL);
 * -EPROBE_DEFER (group without its default domain yet); -EBUSY (owned, on a
 * non-default domain, or PASIDs attached, while others use it).
 */
int iommu_device_use_default_domain(struct sio_device *dev)
{
	struct iommu_group *group;
	int ret = 0;

	if (!dev)
		return -EINVAL;
	group = iommu_group_get(dev);
	if (!group)
		return 0;

	mutex_lock(&group->mutex);
	/* The group exists at use time: this binding is accounted exactly. */
	dev->iommu->joined_during_bind = false;
	/* Racing with bus_iommu_probe() finishing this group. */
	if (!group->default_domain) {
		ret = -EPROBE_DEFER;
		goto unlock_out;
	}
	if (group->owner_cnt) {
		if (group->domain != group->default_domain || group->owner ||
		    !xa_empty(&group->pasid_array)) {
			ret = -EBUSY;
			goto unlock_out;
		}
	}
	group->owner_cnt++;
	dev->iommu->dma_use_cnt++;
	dev_sync_use_flag(dev);
unlock_out:
	mutex_unlock(&group->mutex);
	iommu_group_put(group);
	return ret;
}

/**
 * iommu_device_unuse_default_domain() - undo iommu_device_use_default_domain()
 * @dev: the device
 *
 * Decrements only what this device's uses counted.  A device that joined its
 * group during its current binding (seed 000's v7 ordering: use ran before
 * the group existed) has nothing to undo: that is logged, not WARNed.  Any
 * other unuse without a counted use WARNs, as the kernel does when owner_cnt
 * is 0, and changes nothing.
 *
 * Context: may sleep; takes the group mutex.
 */
void iommu_device_unuse_default_domain(struct sio_device *dev)
{
	struct iommu_group *group;

	if (!dev)
		return;
	group = iommu_group_get(dev);
	if (!group) {
		dev->dma_use_counted = false;
		return;
	}

	mutex_lock(&group->mutex);
	if (!dev->iommu->dma_use_cnt && dev->iommu->joined_during_bind) {
		dev->iommu->joined_during_bind = false;
		dev_info(dev,
			 "DMA API use was not counted (device joined iommu group %d after it); nothing to undo",
			 group->id);
		goto unlock_out;
	}
	if (!WARN_ON(!group->owner_cnt || !dev->iommu->dma_use_cnt ||
		     !xa_empty(&group->pasid_array))) {
		group->owner_cnt--;
		dev->iommu->dma_use_cnt--;
	}
	dev_sync_use_flag(dev);
unlock_out:
	mutex_unlock(&group->mutex);
	iommu_group_put(group);
}

/**
 * __iommu_dev_drop_dma_use() - @dev leaves its group with DMA-API uses still
 * counted (its IOMMU went away under a bound driver): take them out of the
 * group's count so the devices that stay are accounted exactly
 * @group: @dev's group
 * @dev: the device leaving it
 *
 * Context: group mutex held.
 */
void __iommu_dev_drop_dma_use(struct iommu_group *group, struct sio_device *dev)
{
	lockdep_assert_held(&group->mutex);
	if (!dev->iommu || !dev->iommu->dma_use_cnt)
		return;
	if (!group->owner && group->owner_cnt >= dev->iommu->dma_use_cnt)
		group->owner_cnt -= dev->iommu->dma_use_cnt;
	dev->iommu->dma_use_cnt = 0;
	dev->dma_use_counted = false;
}

static int __iommu_take_dma_ownership(struct iommu_group *group, void *owner)
{
	int ret;

	lockdep_assert_held(&group->mutex);

	if (group->domain && group->domain != group->default_domain)
		return -EBUSY;
	if (!xa_empty(&group->pasid_array))
		return -EBUSY;

	ret = __iommu_group_alloc_blocking_domain(group);
	if (ret)
		return ret;
	ret = __iommu_group_set_domain(group, group->blocking_domain);
	if (ret)
		return ret;

	group->owner = owner;
	group->owner_cnt++;
	return 0;
}

/**
 * iommu_group_claim_dma_owner() - give @group's DMA to a user owner
 * @group: the group
 * @owner: the owner's cookie (not NULL)
 *
 * Context: may sleep; takes the group mutex.
 * Return: 0; -EINVAL (NULL group; NULL owner: WARN); -EPERM (DMA-API drivers
 * bound or already owned, even by @owner); -EBUSY (external domain or
 * PASIDs attached); -ENODEV (empty group); the blocking domain's error.
 */
int iommu_group_claim_dma_owner(struct iommu_group *group, void *owner)
{
	int ret = 0;

	if (WARN_ON(!owner))
		return -EINVAL;
	if (!group)
		return -EINVAL;

	mutex_lock(&group->mutex);
	if (group->owner_cnt) {
		ret = -EPERM;
		goto unlock_out;
	}
	ret = __iommu_take_dma_ownership(group, owner);
	if (!ret)
		group->group_claimed = true;
unlock_out:
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_device_claim_dma_owner() - claim @dev's group for @owner; further
 * claims with the same cookie (other devices of the group) only count
 * @dev: the device
 * @owner: the owner's cookie (not NULL)
 *
 * Context: may sleep; takes the group mutex.
 * Return: 0; -EINVAL (NULL owner: WARN; NULL dev); -ENODEV (no group);
 * -EPERM (DMA-API drivers bound or another owner); -EBUSY; the blocking
 * domain's error.
 */
int iommu_device_claim_dma_owner(struct sio_device *dev, void *owner)
{
	struct iommu_group *group;
	int ret = 0;

	if (WARN_ON(!owner))
		return -EINVAL;
	if (!dev)
		return -EINVAL;
	group = iommu_group_get(dev);
	if (!group)
		return -ENODEV;

	mutex_lock(&group->mutex);
	if (group->owner_cnt) {
		if (group->owner != owner) {
			ret = -EPERM;
			goto unlock_out;
		}
		group->owner_cnt++;
		dev->iommu->claim_cnt++;
		goto unlock_out;
	}
	ret = __iommu_take_dma_ownership(group, owner);
	if (!ret)
		dev->iommu->claim_cnt++;
unlock_out:
	mutex_unlock(&group->mutex);
	iommu_group_put(group);
	return ret;
}

static void __iommu_release_dma_ownership(struct iommu_group *group)
{
	struct group_device *gdev;

	lockdep_assert_held(&group->mutex);
	if (WARN_ON(!group->owner_cnt || !group->owner ||
		    !xa_empty(&group->pasid_array)))
		return;

	group->owner_cnt = 0;
	group->owner = NULL;
	group->group_claimed = false;
	for_each_group_device(group, gdev)
		gdev->dev->iommu->claim_cnt = 0;
	/* Whatever the owner attached is dropped. */
	__iommu_group_set_domain_nofail(group, group->default_domain);
}

/**
 * iommu_group_release_dma_owner() - give @group back to the kernel
 * @group: the group
 *
 * WARNs and changes nothing if the group is not owned or has PASIDs
 * attached.
 *
 * Context: may sleep; takes the group mutex.
 */
void iommu_group_release_dma_owner(struct iommu_group *group)
{
	if (!group)
		return;
	mutex_lock(&group->mutex);
	__iommu_release_dma_ownership(group);
	mutex_unlock(&group->mutex);
}

/**
 * iommu_device_release_dma_owner() - drop one device-level claim; the last
 * one gives the group back to the kernel
 * @dev: the device (the caller must be the claimant; the cookie is not
 *	checked, as in the kernel)
 *
 * Context: may sleep; takes the group mutex.
 */
void iommu_device_release_dma_owner(struct sio_device *dev)
{
	struct iommu_group *group;

	if (!dev)
		return;
	group = iommu_group_get(dev);
	if (WARN_ON(!group))
		return;

	mutex_lock(&group->mutex);
	if (group->owner_cnt > 1) {
		struct group_device *gdev;

		group->owner_cnt--;
		/* Keep the per-device claim counts summing to owner_cnt. */
		if (dev->iommu->claim_cnt) {
			dev->iommu->claim_cnt--;
		} else {
			for_each_group_device(group, gdev) {
				if (gdev->dev->iommu->claim_cnt) {
					gdev->dev->iommu->claim_cnt--;
					break;
				}
			}
		}
	} else {
		__iommu_release_dma_ownership(group);
	}
	mutex_unlock(&group->mutex);
	iommu_group_put(group);
}

/**
 * iommu_group_dma_owner_claimed() - does anyone (DMA-API drivers or a user
 * owner) use @group's DMA?
 * Context: takes the group mutex.
 * Return: owner_cnt != 0 (false for NULL).
 */
bool iommu_group_dma_owner_claimed(struct iommu_group *group)
{
	unsigned int cnt;

	if (!group)
		return false;
	mutex_lock(&group->mutex);
	cnt = group->owner_cnt;
	mutex_unlock(&group->mutex);
	return cnt != 0;
}
