// SPDX-License-Identifier: BSD-3-Clause
/*
 * The NIC's DMA: rx/tx descriptor rings in coherent memory, packet buffers
 * mapped with the streaming DMA API, and the device side that moves frames
 * by device DMA.  Step functions (no thread): rx = the device receives, then
 * the driver's interrupt/poll; tx = the driver transmits, then the device.
 * Kernel counterpart: drivers/net/ethernet/intel/e1000e/netdev.c (rings)
 */
#include <pthread.h>
#include <string.h>

#include "endpoints/dma-endpoints.h"
#include "dma/dma-mapping.h"
#include "mem/phys-mem.h"
#include <softiommu/dma.h>

/**
 * struct sio_nic_dma - one NIC's DMA state
 * @ref: the registry and every step call in progress hold one
 * @lock: the rings, buffers, stats and @dead; nests outside the DMA API's
 *	and the IOMMU driver's locks; taken after (never under) nic_lock
 */
struct sio_nic_dma {
	struct sio_device *dev;
	struct list_head node; /* on nic_list, under nic_lock */
	refcount_t ref;
	struct mutex lock;
	bool dead;
	unsigned int entries;

	struct sio_nic_desc *rx_ring, *tx_ring; /* coherent, host pointers */
	dma_addr_t rx_ring_dma, tx_ring_dma;
	size_t ring_bytes;

	u64 rx_bufs_pa, tx_bufs_pa; /* entries * SIO_NIC_BUF_SIZE */
	unsigned int bufs_order;
	dma_addr_t *rx_dma; /* per rx buffer, mapped */
	unsigned int rx_tail; /* next descriptor the device fills */
	unsigned int rx_clean; /* next descriptor the driver cleans */
	unsigned int tx_next;

	u8 last_rx[SIO_NIC_BUF_SIZE];
	size_t last_rx_len;
	u8 wire[SIO_NIC_BUF_SIZE]; /* the last frame transmitted */
	size_t wire_len;
	struct sio_nic_stats st;
};

/* Registry of live NIC states (by device), for the by-device step calls. */
static struct mutex nic_lock; /* leaf: nic_list only */
static LIST_HEAD(nic_list);
static pthread_once_t nic_once = PTHREAD_ONCE_INIT;

static void nic_registry_init(void)
{
	mutex_init(&nic_lock);
}

static struct sio_phys_mem *nic_mem(struct sio_nic_dma *nic)
{
	return nic->dev->machine->mem;
}

static void *nic_buf(struct sio_nic_dma *nic, u64 base, unsigned int i)
{
	return sio_phys_to_virt(nic_mem(nic), base + (u64)i * SIO_NIC_BUF_SIZE,
				SIO_NIC_BUF_SIZE);
}

/* Map rx buffer @i and post its descriptor.  Lock held (or not yet live). */
static int nic_post_rx(struct sio_nic_dma *nic, unsigned int i)
{
	dma_addr_t dma =
		dma_map_single(nic->dev, nic_buf(nic, nic->rx_bufs_pa, i),
			       SIO_NIC_BUF_SIZE, DMA_FROM_DEVICE);
	struct sio_nic_desc *d = &nic->rx_ring[i];

	nic->rx_dma[i] = dma;
	if (dma_mapping_error(nic->dev, dma)) {
		/* The device will fault on this one: it counts as an error. */
		d->addr = 0;
		d->len = 0;
		d->status = 0;
		return -ENOMEM;
	}
	d->addr = dma;
	d->len = SIO_NIC_BUF_SIZE;
	d->status = 0;
	return 0;
}

static void nic_free(struct sio_nic_dma *nic)
{
	struct sio_device *dev = nic->dev;
	unsigned int i;

	if (nic->rx_dma) {
		for (i = 0; i < nic->entries; i++)
			if (nic->rx_dma[i] &&
			    !dma_mapping_error(dev, nic->rx_dma[i]))
				dma_unmap_single(dev, nic->rx_dma[i],
						 SIO_NIC_BUF_SIZE,
						 DMA_FROM_DEVICE);
		kfree(nic->rx_dma);
		nic->rx_dma = NULL;
	}
	if (nic->rx_bufs_pa)
		sio_phys_free_pages(nic_mem(nic), nic->rx_bufs_pa,
				    nic->bufs_order);
	if (nic->tx_bufs_pa)
		sio_phys_free_pages(nic_mem(nic), nic->tx_bufs_pa,
				    nic->bufs_order);
	nic->rx_bufs_pa = nic->tx_bufs_pa = 0;
	if (nic->rx_ring)
		dma_free_coherent(dev, nic->ring_bytes, nic->rx_ring,
				  nic->rx_ring_dma);
	if (nic->tx_ring)
		dma_free_coherent(dev, nic->ring_bytes, nic->tx_ring,
				  nic->tx_ring_dma);
	nic->rx_ring = nic->tx_ring = NULL;
}

static void nic_put(struct sio_nic_dma *nic)
{
	if (refcount_dec_and_test(&nic->ref)) {
		mutex_destroy(&nic->lock);
		kfree(nic);
	}
}

/**
 * sio_nic_dma_create() - the DMA part of the NIC driver's probe
 * @dev: the NIC
 * @cfg: ring parameters, or NULL
 *
 * Context: may sleep.
 * Return: the state or ERR_PTR (nothing left behind).
 */
struct sio_nic_dma *sio_nic_dma_create(struct sio_device *dev,
				       const struct sio_nic_dma_cfg *cfg)
{
	unsigned int entries = cfg && cfg->ring_entries ? cfg->ring_entries :
							  SIO_NIC_RING_DEFAULT;
	u64 mask = cfg && cfg->dma_mask ? cfg->dma_mask : DMA_BIT_MASK(64);
	struct sio_nic_dma *nic, *pos;
	unsigned int i;
	int ret;

	if (!dev || !dev->machine || !dev->machine->mem ||
	    !is_power_of_2(entries) || entries > SIO_NIC_RING_MAX)
		return ERR_PTR(-EINVAL);
	if (dma_set_mask_and_coherent(dev, mask))
		return ERR_PTR(-EIO);

	nic = kzalloc(sizeof(*nic), GFP_KERNEL);
	if (!nic)
		return ERR_PTR(-ENOMEM);
	nic->dev = dev;
	nic->entries = entries;
	refcount_set(&nic->ref, 1);
	mutex_init(&nic->lock);
	INIT_LIST_HEAD(&nic->node);

	ret = -ENOMEM;
	nic->rx_dma = kcalloc(entries, sizeof(*nic->rx_dma), GFP_KERNEL);
	if (!nic->rx_dma)
		goto err_free;
	nic->ring_bytes = entries * sizeof(struct sio_nic_desc);
	nic->rx_ring = dma_alloc_coherent(dev, nic->ring_bytes,
					  &nic->rx_ring_dma, GFP_KERNEL);
	if (!nic->rx_ring)
		goto err_free;
	nic->tx_ring = dma_alloc_coherent(dev, nic->ring_bytes,
					  &nic->tx_ring_dma, GFP_KERNEL);
	if (!nic->tx_ring)
		goto err_free;
	nic->bufs_order =
		sio_phys_order_for_size((u64)entries * SIO_NIC_BUF_SIZE);
	if (sio_phys_alloc_pages(dev->machine->mem, nic->bufs_order, GFP_KERNEL,
				 &nic->rx_bufs_pa))
		goto err_free;
	if (sio_phys_alloc_pages(dev->machine->mem, nic->bufs_order, GFP_KERNEL,
				 &nic->tx_bufs_pa))
		goto err_free;
	for (i = 0; i < entries; i++) {
		ret = nic_post_rx(nic, i);
		if (ret)
			goto err_free;
	}

	pthread_once(&nic_once, nic_registry_init);
	mutex_lock(&nic_lock);
	list_for_each_entry(pos, &nic_list, node) {
		if (pos->dev == dev) {
			mutex_unlock(&nic_lock);
			ret = -EEXIST;
			goto err_free;
		}
	}
	list_add_tail(&nic->node, &nic_list);
	mutex_unlock(&nic_lock);
	dev_info(
		dev,
		"NIC rings up: %u rx + %u tx descriptors, rx ring at DMA %#llx",
		entries, entries, (unsigned long long)nic->rx_ring_dma);
	return nic;

err_free:
	nic_free(nic);
	nic_put(nic);
	return ERR_PTR(ret);
}

/**
 * sio_nic_dma_destroy() - unmap and free everything
 * @nic: the state (NULL/ERR_PTR: no-op)
 *
 * Context: may sleep.
 */
void sio_nic_dma_destroy(struct sio_nic_dma *nic)
{
	if (IS_ERR_OR_NULL(nic))
		return;
	mutex_lock(&nic_lock);
	list_del_init(&nic->node);
	mutex_unlock(&nic_lock);

	mutex_lock(&nic->lock);
	nic->dead = true;
	nic_free(nic);
	mutex_unlock(&nic->lock);
	nic_put(nic);
}

/* The driver's rx interrupt: clean every completed descriptor.  Lock held. */
static void nic_rx_poll(struct sio_nic_dma *nic)
{
	lockdep_assert_held(&nic->lock);
	for (;;) {
		unsigned int i = nic->rx_clean & (nic->entries - 1);
		struct sio_nic_desc *d = &nic->rx_ring[i];
		u32 status = __atomic_load_n(&d->status, __ATOMIC_ACQUIRE);
		size_t len;

		if (!(status & SIO_NIC_DESC_DONE))
			break;
		len = min_t(size_t, d->len, SIO_NIC_BUF_SIZE);
		dma_unmap_single(nic->dev, nic->rx_dma[i], SIO_NIC_BUF_SIZE,
				 DMA_FROM_DEVICE);
		nic->rx_dma[i] = 0;
		memcpy(nic->last_rx, nic_buf(nic, nic->rx_bufs_pa, i), len);
		nic->last_rx_len = len;
		nic->st.rx_packets++;
		nic->st.rx_bytes += len;
		if (nic_post_rx(nic, i))
			nic->st.rx_remap_failures++;
		nic->rx_clean++;
	}
}

/**
 * sio_nic_dma_rx() - one packet arrives from the wire
 * @nic: the NIC
 * @data: frame
 * @len: bytes
 *
 * Context: any thread; takes the NIC lock.
 * Return: 0; the device's DMA errno (-EFAULT...) with rx_errors counted;
 * -EMSGSIZE (frame too big; dropped); -ENODEV (being destroyed); -EINVAL.
 */
int sio_nic_dma_rx(struct sio_nic_dma *nic, const void *data, size_t len)
{
	struct sio_device *dev;
	struct sio_nic_desc d;
	dma_addr_t desc_dma;
	unsigned int i;
	int ret;

	if (!nic || !data || !len)
		return -EINVAL;
	dev = nic->dev;
	mutex_lock(&nic->lock);
	if (nic->dead) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (len > SIO_NIC_BUF_SIZE) {
		nic->st.rx_dropped++;
		ret = -EMSGSIZE;
		goto out_unlock;
	}

	/* Device side: fetch the descriptor, DMA the frame, write back. */
	i = nic->rx_tail & (nic->entries - 1);
	desc_dma = nic->rx_ring_dma + (dma_addr_t)i * sizeof(d);
	ret = sio_dma_read(dev, desc_dma, &d, sizeof(d));
	if (ret)
		goto out_err;
	if (d.status & SIO_NIC_DESC_DONE || d.len < len) {
		nic->st.rx_dropped++; /* no buffer posted: the ring is full */
		ret = -ENOSPC;
		goto out_unlock;
	}
	ret = sio_dma_write(dev, d.addr, data, len);
	if (ret)
		goto out_err;
	d.len = (u32)len;
	d.status = SIO_NIC_DESC_DONE;
	ret = sio_dma_write(dev, desc_dma, &d, sizeof(d));
	if (ret)
		goto out_err;
	nic->rx_tail++;

	/* The interrupt: the driver cleans the ring. */
	nic_rx_poll(nic);
	goto out_unlock;

out_err:
	nic->st.rx_errors++;
out_unlock:
	mutex_unlock(&nic->lock);
	return ret;
}

/**
 * sio_nic_dma_tx() - the driver transmits a frame
 * @nic: the NIC
 * @data: frame
 * @len: bytes
 *
 * Context: any thread; takes the NIC lock.
 * Return: 0; -ENOMEM (mapping failed); the device's DMA errno with
 * tx_errors counted; -EMSGSIZE; -ENODEV (being destroyed); -EINVAL.
 */
int sio_nic_dma_tx(struct sio_nic_dma *nic, const void *data, size_t len)
{
	struct sio_nic_desc *desc, d;
	struct sio_device *dev;
	dma_addr_t dma, desc_dma;
	unsigned int i;
	void *buf;
	int ret;

	if (!nic || !data || !len)
		return -EINVAL;
	dev = nic->dev;
	mutex_lock(&nic->lock);
	if (nic->dead) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (len > SIO_NIC_BUF_SIZE) {
		nic->st.tx_errors++;
		ret = -EMSGSIZE;
		goto out_unlock;
	}

	/* Driver side: copy into a tx buffer, map it, post the descriptor. */
	i = nic->tx_next & (nic->entries - 1);
	buf = nic_buf(nic, nic->tx_bufs_pa, i);
	memcpy(buf, data, len);
	dma = dma_map_single(dev, buf, len, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma)) {
		nic->st.tx_errors++;
		ret = -ENOMEM;
		goto out_unlock;
	}
	desc = &nic->tx_ring[i];
	desc->addr = dma;
	desc->len = (u32)len;
	__atomic_store_n(&desc->status, 0, __ATOMIC_RELEASE);

	/* Device side: fetch the descriptor, read the frame, write back. */
	desc_dma = nic->tx_ring_dma + (dma_addr_t)i * sizeof(d);
	ret = sio_dma_read(dev, desc_dma, &d, sizeof(d));
	if (!ret)
		ret = sio_dma_read(dev, d.addr, nic->wire,
				   min_t(size_t, d.len, SIO_NIC_BUF_SIZE));
	if (!ret)
		nic->wire_len = min_t(size_t, d.len, SIO_NIC_BUF_SIZE);
	d.status = SIO_NIC_DESC_DONE | (ret ? SIO_NIC_DESC_ERR : 0);
	if (sio_dma_write(dev, desc_dma, &d, sizeof(d)) && !ret)
		ret = -EFAULT;

	/* Completion: the driver unmaps. */
	dma_unmap_single(dev, dma, len, DMA_TO_DEVICE);
	nic->tx_next++;
	if (ret) {
		nic->st.tx_errors++;
	} else {
		nic->st.tx_packets++;
		nic->st.tx_bytes += len;
	}
out_unlock:
	mutex_unlock(&nic->lock);
	return ret;
}

/**
 * sio_nic_dma_get_stats() - counters of @nic
 * @nic: the NIC
 * @st: filled in
 *
 * Context: any thread; takes the NIC lock.
 */
void sio_nic_dma_get_stats(struct sio_nic_dma *nic, struct sio_nic_stats *st)
{
	mutex_lock(&nic->lock);
	*st = nic->st;
	mutex_unlock(&nic->lock);
}

/* The registered NIC state of @dev with a reference, or NULL. */
static struct sio_nic_dma *nic_get(struct sio_device *dev)
{
	struct sio_nic_dma *pos, *found = NULL;

	if (!dev)
		return NULL;
	pthread_once(&nic_once, nic_registry_init);
	mutex_lock(&nic_lock);
	list_for_each_entry(pos, &nic_list, node) {
		if (pos->dev == dev) {
			refcount_inc(&pos->ref);
			found = pos;
			break;
		}
	}
	mutex_unlock(&nic_lock);
	return found;
}

/**
 * sio_nic_rx() - sio_nic_dma_rx() on the NIC state registered for @dev
 * @dev: the NIC
 * @data: frame
 * @len: bytes
 *
 * Context: any thread.
 * Return: as sio_nic_dma_rx(); -ENODEV (no NIC state).
 */
int sio_nic_rx(struct sio_device *dev, const void *data, size_t len)
{
	struct sio_nic_dma *nic = nic_get(dev);
	int ret;

	if (!nic)
		return -ENODEV;
	ret = sio_nic_dma_rx(nic, data, len);
	nic_put(nic);
	return ret;
}

/**
 * sio_nic_tx() - sio_nic_dma_tx() on the NIC state registered for @dev
 * @dev: the NIC
 * @data: frame
 * @len: bytes
 *
 * Context: any thread.
 * Return: as sio_nic_dma_tx(); -ENODEV (no NIC state).
 */
int sio_nic_tx(struct sio_device *dev, const void *data, size_t len)
{
	struct sio_nic_dma *nic = nic_get(dev);
	int ret;

	if (!nic)
		return -ENODEV;
	ret = sio_nic_dma_tx(nic, data, len);
	nic_put(nic);
	return ret;
}

/**
 * sio_nic_get_stats() - counters of the NIC state registered for @dev
 * @dev: the NIC
 * @st: filled in
 *
 * Context: any thread.
 * Return: 0, -ENODEV (no NIC state).
 */
int sio_nic_get_stats(struct sio_device *dev, struct sio_nic_stats *st)
{
	struct sio_nic_dma *nic = nic_get(dev);

	if (!nic)
		return -ENODEV;
	sio_nic_dma_get_stats(nic, st);
	nic_put(nic);
	return 0;
}

static ssize_t nic_last(struct sio_device *dev, void *buf, size_t len, bool rx)
{
	struct sio_nic_dma *nic = nic_get(dev);
	ssize_t ret;
	size_t n;

	if (!nic)
		return -ENODEV;
	mutex_lock(&nic->lock);
	n = rx ? nic->last_rx_len : nic->wire_len;
	if (!n) {
		ret = -ENOENT;
	} else {
		memcpy(buf, rx ? nic->last_rx : nic->wire, min(n, len));
		ret = (ssize_t)n;
	}
	mutex_unlock(&nic->lock);
	nic_put(nic);
	return ret;
}

/**
 * sio_nic_last_rx() - the last frame the driver received
 * @dev: the NIC
 * @buf: destination
 * @len: its size
 *
 * Context: any thread.
 * Return: frame length, -ENODEV, -ENOENT (none yet).
 */
ssize_t sio_nic_last_rx(struct sio_device *dev, void *buf, size_t len)
{
	return nic_last(dev, buf, len, true);
}

/**
 * sio_nic_last_tx() - the last frame the device put on the wire
 * @dev: the NIC
 * @buf: destination
 * @len: its size
 *
 * Context: any thread.
 * Return: frame length, -ENODEV, -ENOENT (none yet).
 */
ssize_t sio_nic_last_tx(struct sio_device *dev, void *buf, size_t len)
{
	return nic_last(dev, buf, len, false);
}

/**
 * sio_nic_dma_probe() - a complete DMA-API NIC driver's probe
 * @dev: the device (driver's owner_data: struct sio_nic_dma_cfg * or NULL)
 *
 * Context: device lock held.
 * Return: 0 or -errno.
 */
int sio_nic_dma_probe(struct sio_device *dev)
{
	const struct sio_nic_dma_cfg *cfg =
		dev->driver ? dev->driver->owner_data : NULL;
	struct sio_nic_dma *nic = sio_nic_dma_create(dev, cfg);

	if (IS_ERR(nic))
		return (int)PTR_ERR(nic);
	dev->driver_data = nic;
	return 0;
}

/**
 * sio_nic_dma_remove() - its remove
 * @dev: the device
 *
 * Context: device lock held.
 */
void sio_nic_dma_remove(struct sio_device *dev)
{
	sio_nic_dma_destroy(dev->driver_data);
	dev->driver_data = NULL;
}
