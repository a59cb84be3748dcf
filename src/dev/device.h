/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device model: machines, buses, devices and drivers; binding in the
 * kernel's order; deferred probe; bus notifiers; device-prefixed logging.
 * Kernel counterpart: drivers/base/{core,bus,dd}.c, include/linux/device.h
 */
#ifndef SIO_DEV_DEVICE_H
#define SIO_DEV_DEVICE_H

#include "base/base.h"
#include "dev/sysfs.h"

struct sio_machine;
struct sio_bus;
struct sio_device;
struct sio_driver;
struct dev_iommu;		/* owned by the IOMMU core */
struct iommu_group;		/* owned by the IOMMU core */
struct iommu_subsys;		/* per-machine IOMMU core state */
struct sio_dma_link;		/* src/dev/dma-link.h */
struct sio_phys_mem;		/* simulated RAM, src/mem/phys-mem.h */

/* A reserved region in a device's firmware description (IOMMU core §2.6). */
struct sio_fw_resv {
	u64 start;
	u64 length;
	int prot;			/* IOMMU_READ | IOMMU_WRITE ... */
	int type;			/* enum iommu_resv_type */
};

#define SIO_FW_MAX_IDS		8
#define SIO_FW_MAX_RESV		4
#define SIO_NAME_LEN		64

/**
 * struct sio_fw_desc - what firmware (DT/IORT) says about a device's DMA
 * @iommu: name of the IOMMU instance the device sits behind ("" = none)
 * @ids: stream IDs; @num_ids of them
 * @late: the IOMMU learns of the device only when the bus dma_configure
 *        runs the firmware configuration (the ACPI/IORT ordering of seed 000)
 * @pasid_bits: PASID capability width (0 = none)
 * @alias: devices behind the same IOMMU with the same non-empty alias share
 *         one IOMMU group (PCI functions without ACS isolation)
 * @resv: reserved regions; @num_resv of them
 */
struct sio_fw_desc {
	char iommu[SIO_NAME_LEN];
	u32 ids[SIO_FW_MAX_IDS];
	unsigned int num_ids;
	bool late;
	unsigned int pasid_bits;
	char alias[SIO_NAME_LEN];
	struct sio_fw_resv resv[SIO_FW_MAX_RESV];
	unsigned int num_resv;
};

/**
 * struct sio_device - a device
 *
 * Lifetime: reference counted (sio_get_device/sio_put_device); @release runs
 * when the last reference goes.  Locks: @lock (device_lock) serialises
 * binding; parent before child (the device model takes it with lockdep
 * subclass = depth); it nests outside bus->notifier_lock, the IOMMU probe
 * lock and group mutex (dma_configure runs under it), machine->lock,
 * bus->lock and the sysfs tree lock.  See src/dev/dev-priv.h.
 */
struct sio_device {
	char name[SIO_NAME_LEN];		/* "0000:00:02.0"; immutable */
	char compatible[SIO_NAME_LEN];		/* matched against driver ids */
	struct sio_bus *bus;			/* immutable */
	struct sio_device *parent;		/* holds a reference */
	struct sio_machine *machine;		/* immutable */
	refcount_t kref;
	void (*release)(struct sio_device *dev);

	struct mutex lock;			/* device_lock: binding state */
	struct sio_driver *driver;		/* under @lock; READ_ONCE outside */
	char *driver_override;			/* under @lock */
	void *driver_data;			/* the bound driver's */
	void *platform_data;			/* the creator's (endpoint model) */

	struct sio_fw_desc fw;			/* firmware description */
	bool fw_configured;			/* firmware DMA config has run */
	bool untrusted;				/* external-facing (PCI) */
	u64 dma_mask;

	/* IOMMU core state; see src/core. */
	struct dev_iommu *iommu;		/* under the probe lock / group mutex */
	struct iommu_group *iommu_group;	/* set at probe, cleared at release */
	bool dma_use_counted;			/* divergence: see docs/divergences.md */
	/*
	 * The device <-> IOMMU link (src/dev/dma-link.c): NULL = no IOMMU in
	 * the way (untranslated).  Published with a release store under
	 * machine->dma_link_lock, read lock-free by DMA; owned by the device
	 * (freed at release).
	 */
	struct sio_dma_link *dma_link;

	struct list_head bus_node;		/* on bus->devices, under bus lock */
	struct list_head deferred_node;		/* on machine->deferred, under its lock */
	struct sio_sysfs_node *kobj;		/* /sys/devices/.../<name> */
	bool registered;			/* between add and del; under @lock */
	bool can_match;				/* a driver deferred it */

	/* private to the device model */
	u64 bus_seq;				/* position on bus->devices */
	unsigned int depth;			/* 0 = no parent; lockdep subclass */
};

/**
 * struct sio_bus_type - what a kind of bus does (static, per kind)
 * @name: "pci", "platform"
 * @match: optional; default matches driver_override, else driver ids
 * @dma_configure: before a driver's probe: firmware DMA configuration, then
 *                 (unless driver_managed_dma) iommu_device_use_default_domain.
 *                 Also called by the IOMMU core with no driver bound.
 * @dma_cleanup: after remove and after a failed probe (unless driver_managed_dma)
 */
struct sio_bus_type {
	const char *name;
	int (*match)(struct sio_device *dev, struct sio_driver *drv);
	int (*dma_configure)(struct sio_device *dev);
	void (*dma_cleanup)(struct sio_device *dev);
};

/* Bus notifier actions (kernel BUS_NOTIFY_*). */
enum sio_bus_notify {
	SIO_BUS_NOTIFY_ADD_DEVICE = 1,
	SIO_BUS_NOTIFY_DEL_DEVICE,
	SIO_BUS_NOTIFY_REMOVED_DEVICE,
	SIO_BUS_NOTIFY_BIND_DRIVER,
	SIO_BUS_NOTIFY_BOUND_DRIVER,
	SIO_BUS_NOTIFY_UNBIND_DRIVER,
	SIO_BUS_NOTIFY_UNBOUND_DRIVER,
	SIO_BUS_NOTIFY_DRIVER_NOT_BOUND,
};

struct sio_notifier_block {
	int (*notifier_call)(struct sio_notifier_block *nb, unsigned long action,
			     void *data);
	struct list_head node;
	int priority;				/* higher runs first */
};

/* Notifier return values (kernel NOTIFY_*). */
#ifndef NOTIFY_DONE
#define NOTIFY_DONE		0x0000	/* don't care */
#define NOTIFY_OK		0x0001	/* suits me */
#define NOTIFY_STOP_MASK	0x8000	/* don't call further */
#define NOTIFY_BAD		(NOTIFY_STOP_MASK | 0x0002)
#define NOTIFY_STOP		(NOTIFY_OK | NOTIFY_STOP_MASK)
#endif

/**
 * struct sio_bus - a bus instance in a machine
 *
 * Locks: @lock is a leaf for the device and driver lists (nests inside a
 * device lock and inside machine->lock; nothing is called under it).
 * @notifier_lock is held across the notifier callbacks; it nests inside the
 * device lock (BIND/UNBIND notifications run under it) and outside whatever
 * the callbacks take (the IOMMU core's probe lock and group mutexes, the
 * sysfs tree lock).  A callback must not take a device lock, notify the
 * same bus or (un)register a notifier of it.
 */
struct sio_bus {
	const struct sio_bus_type *type;
	struct sio_machine *machine;
	struct mutex lock;			/* protects the lists below */
	struct list_head devices;
	struct list_head drivers;
	struct list_head notifiers;		/* under notifier_lock */
	struct mutex notifier_lock;
	struct list_head machine_node;		/* under machine->lock */
	bool drivers_autoprobe;			/* READ_ONCE/WRITE_ONCE */
	struct sio_sysfs_node *kobj;		/* /sys/bus/<name> */
	struct sio_sysfs_node *devices_kobj;
	struct sio_sysfs_node *drivers_kobj;

	/* private to the device model */
	struct sio_sysfs_node *root_kobj;	/* /sys/devices/<name> */
	u64 next_seq;				/* under @lock */
};

/**
 * struct sio_driver - a driver
 * @name: as in /sys/bus/<bus>/drivers/<name>
 * @ids: NULL-terminated list of device "compatible" strings it binds to
 * @probe: bind; -EPROBE_DEFER puts the device on the deferred list
 * @remove: unbind
 * @driver_managed_dma: the driver does not use the kernel DMA API (VFIO-like)
 */
struct sio_driver {
	const char *name;
	const char *const *ids;
	int (*probe)(struct sio_device *dev);
	void (*remove)(struct sio_device *dev);
	bool driver_managed_dma;
	void *owner_data;			/* for built-in driver kinds */

	/* private to the device model */
	struct sio_bus *bus;
	struct list_head bus_node;		/* on bus->drivers, under bus->lock */
	struct sio_sysfs_node *kobj;
	u64 bus_seq;				/* position on bus->drivers */
	refcount_t users;			/* list + in-flight binds */
	struct completion unused;		/* @users reached zero */
};

/** struct sio_machine - the simulated machine: buses, devices, sysfs */
struct sio_machine {
	char name[SIO_NAME_LEN];
	struct sio_sysfs *sysfs;
	/* Protects the lists and counters below; a leaf except for bus->lock
	 * (sio_machine_find_device); nests inside device locks. */
	struct mutex lock;
	struct list_head buses;
	struct list_head deferred;		/* devices whose probe deferred */
	struct workqueue_struct *deferred_wq;	/* ordered; runs deferred retries */
	struct work_struct deferred_work;
	struct iommu_subsys *iommu;		/* IOMMU core state, core-owned */
	struct sio_phys_mem *mem;		/* machine RAM (src/mem/phys-mem.h); set
						 * once by machine assembly before
						 * any IOMMU or endpoint uses it */
	void *user_state;			/* upper layers (machine assembly) */
	/*
	 * IOMMU input sides by name (struct sio_dma_target, dma-link.c) and
	 * every device's link to them.  dma_link_lock protects the list and
	 * every link's state and publication; it nests outside machine->lock,
	 * bus->lock and the targets' locks, inside device locks.
	 */
	struct mutex dma_link_lock;
	struct list_head dma_targets;

	/* private to the device model */
	struct list_head deferred_active;	/* being retried; under @lock */
	unsigned int deferred_trigger_count;	/* under @lock */
	/*
	 * Nesting count of driver/bus attach loops in progress, and whether a
	 * trigger arrived meanwhile; under @lock.  Retries wait until the loop
	 * is over, so one registration's binds never race its own retries.
	 */
	unsigned int deferred_hold;
	bool deferred_held_trigger;
	struct sio_sysfs_node *bus_kobj;	/* /sys/bus */
	struct sio_sysfs_node *devices_kobj;	/* /sys/devices */
	struct sio_sysfs_node *kernel_kobj;	/* /sys/kernel */
};

/* Machines */
struct sio_machine *sio_machine_alloc(const char *name);
void sio_machine_free(struct sio_machine *m);
/* Wait until no deferred-probe retry is queued or running. */
void sio_wait_for_device_probe(struct sio_machine *m);
/* Retry every deferred device now (kernel: driver_deferred_probe_trigger). */
void sio_deferred_probe_trigger(struct sio_machine *m);

/* Buses */
struct sio_bus *sio_bus_register(struct sio_machine *m,
				 const struct sio_bus_type *type);
void sio_bus_unregister(struct sio_bus *bus);
struct sio_bus *sio_bus_find(struct sio_machine *m, const char *name);
int sio_bus_register_notifier(struct sio_bus *bus, struct sio_notifier_block *nb);
int sio_bus_unregister_notifier(struct sio_bus *bus, struct sio_notifier_block *nb);
/* Call @fn on each device (with a reference held) until it returns non-zero. */
int sio_bus_for_each_dev(struct sio_bus *bus, void *data,
			 int (*fn)(struct sio_device *dev, void *data));
/* Return: a referenced device or NULL. */
struct sio_device *sio_bus_find_device_by_name(struct sio_bus *bus,
					       const char *name);
/* Probe every unbound device of the bus (sysfs drivers_probe, autoprobe). */
int sio_bus_rescan_devices(struct sio_bus *bus);

/* Devices */
void sio_device_initialize(struct sio_device *dev, struct sio_bus *bus,
			   const char *name);
int sio_device_add(struct sio_device *dev);
void sio_device_del(struct sio_device *dev);
/* sio_device_del + sio_put_device */
void sio_device_unregister(struct sio_device *dev);
struct sio_device *sio_get_device(struct sio_device *dev);
void sio_put_device(struct sio_device *dev);
#define sio_device_lock(dev) mutex_lock(&(dev)->lock)
#define sio_device_unlock(dev) mutex_unlock(&(dev)->lock)
#define sio_device_lock_assert(dev) lockdep_assert_held(&(dev)->lock)
/* Look a device up on any bus of @m.  Return: referenced device or NULL. */
struct sio_device *sio_machine_find_device(struct sio_machine *m,
					   const char *name);

/* Binding (drivers/base/dd.c) */
/* Try every driver of the bus.  Return: 1 bound, 0 none matched, -errno. */
int sio_device_attach(struct sio_device *dev);
/* Bind @dev to @drv (sysfs bind).  Return: 0 or -errno (-ENODEV no match). */
int sio_device_driver_attach(struct sio_driver *drv, struct sio_device *dev);
/* Unbind whatever driver is bound (sysfs unbind). */
void sio_device_release_driver(struct sio_device *dev);

/* Drivers */
int sio_driver_register(struct sio_bus *bus, struct sio_driver *drv);
void sio_driver_unregister(struct sio_driver *drv);
struct sio_driver *sio_driver_find(struct sio_bus *bus, const char *name);

/* Name of the driver bound to @dev, or of its bus ("pci"), for log prefixes. */
const char *sio_dev_driver_string(const struct sio_device *dev);
static inline const char *sio_dev_name(const struct sio_device *dev)
{
	return dev->name;
}

void sio_dev_printk(int level, const struct sio_device *dev, const char *fmt, ...)
	__printf(3, 4);
#define dev_err(dev, fmt, ...) sio_dev_printk(SIO_LOGLEVEL_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) sio_dev_printk(SIO_LOGLEVEL_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) sio_dev_printk(SIO_LOGLEVEL_NOTICE, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) sio_dev_printk(SIO_LOGLEVEL_INFO, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...) sio_dev_printk(SIO_LOGLEVEL_DEBUG, dev, fmt, ##__VA_ARGS__)

/* Fills a "<driver-or-bus> <name>" prefix into a per-thread buffer. */
const char *sio_dev_prefix(const struct sio_device *dev);
#define dev_WARN(dev, fmt, ...)                                               \
	WARN_PREFIX(1, sio_dev_prefix(dev), fmt, ##__VA_ARGS__)
#define dev_WARN_ONCE(dev, cond, fmt, ...)                                    \
	({                                                                    \
		int __c = !!(cond);                                           \
		if (unlikely(__c)) {                                          \
			__SIO_WARN_SITE(__sio_site);                          \
			__sio_warn(&__sio_site, true, sio_dev_prefix(dev),    \
				   fmt, ##__VA_ARGS__);                       \
		}                                                             \
		__c;                                                          \
	})

#endif /* SIO_DEV_DEVICE_H */
