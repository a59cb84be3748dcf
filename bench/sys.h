/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A whole simulated system for the DMA-API benchmarks: a machine with RAM,
 * an SMMU driver instance, one PCI device behind it bound to a DMA-API
 * driver, with a strict or lazy (flush queue) default domain.
 */
#ifndef SIO_BENCH_SYS_H
#define SIO_BENCH_SYS_H

#include <stdbool.h>
#include "base/base.h"

struct sio_machine;
struct sio_device;
struct iommu_device;
struct sio_phys_mem;

struct bench_sys {
	struct sio_machine *m;
	struct sio_hw_smmu *hw;	/* the machine's SMMU */
	struct iommu_device *iommu;
	struct sio_device *dev;	/* referenced */
	bool strict;
	u64 bufs[16];		/* RAM blocks from bench_sys_alloc() */
	unsigned int buf_order[16];
	unsigned int nbufs;
	char why[160];		/* what failed, for "skipped" */
};

/*
 * bench_sys_create() - build the system; @iotlb_entries 0 = default.
 * Context: the main thread, RCU-registered, no lock held; may sleep.
 * Return: 0, or -errno with @s->why saying what failed (nothing left).
 */
int bench_sys_create(struct bench_sys *s, bool strict,
		     unsigned int iotlb_entries);
/* Tear down (unmap everything first).  Context: as bench_sys_create(). */
void bench_sys_destroy(struct bench_sys *s);
/*
 * 2^@order zeroed frames of the machine's RAM, naturally aligned; freed by
 * bench_sys_destroy().  Return: host pointer, or NULL.
 */
void *bench_sys_alloc(struct bench_sys *s, unsigned int order);
/* The SMMU model behind the device (statistics, translation). */
struct sio_hw_smmu *bench_sys_hw(struct bench_sys *s);

/* Argument of the DMA-API batches shared by B1-B3 (b1-map1.c). */
#define BENCH_DMA_BATCH	2000
struct bench_dma_arg {
	struct bench_sys *s;
	void *buf;		/* host pointer into the machine's RAM */
	size_t size;		/* bytes per map */
	u64 addr[BENCH_DMA_BATCH];
	unsigned long errors;	/* DMA_MAPPING_ERROR returns */
};

/* BENCH_DMA_BATCH map + unmap pairs.  Return: ns per pair. */
double bench_dma_mapunmap_batch(void *arg);
/* BENCH_DMA_BATCH maps (untimed), then the unmaps.  Return: ns per unmap. */
double bench_dma_unmap_batch(void *arg);

#endif /* SIO_BENCH_SYS_H */
