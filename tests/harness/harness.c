// SPDX-License-Identifier: BSD-3-Clause
/*
 * Test runner: registration lists, one fork()ed child per test, TAP output,
 * and the teardown checks (WARN count, lockdep reports, leaked objects).
 */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "base/alloc.h"
#include "base/bug.h"
#include "base/lockdep.h"
#include "base/log.h"
#include "base/rcu.h"

#define JMP_DEPTH 8
#define TEST_TIMEOUT_S 300

/*
 * Sanitizer defaults for every test binary (the environment still
 * overrides): a report must fail the test, and each test child leaves
 * through _exit(), which skips the sanitizers' exit-code logic.
 */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "halt_on_error=1:second_deadlock_stack=1";
}

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

struct __test_metadata *__sio_current_test;
static struct __test_metadata *tests_head, **tests_tail = &tests_head;
static struct __fixture_metadata *fixtures;
static jmp_buf jmp_stack[JMP_DEPTH];
static int jmp_depth;
static pthread_t main_thread;
static const char *cur_name;	/* "fixture.variant.test" of the running test */

void __register_test(struct __test_metadata *t)
{
	*tests_tail = t;
	tests_tail = &t->next;
}

void __register_fixture(struct __fixture_metadata *f)
{
	f->next = fixtures;
	fixtures = f;
}

void __register_fixture_variant(struct __fixture_metadata *f,
				struct __fixture_variant_metadata *v)
{
	struct __fixture_variant_metadata **p = &f->variants;

	while (*p)
		p = &(*p)->next;
	*p = v;
}

jmp_buf *__sio_test_jmp_push(void)
{
	if (jmp_depth >= JMP_DEPTH) {
		fprintf(stderr, "# harness: ASSERT nesting too deep\n");
		abort();
	}
	return &jmp_stack[jmp_depth++];
}

void __sio_test_jmp_pop(void)
{
	if (jmp_depth > 0)
		jmp_depth--;
}

void __sio_test_abort(void)
{
	/*
	 * The jump buffers belong to the test's main thread: an ASSERT that
	 * fails on another thread ends the whole test process (a failure).
	 */
	if (jmp_depth == 0 || !pthread_equal(pthread_self(), main_thread)) {
		fflush(NULL);
		_exit(1);
	}
	longjmp(jmp_stack[jmp_depth - 1], 1);
}

void __sio_test_report(struct __test_metadata *t, const char *file, int line,
		       const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "# %s:%d:%s: ", file, line, cur_name ? cur_name : t->name);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

unsigned long test_seed(void)
{
	static unsigned long seed;
	static bool printed;
	const char *env = getenv("SIO_TEST_SEED");

	if (!printed) {
		seed = env ? strtoul(env, NULL, 0) : 20261121UL;
		printf("# seed: %lu (set SIO_TEST_SEED to replay)\n", seed);
		fflush(stdout);
		printed = true;
	}
	return seed;
}

static int print_log_line(const char *line, void *data)
{
	(void)data;
	printf("#   %s\n", line);
	return 0;
}

/* Runs in the child.  Return: 0 pass, 1 fail, 2 skip. */
static int run_one(struct __test_metadata *t,
		   const struct __fixture_variant_metadata *v)
{
	unsigned long alloc_base;
	long leaked;
	unsigned long warns, lockdep;

	__sio_current_test = t;
	t->expected_warns = 0;
	t->expected_lockdep = 0;
	if (getenv("SIO_TEST_ECHO"))
		sio_log_set_echo(stderr);
	sio_rcu_register_thread();
	sio_alloc_track_sites(true);
	sio_warn_reset();
	sio_lockdep_reset();
	sio_log_reset(SIO_LOG_CLOCK_VIRTUAL);
	alloc_base = sio_alloc_total();

	if (__sio_test_setjmp()) {
		t->fn(t, v);
		__sio_test_jmp_pop();
	}
	if (t->skipped)
		return 2;

	/* Deferred frees (call_rcu/kfree_rcu) are not leaks: let them run. */
	rcu_barrier();
	warns = sio_warn_count();
	lockdep = sio_lockdep_reports();
	if (t->expected_warns >= 0 && warns != (unsigned long)t->expected_warns) {
		printf("# %s: %lu WARN(s) fired, %d expected\n", cur_name, warns,
		       t->expected_warns);
		t->failed = 1;
	}
	if (lockdep != (unsigned long)t->expected_lockdep) {
		printf("# %s: %lu lockdep report(s), %d expected\n", cur_name,
		       lockdep, t->expected_lockdep);
		t->failed = 1;
	}
	leaked = sio_alloc_report_leaks(alloc_base);
	if (leaked > 0 && !t->allow_leaks) {
		printf("# %s: %ld object(s) leaked\n", cur_name, leaked);
		t->failed = 1;
	}
	if (t->failed) {
		printf("# log of the failed test:\n");
		sio_log_for_each(print_log_line, NULL, 0);
	}
	fflush(stdout);
	return t->failed ? 1 : 0;
}

static bool selected(const char *full, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (argv[i][0] != '-' && strstr(full, argv[i]))
			return true;
	return false;
}

struct run {
	struct __test_metadata *t;
	const struct __fixture_variant_metadata *v;
	char full[512];
};

int test_harness_run(int argc, char **argv)
{
	struct __test_metadata *t;
	struct run *runs = NULL;
	int nruns = 0, cap = 0, i, pass = 0, fail = 0, skip = 0;

	for (t = tests_head; t; t = t->next) {
		const struct __fixture_variant_metadata *v =
			t->fixture ? t->fixture->variants : NULL;

		do {
			struct run *r;
			const char *name = t->name;

			if (strncmp(name, "wrapper_", 8) == 0)
				name += 8;
			if (nruns == cap) {
				cap = cap ? cap * 2 : 64;
				runs = realloc(runs, cap * sizeof(*runs));
				if (!runs)
					return 1;
			}
			r = &runs[nruns];
			r->t = t;
			r->v = v;
			/* "fixture.variant.test" for TEST_F, "test" for TEST. */
			if (t->fixture) {
				size_t fl = strlen(t->fixture->name);

				if (strncmp(name, t->fixture->name, fl) == 0 &&
				    name[fl] == '_')
					name += fl + 1;
			}
			if (t->fixture && v)
				snprintf(r->full, sizeof(r->full), "%s.%s.%s",
					 t->fixture->name, v->name, name);
			else if (t->fixture)
				snprintf(r->full, sizeof(r->full), "%s.%s",
					 t->fixture->name, name);
			else
				snprintf(r->full, sizeof(r->full), "%s", name);
			if (selected(r->full, argc, argv))
				nruns++;
			v = v ? v->next : NULL;
		} while (v);
	}

	/*
	 * Line buffering: a test that crashes must not lose what it printed,
	 * and the child must not inherit unflushed parent output.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
	main_thread = pthread_self();
	printf("TAP version 13\n1..%d\n", nruns);
	fflush(stdout);
	for (i = 0; i < nruns; i++) {
		struct run *r = &runs[i];
		int status = 0, res;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			cur_name = r->full;
			alarm(TEST_TIMEOUT_S);
			res = run_one(r->t, r->v);
			if (res == 2)
				printf("ok %d %s # SKIP %s\n", i + 1, r->full,
				       r->t->skip_reason);
			fflush(stdout);
			_exit(res);
		}
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			printf("ok %d %s\n", i + 1, r->full);
			pass++;
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
			skip++;
		} else {
			if (WIFSIGNALED(status))
				printf("# %s: killed by signal %d\n", r->full,
				       WTERMSIG(status));
			printf("not ok %d %s\n", i + 1, r->full);
			fail++;
		}
		fflush(stdout);
	}
	printf("# %d passed, %d failed, %d skipped\n", pass, fail, skip);
	free(runs);
	return fail ? 1 : 0;
}
