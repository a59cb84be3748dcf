// SPDX-License-Identifier: BSD-3-Clause
/*
 * The DMA API: masks, streaming mappings, coherent allocations and their
 * public wrappers.  A device behind a DMA-API default domain goes to the
 * IOMMU DMA ops (dma-iommu.c); any other takes the direct 1:1 path.
 * Kernel counterpart: kernel/dma/mapping.c, kernel/dma/direct.c
 */
#include "dma/dma-mapping.h"
#include "dma/iommu-dma.h"
#include "dev/dma-link.h"
#include "mem/phys-mem.h"

/* The kernel's valid_dma_direction(). */
static bool dma_dir_valid(enum dma_data_direction dir)
{
	return dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE ||
	       dir == DMA_FROM_DEVICE;
}

/**
 * dma_set_mask() - the addresses @dev can generate
 * @dev: the device
 * @mask: DMA_BIT_MASK(n), n >= 32
 *
 * Context: the driver's probe.
 * Return: 0, -EIO (NULL @dev, mask too small).
 */
int dma_set_mask(struct sio_device *dev, u64 mask)
{
	if (!dev || mask < DMA_BIT_MASK(32))
		return -EIO;
	WRITE_ONCE(dev->dma_mask, mask);
	return 0;
}

/**
 * dma_set_mask_and_coherent() - dma_set_mask() (one mask for both here)
 * @dev: the device
 * @mask: the mask
 *
 * Context: the driver's probe.
 * Return: as dma_set_mask().
 */
int dma_set_mask_and_coherent(struct sio_device *dev, u64 mask)
{
	return dma_set_mask(dev, mask);
}

/**
 * dma_get_mask() - @dev's DMA mask
 * @dev: the device
 *
 * Context: any.
 * Return: the mask; DMA_BIT_MASK(32) when never set.
 */
u64 dma_get_mask(struct sio_device *dev)
{
	u64 mask = READ_ONCE(dev->dma_mask);

	return mask ? mask : DMA_BIT_MASK(32);
}

/* The 1:1 path: check the mask (no bounce buffering here). */
static dma_addr_t dma_direct_map(struct sio_device *dev, phys_addr_t phys,
				 size_t size)
{
	/*
	 * A removed device has no way to memory: never hand it a physical
	 * address (it may have sat behind an IOMMU that released it).
	 */
	if (sio_dma_link_state(dev) == SIO_DMA_LINK_DEAD) {
		dev_err(dev, "DMA map after removal refused");
		return DMA_MAPPING_ERROR;
	}
	if (phys + size - 1 < phys || phys + size - 1 > dma_get_mask(dev)) {
		dev_err(dev,
			"DMA addr %#llx+%#zx beyond mask %#llx (no bounce buffers)",
			(unsigned long long)phys, size,
			(unsigned long long)dma_get_mask(dev));
		return DMA_MAPPING_ERROR;
	}
	return phys;
}

/**
 * dma_map_phys() - map [@phys, @phys + @size) for @dev
 * @dev: the device
 * @phys: physical address
 * @size: bytes
 * @dir: direction
 *
 * Context: may sleep.
 * Return: DMA address or DMA_MAPPING_ERROR.
 */
dma_addr_t dma_map_phys(struct sio_device *dev, phys_addr_t phys, size_t size,
			enum dma_data_direction dir)
{
	struct iommu_domain *domain;

	if (!dev || !size || WARN_ON(!dma_dir_valid(dir)))
		return DMA_MAPPING_ERROR;
	domain = iommu_dma_domain(dev);
	if (!domain)
		return dma_direct_map(dev, phys, size);
	return iommu_dma_map_phys(dev, domain, phys, size, dir);
}

/**
 * dma_unmap_phys() - undo dma_map_phys()
 * @dev: the device
 * @addr: the DMA address it returned
 * @size: the size it was given
 * @dir: the direction it was given
 *
 * Context: may sleep (flush-queue bring-up, a full queue's flush).
 */
void dma_unmap_phys(struct sio_device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir)
{
	struct iommu_domain *domain;

	if (!dev || WARN_ON(addr == DMA_MAPPING_ERROR || !size))
		return;
	domain = iommu_dma_domain(dev);
	if (domain)
		iommu_dma_unmap_phys(dev, domain, addr, size);
}

/**
 * dma_map_single() - map a host pointer into the machine's RAM for @dev
 * @dev: the device
 * @cpu_addr: host pointer into RAM
 * @size: bytes
 * @dir: direction
 *
 * Context: may sleep.
 * Return: DMA address or DMA_MAPPING_ERROR.
 */
dma_addr_t dma_map_single(struct sio_device *dev, void *cpu_addr, size_t size,
			  enum dma_data_direction dir)
{
	struct sio_phys_mem *mem;
	phys_addr_t phys;

	if (!dev || !dev->machine || !cpu_addr)
		return DMA_MAPPING_ERROR;
	mem = READ_ONCE(dev->machine->mem);
	if (!mem)
		return DMA_MAPPING_ERROR;
	phys = sio_virt_to_phys(mem, cpu_addr);
	if (!phys || !sio_phys_range_valid(mem, phys, size)) {
		dev_err(dev, "dma_map_single of a buffer outside machine RAM");
		return DMA_MAPPING_ERROR;
	}
	return dma_map_phys(dev, phys, size, dir);
}

/**
 * dma_unmap_single() - undo dma_map_single()
 * @dev: the device
 * @addr: DMA address
 * @size: bytes
 * @dir: direction
 *
 * Context: as dma_unmap_phys().
 */
void dma_unmap_single(struct sio_device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir)
{
	dma_unmap_phys(dev, addr, size, dir);
}

/**
 * dma_map_sg() - map a scatter-gather list (one IOVA range behind an IOMMU)
 * @dev: the device
 * @sg: the segments
 * @nents: how many
 * @dir: direction
 *
 * Context: may sleep.
 * Return: DMA segments (>= 1) or 0 on failure.
 */
int dma_map_sg(struct sio_device *dev, struct sio_scatterlist *sg, int nents,
	       enum dma_data_direction dir)
{
	struct iommu_domain *domain;
	int i;

	if (!dev || !sg || nents <= 0 || WARN_ON(!dma_dir_valid(dir)))
		return 0;
	domain = iommu_dma_domain(dev);
	if (domain)
		return iommu_dma_map_sg(dev, domain, sg, nents, dir);
	for (i = 0; i < nents; i++) {
		if (!sg[i].length)
			return 0;
		sg[i].dma_address =
			dma_direct_map(dev, sg[i].phys, sg[i].length);
		if (sg[i].dma_address == DMA_MAPPING_ERROR)
			return 0;
		sg[i].dma_length = sg[i].length;
	}
	return nents;
}

/**
 * dma_unmap_sg() - undo dma_map_sg()
 * @dev: the device
 * @sg: the list given to dma_map_sg()
 * @nents: the count given to dma_map_sg() (not its result)
 * @dir: direction
 *
 * Context: as dma_unmap_phys().
 */
void dma_unmap_sg(struct sio_device *dev, struct sio_scatterlist *sg, int nents,
		  enum dma_data_direction dir)
{
	struct iommu_domain *domain;

	if (!dev || !sg || nents <= 0)
		return;
	domain = iommu_dma_domain(dev);
	if (domain)
		iommu_dma_unmap_sg(dev, domain, sg, nents);
}

/**
 * dma_alloc_coherent() - zeroed RAM mapped read/write for @dev
 * @dev: the device
 * @size: bytes
 * @dma_handle: DMA address out
 * @gfp: allocation flags
 *
 * Context: may sleep.
 * Return: host pointer or NULL.
 */
void *dma_alloc_coherent(struct sio_device *dev, size_t size,
			 dma_addr_t *dma_handle, gfp_t gfp)
{
	struct sio_phys_mem *mem;
	unsigned int order;
	dma_addr_t dma;
	u64 pa;

	if (!dev || !dev->machine || !size || !dma_handle)
		return NULL;
	mem = READ_ONCE(dev->machine->mem);
	if (!mem)
		return NULL;
	order = sio_phys_order_for_size(size);
	if (order > mem->max_order)
		return NULL;
	if (sio_phys_alloc_pages(mem, order, gfp, &pa))
		return NULL;
	dma = dma_map_phys(dev, pa, ALIGN(size, PAGE_SIZE), DMA_BIDIRECTIONAL);
	if (dma == DMA_MAPPING_ERROR) {
		sio_phys_free_pages(mem, pa, order);
		return NULL;
	}
	*dma_handle = dma;
	return sio_phys_to_virt(mem, pa, size);
}

/**
 * dma_free_coherent() - undo dma_alloc_coherent()
 * @dev: the device
 * @size: the size given to it
 * @cpu_addr: the pointer it returned
 * @dma_handle: the DMA address it returned
 *
 * Context: may sleep.
 */
void dma_free_coherent(struct sio_device *dev, size_t size, void *cpu_addr,
		       dma_addr_t dma_handle)
{
	struct sio_phys_mem *mem;
	u64 pa;

	if (!dev || !dev->machine || !cpu_addr || !size)
		return;
	mem = READ_ONCE(dev->machine->mem);
	if (WARN_ON(!mem))
		return;
	pa = sio_virt_to_phys(mem, cpu_addr);
	if (WARN_ON(!pa))
		return;
	dma_unmap_phys(dev, dma_handle, ALIGN(size, PAGE_SIZE),
		       DMA_BIDIRECTIONAL);
	sio_phys_free_pages(mem, pa, sio_phys_order_for_size(size));
}

/* ---- public wrappers (include/softiommu/dma.h) ---- */

/**
 * sio_dma_map() - public dma_map_phys()
 * @dev: the device
 * @phys: physical address
 * @size: bytes
 * @dir: direction
 *
 * Context: may sleep.
 * Return: DMA address or SIO_DMA_MAPPING_ERROR.
 */
uint64_t sio_dma_map(struct sio_device *dev, uint64_t phys, size_t size,
		     enum sio_dma_direction dir)
{
	return dma_map_phys(dev, phys, size, (enum dma_data_direction)dir);
}

/**
 * sio_dma_unmap() - public dma_unmap_phys()
 * @dev: the device
 * @dma: DMA address from sio_dma_map()
 * @size: its size
 * @dir: its direction
 *
 * Context: may sleep.
 */
void sio_dma_unmap(struct sio_device *dev, uint64_t dma, size_t size,
		   enum sio_dma_direction dir)
{
	dma_unmap_phys(dev, dma, size, (enum dma_data_direction)dir);
}

/**
 * sio_dma_alloc_coherent() - public dma_alloc_coherent()
 * @dev: the device
 * @size: bytes
 * @dma: DMA address out
 * @phys: physical address out (may be NULL)
 *
 * Context: may sleep.
 * Return: host pointer or NULL.
 */
void *sio_dma_alloc_coherent(struct sio_device *dev, size_t size, uint64_t *dma,
			     uint64_t *phys)
{
	void *cpu = dma_alloc_coherent(dev, size, dma, GFP_KERNEL);

	if (cpu && phys)
		*phys = sio_virt_to_phys(dev->machine->mem, cpu);
	return cpu;
}

/**
 * sio_dma_free_coherent() - public dma_free_coherent()
 * @dev: the device
 * @size: the size given to sio_dma_alloc_coherent()
 * @cpu: the pointer it returned
 * @dma: the DMA address it returned
 *
 * Context: may sleep.
 */
void sio_dma_free_coherent(struct sio_device *dev, size_t size, void *cpu,
			   uint64_t dma)
{
	dma_free_coherent(dev, size, cpu, dma);
}
