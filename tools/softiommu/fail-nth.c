// SPDX-License-Identifier: BSD-3-Clause
/*
 * softiommu run --fail-nth=N and --fail-nth-sweep[=K]: allocation-failure
 * injection at scenario level, judged on what a failed allocation must
 * never cause (a crash, a leak, a WARN the kernel would not print, broken
 * invariants), not on the scenario's expects.  Each run is a fresh machine
 * in a fresh child process, so a crash at one failure point hides none of
 * the others.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <softiommu/machine.h>
#include <softiommu/internal.h>
#include "cli.h"

/* A run that takes longer than this is reported as hung. */
#define NTH_TIMEOUT_S 120

/* Child exit codes; anything else is a crash or a sanitizer report. */
#define NTH_EXIT_CLEAN	     0
#define NTH_EXIT_PROBLEM     10
#define NTH_EXIT_NOT_REACHED 11
#define NTH_EXIT_SETUP	     12 /* no machine, malformed scenario */

/*
 * WARNs the kernel itself prints when an allocation fails, allowed under
 * injection although the scenario does not fire them without it.  An
 * allocation failure is an ordinary error: the kernel answers it with an
 * errno (and a dev_err/pr_warn line), not a WARN - except where the
 * failure leaves a state that a later, legitimate path WARNs about:
 *
 * __iommu_probe_device: "late IOMMU probe at driver bind, something fishy
 *	here!".  When the IOMMU probe of a device fails at device add (say
 *	iommu_group_alloc() gets -ENOMEM), the device stays without a group,
 *	and the dma_configure of its first driver bind probes it again - the
 *	kernel's __iommu_probe_device() WARNs there in the same way.
 *
 * Sites are matched by function, so another WARN of the same function is
 * allowed too; keep this list short and each entry justified by the
 * kernel code that WARNs on the same failure.  (The kernel's own
 * allocation-failure report, warn_alloc()'s "page allocation failure",
 * is not a WARN and softiommu's allocator does not print one.)
 */
static const char *const nth_allowed_warns[] = {
	"__iommu_probe_device",
	NULL,
};

/* What one run reports to the parent through its pipe. */
struct nth_report {
	unsigned long calls; /* allocations the interpreter thread tried */
	int fired; /* the armed failure happened */
	long leaked; /* live objects left after the machine */
	unsigned int new_warns; /* WARNs not allowed under injection */
	char site[64]; /* the function whose allocation failed */
};

/* A WARN site the uninjected run fired: allowed under injection too. */
struct nth_site {
	char *file;
	int line;
};

struct nth_job {
	const struct cli *c;
	const char *name;
	char *buf; /* the scenario text */
	size_t len;
	struct nth_site *base; /* the uninjected run's WARN sites */
	size_t nbase;
	unsigned long points; /* its allocation points */
};

struct nth_judge {
	const struct nth_job *job;
	unsigned int n;
	struct nth_report *rep;
	FILE *sites; /* the uninjected run: where to list sites */
};

static bool nth_warn_allowed(const struct nth_job *job,
			     const struct sio_warn_info *w)
{
	size_t i;

	for (i = 0; i < job->nbase; i++)
		if (job->base[i].line == w->line &&
		    !strcmp(job->base[i].file, w->file))
			return true;
	for (i = 0; nth_allowed_warns[i]; i++)
		if (!strcmp(nth_allowed_warns[i], w->func))
			return true;
	return false;
}

/* "../../src/core/x.c" -> "src/core/x.c", as the WARN report does. */
static const char *nth_short_file(const char *file)
{
	const char *p, *f = file;

	for (p = strstr(file, "src/"); p; p = strstr(p + 1, "src/"))
		if (p == file || p[-1] == '/')
			f = p;
	return f;
}

static int nth_judge_site(const struct sio_warn_info *w, void *data)
{
	struct nth_judge *j = data;

	if (j->sites) { /* the uninjected run: record it */
		fprintf(j->sites, "%d %s\n", w->line, w->file);
		return 0;
	}
	if (nth_warn_allowed(j->job, w))
		return 0;
	/* an invariant violation is the checker's WARN (src/core/check.c) */
	j->rep->new_warns += (unsigned int)w->count;
	fprintf(stderr,
		"fail-nth %s: point %u (failed allocation in %s): WARNING at %s (%s:%d) fired %lu time(s)\n",
		j->job->name, j->n, j->rep->site, w->func,
		nth_short_file(w->file), w->line, w->count);
	return 0;
}

/*
 * The child: run the scenario on a fresh machine with the @n-th
 * allocation of the interpreter thread failing (0: none, count them),
 * from its first command through its end-of-scenario cleanup; the
 * parse before and the machine's teardown after are not injected.
 * Writes a struct nth_report to @fd (and, for @n == 0, the WARN sites).
 */
static int nth_child(const struct nth_job *job, unsigned int n, int fd,
		     bool transcript)
{
	struct sio_scn_opts o = { .out = stdout };
	struct nth_report rep = { 0 };
	struct nth_judge j = { job, n, &rep, NULL };
	struct sio_scn_script *s = NULL;
	struct sio_scn_result res;
	struct sio_scn_ctx *ctx;
	struct sio_machine *m;
	const char *site;
	char msg[600];
	long live;
	FILE *f;
	int ret;

	alarm(NTH_TIMEOUT_S);
	o.flags = job->c->flags | (transcript ? 0 : SIO_SCN_SILENT);
	if (job->c->virtual_clock)
		o.flags |= SIO_SCN_VIRTUAL_CLOCK;
	live = sio_alloc_live_settled();
	ret = sio_scn_parse_text(job->name, job->buf, job->len, 1, &s, msg,
				 sizeof(msg));
	if (ret) {
		fprintf(stderr, "%s\n",
			msg[0] ? msg : "softiommu: cannot parse");
		return NTH_EXIT_SETUP;
	}
	m = sio_machine_create(job->name);
	if (sio_is_err(m))
		return NTH_EXIT_SETUP;
	ctx = sio_scn_ctx_create(m, job->name, &o);
	if (sio_is_err(ctx))
		return NTH_EXIT_SETUP;
	sio_fail_nth_set(n);
	sio_scn_ctx_run(ctx, s);
	sio_scn_ctx_finish(ctx, &res);
	rep.calls = sio_fail_nth_calls();
	rep.fired = sio_fail_nth_fired();
	site = sio_fail_nth_site();
	snprintf(rep.site, sizeof(rep.site), "%s",
		 site ? site : "another allocator");
	sio_fail_nth_set(0);
	sio_machine_destroy(m);
	sio_scn_script_free(s);
	sio_scn_result_release(&res);
	rep.leaked = sio_alloc_live_settled() - live;
	if (rep.leaked > 0)
		fprintf(stderr,
			"fail-nth %s: point %u (failed allocation in %s): %ld object(s) leaked\n",
			job->name, n, rep.site, rep.leaked);
	if (n == 0) {
		f = fdopen(dup(fd), "w");
		if (!f)
			return NTH_EXIT_SETUP;
		if (write(fd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
			return NTH_EXIT_SETUP;
		j.sites = f;
		sio_warn_sites(nth_judge_site, &j);
		fclose(f);
		return rep.leaked > 0 ? NTH_EXIT_PROBLEM : NTH_EXIT_CLEAN;
	}
	sio_warn_sites(nth_judge_site, &j);
	if (write(fd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		return NTH_EXIT_SETUP;
	if (!rep.fired)
		return NTH_EXIT_NOT_REACHED;
	return rep.leaked > 0 || rep.new_warns ? NTH_EXIT_PROBLEM :
						 NTH_EXIT_CLEAN;
}

/* Read what a child wrote until it closes the pipe. */
static char *nth_read_all(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	if (!buf)
		return NULL;
	for (;;) {
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Run point @n in a child.  Return: the child's exit code, or -1 after
 * printing how it crashed.  @rep and (if @out) the rest of what it wrote
 * are filled.
 */
static int nth_spawn(const struct nth_job *job, unsigned int n, bool transcript,
		     struct nth_report *rep, char **out, size_t *outlen)
{
	char *buf;
	size_t len = 0;
	int fds[2], st, code;
	pid_t pid;

	memset(rep, 0, sizeof(*rep));
	fflush(stdout);
	fflush(stderr);
	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		code = nth_child(job, n, fds[1], transcript);
		fflush(stdout);
		fflush(stderr);
		exit(code);
	}
	close(fds[1]);
	buf = nth_read_all(fds[0], &len);
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (buf && len >= sizeof(*rep))
		memcpy(rep, buf, sizeof(*rep));
	if (out && buf && len >= sizeof(*rep)) {
		memmove(buf, buf + sizeof(*rep), len - sizeof(*rep) + 1);
		*out = buf;
		*outlen = len - sizeof(*rep);
		buf = NULL;
	}
	free(buf);
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "fail-nth %s: point %u: %s (signal %d)\n",
			job->name, n,
			WTERMSIG(st) == SIGALRM ?
				"hung: killed after the time limit" :
				strsignal(WTERMSIG(st)),
			WTERMSIG(st));
		return -1;
	}
	code = WEXITSTATUS(st);
	if (code != NTH_EXIT_CLEAN && code != NTH_EXIT_PROBLEM &&
	    code != NTH_EXIT_NOT_REACHED && code != NTH_EXIT_SETUP) {
		fprintf(stderr,
			"fail-nth %s: point %u: exit status %d (a sanitizer report above?)\n",
			job->name, n, code);
		return -1;
	}
	return code;
}

/* The uninjected run's WARN sites ("LINE FILE" lines) into @job. */
static int nth_parse_sites(struct nth_job *job, char *text)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct nth_site *nb;
		char *sp = strchr(line, ' ');

		if (!sp)
			continue;
		nb = realloc(job->base, (job->nbase + 1) * sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		job->base = nb;
		nb[job->nbase].line = atoi(line);
		nb[job->nbase].file = strdup(sp + 1);
		if (!nb[job->nbase].file)
			return -ENOMEM;
		job->nbase++;
	}
	return 0;
}

static int nth_read_file(const char *path, struct nth_job *job)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0, n;

	if (!f) {
		fprintf(stderr, "softiommu: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	do {
		if (job->len == cap) {
			char *nb =
				realloc(job->buf, cap = cap ? cap * 2 : 8192);

			if (!nb) {
				fclose(f);
				return -ENOMEM;
			}
			job->buf = nb;
		}
		n = fread(job->buf + job->len, 1, cap - job->len, f);
		job->len += n;
	} while (n);
	fclose(f);
	return 0;
}

static void nth_job_free(struct nth_job *job)
{
	size_t i;

	for (i = 0; i < job->nbase; i++)
		free(job->base[i].file);
	free(job->base);
	free(job->buf);
}

/*
 * Count the allocation points of @job (an uninjected run, which must be
 * clean itself) and learn its WARN sites.  Return: 0, or the status.
 */
static int nth_baseline(struct nth_job *job)
{
	struct nth_report rep;
	char *sites = NULL;
	size_t slen = 0;
	int code;

	code = nth_spawn(job, 0, false, &rep, &sites, &slen);
	if (code == NTH_EXIT_SETUP) {
		free(sites);
		return 2;
	}
	if (code != NTH_EXIT_CLEAN) {
		fprintf(stderr,
			"fail-nth %s: the run without injection is not clean%s\n",
			job->name,
			code == NTH_EXIT_PROBLEM ? " (it leaks)" : "");
		free(sites);
		return 1;
	}
	job->points = rep.calls;
	code = sites ? nth_parse_sites(job, sites) : 0;
	free(sites);
	return code ? 1 : 0;
}

/**
 * cli_fail_nth() - `softiommu run --fail-nth=N FILE...` (@nth != 0: one
 * run per file with the N-th allocation failing, with its transcript) or
 * `--fail-nth-sweep[=K]` (@nth == 0: one run per K-th allocation point)
 * @c: the command line
 * @nth: the allocation to fail, or 0 to sweep
 * @step: K, every K-th point (>= 1)
 * @files: the scenarios (@nfiles, at least one)
 * @nfiles: their number
 *
 * Context: the program's main thread, before any machine exists (it
 * forks).
 * Return: 0 no run crashed, leaked or WARNed beyond what the scenario
 * does without injection; 1 otherwise; 2 a scenario does not parse.
 */
int cli_fail_nth(const struct cli *c, unsigned int nth, unsigned int step,
		 char **files, int nfiles)
{
	int status = 0, i;

	for (i = 0; i < nfiles; i++) {
		struct nth_job job = { .c = c, .name = files[i] };
		unsigned long n, swept = 0, bad = 0, missed = 0;
		struct nth_report rep;
		int st, code;

		if (nth_read_file(files[i], &job)) {
			nth_job_free(&job);
			status = 2;
			continue;
		}
		st = nth_baseline(&job);
		if (st) {
			nth_job_free(&job);
			status = st > status ? st : status;
			continue;
		}
		if (nth) {
			code = nth_spawn(&job, nth, true, &rep, NULL, NULL);
			if (code == NTH_EXIT_NOT_REACHED)
				printf("fail-nth %s: point %u not reached: the scenario has %lu allocation points\n",
				       job.name, nth, job.points);
			else
				printf("fail-nth %s: point %u of %lu (failed allocation in %s): %s\n",
				       job.name, nth, job.points, rep.site,
				       code == NTH_EXIT_CLEAN ? "clean" :
								"PROBLEM");
			st = code == NTH_EXIT_CLEAN ||
					     code == NTH_EXIT_NOT_REACHED ?
				     0 :
				     1;
		} else {
			for (n = 1; n <= job.points; n += step) {
				code = nth_spawn(&job, (unsigned int)n, false,
						 &rep, NULL, NULL);
				swept++;
				if (code == NTH_EXIT_NOT_REACHED)
					missed++;
				else if (code != NTH_EXIT_CLEAN)
					bad++;
			}
			printf("fail-nth %s: %lu allocation points, %lu swept (every %u): %lu with problems%s",
			       job.name, job.points, swept, step, bad,
			       missed ? "," : "\n");
			if (missed)
				printf(" %lu not reached (the run took another path)\n",
				       missed);
			st = bad ? 1 : 0;
		}
		fflush(stdout);
		if (st > status)
			status = st;
		nth_job_free(&job);
	}
	return status;
}
