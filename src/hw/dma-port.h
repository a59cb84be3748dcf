/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device-to-IOMMU "port": how a device's DMA reaches translation
 * hardware.  An IOMMU driver registers, per device, at probe_device time, an
 * ops table and its hardware handle; device DMA (sio_dma_read/write) then
 * translates every page through it.  A device without a port and without an
 * IOMMU does DMA with physical addresses.
 * Kernel counterpart: none (in the kernel this is the PCIe fabric); the
 * registration mirrors how a driver programs a stream table entry.
 */
#ifndef SIO_HW_DMA_PORT_H
#define SIO_HW_DMA_PORT_H

#include "base/base.h"
#include "dev/device.h"
#include <softiommu/dma.h>

/**
 * struct sio_dma_port_ops - the translation hardware behind a device
 * @name: for logs ("smmu", "mock")
 * @translate: translate one transaction of @access (SIO_DMA_READ and/or
 *	SIO_DMA_WRITE) at @iova for stream @sid (substream @pasid when
 *	@pasid_valid).  On success store the output address in *@pa and in
 *	*@len the bytes valid from *@pa within the translated page or block
 *	(0 = up to the end of the 4 KiB page).  The hardware raises its own
 *	fault event.  Called from any device thread, concurrently, with no
 *	softiommu lock held.  Return: 0; -EFAULT (translation or permission
 *	fault, abort: the transaction is terminated); -EAGAIN (a page request
 *	was queued or the transaction stalled: retry after the response);
 *	-EINVAL (bad @access).
 */
struct sio_dma_port_ops {
	const char *name;
	int (*translate)(void *hw, u32 sid, bool pasid_valid, u32 pasid,
			 u64 iova, unsigned int access, u64 *pa, size_t *len);
};

/**
 * struct sio_dma_port - a device's registered port (a copy; immutable)
 * @ops: NULL when the device has no port
 * @hw: the hardware handle passed to @ops
 * @sid: the device's stream ID on that hardware
 */
struct sio_dma_port {
	const struct sio_dma_port_ops *ops;
	void *hw;
	u32 sid;
};

/**
 * sio_dev_set_dma_port() - connect @dev's DMA to translation hardware
 * @dev: the device
 * @ops: the hardware's ops (static storage)
 * @hw: its handle (must outlive the registration)
 * @sid: @dev's stream ID
 *
 * Called by an IOMMU driver's probe_device; replaces an earlier port.
 * Context: may sleep; takes the port lock (a leaf).
 * Return: 0; -EINVAL (NULL @dev/@ops/@ops->translate); -ENOSPC (too many
 * devices connected).
 */
int sio_dev_set_dma_port(struct sio_device *dev,
			 const struct sio_dma_port_ops *ops, void *hw, u32 sid);

/**
 * sio_dev_clear_dma_port() - disconnect @dev (release_device); no-op if not
 * connected.  DMA started before it returns may still use the old port.
 * Context: may sleep; takes the port lock.
 */
void sio_dev_clear_dma_port(struct sio_device *dev);

/**
 * sio_dev_get_dma_port() - copy @dev's port
 * Context: any thread; lock-free (a sequence count on a type-stable entry).
 * Return: true and *@port filled if @dev has a port, else false.
 */
bool sio_dev_get_dma_port(struct sio_device *dev, struct sio_dma_port *port);

#endif /* SIO_HW_DMA_PORT_H */
