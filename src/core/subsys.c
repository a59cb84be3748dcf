// SPDX-License-Identifier: BSD-3-Clause
/*
 * Per-machine IOMMU core state: init/exit, the default-domain policy, IOMMU
 * instance registration, and the bus notifier that probes and releases.
 * Kernel counterpart: drivers/iommu/iommu.c (iommu_subsys_init,
 * iommu_device_register, iommu_bus_notifier)
 */
#include <string.h>

#include "core/core-priv.h"
#include "core/subsys.h"
#include "core/fw.h"

/**
 * iommu_subsys_init() - create the IOMMU core state of @m
 * @m: the machine; its sysfs must exist
 *
 * Context: may sleep; before any bus is hooked with iommu_bus_init().
 * Return: 0, -EINVAL (NULL or already initialised), -ENOMEM.
 */
int iommu_subsys_init(struct sio_machine *m)
{
	struct iommu_subsys *s;
	int ret;

	if (!m || m->iommu)
		return -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->machine = m;
	mutex_init(&s->probe_lock);
	mutex_init(&s->lock);
	INIT_LIST_HEAD(&s->iommus);
	INIT_LIST_HEAD(&s->groups);
	INIT_LIST_HEAD(&s->domains);
	INIT_LIST_HEAD(&s->bus_hooks);
	ida_init(&s->group_ida);
	mutex_init(&s->pasid_lock);
	ida_init(&s->pasid_ida);
	/* The kernel's defaults without a command line: translated, lazy. */
	s->def_base_type = IOMMU_DOMAIN_DMA;
	s->dma_strict = false;
	s->caps_admin = true;

	ret = iommu_subsys_sysfs_init(s);
	if (ret)
		goto err_free;
	m->iommu = s;
	return 0;

err_free:
	ida_destroy(&s->pasid_ida);
	mutex_destroy(&s->pasid_lock);
	ida_destroy(&s->group_ida);
	mutex_destroy(&s->lock);
	mutex_destroy(&s->probe_lock);
	kfree(s);
	return ret;
}

/**
 * iommu_subsys_exit() - free the IOMMU core state of @m
 * @m: the machine
 *
 * WARNs if IOMMU instances are still registered, groups or domains are
 * still alive, or global PASIDs still allocated (leaks of the layers above).
 *
 * Context: may sleep; after every IOMMU instance was unregistered.
 */
void iommu_subsys_exit(struct sio_machine *m)
{
	struct iommu_bus_hook *hook, *tmp;
	struct iommu_subsys *s;

	if (!m || !m->iommu)
		return;
	s = m->iommu;

	list_for_each_entry_safe(hook, tmp, &s->bus_hooks, node) {
		sio_bus_unregister_notifier(hook->bus, &hook->nb);
		list_del(&hook->node);
		kfree(hook);
	}
	WARN(!list_empty(&s->iommus), "IOMMU instances still registered");
	WARN(!list_empty(&s->groups), "IOMMU groups still alive");
	WARN(!list_empty(&s->domains), "IOMMU domains still alive");
	WARN(s->pasid_count, "%lu global PASIDs still allocated",
	     s->pasid_count);

	iommu_subsys_sysfs_exit(s);
	m->iommu = NULL;
	ida_destroy(&s->pasid_ida);
	mutex_destroy(&s->pasid_lock);
	ida_destroy(&s->group_ida);
	mutex_destroy(&s->lock);
	mutex_destroy(&s->probe_lock);
	kfree(s);
}

/**
 * iommu_subsys_def_type() - the machine-wide default domain type
 * (iommu.passthrough= and iommu.strict=)
 * @s: the machine's core state
 *
 * Context: subsys lock held (the policy fields change under it).
 * Return: IOMMU_DOMAIN_IDENTITY, IOMMU_DOMAIN_DMA (strict) or
 * IOMMU_DOMAIN_DMA_FQ (lazy).
 */
unsigned int iommu_subsys_def_type(struct iommu_subsys *s)
{
	if (s->def_base_type == IOMMU_DOMAIN_IDENTITY)
		return IOMMU_DOMAIN_IDENTITY;
	return s->dma_strict ? IOMMU_DOMAIN_DMA : IOMMU_DOMAIN_DMA_FQ;
}

static const char *iommu_domain_type_str(unsigned int t)
{
	switch (t) {
	case IOMMU_DOMAIN_BLOCKED:
		return "Blocked";
	case IOMMU_DOMAIN_IDENTITY:
		return "Passthrough";
	case IOMMU_DOMAIN_UNMANAGED:
		return "Unmanaged";
	case IOMMU_DOMAIN_DMA:
	case IOMMU_DOMAIN_DMA_FQ:
		return "Translated";
	case IOMMU_DOMAIN_PLATFORM:
		return "Platform";
	default:
		return "Unknown";
	}
}

/**
 * iommu_log_default_type() - print the default domain policy, once per
 * machine, before the first group is set up (the kernel prints it at
 * subsys_initcall, before any device is probed)
 * @s: the machine's core state
 *
 * Context: takes the subsys lock (a leaf).
 */
void iommu_log_default_type(struct iommu_subsys *s)
{
	unsigned int type;
	bool cl_type, cl_strict, strict;

	mutex_lock(&s->lock);
	if (s->def_type_logged) {
		mutex_unlock(&s->lock);
		return;
	}
	s->def_type_logged = true;
	type = iommu_subsys_def_type(s);
	cl_type = s->cmdline_type;
	cl_strict = s->cmdline_strict;
	strict = s->dma_strict;
	mutex_unlock(&s->lock);

	pr_info("iommu: Default domain type: %s%s", iommu_domain_type_str(type),
		cl_type ? " (set via kernel command line)" : "");
	if (type != IOMMU_DOMAIN_IDENTITY)
		pr_info("iommu: DMA domain TLB invalidation policy: %s mode%s",
			strict ? "strict" : "lazy",
			cl_strict ? " (set via kernel command line)" : "");
}

/**
 * sio_iommu_set_default_domain_policy() - iommu.passthrough= / iommu.strict=
 * @m: the machine
 * @passthrough: 1 identity, 0 translated, SIO_IOMMU_DEFAULT_UNSET keep
 * @strict: 1 strict (DMA), 0 lazy (DMA_FQ), SIO_IOMMU_DEFAULT_UNSET keep
 *
 * Context: any; takes the subsys lock.
 * Return: 0, -EINVAL for other values or a machine without IOMMU state.
 */
int sio_iommu_set_default_domain_policy(struct sio_machine *m, int passthrough,
					int strict)
{
	struct iommu_subsys *s = m ? m->iommu : NULL;

	if (!s)
		return -EINVAL;
	if (passthrough != SIO_IOMMU_DEFAULT_UNSET && passthrough != 0 &&
	    passthrough != 1)
		return -EINVAL;
	if (strict != SIO_IOMMU_DEFAULT_UNSET && strict != 0 && strict != 1)
		return -EINVAL;

	mutex_lock(&s->lock);
	if (passthrough != SIO_IOMMU_DEFAULT_UNSET) {
		s->def_base_type = passthrough ? IOMMU_DOMAIN_IDENTITY :
						 IOMMU_DOMAIN_DMA;
		s->cmdline_type = true;
	}
	if (strict != SIO_IOMMU_DEFAULT_UNSET) {
		s->dma_strict = strict;
		s->cmdline_strict = true;
	}
	mutex_unlock(&s->lock);
	return 0;
}

/**
 * sio_iommu_set_legacy_v7_order() - model the v5.17 kernel's ordering of
 * seed 000 (see include/softiommu/iommu.h)
 * @m: the machine
 * @on: true for the v7 order, false (default) for today's
 *
 * Context: takes the subsys lock; before devices are added.
 * Return: 0, -EINVAL for a machine without IOMMU core state.
 */
int sio_iommu_set_legacy_v7_order(struct sio_machine *m, bool on)
{
	struct iommu_subsys *s = m ? m->iommu : NULL;

	if (!s)
		return -EINVAL;
	mutex_lock(&s->lock);
	s->legacy_v7_order = on;
	mutex_unlock(&s->lock);
	return 0;
}

/**
 * sio_iommu_legacy_v7_order() - is @m modelling the v5.17 (v7) ordering?
 * @m: the machine, or NULL
 *
 * Context: any (lockless read of a flag set at assembly).
 * Return: the flag; false without IOMMU core state.
 */
bool sio_iommu_legacy_v7_order(struct sio_machine *m)
{
	struct iommu_subsys *s = m ? m->iommu : NULL;

	return s ? READ_ONCE(s->legacy_v7_order) : false;
}

/**
 * sio_iommu_set_caps() - whether the "user" writing sysfs has CAP_SYS_ADMIN
 * and CAP_SYS_RAWIO (without them the group "type" store fails)
 * @m: the machine
 * @admin: true (default) if it has them
 *
 * Context: takes the subsys lock (a leaf).
 * Return: 0, -EINVAL for a machine without IOMMU core state.
 */
int sio_iommu_set_caps(struct sio_machine *m, bool admin)
{
	struct iommu_subsys *s = m ? m->iommu : NULL;

	if (!s)
		return -EINVAL;
	mutex_lock(&s->lock);
	s->caps_admin = admin;
	mutex_unlock(&s->lock);
	return 0;
}

/**
 * iommu_find_instance() - the registered instance called @name
 * @s: the machine's core state
 * @name: the instance name (a device's firmware "iommu")
 *
 * Context: takes the subsys lock.  The instance stays valid while the
 * caller holds the probe lock (unregistration takes it).
 * Return: the instance, or NULL if none is registered under @name.
 */
struct iommu_device *iommu_find_instance(struct iommu_subsys *s,
					 const char *name)
{
	struct iommu_device_priv *p;
	struct iommu_device *found = NULL;

	if (!name || !name[0])
		return NULL;
	mutex_lock(&s->lock);
	list_for_each_entry(p, &s->iommus, node) {
		if (!strcmp(p->iommu->name, name)) {
			found = p->iommu;
			break;
		}
	}
	mutex_unlock(&s->lock);
	return found;
}

static int iommu_bus_notifier(struct sio_notifier_block *nb,
			      unsigned long action, void *data)
{
	struct sio_device *dev = data;

	if (action == SIO_BUS_NOTIFY_ADD_DEVICE) {
		int ret = iommu_probe_device(dev);

		/* A device behind no (registered) IOMMU is not an error. */
		if (ret && ret != -ENODEV)
			dev_dbg(dev, "iommu probe failed: %d", ret);
	} else if (action == SIO_BUS_NOTIFY_REMOVED_DEVICE) {
		iommu_release_device(dev);
	}
	return 0;
}

static bool iommu_any_registered(struct iommu_subsys *s)
{
	bool any;

	mutex_lock(&s->lock);
	any = !list_empty(&s->iommus);
	mutex_unlock(&s->lock);
	return any;
}

/**
 * iommu_bus_init() - follow the devices of @bus (probe at add, release at
 * removal); probes the devices already present if an IOMMU is registered.
 * @bus: a bus of a machine with IOMMU core state
 *
 * Context: may sleep.
 * Return: 0, -EINVAL (NULL, no IOMMU state), -EEXIST (already hooked),
 * -ENOMEM, or the notifier registration's error.
 */
int iommu_bus_init(struct sio_bus *bus)
{
	struct iommu_bus_hook *hook, *h;
	struct iommu_subsys *s;
	int ret;

	if (!bus || !bus->machine || !bus->machine->iommu)
		return -EINVAL;
	s = bus->machine->iommu;

	hook = kzalloc(sizeof(*hook), GFP_KERNEL);
	if (!hook)
		return -ENOMEM;
	hook->bus = bus;
	hook->nb.notifier_call = iommu_bus_notifier;

	mutex_lock(&s->lock);
	list_for_each_entry(h, &s->bus_hooks, node) {
		if (h->bus == bus) {
			mutex_unlock(&s->lock);
			kfree(hook);
			return -EEXIST;
		}
	}
	list_add_tail(&hook->node, &s->bus_hooks);
	mutex_unlock(&s->lock);

	ret = sio_bus_register_notifier(bus, &hook->nb);
	if (ret) {
		mutex_lock(&s->lock);
		list_del(&hook->node);
		mutex_unlock(&s->lock);
		kfree(hook);
		return ret;
	}
	if (iommu_any_registered(s))
		bus_iommu_probe(bus);
	return 0;
}

/**
 * iommu_bus_exit() - stop following @bus (undo iommu_bus_init())
 * @bus: a hooked bus, or one never hooked (a no-op)
 *
 * Context: may sleep; before sio_bus_unregister(), not racing with IOMMU
 * instance registration.
 */
void iommu_bus_exit(struct sio_bus *bus)
{
	struct iommu_bus_hook *h, *found = NULL;
	struct iommu_subsys *s;

	if (!bus || !bus->machine || !bus->machine->iommu)
		return;
	s = bus->machine->iommu;
	mutex_lock(&s->lock);
	list_for_each_entry(h, &s->bus_hooks, node) {
		if (h->bus == bus) {
			found = h;
			list_del(&h->node);
			break;
		}
	}
	mutex_unlock(&s->lock);
	if (!found)
		return;
	sio_bus_unregister_notifier(bus, &found->nb);
	kfree(found);
}

/*
 * Hooked buses, for bus-wide probes.  Buses are only unhooked by
 * iommu_bus_exit()/iommu_subsys_exit(), which must not race with instance
 * registration (machine assembly/teardown order), so a snapshot of the
 * pointers is enough.
 */
static int iommu_for_each_hooked_bus(struct iommu_subsys *s,
				     int (*fn)(struct sio_bus *bus, void *data),
				     void *data)
{
	struct sio_bus *buses[16];
	struct iommu_bus_hook *h;
	unsigned int n = 0, i;
	int ret = 0;

	mutex_lock(&s->lock);
	list_for_each_entry(h, &s->bus_hooks, node) {
		if (WARN_ON_ONCE(n == ARRAY_SIZE(buses)))
			break;
		buses[n++] = h->bus;
	}
	mutex_unlock(&s->lock);

	for (i = 0; i < n && !ret; i++)
		ret = fn(buses[i], data);
	return ret;
}

static int iommu_probe_bus_cb(struct sio_bus *bus, void *data)
{
	return bus_iommu_probe(bus);
}

struct iommu_unreg_ctx {
	struct iommu_device *iommu;
};

static int remove_iommu_group(struct sio_device *dev, void *data)
{
	struct iommu_unreg_ctx *ctx = data;
	struct iommu_subsys *s = dev_subsys(dev);

	mutex_lock(&s->probe_lock);
	if (dev->iommu && dev->iommu->iommu_dev == ctx->iommu)
		__iommu_release_device(dev);
	mutex_unlock(&s->probe_lock);
	return 0;
}

static int iommu_unreg_bus_cb(struct sio_bus *bus, void *data)
{
	sio_bus_for_each_dev(bus, data, remove_iommu_group);
	return 0;
}

/**
 * iommu_device_unregister() - release every device behind @iommu and make
 * the instance unknown to the core
 * @iommu: a registered instance (an unregistered one is ignored)
 *
 * Context: may sleep; takes the probe lock and group mutexes.
 */
void iommu_device_unregister(struct iommu_device *iommu)
{
	struct iommu_unreg_ctx ctx = { .iommu = iommu };
	struct iommu_device_priv *priv;
	struct iommu_group *singleton;
	struct iommu_subsys *s;

	if (!iommu || !iommu->core_priv || !iommu->machine ||
	    !iommu->machine->iommu)
		return;
	s = iommu->machine->iommu;
	priv = iommu->core_priv;

	/* From now on, no new device is probed into this instance. */
	mutex_lock(&s->probe_lock);
	mutex_lock(&s->lock);
	list_del(&priv->node);
	mutex_unlock(&s->lock);
	mutex_unlock(&s->probe_lock);

	iommu_for_each_hooked_bus(s, iommu_unreg_bus_cb, &ctx);

	mutex_lock(&s->probe_lock);
	singleton = priv->singleton_group;
	priv->singleton_group = NULL;
	iommu->core_priv = NULL;
	mutex_unlock(&s->probe_lock);

	iommu_group_put(singleton);
	kfree(priv);
}

/**
 * iommu_device_register() - make an IOMMU instance live and probe the
 * devices behind it on every bus the core follows
 * @iommu: the instance (the driver embeds it); @iommu->name must be set
 * @ops: its driver
 * @m: the machine
 *
 * Context: may sleep; takes the probe lock and group mutexes.  Afterwards
 * the devices whose driver probe deferred waiting for it are retried.
 * Return: 0; -EINVAL (mandatory ops missing, NULL args, empty name); -EEXIST
 * (name in use); -ENOMEM; or the bus probe's error, after which nothing is
 * left registered.
 */
int iommu_device_register(struct iommu_device *iommu,
			  const struct iommu_ops *ops, struct sio_machine *m)
{
	struct iommu_device_priv *priv, *p;
	struct iommu_subsys *s;
	int ret;

	if (!iommu || !ops || !m || !m->iommu || !iommu->name[0])
		return -EINVAL;
	if (!ops->probe_device || !ops->device_group ||
	    (!ops->domain_alloc_paging && !ops->domain_alloc_paging_flags))
		return -EINVAL;
	if (iommu->core_priv)
		return -EEXIST;
	s = m->iommu;

	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->iommu = iommu;
	iommu->ops = ops;
	iommu->machine = m;

	mutex_lock(&s->lock);
	list_for_each_entry(p, &s->iommus, node) {
		if (!strcmp(p->iommu->name, iommu->name)) {
			mutex_unlock(&s->lock);
			kfree(priv);
			return -EEXIST;
		}
	}
	iommu->core_priv = priv;
	list_add_tail(&priv->node, &s->iommus);
	mutex_unlock(&s->lock);

	iommu_log_default_type(s);

	ret = iommu_for_each_hooked_bus(s, iommu_probe_bus_cb, NULL);
	if (ret) {
		iommu_device_unregister(iommu);
		return ret;
	}
	/* Devices whose bind deferred for this instance may bind now. */
	sio_deferred_probe_trigger(m);
	return 0;
}
