// SPDX-License-Identifier: BSD-3-Clause
/*
 * Device DMA: the per-device port table (device -> translation hardware)
 * and sio_dma_read/write/translate page by page through it.  The ports
 * themselves belong to the IOMMU drivers that register them at probe_device.
 * Kernel counterpart: none (the PCIe fabric and the IOMMU's input side).
 */
#include <pthread.h>
#include <string.h>

#include "dma-port.h"
#include "mem.h"
#include <softiommu/iommu.h>

/*
 * The port table.  Divergence from the obvious design (a pointer in struct
 * sio_device) only because src/dev/device.h has no such field yet: an open
 * addressed hash keyed by the device pointer.  Writers (driver probe and
 * release) serialise on port_table.lock; readers (every device DMA) are
 * lock-free: they copy the entry under a sequence count and retry if a
 * writer ran meanwhile.  Every slot field is accessed with atomics.
 */
#define DMA_PORT_SLOTS	   1024u
#define DMA_PORT_TOMBSTONE ((struct sio_device *)1)

struct dma_port_slot {
	struct sio_device *dev; /* NULL empty, TOMBSTONE deleted */
	const struct sio_dma_port_ops *ops;
	void *hw;
	u32 sid;
};

static struct {
	/* Serialises writers; a leaf (taken under the group mutex/probe lock
	 * by drivers, takes nothing). */
	struct mutex lock;
	unsigned int seq; /* odd while a writer changes slots */
	unsigned int used; /* live + tombstones; under @lock */
	struct dma_port_slot slots[DMA_PORT_SLOTS];
	struct dma_port_slot tmp[DMA_PORT_SLOTS]; /* rebuild; under @lock */
} port_table;

static pthread_once_t port_table_once = PTHREAD_ONCE_INIT;

static void port_table_init(void)
{
	mutex_init(&port_table.lock);
}

static unsigned int port_hash(const struct sio_device *dev)
{
	u64 x = (u64)(uintptr_t)dev;

	x ^= x >> 17;
	x *= 0x9e3779b97f4a7c15ULL;
	return (unsigned int)(x >> 40) & (DMA_PORT_SLOTS - 1);
}

#define SLOT_LOAD(f)	 __atomic_load_n(&(f), __ATOMIC_RELAXED)
#define SLOT_STORE(f, v) __atomic_store_n(&(f), (v), __ATOMIC_RELAXED)

static void port_write_begin(void)
{
	lockdep_assert_held(&port_table.lock);
	__atomic_store_n(&port_table.seq, port_table.seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void port_write_end(void)
{
	__atomic_store_n(&port_table.seq, port_table.seq + 1, __ATOMIC_RELEASE);
}

/* Find @dev's slot, or the first reusable one (*@free).  Lock held. */
static struct dma_port_slot *__port_find(struct sio_device *dev,
					 struct dma_port_slot **free)
{
	unsigned int i, h = port_hash(dev);

	lockdep_assert_held(&port_table.lock);
	*free = NULL;
	for (i = 0; i < DMA_PORT_SLOTS;
	     i++, h = (h + 1) & (DMA_PORT_SLOTS - 1)) {
		struct dma_port_slot *s = &port_table.slots[h];

		if (s->dev == dev)
			return s;
		if (s->dev == DMA_PORT_TOMBSTONE && !*free)
			*free = s;
		if (!s->dev) {
			if (!*free)
				*free = s;
			return NULL;
		}
	}
	return NULL;
}

/* Drop the tombstones: rehash the live entries.  Lock held, seq odd. */
static void __port_rebuild(void)
{
	unsigned int i, n = 0;

	lockdep_assert_held(&port_table.lock);
	for (i = 0; i < DMA_PORT_SLOTS; i++) {
		struct dma_port_slot *s = &port_table.slots[i];

		if (s->dev && s->dev != DMA_PORT_TOMBSTONE)
			port_table.tmp[n++] = *s;
		SLOT_STORE(s->dev, NULL);
	}
	for (i = 0; i < n; i++) {
		unsigned int h = port_hash(port_table.tmp[i].dev);

		while (port_table.slots[h].dev)
			h = (h + 1) & (DMA_PORT_SLOTS - 1);
		SLOT_STORE(port_table.slots[h].ops, port_table.tmp[i].ops);
		SLOT_STORE(port_table.slots[h].hw, port_table.tmp[i].hw);
		SLOT_STORE(port_table.slots[h].sid, port_table.tmp[i].sid);
		SLOT_STORE(port_table.slots[h].dev, port_table.tmp[i].dev);
	}
	port_table.used = n;
}

/**
 * sio_dev_set_dma_port() - connect @dev's DMA to translation hardware
 * @dev: the device
 * @ops: the hardware's ops (static storage)
 * @hw: its handle (must outlive the registration)
 * @sid: @dev's stream ID
 *
 * Context: may sleep; takes the port table lock (a leaf).
 * Return: 0; -EINVAL (NULL @dev/@ops/@ops->translate); -ENOSPC (table full).
 */
int sio_dev_set_dma_port(struct sio_device *dev,
			 const struct sio_dma_port_ops *ops, void *hw, u32 sid)
{
	struct dma_port_slot *s, *free;
	int ret = 0;

	if (!dev || !ops || !ops->translate)
		return -EINVAL;
	pthread_once(&port_table_once, port_table_init);
	mutex_lock(&port_table.lock);
	port_write_begin();
	s = __port_find(dev, &free);
	if (!s && port_table.used >= DMA_PORT_SLOTS * 3 / 4) {
		__port_rebuild();
		s = __port_find(dev, &free);
	}
	if (!s) {
		if (!free || port_table.used >= DMA_PORT_SLOTS - 1) {
			ret = -ENOSPC;
			goto out_end;
		}
		if (!free->dev)
			port_table.used++;
		s = free;
	}
	SLOT_STORE(s->ops, ops);
	SLOT_STORE(s->hw, hw);
	SLOT_STORE(s->sid, sid);
	SLOT_STORE(s->dev, dev);
out_end:
	port_write_end();
	mutex_unlock(&port_table.lock);
	return ret;
}

/**
 * sio_dev_clear_dma_port() - disconnect @dev (release_device)
 * @dev: the device; not connected is a no-op
 *
 * Context: may sleep; takes the port table lock.
 */
void sio_dev_clear_dma_port(struct sio_device *dev)
{
	struct dma_port_slot *s, *free;

	if (!dev)
		return;
	pthread_once(&port_table_once, port_table_init);
	mutex_lock(&port_table.lock);
	port_write_begin();
	s = __port_find(dev, &free);
	if (s) {
		/* Stays counted in @used until the next rebuild. */
		SLOT_STORE(s->dev, DMA_PORT_TOMBSTONE);
		SLOT_STORE(s->ops, NULL);
	}
	port_write_end();
	mutex_unlock(&port_table.lock);
}

/**
 * sio_dev_get_dma_port() - copy @dev's port
 * @dev: the device
 * @port: filled in when found
 *
 * Context: any thread; lock-free.
 * Return: true if @dev has a port.
 */
bool sio_dev_get_dma_port(struct sio_device *dev, struct sio_dma_port *port)
{
	unsigned int seq, i, h;
	bool found;

	for (;;) {
		seq = __atomic_load_n(&port_table.seq, __ATOMIC_ACQUIRE);
		if (seq & 1)
			continue;
		found = false;
		h = port_hash(dev);
		for (i = 0; i < DMA_PORT_SLOTS;
		     i++, h = (h + 1) & (DMA_PORT_SLOTS - 1)) {
			struct dma_port_slot *s = &port_table.slots[h];
			struct sio_device *d = SLOT_LOAD(s->dev);

			if (!d)
				break;
			if (d == dev) {
				port->ops = SLOT_LOAD(s->ops);
				port->hw = SLOT_LOAD(s->hw);
				port->sid = SLOT_LOAD(s->sid);
				found = port->ops != NULL;
				break;
			}
		}
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&port_table.seq, __ATOMIC_RELAXED) == seq)
			return found;
	}
}

/* ---- device DMA ---- */

/*
 * One transfer: page by page through the port, or straight to RAM when the
 * device has no IOMMU.  @rbuf for reads, @wbuf for writes.
 */
static int sio_dma_xfer(struct sio_device *dev, bool pasid_valid, u32 pasid,
			u64 iova, void *rbuf, const void *wbuf, size_t len)
{
	unsigned int access = rbuf ? SIO_DMA_READ : SIO_DMA_WRITE;
	struct sio_phys_mem *mem;
	struct sio_dma_port port;
	int ret;

	if (!dev || (!rbuf && !wbuf) || !dev->machine)
		return -EINVAL;
	mem = READ_ONCE(dev->machine->mem);
	if (!mem)
		return -EINVAL;
	if (!len)
		return 0;

	if (!sio_dev_get_dma_port(dev, &port)) {
		/* Behind an IOMMU whose driver gave us no way in. */
		if (device_iommu_mapped(dev))
			return -ENODEV;
		if (pasid_valid)
			return -EFAULT; /* no PASID without an IOMMU */
		if (iova + len < iova)
			return -EFAULT;
		return rbuf ? sio_phys_copy_from(mem, iova, rbuf, len) :
			      sio_phys_copy_to(mem, iova, wbuf, len);
	}

	while (len) {
		size_t valid = 0, chunk;
		u64 pa;

		ret = port.ops->translate(port.hw, port.sid, pasid_valid, pasid,
					  iova, access, &pa, &valid);
		if (ret)
			return ret;
		chunk = PAGE_SIZE - (iova & (PAGE_SIZE - 1));
		if (valid)
			chunk = valid;
		if (chunk > len)
			chunk = len;
		ret = rbuf ? sio_phys_copy_from(mem, pa, rbuf, chunk) :
			     sio_phys_copy_to(mem, pa, wbuf, chunk);
		if (ret)
			return ret;
		if (rbuf)
			rbuf = (u8 *)rbuf + chunk;
		else
			wbuf = (const u8 *)wbuf + chunk;
		iova += chunk;
		len -= chunk;
		/* Wrapped around the address space: a fault on real hardware. */
		if (len && !iova)
			return -EFAULT;
	}
	return 0;
}

/**
 * sio_dma_read() - the device reads @len bytes at DMA address @iova
 * @dev: the device
 * @iova: DMA address
 * @buf: destination
 * @len: bytes
 *
 * Context: any thread; no core lock.
 * Return: 0, -EFAULT, -EAGAIN, -ENODEV, -EINVAL (see include/softiommu/dma.h).
 */
int sio_dma_read(struct sio_device *dev, uint64_t iova, void *buf, size_t len)
{
	if (!buf)
		return -EINVAL;
	return sio_dma_xfer(dev, false, 0, iova, buf, NULL, len);
}

/**
 * sio_dma_write() - the device writes @len bytes of @buf at @iova
 * @dev: the device
 * @iova: DMA address
 * @buf: source
 * @len: bytes
 *
 * Context: any thread.  Return: as sio_dma_read().
 */
int sio_dma_write(struct sio_device *dev, uint64_t iova, const void *buf,
		  size_t len)
{
	if (!buf)
		return -EINVAL;
	return sio_dma_xfer(dev, false, 0, iova, NULL, buf, len);
}

/**
 * sio_dma_read_pasid() - sio_dma_read() tagged with @pasid
 * @dev: the device
 * @pasid: the PASID (substream ID)
 * @iova: DMA address in that address space
 * @buf: destination
 * @len: bytes
 *
 * Context: any thread.  Return: as sio_dma_read().
 */
int sio_dma_read_pasid(struct sio_device *dev, uint32_t pasid, uint64_t iova,
		       void *buf, size_t len)
{
	if (!buf)
		return -EINVAL;
	return sio_dma_xfer(dev, true, pasid, iova, buf, NULL, len);
}

/**
 * sio_dma_write_pasid() - sio_dma_write() tagged with @pasid
 * @dev: the device
 * @pasid: the PASID
 * @iova: DMA address
 * @buf: source
 * @len: bytes
 *
 * Context: any thread.  Return: as sio_dma_read().
 */
int sio_dma_write_pasid(struct sio_device *dev, uint32_t pasid, uint64_t iova,
			const void *buf, size_t len)
{
	if (!buf)
		return -EINVAL;
	return sio_dma_xfer(dev, true, pasid, iova, NULL, buf, len);
}

static int sio_dma_translate_common(struct sio_device *dev, bool pasid_valid,
				    u32 pasid, u64 iova, unsigned int access,
				    u64 *pa)
{
	struct sio_dma_port port;
	size_t valid;

	if (!dev || !pa || !access ||
	    (access & ~(SIO_DMA_READ | SIO_DMA_WRITE)))
		return -EINVAL;
	if (!sio_dev_get_dma_port(dev, &port)) {
		if (device_iommu_mapped(dev))
			return -ENODEV;
		if (pasid_valid)
			return -EFAULT;
		*pa = iova;
		return 0;
	}
	return port.ops->translate(port.hw, port.sid, pasid_valid, pasid, iova,
				   access, pa, &valid);
}

/**
 * sio_dma_translate() - translate one address as a transaction would
 * @dev: the device
 * @iova: DMA address
 * @access: SIO_DMA_READ and/or SIO_DMA_WRITE
 * @pa: result
 *
 * Context: any thread.  Return: as sio_dma_read(); -EINVAL for bad @access.
 */
int sio_dma_translate(struct sio_device *dev, uint64_t iova,
		      unsigned int access, uint64_t *pa)
{
	return sio_dma_translate_common(dev, false, 0, iova, access, pa);
}

/**
 * sio_dma_translate_pasid() - sio_dma_translate() tagged with @pasid
 * @dev: the device
 * @pasid: the PASID
 * @iova: DMA address
 * @access: SIO_DMA_READ and/or SIO_DMA_WRITE
 * @pa: result
 *
 * Context: any thread.  Return: as sio_dma_translate().
 */
int sio_dma_translate_pasid(struct sio_device *dev, uint32_t pasid,
			    uint64_t iova, unsigned int access, uint64_t *pa)
{
	return sio_dma_translate_common(dev, true, pasid, iova, access, pa);
}
