/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by the device model's files (device.c, bus-type.c, dd.c).
 * Kernel counterpart: drivers/base/base.h
 */
#ifndef SIO_DEV_PRIV_H
#define SIO_DEV_PRIV_H

#include "dev/device.h"

/*
 * Lock order of the device model, outermost first (see also the kernel-doc
 * of each lock's field in device.h):
 *
 *   parent device lock -> child device lock   (lockdep subclass = depth)
 *     -> bus->notifier_lock                   (BIND/UNBIND/... notifications)
 *          -> what notifier callbacks take    (IOMMU probe lock, group mutex)
 *     -> bus->dma_configure / dma_cleanup     (IOMMU probe lock, group mutex)
 *     -> machine->lock -> bus->lock           (leaves)
 *     -> sysfs tree lock                      (leaf; inside everything)
 *
 * Device locks are always taken before the IOMMU group mutex, never after.
 * sysfs removal that drains callbacks (device_del, driver and bus
 * unregister) runs with no device lock held.
 */

/*
 * Unlocked accesses to fields written under a lock (dev->driver,
 * bus->drivers_autoprobe): relaxed atomics, which TSan understands (the
 * volatile READ_ONCE of base/types.h is a plain access to it).
 */
#define SIO_READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define SIO_WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* Device lock with its depth as lockdep subclass (parent before child). */
static inline void sio_device_lock_nested(struct sio_device *dev)
{
	mutex_lock_nested(&dev->lock, dev->depth < 8 ? dev->depth : 7);
}

/* Bus notifier chain (kernel bus_notify).  Context: takes notifier_lock. */
void sio_bus_notify(struct sio_device *dev, enum sio_bus_notify action);

/* Next device / driver after *@seq, referenced, or NULL (no lock held). */
struct sio_device *sio_bus_next_dev(struct sio_bus *bus, u64 *seq);
struct sio_driver *sio_bus_next_drv(struct sio_bus *bus, u64 *seq);
void sio_driver_put(struct sio_driver *drv);

/* dd.c */
int sio_driver_attach(struct sio_driver *drv);
void sio_driver_detach(struct sio_driver *drv);
void sio_deferred_probe_del(struct sio_device *dev);
void sio_deferred_probe_work(struct work_struct *work);
/* Unbind @dev if bound to @drv (NULL: any driver); parent lock first. */
void sio_device_release_driver_internal(struct sio_device *dev,
					struct sio_driver *drv);

/* Strip one trailing newline: length of @buf without it. */
static inline size_t sio_strip_newline(const char *buf, size_t count)
{
	if (count && buf[count - 1] == '\n')
		count--;
	return count;
}

#endif /* SIO_DEV_PRIV_H */
