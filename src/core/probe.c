// SPDX-License-Identifier: BSD-3-Clause
/*
 * Probing devices into their IOMMU and releasing them: per-device IOMMU data,
 * the firmware DMA configuration step, bus-wide probes.
 * Kernel counterpart: drivers/iommu/iommu.c (iommu_init_device,
 * __iommu_probe_device, bus_iommu_probe, iommu_release_device)
 */
#include "core/core-priv.h"
#include "core/fw.h"

/**
 * dev_has_fwspec() - has the IOMMU seen @dev's firmware description?
 * @dev: the device
 *
 * A device that is not "late" is described to the IOMMU at device_add (like
 * DT); a late one only once sio_fw_dma_configure() ran (the ACPI/IORT
 * ordering of seed 000).
 *
 * Context: any; the answer is stable under the probe lock.
 * Return: true if @dev names an IOMMU and that IOMMU has seen it.
 */
bool dev_has_fwspec(struct sio_device *dev)
{
	if (!dev->fw.iommu[0])
		return false;
	return !dev->fw.late || READ_ONCE(dev->fw_configured);
}

static struct dev_iommu *dev_iommu_get(struct sio_device *dev)
{
	struct dev_iommu *param = dev->iommu;

	if (param)
		return param;
	param = kzalloc(sizeof(*param), GFP_KERNEL);
	if (!param)
		return NULL;
	mutex_init(&param->lock);
	dev->iommu = param;
	return param;
}

/* Also forgets the fwspec, as the kernel frees it with dev->iommu. */
static void dev_iommu_free(struct sio_device *dev)
{
	struct dev_iommu *param = dev->iommu;

	dev->iommu = NULL;
	WRITE_ONCE(dev->fw_configured, false);
	dev->dma_use_counted = false;
	if (!param)
		return;
	mutex_destroy(&param->lock);
	kfree(param);
}

static unsigned int dev_iommu_get_max_pasids(struct sio_device *dev)
{
	unsigned int bits = dev->fw.pasid_bits, dev_max;

	if (!bits)
		return 0;
	dev_max = bits >= 20 ? (1U << 20) : (1U << bits);
	return min(dev_max, dev->iommu->iommu_dev->max_pasids);
}

/*
 * iommu_init_device() - allocate dev->iommu, let the driver probe @dev and
 * find its group.  Drops and retakes the probe lock around the bus
 * dma_configure.  On failure everything is undone.
 */
static int iommu_init_device(struct sio_device *dev)
{
	struct iommu_subsys *s = dev_subsys(dev);
	const struct iommu_ops *ops;
	struct iommu_device *iommu, *iommu_dev;
	struct iommu_group *group;
	int ret;

	lockdep_assert_held(&s->probe_lock);

	if (!dev_iommu_get(dev))
		return -ENOMEM;

	/*
	 * The firmware parsing is buried in the bus dma_configure; run it
	 * here so groups exist before any driver binds.  A bound driver means
	 * dma_configure already ran.  The v5.17 model does not do this.
	 */
	if (!dev_has_fwspec(dev) && !READ_ONCE(dev->driver) &&
	    dev->bus && dev->bus->type->dma_configure &&
	    !READ_ONCE(s->legacy_v7_order)) {
		mutex_unlock(&s->probe_lock);
		dev->bus->type->dma_configure(dev);
		mutex_lock(&s->probe_lock);
		/* Another (nested) probe finished or undid the job. */
		if (!dev->iommu || dev->iommu_group)
			return -ENODEV;
	}

	iommu = dev_has_fwspec(dev) ? iommu_find_instance(s, dev->fw.iommu) :
				      NULL;
	if (!iommu) {
		ret = -ENODEV;
		goto err_free;
	}
	ops = iommu->ops;

	iommu_dev = ops->probe_device(dev);
	if (IS_ERR_OR_NULL(iommu_dev)) {
		ret = iommu_dev ? PTR_ERR(iommu_dev) : -ENODEV;
		goto err_free;
	}
	dev->iommu->iommu_dev = iommu_dev;

	group = ops->device_group(dev);
	if (WARN_ON(!group))
		group = ERR_PTR(-EINVAL);
	if (IS_ERR(group)) {
		ret = PTR_ERR(group);
		goto err_release;
	}
	if (WARN_ON(group->machine != dev->machine)) {
		iommu_group_put(group);
		ret = -EINVAL;
		goto err_release;
	}
	dev->iommu_group = group;

	dev->iommu->max_pasids = dev_iommu_get_max_pasids(dev);
	if (ops->is_attach_deferred)
		dev->iommu->attach_deferred = ops->is_attach_deferred(dev);
	return 0;

err_release:
	if (ops->release_device)
		ops->release_device(dev);
err_free:
	dev_iommu_free(dev);
	return ret;
}

/* Undo iommu_init_device() for a device that is (still) in its group. */
static void iommu_deinit_device(struct sio_device *dev)
{
	struct iommu_group *group = dev->iommu_group;
	const struct iommu_ops *ops = dev_iommu_ops(dev);

	lockdep_assert_held(&group->mutex);

	/*
	 * A driver's release_domain is attached before release_device so the
	 * idle device translates through something the driver chose.  A
	 * device whose attach was still deferred never touched the hardware.
	 */
	if (!dev->iommu->attach_deferred && ops->release_domain) {
		struct iommu_domain *rd = ops->release_domain;

		if (dev->iommu->require_direct && ops->identity_domain &&
		    rd == ops->blocked_domain)
			rd = ops->identity_domain;
		if (rd->ops && rd->ops->attach_dev)
			rd->ops->attach_dev(rd, dev, group->domain);
	}
	if (ops->release_device)
		ops->release_device(dev);

	/* The last device out frees the domains the core owns. */
	if (list_empty(&group->devices)) {
		if (group->default_domain) {
			__iommu_domain_free(group->default_domain);
			smp_store_release(&group->default_domain, NULL);
		}
		if (group->blocking_domain) {
			__iommu_domain_free(group->blocking_domain);
			group->blocking_domain = NULL;
		}
		group->domain = NULL;
	}

	/* The caller puts the group reference taken at probe. */
	dev->iommu_group = NULL;
	dev_iommu_free(dev);
}

/**
 * __iommu_probe_device() - probe @dev into its IOMMU and group
 * @dev: the device
 * @group_list: bus-scan path: groups still needing a default domain are
 *	added to it (with a reference); NULL: hot-plug path, set up now
 *
 * Context: probe lock held (dropped and retaken inside); takes the group
 * mutex.
 * Return: 0 (also if already probed); -ENODEV (no IOMMU handles @dev);
 * -ENOMEM; the driver's or the default-domain setup's error.
 */
int __iommu_probe_device(struct sio_device *dev, struct list_head *group_list)
{
	struct iommu_subsys *s = dev_subsys(dev);
	struct group_device *gdev;
	struct iommu_group *group;
	bool bound;
	int ret;

	lockdep_assert_held(&s->probe_lock);

	if (dev->iommu_group)
		return 0;

	ret = iommu_init_device(dev);
	if (ret)
		return ret;

	/*
	 * Probing is expected before binding; a probe from the dma_configure
	 * of a driver bind is what seed 000's v7 kernel did silently.
	 */
	bound = READ_ONCE(dev->driver) != NULL;
	if (bound && !READ_ONCE(s->legacy_v7_order))
		dev_WARN(dev, "late IOMMU probe at driver bind, something fishy here!");

	group = dev->iommu_group;
	gdev = iommu_group_alloc_device(group, dev);
	mutex_lock(&group->mutex);
	if (IS_ERR(gdev)) {
		ret = PTR_ERR(gdev);
		goto err_put_group;
	}

	/* The device must be listed before the default domain is set up. */
	list_add_tail(&gdev->list, &group->devices);
	group->num_devices++;
	dev->iommu->joined_during_bind = bound;

	WARN_ON(group->default_domain && !group->domain);
	if (group->default_domain)
		iommu_create_device_direct_mappings(group->default_domain, dev);

	if (group->domain) {
		/* Join whatever the group uses now (maybe an owner's). */
		ret = __iommu_device_set_domain(group, dev, group->domain, NULL,
						0);
		if (ret)
			goto err_remove_gdev;
	} else if (!group->default_domain && !group_list) {
		ret = iommu_setup_default_domain(group, 0);
		if (ret)
			goto err_remove_gdev;
	} else if (!group->default_domain) {
		/* bus_iommu_probe() sets it up once every device is in. */
		gdev->finalize_pending = true;
		if (list_empty(&group->entry)) {
			iommu_group_ref_get(group);
			list_add_tail(&group->entry, group_list);
		}
	}
	mutex_unlock(&group->mutex);
	return 0;

err_remove_gdev:
	list_del(&gdev->list);
	group->num_devices--;
	__iommu_group_free_device(group, gdev);
err_put_group:
	iommu_deinit_device(dev);
	mutex_unlock(&group->mutex);
	iommu_group_put(group);
	return ret;
}

/*
 * Is @dev on its bus's device list (added, not yet removed)?  A removed
 * device leaves the list before the core releases it (under the probe
 * lock), so a probe that sees it on the list is released later.
 * Context: probe lock held; takes the bus lock (a leaf).
 */
static bool dev_on_bus(struct sio_device *dev)
{
	struct sio_bus *bus = READ_ONCE(dev->bus);
	bool on;

	if (!bus)
		return false;
	mutex_lock(&bus->lock);
	on = !list_empty(&dev->bus_node);
	mutex_unlock(&bus->lock);
	return on;
}

/**
 * iommu_probe_device() - probe @dev into the IOMMU its firmware names
 * @dev: the device
 *
 * Context: may sleep; takes the probe lock and the group mutex; calls the
 * driver's probe_finalize with no lock held.
 * Return: 0 (also when already probed); -EINVAL (NULL, machine without IOMMU
 * state); -ENODEV (no registered IOMMU handles @dev, or @dev was removed,
 * or its machine destroyed); -ENOMEM; the driver's error; the default-domain
 * setup's error.
 */
int iommu_probe_device(struct sio_device *dev)
{
	struct iommu_subsys *s;
	const struct iommu_ops *ops;
	int ret;

	if (!dev)
		return -EINVAL;
	/* A device outliving its machine has no bus any more. */
	if (!READ_ONCE(dev->bus))
		return -ENODEV;
	s = dev_subsys(dev);
	if (!s)
		return -EINVAL;

	mutex_lock(&s->probe_lock);
	/* Never back into a group once removed: nothing would release it. */
	ret = dev_on_bus(dev) ? __iommu_probe_device(dev, NULL) : -ENODEV;
	ops = ret ? NULL : dev_iommu_ops(dev);
	mutex_unlock(&s->probe_lock);
	if (ret)
		return ret;

	if (ops->probe_finalize)
		ops->probe_finalize(dev);
	return 0;
}

/**
 * __iommu_release_device() - take @dev out of its group and IOMMU
 * @dev: the device
 *
 * Context: probe lock held; takes the group mutex; puts the group.
 */
void __iommu_release_device(struct sio_device *dev)
{
	struct iommu_subsys *s = dev_subsys(dev);
	struct iommu_group *group = dev->iommu_group;
	struct group_device *gdev, *found = NULL;

	lockdep_assert_held(&s->probe_lock);
	if (!group || !dev->iommu)
		return;

	mutex_lock(&group->mutex);
	for_each_group_device(group, gdev) {
		if (gdev->dev == dev) {
			found = gdev;
			break;
		}
	}
	if (WARN_ON(!found)) {
		mutex_unlock(&group->mutex);
		return;
	}
	list_del(&found->list);
	group->num_devices--;
	__iommu_group_free_device(group, found);
	__iommu_dev_drop_dma_use(group, dev);
	iommu_deinit_device(dev);
	mutex_unlock(&group->mutex);

	/* Pairs with the reference from ops->device_group at probe. */
	iommu_group_put(group);
}

/**
 * iommu_release_device() - undo iommu_probe_device() (device removal)
 * @dev: the device; NULL or never-probed devices are ignored
 *
 * Context: may sleep; takes the probe lock and the group mutex.
 */
void iommu_release_device(struct sio_device *dev)
{
	struct iommu_subsys *s;

	if (!dev || !(s = dev_subsys(dev)))
		return;
	mutex_lock(&s->probe_lock);
	__iommu_release_device(dev);
	mutex_unlock(&s->probe_lock);
}

static int probe_iommu_group(struct sio_device *dev, void *data)
{
	struct iommu_subsys *s = dev_subsys(dev);
	int ret;

	mutex_lock(&s->probe_lock);
	ret = __iommu_probe_device(dev, data);
	mutex_unlock(&s->probe_lock);
	/* Not behind a registered IOMMU: not an error for a bus scan. */
	return ret == -ENODEV ? 0 : ret;
}

/* Run probe_finalize for the group's devices probed by the bus scan. */
static void iommu_group_finalize_pending(struct iommu_group *group)
{
	for (;;) {
		struct group_device *gdev, *found = NULL;
		const struct iommu_ops *ops = NULL;
		struct sio_device *dev;

		mutex_lock(&group->mutex);
		for_each_group_device(group, gdev) {
			if (gdev->finalize_pending) {
				found = gdev;
				break;
			}
		}
		if (!found) {
			mutex_unlock(&group->mutex);
			return;
		}
		found->finalize_pending = false;
		dev = sio_get_device(found->dev);
		if (group->default_domain)
			ops = dev_iommu_ops(dev);
		mutex_unlock(&group->mutex);

		/* Outside the group mutex, as the kernel does. */
		if (ops && ops->probe_finalize)
			ops->probe_finalize(dev);
		sio_put_device(dev);
	}
}

/**
 * bus_iommu_probe() - probe every device of @bus, then give each new group
 * its default domain once all of its devices are in
 * @bus: a bus the core follows
 *
 * Context: may sleep; takes the probe lock and group mutexes.
 * Return: 0 or the first error (device probe or default-domain setup).
 */
int bus_iommu_probe(struct sio_bus *bus)
{
	struct iommu_subsys *s = bus->machine->iommu;
	struct iommu_group *group;
	LIST_HEAD(group_list);
	int ret, err;

	ret = sio_bus_for_each_dev(bus, &group_list, probe_iommu_group);

	for (;;) {
		mutex_lock(&s->probe_lock);
		group = list_first_entry_or_null(&group_list,
						 struct iommu_group, entry);
		if (!group) {
			mutex_unlock(&s->probe_lock);
			break;
		}
		mutex_lock(&group->mutex);
		list_del_init(&group->entry);
		err = 0;
		if (!ret && group->num_devices)
			err = iommu_setup_default_domain(group, 0);
		if (err && !ret)
			ret = err;
		if (err || ret) {
			struct group_device *gdev;

			for_each_group_device(group, gdev)
				gdev->finalize_pending = false;
		}
		mutex_unlock(&group->mutex);
		mutex_unlock(&s->probe_lock);

		iommu_group_finalize_pending(group);
		/* Pairs with the reference taken when it was listed. */
		iommu_group_put(group);
	}
	return ret;
}

/**
 * sio_fw_dma_configure() - the firmware step of a bus dma_configure
 * @dev: the device
 *
 * Context: may sleep; takes the probe lock and the group mutex.
 * Return: 0; -EPROBE_DEFER (named IOMMU not registered); probe error.
 */
int sio_fw_dma_configure(struct sio_device *dev)
{
	struct iommu_subsys *s;
	int ret;

	if (!dev)
		return -EINVAL;
	s = dev_subsys(dev);
	if (!s || !dev->fw.iommu[0])
		return 0;
	if (!iommu_find_instance(s, dev->fw.iommu))
		return -EPROBE_DEFER;

	/* The IOMMU has now seen the firmware description ("fwspec"). */
	mutex_lock(&s->probe_lock);
	WRITE_ONCE(dev->fw_configured, true);
	mutex_unlock(&s->probe_lock);
	ret = iommu_probe_device(dev);
	return ret == -ENODEV ? 0 : ret;
}

/**
 * device_iommu_mapped() - is @dev in an IOMMU group?
 * @dev: the device, or NULL
 *
 * Context: any (a racy snapshot unless the caller holds @dev's device lock).
 * Return: true if @dev has a group.
 */
bool device_iommu_mapped(struct sio_device *dev)
{
	return dev && READ_ONCE(dev->iommu_group) != NULL;
}

/**
 * sio_dev_iommu_ids() - the stream IDs of @dev's firmware description
 * @dev: the device, or NULL
 * @num: set to the number of IDs (0 for NULL @dev); may be NULL
 *
 * Context: any (the firmware description is immutable once added).
 * Return: the IDs, NULL for a NULL @dev.
 */
const uint32_t *sio_dev_iommu_ids(struct sio_device *dev, unsigned int *num)
{
	if (!dev) {
		if (num)
			*num = 0;
		return NULL;
	}
	if (num)
		*num = dev->fw.num_ids;
	return dev->fw.ids;
}

/**
 * sio_dev_pasid_bits() - PASID width of @dev per its firmware description
 * @dev: the device, or NULL
 *
 * Context: any.
 * Return: the number of PASID bits (0: no PASID support, or NULL @dev).
 */
unsigned int sio_dev_pasid_bits(struct sio_device *dev)
{
	return dev ? dev->fw.pasid_bits : 0;
}

/**
 * dev_iommu_priv_get() - the IOMMU driver's private data of @dev
 * @dev: the device, or NULL
 *
 * Context: any; valid between the driver's probe_device and release_device.
 * Return: what dev_iommu_priv_set() stored, or NULL.
 */
void *dev_iommu_priv_get(struct sio_device *dev)
{
	return dev && dev->iommu ? dev->iommu->priv : NULL;
}

/**
 * dev_iommu_priv_set() - store the IOMMU driver's private data of @dev
 * @dev: a device being probed (WARNs if it has no IOMMU data)
 * @priv: the data
 *
 * Context: the driver's probe_device or release_device (probe lock held).
 */
void dev_iommu_priv_set(struct sio_device *dev, void *priv)
{
	if (dev && !WARN_ON(!dev->iommu))
		dev->iommu->priv = priv;
}
