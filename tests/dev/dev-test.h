/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared scaffolding for the device-model tests: a test bus type whose
 * dma_configure/dma_cleanup record what happened, test drivers, heap
 * devices whose release is counted, and an event log to check orders.
 */
#ifndef SIO_TESTS_DEV_TEST_H
#define SIO_TESTS_DEV_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "dev/device.h"

#define EV_MAX 128
#define EV_LEN 96

/* Events of the running test (each test runs in its own process). */
static char ev[EV_MAX][EV_LEN];
static int nev;
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;

static __maybe_unused __attribute__((format(printf, 1, 2))) void record(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&ev_lock);
	if (nev < EV_MAX) {
		va_start(ap, fmt);
		vsnprintf(ev[nev++], EV_LEN, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&ev_lock);
}

static __maybe_unused void ev_clear(void)
{
	pthread_mutex_lock(&ev_lock);
	nev = 0;
	pthread_mutex_unlock(&ev_lock);
}

/* All recorded events joined with ", " (for one readable comparison). */
static __maybe_unused const char *ev_str(void)
{
	static char buf[EV_MAX * EV_LEN];
	int i;

	buf[0] = '\0';
	pthread_mutex_lock(&ev_lock);
	for (i = 0; i < nev; i++) {
		if (i)
			strcat(buf, ", ");
		strcat(buf, ev[i]);
	}
	pthread_mutex_unlock(&ev_lock);
	return buf;
}

/* --------------------------------------------------------------- bus type */

static int dma_configure_ret;

static __maybe_unused int t_dma_configure(struct sio_device *dev)
{
	struct sio_driver *drv = READ_ONCE(dev->driver);

	record("dma_configure(%s)", drv ? drv->name : "-");
	return dma_configure_ret;
}

static __maybe_unused void t_dma_cleanup(struct sio_device *dev)
{
	record("dma_cleanup");
}

static const struct sio_bus_type tbus_type = {
	.name = "tbus",
	.dma_configure = t_dma_configure,
	.dma_cleanup = t_dma_cleanup,
};

/* A bus kind without DMA callbacks. */
static const struct sio_bus_type nbus_type = { .name = "nbus" };

/* ---------------------------------------------------------------- devices */

static int released;

struct tdev {
	struct sio_device dev;
	int magic;
};

static __maybe_unused void tdev_release(struct sio_device *dev)
{
	struct tdev *t = container_of(dev, struct tdev, dev);

	record("release(%s)", dev->name);
	__atomic_add_fetch(&released, 1, __ATOMIC_SEQ_CST);
	kfree(t);
}

/* Allocate and initialise (not add) a device. */
static __maybe_unused struct sio_device *tdev_new(struct sio_bus *bus, const char *name,
				   const char *compatible,
				   struct sio_device *parent)
{
	struct tdev *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	snprintf(t->dev.compatible, sizeof(t->dev.compatible), "%s",
		 compatible);
	t->dev.parent = parent;
	t->dev.release = tdev_release;
	t->magic = 0x5a5a;
	sio_device_initialize(&t->dev, bus, name);
	return &t->dev;
}

/* ---------------------------------------------------------------- drivers */

static int probe_ret;

static __maybe_unused int t_probe(struct sio_device *dev)
{
	record("probe(%s)", dev->name);
	return probe_ret;
}

static __maybe_unused void t_remove(struct sio_device *dev)
{
	record("remove(%s)", dev->name);
}

static const char *const nic_ids[] = { "acme,nic", NULL };
static const char *const none_ids[] = { NULL };

/* --------------------------------------------------------------- notifier */

static __maybe_unused const char *notify_name(unsigned long action)
{
	switch (action) {
	case SIO_BUS_NOTIFY_ADD_DEVICE: return "ADD_DEVICE";
	case SIO_BUS_NOTIFY_DEL_DEVICE: return "DEL_DEVICE";
	case SIO_BUS_NOTIFY_REMOVED_DEVICE: return "REMOVED_DEVICE";
	case SIO_BUS_NOTIFY_BIND_DRIVER: return "BIND_DRIVER";
	case SIO_BUS_NOTIFY_BOUND_DRIVER: return "BOUND_DRIVER";
	case SIO_BUS_NOTIFY_UNBIND_DRIVER: return "UNBIND_DRIVER";
	case SIO_BUS_NOTIFY_UNBOUND_DRIVER: return "UNBOUND_DRIVER";
	case SIO_BUS_NOTIFY_DRIVER_NOT_BOUND: return "DRIVER_NOT_BOUND";
	}
	return "?";
}

static __maybe_unused int rec_notify(struct sio_notifier_block *nb, unsigned long action,
		      void *data)
{
	record("%s", notify_name(action));
	return NOTIFY_OK;
}

/* ----------------------------------------------------------------- sysfs */

static __maybe_unused ssize_t sys_write(struct sio_machine *m, const char *path,
			 const char *val)
{
	return sio_sysfs_write(m->sysfs, path, val, strlen(val));
}

/* Read into a static buffer; returns it, or "ERR<n>" text on error. */
static __maybe_unused const char *sys_read(struct sio_machine *m, const char *path)
{
	static char buf[SIO_SYSFS_BUF_SIZE];
	ssize_t r = sio_sysfs_read(m->sysfs, path, buf, sizeof(buf));

	if (r < 0)
		snprintf(buf, sizeof(buf), "ERR%zd", r);
	return buf;
}

static __maybe_unused const char *sys_readlink(struct sio_machine *m, const char *path)
{
	static char buf[256];
	ssize_t r = sio_sysfs_readlink(m->sysfs, path, buf, sizeof(buf));

	if (r < 0)
		snprintf(buf, sizeof(buf), "ERR%zd", r);
	return buf;
}

#endif /* SIO_TESTS_DEV_TEST_H */
