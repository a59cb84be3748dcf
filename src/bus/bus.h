/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Concrete bus types: PCI and platform.  Their dma_configure runs the
 * firmware DMA configuration (which may probe the device into its IOMMU)
 * and then, last, iommu_device_use_default_domain() (the v8 order, seed 000).
 * Kernel counterpart: drivers/pci/pci-driver.c, drivers/base/platform.c
 */
#ifndef SIO_BUS_BUS_H
#define SIO_BUS_BUS_H

#include "dev/device.h"

extern const struct sio_bus_type sio_pci_bus_type;
extern const struct sio_bus_type sio_platform_bus_type;

#endif /* SIO_BUS_BUS_H */
