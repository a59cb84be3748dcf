// SPDX-License-Identifier: BSD-3-Clause
/*
 * Reported alongside B1-B6: how map and translate costs grow with the
 * number of live mappings (the slope per doubling), and page-table memory
 * per mapped GiB against the format's theoretical minimum.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <softiommu/dma.h>
#include "dma/dma-mapping.h"
#include "bench.h"
#include "rig.h"
#include "sys.h"

#define S1_POINTS	5
#define S1_HOT		512	/* translations stay within these mappings */

struct s1 {
	struct bench_sys *s;
	void *buf;
	u64 *live;		/* DMA addresses of the live mappings */
	unsigned long nlive;
	uint64_t seed;
	unsigned long errors;
};

static double s1_map_batch(void *p)
{
	struct s1 *x = p;
	uint64_t t0 = bench_now_ns();
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		dma_addr_t d = dma_map_single(x->s->dev, x->buf, 4096,
					      DMA_BIDIRECTIONAL);

		if (dma_mapping_error(x->s->dev, d)) {
			x->errors++;
			continue;
		}
		dma_unmap_single(x->s->dev, d, 4096, DMA_BIDIRECTIONAL);
	}
	return (double)(bench_now_ns() - t0) / 1000;
}

/* Translate random pages among @range live mappings.  ns per translate. */
static double s1_xlate(struct s1 *x, unsigned long range)
{
	uint64_t t0 = bench_now_ns();
	unsigned int i;
	uint64_t pa;

	for (i = 0; i < 10000; i++) {
		u64 iova = x->live[bench_rand(&x->seed) % range];

		if (sio_dma_translate(x->s->dev, iova, SIO_DMA_READ, &pa))
			x->errors++;
	}
	return (double)(bench_now_ns() - t0) / 10000;
}

static double median_of(double (*fn)(void *), void *arg, unsigned int n)
{
	double v[16];
	unsigned int i;

	for (i = 0; i < n && i < 16; i++)
		v[i] = fn(arg);
	return bench_median(v, i);
}

static double s1_hot_batch(void *p)
{
	return s1_xlate(p, S1_HOT);
}

static double s1_all_batch(void *p)
{
	struct s1 *x = p;

	return s1_xlate(x, x->nlive);
}

/* Least-squares slope of y against log2(n): ns per doubling. */
static double slope_log2(const double *n, const double *y, unsigned int k)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	unsigned int i;

	for (i = 0; i < k; i++) {
		double lx = log2(n[i]);

		sx += lx;
		sy += y[i];
		sxx += lx * lx;
		sxy += lx * y[i];
	}
	return (k * sxx - sx * sx) != 0 ?
	       (k * sxy - sx * sy) / (k * sxx - sx * sx) : 0;
}

void bench_scaling(struct bench_ctx *ctx, struct bench_result *r)
{
	static const unsigned int full_log2[S1_POINTS] = { 10, 12, 14, 16, 19 };
	static const unsigned int quick_log2[S1_POINTS] = { 9, 10, 11, 12, 14 };
	const unsigned int *lg = ctx->quick ? quick_log2 : full_log2;
	double n[S1_POINTS], tmap[S1_POINTS], thot[S1_POINTS], tall[S1_POINTS];
	unsigned int k, reps = ctx->quick ? 3 : 7;
	struct bench_sys s;
	struct s1 x;
	char name[48];

	bench_param(r, "\"live_mappings\":[%u,%u,%u,%u,%u],\"bytes\":4096,"
		    "\"mode\":\"lazy\",\"hot_set\":%d",
		    1U << lg[0], 1U << lg[1], 1U << lg[2], 1U << lg[3],
		    1U << lg[4], S1_HOT);
	if (bench_sys_create(&s, false, 0)) {
		bench_skip(r, "system: %s", s.why);
		return;
	}
	memset(&x, 0, sizeof(x));
	x.s = &s;
	x.seed = 5;
	x.buf = bench_sys_alloc(&s, 0);
	x.live = malloc(sizeof(*x.live) << lg[S1_POINTS - 1]);
	if (!x.buf || !x.live) {
		bench_skip(r, "out of memory");
		goto out;
	}
	for (k = 0; k < S1_POINTS; k++) {
		while (x.nlive < (1UL << lg[k])) {
			dma_addr_t d = dma_map_single(s.dev, x.buf, 4096,
						      DMA_BIDIRECTIONAL);

			if (dma_mapping_error(s.dev, d)) {
				bench_skip(r, "dma_map_single failed at %lu "
					   "live mappings", x.nlive);
				goto unmap;
			}
			x.live[x.nlive++] = d;
		}
		n[k] = (double)x.nlive;
		tmap[k] = median_of(s1_map_batch, &x, reps);
		thot[k] = median_of(s1_hot_batch, &x, reps);
		tall[k] = median_of(s1_all_batch, &x, reps);
		snprintf(name, sizeof(name), "map_unmap_ns_at_%lu", x.nlive);
		bench_fig(r, name, tmap[k]);
		snprintf(name, sizeof(name), "translate_hot_ns_at_%lu", x.nlive);
		bench_fig(r, name, thot[k]);
		snprintf(name, sizeof(name), "translate_any_ns_at_%lu", x.nlive);
		bench_fig(r, name, tall[k]);
	}
	bench_fig(r, "map_slope_ns_per_doubling", slope_log2(n, tmap, k));
	bench_fig(r, "translate_hot_slope_ns_per_doubling",
		  slope_log2(n, thot, k));
	bench_fig(r, "translate_any_slope_ns_per_doubling",
		  slope_log2(n, tall, k));
	/* flat: within 25%; logarithmic: no more than log2(N) grew */
	bench_ratio(r, "translate t(Nmax)/t(Nmin)", "translate at Nmin",
		    thot[k - 1] / thot[0], 1.25, 1.1, true)->own_bar = true;
	bench_ratio(r, "map t(Nmax)/t(Nmin)", "map+unmap at Nmin",
		    tmap[k - 1] / tmap[0], (double)lg[k - 1] / lg[0], 1.25,
		    true)->own_bar = true;
	bench_note(r, "translate_hot stays inside the IOTLB reach; "
		      "translate_any draws from every live mapping (IOTLB misses "
		      "once N exceeds it); slopes are least squares against "
		      "log2(N)");
	if (x.errors)
		bench_note(r, "%lu errors", x.errors);
unmap:
	while (x.nlive)
		dma_unmap_single(s.dev, x.live[--x.nlive], 4096,
				 DMA_BIDIRECTIONAL);
out:
	free(x.live);
	bench_sys_destroy(&s);
}

/* Frames a 4-level 4K-granule table needs at minimum for @bytes of leaves
 * of @leaf_size, mapped contiguously from an aligned IOVA. */
static u64 min_table_bytes(u64 bytes, u64 leaf_size)
{
	u64 entries = bytes / leaf_size, frames = 0;
	unsigned int lvl = leaf_size == BENCH_SZ_4K ? 3 :
			   leaf_size == BENCH_SZ_2M ? 2 : 1;

	for (;;) {
		u64 tables = (entries + 511) / 512;

		frames += tables;
		if (lvl == 0)
			break;
		entries = tables;
		lvl--;
	}
	return frames * BENCH_SZ_4K;
}

void bench_pgtable_mem(struct bench_ctx *ctx, struct bench_result *r)
{
	const u64 gib = BENCH_SZ_1G;
	struct bench_rig rig;
	size_t b4k, b2m;
	u64 m4k, m2m;
	int ret;

	(void)ctx;
	bench_param(r, "\"mapped_bytes\":%llu,\"format\":\"arm-64-lpae-s1\","
		    "\"granule\":4096,\"ias\":48", (unsigned long long)gib);
	ret = bench_rig_create(&rig, 256ULL << 20, 0, 2);
	if (ret) {
		bench_skip(r, "rig: %d", ret);
		return;
	}
	/* leaves point anywhere below oas: the frames are never touched */
	ret = bench_rig_map(&rig, 0, 0x8000000000ULL, 0x80000000ULL,
			    BENCH_SZ_4K, gib / BENCH_SZ_4K);
	if (!ret)
		ret = bench_rig_map(&rig, 1, 0x8000000000ULL, 0x80000000ULL,
				    BENCH_SZ_2M, gib / BENCH_SZ_2M);
	if (ret) {
		bench_skip(r, "map: %d", ret);
		goto out;
	}
	b4k = io_pgtable_table_bytes(rig.ops[0]);
	b2m = io_pgtable_table_bytes(rig.ops[1]);
	m4k = min_table_bytes(gib, BENCH_SZ_4K);
	m2m = min_table_bytes(gib, BENCH_SZ_2M);
	bench_fig(r, "table_KiB_per_GiB_4K", (double)b4k / 1024);
	bench_fig(r, "min_KiB_per_GiB_4K", (double)m4k / 1024);
	bench_fig(r, "table_KiB_per_GiB_2M", (double)b2m / 1024);
	bench_fig(r, "min_KiB_per_GiB_2M", (double)m2m / 1024);
	bench_fig(r, "overhead_pct_of_mapped_4K", 100.0 * (double)b4k / gib);
	bench_ratio(r, "4K tables/minimum", "format minimum (4K leaves)",
		    (double)b4k / (double)m4k, 1.05, 1.0, true)->own_bar = true;
	bench_ratio(r, "2M tables/minimum", "format minimum (2M blocks)",
		    (double)b2m / (double)m2m, 1.05, 1.0, true)->own_bar = true;
out:
	bench_rig_destroy(&rig);
}
