// SPDX-License-Identifier: BSD-3-Clause
/*
 * B2 granule: strict dma_map_single + dma_unmap_single of 1, 16 and 256
 * pages, and of one 2 MiB-aligned 2 MiB buffer (a block mapping), against
 * 256 single pages and against one 4 KiB page.
 */
#include <string.h>
#include <softiommu/dma.h>
#include "dma/dma-mapping.h"
#include "hw/hw-smmu.h"
#include "bench.h"
#include "sys.h"


/* 256 single-page pairs per op, so A and B cover the same bytes. */
static double b2_256x1_batch(void *p)
{
	return 256 * bench_dma_mapunmap_batch(p);
}

/*
 * Is a 2 MiB map one block?  Two translations 1 MiB apart after a cold
 * start: with a block leaf the second one hits the IOTLB.
 * Return: 1 block, 0 pages, -1 unknown.
 */
static double b2_is_block(struct bench_sys *s, void *big)
{
	struct sio_hw_smmu_stats a, b;
	dma_addr_t d;
	uint64_t pa;
	double ret = -1;

	d = dma_map_single(s->dev, big, 2 << 20, DMA_BIDIRECTIONAL);
	if (dma_mapping_error(s->dev, d))
		return -1;
	if (!sio_dma_translate(s->dev, d, SIO_DMA_READ, &pa)) {
		sio_hw_smmu_get_stats(bench_sys_hw(s), &a);
		if (!sio_dma_translate(s->dev, d + (1 << 20), SIO_DMA_READ, &pa)) {
			sio_hw_smmu_get_stats(bench_sys_hw(s), &b);
			ret = b.iotlb_hits > a.iotlb_hits ? 1 : 0;
		}
	}
	dma_unmap_single(s->dev, d, 2 << 20, DMA_BIDIRECTIONAL);
	return ret;
}

void bench_b2_granule(struct bench_ctx *ctx, struct bench_result *r)
{
	static struct bench_dma_arg p1, p16, p256, blk;
	struct sio_hw_smmu_stats st0, st1;
	struct bench_sys s;
	double ratio, t, ref;
	void *big;

	bench_param(r, "\"mode\":\"strict\",\"pages\":[1,16,256],"
		    "\"block_bytes\":2097152,\"driver\":\"smmu\"");
	if (bench_sys_create(&s, true, 0)) {
		bench_skip(r, "strict system: %s", s.why);
		return;
	}
	big = bench_sys_alloc(&s, 9);	/* 2 MiB, naturally aligned */
	if (!big) {
		bench_skip(r, "out of simulated RAM");
		goto out;
	}
	memset(&p1, 0, sizeof(p1));
	p1.s = &s;
	p1.buf = big;
	p1.size = 4096;
	p16 = p1;
	p16.size = 16 * 4096;
	p256 = p1;
	p256.size = 256 * 4096;
	blk = p1;
	blk.size = 2 << 20;

	ratio = bench_ab(ctx, bench_dma_mapunmap_batch, &p256,
			 b2_256x1_batch, &p1, &t, &ref);
	bench_fig(r, "ns_256_pages", t);
	bench_fig(r, "ns_256x1_page", ref);
	bench_fig(r, "ns_1_page", ref / 256);
	bench_ratio(r, "t(256)/(256*t(1))", "256 single-page map+unmap",
		    ratio, 0.25, 0.05, true);

	sio_hw_smmu_get_stats(bench_sys_hw(&s), &st0);
	ratio = bench_ab(ctx, bench_dma_mapunmap_batch, &blk,
			 bench_dma_mapunmap_batch, &p1, &t, &ref);
	sio_hw_smmu_get_stats(bench_sys_hw(&s), &st1);
	bench_fig(r, "ns_2M_block", t);
	bench_fig(r, "ns_4K", ref);
	bench_fig(r, "ns_16_pages", bench_dma_mapunmap_batch(&p16));
	bench_fig(r, "tlbi_cmds_per_op",
		  (double)(st1.iotlb_inv_cmds - st0.iotlb_inv_cmds) /
		  ((ctx->rounds + 1) * 2.0 * BENCH_DMA_BATCH));
	bench_ratio(r, "t(2M block)/t(4K)", "one 4 KiB map+unmap", ratio,
		    2.0, 1.0, true);
	bench_fig(r, "block_leaf", b2_is_block(&s, big));
	if (p1.errors || p256.errors || blk.errors || p16.errors)
		bench_note(r, "%lu mapping errors",
			   p1.errors + p256.errors + blk.errors + p16.errors);
out:
	bench_sys_destroy(&s);
}
