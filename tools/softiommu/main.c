// SPDX-License-Identifier: BSD-3-Clause
/*
 * The softiommu program: run scenarios (files or the built-in default tour),
 * an interactive shell in the same language, a parse-only check, and a
 * machine-readable report.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <softiommu/machine.h>
#include <softiommu/internal.h>
#include "cli.h"
#include "report.h"

extern const char sio_default_scenario[];
extern const size_t sio_default_scenario_len;

#define DEFAULT_NAME "default.scn"


static void usage(FILE *f)
{
	fprintf(f,
"usage: softiommu [OPTIONS] run [FILE...]   run scenarios (none: the default tour)\n"
"       softiommu [OPTIONS] shell            the scenario language, interactively\n"
"       softiommu check FILE...              parse only\n"
"       softiommu bench                      benchmarks\n"
"options:\n"
"  --json            machine-readable report on stdout (no transcript)\n"
"  -q, --quiet       print only failures and the summary\n"
"  --dmesg           print the whole kernel log at the end\n"
"  --virtual-clock   deterministic run: virtual log timestamps, one CPU\n"
"                    (also SIO_LOG_CLOCK=virtual)\n"
"  --fail-nth=N      run: fail the N-th allocation of each scenario's run;\n"
"                    judge crashes, leaks, new WARNs and invariants, not\n"
"                    the expects\n"
"  --fail-nth-sweep[=K]  run: once per allocation point (every K-th),\n"
"                    each on a fresh machine; report the points\n"
"  -h, --help        this help\n"
"  --version         print the version\n"
"exit status: 0 all expects held and no unexpected WARN, 1 otherwise,\n"
"             2 malformed scenario or bad usage\n"
"The language: docs/scenario-language.md (or type 'help' in the shell).\n");
}

/*
 * A deterministic run keeps the whole process on the CPU it started on,
 * before any thread exists (workers inherit the mask): per-CPU caches (the
 * IOVA magazines, like the kernel's) then hand out the same addresses on
 * every run, whatever else the machine is doing.
 */
static void pin_to_one_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "softiommu: cannot pin to cpu %d; addresses may vary\n",
			cpu);
}

static struct sio_scn_opts cli_opts(const struct cli *c)
{
	struct sio_scn_opts o = { .out = stdout, .flags = c->flags };

	if (c->json)
		o.flags |= SIO_SCN_SILENT;
	if (c->virtual_clock)
		o.flags |= SIO_SCN_VIRTUAL_CLOCK;
	return o;
}

/*
 * Objects still live after the machine is gone are leaks, except those @res
 * holds (the failure messages and their array).
 */
static int check_leaks(const char *name, long live_before,
		       const struct sio_scn_result *res, bool quiet)
{
	long leaked;

	leaked = sio_alloc_live_settled() - live_before - (long)res->num_failures -
		 (res->failures ? 1 : 0);
	if (leaked <= 0)
		return 0;
	if (!quiet) {
		fflush(stdout);
		fprintf(stderr, "softiommu: %s: %ld object(s) leaked\n", name,
			leaked);
	}
	return 1;
}

/* WARN counts per site, to tell the teardown's WARNs from the run's. */
struct warn_snap {
	size_t n;
	struct {
		const char *file;	/* static: compared by address */
		int line;
		unsigned long count;
	} site[64];
	const char *name;
	bool quiet;
	unsigned long total;
};

static int snap_site(const struct sio_warn_info *w, void *data)
{
	struct warn_snap *snap = data;

	if (snap->n < sizeof(snap->site) / sizeof(snap->site[0])) {
		snap->site[snap->n].file = w->file;
		snap->site[snap->n].line = w->line;
		snap->site[snap->n].count = w->count;
		snap->n++;
	}
	return 0;
}

static void warn_snap_take(struct warn_snap *snap, const char *name,
			   bool quiet)
{
	snap->n = 0;
	snap->name = name;
	snap->quiet = quiet;
	snap->total = sio_warn_count();
	sio_warn_sites(snap_site, snap);
}

static int report_new_site(const struct sio_warn_info *w, void *data)
{
	struct warn_snap *snap = data;
	unsigned long before = 0;
	const char *file = w->file, *p;
	size_t i;

	for (i = 0; i < snap->n; i++)
		if (snap->site[i].file == w->file && snap->site[i].line == w->line)
			before = snap->site[i].count;
	if (w->count <= before)
		return 0;
	for (p = strstr(w->file, "src/"); p; p = strstr(p + 1, "src/"))
		if (p == w->file || p[-1] == '/')
			file = p;
	fprintf(stderr, "  WARNING at %s (%s:%d) fired %lu time(s)\n", w->func,
		file, w->line, w->count - before);
	return 0;
}

/*
 * WARNs fired while the machine was destroyed, after the scenario's own
 * accounting (a scenario that left something the teardown trips over):
 * they fail the run like a leak.  Return: 1 if there were any.
 */
static int check_teardown_warns(struct warn_snap *snap)
{
	unsigned long n = sio_warn_count() - snap->total;

	if (!n)
		return 0;
	if (!snap->quiet) {
		fflush(stdout);
		fprintf(stderr, "softiommu: %s: %lu WARN(s) while the machine was torn down\n",
			snap->name, n);
		sio_warn_sites(report_new_site, snap);
	}
	return 1;
}

static int run_one(const struct cli *c, const char *file, bool first)
{
	struct sio_scn_opts o = cli_opts(c);
	struct sio_scn_result res;
	struct warn_snap snap;
	struct sio_machine *m;
	long live = sio_alloc_live_settled();
	const char *name = file ? file : DEFAULT_NAME;
	int bad;

	m = sio_machine_create(file ? file : "default");
	if (sio_is_err(m)) {
		fprintf(stderr, "softiommu: cannot create a machine: %s\n",
			sio_strerror(sio_ptr_err(m)));
		return 1;
	}
	if (file) {
		int ret = sio_machine_run_scenario_file(m, file, &o, &res);

		if (ret < 0 && !res.parse_error[0])
			snprintf(res.parse_error, sizeof(res.parse_error),
				 "%s: %s", file, sio_strerror(ret));
		if (ret < 0 && !c->json)
			fprintf(stderr, "softiommu: %s\n", res.parse_error);
	} else {
		sio_machine_run_scenario(m, name, sio_default_scenario,
					 sio_default_scenario_len, &o, &res);
	}
	warn_snap_take(&snap, name, c->json);
	sio_machine_destroy(m);
	bad = check_teardown_warns(&snap);
	bad |= check_leaks(name, live, &res, c->json);
	if (bad && res.status == 0)
		res.status = 1;
	if (c->json)
		cli_json_scenario(stdout, name, &res, first);
	sio_scn_result_release(&res);
	return res.status;
}

static int cmd_run(const struct cli *c, int argc, char **argv)
{
	int status = 0, i;

	if (c->fail_nth || c->fail_nth_step) {
		if (argc == 0 || c->json || (c->fail_nth && c->fail_nth_step)) {
			fprintf(stderr, "softiommu: --fail-nth and --fail-nth-sweep take FILEs, not --json, and not both\n");
			return 2;
		}
		return cli_fail_nth(c, c->fail_nth, c->fail_nth_step, argv,
				    argc);
	}

	if (c->json)
		cli_json_begin(stdout, SIO_VERSION);
	if (argc == 0) {
		status = run_one(c, NULL, true);
	} else {
		for (i = 0; i < argc; i++) {
			int st = run_one(c, argv[i], i == 0);

			if (st > status)
				status = st;
		}
	}
	if (c->json)
		cli_json_end(stdout, status);
	return status;
}

static int cmd_check(int argc, char **argv)
{
	int status = 0, i;

	if (argc == 0) {
		fprintf(stderr, "softiommu check: expected a FILE\n");
		return 2;
	}
	for (i = 0; i < argc; i++) {
		struct sio_scn_script *s = NULL;
		char *buf = NULL;
		size_t cap = 0, len = 0, n;
		FILE *f = fopen(argv[i], "r");
		char msg[600];
		int ret;

		if (!f) {
			fprintf(stderr, "softiommu: %s: %s\n", argv[i],
				strerror(errno));
			status = 2;
			continue;
		}
		do {
			if (len == cap) {
				char *nb = realloc(buf, cap = cap ? cap * 2 : 8192);

				if (!nb)
					break;
				buf = nb;
			}
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n);
		fclose(f);
		ret = sio_scn_parse_text(argv[i], buf, len, 1, &s, msg,
					 sizeof(msg));
		free(buf);
		if (ret) {
			if (msg[0])
				fprintf(stderr, "%s\n", msg);
			else
				fprintf(stderr, "softiommu: %s: %s\n", argv[i],
					sio_strerror(ret));
			status = 2;
			continue;
		}
		printf("%s: OK, %u commands\n", argv[i],
		       sio_scn_script_ncmds(s));
		sio_scn_script_free(s);
	}
	return status;
}

/* Is the line (continuations joined) "exit" or "quit"? */
static bool is_exit(const char *l)
{
	while (*l == ' ' || *l == '\t')
		l++;
	return !strncmp(l, "exit", 4) ? (!l[4] || l[4] == '\n' || l[4] == ' ') :
	       !strncmp(l, "quit", 4) ? (!l[4] || l[4] == '\n' || l[4] == ' ') :
	       false;
}

static int cmd_shell(const struct cli *c)
{
	bool tty = isatty(STDIN_FILENO);
	struct sio_scn_opts o = cli_opts(c);
	struct sio_scn_result res;
	struct sio_scn_ctx *ctx;
	struct sio_machine *m;
	char *line = NULL, *acc = NULL;
	size_t cap = 0, acclen = 0;
	unsigned int lineno = 0, first = 1;
	long live = sio_alloc_live_settled();
	struct warn_snap snap;
	int status, bad;

	if (tty)
		o.flags |= SIO_SCN_NO_ECHO;
	m = sio_machine_create("shell");
	if (sio_is_err(m))
		return 1;
	ctx = sio_scn_ctx_create(m, "<stdin>", &o);
	if (sio_is_err(ctx)) {
		sio_machine_destroy(m);
		return 1;
	}
	if (tty)
		printf("softiommu %s shell; 'help' lists the commands, 'exit' leaves.\n",
		       SIO_VERSION);
	for (;;) {
		ssize_t n;
		char *na;

		if (tty) {
			fputs(acclen ? "> " : "softiommu> ", stdout);
			fflush(stdout);
		}
		n = getline(&line, &cap, stdin);
		if (n < 0)
			break;
		lineno++;
		if (!acclen)
			first = lineno;
		na = realloc(acc, acclen + (size_t)n + 1);
		if (!na)
			break;
		acc = na;
		memcpy(acc + acclen, line, (size_t)n + 1);
		acclen += (size_t)n;
		/* a trailing backslash continues the line */
		if (acclen >= 2 && acc[acclen - 1] == '\n' && acc[acclen - 2] == '\\')
			continue;
		if (is_exit(acc))
			break;
		{
			struct sio_scn_script *s = NULL;
			char msg[600];

			if (sio_scn_parse_text("<stdin>", acc, acclen, first, &s,
					       msg, sizeof(msg))) {
				if (tty)
					printf("%s\n", msg);
				else
					sio_scn_ctx_parse_error(ctx, msg);
			} else {
				sio_scn_ctx_run(ctx, s);
				sio_scn_script_free(s);
			}
		}
		acclen = 0;
	}
	free(line);
	free(acc);
	if (tty)
		putchar('\n');
	if (c->json)
		cli_json_begin(stdout, SIO_VERSION);
	sio_scn_ctx_finish(ctx, &res);
	warn_snap_take(&snap, "<stdin>", c->json);
	sio_machine_destroy(m);
	bad = check_teardown_warns(&snap);
	bad |= check_leaks("<stdin>", live, &res, c->json);
	if (bad && res.status == 0)
		res.status = 1;
	status = res.status;
	if (c->json) {
		cli_json_scenario(stdout, "<stdin>", &res, true);
		cli_json_end(stdout, status);
	}
	sio_scn_result_release(&res);
	return status;
}

/* "N" (1 .. UINT_MAX) into @out.  Return: 0 or -1. */
static int parse_count(const char *s, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !v || v > UINT_MAX)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* --fail-nth=N, --fail-nth-sweep, --fail-nth-sweep=K.  Return: 0 or -1. */
static int parse_fail_nth(const char *a, struct cli *c)
{
	if (!strncmp(a, "--fail-nth=", 11))
		return parse_count(a + 11, &c->fail_nth);
	if (!strcmp(a, "--fail-nth-sweep")) {
		c->fail_nth_step = 1;
		return 0;
	}
	if (!strncmp(a, "--fail-nth-sweep=", 17))
		return parse_count(a + 17, &c->fail_nth_step);
	return -1;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	const char *cmd = NULL;
	char **rest, **bench_argv = NULL;
	int nrest = 0, i, status, bench_argc = 0;

	rest = calloc((size_t)argc + 1, sizeof(*rest));
	if (!rest)
		return 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			free(rest);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("softiommu %s\n", SIO_VERSION);
			free(rest);
			return 0;
		} else if (!strcmp(a, "--json")) {
			c.json = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			c.flags |= SIO_SCN_QUIET;
		} else if (!strcmp(a, "--dmesg")) {
			c.flags |= SIO_SCN_DMESG;
		} else if (!strcmp(a, "--virtual-clock")) {
			c.virtual_clock = true;
		} else if (!strncmp(a, "--fail-nth", 10)) {
			if (parse_fail_nth(a, &c)) {
				fprintf(stderr, "softiommu: '%s': expected --fail-nth=N or --fail-nth-sweep[=K], N and K from 1\n",
					a);
				free(rest);
				return 2;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "softiommu: unknown option '%s'\n", a);
			usage(stderr);
			free(rest);
			return 2;
		} else if (!cmd) {
			cmd = a;
			if (!strcmp(a, "bench")) {
				/* bench parses the rest of the line itself */
				bench_argc = argc - i;
				bench_argv = argv + i;
				break;
			}
		} else {
			rest[nrest++] = argv[i];
		}
	}

	if (c.virtual_clock || (getenv("SIO_LOG_CLOCK") &&
				!strcmp(getenv("SIO_LOG_CLOCK"), "virtual")))
		if (!cmd || strcmp(cmd, "bench"))
			pin_to_one_cpu();
	if (!cmd || !strcmp(cmd, "run")) {
		status = cmd_run(&c, nrest, rest);
	} else if (!strcmp(cmd, "shell")) {
		status = nrest ? 2 : cmd_shell(&c);
		if (nrest)
			fprintf(stderr, "softiommu shell: takes no file; use 'run'\n");
	} else if (!strcmp(cmd, "check")) {
		status = cmd_check(nrest, rest);
	} else if (!strcmp(cmd, "bench")) {
		status = sio_bench_main(bench_argc, bench_argv);
	} else {
		fprintf(stderr, "softiommu: unknown command '%s'\n", cmd);
		usage(stderr);
		status = 2;
	}
	free(rest);
	return status;
}
