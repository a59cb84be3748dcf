// SPDX-License-Identifier: BSD-3-Clause
/*
 * Device DMA: the per-device port table (device -> translation hardware)
 * and sio_dma_read/write/translate page by page through it.  The ports
 * themselves belong to the IOMMU drivers that register them at probe_device.
 * Kernel counterpart: none (the PCIe fabric and the IOMMU's input side).
 */
#include <pthread.h>
#include <string.h>

#include "hw/dma-port.h"
#include "mem/phys-mem.h"
#include <softiommu/iommu.h>

/*
 * The ports.  A connected device points (sio_device.dma_port) at one entry
 * of a static, type-stable pool: entries are never freed, only reused, so
 * a reader may always dereference the pointer it loaded.  Readers (every
 * device DMA) copy the entry between two reads of its sequence count and
 * accept the copy only if the entry still belonged to their device;
 * writers (driver probe and release) serialise on dma_port_lock.  This is
 * lock-free and needs no RCU reader registration: liburcu's read side cost
 * about 10 ns here, more than the rest of a 64-byte device read.
 * Every field a reader loads is accessed with atomics.
 */
#define DMA_PORT_ENTS	1024u

struct sio_dma_port_ent {
	unsigned int seq;		/* odd while a writer changes it */
	struct sio_device *dev;		/* owner; NULL = free */
	const struct sio_dma_port_ops *ops;
	void *hw;
	u32 sid;
};

static struct {
	/* Serialises writers of every entry and sio_device.dma_port; a leaf
	 * (taken under the group mutex/probe lock by drivers). */
	struct mutex lock;
	unsigned int next;		/* allocation cursor; under @lock */
	struct sio_dma_port_ent ents[DMA_PORT_ENTS];
} dma_ports;

static pthread_once_t dma_port_once = PTHREAD_ONCE_INIT;

static void dma_port_init(void)
{
	mutex_init(&dma_ports.lock);
}

#define ENT_LOAD(f)	__atomic_load_n(&(f), __ATOMIC_RELAXED)
#define ENT_STORE(f, v) __atomic_store_n(&(f), (v), __ATOMIC_RELAXED)

/* Rewrite @e (lock held): readers see the old or the new contents. */
static void __dma_port_ent_set(struct sio_dma_port_ent *e,
			       struct sio_device *dev,
			       const struct sio_dma_port_ops *ops, void *hw,
			       u32 sid)
{
	lockdep_assert_held(&dma_ports.lock);
	__atomic_store_n(&e->seq, e->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ENT_STORE(e->dev, dev);
	ENT_STORE(e->ops, ops);
	ENT_STORE(e->hw, hw);
	ENT_STORE(e->sid, sid);
	__atomic_store_n(&e->seq, e->seq + 1, __ATOMIC_RELEASE);
}

/* A free entry (lock held), or NULL. */
static struct sio_dma_port_ent *__dma_port_ent_alloc(void)
{
	unsigned int i;

	lockdep_assert_held(&dma_ports.lock);
	for (i = 0; i < DMA_PORT_ENTS; i++) {
		struct sio_dma_port_ent *e =
			&dma_ports.ents[(dma_ports.next + i) % DMA_PORT_ENTS];

		if (!e->dev) {
			dma_ports.next = (dma_ports.next + i + 1) %
					 DMA_PORT_ENTS;
			return e;
		}
	}
	return NULL;
}

/**
 * sio_dev_set_dma_port() - connect @dev's DMA to translation hardware
 * @dev: the device
 * @ops: the hardware's ops (static storage)
 * @hw: its handle (must outlive the registration)
 * @sid: @dev's stream ID
 *
 * Context: may sleep; takes the port lock (a leaf).
 * Return: 0; -EINVAL (NULL @dev/@ops/@ops->translate); -ENOSPC (more than
 * DMA_PORT_ENTS devices connected).
 */
int sio_dev_set_dma_port(struct sio_device *dev,
			 const struct sio_dma_port_ops *ops, void *hw, u32 sid)
{
	struct sio_dma_port_ent *e;

	if (!dev || !ops || !ops->translate)
		return -EINVAL;
	pthread_once(&dma_port_once, dma_port_init);
	mutex_lock(&dma_ports.lock);
	e = dev->dma_port;
	if (!e) {
		e = __dma_port_ent_alloc();
		if (!e) {
			mutex_unlock(&dma_ports.lock);
			return -ENOSPC;
		}
	}
	__dma_port_ent_set(e, dev, ops, hw, sid);
	__atomic_store_n(&dev->dma_port, e, __ATOMIC_RELEASE);
	mutex_unlock(&dma_ports.lock);
	return 0;
}

/**
 * sio_dev_clear_dma_port() - disconnect @dev (release_device)
 * @dev: the device; not connected is a no-op
 *
 * Context: may sleep; takes the port lock.
 */
void sio_dev_clear_dma_port(struct sio_device *dev)
{
	struct sio_dma_port_ent *e;

	if (!dev)
		return;
	pthread_once(&dma_port_once, dma_port_init);
	mutex_lock(&dma_ports.lock);
	e = dev->dma_port;
	if (e) {
		__atomic_store_n(&dev->dma_port, NULL, __ATOMIC_RELAXED);
		__dma_port_ent_set(e, NULL, NULL, NULL, 0);
	}
	mutex_unlock(&dma_ports.lock);
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
	struct sio_dma_port_ent *e;
	unsigned int seq;

	for (;;) {
		e = __atomic_load_n(&dev->dma_port, __ATOMIC_ACQUIRE);
		if (!e)
			return false;
		seq = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		if (seq & 1)
			continue;
		port->ops = ENT_LOAD(e->ops);
		port->hw = ENT_LOAD(e->hw);
		port->sid = ENT_LOAD(e->sid);
		if (ENT_LOAD(e->dev) != dev)
			continue;	/* cleared or reused meanwhile */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) == seq)
			return port->ops != NULL;
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
