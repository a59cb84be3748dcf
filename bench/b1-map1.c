// SPDX-License-Identifier: BSD-3-Clause
/*
 * B1 map1: dma_map_single + dma_unmap_single of one 4 KiB page through the
 * DMA API over the SMMU driver, lazy (flush queue) against L_mem and
 * strict (unmap waits for the invalidation) against L_xcore.
 */
#include <string.h>
#include "dma/dma-mapping.h"
#include "bench.h"
#include "sys.h"

/* map + unmap pairs.  Return: ns per pair. */
double bench_dma_mapunmap_batch(void *p)
{
	struct bench_dma_arg *a = p;
	uint64_t t0 = bench_now_ns();
	unsigned int i;

	for (i = 0; i < BENCH_DMA_BATCH; i++) {
		dma_addr_t d = dma_map_single(a->s->dev, a->buf, a->size,
					      DMA_BIDIRECTIONAL);

		if (dma_mapping_error(a->s->dev, d)) {
			a->errors++;
			continue;
		}
		dma_unmap_single(a->s->dev, d, a->size, DMA_BIDIRECTIONAL);
	}
	return (double)(bench_now_ns() - t0) / BENCH_DMA_BATCH;
}

/* Maps untimed, then times the unmaps.  Return: ns per unmap. */
double bench_dma_unmap_batch(void *p)
{
	struct bench_dma_arg *a = p;
	unsigned int i, n = 0;
	uint64_t t0;

	for (i = 0; i < BENCH_DMA_BATCH; i++) {
		a->addr[i] = dma_map_single(a->s->dev, a->buf, a->size,
					    DMA_BIDIRECTIONAL);
		if (dma_mapping_error(a->s->dev, a->addr[i]))
			a->errors++;
		else
			n++;
	}
	t0 = bench_now_ns();
	for (i = 0; i < BENCH_DMA_BATCH; i++)
		if (!dma_mapping_error(a->s->dev, a->addr[i]))
			dma_unmap_single(a->s->dev, a->addr[i], a->size,
					 DMA_BIDIRECTIONAL);
	return n ? (double)(bench_now_ns() - t0) / n : 0;
}

void bench_b1_map1(struct bench_ctx *ctx, struct bench_result *r)
{
	static struct bench_dma_arg lazy, strict;	/* large: not on the stack */
	struct bench_sys sl, ss;
	double ratio, t, ref;

	bench_param(r, "\"bytes\":4096,\"ops_per_batch\":%d,"
		    "\"driver\":\"smmu\",\"dir\":\"bidirectional\"", BENCH_DMA_BATCH);
	if (bench_sys_create(&sl, false, 0)) {
		bench_skip(r, "lazy system: %s", sl.why);
		return;
	}
	if (bench_sys_create(&ss, true, 0)) {
		bench_skip(r, "strict system: %s", ss.why);
		bench_sys_destroy(&sl);
		return;
	}
	memset(&lazy, 0, sizeof(lazy));
	memset(&strict, 0, sizeof(strict));
	lazy.s = &sl;
	strict.s = &ss;
	lazy.size = strict.size = 4096;
	lazy.buf = bench_sys_alloc(&sl, 0);
	strict.buf = bench_sys_alloc(&ss, 0);
	if (!lazy.buf || !strict.buf) {
		bench_skip(r, "out of simulated RAM");
		goto out;
	}

	ratio = bench_ab(ctx, bench_dma_mapunmap_batch, &lazy,
			 bench_ref_lmem_batch, NULL, &t, &ref);
	bench_fig(r, "lazy_map_unmap_ns", t);
	bench_fig(r, "lazy_ops_per_s", t > 0 ? 1e9 / t : 0);
	bench_fig(r, "L_mem_ns", ref);
	bench_ratio(r, "lazy map+unmap/L_mem", "L_mem", ratio, 2.0, 1.0, true);

	ratio = bench_ab(ctx, bench_dma_unmap_batch, &strict,
			 bench_ref_xcore_batch, ctx, &t, &ref);
	bench_fig(r, "strict_unmap_ns", t);
	bench_fig(r, "L_xcore_ns", ref);
	bench_ratio(r, "strict unmap/L_xcore", "L_xcore", ratio, 3.0, 1.5, true);

	/* context: strict map+unmap and lazy unmap alone */
	bench_fig(r, "strict_map_unmap_ns", bench_dma_mapunmap_batch(&strict));
	bench_fig(r, "lazy_unmap_ns", bench_dma_unmap_batch(&lazy));
	if (lazy.errors || strict.errors)
		bench_note(r, "%lu mapping errors", lazy.errors + strict.errors);
out:
	bench_sys_destroy(&ss);
	bench_sys_destroy(&sl);
}
