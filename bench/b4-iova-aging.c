// SPDX-License-Identifier: BSD-3-Clause
/*
 * B4 iova-aging: a long run of IOVA alloc/free from two threads over one
 * domain, sizes 1-64 granules (a quarter above the cached sizes), with a
 * flip of the dominant size half way and a 32-bit-limited share.  Reports
 * how throughput ages and how the tail reacts to the flip.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "base/base.h"
#include "base/rcu.h"
#include "dma/iova.h"
#include "bench.h"

#define B4_LIVE		512	/* live ranges per thread (a DMA ring) */
#define B4_DOM_BEFORE	1	/* dominant size before the flip (MTU 1500) */
#define B4_DOM_AFTER	4	/* after (MTU 9000: 3 pages, rounded) */
#define B4_PFN_32	((1UL << (32 - 12)) - 1)
#define B4_PFN_48	((1UL << (48 - 12)) - 1)

struct b4_thread {
	struct iova_domain *iovad;
	struct bench_ctx *ctx;
	pthread_barrier_t *start;
	int cpu;
	uint64_t seed;
	unsigned long batch;	/* pairs per clock read */
	unsigned long flip_at;	/* step index of the flip */
	double *ns;		/* per batch: ns per call */
	unsigned long nbatches;
	unsigned long fails;
	unsigned long fails32;
	unsigned long allocs32;
	uint64_t wall_ns;
	/* live ranges: pfn (0 = empty) and size, and whether 32-bit */
	unsigned long pfn[B4_LIVE];
	unsigned long size[B4_LIVE];
};

static unsigned long b4_size(uint64_t *seed, unsigned long dom)
{
	unsigned int r = bench_rand(seed) % 100;

	if (r < 25)				/* above the cached sizes */
		return 33 + bench_rand(seed) % 32;
	if (r < 70)				/* the dominant size */
		return dom;
	return 1 + bench_rand(seed) % 32;	/* the rest of the cached */
}

static void b4_step(struct b4_thread *t, unsigned long dom)
{
	unsigned int slot = bench_rand(&t->seed) % B4_LIVE;
	unsigned long size, limit, pfn;
	bool is32 = bench_rand(&t->seed) % 8 == 0;

	if (t->pfn[slot])
		free_iova_fast(t->iovad, t->pfn[slot], t->size[slot]);
	size = b4_size(&t->seed, dom);
	limit = is32 ? B4_PFN_32 : B4_PFN_48;
	pfn = alloc_iova_fast(t->iovad, size, limit, true);
	t->allocs32 += is32;
	if (!pfn) {
		t->fails++;
		t->fails32 += is32;
	}
	t->pfn[slot] = pfn;
	t->size[slot] = size;
}

static void *b4_thread_fn(void *arg)
{
	struct b4_thread *t = arg;
	unsigned long b, i, step = 0;
	uint64_t w0;

	bench_pin(t->cpu);
	sio_rcu_register_thread();
	for (i = 0; i < B4_LIVE; i++)
		b4_step(t, B4_DOM_BEFORE);
	pthread_barrier_wait(t->start);
	w0 = bench_now_ns();
	for (b = 0; b < t->nbatches; b++) {
		uint64_t t0 = bench_now_ns();

		for (i = 0; i < t->batch; i++, step++)
			b4_step(t, step < t->flip_at ? B4_DOM_BEFORE :
						       B4_DOM_AFTER);
		/* two calls (free + alloc) per step */
		t->ns[b] = (double)(bench_now_ns() - t0) / (2.0 * t->batch);
	}
	t->wall_ns = bench_now_ns() - w0;
	for (i = 0; i < B4_LIVE; i++)
		if (t->pfn[i])
			free_iova_fast(t->iovad, t->pfn[i], t->size[i]);
	sio_rcu_unregister_thread();
	return NULL;
}

/* Mean ns/call over batches [lo, hi) of one thread. */
static double b4_mean(const struct b4_thread *t, unsigned long lo,
		      unsigned long hi)
{
	double s = 0;
	unsigned long i;

	for (i = lo; i < hi; i++)
		s += t->ns[i];
	return hi > lo ? s / (double)(hi - lo) : 0;
}

/* @pct-th percentile of batch ns/call over [lo, hi) of both threads. */
static double b4_pct(struct b4_thread *t, unsigned long lo, unsigned long hi,
		     double pct)
{
	unsigned long n = 2 * (hi - lo), i, k = 0;
	double *v = malloc(n * sizeof(*v)), p;

	if (!v)
		return 0;
	for (i = lo; i < hi; i++) {
		v[k++] = t[0].ns[i];
		v[k++] = t[1].ns[i];
	}
	p = bench_percentile(v, (unsigned int)n, pct);
	free(v);
	return p;
}

void bench_b4_iova_aging(struct bench_ctx *ctx, struct bench_result *r)
{
	unsigned long calls = ctx->quick ? 100000UL : 100000000UL;
	unsigned long batch = ctx->quick ? 500 : 1000; /* pairs: >= 1000 calls */
	unsigned long steps = calls / 2 / 2;	/* per thread */
	unsigned long nb = steps / batch, w, flip_b, pw;
	struct iova_domain iovad;
	struct b4_thread *t;
	pthread_barrier_t start;
	pthread_t th[2];
	double first, last, p99_before, p99_after, tput, ratio_t = 0;
	unsigned int i;
	int ret;

	bench_param(r, "\"calls\":%lu,\"threads\":2,\"live_per_thread\":%d,"
		    "\"sizes\":\"1-64 granules, 25%% in 33-64, 45%% dominant\","
		    "\"dominant_before\":%d,\"dominant_after\":%d,"
		    "\"share_32bit\":0.125,\"calls_per_batch\":%lu",
		    calls, B4_LIVE, B4_DOM_BEFORE, B4_DOM_AFTER, 2 * batch);
	ret = init_iova_domain(&iovad, 4096, 1);
	if (!ret)
		ret = iova_domain_init_rcaches(&iovad);
	if (ret) {
		bench_skip(r, "IOVA domain setup failed: %d", ret);
		return;
	}
	t = calloc(2, sizeof(*t));
	if (!t || pthread_barrier_init(&start, NULL, 2)) {
		free(t);
		put_iova_domain(&iovad);
		bench_skip(r, "out of memory");
		return;
	}
	for (i = 0; i < 2; i++) {
		t[i].iovad = &iovad;
		t[i].ctx = ctx;
		t[i].start = &start;
		t[i].cpu = i ? ctx->cpu_b : ctx->cpu_a;
		t[i].seed = 0x1234567ULL * (i + 1);
		t[i].batch = batch;
		t[i].nbatches = nb;
		t[i].flip_at = nb / 2 * batch;
		t[i].ns = calloc(nb, sizeof(double));
	}
	if (!t[0].ns || !t[1].ns) {
		bench_skip(r, "out of memory");
		goto out;
	}
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, b4_thread_fn, &t[i]);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);

	w = nb / 10 ? nb / 10 : 1;
	flip_b = nb / 2;
	pw = nb / 10 ? nb / 10 : 1;
	for (i = 0; i < 2; i++) {
		first = b4_mean(&t[i], 0, w);
		last = b4_mean(&t[i], nb - w, nb);
		ratio_t += last > 0 ? first / last / 2 : 0;
	}
	first = (b4_mean(&t[0], 0, w) + b4_mean(&t[1], 0, w)) / 2;
	last = (b4_mean(&t[0], nb - w, nb) + b4_mean(&t[1], nb - w, nb)) / 2;
	p99_before = b4_pct(t, flip_b - pw, flip_b, 99);
	p99_after = b4_pct(t, flip_b, flip_b + pw, 99);
	tput = 2.0 * (double)(2 * nb * batch) * 1e9 /
	       (double)(t[0].wall_ns > t[1].wall_ns ? t[0].wall_ns :
						       t[1].wall_ns);

	bench_fig(r, "first10_ns_per_call", first);
	bench_fig(r, "last10_ns_per_call", last);
	bench_fig(r, "first10_calls_per_s_per_thread", first > 0 ? 1e9 / first : 0);
	bench_fig(r, "last10_calls_per_s_per_thread", last > 0 ? 1e9 / last : 0);
	bench_fig(r, "calls_per_s_total", tput);
	bench_fig(r, "p50_batch_ns_before_flip", b4_pct(t, flip_b - pw, flip_b, 50));
	bench_fig(r, "p99_batch_ns_before_flip", p99_before);
	bench_fig(r, "p99_batch_ns_after_flip", p99_after);
	bench_fig(r, "alloc_failures", (double)(t[0].fails + t[1].fails));
	bench_fig(r, "alloc_failures_32bit",
		  (double)(t[0].fails32 + t[1].fails32));
	bench_fig(r, "allocs_32bit", (double)(t[0].allocs32 + t[1].allocs32));
	bench_fig(r, "cached_pfns_at_end", (double)iova_rcache_cached_pfns(&iovad));
	bench_ratio(r, "throughput_last/first", "first 10% of the run",
		    ratio_t, 0.8, 0.95, false);
	bench_ratio(r, "p99_after/before_flip", "p99 of the 10% before the flip",
		    p99_before > 0 ? p99_after / p99_before : 0, 3, 1.5, true);
	bench_note(r, "one long run (the windows are the comparators); p50/p99 "
		      "are over %lu-call batches, not single calls", 2 * batch);
out:
	put_iova_domain(&iovad);
	pthread_barrier_destroy(&start);
	free(t[0].ns);
	free(t[1].ns);
	free(t);
}
