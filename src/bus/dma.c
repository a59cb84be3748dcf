// SPDX-License-Identifier: BSD-3-Clause
/*
 * The DMA configuration shared by the PCI and platform buses: firmware
 * configuration (which may probe the device into its IOMMU), then DMA-API
 * ownership for drivers that use the DMA API.
 * Kernel counterpart: drivers/pci/pci-driver.c (pci_dma_configure,
 * pci_dma_cleanup), drivers/base/platform.c (platform_dma_configure)
 */
#include <softiommu/iommu.h>

#include "bus/bus-priv.h"
#include "core/fw.h"

/**
 * sio_bus_dma_configure() - a bus dma_configure
 * @dev: the device; its driver (if any) is about to probe
 *
 * Today's order (the v8 series): firmware configuration first; then, only
 * if it succeeded, a driver is bound and it does not manage DMA itself,
 * iommu_device_use_default_domain().  With the machine modelling the v5.17
 * kernel (sio_iommu_set_legacy_v7_order()), use_default_domain runs first,
 * before the firmware step could create the group: seed 000's v7 order.
 *
 * Also called by the IOMMU core with no driver bound (no ownership then).
 *
 * Context: device lock held when called for a bind; may sleep.
 * Return: 0, -EPROBE_DEFER (IOMMU not registered yet, or its group still
 * being set up), -EBUSY (group owned by a user), or a probe error.
 */
int sio_bus_dma_configure(struct sio_device *dev)
{
	struct sio_driver *drv = READ_ONCE(dev->driver);
	bool use = drv && !drv->driver_managed_dma;
	int ret;

	if (sio_iommu_legacy_v7_order(dev->machine)) {
		if (use) {
			ret = iommu_device_use_default_domain(dev);
			if (ret)
				return ret;
		}
		ret = sio_fw_dma_configure(dev);
		if (ret && use)
			iommu_device_unuse_default_domain(dev);
		return ret;
	}

	ret = sio_fw_dma_configure(dev);
	if (!ret && use) {
		ret = iommu_device_use_default_domain(dev);
		/* arch_teardown_dma_ops(): there are no arch DMA ops here. */
	}
	return ret;
}

/**
 * sio_bus_dma_cleanup() - a bus dma_cleanup: after remove or a failed probe
 * @dev: the device (its driver still set)
 *
 * Context: device lock held; may sleep.
 */
void sio_bus_dma_cleanup(struct sio_device *dev)
{
	struct sio_driver *drv = READ_ONCE(dev->driver);

	if (drv && !drv->driver_managed_dma)
		iommu_device_unuse_default_domain(dev);
}
