/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Firmware DMA configuration as the buses see it (the of/acpi_dma_configure
 * step of a bus dma_configure).  Used by src/bus.
 * Kernel counterpart: drivers/iommu/of_iommu.c, drivers/acpi/scan.c (IORT)
 */
#ifndef SIO_CORE_FW_H
#define SIO_CORE_FW_H

#include "dev/device.h"

/**
 * sio_fw_dma_configure() - run the firmware DMA configuration of @dev
 * @dev: a device on a bus the IOMMU core follows
 *
 * Gives the IOMMU core the firmware description of @dev (its "fwspec") and
 * probes @dev into its IOMMU.
 *
 * Context: may sleep; takes the probe lock and the group mutex; called with
 * or without the device lock.
 * Return: 0 (also when @dev sits behind no IOMMU, or when the IOMMU does not
 * handle it); -EPROBE_DEFER when the named IOMMU instance is not registered
 * yet; another -errno when the probe failed.
 */
int sio_fw_dma_configure(struct sio_device *dev);

/**
 * sio_iommu_legacy_v7_order() - is @m modelling the v5.17 (v7) ordering?
 * Context: any.  Return: the knob set by sio_iommu_set_legacy_v7_order().
 */
bool sio_iommu_legacy_v7_order(struct sio_machine *m);

#endif /* SIO_CORE_FW_H */
