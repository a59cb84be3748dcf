// SPDX-License-Identifier: BSD-3-Clause
/*
 * Buses and drivers: registration, lookups, iteration, and their sysfs
 * files (drivers_probe, drivers_autoprobe, bind, unbind).
 * Kernel counterpart: drivers/base/bus.c, drivers/base/driver.c
 */
#include <string.h>

#include "dev/dev-priv.h"

/* -------------------------------------------------------------- iteration */

/*
 * Lists are walked without holding bus->lock across the callbacks: every
 * device and driver gets a sequence number when it joins, lists are kept in
 * that order, and a walk resumes at the first entry after the last one it
 * saw.  Entries added or removed meanwhile are simply seen or not.
 */

/**
 * sio_bus_next_dev() - the first device after sequence *@seq
 * Context: takes bus->lock.
 * Return: a referenced device, or NULL at the end.
 */
struct sio_device *sio_bus_next_dev(struct sio_bus *bus, u64 *seq)
{
	struct sio_device *dev, *found = NULL;

	mutex_lock(&bus->lock);
	list_for_each_entry(dev, &bus->devices, bus_node) {
		if (dev->bus_seq > *seq) {
			found = sio_get_device(dev);
			*seq = dev->bus_seq;
			break;
		}
	}
	mutex_unlock(&bus->lock);
	return found;
}

/**
 * sio_bus_next_drv() - the first driver after sequence *@seq
 * Context: takes bus->lock.
 * Return: the driver with a user reference (sio_driver_put()), or NULL.
 */
struct sio_driver *sio_bus_next_drv(struct sio_bus *bus, u64 *seq)
{
	struct sio_driver *drv, *found = NULL;

	mutex_lock(&bus->lock);
	list_for_each_entry(drv, &bus->drivers, bus_node) {
		if (drv->bus_seq > *seq) {
			/* On the list, so the list's own reference is held. */
			refcount_inc(&drv->users);
			found = drv;
			*seq = drv->bus_seq;
			break;
		}
	}
	mutex_unlock(&bus->lock);
	return found;
}

/**
 * sio_driver_put() - drop a user reference taken by sio_bus_next_drv()
 * Context: any.
 */
void sio_driver_put(struct sio_driver *drv)
{
	if (refcount_dec_and_test(&drv->users))
		complete(&drv->unused);
}

/**
 * sio_bus_for_each_dev() - call @fn on each device of @bus
 * @bus: the bus
 * @data: passed to @fn
 * @fn: called with a reference on the device and no device-model lock held;
 *      a non-zero return stops the walk
 *
 * Context: may sleep.
 * Return: 0 or the first non-zero value of @fn.
 */
int sio_bus_for_each_dev(struct sio_bus *bus, void *data,
			 int (*fn)(struct sio_device *dev, void *data))
{
	struct sio_device *dev;
	u64 seq = 0;
	int ret;

	while ((dev = sio_bus_next_dev(bus, &seq))) {
		ret = fn(dev, data);
		sio_put_device(dev);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * sio_bus_find_device_by_name() - exact-name lookup on one bus
 * Context: takes bus->lock.
 * Return: a referenced device (sio_put_device()) or NULL.
 */
struct sio_device *sio_bus_find_device_by_name(struct sio_bus *bus,
					       const char *name)
{
	struct sio_device *dev, *found = NULL;

	mutex_lock(&bus->lock);
	list_for_each_entry(dev, &bus->devices, bus_node) {
		if (!strcmp(dev->name, name)) {
			found = sio_get_device(dev);
			break;
		}
	}
	mutex_unlock(&bus->lock);
	return found;
}

static int rescan_one(struct sio_device *dev, void *data)
{
	int ret = 0;

	if (!SIO_READ_ONCE(dev->driver))
		ret = sio_device_attach(dev);
	return ret < 0 ? ret : 0;
}

/**
 * sio_bus_rescan_devices() - look for a driver for every unbound device
 * Context: may sleep; no device lock held.
 * Return: 0, or the first negative error of sio_device_attach() (which
 * stops the scan, as in the kernel).
 */
int sio_bus_rescan_devices(struct sio_bus *bus)
{
	return sio_bus_for_each_dev(bus, NULL, rescan_one);
}

/* Copy a written device name without its trailing newline. */
static int store_name(char *name, const char *buf, size_t count)
{
	count = sio_strip_newline(buf, count);
	if (count >= SIO_NAME_LEN)
		return -ENODEV;		/* no device has such a name */
	memcpy(name, buf, count);
	name[count] = '\0';
	return 0;
}

/* ------------------------------------------------------------ bus sysfs */

/* /sys/bus/<bus>/drivers_probe: attach a driver to an unbound device. */
static ssize_t drivers_probe_store(void *priv, const char *buf, size_t count)
{
	struct sio_bus *bus = priv;
	char name[SIO_NAME_LEN];
	struct sio_device *dev;
	int ret;

	if (store_name(name, buf, count))
		return -ENODEV;
	dev = sio_bus_find_device_by_name(bus, name);
	if (!dev)
		return -ENODEV;
	ret = rescan_one(dev, NULL);
	sio_put_device(dev);
	return ret ? ret : (ssize_t)count;
}

static ssize_t drivers_autoprobe_show(void *priv, char *buf)
{
	struct sio_bus *bus = priv;

	return snprintf(buf, SIO_SYSFS_BUF_SIZE, "%d\n",
			SIO_READ_ONCE(bus->drivers_autoprobe) ? 1 : 0);
}

/* Anything but a leading '0' turns autoprobe on, as in the kernel. */
static ssize_t drivers_autoprobe_store(void *priv, const char *buf,
				       size_t count)
{
	struct sio_bus *bus = priv;

	SIO_WRITE_ONCE(bus->drivers_autoprobe, !(count && buf[0] == '0'));
	return count;
}

static const struct sio_attribute bus_attr_drivers_probe = {
	.name = "drivers_probe", .mode = 0200, .store = drivers_probe_store,
};
static const struct sio_attribute bus_attr_drivers_autoprobe = {
	.name = "drivers_autoprobe", .mode = 0644,
	.show = drivers_autoprobe_show, .store = drivers_autoprobe_store,
};
static const struct sio_attribute *const bus_attrs[] = {
	&bus_attr_drivers_probe, &bus_attr_drivers_autoprobe, NULL,
};

/* ------------------------------------------------------------------ buses */

static void bus_remove_sysfs(struct sio_bus *bus)
{
	sio_sysfs_remove(bus->root_kobj);
	sio_sysfs_remove(bus->devices_kobj);
	sio_sysfs_remove(bus->drivers_kobj);
	sio_sysfs_remove(bus->kobj);
}

/**
 * sio_bus_register() - add a bus of kind @type to @m
 * @m: the machine
 * @type: static description; @type->name names the bus ("pci")
 *
 * Creates /sys/bus/<name>/{devices,drivers,drivers_probe,drivers_autoprobe}
 * and /sys/devices/<name>.  Autoprobe starts on.
 *
 * Context: may sleep.
 * Return: the bus, or ERR_PTR(-EINVAL / -EEXIST (name taken) / -ENOMEM).
 */
struct sio_bus *sio_bus_register(struct sio_machine *m,
				 const struct sio_bus_type *type)
{
	struct sio_bus *bus;
	int ret;

	if (!m || !type || !type->name || !type->name[0])
		return ERR_PTR(-EINVAL);
	bus = kzalloc(sizeof(*bus), GFP_KERNEL);
	if (!bus)
		return ERR_PTR(-ENOMEM);
	bus->type = type;
	bus->machine = m;
	mutex_init(&bus->lock);
	mutex_init(&bus->notifier_lock);
	INIT_LIST_HEAD(&bus->devices);
	INIT_LIST_HEAD(&bus->drivers);
	INIT_LIST_HEAD(&bus->notifiers);
	INIT_LIST_HEAD(&bus->machine_node);
	bus->drivers_autoprobe = true;

	/* The /sys/bus/<name> directory doubles as the uniqueness check. */
	bus->kobj = sio_sysfs_mkdir(m->bus_kobj, type->name, bus);
	if (IS_ERR(bus->kobj)) {
		ret = PTR_ERR(bus->kobj);
		goto free_bus;
	}
	bus->devices_kobj = sio_sysfs_mkdir(bus->kobj, "devices", bus);
	bus->drivers_kobj = sio_sysfs_mkdir(bus->kobj, "drivers", bus);
	bus->root_kobj = sio_sysfs_mkdir(m->devices_kobj, type->name, bus);
	ret = PTR_ERR_OR_ZERO(bus->devices_kobj) ?:
	      PTR_ERR_OR_ZERO(bus->drivers_kobj) ?:
	      PTR_ERR_OR_ZERO(bus->root_kobj) ?:
	      sio_sysfs_create_files(bus->kobj, bus_attrs);
	if (ret)
		goto remove_sysfs;

	mutex_lock(&m->lock);
	list_add_tail(&bus->machine_node, &m->buses);
	mutex_unlock(&m->lock);
	pr_debug("bus: '%s': registered", type->name);
	return bus;

remove_sysfs:
	bus_remove_sysfs(bus);
free_bus:
	mutex_destroy(&bus->notifier_lock);
	mutex_destroy(&bus->lock);
	kfree(bus);
	return ERR_PTR(ret);
}

/**
 * sio_bus_unregister() - remove and free @bus
 *
 * The devices and drivers of the bus must be gone (WARN otherwise; they
 * are left alone and the bus is not freed).
 *
 * Context: may sleep; no device lock held (drains sysfs callbacks).
 */
void sio_bus_unregister(struct sio_bus *bus)
{
	struct sio_machine *m;
	bool busy;

	if (IS_ERR_OR_NULL(bus))
		return;
	m = bus->machine;
	mutex_lock(&bus->lock);
	busy = !list_empty(&bus->devices) || !list_empty(&bus->drivers);
	mutex_unlock(&bus->lock);
	mutex_lock(&m->lock);
	list_del_init(&bus->machine_node);
	mutex_unlock(&m->lock);
	if (WARN(busy, "bus %s unregistered with devices or drivers",
		 bus->type->name))
		return;
	pr_debug("bus: '%s': unregistering", bus->type->name);
	bus_remove_sysfs(bus);
	mutex_destroy(&bus->notifier_lock);
	mutex_destroy(&bus->lock);
	kfree(bus);
}

/**
 * sio_bus_find() - the bus of @m named @name
 * Context: takes machine->lock.
 * Return: the bus, or NULL if there is none.
 */
struct sio_bus *sio_bus_find(struct sio_machine *m, const char *name)
{
	struct sio_bus *bus, *found = NULL;

	mutex_lock(&m->lock);
	list_for_each_entry(bus, &m->buses, machine_node) {
		if (!strcmp(bus->type->name, name)) {
			found = bus;
			break;
		}
	}
	mutex_unlock(&m->lock);
	return found;
}

/* ------------------------------------------------------------ driver sysfs */

/*
 * /sys/bus/<bus>/drivers/<drv>/bind: -ENODEV for an unknown device or one
 * the driver does not match, -EBUSY if bound, else the probe error
 * (-EPROBE_DEFER reported as -EAGAIN).
 */
static ssize_t bind_store(void *priv, const char *buf, size_t count)
{
	struct sio_driver *drv = priv;
	char name[SIO_NAME_LEN];
	struct sio_device *dev;
	int ret;

	if (store_name(name, buf, count))
		return -ENODEV;
	dev = sio_bus_find_device_by_name(drv->bus, name);
	if (!dev)
		return -ENODEV;
	ret = sio_device_driver_attach(drv, dev);
	sio_put_device(dev);
	return ret ? ret : (ssize_t)count;
}

/* /sys/bus/<bus>/drivers/<drv>/unbind: -ENODEV unless bound to this driver. */
static ssize_t unbind_store(void *priv, const char *buf, size_t count)
{
	struct sio_driver *drv = priv;
	char name[SIO_NAME_LEN];
	struct sio_device *dev;
	ssize_t ret = -ENODEV;

	if (store_name(name, buf, count))
		return -ENODEV;
	dev = sio_bus_find_device_by_name(drv->bus, name);
	if (!dev)
		return -ENODEV;
	if (SIO_READ_ONCE(dev->driver) == drv) {
		sio_device_release_driver_internal(dev, drv);
		ret = count;
	}
	sio_put_device(dev);
	return ret;
}

static const struct sio_attribute drv_attr_bind = {
	.name = "bind", .mode = 0200, .store = bind_store,
};
static const struct sio_attribute drv_attr_unbind = {
	.name = "unbind", .mode = 0200, .store = unbind_store,
};
static const struct sio_attribute *const drv_attrs[] = {
	&drv_attr_bind, &drv_attr_unbind, NULL,
};

/* ---------------------------------------------------------------- drivers */

/**
 * sio_driver_register() - add @drv to @bus and, if autoprobe is on, bind it
 * to every matching unbound device
 * @bus: the bus
 * @drv: the driver; must stay valid until sio_driver_unregister() returns
 *
 * Context: may sleep; no device lock held.
 * Return: 0, -EINVAL (no bus or name), -EBUSY (a driver of that name is
 * registered on the bus), -ENOMEM.  Probe failures are not returned.
 */
int sio_driver_register(struct sio_bus *bus, struct sio_driver *drv)
{
	int ret;

	if (!bus || !drv || !drv->name || !drv->name[0])
		return -EINVAL;
	drv->bus = bus;
	INIT_LIST_HEAD(&drv->bus_node);
	refcount_set(&drv->users, 1);	/* the bus list's */
	init_completion(&drv->unused);

	/* The directory doubles as the uniqueness check. */
	drv->kobj = sio_sysfs_mkdir(bus->drivers_kobj, drv->name, drv);
	if (IS_ERR(drv->kobj)) {
		ret = PTR_ERR(drv->kobj);
		if (ret == -EEXIST) {
			pr_err("Error: Driver '%s' is already registered, aborting...",
			       drv->name);
			ret = -EBUSY;
		}
		goto destroy_completion;
	}
	ret = sio_sysfs_create_files(drv->kobj, drv_attrs);
	if (ret)
		goto remove_dir;

	mutex_lock(&bus->lock);
	drv->bus_seq = ++bus->next_seq;
	list_add_tail(&drv->bus_node, &bus->drivers);
	mutex_unlock(&bus->lock);
	pr_debug("bus: '%s': add driver %s", bus->type->name, drv->name);

	if (SIO_READ_ONCE(bus->drivers_autoprobe))
		sio_driver_attach(drv);
	return 0;

remove_dir:
	sio_sysfs_remove(drv->kobj);
destroy_completion:
	drv->kobj = NULL;
	destroy_completion(&drv->unused);
	drv->bus = NULL;
	return ret;
}

/**
 * sio_driver_unregister() - unbind @drv from its devices and remove it
 *
 * Kernel order: the bind/unbind files go (waiting for writers in them), the
 * driver leaves the bus list, in-flight binds that picked it up finish,
 * then every device bound to it is unbound.  When it returns nothing uses
 * @drv any more.
 *
 * Context: may sleep; no device lock held; not from @drv's own callbacks.
 */
void sio_driver_unregister(struct sio_driver *drv)
{
	struct sio_bus *bus;

	if (!drv || WARN_ON(!drv->bus))
		return;
	bus = drv->bus;
	pr_debug("bus: '%s': remove driver %s", bus->type->name, drv->name);
	sio_sysfs_remove_name(drv->kobj, "bind");
	sio_sysfs_remove_name(drv->kobj, "unbind");

	mutex_lock(&bus->lock);
	list_del_init(&drv->bus_node);
	mutex_unlock(&bus->lock);
	sio_driver_put(drv);		/* the list's reference */
	wait_for_completion(&drv->unused);

	sio_driver_detach(drv);
	sio_sysfs_remove(drv->kobj);
	drv->kobj = NULL;
	destroy_completion(&drv->unused);
	drv->bus = NULL;
}

/**
 * sio_driver_find() - the driver of @bus named @name
 * Context: takes bus->lock.
 * Return: the driver (valid until it is unregistered) or NULL if none.
 */
struct sio_driver *sio_driver_find(struct sio_bus *bus, const char *name)
{
	struct sio_driver *drv, *found = NULL;

	mutex_lock(&bus->lock);
	list_for_each_entry(drv, &bus->drivers, bus_node) {
		if (!strcmp(drv->name, name)) {
			found = drv;
			break;
		}
	}
	mutex_unlock(&bus->lock);
	return found;
}
