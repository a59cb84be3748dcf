/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * softiommu public DMA API: device-side DMA (what a device does: read and
 * write through the IOMMU and see the errno the fabric would give it) and
 * the driver-side DMA mapping API for library users (sio_dma_map...).
 * Kernel counterpart: include/linux/dma-mapping.h (driver side); the device
 * side has none (it is the hardware).
 */
#ifndef SOFTIOMMU_DMA_H
#define SOFTIOMMU_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

struct sio_device;

/* Transaction access bits (the hardware model's SIO_HW_ACCESS_* values). */
#define SIO_DMA_READ  (1u << 0)
#define SIO_DMA_WRITE (1u << 1)

/* The errno-free "no mapping" DMA address (kernel DMA_MAPPING_ERROR). */
#define SIO_DMA_MAPPING_ERROR (~(uint64_t)0)

/* Directions, with the kernel's enum dma_data_direction values. */
enum sio_dma_direction {
	SIO_DMA_BIDIRECTIONAL = 0,
	SIO_DMA_TO_DEVICE = 1,
	SIO_DMA_FROM_DEVICE = 2,
};

/* ---- device side ---- */

/**
 * sio_dma_read() - the device reads @len bytes at DMA address @iova
 * @dev: the device doing DMA
 * @iova: DMA address (IOVA behind an IOMMU, physical address otherwise)
 * @buf: destination
 * @len: bytes (0 is a no-op)
 *
 * Page by page through the device's IOMMU: each page is translated with
 * read permission and copied from simulated RAM.  A fault stops the
 * transfer; bytes of earlier pages were transferred.  The IOMMU raises its
 * fault event (and logs) as the hardware would.
 *
 * Context: any thread; never takes a core lock.
 * Return: 0; -EFAULT (translation/permission fault, abort, address not in
 * RAM); -EAGAIN (a page request was queued or the transaction stalled:
 * retry); -ENODEV (the device sits behind an IOMMU whose driver registered
 * no DMA port); -EINVAL (NULL @dev/@buf, machine without RAM).
 */
int sio_dma_read(struct sio_device *dev, uint64_t iova, void *buf, size_t len);
/* As sio_dma_read(), with write permission, copying @buf into RAM. */
int sio_dma_write(struct sio_device *dev, uint64_t iova, const void *buf,
		  size_t len);
/* As sio_dma_read(), the transaction tagged with @pasid. */
int sio_dma_read_pasid(struct sio_device *dev, uint32_t pasid, uint64_t iova,
		       void *buf, size_t len);
/* As sio_dma_write(), the transaction tagged with @pasid. */
int sio_dma_write_pasid(struct sio_device *dev, uint32_t pasid, uint64_t iova,
			const void *buf, size_t len);

/**
 * sio_dma_translate() - translate one address as a transaction would
 * @dev: the device
 * @iova: DMA address
 * @access: SIO_DMA_READ and/or SIO_DMA_WRITE
 * @pa: where the physical address is stored on success
 *
 * A fault raises the same event a transfer would.
 * Context: any thread.  Return: as sio_dma_read(); -EINVAL for a bad
 * @access.
 */
int sio_dma_translate(struct sio_device *dev, uint64_t iova,
		      unsigned int access, uint64_t *pa);
int sio_dma_translate_pasid(struct sio_device *dev, uint32_t pasid,
			    uint64_t iova, unsigned int access, uint64_t *pa);

/* ---- driver side (the kernel DMA API for library users) ---- */

/**
 * sio_dma_map() - dma_map_phys(): make [@phys, @phys + @size) of simulated
 * RAM reachable by @dev
 * @dev: the device (its group's default domain is used)
 * @phys: physical address
 * @size: bytes (> 0)
 * @dir: what the device will do with it
 *
 * Context: may sleep.  Return: the DMA address, or SIO_DMA_MAPPING_ERROR.
 */
uint64_t sio_dma_map(struct sio_device *dev, uint64_t phys, size_t size,
		     enum sio_dma_direction dir);
/* Undo sio_dma_map() with the same @size and @dir. */
void sio_dma_unmap(struct sio_device *dev, uint64_t dma, size_t size,
		   enum sio_dma_direction dir);

/**
 * sio_dma_alloc_coherent() - allocate @size bytes of RAM mapped for @dev
 * @dev: the device
 * @size: bytes (> 0)
 * @dma: where the DMA address is stored
 * @phys: where the physical address is stored (may be NULL)
 *
 * Context: may sleep.  Return: the host pointer to the (zeroed) memory, or
 * NULL.
 */
void *sio_dma_alloc_coherent(struct sio_device *dev, size_t size, uint64_t *dma,
			     uint64_t *phys);
void sio_dma_free_coherent(struct sio_device *dev, size_t size, void *cpu,
			   uint64_t dma);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* SOFTIOMMU_DMA_H */
