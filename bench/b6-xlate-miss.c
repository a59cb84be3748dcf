// SPDX-License-Identifier: BSD-3-Clause
/*
 * B6 xlate-miss: (a) IOTLB-miss walk latency of the hardware model over a
 * working set far larger than the IOTLB (4 levels, 4 KiB leaves) against
 * 4 x L_mem; (b) device-access throughput against distinct pages touched,
 * 4 KiB against 2 MiB mappings of the same buffer.
 */
#include <string.h>
#include "bench.h"
#include "rig.h"

#define B6_WALK_IOVA	0x100000000000ULL	/* stream 0: the walk set */
#define B6_DATA_IOVA	0x004000000000ULL	/* streams 1, 2: the buffer */

struct b6_arg {
	struct bench_rig *rig;
	unsigned int sid;
	u64 iova;
	u64 pages;		/* random page in [0, pages) */
	uint64_t seed;
	unsigned long fails;
	bool read;		/* also read 64 bytes (a device access) */
};

static double b6_batch(void *p)
{
	struct b6_arg *a = p;
	const unsigned int n = 10000;
	u64 pa, sink = 0;
	size_t contig;
	unsigned int i;
	uint64_t t0;

	t0 = bench_now_ns();
	for (i = 0; i < n; i++) {
		uint64_t r = bench_rand(&a->seed);
		u64 iova = a->iova + (r % a->pages) * BENCH_SZ_4K +
			   ((r >> 40) & 63) * 64;

		if (sio_hw_smmu_translate(a->rig->smmu, a->sid, false, 0, iova,
					  SIO_HW_ACCESS_READ, &pa, &contig)) {
			a->fails++;
			continue;
		}
		if (a->read) {
			u64 buf[8];

			sio_phys_copy_from(a->rig->mem, pa, buf, sizeof(buf));
			sink += buf[0];
		}
	}
	__asm__ volatile("" : : "r"(sink));
	return (double)(bench_now_ns() - t0) / n;
}

static double b6_lmem4(void *unused)
{
	return 4 * bench_ref_lmem_batch(unused);
}

void bench_b6_xlate_miss(struct bench_ctx *ctx, struct bench_result *r)
{
	u64 walk_pages = ctx->quick ? (1ULL << 16) : (1ULL << 20);
	struct sio_hw_smmu_stats st0, st1;
	struct bench_rig rig;
	struct b6_arg wa, a4, a2;
	double walk, lm4, ratio, t4, t2, sweep[4];
	u64 buf, cap, dpages, c;
	unsigned int i;
	int ret;
	char name[48];

	ret = bench_rig_create(&rig, 2ULL << 30, 0, 3);
	if (ret) {
		bench_skip(r, "hardware rig: %d", ret);
		return;
	}
	/* stream 0: walk_pages 4 KiB pages, all onto one 2 MiB buffer */
	buf = bench_rig_alloc(&rig, 9);
	for (c = 0; !ret && buf && c < walk_pages / 512; c++)
		ret = bench_rig_map(&rig, 0, B6_WALK_IOVA + c * BENCH_SZ_2M,
				    buf, BENCH_SZ_4K, 512);
	/* streams 1 and 2: one 64 MiB buffer, 4 KiB pages vs 2 MiB blocks */
	dpages = 16384;
	buf = buf ? bench_rig_alloc(&rig, 14) : 0;
	if (!ret && buf)
		ret = bench_rig_map(&rig, 1, B6_DATA_IOVA, buf, BENCH_SZ_4K,
				    dpages);
	if (!ret && buf)
		ret = bench_rig_map(&rig, 2, B6_DATA_IOVA, buf, BENCH_SZ_2M,
				    dpages * BENCH_SZ_4K / BENCH_SZ_2M);
	if (!ret && buf)
		ret = bench_rig_enable(&rig);
	if (ret || !buf) {
		bench_skip(r, "rig setup failed: %d", ret ? ret : -ENOMEM);
		bench_rig_destroy(&rig);
		return;
	}
	sio_hw_smmu_get_stats(rig.smmu, &st0);
	cap = st0.iotlb_capacity;
	bench_param(r, "\"walk_pages\":%llu,\"levels\":4,\"granule\":4096,"
		    "\"iotlb_entries\":%llu,\"data_pages\":%llu,"
		    "\"access\":\"translate + 64-byte read\"",
		    (unsigned long long)walk_pages, (unsigned long long)cap,
		    (unsigned long long)dpages);

	/* (a) walk latency */
	memset(&wa, 0, sizeof(wa));
	wa.rig = &rig;
	wa.sid = 0;
	wa.iova = B6_WALK_IOVA;
	wa.pages = walk_pages;
	wa.seed = 42;
	sio_hw_smmu_reset_stats(rig.smmu);
	ratio = bench_ab(ctx, b6_batch, &wa, b6_lmem4, NULL, &walk, &lm4);
	sio_hw_smmu_get_stats(rig.smmu, &st1);
	bench_fig(r, "walk_ns", walk);
	bench_fig(r, "four_L_mem_ns", lm4);
	bench_fig(r, "walk_iotlb_miss_rate",
		  st1.iotlb_misses + st1.iotlb_hits ?
		  (double)st1.iotlb_misses /
		  (double)(st1.iotlb_misses + st1.iotlb_hits) : 0);
	bench_fig(r, "walk_reads_per_walk",
		  st1.walks ? (double)st1.walk_reads / (double)st1.walks : 0);
	bench_ratio(r, "walk/4xL_mem", "4 x L_mem", ratio, 1.3, 1.05, true);

	/* (b) 4 KiB vs 2 MiB at 4x the IOTLB capacity, and a sweep */
	memset(&a4, 0, sizeof(a4));
	a4.rig = &rig;
	a4.sid = 1;
	a4.iova = B6_DATA_IOVA;
	a4.seed = 7;
	a4.read = true;
	a2 = a4;
	a2.sid = 2;
	for (i = 0; i < 4; i++) {
		static const double mult[4] = { 0.25, 1, 4, 16 };
		u64 pages = (u64)(mult[i] * (double)cap);

		if (pages > dpages)
			pages = dpages;
		a4.pages = a2.pages = pages ? pages : 1;
		/* A = 2 MiB, B = 4 KiB: ns(2M)/ns(4K) = T(4K)/T(2M) */
		sweep[i] = bench_ab(ctx, b6_batch, &a2, b6_batch, &a4, &t2, &t4);
		snprintf(name, sizeof(name), "T4K/T2M_at_%gx_iotlb", mult[i]);
		bench_fig(r, name, sweep[i]);
		if (i == 2) {
			bench_fig(r, "ns_per_access_4K_at_4x", t4);
			bench_fig(r, "ns_per_access_2M_at_4x", t2);
			bench_fig(r, "accesses_per_s_4K_at_4x", 1e9 / t4);
			bench_fig(r, "accesses_per_s_2M_at_4x", 1e9 / t2);
		}
	}
	bench_ratio(r, "T4K/T2M_at_4x", "2 MiB mappings, same buffer",
		    sweep[2], 0.8, 0.95, false);
	if (wa.fails || a4.fails || a2.fails)
		bench_note(r, "%lu translations failed",
			   wa.fails + a4.fails + a2.fails);
	bench_rig_destroy(&rig);
}
