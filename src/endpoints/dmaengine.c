// SPDX-License-Identifier: BSD-3-Clause
/*
 * A generic DMA-engine device for tests and scenarios: memcpy and fill
 * between DMA addresses, done entirely by device DMA (sio_dma_read/write),
 * with or without a PASID.
 * Kernel counterpart: drivers/dma (a memcpy-capable engine, device side)
 */
#include <string.h>

#include "endpoints/dma-endpoints.h"
#include <softiommu/dma.h>

#define DMAENGINE_CHUNK 4096

static int dmaengine_copy(struct sio_device *dev, bool pasid_valid, u32 pasid,
			  u64 src, u64 dst, size_t len)
{
	u8 bounce[DMAENGINE_CHUNK];
	int ret;

	if (!dev)
		return -EINVAL;
	while (len) {
		/* Never cross a page of either side within one chunk. */
		size_t n =
			min_t(size_t, len,
			      DMAENGINE_CHUNK - (src & (DMAENGINE_CHUNK - 1)));

		n = min_t(size_t, n,
			  DMAENGINE_CHUNK - (dst & (DMAENGINE_CHUNK - 1)));
		ret = pasid_valid ?
			      sio_dma_read_pasid(dev, pasid, src, bounce, n) :
			      sio_dma_read(dev, src, bounce, n);
		if (ret)
			return ret;
		ret = pasid_valid ?
			      sio_dma_write_pasid(dev, pasid, dst, bounce, n) :
			      sio_dma_write(dev, dst, bounce, n);
		if (ret)
			return ret;
		src += n;
		dst += n;
		len -= n;
	}
	return 0;
}

/**
 * sio_dmaengine_copy() - copy @len bytes from DMA address @src to @dst
 * @dev: the engine
 * @src: source DMA address
 * @dst: destination DMA address
 * @len: bytes
 *
 * Context: any thread.
 * Return: 0 or the device's DMA errno.
 */
int sio_dmaengine_copy(struct sio_device *dev, u64 src, u64 dst, size_t len)
{
	return dmaengine_copy(dev, false, 0, src, dst, len);
}

/**
 * sio_dmaengine_copy_pasid() - sio_dmaengine_copy() tagged with @pasid
 * @dev: the engine
 * @pasid: PASID of every transaction
 * @src: source DMA address
 * @dst: destination DMA address
 * @len: bytes
 *
 * Context: any thread.
 * Return: 0 or the device's DMA errno.
 */
int sio_dmaengine_copy_pasid(struct sio_device *dev, u32 pasid, u64 src,
			     u64 dst, size_t len)
{
	return dmaengine_copy(dev, true, pasid, src, dst, len);
}

/**
 * sio_dmaengine_fill() - write @len bytes of @val at DMA address @dst
 * @dev: the engine
 * @dst: destination DMA address
 * @val: byte value
 * @len: bytes
 *
 * Context: any thread.
 * Return: 0 or the device's DMA errno.
 */
int sio_dmaengine_fill(struct sio_device *dev, u64 dst, u8 val, size_t len)
{
	u8 pattern[DMAENGINE_CHUNK];
	int ret;

	if (!dev)
		return -EINVAL;
	memset(pattern, val, sizeof(pattern));
	while (len) {
		size_t n =
			min_t(size_t, len,
			      DMAENGINE_CHUNK - (dst & (DMAENGINE_CHUNK - 1)));

		ret = sio_dma_write(dev, dst, pattern, n);
		if (ret)
			return ret;
		dst += n;
		len -= n;
	}
	return 0;
}
