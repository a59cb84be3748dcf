// SPDX-License-Identifier: BSD-3-Clause
/*
 * Binding devices to drivers in the kernel's order: matching, really_probe
 * (dma_configure before probe, dma_cleanup after a failed probe and after
 * remove), unbinding, and deferred probe.
 * Kernel counterpart: drivers/base/dd.c
 */
#include <string.h>

#include "dev/dev-priv.h"

/*
 * Locking: every bind and unbind runs under the device lock; the paths
 * started from the driver side (bind file, driver registration, unbind
 * file, driver removal) first take the parent's lock, like the kernel's
 * __device_driver_lock().  Under the device lock run: the bus match, the
 * bus dma_configure/dma_cleanup (which enter the IOMMU core: probe lock,
 * group mutex), the driver's probe/remove, and the BIND, BOUND, UNBIND,
 * UNBOUND and DRIVER_NOT_BOUND notifications (bus->notifier_lock).
 * machine->lock only guards the deferred lists and is never held while
 * calling out.
 */

/* ---------------------------------------------------------- deferred probe */

static void deferred_probe_add(struct sio_device *dev)
{
	struct sio_machine *m = dev->machine;

	mutex_lock(&m->lock);
	if (list_empty(&dev->deferred_node)) {
		list_add_tail(&dev->deferred_node, &m->deferred);
		dev_dbg(dev, "Added to deferred list");
	}
	mutex_unlock(&m->lock);
}

/**
 * sio_deferred_probe_del() - take @dev off the deferred lists
 * Context: takes machine->lock.
 */
void sio_deferred_probe_del(struct sio_device *dev)
{
	struct sio_machine *m = dev->machine;

	mutex_lock(&m->lock);
	list_del_init(&dev->deferred_node);
	mutex_unlock(&m->lock);
}

/**
 * sio_deferred_probe_trigger() - retry every deferred device
 * @m: the machine
 *
 * Moves the deferred list to the active list and queues the retry work
 * (kernel driver_deferred_probe_trigger).  Called after every successful
 * bind, since that may be what the deferred devices were waiting for.
 *
 * Context: any thread, locks held or not (it only takes machine->lock and
 * queues work).
 */
void sio_deferred_probe_trigger(struct sio_machine *m)
{
	bool held;

	mutex_lock(&m->lock);
	m->deferred_trigger_count++;
	list_splice_tail_init(&m->deferred, &m->deferred_active);
	held = m->deferred_hold > 0;
	if (held)
		m->deferred_held_trigger = true;
	mutex_unlock(&m->lock);
	if (!held)
		queue_work(m->deferred_wq, &m->deferred_work);
}

/*
 * Hold deferred-probe retries while an attach loop (driver registration,
 * bus rescan) runs, and queue one retry at its end if any bind asked for
 * it.  The kernel queues at once and lets the retries race the rest of the
 * loop; holding them keeps a simulated boot deterministic (same log order
 * every run) without changing what ends up bound.
 */
static void deferred_probe_hold(struct sio_machine *m)
{
	mutex_lock(&m->lock);
	m->deferred_hold++;
	mutex_unlock(&m->lock);
}

static void deferred_probe_release(struct sio_machine *m)
{
	bool queue;

	mutex_lock(&m->lock);
	queue = --m->deferred_hold == 0 && m->deferred_held_trigger;
	if (queue)
		m->deferred_held_trigger = false;
	mutex_unlock(&m->lock);
	if (queue)
		queue_work(m->deferred_wq, &m->deferred_work);
}

/**
 * sio_wait_for_device_probe() - wait for queued deferred-probe retries
 * Context: may sleep; no device lock held; not on the retry worker.
 */
void sio_wait_for_device_probe(struct sio_machine *m)
{
	flush_workqueue(m->deferred_wq);
}

/**
 * sio_deferred_probe_work() - the retry worker (machine->deferred_wq)
 *
 * Takes the active devices one by one and looks for a driver again, like
 * the kernel's deferred_probe_work_func().  A device deleted meanwhile has
 * left the list (sio_device_del) or is no longer registered.
 *
 * Context: the ordered deferred-probe workqueue.
 */
void sio_deferred_probe_work(struct work_struct *work)
{
	struct sio_machine *m = container_of(work, struct sio_machine,
					     deferred_work);
	struct sio_device *dev;

	mutex_lock(&m->lock);
	while ((dev = list_first_entry_or_null(&m->deferred_active,
					       struct sio_device,
					       deferred_node))) {
		list_del_init(&dev->deferred_node);
		/* Alive: device_del takes it off the list under m->lock. */
		sio_get_device(dev);
		mutex_unlock(&m->lock);

		dev_dbg(dev, "Retrying from deferred list");
		if (SIO_READ_ONCE(dev->bus->drivers_autoprobe))
			sio_device_attach(dev);
		sio_put_device(dev);

		mutex_lock(&m->lock);
	}
	mutex_unlock(&m->lock);
}

/* ---------------------------------------------------------------- binding */

/*
 * Return: > 0 match, 0 no match, -errno (e.g. -EPROBE_DEFER) from the bus.
 * Context: device lock held (driver_override is read under it).
 */
static int driver_match_device(struct sio_driver *drv, struct sio_device *dev)
{
	const char *const *id;

	sio_device_lock_assert(dev);
	if (dev->bus->type->match)
		return dev->bus->type->match(dev, drv);
	if (dev->driver_override)
		return !strcmp(dev->driver_override, drv->name);
	for (id = drv->ids; id && *id; id++)
		if (!strcmp(*id, dev->compatible))
			return 1;
	return 0;
}

/* /sys/bus/B/drivers/D/<dev> and <devdir>/driver; then BIND_DRIVER. */
static int driver_sysfs_add(struct sio_device *dev)
{
	struct sio_driver *drv = dev->driver;
	int ret;

	sio_bus_notify(dev, SIO_BUS_NOTIFY_BIND_DRIVER);
	ret = sio_sysfs_create_link(drv->kobj, dev->kobj, dev->name);
	if (ret)
		return ret;
	ret = sio_sysfs_create_link(dev->kobj, drv->kobj, "driver");
	if (ret)
		sio_sysfs_remove_name(drv->kobj, dev->name);
	return ret;
}

static void driver_sysfs_remove(struct sio_device *dev)
{
	struct sio_driver *drv = dev->driver;

	sio_sysfs_remove_name(drv->kobj, dev->name);
	sio_sysfs_remove_name(dev->kobj, "driver");
}

static void driver_bound(struct sio_device *dev)
{
	pr_debug("bus: '%s': %s: bound device %s to driver %s",
		 dev->bus->type->name, __func__, dev->name, dev->driver->name);
	sio_deferred_probe_del(dev);
	/* A bind may be what deferred devices wait for. */
	sio_deferred_probe_trigger(dev->machine);
	sio_bus_notify(dev, SIO_BUS_NOTIFY_BOUND_DRIVER);
}

/*
 * really_probe() - bind @dev to @drv
 *
 * Return: 0 bound; a POSITIVE errno when drv->probe() failed (so callers
 * can tell probe failures from the rest, as in the kernel); a negative
 * errno when dma_configure or sysfs failed.
 * Context: device lock held (and the parent's on the driver-side paths).
 */
static int really_probe(struct sio_device *dev, struct sio_driver *drv)
{
	const struct sio_bus_type *type = dev->bus->type;
	int ret;

	sio_device_lock_assert(dev);
	SIO_WRITE_ONCE(dev->driver, drv);

	if (type->dma_configure) {
		ret = type->dma_configure(dev);
		if (ret)
			goto unbind_cleanup;
	}
	ret = driver_sysfs_add(dev);
	if (ret) {
		pr_err("%s: driver_sysfs_add(%s) failed", __func__, dev->name);
		goto sysfs_failed;
	}

	ret = drv->probe ? drv->probe(dev) : 0;
	switch (ret) {
	case 0:
		break;
	case -EPROBE_DEFER:
		dev_dbg(dev, "Driver %s requests probe deferral", drv->name);
		break;
	case -ENODEV:
	case -ENXIO:
		pr_debug("%s: probe of %s rejects match %d", drv->name,
			 dev->name, ret);
		break;
	default:
		pr_warn("%s: probe of %s failed with error %d", drv->name,
			dev->name, ret);
		break;
	}
	if (ret) {
		ret = ret < 0 ? -ret : ret;
		goto probe_failed;
	}
	driver_bound(dev);
	return 0;

probe_failed:
	driver_sysfs_remove(dev);
sysfs_failed:
	sio_bus_notify(dev, SIO_BUS_NOTIFY_DRIVER_NOT_BOUND);
	if (type->dma_cleanup)
		type->dma_cleanup(dev);
unbind_cleanup:
	SIO_WRITE_ONCE(dev->driver, NULL);
	dev->driver_data = NULL;
	return ret;
}

/* Return: as really_probe(); -ENODEV if @dev is gone, -EBUSY if bound. */
static int __driver_probe_device(struct sio_driver *drv, struct sio_device *dev)
{
	sio_device_lock_assert(dev);
	if (!dev->registered)
		return -ENODEV;
	if (dev->driver)
		return -EBUSY;
	dev->can_match = true;
	pr_debug("bus: '%s': %s: matched device %s with driver %s",
		 dev->bus->type->name, __func__, dev->name, drv->name);
	return really_probe(dev, drv);
}

/* Probe, and put the device on the deferred list if it asks for that. */
static int driver_probe_device(struct sio_driver *drv, struct sio_device *dev)
{
	struct sio_machine *m = dev->machine;
	unsigned int trigger_count;
	bool retrigger;
	int ret;

	mutex_lock(&m->lock);
	trigger_count = m->deferred_trigger_count;
	mutex_unlock(&m->lock);

	ret = __driver_probe_device(drv, dev);
	if (ret == -EPROBE_DEFER || ret == EPROBE_DEFER) {
		deferred_probe_add(dev);
		/* A bind elsewhere while we probed: retry right away. */
		mutex_lock(&m->lock);
		retrigger = trigger_count != m->deferred_trigger_count;
		mutex_unlock(&m->lock);
		if (retrigger)
			sio_deferred_probe_trigger(m);
	}
	return ret;
}

/* Lock @dev, and its parent first if it has one. */
static void device_driver_lock(struct sio_device *dev)
{
	if (dev->parent)
		sio_device_lock_nested(dev->parent);
	sio_device_lock_nested(dev);
}

static void device_driver_unlock(struct sio_device *dev)
{
	sio_device_unlock(dev);
	if (dev->parent)
		sio_device_unlock(dev->parent);
}

/* One driver for @dev.  Return: 1 bound (stop), 0 try the next, -errno. */
static int __device_attach_driver(struct sio_driver *drv,
				  struct sio_device *dev)
{
	int ret;

	sio_device_lock_assert(dev);
	ret = driver_match_device(drv, dev);
	if (ret == 0)
		return 0;
	if (ret == -EPROBE_DEFER) {
		dev_dbg(dev, "Device match requests probe deferral");
		dev->can_match = true;
		deferred_probe_add(dev);
		return ret;
	}
	if (ret < 0) {
		dev_dbg(dev, "Bus failed to match device: %d", ret);
		return ret;
	}
	/* Probe failures (positive) let the next driver try its luck. */
	ret = driver_probe_device(drv, dev);
	if (ret < 0)
		return ret;
	return ret == 0;
}

/**
 * sio_device_attach() - find a driver for @dev among its bus's drivers
 * @dev: the device
 *
 * Context: may sleep; takes the device lock (not the parent's), so it may
 * run from a parent's probe that adds children.
 * Return: 1 if bound (or already bound), 0 if no driver took it, or a
 * negative errno from matching or dma_configure (-EPROBE_DEFER puts the
 * device on the deferred list).
 */
int sio_device_attach(struct sio_device *dev)
{
	struct sio_driver *drv;
	u64 seq = 0;
	int ret = 0;

	sio_device_lock_nested(dev);
	if (!dev->registered)
		goto out_unlock;
	if (dev->driver) {
		ret = 1;
		goto out_unlock;
	}
	while ((drv = sio_bus_next_drv(dev->bus, &seq))) {
		ret = __device_attach_driver(drv, dev);
		sio_driver_put(drv);
		if (ret)
			break;
	}
out_unlock:
	sio_device_unlock(dev);
	return ret;
}

/**
 * sio_device_driver_attach() - bind @dev to @drv (the sysfs "bind" file)
 * @drv: a registered driver of @dev's bus
 * @dev: the device
 *
 * Unlike automatic probing, a deferral is reported, not queued.
 *
 * Context: may sleep; takes the parent's then the device's lock.
 * Return: 0; -ENODEV if @drv does not match @dev (or the device is going
 * away); -EBUSY if a driver is bound; the dma_configure or probe error;
 * -EAGAIN when either asked for deferral (kernel device_driver_attach).
 */
int sio_device_driver_attach(struct sio_driver *drv, struct sio_device *dev)
{
	int ret;

	if (drv->bus != dev->bus)
		return -ENODEV;
	device_driver_lock(dev);
	ret = driver_match_device(drv, dev);
	if (ret > 0)
		ret = __driver_probe_device(drv, dev);
	else if (ret == 0)
		ret = -ENODEV;
	device_driver_unlock(dev);

	if (ret > 0)
		ret = -ret;
	if (ret == -EPROBE_DEFER)
		ret = -EAGAIN;
	return ret;
}

/* Driver registration: try @drv on one device (kernel __driver_attach). */
static int __driver_attach(struct sio_device *dev, void *data)
{
	struct sio_driver *drv = data;
	int ret;

	device_driver_lock(dev);
	if (!dev->registered || dev->driver) {
		ret = 0;
		goto out_unlock;
	}
	ret = driver_match_device(drv, dev);
	if (ret == -EPROBE_DEFER) {
		dev_dbg(dev, "Device match requests probe deferral");
		dev->can_match = true;
		deferred_probe_add(dev);
		ret = 0;
	} else if (ret > 0) {
		driver_probe_device(drv, dev);
		ret = 0;
	} else if (ret < 0) {
		dev_dbg(dev, "Bus failed to match device: %d", ret);
	}
out_unlock:
	device_driver_unlock(dev);
	return ret;
}

/**
 * sio_driver_attach() - bind @drv to every matching unbound device
 * Context: may sleep; no device lock held.
 * Return: 0 or a negative error from the bus match.
 */
int sio_driver_attach(struct sio_driver *drv)
{
	struct sio_machine *m = drv->bus->machine;
	int ret;

	deferred_probe_hold(m);
	ret = sio_bus_for_each_dev(drv->bus, drv, __driver_attach);
	deferred_probe_release(m);
	return ret;
}

/* Context: device lock held. */
static void __device_release_driver(struct sio_device *dev)
{
	const struct sio_bus_type *type = dev->bus->type;
	struct sio_driver *drv = dev->driver;

	sio_device_lock_assert(dev);
	if (!drv)
		return;
	driver_sysfs_remove(dev);
	sio_bus_notify(dev, SIO_BUS_NOTIFY_UNBIND_DRIVER);
	if (drv->remove)
		drv->remove(dev);
	if (type->dma_cleanup)
		type->dma_cleanup(dev);
	SIO_WRITE_ONCE(dev->driver, NULL);
	dev->driver_data = NULL;
	sio_bus_notify(dev, SIO_BUS_NOTIFY_UNBOUND_DRIVER);
	pr_debug("bus: '%s': %s: unbound device %s from driver %s",
		 dev->bus->type->name, __func__, dev->name, drv->name);
}

/**
 * sio_device_release_driver_internal() - unbind @dev if bound to @drv
 * @dev: the device
 * @drv: the driver it must be bound to, or NULL for any
 *
 * Context: may sleep; takes the parent's then the device's lock.
 */
void sio_device_release_driver_internal(struct sio_device *dev,
					struct sio_driver *drv)
{
	device_driver_lock(dev);
	if (dev->driver && (!drv || dev->driver == drv))
		__device_release_driver(dev);
	device_driver_unlock(dev);
}

/**
 * sio_device_release_driver() - unbind whatever driver @dev has
 * @dev: the device
 *
 * Kernel order: sysfs links go, UNBIND_DRIVER, drv->remove(), then the bus
 * dma_cleanup, dev->driver cleared, UNBOUND_DRIVER.
 *
 * Context: may sleep; takes the device lock only (not the parent's, so a
 * parent's remove() may unregister its children); not from @dev's own
 * probe or remove.
 */
void sio_device_release_driver(struct sio_device *dev)
{
	sio_device_lock_nested(dev);
	__device_release_driver(dev);
	sio_device_unlock(dev);
}

/**
 * sio_driver_detach() - unbind every device bound to @drv
 *
 * @drv is off the bus list and no bind with it is in flight, so no device
 * can gain it meanwhile; the walk restarts until none is left.
 *
 * Context: may sleep; no device lock held.
 */
void sio_driver_detach(struct sio_driver *drv)
{
	struct sio_device *dev;
	u64 seq = 0;

	while ((dev = sio_bus_next_dev(drv->bus, &seq))) {
		if (SIO_READ_ONCE(dev->driver) == drv)
			sio_device_release_driver_internal(dev, drv);
		sio_put_device(dev);
	}
}
