// SPDX-License-Identifier: BSD-3-Clause
/*
 * B5 xlate-hit: a device copies 4 KiB buffers through the IOMMU
 * (sio_dma_read over the SMMU driver's DMA port) with a warm IOTLB,
 * against a raw memcpy of the same buffers; and 64-byte random reads inside
 * the mapped pages against raw 64-byte loads.  Runs on the device-side CPU.
 */
#include <string.h>
#include <softiommu/dma.h>
#include "dma/dma-mapping.h"
#include "hw/hw-smmu.h"
#include "bench.h"
#include "sys.h"

#define B5_BUFS		64	/* 256 KiB: far below the IOTLB reach */
#define B5_COPIES	1000	/* 4 KiB copies per batch */
#define B5_READS	20000	/* 64-byte reads per batch */

struct b5 {
	struct bench_sys *s;
	u8 *buf;		/* B5_BUFS pages of RAM (host view) */
	u64 iova[B5_BUFS];	/* DMA address of each page */
	u8 dst[4096] __attribute__((aligned(64)));
	uint64_t seed;
	unsigned long errors;
};

static double b5_copy_dev(void *p)
{
	struct b5 *b = p;
	uint64_t t0 = bench_now_ns();
	unsigned int i;

	for (i = 0; i < B5_COPIES; i++)
		if (sio_dma_read(b->s->dev, b->iova[i % B5_BUFS], b->dst, 4096))
			b->errors++;
	return (double)(bench_now_ns() - t0) / B5_COPIES;
}

static double b5_copy_raw(void *p)
{
	struct b5 *b = p;
	uint64_t t0 = bench_now_ns();
	unsigned int i;

	for (i = 0; i < B5_COPIES; i++) {
		memcpy(b->dst, b->buf + (size_t)(i % B5_BUFS) * 4096, 4096);
		__asm__ volatile("" : : "r"(b->dst) : "memory");
	}
	return (double)(bench_now_ns() - t0) / B5_COPIES;
}

static double b5_read_dev(void *p)
{
	struct b5 *b = p;
	uint64_t t0 = bench_now_ns();
	unsigned int i;

	for (i = 0; i < B5_READS; i++) {
		uint64_t r = bench_rand(&b->seed);

		if (sio_dma_read(b->s->dev, b->iova[r % B5_BUFS] +
					    ((r >> 32) & 63) * 64,
				 b->dst, 64))
			b->errors++;
	}
	return (double)(bench_now_ns() - t0) / B5_READS;
}

static double b5_read_raw(void *p)
{
	struct b5 *b = p;
	uint64_t t0 = bench_now_ns();
	unsigned int i;

	for (i = 0; i < B5_READS; i++) {
		uint64_t r = bench_rand(&b->seed);

		memcpy(b->dst, b->buf + (size_t)(r % B5_BUFS) * 4096 +
				       ((r >> 32) & 63) * 64, 64);
		__asm__ volatile("" : : "r"(b->dst) : "memory");
	}
	return (double)(bench_now_ns() - t0) / B5_READS;
}

void bench_b5_xlate_hit(struct bench_ctx *ctx, struct bench_result *r)
{
	static struct b5 b;
	struct sio_hw_smmu_stats st0, st1;
	struct bench_sys s;
	double ratio, td, tr;
	unsigned int i;

	bench_param(r, "\"buffers\":%d,\"buffer_bytes\":4096,"
		    "\"random_read_bytes\":64,\"path\":\"sio_dma_read via the "
		    "SMMU driver's DMA port\",\"device_cpu\":%d",
		    B5_BUFS, ctx->cpu_b);
	if (bench_sys_create(&s, true, 0)) {
		bench_skip(r, "system: %s", s.why);
		return;
	}
	memset(&b, 0, sizeof(b));
	b.s = &s;
	b.seed = 99;
	b.buf = bench_sys_alloc(&s, 6);	/* 64 pages */
	if (!b.buf) {
		bench_skip(r, "out of simulated RAM");
		goto out;
	}
	memset(b.buf, 0xa5, B5_BUFS * 4096);
	for (i = 0; i < B5_BUFS; i++) {
		b.iova[i] = dma_map_single(s.dev, b.buf + (size_t)i * 4096, 4096,
					   DMA_TO_DEVICE);
		if (dma_mapping_error(s.dev, b.iova[i])) {
			bench_skip(r, "dma_map_single failed");
			goto unmap;
		}
	}
	if (sio_dma_read(s.dev, b.iova[0], b.dst, 4096) ||
	    memcmp(b.dst, b.buf, 4096)) {
		bench_skip(r, "device read through the IOMMU failed");
		goto unmap;
	}

	bench_pin(ctx->cpu_b);		/* the device side */
	sio_hw_smmu_get_stats(bench_sys_hw(&s), &st0);
	ratio = bench_ab(ctx, b5_copy_raw, &b, b5_copy_dev, &b, &tr, &td);
	bench_fig(r, "dev_copy_ns_per_4K", td);
	bench_fig(r, "raw_copy_ns_per_4K", tr);
	bench_fig(r, "dev_copy_GBps", 4096 / td);
	bench_fig(r, "raw_copy_GBps", 4096 / tr);
	bench_ratio(r, "copy bytes/s dev/raw", "raw memcpy, same buffers",
		    ratio, 0.85, 0.97, false);

	ratio = bench_ab(ctx, b5_read_raw, &b, b5_read_dev, &b, &tr, &td);
	sio_hw_smmu_get_stats(bench_sys_hw(&s), &st1);
	bench_fig(r, "dev_read64_ns", td);
	bench_fig(r, "raw_read64_ns", tr);
	bench_fig(r, "dev_reads_per_s", 1e9 / td);
	bench_fig(r, "iotlb_hit_rate",
		  (double)(st1.iotlb_hits - st0.iotlb_hits) /
		  (double)(st1.iotlb_hits - st0.iotlb_hits +
			   st1.iotlb_misses - st0.iotlb_misses + 1));
	bench_ratio(r, "loads/s dev/raw", "raw 64-byte loads", ratio, 0.3, 0.6,
		    false);
	bench_pin(ctx->cpu_a);
	if (b.errors)
		bench_note(r, "%lu device reads failed", b.errors);
unmap:
	for (i = 0; i < B5_BUFS; i++)
		if (b.iova[i] && !dma_mapping_error(s.dev, b.iova[i]))
			dma_unmap_single(s.dev, b.iova[i], 4096, DMA_TO_DEVICE);
out:
	bench_sys_destroy(&s);
}
