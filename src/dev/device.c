// SPDX-License-Identifier: BSD-3-Clause
/*
 * The device model's core: machines, device registration and lifetime, bus
 * notifier chains, the per-device sysfs directory, dev_printk prefixes.
 * Kernel counterpart: drivers/base/core.c, kernel/notifier.c
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dev/dev-priv.h"
#include "dev/dma-link.h"

/* ---------------------------------------------------------------- machine */

/**
 * sio_machine_alloc() - create a machine with an empty sysfs
 * @name: printable name
 *
 * Makes /sys/bus, /sys/devices and /sys/kernel and the ordered workqueue
 * that runs deferred-probe retries.
 *
 * Context: may sleep.
 * Return: the machine or ERR_PTR(-ENOMEM).
 */
struct sio_machine *sio_machine_alloc(const char *name)
{
	struct sio_machine *m;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	snprintf(m->name, sizeof(m->name), "%s", name ? name : "machine");
	mutex_init(&m->lock);
	INIT_LIST_HEAD(&m->buses);
	INIT_LIST_HEAD(&m->deferred);
	INIT_LIST_HEAD(&m->deferred_active);
	mutex_init(&m->dma_link_lock);
	INIT_LIST_HEAD(&m->dma_targets);
	INIT_WORK(&m->deferred_work, sio_deferred_probe_work);

	m->sysfs = sio_sysfs_create();
	if (!m->sysfs)
		goto free_machine;
	m->bus_kobj = sio_sysfs_mkdir_p(m->sysfs, "/sys/bus");
	if (IS_ERR(m->bus_kobj))
		goto destroy_sysfs;
	m->devices_kobj = sio_sysfs_mkdir_p(m->sysfs, "/sys/devices");
	if (IS_ERR(m->devices_kobj))
		goto destroy_sysfs;
	m->kernel_kobj = sio_sysfs_mkdir_p(m->sysfs, "/sys/kernel");
	if (IS_ERR(m->kernel_kobj))
		goto destroy_sysfs;
	m->deferred_wq = alloc_ordered_workqueue("deferred_probe", 0);
	if (!m->deferred_wq)
		goto destroy_sysfs;
	return m;

destroy_sysfs:
	/* Frees the directories made so far as well. */
	sio_sysfs_destroy(m->sysfs);
free_machine:
	mutex_destroy(&m->dma_link_lock);
	mutex_destroy(&m->lock);
	kfree(m);
	return ERR_PTR(-ENOMEM);
}

/**
 * sio_machine_free() - tear a machine down
 * @m: the machine (NULL and ERR_PTR accepted)
 *
 * Waits for deferred-probe retries, unregisters the buses that are left
 * (WARNs if they still hold devices or drivers) and frees sysfs.
 *
 * Context: may sleep; no device, driver or sysfs access may be running.
 */
void sio_machine_free(struct sio_machine *m)
{
	struct sio_bus *bus;

	if (IS_ERR_OR_NULL(m))
		return;
	destroy_workqueue(m->deferred_wq);
	for (;;) {
		mutex_lock(&m->lock);
		bus = list_first_entry_or_null(&m->buses, struct sio_bus,
					       machine_node);
		mutex_unlock(&m->lock);
		if (!bus)
			break;
		sio_bus_unregister(bus);
	}
	WARN_ON(!list_empty(&m->deferred) || !list_empty(&m->deferred_active));
	sio_dma_link_machine_free(m);
	sio_sysfs_destroy(m->sysfs);
	mutex_destroy(&m->lock);
	kfree(m);
}

/**
 * sio_machine_find_device() - look a device up by name on every bus
 * @m: the machine
 * @name: exact device name
 *
 * Context: takes machine->lock and bus locks.
 * Return: a referenced device (drop with sio_put_device()) or NULL.
 */
struct sio_device *sio_machine_find_device(struct sio_machine *m,
					   const char *name)
{
	struct sio_bus *bus;
	struct sio_device *dev, *found = NULL;

	mutex_lock(&m->lock);
	list_for_each_entry(bus, &m->buses, machine_node) {
		mutex_lock(&bus->lock);
		list_for_each_entry(dev, &bus->devices, bus_node) {
			if (!strcmp(dev->name, name)) {
				found = sio_get_device(dev);
				break;
			}
		}
		mutex_unlock(&bus->lock);
		if (found)
			break;
	}
	mutex_unlock(&m->lock);
	return found;
}

/* -------------------------------------------------------------- notifiers */

/**
 * sio_bus_register_notifier() - add @nb to the bus chain, by priority
 *
 * Higher priorities run first; equal priorities in registration order.
 * Context: takes notifier_lock; not from a notifier callback of this bus.
 * Return: 0 or -EEXIST if @nb is already registered.
 */
int sio_bus_register_notifier(struct sio_bus *bus, struct sio_notifier_block *nb)
{
	struct sio_notifier_block *pos;
	int ret = 0;

	mutex_lock(&bus->notifier_lock);
	list_for_each_entry(pos, &bus->notifiers, node) {
		if (pos == nb) {
			ret = -EEXIST;
			goto out;
		}
	}
	list_for_each_entry(pos, &bus->notifiers, node) {
		if (nb->priority > pos->priority)
			break;
	}
	list_add_tail(&nb->node, &pos->node);
out:
	mutex_unlock(&bus->notifier_lock);
	WARN(ret, "notifier callback already registered");
	return ret;
}

/**
 * sio_bus_unregister_notifier() - remove @nb from the bus chain
 *
 * Context: takes notifier_lock, so no callback of the chain runs once it
 * returns; not from a notifier callback of this bus.
 * Return: 0 or -ENOENT.
 */
int sio_bus_unregister_notifier(struct sio_bus *bus,
				struct sio_notifier_block *nb)
{
	struct sio_notifier_block *pos;
	int ret = -ENOENT;

	mutex_lock(&bus->notifier_lock);
	list_for_each_entry(pos, &bus->notifiers, node) {
		if (pos == nb) {
			list_del_init(&nb->node);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&bus->notifier_lock);
	return ret;
}

/**
 * sio_bus_notify() - call the bus notifier chain for @dev
 *
 * The return values are ignored, except that NOTIFY_STOP_MASK ends the
 * walk, as in the kernel's blocking notifier chains.
 *
 * Context: may sleep; takes bus->notifier_lock and holds it across the
 * callbacks; must not be called with bus->lock or machine->lock held.  The
 * BIND/BOUND/UNBIND/UNBOUND/NOT_BOUND actions run under the device lock;
 * ADD_DEVICE, DEL_DEVICE and REMOVED_DEVICE without it.
 */
void sio_bus_notify(struct sio_device *dev, enum sio_bus_notify action)
{
	struct sio_bus *bus = dev->bus;
	struct sio_notifier_block *nb;
	int ret;

	lockdep_assert_not_held(&bus->lock);
	mutex_lock(&bus->notifier_lock);
	list_for_each_entry(nb, &bus->notifiers, node) {
		ret = nb->notifier_call(nb, action, dev);
		if (ret & NOTIFY_STOP_MASK)
			break;
	}
	mutex_unlock(&bus->notifier_lock);
}

/* ---------------------------------------------------------------- devices */

/**
 * sio_device_initialize() - prepare @dev for sio_device_add()
 * @dev: the device; the creator fills compatible, fw, parent, release,
 *       platform_data ... before or after this call, before the add
 * @bus: its bus
 * @name: its name, unique on the bus
 *
 * The device starts with one reference, the creator's.
 * Context: any.
 */
void sio_device_initialize(struct sio_device *dev, struct sio_bus *bus,
			   const char *name)
{
	snprintf(dev->name, sizeof(dev->name), "%s", name ? name : "");
	dev->bus = bus;
	dev->machine = bus ? bus->machine : NULL;
	refcount_set(&dev->kref, 1);
	mutex_init(&dev->lock);
	dev->driver = NULL;
	dev->driver_data = NULL;
	dev->iommu = NULL;
	dev->iommu_group = NULL;
	dev->dma_link = NULL;
	dev->kobj = NULL;
	dev->registered = false;
	dev->can_match = false;
	dev->bus_seq = 0;
	dev->depth = 0;
	INIT_LIST_HEAD(&dev->bus_node);
	INIT_LIST_HEAD(&dev->deferred_node);
}

/**
 * sio_get_device() - take a reference on @dev
 * Context: any; the caller must already hold a reference (or a lock that
 * keeps @dev on a list).
 * Return: @dev (NULL passes through).
 */
struct sio_device *sio_get_device(struct sio_device *dev)
{
	if (dev)
		refcount_inc(&dev->kref);
	return dev;
}

/**
 * sio_put_device() - drop a reference; the last one calls @dev->release
 * Context: may sleep (release may); no lock of @dev may be held.
 */
void sio_put_device(struct sio_device *dev)
{
	if (!dev || !refcount_dec_and_test(&dev->kref))
		return;
	WARN_ON(dev->registered);
	kfree(dev->driver_override);
	dev->driver_override = NULL;
	mutex_destroy(&dev->lock);
	sio_dma_link_release(dev);
	if (dev->release)
		dev->release(dev);
	else
		dev_WARN(dev, "does not have a release() function, it is broken and must be fixed");
}

static ssize_t driver_override_show(void *priv, char *buf)
{
	struct sio_device *dev = priv;
	ssize_t len;

	sio_device_lock_nested(dev);
	len = snprintf(buf, SIO_SYSFS_BUF_SIZE, "%s\n",
		       dev->driver_override ? dev->driver_override : "(null)");
	sio_device_unlock(dev);
	return len;
}

/*
 * driver_override store: the value up to the first newline; an empty value
 * (or a lone newline) clears it.  Rejects writes of PAGE_SIZE - 1 bytes or
 * more, since show must fit the value and a newline in a page.
 */
static ssize_t driver_override_store(void *priv, const char *buf, size_t count)
{
	struct sio_device *dev = priv;
	char *new = NULL, *old;
	const char *nl;
	size_t len;

	if (count >= SIO_SYSFS_BUF_SIZE - 1)
		return -EINVAL;
	/* Real length, in case the writer sent NUL bytes. */
	len = strnlen(buf, count);
	nl = memchr(buf, '\n', len);
	if (nl)
		len = nl - buf;
	if (len) {
		new = kmalloc(len + 1, GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		memcpy(new, buf, len);
		new[len] = '\0';
	}
	sio_device_lock_nested(dev);
	old = dev->driver_override;
	dev->driver_override = new;
	sio_device_unlock(dev);
	kfree(old);
	return count;
}

static ssize_t compatible_show(void *priv, char *buf)
{
	struct sio_device *dev = priv;

	return snprintf(buf, SIO_SYSFS_BUF_SIZE, "%s\n", dev->compatible);
}

static ssize_t modalias_show(void *priv, char *buf)
{
	struct sio_device *dev = priv;

	return snprintf(buf, SIO_SYSFS_BUF_SIZE, "%s:%s\n",
			dev->bus->type->name, dev->compatible);
}

static const struct sio_attribute dev_attr_driver_override = {
	.name = "driver_override", .mode = 0644,
	.show = driver_override_show, .store = driver_override_store,
};
static const struct sio_attribute dev_attr_compatible = {
	.name = "compatible", .mode = 0444, .show = compatible_show,
};
static const struct sio_attribute dev_attr_modalias = {
	.name = "modalias", .mode = 0444, .show = modalias_show,
};
static const struct sio_attribute *const dev_attrs[] = {
	&dev_attr_driver_override, &dev_attr_compatible, &dev_attr_modalias,
	NULL,
};

/* Directory, attributes and bus links (kernel device_add + bus_add_device). */
static int device_add_sysfs(struct sio_device *dev)
{
	struct sio_bus *bus = dev->bus;
	struct sio_sysfs_node *parent_kobj;
	int ret;

	parent_kobj = dev->parent && dev->parent->kobj ? dev->parent->kobj :
							 bus->root_kobj;
	dev->kobj = sio_sysfs_mkdir(parent_kobj, dev->name, dev);
	if (IS_ERR(dev->kobj)) {
		ret = PTR_ERR(dev->kobj);
		dev->kobj = NULL;
		return ret;
	}
	ret = sio_sysfs_create_files(dev->kobj, dev_attrs);
	if (ret)
		goto remove_dir;
	ret = sio_sysfs_create_link(bus->devices_kobj, dev->kobj, dev->name);
	if (ret)
		goto remove_dir;
	ret = sio_sysfs_create_link(dev->kobj, bus->kobj, "subsystem");
	if (ret)
		goto remove_bus_link;
	return 0;

remove_bus_link:
	sio_sysfs_remove_name(bus->devices_kobj, dev->name);
remove_dir:
	sio_sysfs_remove(dev->kobj);
	dev->kobj = NULL;
	return ret;
}

/**
 * sio_device_add() - register @dev with its bus
 * @dev: an initialised device
 *
 * Kernel order: sysfs directory and links, the device goes on the bus list,
 * BUS_NOTIFY_ADD_DEVICE (the IOMMU core probes the device here), then, if
 * the bus autoprobes, a driver is looked for.  Takes a reference on the
 * parent until sio_device_del().
 *
 * Context: may sleep; no device lock of @dev held (a parent's may be, e.g.
 * when its probe adds children).
 * Return: 0, -EINVAL (no bus or name), -EEXIST (name taken on the bus, or
 * already added), -ENOMEM.
 */
int sio_device_add(struct sio_device *dev)
{
	struct sio_bus *bus = dev->bus;
	struct sio_device *other, *p;
	int ret;

	if (!bus || !dev->name[0])
		return -EINVAL;
	if (dev->kobj || !list_empty(&dev->bus_node))
		return -EEXIST;
	dev->depth = 0;
	for (p = dev->parent; p; p = p->parent)
		dev->depth++;

	mutex_lock(&bus->lock);
	list_for_each_entry(other, &bus->devices, bus_node) {
		if (!strcmp(other->name, dev->name)) {
			mutex_unlock(&bus->lock);
			return -EEXIST;
		}
	}
	mutex_unlock(&bus->lock);

	sio_get_device(dev->parent);
	/* The fabric exists before any driver: wire the device's DMA. */
	ret = sio_dma_link_connect(dev);
	if (ret)
		goto put_parent;
	ret = device_add_sysfs(dev);
	if (ret)
		goto disconnect;

	mutex_lock(&bus->lock);
	list_for_each_entry(other, &bus->devices, bus_node) {
		if (!strcmp(other->name, dev->name)) {
			/* Lost a race with an add of the same name. */
			mutex_unlock(&bus->lock);
			ret = -EEXIST;
			goto remove_sysfs;
		}
	}
	dev->bus_seq = ++bus->next_seq;
	list_add_tail(&dev->bus_node, &bus->devices);
	mutex_unlock(&bus->lock);

	pr_debug("bus: '%s': add device %s", bus->type->name, dev->name);
	sio_bus_notify(dev, SIO_BUS_NOTIFY_ADD_DEVICE);

	/*
	 * From here drivers may bind.  Set under the device lock so that a
	 * concurrent driver_register either sees it or is seen by the attach
	 * below.
	 */
	sio_device_lock_nested(dev);
	dev->registered = true;
	sio_device_unlock(dev);

	if (SIO_READ_ONCE(bus->drivers_autoprobe))
		sio_device_attach(dev);
	return 0;

remove_sysfs:
	sio_sysfs_remove_name(dev->kobj, "subsystem");
	sio_sysfs_remove_name(bus->devices_kobj, dev->name);
	sio_sysfs_remove(dev->kobj);
	dev->kobj = NULL;
disconnect:
	sio_dma_link_unwire(dev);
put_parent:
	sio_put_device(dev->parent);
	return ret;
}

/**
 * sio_device_del() - unregister @dev; the counterpart of sio_device_add()
 *
 * Kernel order: the device is marked dead (no new binding),
 * BUS_NOTIFY_DEL_DEVICE, attributes go, the driver is unbound, the device
 * leaves the deferred list, the bus links and the bus list,
 * BUS_NOTIFY_REMOVED_DEVICE (the IOMMU core releases the device here; it
 * may still remove its own entries from the device directory), and last the
 * directory itself, after draining every callback on it.
 *
 * Context: may sleep; no device lock held (waits for sysfs callbacks that
 * take the device lock).
 */
void sio_device_del(struct sio_device *dev)
{
	struct sio_bus *bus = dev->bus;

	sio_device_lock_nested(dev);
	if (WARN_ON(!dev->registered)) {
		sio_device_unlock(dev);
		return;
	}
	dev->registered = false;
	sio_device_unlock(dev);

	sio_bus_notify(dev, SIO_BUS_NOTIFY_DEL_DEVICE);
	sio_sysfs_remove_name(dev->kobj, "driver_override");
	sio_sysfs_remove_name(dev->kobj, "compatible");
	sio_sysfs_remove_name(dev->kobj, "modalias");

	sio_device_release_driver(dev);
	sio_deferred_probe_del(dev);

	sio_sysfs_remove_name(dev->kobj, "subsystem");
	sio_sysfs_remove_name(bus->devices_kobj, dev->name);
	mutex_lock(&bus->lock);
	list_del_init(&dev->bus_node);
	mutex_unlock(&bus->lock);

	sio_bus_notify(dev, SIO_BUS_NOTIFY_REMOVED_DEVICE);
	pr_debug("device: '%s': %s", dev->name, __func__);

	sio_sysfs_remove(dev->kobj);
	dev->kobj = NULL;
	/* Removed: from now on its DMA aborts, never untranslated. */
	sio_dma_link_disconnect(dev);
	sio_put_device(dev->parent);
}

/**
 * sio_device_unregister() - sio_device_del() and drop the creator's reference
 * Context: as sio_device_del().
 */
void sio_device_unregister(struct sio_device *dev)
{
	sio_device_del(dev);
	sio_put_device(dev);
}

/* ------------------------------------------------------------- dev_printk */

/**
 * sio_dev_driver_string() - name of @dev's driver, else of its bus
 * Context: any; the driver pointer is read once, as in the kernel.
 * Return: a name, "" if the device has neither.
 */
const char *sio_dev_driver_string(const struct sio_device *dev)
{
	struct sio_driver *drv = SIO_READ_ONCE(dev->driver);

	if (drv)
		return drv->name;
	if (dev->bus)
		return dev->bus->type->name;
	return "";
}

/**
 * sio_dev_prefix() - "<driver-or-bus> <name>" for log lines and dev_WARN
 * @dev: the device
 *
 * Context: any; the driver pointer is read once.
 * Return: the prefix, in a per-thread buffer valid until this thread's next
 * call.
 */
const char *sio_dev_prefix(const struct sio_device *dev)
{
	static __thread char buf[2 * SIO_NAME_LEN + 2];

	snprintf(buf, sizeof(buf), "%s %s", sio_dev_driver_string(dev),
		 dev->name);
	return buf;
}

/**
 * sio_dev_printk() - log a message prefixed with "<driver-or-bus> <name>: "
 * Context: any.
 */
void sio_dev_printk(int level, const struct sio_device *dev, const char *fmt, ...)
{
	char prefix[2 * SIO_NAME_LEN + 2];
	char msg[512];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%s %s", sio_dev_driver_string(dev),
		 dev->name);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sio_printk_prefixed(level, prefix, "%s", msg);
}
