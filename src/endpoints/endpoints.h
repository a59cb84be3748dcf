/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Built-in DMA-API device driver kinds: a NIC-like driver ("e1000e") whose
 * devices do DMA through the kernel DMA API, so binding it makes the bus
 * dma_configure count a use of the group's default domain.
 * Kernel counterpart: drivers/net/ethernet/intel/e1000e (its probe shape)
 */
#ifndef SIO_ENDPOINTS_ENDPOINTS_H
#define SIO_ENDPOINTS_ENDPOINTS_H

#include "dev/device.h"

/**
 * struct sio_nic_driver_cfg - per driver instance; sio_driver.owner_data
 * @needs: probe defers (-EPROBE_DEFER) until this device has a driver ("" none)
 */
struct sio_nic_driver_cfg {
	char needs[SIO_NAME_LEN];
};

/*
 * The "dma-api" kind's probe and remove.  Context: called by the device model
 * with the device lock held, after the bus dma_configure (probe) and before
 * the bus dma_cleanup (remove).  Probe returns 0, -EPROBE_DEFER or -ENOMEM.
 */
int sio_nic_probe(struct sio_device *dev);
void sio_nic_remove(struct sio_device *dev);

#endif /* SIO_ENDPOINTS_ENDPOINTS_H */
