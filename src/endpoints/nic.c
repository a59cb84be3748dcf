// SPDX-License-Identifier: BSD-3-Clause
/*
 * The "dma-api" driver kind: a NIC-like driver that uses the kernel DMA API.
 * Its probe checks its dependency, then (when the machine has RAM) sets up
 * DMA rings and mapped rx buffers through the DMA API (nic-dma.c).
 * Kernel counterpart: drivers/net/ethernet/intel/e1000e/netdev.c (probe shape)
 */
#include "endpoints/endpoints.h"
#include "endpoints/dma-endpoints.h"
#include <softiommu/iommu.h>

/* Per bound device. */
struct sio_nic {
	struct sio_device *dev;
	struct sio_nic_dma *dma;	/* rings and buffers; NULL without RAM */
};

static const char *nic_domain_kind(struct sio_device *dev)
{
	struct iommu_domain *d = iommu_get_domain_for_dev(dev);

	if (!d)
		return "no IOMMU";
	switch (iommu_domain_type(d)) {
	case IOMMU_DOMAIN_IDENTITY:
		return "identity";
	case IOMMU_DOMAIN_DMA:
		return "DMA";
	case IOMMU_DOMAIN_DMA_FQ:
		return "DMA-FQ";
	case IOMMU_DOMAIN_BLOCKED:
		return "blocked";
	default:
		return "unmanaged";
	}
}

/**
 * sio_nic_probe() - bind the NIC-like driver
 * @dev: the device; dev->driver is the driver being bound
 *
 * Context: device lock held; after the bus dma_configure counted the use of
 * the default domain.
 * Return: 0, -EPROBE_DEFER while the configured dependency has no driver,
 * -ENOMEM, or the DMA setup's error (sio_nic_dma_create()).
 */
int sio_nic_probe(struct sio_device *dev)
{
	const struct sio_nic_driver_cfg *cfg =
		dev->driver ? dev->driver->owner_data : NULL;
	struct sio_nic *nic;

	if (cfg && cfg->needs[0]) {
		struct sio_device *dep =
			sio_machine_find_device(dev->machine, cfg->needs);
		bool ready = dep && READ_ONCE(dep->driver);

		if (dep)
			sio_put_device(dep);
		if (!ready) {
			dev_info(dev, "waiting for %s, deferring probe",
				 cfg->needs);
			return -EPROBE_DEFER;
		}
	}
	nic = kzalloc(sizeof(*nic), GFP_KERNEL);
	if (!nic)
		return -ENOMEM;
	nic->dev = dev;
	/* A machine without RAM (mock-only scenarios) has no DMA to do. */
	if (dev->machine->mem) {
		nic->dma = sio_nic_dma_create(dev, NULL);
		if (IS_ERR(nic->dma)) {
			int ret = (int)PTR_ERR(nic->dma);

			kfree(nic);
			return ret;
		}
	}
	dev->driver_data = nic;
	dev_info(dev, "up: DMA API through the %s domain",
		 nic_domain_kind(dev));
	return 0;
}

/**
 * sio_nic_remove() - unbind the NIC-like driver
 * @dev: the device
 *
 * Context: device lock held; before the bus dma_cleanup.
 */
void sio_nic_remove(struct sio_device *dev)
{
	struct sio_nic *nic = dev->driver_data;

	dev->driver_data = NULL;
	if (nic)
		sio_nic_dma_destroy(nic->dma);
	kfree(nic);
	dev_info(dev, "down");
}
