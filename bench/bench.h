/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * softiommu benchmarks: the shared context (options, reference costs, CPU
 * pinning), same-run A/B measurement helpers and the result record that
 * bench-main.c prints as a table or as JSON (docs/benchmarks.md).
 */
#ifndef SIO_BENCH_BENCH_H
#define SIO_BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Reference costs (BENCHMARKS.md "Method"), measured once per run. */
struct bench_ref {
	double l_mem_ns;	/* dependent random load, pointer chase */
	double l_atomic_ns;	/* uncontended fetch-add */
	double l_xcore_ns;	/* cache-line ping-pong round trip */
	double l_pf_ns;		/* first-touch minor fault (median batch) */
	double l_pf_p99_ns;	/* p99 of the per-batch fault cost */
	double bw_copy_bps;	/* memcpy over 4 KiB blocks, bytes/s */
	size_t l_mem_bytes;	/* size of the chase */
};

struct bench_ctx {
	bool quick;
	bool json;
	unsigned int rounds;	/* A/B rounds per comparison (>= 5) */
	int cpu_a;		/* CPU side */
	int cpu_b;		/* device side / second thread */
	bool pinned;		/* two CPUs online: sides pinned apart */
	struct bench_ref ref;
	bool ref_done;
};

#define BENCH_MAX_FIGS		32
#define BENCH_MAX_RATIOS	6

/* One raw figure ("lazy_ns_per_op" = 123.4). */
struct bench_fig {
	char name[48];
	double value;
};

/*
 * One ratio against its comparator.  @le: the bar/target are upper bounds
 * (ratio <= bar passes), else lower bounds.
 */
struct bench_ratio {
	char name[32];
	char comparator[64];
	double value;
	double bar;
	double target;
	bool le;
	bool pass;
	bool own_bar;	/* bar chosen by the bench, not BENCHMARKS.md */
};

struct bench_result {
	const char *name;	/* "map1" */
	const char *id;		/* "B1" */
	char params[512];	/* a JSON object's members: "\"pages\":1" */
	char skipped[256];	/* non-empty: not run, and why */
	char note[512];		/* free text for the table (and JSON "note") */
	struct bench_fig figs[BENCH_MAX_FIGS];
	unsigned int nfigs;
	struct bench_ratio ratios[BENCH_MAX_RATIOS];
	unsigned int nratios;
};

struct bench_def {
	const char *id;
	const char *name;
	const char *what;
	void (*run)(struct bench_ctx *ctx, struct bench_result *r);
};

/*
 * ---- the benchmarks (one file each) ----
 * Context: the main thread (RCU-registered, pinned to cpu_a, no lock held);
 * each fills @r, or calls bench_skip() and returns.  They start and join
 * their own threads and free everything they built.
 */
void bench_b1_map1(struct bench_ctx *ctx, struct bench_result *r);
void bench_b2_granule(struct bench_ctx *ctx, struct bench_result *r);
void bench_b3_scale2(struct bench_ctx *ctx, struct bench_result *r);
void bench_b4_iova_aging(struct bench_ctx *ctx, struct bench_result *r);
void bench_b5_xlate_hit(struct bench_ctx *ctx, struct bench_result *r);
void bench_b6_xlate_miss(struct bench_ctx *ctx, struct bench_result *r);
void bench_scaling(struct bench_ctx *ctx, struct bench_result *r);
void bench_pgtable_mem(struct bench_ctx *ctx, struct bench_result *r);

/*
 * ---- result helpers (bench-main.c) ----
 * Context for all: the benchmark's own thread, before the result is printed.
 */
/* Record a raw figure (dropped beyond BENCH_MAX_FIGS). */
void bench_fig(struct bench_result *r, const char *name, double value);
/**
 * bench_ratio() - record a ratio and judge it against its bar
 * @r: the result
 * @name: short label ("lazy map+unmap/L_mem")
 * @comparator: what the denominator is
 * @value: the ratio
 * @bar: pass threshold; @target: the goal
 * @le: lower is better (value <= bar passes), else higher is better
 *
 * Return: the recorded ratio (to set own_bar); a scratch one, not
 * printed, when BENCH_MAX_RATIOS are already recorded.
 */
struct bench_ratio *bench_ratio(struct bench_result *r, const char *name,
				const char *comparator, double value,
				double bar, double target, bool le);
/* Append JSON object members ("\"k\":v") to the parameters. */
void bench_param(struct bench_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Mark the benchmark as not run, with the reason. */
void bench_skip(struct bench_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append a caveat for the reader. */
void bench_note(struct bench_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- timing (bench-main.c); Context: any thread ---- */
/* CLOCK_MONOTONIC in ns. */
uint64_t bench_now_ns(void);
/* Median of @n values; sorts @v.  Return: 0 when @n is 0. */
double bench_median(double *v, unsigned int n);
/* @p-th percentile (nearest rank) of @n values; sorts @v. */
double bench_percentile(double *v, unsigned int n, double p);
/* Pin the calling thread to @cpu (ignored when < 0).  Return: 0 or -errno. */
int bench_pin(int cpu);
/* A fast per-thread PRNG (xorshift64*). */
static inline uint64_t bench_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/*
 * One timed batch: returns nanoseconds per operation for a batch of
 * operations (at least 1,000 per clock read).
 */
typedef double (*bench_batch_fn)(void *arg);

/**
 * bench_ab() - interleave A and B over ctx->rounds rounds
 * @ctx: the context
 * @a: the measured side; @aa its argument
 * @b: the comparator; @ba its argument
 * @out_a, @out_b: ns/op of A and of B in the median round (by A/B ratio)
 *
 * Context: the calling thread runs both sides, alternately.
 * Return: the median round's A/B ratio.
 */
double bench_ab(struct bench_ctx *ctx, bench_batch_fn a, void *aa,
		bench_batch_fn b, void *ba, double *out_a, double *out_b);

/* ---- reference costs (ref.c) ---- */
/* Measure every reference cost once (idempotent).  Context: main thread. */
void bench_ref_measure(struct bench_ctx *ctx);
/*
 * Per-round comparator batches (for bench_ab()), reusing the state that
 * bench_ref_measure() built.  Each returns ns/op of one batch (0 if the
 * reference could not be set up).  Context: any one thread at a time.
 * bench_ref_xcore_batch() takes the struct bench_ctx * (for the CPUs).
 */
double bench_ref_lmem_batch(void *unused);
double bench_ref_xcore_batch(void *ctx);
double bench_ref_atomic_batch(void *unused);
/* Free what bench_ref_measure() kept.  Context: main thread, at the end. */
void bench_ref_release(void);

#endif /* SIO_BENCH_BENCH_H */
