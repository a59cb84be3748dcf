/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the concrete bus types share: the DMA configuration step every
 * IOMMU-capable bus performs before a driver's probe, and its cleanup.
 * Kernel counterpart: drivers/pci/pci-driver.c, drivers/base/platform.c
 */
#ifndef SIO_BUS_PRIV_H
#define SIO_BUS_PRIV_H

#include "bus/bus.h"

int sio_bus_dma_configure(struct sio_device *dev);
void sio_bus_dma_cleanup(struct sio_device *dev);

#endif /* SIO_BUS_PRIV_H */
