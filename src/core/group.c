// SPDX-License-Identifier: BSD-3-Clause
/*
 * IOMMU groups: allocation, ids, references, the device list and the
 * device_group helpers drivers use.
 * Kernel counterpart: drivers/iommu/iommu.c (iommu_group_alloc,
 * iommu_group_get/put, generic_device_group, generic_single_device_group)
 */
#include <stdio.h>
#include <string.h>

#include "core/core-priv.h"

/**
 * __iommu_group_alloc() - a new empty group of @m with one reference, an id
 * and its sysfs directories
 * @m: the machine
 *
 * Context: may sleep.
 * Return: the group, or ERR_PTR(-EINVAL/-ENOMEM/-ENOSPC).
 */
struct iommu_group *__iommu_group_alloc(struct sio_machine *m)
{
	struct iommu_subsys *s = m ? m->iommu : NULL;
	struct iommu_group *group;
	int ret;

	if (!s)
		return ERR_PTR(-EINVAL);
	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group)
		return ERR_PTR(-ENOMEM);
	group->machine = m;
	group->subsys = s;
	refcount_set(&group->ref, 1);
	mutex_init(&group->mutex);
	INIT_LIST_HEAD(&group->devices);
	INIT_LIST_HEAD(&group->entry);
	INIT_LIST_HEAD(&group->node);
	xa_init(&group->pasid_array);

	ret = ida_alloc(&s->group_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	group->id = ret;
	snprintf(group->name, sizeof(group->name), "%d", group->id);

	ret = iommu_group_sysfs_add(group);
	if (ret)
		goto err_ida;

	mutex_lock(&s->lock);
	list_add_tail(&group->node, &s->groups);
	mutex_unlock(&s->lock);
	return group;

err_ida:
	ida_free(&s->group_ida, group->id);
err_free:
	xa_destroy(&group->pasid_array);
	mutex_destroy(&group->mutex);
	kfree(group);
	return ERR_PTR(ret);
}

/**
 * iommu_group_alloc() - a new, empty group in @dev's machine
 * @dev: the device a driver's ops->device_group is grouping (it names the
 *	machine; the group is not tied to it otherwise)
 *
 * The kernel's takes no argument: its groups are global.  Here each machine
 * has its own, so the caller names the machine through @dev.
 *
 * Context: may sleep.
 * Return: the group with one reference, or ERR_PTR(-EINVAL) (NULL @dev, or a
 * machine without an IOMMU core), ERR_PTR(-ENOMEM/-ENOSPC).
 */
struct iommu_group *iommu_group_alloc(struct sio_device *dev)
{
	if (!dev)
		return ERR_PTR(-EINVAL);
	return __iommu_group_alloc(dev->machine);
}

static void iommu_group_release(struct iommu_group *group)
{
	struct iommu_subsys *s = group->subsys;

	mutex_lock(&s->lock);
	list_del(&group->node);
	mutex_unlock(&s->lock);

	/* Waits for sysfs callbacks running on the group (none hold a ref). */
	iommu_group_sysfs_remove(group);

	WARN_ON(group->default_domain);
	WARN_ON(group->blocking_domain);
	WARN_ON(!list_empty(&group->devices));
	WARN_ON(!xa_empty(&group->pasid_array));

	ida_free(&s->group_ida, group->id);
	xa_destroy(&group->pasid_array);
	mutex_destroy(&group->mutex);
	kfree(group);
}

/**
 * iommu_group_get() - the group of @dev, with a reference
 * @dev: the device (NULL allowed)
 *
 * Context: any; the caller must keep @dev from being released meanwhile.
 * Return: the group, or NULL if @dev has none.
 */
struct iommu_group *iommu_group_get(struct sio_device *dev)
{
	struct iommu_group *group;

	if (!dev)
		return NULL;
	group = READ_ONCE(dev->iommu_group);
	if (group)
		refcount_inc(&group->ref);
	return group;
}

/**
 * iommu_group_ref_get() - take another reference on @group
 * Context: any.
 * Return: @group (NULL stays NULL).
 */
struct iommu_group *iommu_group_ref_get(struct iommu_group *group)
{
	if (group)
		refcount_inc(&group->ref);
	return group;
}

/**
 * iommu_group_put() - drop a reference; the last one frees the group, its
 * id and its sysfs nodes
 * @group: the group; NULL is a no-op
 *
 * Context: may sleep; must not hold the group mutex (nor any lock the
 * group's sysfs callbacks take: only the group mutex).
 */
void iommu_group_put(struct iommu_group *group)
{
	if (!group)
		return;
	lockdep_assert_not_held(&group->mutex);
	if (refcount_dec_and_test(&group->ref))
		iommu_group_release(group);
}

/**
 * iommu_group_id() - the id of @group (its name in /sys/kernel/iommu_groups)
 * @group: the group, or NULL
 *
 * Context: any.
 * Return: the id, or -EINVAL for NULL.
 */
int iommu_group_id(struct iommu_group *group)
{
	return group ? group->id : -EINVAL;
}

/**
 * iommu_group_for_each_dev() - call @fn on each device of @group
 * @group: the group
 * @data: passed to @fn
 * @fn: stops the walk with a non-zero return
 *
 * Context: takes the group mutex; @fn must not take it.
 * Return: 0, -EINVAL (NULL args) or @fn's value.
 */
int iommu_group_for_each_dev(struct iommu_group *group, void *data,
			     int (*fn)(struct sio_device *dev, void *data))
{
	struct group_device *gdev;
	int ret = 0;

	if (!group || !fn)
		return -EINVAL;
	mutex_lock(&group->mutex);
	for_each_group_device(group, gdev) {
		ret = fn(gdev->dev, data);
		if (ret)
			break;
	}
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_group_first_dev() - the device drivers see for group-wide
 * allocations
 * @group: the group
 *
 * Context: group mutex held.
 * Return: the first device, or NULL for an empty group.
 */
struct sio_device *iommu_group_first_dev(struct iommu_group *group)
{
	struct group_device *gdev;

	lockdep_assert_held(&group->mutex);
	gdev = list_first_entry_or_null(&group->devices, struct group_device,
					list);
	return gdev ? gdev->dev : NULL;
}

static int iommu_group_link_device(struct iommu_group *group,
				   struct group_device *gdev)
{
	struct sio_device *dev = gdev->dev;
	unsigned int i;
	int ret;

	if (!dev->kobj)
		return 0;
	ret = sio_sysfs_create_link(dev->kobj, group->kobj, "iommu_group");
	if (ret)
		return ret;

	gdev->name = kstrdup(sio_dev_name(dev), GFP_KERNEL);
	if (!gdev->name) {
		ret = -ENOMEM;
		goto err_unlink_dev;
	}
	/* Same-named devices of different buses get a ".N" suffix. */
	for (i = 1;; i++) {
		ret = sio_sysfs_create_link(group->devices_kobj, dev->kobj,
					    gdev->name);
		if (ret != -EEXIST || i > 1000)
			break;
		kfree(gdev->name);
		gdev->name = kasprintf(GFP_KERNEL, "%s.%u", sio_dev_name(dev),
				       i);
		if (!gdev->name) {
			ret = -ENOMEM;
			break;
		}
	}
	if (ret)
		goto err_free_name;
	return 0;

err_free_name:
	kfree(gdev->name);
	gdev->name = NULL;
err_unlink_dev:
	sio_sysfs_remove_name(dev->kobj, "iommu_group");
	return ret;
}

/**
 * iommu_group_alloc_device() - the group_device of @dev, linked in sysfs
 * (not yet on the group's list) and logged
 * @group: its group
 * @dev: the device
 *
 * Context: probe lock held, group mutex not held.
 * Return: the group_device or ERR_PTR(-ENOMEM/-EEXIST).
 */
struct group_device *iommu_group_alloc_device(struct iommu_group *group,
					      struct sio_device *dev)
{
	struct group_device *gdev;
	int ret;

	gdev = kzalloc(sizeof(*gdev), GFP_KERNEL);
	if (!gdev)
		return ERR_PTR(-ENOMEM);
	gdev->dev = dev;
	ret = iommu_group_link_device(group, gdev);
	if (ret) {
		kfree(gdev);
		dev_err(dev, "Failed to add to iommu group %d: %d", group->id,
			ret);
		return ERR_PTR(ret);
	}
	dev_info(dev, "Adding to iommu group %d", group->id);
	return gdev;
}

/**
 * __iommu_group_free_device() - unlink and free a group_device already taken
 * off the group's list
 *
 * WARNs if the group became empty while still owned or not on its default
 * domain (rule 14).
 *
 * Context: group mutex held.
 */
void __iommu_group_free_device(struct iommu_group *group,
			       struct group_device *gdev)
{
	struct sio_device *dev = gdev->dev;

	lockdep_assert_held(&group->mutex);

	if (gdev->name) {
		sio_sysfs_remove_name(group->devices_kobj, gdev->name);
		if (dev->kobj)
			sio_sysfs_remove_name(dev->kobj, "iommu_group");
	}
	dev_info(dev, "Removing from iommu group %d", group->id);

	/* An emptied group must be un-owned and back on its default domain. */
	if (list_empty(&group->devices))
		WARN_ON(group->owner_cnt ||
			group->domain != group->default_domain);

	kfree(gdev->name);
	kfree(gdev);
}

/**
 * generic_device_group() - a new group for every device
 * @dev: the device being probed
 *
 * Context: ops->device_group.
 * Return: a group or ERR_PTR.
 */
struct iommu_group *generic_device_group(struct sio_device *dev)
{
	return iommu_group_alloc(dev);
}

/**
 * generic_single_device_group() - one group shared by every device of the
 * IOMMU instance that probed @dev (kept by the instance)
 * @dev: the device being probed
 *
 * Context: ops->device_group (probe lock held).
 * Return: the group with a reference, or ERR_PTR.
 */
struct iommu_group *generic_single_device_group(struct sio_device *dev)
{
	struct iommu_device_priv *priv;
	struct iommu_group *group;

	if (!dev || !dev_has_iommu(dev))
		return ERR_PTR(-EINVAL);
	lockdep_assert_held(&dev_subsys(dev)->probe_lock);
	priv = dev->iommu->iommu_dev->core_priv;
	if (WARN_ON(!priv))
		return ERR_PTR(-EINVAL);
	if (!priv->singleton_group) {
		group = __iommu_group_alloc(dev->machine);
		if (IS_ERR(group))
			return group;
		/* The instance keeps this first reference. */
		priv->singleton_group = group;
	}
	return iommu_group_ref_get(priv->singleton_group);
}

/**
 * sio_alias_device_group() - share a group with the devices behind the same
 * IOMMU instance whose firmware alias is the same (PCI functions without ACS
 * isolation); a device without an alias gets a group of its own
 * @dev: the device being probed
 *
 * Context: ops->device_group (probe lock held, which freezes every group's
 * device list).
 * Return: the group with a reference, or ERR_PTR.
 */
struct iommu_group *sio_alias_device_group(struct sio_device *dev)
{
	struct iommu_group *group, *found = NULL;
	struct iommu_subsys *s;
	struct group_device *gdev;

	if (!dev || !dev_has_iommu(dev))
		return ERR_PTR(-EINVAL);
	if (!dev->fw.alias[0])
		return generic_device_group(dev);
	s = dev_subsys(dev);
	lockdep_assert_held(&s->probe_lock);

	mutex_lock(&s->lock);
	list_for_each_entry(group, &s->groups, node) {
		for_each_group_device(group, gdev) {
			struct sio_device *other = gdev->dev;

			if (other->iommu &&
			    other->iommu->iommu_dev == dev->iommu->iommu_dev &&
			    !strcmp(other->fw.alias, dev->fw.alias)) {
				found = group;
				break;
			}
		}
		/* A group whose last reference is going is not reusable. */
		if (found && !refcount_inc_not_zero(&found->ref))
			found = NULL;
		if (found)
			break;
	}
	mutex_unlock(&s->lock);
	return found ? found : generic_device_group(dev);
}

/**
 * sio_iommu_group_get_by_id() - look a group up by id
 * @m: the machine
 * @id: the group id
 *
 * Context: takes the subsys lock.
 * Return: the group with a reference, or NULL.
 */
struct iommu_group *sio_iommu_group_get_by_id(struct sio_machine *m, int id)
{
	struct iommu_subsys *s = m ? m->iommu : NULL;
	struct iommu_group *group, *found = NULL;

	if (!s)
		return NULL;
	mutex_lock(&s->lock);
	list_for_each_entry(group, &s->groups, node) {
		if (group->id == id && refcount_inc_not_zero(&group->ref)) {
			found = group;
			break;
		}
	}
	mutex_unlock(&s->lock);
	return found;
}

/**
 * sio_iommu_group_get_info() - a snapshot of @group's state
 * @group: the group
 * @info: filled in
 *
 * Context: takes the group mutex.
 * Return: 0, -EINVAL for NULL arguments.
 */
int sio_iommu_group_get_info(struct iommu_group *group,
			     struct sio_iommu_group_info *info)
{
	unsigned long index;
	void *entry;

	if (!group || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	mutex_lock(&group->mutex);
	info->id = group->id;
	info->owner_cnt = group->owner_cnt;
	info->owner = group->owner;
	info->domain = group->domain;
	info->default_domain = group->default_domain;
	info->blocking_domain = group->blocking_domain;
	info->num_devices = group->num_devices;
	xa_for_each(&group->pasid_array, index, entry)
		info->num_pasids++;
	mutex_unlock(&group->mutex);
	return 0;
}
