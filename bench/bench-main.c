// SPDX-License-Identifier: BSD-3-Clause
/*
 * `softiommu bench`: option parsing, the table of benchmarks, same-run A/B
 * helpers, and the two output forms (a readable table, or one JSON object
 * per benchmark).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <sys/wait.h>
#include "base/base.h"
#include "base/lockdep.h"
#include "bench.h"
#include <softiommu/internal.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Can lockdep be turned off?  Locks must still work with it off: a child
 * process takes and releases a mutex that way (the parent has no other
 * thread yet).  Return: true if the child survived.
 */
static bool bench_lockdep_off_works(void)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		struct mutex m;
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		sio_lockdep_set_enabled(false);
		mutex_init(&m);
		mutex_lock(&m);
		mutex_unlock(&m);
		mutex_destroy(&m);
		_exit(sio_warn_count() ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static const struct bench_def bench_defs[] = {
	{ "B1", "map1", "dma_map_single+dma_unmap_single of 4 KiB, lazy and strict",
	  bench_b1_map1 },
	{ "B2", "granule", "strict map+unmap of 1/16/256 pages and a 2 MiB block",
	  bench_b2_granule },
	{ "B3", "scale2", "map+unmap throughput, 2 threads on one domain",
	  bench_b3_scale2 },
	{ "B4", "iova-aging", "IOVA alloc/free aging, size flip, 32-bit mix",
	  bench_b4_iova_aging },
	{ "B5", "xlate-hit", "device copies and 64-byte reads, warm IOTLB",
	  bench_b5_xlate_hit },
	{ "B6", "xlate-miss", "IOTLB-miss walk latency; 4 KiB vs 2 MiB leaves",
	  bench_b6_xlate_miss },
	{ "S1", "scaling", "map and translate cost against live mappings",
	  bench_scaling },
	{ "S2", "pgtable-mem", "page-table memory per mapped GiB",
	  bench_pgtable_mem },
};

/* ------------------------------------------------------------ helpers */

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_percentile(double *v, unsigned int n, double p)
{
	size_t idx;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	idx = (size_t)ceil(p / 100.0 * n);
	if (idx > 0)
		idx--;
	if (idx >= n)
		idx = n - 1;
	return v[idx];
}

double bench_median(double *v, unsigned int n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int bench_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

double bench_ab(struct bench_ctx *ctx, bench_batch_fn a, void *aa,
		bench_batch_fn b, void *ba, double *out_a, double *out_b)
{
	double ra[32], rb[32], ratio[32], sorted[32], med;
	unsigned int n = ctx->rounds, i, best = 0;

	if (n > 32)
		n = 32;
	a(aa);			/* warm both sides */
	b(ba);
	for (i = 0; i < n; i++) {
		ra[i] = a(aa);
		rb[i] = b(ba);
		ratio[i] = rb[i] > 0 ? ra[i] / rb[i] : 0;
		sorted[i] = ratio[i];
	}
	med = bench_median(sorted, n);
	/* the round closest to the median (even n: the median is a mean) */
	for (i = 1; i < n; i++)
		if (fabs(ratio[i] - med) < fabs(ratio[best] - med))
			best = i;
	if (out_a)
		*out_a = ra[best];
	if (out_b)
		*out_b = rb[best];
	return med;
}

void bench_fig(struct bench_result *r, const char *name, double value)
{
	struct bench_fig *f;

	if (r->nfigs == BENCH_MAX_FIGS)
		return;
	f = &r->figs[r->nfigs++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->value = value;
}

struct bench_ratio *bench_ratio(struct bench_result *r, const char *name,
				const char *comparator, double value,
				double bar, double target, bool le)
{
	static struct bench_ratio overflow;	/* never printed */
	struct bench_ratio *q;

	if (r->nratios == BENCH_MAX_RATIOS)
		return &overflow;
	q = &r->ratios[r->nratios++];
	snprintf(q->name, sizeof(q->name), "%s", name);
	snprintf(q->comparator, sizeof(q->comparator), "%s", comparator);
	q->value = value;
	q->bar = bar;
	q->target = target;
	q->le = le;
	q->pass = isfinite(value) && (le ? value <= bar : value >= bar);
	return q;
}

static void vappend(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t len = strlen(buf);

	if (len < size)
		vsnprintf(buf + len, size - len, fmt, ap);
}

void bench_param(struct bench_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->params[0])
		strncat(r->params, ",", sizeof(r->params) - strlen(r->params) - 1);
	va_start(ap, fmt);
	vappend(r->params, sizeof(r->params), fmt, ap);
	va_end(ap);
}

void bench_skip(struct bench_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->skipped, sizeof(r->skipped), fmt, ap);
	va_end(ap);
}

void bench_note(struct bench_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->note[0])
		strncat(r->note, "; ", sizeof(r->note) - strlen(r->note) - 1);
	va_start(ap, fmt);
	vappend(r->note, sizeof(r->note), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------- output */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputs("null", f);
}

static void print_json(FILE *f, const struct bench_result *r)
{
	const struct bench_ratio *p = r->nratios ? &r->ratios[0] : NULL;
	bool pass = true;
	unsigned int i;

	for (i = 0; i < r->nratios; i++)
		pass = pass && r->ratios[i].pass;
	fputs("{\"name\":", f);
	json_str(f, r->name);
	fputs(",\"id\":", f);
	json_str(f, r->id);
	fprintf(f, ",\"parameters\":{%s}", r->params);
	fputs(",\"figures\":{", f);
	for (i = 0; i < r->nfigs; i++) {
		if (i)
			fputc(',', f);
		json_str(f, r->figs[i].name);
		fputc(':', f);
		json_num(f, r->figs[i].value);
	}
	fputc('}', f);
	if (r->skipped[0] || !p) {
		fputs(",\"comparator\":null,\"ratio\":null,\"bar\":null,"
		      "\"target\":null,\"pass\":null,\"ratios\":[]", f);
		if (r->skipped[0]) {
			fputs(",\"skipped\":", f);
			json_str(f, r->skipped);
		}
	} else {
		fputs(",\"comparator\":", f);
		json_str(f, p->comparator);
		fputs(",\"ratio\":", f);
		json_num(f, p->value);
		fputs(",\"bar\":", f);
		json_num(f, p->bar);
		fputs(",\"target\":", f);
		json_num(f, p->target);
		fprintf(f, ",\"pass\":%s,\"ratios\":[", pass ? "true" : "false");
		for (i = 0; i < r->nratios; i++) {
			const struct bench_ratio *q = &r->ratios[i];

			fputs(i ? ",{\"name\":" : "{\"name\":", f);
			json_str(f, q->name);
			fputs(",\"comparator\":", f);
			json_str(f, q->comparator);
			fputs(",\"ratio\":", f);
			json_num(f, q->value);
			fprintf(f, ",\"op\":\"%s\",\"bar\":", q->le ? "<=" : ">=");
			json_num(f, q->bar);
			fputs(",\"target\":", f);
			json_num(f, q->target);
			fprintf(f, ",\"target_met\":%s,\"pass\":%s%s}",
				isfinite(q->value) &&
				(q->le ? q->value <= q->target :
					 q->value >= q->target) ? "true" : "false",
				q->pass ? "true" : "false",
				q->own_bar ? ",\"bar_source\":\"bench\"" : "");
		}
		fputc(']', f);
	}
	if (r->note[0]) {
		fputs(",\"note\":", f);
		json_str(f, r->note);
	}
	fputs("}\n", f);
	fflush(f);
}

static void print_table(FILE *f, const struct bench_result *r)
{
	unsigned int i;

	fprintf(f, "\n%s %s", r->id, r->name);
	if (r->params[0])
		fprintf(f, "  {%s}", r->params);
	fputc('\n', f);
	if (r->skipped[0]) {
		fprintf(f, "  SKIPPED: %s\n", r->skipped);
		return;
	}
	for (i = 0; i < r->nratios; i++) {
		const struct bench_ratio *q = &r->ratios[i];
		bool tgt = q->le ? q->value <= q->target : q->value >= q->target;

		fprintf(f, "  %-22s %9.3f  bar %s %-6g target %s %-6g %-4s%s  vs %s%s\n",
			q->name, q->value, q->le ? "<=" : ">=", q->bar,
			q->le ? "<=" : ">=", q->target,
			q->pass ? "PASS" : "FAIL", tgt ? "+T" : "  ",
			q->comparator, q->own_bar ? " (bar: bench's own)" : "");
	}
	for (i = 0; i < r->nfigs; i++)
		fprintf(f, "%s%s=%.4g%s", i % 4 ? "  " : "    ",
			r->figs[i].name, r->figs[i].value,
			i % 4 == 3 || i == r->nfigs - 1 ? "\n" : "");
	if (r->note[0])
		fprintf(f, "  note: %s\n", r->note);
	fflush(f);
}

static void print_ref(FILE *f, const struct bench_ctx *ctx)
{
	const struct bench_ref *x = &ctx->ref;

	if (ctx->json) {
		fprintf(f, "{\"name\":\"reference\",\"kind\":\"reference\","
			"\"L_mem_ns\":%.2f,\"L_mem_bytes\":%zu,"
			"\"L_atomic_ns\":%.2f,\"L_xcore_ns\":%.2f,"
			"\"L_pf_ns\":%.1f,\"L_pf_p99_ns\":%.1f,"
			"\"BW_copy_Bps\":%.4g}\n",
			x->l_mem_ns, x->l_mem_bytes, x->l_atomic_ns,
			x->l_xcore_ns, x->l_pf_ns, x->l_pf_p99_ns,
			x->bw_copy_bps);
		return;
	}
	fprintf(f, "reference: L_mem %.1f ns (%zu MiB chase)  L_atomic %.1f ns  "
		"L_xcore %.1f ns  L_pf %.0f ns (p99 %.0f)  BW_copy %.2f GB/s\n",
		x->l_mem_ns, x->l_mem_bytes >> 20, x->l_atomic_ns,
		x->l_xcore_ns, x->l_pf_ns, x->l_pf_p99_ns,
		x->bw_copy_bps / 1e9);
}

/* Print each WARN site that fired (func file:line xN), for the summary. */
static int print_warn_site(const struct sio_warn_site *site, void *data)
{
	FILE *f = data;

	fprintf(f, "  WARN at %s (%s:%d) x%lu\n", site->func, site->file,
		site->line, site->count);
	return 0;
}

/* --------------------------------------------------------------- main */

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: softiommu bench [NAME...] [--json] [--quick] [--list]\n"
		   "  NAME      a benchmark name or id (default: all)\n"
		   "  --json    one JSON object per line per benchmark\n"
		   "  --quick   short run (a few seconds; CI)\n"
		   "  --list    list the benchmarks\n"
		   "benchmarks:\n");
	for (i = 0; i < ARRAY_LEN(bench_defs); i++)
		fprintf(f, "  %-3s %-12s %s\n", bench_defs[i].id,
			bench_defs[i].name, bench_defs[i].what);
}

static void pick_cpus(struct bench_ctx *ctx)
{
	cpu_set_t set;
	int i, first = -1, second = -1;

	ctx->cpu_a = ctx->cpu_b = -1;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (i = 0; i < CPU_SETSIZE; i++) {
		if (!CPU_ISSET(i, &set))
			continue;
		if (first < 0)
			first = i;
		else if (second < 0)
			second = i;
	}
	if (second >= 0 && sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
		ctx->cpu_a = first;
		ctx->cpu_b = second;
		ctx->pinned = true;
	}
}

/**
 * sio_bench_main() - `softiommu bench [NAME...] [--json] [--quick] [--list]`
 * @argc: argument count; @argv[0] is the subcommand name ("bench")
 * @argv: arguments
 *
 * Turns lockdep off (no lock may be held: call it before any machine
 * exists), runs the chosen benchmarks and prints their results.
 * Context: the main thread, registered as an RCU reader.
 * Return: 0 when every chosen benchmark ran or was skipped (ratios below
 * their bars do not change the status: the bars are for people), 2 for
 * bad usage.
 */
int sio_bench_main(int argc, char **argv)
{
	struct bench_ctx ctx = { .rounds = 7 };
	bool chosen[ARRAY_LEN(bench_defs)] = { false }, any = false;
	bool list = false, lockdep_was, lockdep_off, lockdep_ok;
	struct rusage ru;
	double load[1];
	unsigned long warns0;
	long live0, leaked;
	unsigned int i;
	uint64_t t0;
	int a;

	for (a = 1; a < argc; a++) {
		const char *s = argv[a];

		if (!strcmp(s, "--json")) {
			ctx.json = true;
		} else if (!strcmp(s, "--quick")) {
			ctx.quick = true;
		} else if (!strcmp(s, "--list")) {
			list = true;
		} else if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			usage(stdout);
			return 0;
		} else if (s[0] == '-') {
			fprintf(stderr, "softiommu bench: unknown option '%s'\n", s);
			usage(stderr);
			return 2;
		} else {
			bool found = false;

			for (i = 0; i < ARRAY_LEN(bench_defs); i++) {
				if (!strcasecmp(s, bench_defs[i].name) ||
				    !strcasecmp(s, bench_defs[i].id)) {
					chosen[i] = found = any = true;
				}
			}
			if (!found) {
				fprintf(stderr, "softiommu bench: no benchmark '%s'\n",
					s);
				usage(stderr);
				return 2;
			}
		}
	}
	if (list) {
		for (i = 0; i < ARRAY_LEN(bench_defs); i++)
			printf("%s %s\n", bench_defs[i].id, bench_defs[i].name);
		return 0;
	}
	if (ctx.quick)
		ctx.rounds = 5;
	pick_cpus(&ctx);

	/* Production lock costs: no lockdep bookkeeping in measured loops. */
	lockdep_was = sio_lockdep_enabled();
	lockdep_ok = bench_lockdep_off_works();
	if (lockdep_ok)
		sio_lockdep_set_enabled(false);

	warns0 = sio_warn_count();
	live0 = sio_alloc_live();
	t0 = bench_now_ns();
	if (getloadavg(load, 1) != 1)
		load[0] = -1;
	if (!ctx.json) {
		printf("softiommu bench (%s run): lockdep %s for the measured "
		       "loops; ratios are medians of %u interleaved A/B rounds\n",
		       ctx.quick ? "quick" : "full",
		       sio_lockdep_enabled() ? "ON" : "OFF", ctx.rounds);
		if (!lockdep_ok)
			printf("LOCKDEP ON: locks misbehave with "
			       "sio_lockdep_set_enabled(false) in this build; "
			       "lock costs include lockdep bookkeeping\n");
		printf("host load average at start: %.2f on %ld online CPUs "
		       "(ratios are same-run, but a busy host still skews them)\n",
		       load[0], sysconf(_SC_NPROCESSORS_ONLN));
		if (ctx.pinned)
			printf("CPU side pinned to cpu%d, device side / second "
			       "thread to cpu%d\n", ctx.cpu_a, ctx.cpu_b);
		else
			printf("NOT PINNED: fewer than two CPUs online; CPU "
			       "and device sides share a CPU\n");
	}
	bench_ref_measure(&ctx);
	print_ref(stdout, &ctx);

	for (i = 0; i < ARRAY_LEN(bench_defs); i++) {
		struct bench_result *r;

		if (any && !chosen[i])
			continue;
		r = calloc(1, sizeof(*r));
		if (!r)
			break;
		r->name = bench_defs[i].name;
		r->id = bench_defs[i].id;
		bench_pin(ctx.cpu_a);
		bench_defs[i].run(&ctx, r);
		if (ctx.json)
			print_json(stdout, r);
		else
			print_table(stdout, r);
		free(r);
	}
	bench_ref_release();
	lockdep_off = !sio_lockdep_enabled();
	sio_lockdep_set_enabled(lockdep_was);

	getrusage(RUSAGE_SELF, &ru);
	rcu_barrier();
	leaked = sio_alloc_live() - live0;
	if (ctx.json)
		printf("{\"name\":\"run\",\"kind\":\"environment\",\"quick\":%s,"
		       "\"lockdep\":%s,\"pinned\":%s,\"cpu_a\":%d,\"cpu_b\":%d,"
		       "\"rounds\":%u,\"peak_rss_kib\":%ld,\"seconds\":%.2f,"
		       "\"loadavg_start\":%.2f,\"warns\":%lu,"
		       "\"leaked_objects\":%ld}\n",
		       ctx.quick ? "true" : "false",
		       lockdep_off ? "false" : "true",
		       ctx.pinned ? "true" : "false", ctx.cpu_a, ctx.cpu_b,
		       ctx.rounds, ru.ru_maxrss,
		       (double)(bench_now_ns() - t0) / 1e9, load[0],
		       sio_warn_count() - warns0, leaked);
	else
		printf("\npeak RSS %ld MiB; %.1f s; lockdep was %s for every "
		       "measured loop; %lu WARN(s), %ld object(s) leaked\n",
		       ru.ru_maxrss >> 10, (double)(bench_now_ns() - t0) / 1e9,
		       lockdep_off ? "off" : "ON", sio_warn_count() - warns0,
		       leaked);
	if (!ctx.json && sio_warn_count() != warns0)
		sio_warn_for_each_site(print_warn_site, stdout);
	return 0;
}
