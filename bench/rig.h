/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A hardware rig for the translation benchmarks: simulated memory, a
 * software SMMU, and per-stream stage-1 page tables built with io-pgtable,
 * programmed through the hardware interface only (stream table and CDs
 * written before SMMUEN, as a minimal driver would at probe).
 */
#ifndef SIO_BENCH_RIG_H
#define SIO_BENCH_RIG_H

#include "base/base.h"
#include "mem/phys-mem.h"
#include "hw/hw-smmu.h"
#include "pgtable/io-pgtable.h"

#define BENCH_RIG_STREAMS	4
#define BENCH_SZ_4K		0x1000UL
#define BENCH_SZ_2M		0x200000UL
#define BENCH_SZ_1G		0x40000000UL
#define BENCH_RIG_MAX_BUFS	64

struct bench_rig {
	struct sio_phys_mem *mem;
	struct sio_hw_smmu *smmu;
	u64 strtab;		/* one frame: 64 STEs */
	u64 cdtab;		/* one frame: one CD per stream */
	unsigned int nstreams;
	struct io_pgtable_ops *ops[BENCH_RIG_STREAMS];
	struct io_pgtable_cfg cfg[BENCH_RIG_STREAMS];
	u64 bufs[BENCH_RIG_MAX_BUFS];	/* data frames to free */
	unsigned int buf_order[BENCH_RIG_MAX_BUFS];
	unsigned int nbufs;
};

/*
 * bench_rig_create() - memory of @mem_bytes, an SMMU with an
 * @iotlb_entries-entry IOTLB (0 = model default) and @nstreams streams
 * (SID i, ASID i + 1), each with an empty stage-1 4K-granule 48-bit table.
 * Map first, then bench_rig_enable(): the rig issues no invalidations, so
 * tables must not change once the SMMU translates.
 * Context: one thread owns the rig; translations may then run anywhere.
 * Return: 0 or -errno (nothing left allocated).
 */
int bench_rig_create(struct bench_rig *rig, u64 mem_bytes,
		     unsigned int iotlb_entries, unsigned int nstreams);
/* Write STEs and CDs and set SMMUEN.  Return: 0 or -EIO. */
int bench_rig_enable(struct bench_rig *rig);
/* Map @count pages of @pgsize at @iova -> @pa on stream @sid, RW. */
int bench_rig_map(struct bench_rig *rig, unsigned int sid, u64 iova, u64 pa,
		  size_t pgsize, size_t count);
/* Allocate 2^@order zeroed data frames (freed by destroy).  Return: PA/0. */
u64 bench_rig_alloc(struct bench_rig *rig, unsigned int order);
void bench_rig_destroy(struct bench_rig *rig);

#endif /* SIO_BENCH_RIG_H */
