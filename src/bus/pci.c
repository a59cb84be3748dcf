// SPDX-License-Identifier: BSD-3-Clause
/*
 * The PCI bus type.  Devices may be untrusted (external-facing ports),
 * which forces a strict DMA default domain.
 * Kernel counterpart: drivers/pci/pci-driver.c (pci_bus_type)
 */
#include "bus/bus-priv.h"

const struct sio_bus_type sio_pci_bus_type = {
	.name = "pci",
	.dma_configure = sio_bus_dma_configure,
	.dma_cleanup = sio_bus_dma_cleanup,
};
