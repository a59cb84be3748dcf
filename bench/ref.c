// SPDX-License-Identifier: BSD-3-Clause
/*
 * Reference costs measured in the same run as the benchmarks: L_mem,
 * L_atomic, L_xcore, L_pf and BW_copy (BENCHMARKS.md "Method").
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "bench.h"

/* ---------------------------------------------------------------- L_mem */

#define LINE 64

static struct {
	char *buf;		/* the chase: one pointer per cache line */
	size_t bytes;
	void *pos;		/* where the next batch resumes */
} chase;

static int chase_build(size_t bytes)
{
	size_t n = bytes / LINE, i;
	uint32_t *perm;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	chase.buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (chase.buf == MAP_FAILED) {
		chase.buf = NULL;
		return -ENOMEM;
	}
	/* Huge pages if the host has them: DRAM latency, not host TLB misses. */
	madvise(chase.buf, bytes, MADV_HUGEPAGE);
	perm = malloc(n * sizeof(*perm));
	if (!perm) {
		munmap(chase.buf, bytes);
		chase.buf = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	/* Sattolo: one cycle through every line. */
	for (i = n - 1; i > 0; i--) {
		size_t j = bench_rand(&seed) % i;
		uint32_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < n; i++)
		*(void **)(chase.buf + (size_t)perm[i] * LINE) =
			chase.buf + (size_t)perm[(i + 1) % n] * LINE;
	free(perm);
	chase.bytes = bytes;
	chase.pos = chase.buf;
	return 0;
}

/* A batch of 100,000 dependent loads.  Return: ns per load. */
double bench_ref_lmem_batch(void *unused)
{
	const unsigned int n = 100000;
	void *p = chase.pos;
	uint64_t t0, t1;
	unsigned int i;

	(void)unused;
	if (!chase.buf)
		return 0;
	t0 = bench_now_ns();
	for (i = 0; i < n; i++)
		p = *(void *volatile *)p;
	t1 = bench_now_ns();
	chase.pos = p;
	return (double)(t1 - t0) / n;
}

/* ------------------------------------------------------------- L_atomic */

static _Atomic unsigned long atomic_word;

double bench_ref_atomic_batch(void *unused)
{
	const unsigned int n = 1000000;
	uint64_t t0, t1;
	unsigned int i;

	(void)unused;
	t0 = bench_now_ns();
	for (i = 0; i < n; i++)
		atomic_fetch_add(&atomic_word, 1);
	t1 = bench_now_ns();
	return (double)(t1 - t0) / n;
}

/* -------------------------------------------------------------- L_xcore */

/*
 * The partner thread lives only for one batch, so it never spins on the
 * device-side CPU while other benchmarks use it.
 */
static struct {
	bool yield;		/* both sides share a CPU: spin politely */
	int cpu;
	/* the ping-pong line: odd = ping outstanding, even = answered */
	_Alignas(64) _Atomic long flag;
	_Alignas(64) char pad[64];
} xc;

static void *xcore_partner(void *arg)
{
	long v;

	(void)arg;
	bench_pin(xc.cpu);
	atomic_store_explicit(&xc.flag, 0, memory_order_release); /* ready */
	for (;;) {
		v = atomic_load_explicit(&xc.flag, memory_order_acquire);
		if (v < 0)
			break;
		if (v & 1)
			atomic_store_explicit(&xc.flag, v + 1,
					      memory_order_release);
		else if (xc.yield)
			sched_yield();
	}
	return NULL;
}

/* A batch of round trips from the calling thread.  Return: ns per trip. */
double bench_ref_xcore_batch(void *arg)
{
	struct bench_ctx *ctx = arg;
	unsigned int n = ctx->pinned ? 20000 : 1000, i;
	pthread_t th;
	uint64_t t0, t1;
	long v = 0;

	xc.yield = !ctx->pinned;
	xc.cpu = ctx->cpu_b;
	atomic_store(&xc.flag, -2);
	if (pthread_create(&th, NULL, xcore_partner, NULL))
		return 0;
	while (atomic_load_explicit(&xc.flag, memory_order_acquire) != 0)
		sched_yield();
	t0 = bench_now_ns();
	for (i = 0; i < n; i++) {
		v++;
		atomic_store_explicit(&xc.flag, v, memory_order_release);
		v++;
		while (atomic_load_explicit(&xc.flag, memory_order_acquire) !=
		       v)
			if (xc.yield)
				sched_yield();
	}
	t1 = bench_now_ns();
	atomic_store(&xc.flag, -1);
	pthread_join(th, NULL);
	return (double)(t1 - t0) / n;
}

/* ----------------------------------------------------------------- L_pf */

#define PF_PAGES 1024

/* Fault in PF_PAGES fresh pages.  Return: ns per fault, 0 on failure. */
static double pf_batch(void)
{
	size_t len = (size_t)PF_PAGES * 4096, i;
	uint64_t t0, t1;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	madvise(p, len, MADV_NOHUGEPAGE);
	t0 = bench_now_ns();
	for (i = 0; i < len; i += 4096)
		((volatile char *)p)[i] = 1;
	t1 = bench_now_ns();
	munmap(p, len);
	return (double)(t1 - t0) / PF_PAGES;
}

/* -------------------------------------------------------------- BW_copy */

static double copy_bps(size_t bytes)
{
	char *src = malloc(bytes), *dst = malloc(bytes);
	double best[7];
	unsigned int r;
	size_t off;

	if (!src || !dst) {
		free(src);
		free(dst);
		return 0;
	}
	memset(src, 0x5a, bytes);
	memset(dst, 0, bytes);
	for (r = 0; r < 7; r++) {
		uint64_t t0 = bench_now_ns(), t1;

		for (off = 0; off < bytes; off += 4096)
			memcpy(dst + off, src + off, 4096);
		t1 = bench_now_ns();
		/* keep the copy observable */
		__asm__ volatile("" : : "r"(dst) : "memory");
		best[r] = (double)bytes * 1e9 / (double)(t1 - t0);
	}
	free(src);
	free(dst);
	return bench_median(best, 7);
}

/* --------------------------------------------------------------- public */

/**
 * bench_ref_measure() - measure the reference costs of this run
 * @ctx: the context; ctx->ref is filled in
 *
 * The chase buffer stays allocated so benchmarks can interleave comparator
 * batches with their own (bench_ref_*_batch()).
 * Context: the main thread, before the benchmarks.
 */
void bench_ref_measure(struct bench_ctx *ctx)
{
	unsigned int rounds = ctx->quick ? 5 : 11, i;
	unsigned int npf = ctx->quick ? 8 : 40;
	double v[64];

	if (ctx->ref_done)
		return;
	ctx->ref_done = true;
	bench_pin(ctx->cpu_a);

	if (chase_build(ctx->quick ? (32UL << 20) : (256UL << 20)) == 0) {
		ctx->ref.l_mem_bytes = chase.bytes;
		bench_ref_lmem_batch(NULL);	/* warm the page tables */
		for (i = 0; i < rounds; i++)
			v[i] = bench_ref_lmem_batch(NULL);
		ctx->ref.l_mem_ns = bench_median(v, rounds);
	}

	for (i = 0; i < rounds; i++)
		v[i] = bench_ref_atomic_batch(NULL);
	ctx->ref.l_atomic_ns = bench_median(v, rounds);

	bench_ref_xcore_batch(ctx);		/* warm */
	for (i = 0; i < rounds; i++)
		v[i] = bench_ref_xcore_batch(ctx);
	ctx->ref.l_xcore_ns = bench_median(v, rounds);

	pf_batch();
	for (i = 0; i < npf; i++)
		v[i] = pf_batch();
	ctx->ref.l_pf_p99_ns = bench_percentile(v, npf, 99);
	ctx->ref.l_pf_ns = bench_median(v, npf);

	ctx->ref.bw_copy_bps = copy_bps(ctx->quick ? (4UL << 20) :
						     (32UL << 20));
}

/* Free the chase.  Context: main thread. */
void bench_ref_release(void)
{
	if (chase.buf)
		munmap(chase.buf, chase.bytes);
	chase.buf = NULL;
}
