// SPDX-License-Identifier: BSD-3-Clause
/*
 * Device model and virtual sysfs: bind/unbind order (dma_configure before
 * probe, dma_cleanup after remove and after a failed probe), driver_override,
 * deferred probe, sysfs errno propagation and path resolution, notifier
 * order, reference counting.
 */
#include "dev-test.h"
#include "base/completion.h"

#define MAX_DEVS 8

FIXTURE_VARIANT(dev)
{
	int unused;			/* no variants: one bus model */
};

FIXTURE(dev)
{
	struct sio_machine *m;
	struct sio_bus *bus;		/* with dma_configure/dma_cleanup */
	struct sio_bus *nbus;		/* without */
	struct sio_notifier_block nb;
	struct sio_driver drv;		/* "tdrv", binds "acme,nic" */
	struct sio_driver drv2;		/* "other", binds nothing by id */
	struct sio_device *devs[MAX_DEVS];
	unsigned long log_since;
};

FIXTURE_SETUP(dev)
{
	ev_clear();
	probe_ret = 0;
	dma_configure_ret = 0;
	released = 0;
	sio_log_set_level(SIO_LOGLEVEL_DEBUG);
	self->m = sio_machine_alloc("test");
	ASSERT_FALSE(IS_ERR(self->m));
	self->bus = sio_bus_register(self->m, &tbus_type);
	ASSERT_FALSE(IS_ERR(self->bus));
	self->nbus = sio_bus_register(self->m, &nbus_type);
	ASSERT_FALSE(IS_ERR(self->nbus));
	self->nb.notifier_call = rec_notify;
	ASSERT_EQ(0, sio_bus_register_notifier(self->bus, &self->nb));
	self->drv = (struct sio_driver){ .name = "tdrv", .ids = nic_ids,
					 .probe = t_probe,
					 .remove = t_remove };
	self->drv2 = (struct sio_driver){ .name = "other", .ids = none_ids,
					  .probe = t_probe,
					  .remove = t_remove };
	self->log_since = sio_log_seq();
}

FIXTURE_TEARDOWN(dev)
{
	int i;

	for (i = 0; i < MAX_DEVS; i++)
		if (self->devs[i] && self->devs[i]->registered)
			sio_device_unregister(self->devs[i]);
	if (self->drv.bus)
		sio_driver_unregister(&self->drv);
	if (self->drv2.bus)
		sio_driver_unregister(&self->drv2);
	if (self->bus && !IS_ERR(self->bus))
		sio_bus_unregister_notifier(self->bus, &self->nb);
	sio_machine_free(self->m);
}

/* Make device @i on @bus and add it. */
static struct sio_device *add_dev(struct __test_metadata *_metadata,
				  FIXTURE_DATA(dev) *self, int i,
				  struct sio_bus *bus, const char *name,
				  const char *compat, struct sio_device *parent)
{
	struct sio_device *d = tdev_new(bus, name, compat, parent);

	ASSERT_NOT_NULL(d);
	self->devs[i] = d;
	ASSERT_EQ(0, sio_device_add(d));
	return d;
}

TEST_F(dev, bind_unbind_order)
{
	struct sio_device *d;

	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	d = add_dev(_metadata, self, 0, self->bus, "dev0", "acme,nic", NULL);
	/* dma_configure sees the driver set, and runs before probe. */
	EXPECT_STREQ("ADD_DEVICE, dma_configure(tdrv), BIND_DRIVER, probe(dev0), BOUND_DRIVER",
		     ev_str());
	EXPECT_EQ(&self->drv, d->driver);
	EXPECT_EQ(1, sio_log_search("bound device dev0 to driver tdrv",
				    self->log_since));
	EXPECT_STREQ("/sys/bus/tbus/drivers/tdrv",
		     sys_readlink(self->m, "/sys/bus/tbus/devices/dev0/driver"));
	EXPECT_STREQ("/sys/devices/tbus/dev0",
		     sys_readlink(self->m, "/sys/bus/tbus/drivers/tdrv/dev0"));

	ev_clear();
	EXPECT_EQ(5, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/unbind",
			       "dev0\n"));
	EXPECT_STREQ("UNBIND_DRIVER, remove(dev0), dma_cleanup, UNBOUND_DRIVER",
		     ev_str());
	EXPECT_NULL(d->driver);
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(self->m->sysfs,
					  "/sys/bus/tbus/devices/dev0/driver"));
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(self->m->sysfs,
					  "/sys/bus/tbus/drivers/tdrv/dev0"));

	/* Rebind through sysfs, then device removal unbinds in order. */
	ev_clear();
	EXPECT_EQ(4, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/bind",
			       "dev0"));
	EXPECT_STREQ("dma_configure(tdrv), BIND_DRIVER, probe(dev0), BOUND_DRIVER",
		     ev_str());
	ev_clear();
	sio_device_unregister(d);
	self->devs[0] = NULL;
	EXPECT_STREQ("DEL_DEVICE, UNBIND_DRIVER, remove(dev0), dma_cleanup, UNBOUND_DRIVER, REMOVED_DEVICE, release(dev0)",
		     ev_str());
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(self->m->sysfs, "/sys/devices/tbus/dev0"));
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(self->m->sysfs, "/sys/bus/tbus/devices/dev0"));
}

TEST_F(dev, failed_probe_cleans_up)
{
	struct sio_device *d;

	d = add_dev(_metadata, self, 0, self->bus, "dev0", "acme,nic", NULL);
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	EXPECT_EQ(&self->drv, d->driver);
	ASSERT_EQ(5, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/unbind", "dev0\n"));

	probe_ret = -EIO;
	ev_clear();
	EXPECT_EQ(-EIO, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/bind", "dev0\n"));
	EXPECT_STREQ("dma_configure(tdrv), BIND_DRIVER, probe(dev0), DRIVER_NOT_BOUND, dma_cleanup",
		     ev_str());
	EXPECT_NULL(d->driver);
	EXPECT_EQ(1, sio_log_search("tdrv: probe of dev0 failed with error -5",
				    self->log_since));
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(self->m->sysfs,
					  "/sys/bus/tbus/devices/dev0/driver"));

	/* A rejected match (-ENODEV) only logs at debug level. */
	probe_ret = -ENODEV;
	EXPECT_EQ(-ENODEV, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/bind", "dev0"));
	EXPECT_EQ(1, sio_log_search("probe of dev0 rejects match", self->log_since));
}

TEST_F(dev, dma_configure_error_fails_bind)
{
	struct sio_device *d;

	ASSERT_EQ(2, sys_write(self->m, "/sys/bus/tbus/drivers_autoprobe", "0\n"));
	d = add_dev(_metadata, self, 0, self->bus, "dev0", "acme,nic", NULL);
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	EXPECT_NULL(d->driver);

	/* As when a DMA-API driver binds to a device of a user-owned group. */
	dma_configure_ret = -EBUSY;
	ev_clear();
	EXPECT_EQ(-EBUSY, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/bind", "dev0\n"));
	EXPECT_STREQ("dma_configure(tdrv)", ev_str());
	EXPECT_NULL(d->driver);

	/* Deferral from dma_configure is reported as -EAGAIN by bind. */
	dma_configure_ret = -EPROBE_DEFER;
	EXPECT_EQ(-EAGAIN, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/bind", "dev0\n"));
	EXPECT_NULL(d->driver);
}

TEST_F(dev, bus_without_dma_ops)
{
	struct sio_device *d;

	ASSERT_EQ(0, sio_driver_register(self->nbus, &self->drv));
	d = add_dev(_metadata, self, 0, self->nbus, "n0", "acme,nic", NULL);
	EXPECT_STREQ("probe(n0)", ev_str());
	EXPECT_EQ(&self->drv, d->driver);
	probe_ret = -EIO;
	ev_clear();
	EXPECT_EQ(3, sys_write(self->m, "/sys/bus/nbus/drivers/tdrv/unbind", "n0\n"));
	EXPECT_EQ(-EIO, sys_write(self->m, "/sys/bus/nbus/drivers/tdrv/bind", "n0\n"));
	EXPECT_STREQ("remove(n0), probe(n0)", ev_str());
}

TEST_F(dev, driver_override)
{
	struct sio_device *d;
	const char *ovr = "/sys/bus/tbus/devices/dev0/driver_override";
	char big[SIO_SYSFS_BUF_SIZE];

	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv2));
	d = add_dev(_metadata, self, 0, self->bus, "dev0", "acme,nic", NULL);
	EXPECT_EQ(&self->drv, d->driver);
	EXPECT_STREQ("(null)\n", sys_read(self->m, ovr));

	/* "other" does not list acme,nic: no match without the override. */
	ASSERT_EQ(5, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/unbind", "dev0\n"));
	EXPECT_EQ(-ENODEV, sys_write(self->m, "/sys/bus/tbus/drivers/other/bind", "dev0\n"));

	EXPECT_EQ(6, sys_write(self->m, ovr, "other\n"));
	EXPECT_STREQ("other\n", sys_read(self->m, ovr));
	/* With an override only that driver matches, ids notwithstanding. */
	EXPECT_EQ(-ENODEV, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/bind", "dev0\n"));
	EXPECT_EQ(5, sys_write(self->m, "/sys/bus/tbus/drivers_probe", "dev0\n"));
	EXPECT_EQ(&self->drv2, d->driver);
	/* Bound: a second bind is -EBUSY even for a matching driver. */
	EXPECT_EQ(-EBUSY, sys_write(self->m, "/sys/bus/tbus/drivers/other/bind", "dev0\n"));

	/* Too long for show to fit it and a newline in a page. */
	memset(big, 'x', sizeof(big));
	EXPECT_EQ(-EINVAL, sio_sysfs_write(self->m->sysfs, ovr, big, SIO_SYSFS_BUF_SIZE - 1));
	EXPECT_STREQ("other\n", sys_read(self->m, ovr));

	/* Empty (or a lone newline) clears it. */
	EXPECT_EQ(1, sys_write(self->m, ovr, "\n"));
	EXPECT_STREQ("(null)\n", sys_read(self->m, ovr));
	EXPECT_EQ(5, sys_write(self->m, "/sys/bus/tbus/drivers/other/unbind", "dev0\n"));
	EXPECT_EQ(5, sys_write(self->m, "/sys/bus/tbus/drivers_probe", "dev0\n"));
	EXPECT_EQ(&self->drv, d->driver);
	EXPECT_EQ(6, sys_write(self->m, ovr, "other\n"));
	EXPECT_EQ(0, sys_write(self->m, ovr, ""));
	EXPECT_STREQ("(null)\n", sys_read(self->m, ovr));
	/* The override string is freed with the device (leak check). */
	EXPECT_EQ(6, sys_write(self->m, ovr, "other\n"));
}

/* Deferred probe: "waiter" defers until a "provider" device is bound. */
static bool provider_ready;

static int waiter_probe(struct sio_device *dev)
{
	record("waiter_probe(%s)", dev->name);
	return READ_ONCE(provider_ready) ? 0 : -EPROBE_DEFER;
}

static int provider_probe(struct sio_device *dev)
{
	record("provider_probe(%s)", dev->name);
	WRITE_ONCE(provider_ready, true);
	return 0;
}

static const char *const waiter_ids[] = { "acme,waiter", NULL };
static const char *const provider_ids[] = { "acme,provider", NULL };

static bool on_deferred_list(struct sio_machine *m, struct sio_device *d)
{
	bool on;

	mutex_lock(&m->lock);
	on = !list_empty(&d->deferred_node);
	mutex_unlock(&m->lock);
	return on;
}

TEST_F(dev, deferred_probe_retried_on_bind)
{
	struct sio_device *w, *p;

	provider_ready = false;
	self->drv = (struct sio_driver){ .name = "waiter", .ids = waiter_ids,
					 .probe = waiter_probe };
	self->drv2 = (struct sio_driver){ .name = "provider", .ids = provider_ids,
					  .probe = provider_probe };
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv2));
	w = add_dev(_metadata, self, 0, self->bus, "w0", "acme,waiter", NULL);
	EXPECT_NULL(w->driver);
	EXPECT_TRUE(on_deferred_list(self->m, w));
	EXPECT_EQ(1, sio_log_search("Driver waiter requests probe deferral",
				    self->log_since));
	/* Retrying with nothing new defers again. */
	sio_deferred_probe_trigger(self->m);
	sio_wait_for_device_probe(self->m);
	EXPECT_NULL(w->driver);
	EXPECT_TRUE(on_deferred_list(self->m, w));
	/* Binding via sysfs reports deferral as -EAGAIN. */
	EXPECT_EQ(-EAGAIN, sys_write(self->m, "/sys/bus/tbus/drivers/waiter/bind", "w0"));

	/* A successful bind elsewhere retries the deferred device. */
	p = add_dev(_metadata, self, 1, self->bus, "p0", "acme,provider", NULL);
	EXPECT_EQ(&self->drv2, p->driver);
	sio_wait_for_device_probe(self->m);
	EXPECT_EQ(&self->drv, w->driver);
	EXPECT_FALSE(on_deferred_list(self->m, w));
}

/*
 * A driver registration binding several devices retries deferred devices
 * once, after its whole attach loop: the waiter's retry never interleaves
 * with the provider's binds, so a simulated boot logs the same order on
 * every run.  p1's probe opens a window for an early retry: it waits (at
 * most 200 ms, not a timing assertion) for the waiter to probe, which can
 * only happen there if retries are not held.
 */
static struct completion waiter_probed;

static int waiter_probe_signal(struct sio_device *dev)
{
	int ret = waiter_probe(dev);

	if (!ret)
		complete(&waiter_probed);
	return ret;
}

static int provider_probe_window(struct sio_device *dev)
{
	int ret = provider_probe(dev);

	if (!strcmp(dev->name, "p1"))
		wait_for_completion_timeout(&waiter_probed, 200);
	return ret;
}

TEST_F(dev, deferred_retry_waits_for_the_attach_loop)
{
	struct sio_device *w;

	provider_ready = false;
	init_completion(&waiter_probed);
	self->drv = (struct sio_driver){ .name = "waiter", .ids = waiter_ids,
					 .probe = waiter_probe_signal };
	self->drv2 = (struct sio_driver){ .name = "provider",
					  .ids = provider_ids,
					  .probe = provider_probe_window };
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	w = add_dev(_metadata, self, 0, self->bus, "w0", "acme,waiter", NULL);
	add_dev(_metadata, self, 1, self->bus, "p0", "acme,provider", NULL);
	add_dev(_metadata, self, 2, self->bus, "p1", "acme,provider", NULL);
	add_dev(_metadata, self, 3, self->bus, "p2", "acme,provider", NULL);
	ev_clear();
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv2));
	sio_wait_for_device_probe(self->m);
	EXPECT_EQ(&self->drv, w->driver);
	EXPECT_STREQ("dma_configure(provider), BIND_DRIVER, "
		     "provider_probe(p0), BOUND_DRIVER, "
		     "dma_configure(provider), BIND_DRIVER, "
		     "provider_probe(p1), BOUND_DRIVER, "
		     "dma_configure(provider), BIND_DRIVER, "
		     "provider_probe(p2), BOUND_DRIVER, "
		     "dma_configure(waiter), BIND_DRIVER, "
		     "waiter_probe(w0), BOUND_DRIVER",
		     ev_str());
	destroy_completion(&waiter_probed);
}

TEST_F(dev, deferred_probe_explicit_trigger)
{
	struct sio_device *w;

	provider_ready = false;
	self->drv = (struct sio_driver){ .name = "waiter", .ids = waiter_ids,
					 .probe = waiter_probe };
	w = add_dev(_metadata, self, 0, self->bus, "w0", "acme,waiter", NULL);
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	EXPECT_TRUE(on_deferred_list(self->m, w));
	/* dma_cleanup ran after the deferred probe too. */
	EXPECT_STREQ("ADD_DEVICE, dma_configure(waiter), BIND_DRIVER, waiter_probe(w0), DRIVER_NOT_BOUND, dma_cleanup",
		     ev_str());
	WRITE_ONCE(provider_ready, true);
	sio_deferred_probe_trigger(self->m);
	sio_wait_for_device_probe(self->m);
	EXPECT_EQ(&self->drv, w->driver);
}

TEST_F(dev, deferred_device_removed)
{
	struct sio_device *w;

	provider_ready = false;
	self->drv = (struct sio_driver){ .name = "waiter", .ids = waiter_ids,
					 .probe = waiter_probe };
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	w = add_dev(_metadata, self, 0, self->bus, "w0", "acme,waiter", NULL);
	ASSERT_TRUE(on_deferred_list(self->m, w));
	sio_device_unregister(w);
	self->devs[0] = NULL;
	EXPECT_EQ(1, released);
	mutex_lock(&self->m->lock);
	EXPECT_TRUE(list_empty(&self->m->deferred));
	mutex_unlock(&self->m->lock);
	WRITE_ONCE(provider_ready, true);
	sio_deferred_probe_trigger(self->m);
	sio_wait_for_device_probe(self->m);
}

static ssize_t busy_store(void *priv, const char *buf, size_t count)
{
	return -EBUSY;
}

static ssize_t priv_show(void *priv, char *buf)
{
	return snprintf(buf, SIO_SYSFS_BUF_SIZE, "%s\n", (const char *)priv);
}

static const struct sio_attribute busy_attr = {
	.name = "busy", .mode = 0644, .show = priv_show, .store = busy_store,
};
static const struct sio_attribute wo_attr = {
	.name = "wo", .mode = 0200, .store = busy_store,
};

TEST_F(dev, sysfs_errno)
{
	struct sio_sysfs *fs = self->m->sysfs;
	struct sio_sysfs_node *dir;
	char buf[64];

	add_dev(_metadata, self, 0, self->bus, "dev0", "acme,nic", NULL);
	dir = sio_sysfs_mkdir_p(fs, "/sys/kernel/test");
	ASSERT_FALSE(IS_ERR(dir));
	sio_sysfs_remove(dir);
	dir = sio_sysfs_mkdir(self->m->kernel_kobj, "test", "hello");
	ASSERT_FALSE(IS_ERR(dir));
	ASSERT_EQ(0, sio_sysfs_create_file(dir, &busy_attr));
	ASSERT_EQ(0, sio_sysfs_create_file(dir, &wo_attr));
	EXPECT_EQ(-EEXIST, sio_sysfs_create_file(dir, &busy_attr));
	EXPECT_EQ(-EEXIST, PTR_ERR(sio_sysfs_mkdir(self->m->kernel_kobj, "test", NULL)));
	EXPECT_EQ(-EINVAL, PTR_ERR(sio_sysfs_mkdir(dir, "a/b", NULL)));

	/* The store's error reaches the writer; show gets the dir's priv. */
	EXPECT_EQ(-EBUSY, sys_write(self->m, "/sys/kernel/test/busy", "1\n"));
	EXPECT_STREQ("hello\n", sys_read(self->m, "/sys/kernel/test/busy"));
	EXPECT_EQ(-EACCES, sio_sysfs_read(fs, "/sys/kernel/test/wo", buf, sizeof(buf)));
	EXPECT_EQ(-ENOENT, sio_sysfs_read(fs, "/sys/kernel/nope", buf, sizeof(buf)));
	EXPECT_EQ(-ENOENT, sys_write(self->m, "/sys/bus/tbus/drivers/nope/bind", "dev0"));
	EXPECT_EQ(-EACCES, sys_write(self->m, "/sys/bus/tbus/devices/dev0/compatible", "x"));
	EXPECT_EQ(-EISDIR, sio_sysfs_read(fs, "/sys/bus/tbus", buf, sizeof(buf)));
	EXPECT_EQ(-EISDIR, sio_sysfs_read(fs, "/sys/bus/tbus/devices/dev0", buf, sizeof(buf)));
	EXPECT_EQ(-EISDIR, sys_write(self->m, "/sys/bus", "x"));
	EXPECT_EQ(-ENOTDIR, sio_sysfs_read(fs, "/sys/kernel/test/busy/x", buf, sizeof(buf)));
	EXPECT_EQ(-ENOTDIR, sio_sysfs_read(fs, "/sys/kernel/test/busy/", buf, sizeof(buf)));
	/* Reads are truncated to the caller's buffer, NUL-terminated. */
	EXPECT_EQ(3, sio_sysfs_read(fs, "/sys/kernel/test/busy", buf, 4));
	EXPECT_STREQ("hel", buf);

	/* Device-model files. */
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	EXPECT_EQ(-EBUSY, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/bind", "dev0\n"));
	EXPECT_EQ(-ENODEV, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/bind", "nodev\n"));
	EXPECT_EQ(-ENODEV, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/bind", "dev"));
	EXPECT_EQ(-ENODEV, sys_write(self->m, "/sys/bus/tbus/drivers_probe", "nodev"));
	EXPECT_EQ(-EACCES, sio_sysfs_read(fs, "/sys/bus/tbus/drivers/tdrv/bind", buf, sizeof(buf)));
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv2));
	EXPECT_EQ(-ENODEV, sys_write(self->m, "/sys/bus/tbus/drivers/other/unbind", "dev0\n"));
	EXPECT_EQ(&self->drv, self->devs[0]->driver);
	/* Duplicate names. */
	EXPECT_EQ(-EBUSY, sio_driver_register(self->bus, &(struct sio_driver){ .name = "tdrv" }));
	EXPECT_EQ(-EEXIST, PTR_ERR(sio_bus_register(self->m, &tbus_type)));
	{
		struct sio_device *dup = tdev_new(self->bus, "dev0", "", NULL);

		ASSERT_NOT_NULL(dup);
		EXPECT_EQ(-EEXIST, sio_device_add(dup));
		sio_put_device(dup);
		EXPECT_EQ(1, released);
	}
	sio_sysfs_remove(dir);
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(fs, "/sys/kernel/test/busy"));
}

static int collect(const char *name, char type, void *data)
{
	char *out = data;

	sprintf(out + strlen(out), "%s%s:%c", *out ? " " : "", name, type);
	return 0;
}

TEST_F(dev, sysfs_paths_and_links)
{
	struct sio_sysfs *fs = self->m->sysfs;
	struct sio_device *p, *c;
	char names[512] = "";

	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	p = add_dev(_metadata, self, 0, self->bus, "p0", "acme,nic", NULL);
	c = add_dev(_metadata, self, 1, self->bus, "c0", "acme,nic", p);
	EXPECT_EQ(&self->drv, c->driver);

	EXPECT_STREQ("/sys/devices/tbus/p0/c0",
		     sys_readlink(self->m, "/sys/bus/tbus/devices/c0"));
	EXPECT_STREQ("/sys/bus/tbus",
		     sys_readlink(self->m, "/sys/bus/tbus/devices/c0/subsystem"));
	/* ".." after a link is taken from where the link points. */
	EXPECT_STREQ("/sys/devices/tbus/p0",
		     sys_readlink(self->m, "/sys/bus/tbus/devices/c0/.."));
	EXPECT_STREQ("1\n", sys_read(self->m,
		"/sys/bus/tbus/devices/c0/../../../../bus/./tbus//drivers_autoprobe"));
	EXPECT_STREQ("acme,nic\n", sys_read(self->m,
		"/sys/bus/tbus/drivers/tdrv/c0/driver/p0/compatible"));
	EXPECT_STREQ("tbus:acme,nic\n", sys_read(self->m,
		"/sys/devices/tbus/p0/modalias"));
	EXPECT_STREQ("/", sys_readlink(self->m, "/.."));
	/* Trailing slash: follows a final link, requires a directory. */
	EXPECT_EQ('l', sio_sysfs_stat(fs, "/sys/bus/tbus/devices/c0"));
	EXPECT_EQ('d', sio_sysfs_stat(fs, "/sys/bus/tbus/devices/c0/"));
	EXPECT_EQ('f', sio_sysfs_stat(fs, "/sys/bus/tbus/devices/c0/compatible"));
	EXPECT_EQ(-ENOTDIR, sio_sysfs_stat(fs, "/sys/bus/tbus/devices/c0/compatible/"));
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(fs, "/sys/bus/tbus/devices/c1"));

	EXPECT_EQ(0, sio_sysfs_list(fs, "/sys/bus/tbus", collect, names));
	EXPECT_STREQ("devices:d drivers:d drivers_autoprobe:f drivers_probe:f", names);
	names[0] = '\0';
	EXPECT_EQ(0, sio_sysfs_list(fs, "/sys/bus/tbus/devices/p0", collect, names));
	EXPECT_STREQ("c0:d compatible:f driver:l driver_override:f modalias:f subsystem:l",
		     names);
	names[0] = '\0';
	EXPECT_EQ(0, sio_sysfs_list(fs, "/sys/bus/tbus/drivers/tdrv", collect, names));
	EXPECT_STREQ("bind:f c0:l p0:l unbind:f", names);
	EXPECT_EQ(-ENOTDIR, sio_sysfs_list(fs, "/sys/bus/tbus/drivers_probe", collect, names));
	EXPECT_EQ(-ENOENT, sio_sysfs_list(fs, "/nope", collect, names));
	{
		char path[64];

		EXPECT_EQ(23, sio_sysfs_path(c->kobj, path, sizeof(path)));
		EXPECT_STREQ("/sys/devices/tbus/p0/c0", path);
		EXPECT_EQ(-ENAMETOOLONG, sio_sysfs_path(c->kobj, path, 10));
	}
	/* A link whose target went away no longer resolves. */
	sio_device_unregister(c);
	self->devs[1] = NULL;
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(fs, "/sys/bus/tbus/devices/c0/"));
}

static int prio_cb(struct sio_notifier_block *nb, unsigned long action,
		   void *data)
{
	if (action == SIO_BUS_NOTIFY_ADD_DEVICE)
		record("prio %d", nb->priority);
	return nb->priority == -100 ? NOTIFY_STOP : NOTIFY_DONE;
}

TEST_F(dev, notifier_order)
{
	struct sio_notifier_block a = { .notifier_call = prio_cb, .priority = 0 };
	struct sio_notifier_block b = { .notifier_call = prio_cb, .priority = 10 };
	struct sio_notifier_block c = { .notifier_call = prio_cb, .priority = -5 };
	struct sio_notifier_block s = { .notifier_call = prio_cb, .priority = -100 };
	struct sio_notifier_block z = { .notifier_call = prio_cb, .priority = -200 };

	ASSERT_EQ(0, sio_bus_unregister_notifier(self->bus, &self->nb));
	ASSERT_EQ(0, sio_bus_register_notifier(self->bus, &a));
	ASSERT_EQ(0, sio_bus_register_notifier(self->bus, &z));
	ASSERT_EQ(0, sio_bus_register_notifier(self->bus, &b));
	ASSERT_EQ(0, sio_bus_register_notifier(self->bus, &s));
	ASSERT_EQ(0, sio_bus_register_notifier(self->bus, &c));
	add_dev(_metadata, self, 0, self->bus, "dev0", "", NULL);
	/* Highest first; NOTIFY_STOP ends the chain before -200. */
	EXPECT_STREQ("prio 10, prio 0, prio -5, prio -100", ev_str());
	EXPECT_EQ(-ENOENT, sio_bus_unregister_notifier(self->bus, &self->nb));
	test_expect_warns(1);
	EXPECT_EQ(-EEXIST, sio_bus_register_notifier(self->bus, &a));
	sio_device_unregister(self->devs[0]);
	self->devs[0] = NULL;
	EXPECT_EQ(0, sio_bus_unregister_notifier(self->bus, &a));
	EXPECT_EQ(0, sio_bus_unregister_notifier(self->bus, &b));
	EXPECT_EQ(0, sio_bus_unregister_notifier(self->bus, &c));
	EXPECT_EQ(0, sio_bus_unregister_notifier(self->bus, &s));
	EXPECT_EQ(0, sio_bus_unregister_notifier(self->bus, &z));
	ASSERT_EQ(0, sio_bus_register_notifier(self->bus, &self->nb));
}

TEST_F(dev, refcount_and_parent)
{
	struct sio_device *p, *c, *ref;

	p = add_dev(_metadata, self, 0, self->bus, "p0", "", NULL);
	c = add_dev(_metadata, self, 1, self->bus, "c0", "", p);
	ASSERT_EQ(0, sio_sysfs_stat(self->m->sysfs, "/sys/devices/tbus/p0/c0") == 'd' ? 0 : 1);

	ref = sio_bus_find_device_by_name(self->bus, "c0");
	ASSERT_EQ(c, ref);
	EXPECT_EQ(c, sio_machine_find_device(self->m, "c0"));
	sio_put_device(c);
	EXPECT_NULL(sio_machine_find_device(self->m, "zz"));
	sio_device_unregister(c);
	self->devs[1] = NULL;
	EXPECT_EQ(0, released);		/* @ref still holds it */
	EXPECT_NULL(sio_bus_find_device_by_name(self->bus, "c0"));
	/* The child's parent reference is gone with its del; ours keeps p0. */
	ref = sio_get_device(p);
	sio_device_unregister(p);
	self->devs[0] = NULL;
	EXPECT_EQ(0, released);
	sio_put_device(ref);
	EXPECT_EQ(1, released);
	sio_put_device(c);		/* the lookup's reference */
	EXPECT_EQ(2, released);
}

TEST_F(dev, driver_register_and_unregister)
{
	struct sio_device *a, *b, *n;
	char buf[8];

	a = add_dev(_metadata, self, 0, self->bus, "a", "acme,nic", NULL);
	b = add_dev(_metadata, self, 1, self->bus, "b", "acme,nic", NULL);
	n = add_dev(_metadata, self, 2, self->bus, "n", "acme,other", NULL);
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	EXPECT_EQ(&self->drv, a->driver);
	EXPECT_EQ(&self->drv, b->driver);
	EXPECT_NULL(n->driver);
	EXPECT_EQ(&self->drv, sio_driver_find(self->bus, "tdrv"));
	EXPECT_NULL(sio_driver_find(self->bus, "zz"));
	EXPECT_EQ(self->bus, sio_bus_find(self->m, "tbus"));
	EXPECT_NULL(sio_bus_find(self->m, "zz"));

	ev_clear();
	sio_driver_unregister(&self->drv);
	EXPECT_STREQ("UNBIND_DRIVER, remove(a), dma_cleanup, UNBOUND_DRIVER, UNBIND_DRIVER, remove(b), dma_cleanup, UNBOUND_DRIVER",
		     ev_str());
	EXPECT_NULL(a->driver);
	EXPECT_NULL(b->driver);
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(self->m->sysfs, "/sys/bus/tbus/drivers/tdrv"));
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(self->m->sysfs, "/sys/bus/tbus/devices/a/driver"));

	/* Autoprobe off: nothing binds until drivers_probe or rescan. */
	EXPECT_EQ(2, sys_write(self->m, "/sys/bus/tbus/drivers_autoprobe", "0\n"));
	EXPECT_STREQ("0\n", sys_read(self->m, "/sys/bus/tbus/drivers_autoprobe"));
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	EXPECT_NULL(a->driver);
	EXPECT_EQ(2, sys_write(self->m, "/sys/bus/tbus/drivers_probe", "a\n"));
	EXPECT_EQ(&self->drv, a->driver);
	EXPECT_NULL(b->driver);
	EXPECT_EQ(0, sio_bus_rescan_devices(self->bus));
	EXPECT_EQ(&self->drv, b->driver);
	EXPECT_EQ(1, sio_device_attach(b));
	EXPECT_EQ(0, sio_device_attach(n));
	EXPECT_EQ(-ENODEV, sio_device_driver_attach(&self->drv, n));
	sio_device_release_driver(a);
	EXPECT_NULL(a->driver);
	EXPECT_EQ(0, sio_device_driver_attach(&self->drv, a));
	EXPECT_EQ(&self->drv, a->driver);
	(void)buf;
}

/* A parent whose probe adds a child that binds: lock nesting is clean. */
static struct sio_bus *child_bus;
static struct sio_device *child_dev;

static int parent_probe(struct sio_device *dev)
{
	child_dev = tdev_new(child_bus, "child", "acme,nic", dev);
	if (!child_dev)
		return -ENOMEM;
	return sio_device_add(child_dev);
}

static void parent_remove(struct sio_device *dev)
{
	sio_device_unregister(child_dev);
	child_dev = NULL;
}

TEST_F(dev, parent_probe_adds_child)
{
	static const char *const parent_ids[] = { "acme,bridge", NULL };
	struct sio_device *p;

	child_bus = self->bus;
	self->drv2 = (struct sio_driver){ .name = "bridge", .ids = parent_ids,
					  .probe = parent_probe,
					  .remove = parent_remove };
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv2));
	p = add_dev(_metadata, self, 0, self->bus, "br", "acme,bridge", NULL);
	EXPECT_EQ(&self->drv2, p->driver);
	ASSERT_NOT_NULL(child_dev);
	EXPECT_EQ(&self->drv, child_dev->driver);
	/* Driver-side unbind of the child takes the parent lock first. */
	EXPECT_EQ(6, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/unbind", "child\n"));
	EXPECT_EQ(6, sys_write(self->m, "/sys/bus/tbus/drivers/tdrv/bind", "child\n"));
	/* Parent unbind removes the child from its remove(). */
	EXPECT_EQ(3, sys_write(self->m, "/sys/bus/tbus/drivers/bridge/unbind", "br\n"));
	EXPECT_NULL(child_dev);
	EXPECT_EQ(1, released);
}

TEST_F(dev, dev_printk_prefix)
{
	struct sio_device *d;

	d = add_dev(_metadata, self, 0, self->bus, "dev0", "acme,nic", NULL);
	dev_info(d, "hello %d", 1);
	EXPECT_EQ(1, sio_log_search("tbus dev0: hello 1", self->log_since));
	EXPECT_STREQ("tbus", sio_dev_driver_string(d));
	ASSERT_EQ(0, sio_driver_register(self->bus, &self->drv));
	dev_info(d, "hello %d", 2);
	EXPECT_EQ(1, sio_log_search("tdrv dev0: hello 2", self->log_since));
	EXPECT_STREQ("tdrv dev0", sio_dev_prefix(d));
	test_expect_warns(1);
	EXPECT_TRUE(dev_WARN(d, "fishy %s", "here"));
	EXPECT_EQ(1, sio_log_search("fishy here", self->log_since));
}

TEST(sysfs_standalone_remove_and_refs)
{
	struct sio_sysfs *fs = sio_sysfs_create();
	struct sio_sysfs_node *a, *b, *c, *p;
	char buf[64];

	ASSERT_NOT_NULL(fs);
	a = sio_sysfs_mkdir(sio_sysfs_root(fs), "a", NULL);
	b = sio_sysfs_mkdir(a, "b", "bee");
	ASSERT_FALSE(IS_ERR(b));
	ASSERT_EQ(0, sio_sysfs_create_file(b, &busy_attr));
	c = sio_sysfs_mkdir_p(fs, "/x/y/z");
	ASSERT_FALSE(IS_ERR(c));
	ASSERT_EQ(0, sio_sysfs_create_link(c, b, "tob"));
	EXPECT_STREQ("bee\n", (sio_sysfs_read(fs, "/x/y/z/tob/busy", buf, sizeof(buf)), buf));
	EXPECT_EQ(-EEXIST, sio_sysfs_create_link(c, b, "tob"));
	p = sio_sysfs_mkdir_p(fs, "/x/y");	/* existing: another reference */
	EXPECT_EQ(-ENOTDIR, PTR_ERR(sio_sysfs_mkdir_p(fs, "/x/y/z/tob/q")));
	/* Removing the parent removes the child; the child's owner may still
	 * call remove on its (now dead) node. */
	sio_sysfs_remove(a);
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(fs, "/a"));
	EXPECT_EQ(-ENOENT, sio_sysfs_read(fs, "/x/y/z/tob/busy", buf, sizeof(buf)));
	EXPECT_EQ('l', sio_sysfs_stat(fs, "/x/y/z/tob"));
	EXPECT_EQ(-ENOENT, sio_sysfs_path(b, buf, sizeof(buf)));
	EXPECT_EQ(-ENOENT, PTR_ERR(sio_sysfs_mkdir(b, "new", NULL)));
	sio_sysfs_remove(b);
	sio_sysfs_remove_name(c, "tob");
	EXPECT_EQ(-ENOENT, sio_sysfs_stat(fs, "/x/y/z/tob"));
	sio_sysfs_remove(p);
	EXPECT_EQ('d', sio_sysfs_stat(fs, "/x"));
	sio_sysfs_remove(c);		/* already gone with /x/y */
	sio_sysfs_destroy(fs);
}

TEST_HARNESS_MAIN
