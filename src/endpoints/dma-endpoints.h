/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Simulated DMA devices: the NIC's DMA rings (driver side on the DMA API,
 * device side on sio_dma_read/write) and a generic DMA-engine device.
 * Kernel counterpart: drivers/net/ethernet/intel/e1000e (ring shape),
 * drivers/dma (a memcpy engine)
 */
#ifndef SIO_ENDPOINTS_DMA_ENDPOINTS_H
#define SIO_ENDPOINTS_DMA_ENDPOINTS_H

#include "base/base.h"
#include "dev/device.h"

#define SIO_NIC_RING_DEFAULT 64
#define SIO_NIC_RING_MAX     4096
#define SIO_NIC_BUF_SIZE     2048

/* A ring descriptor, in coherent memory (the device reads/writes it by DMA). */
struct sio_nic_desc {
	u64 addr; /* DMA address of the buffer */
	u32 len; /* rx: buffer size, then frame length; tx: frame */
	u32 status; /* SIO_NIC_DESC_* written back by the device */
};
#define SIO_NIC_DESC_DONE (1u << 0)
#define SIO_NIC_DESC_ERR  (1u << 1)

/**
 * struct sio_nic_dma_cfg - NIC ring parameters (zero = default)
 * @ring_entries: descriptors per ring (power of two, <= SIO_NIC_RING_MAX)
 * @dma_mask: what the driver sets (default DMA_BIT_MASK(64))
 */
struct sio_nic_dma_cfg {
	unsigned int ring_entries;
	u64 dma_mask;
};

struct sio_nic_stats {
	u64 rx_packets, rx_bytes, rx_errors, rx_dropped;
	u64 tx_packets, tx_bytes, tx_errors;
	u64 rx_remap_failures;
};

struct sio_nic_dma;

/**
 * sio_nic_dma_create() - the DMA part of the NIC driver's probe
 * @dev: the NIC (its DMA goes through its group's default domain)
 * @cfg: ring parameters, or NULL
 *
 * Sets the DMA mask, allocates the rx and tx rings with dma_alloc_coherent,
 * the packet buffers from machine RAM, and maps every rx buffer
 * (DMA_FROM_DEVICE) with dma_map_single.  Registers @dev so that
 * sio_nic_rx(dev, ...) finds it.
 * Context: may sleep; the driver's probe (device lock held).
 * Return: the NIC state or ERR_PTR(-EINVAL/-ENOMEM/-EEXIST/-EIO); nothing is
 * left allocated or mapped on failure.
 */
struct sio_nic_dma *sio_nic_dma_create(struct sio_device *dev,
				       const struct sio_nic_dma_cfg *cfg);
/*
 * Unmap and free everything (the driver's remove).  Step calls racing with
 * it return -ENODEV.  NULL/ERR_PTR is a no-op.  Context: may sleep.
 */
void sio_nic_dma_destroy(struct sio_nic_dma *nic);

/**
 * sio_nic_dma_rx() - one packet arrives from the wire
 * @nic: the NIC
 * @data: frame
 * @len: bytes (1..SIO_NIC_BUF_SIZE)
 *
 * Device side: reads the next rx descriptor by DMA, writes the frame into
 * its buffer and writes the descriptor back.  Driver side (the interrupt +
 * poll): unmaps the buffer, takes the frame (sio_nic_last_rx), maps the
 * buffer again and re-posts the descriptor.
 * Context: any thread; takes the NIC lock.
 * Return: 0; the device's DMA errno (-EFAULT...) with rx_errors counted;
 * -EMSGSIZE (frame too big; dropped); -ENODEV (being destroyed); -EINVAL.
 */
int sio_nic_dma_rx(struct sio_nic_dma *nic, const void *data, size_t len);

/**
 * sio_nic_dma_tx() - the driver transmits a frame
 * @nic: the NIC
 * @data: frame
 * @len: bytes (1..SIO_NIC_BUF_SIZE)
 *
 * Driver side: copies the frame into a tx buffer, maps it DMA_TO_DEVICE and
 * posts a descriptor.  Device side: reads the descriptor and the frame by
 * DMA (onto the "wire", see sio_nic_last_tx) and writes the status back.
 * Driver side: unmaps on completion.
 * Context: any thread; takes the NIC lock.
 * Return: 0; -ENOMEM (mapping failed); the device's DMA errno with
 * tx_errors counted; -EMSGSIZE; -ENODEV; -EINVAL.
 */
int sio_nic_dma_tx(struct sio_nic_dma *nic, const void *data, size_t len);

void sio_nic_dma_get_stats(struct sio_nic_dma *nic, struct sio_nic_stats *st);

/* By device, for scenarios: the NIC state registered for @dev.  Return:
 * as the _dma_ variants; -ENODEV when @dev has no NIC state. */
int sio_nic_rx(struct sio_device *dev, const void *data, size_t len);
int sio_nic_tx(struct sio_device *dev, const void *data, size_t len);
int sio_nic_get_stats(struct sio_device *dev, struct sio_nic_stats *st);
/*
 * The last frame the driver received / the device put on the wire.
 * Return: its length (copied up to @len), -ENODEV, -ENOENT (none yet).
 */
ssize_t sio_nic_last_rx(struct sio_device *dev, void *buf, size_t len);
ssize_t sio_nic_last_tx(struct sio_device *dev, void *buf, size_t len);

/*
 * A complete DMA-API NIC driver kind (probe = sio_nic_dma_create with the
 * driver's owner_data as struct sio_nic_dma_cfg *, state in driver_data).
 * Context: the device model, device lock held.  Return: 0 or -errno.
 */
int sio_nic_dma_probe(struct sio_device *dev);
void sio_nic_dma_remove(struct sio_device *dev);

/**
 * sio_dmaengine_copy() - a DMA engine copies @len bytes from @src to @dst
 * @dev: the engine
 * @src: DMA address to read
 * @dst: DMA address to write
 * @len: bytes
 *
 * Chunk by chunk (4 KiB) through a device-side bounce buffer: reads then
 * writes, so a fault leaves earlier chunks copied.
 * Context: any thread.  Return: 0 or the device's DMA errno.
 */
int sio_dmaengine_copy(struct sio_device *dev, u64 src, u64 dst, size_t len);
/* Same, every transaction tagged with @pasid. */
int sio_dmaengine_copy_pasid(struct sio_device *dev, u32 pasid, u64 src,
			     u64 dst, size_t len);
/* Fill @len bytes at @dst with @val.  Return: as sio_dmaengine_copy(). */
int sio_dmaengine_fill(struct sio_device *dev, u64 dst, u8 val, size_t len);

#endif /* SIO_ENDPOINTS_DMA_ENDPOINTS_H */
