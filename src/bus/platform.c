// SPDX-License-Identifier: BSD-3-Clause
/*
 * The platform bus type.
 * Kernel counterpart: drivers/base/platform.c (platform_bus_type)
 */
#include "bus/bus-priv.h"

const struct sio_bus_type sio_platform_bus_type = {
	.name = "platform",
	.dma_configure = sio_bus_dma_configure,
	.dma_cleanup = sio_bus_dma_cleanup,
};
