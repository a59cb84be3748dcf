// SPDX-License-Identifier: BSD-3-Clause
/*
 * B3 scale2: dma_map_single + dma_unmap_single throughput of two threads
 * sharing one device (one domain) against twice the one-thread throughput,
 * lazy and strict.
 */
#include <pthread.h>
#include <string.h>
#include "base/rcu.h"
#include "bench.h"
#include "sys.h"

struct b3_worker {
	struct bench_dma_arg arg;
	pthread_barrier_t *go;
	int cpu;
	uint64_t ns;		/* this thread's time for its batch */
};

struct b3_pair {
	struct bench_ctx *ctx;
	struct b3_worker w[2];
};

static void *b3_thread(void *p)
{
	struct b3_worker *w = p;
	uint64_t t0;

	bench_pin(w->cpu);
	sio_rcu_register_thread();
	pthread_barrier_wait(w->go);
	t0 = bench_now_ns();
	bench_dma_mapunmap_batch(&w->arg);
	w->ns = bench_now_ns() - t0;
	sio_rcu_unregister_thread();
	return NULL;
}

/* Both threads, one batch each.  Return: wall ns per pair (both threads). */
static double b3_two(void *p)
{
	struct b3_pair *pr = p;
	pthread_barrier_t go;
	pthread_t th[2];
	unsigned int i;

	pthread_barrier_init(&go, NULL, 2);
	for (i = 0; i < 2; i++) {
		pr->w[i].go = &go;
		pr->w[i].cpu = i ? pr->ctx->cpu_b : pr->ctx->cpu_a;
		pthread_create(&th[i], NULL, b3_thread, &pr->w[i]);
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	return (double)(pr->w[0].ns > pr->w[1].ns ? pr->w[0].ns : pr->w[1].ns) /
	       (2.0 * BENCH_DMA_BATCH);
}

/* One thread (the same code path: a fresh pinned thread).  ns per pair. */
static double b3_one(void *p)
{
	struct b3_pair *pr = p;
	pthread_barrier_t go;
	pthread_t th;

	pthread_barrier_init(&go, NULL, 1);
	pr->w[0].go = &go;
	pr->w[0].cpu = pr->ctx->cpu_a;
	pthread_create(&th, NULL, b3_thread, &pr->w[0]);
	pthread_join(th, NULL);
	pthread_barrier_destroy(&go);
	return (double)pr->w[0].ns / BENCH_DMA_BATCH;
}

static void b3_mode(struct bench_ctx *ctx, struct bench_result *r,
		    bool strict, struct b3_pair *pr)
{
	const char *mode = strict ? "strict" : "lazy";
	struct bench_sys s;
	char name[48];
	double ratio, t1, t2;
	unsigned int i;

	if (bench_sys_create(&s, strict, 0)) {
		bench_skip(r, "%s system: %s", mode, s.why);
		return;
	}
	memset(pr, 0, sizeof(*pr));
	pr->ctx = ctx;
	for (i = 0; i < 2; i++) {
		pr->w[i].arg.s = &s;
		pr->w[i].arg.size = 4096;
		pr->w[i].arg.buf = bench_sys_alloc(&s, 0);
		if (!pr->w[i].arg.buf) {
			bench_skip(r, "out of simulated RAM");
			goto out;
		}
	}
	/* A = one thread, B = two: ns1/ns2 = T2/T1; T2/(2 T1) = that / 2 */
	ratio = bench_ab(ctx, b3_one, pr, b3_two, pr, &t1, &t2) / 2;
	snprintf(name, sizeof(name), "%s_1thread_ops_per_s", mode);
	bench_fig(r, name, t1 > 0 ? 1e9 / t1 : 0);
	snprintf(name, sizeof(name), "%s_2threads_ops_per_s", mode);
	bench_fig(r, name, t2 > 0 ? 1e9 / t2 : 0);
	snprintf(name, sizeof(name), "%s T2/(2*T1)", mode);
	bench_ratio(r, name, "2 x one-thread throughput", ratio,
		    strict ? 0.6 : 0.8, strict ? 0.85 : 0.95, false);
	if (pr->w[0].arg.errors || pr->w[1].arg.errors)
		bench_note(r, "%s: %lu mapping errors", mode,
			   pr->w[0].arg.errors + pr->w[1].arg.errors);
out:
	bench_sys_destroy(&s);
}

void bench_b3_scale2(struct bench_ctx *ctx, struct bench_result *r)
{
	static struct b3_pair pr;	/* large: not on the stack */

	bench_param(r, "\"bytes\":4096,\"threads\":2,\"ops_per_thread_batch\":%d,"
		    "\"shared\":\"one device, one default domain\"",
		    BENCH_DMA_BATCH);
	if (!ctx->pinned)
		bench_note(r, "one CPU online: the two threads share it");
	b3_mode(ctx, r, false, &pr);
	if (!r->skipped[0])
		b3_mode(ctx, r, true, &pr);
}
