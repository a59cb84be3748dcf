/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * softiommu test harness, in the shape of the kernel's kselftest harness:
 * TEST, FIXTURE, FIXTURE_SETUP/TEARDOWN, TEST_F, FIXTURE_VARIANT(_ADD),
 * ASSERT_* (stop the test) and EXPECT_* (record and go on), SKIP.  Tests
 * register themselves (constructors), each runs in its own process, output
 * is TAP.  After every test the harness checks that no unexpected WARN fired,
 * no lockdep report was raised and no object allocated by the test leaked.
 *
 * Usage: one or more TEST()s in a .c file ending with TEST_HARNESS_MAIN.
 * Run with a test name (or "fixture.variant.name" prefix) to run a subset;
 * SIO_TEST_SEED=<n> sets the seed that stress tests print and use;
 * SIO_TEST_ECHO=1 echoes the kernel log to stderr as it is written.
 * An ASSERT that fails on a thread other than the test's own ends the test
 * process at once (the test fails; its teardown does not run).
 */
#ifndef SIO_TEST_HARNESS_H
#define SIO_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct __test_metadata;
struct __fixture_variant_metadata;

struct __fixture_metadata {
	const char *name;
	struct __fixture_variant_metadata *variants;
	struct __fixture_metadata *next;
};

struct __fixture_variant_metadata {
	const char *name;
	const void *data;
	struct __fixture_variant_metadata *next;
};

struct __test_metadata {
	const char *name;
	const char *file;
	int line;
	struct __fixture_metadata *fixture;
	void (*fn)(struct __test_metadata *t,
		   const struct __fixture_variant_metadata *v);
	struct __test_metadata *next;
	/* per-run state (in the child) */
	int failed;
	int skipped;
	int expected_warns;	/* -1: any number; set by test_expect_warns() */
	int expected_lockdep;	/* lockdep reports the test expects */
	bool allow_leaks;
	char skip_reason[256];
};

void __register_test(struct __test_metadata *t);
void __register_fixture(struct __fixture_metadata *f);
void __register_fixture_variant(struct __fixture_metadata *f,
				struct __fixture_variant_metadata *v);
int test_harness_run(int argc, char **argv);
/* The test running in this process. */
extern struct __test_metadata *__sio_current_test;

/* A test that deliberately fires WARNs says how many (or -1 for "some"). */
static inline void test_expect_warns(int n)
{
	__sio_current_test->expected_warns = n;
}
/*
 * A test that deliberately provokes lockdep reports says how many.  Every
 * lockdep report is also a WARN: such a test sets test_expect_warns() too
 * (to the total, or -1).
 */
static inline void test_expect_lockdep_reports(int n)
{
	__sio_current_test->expected_lockdep = n;
}
/* Seed for randomised tests: SIO_TEST_SEED or a fixed default; printed. */
unsigned long test_seed(void);

/*
 * The test body is a static function named _test_fn_<name> so that test
 * names never collide with the functions they test.
 */
#define __TEST_IMPL(test_name, fixture_ptr)                                   \
	static void _test_fn_##test_name(                                     \
		struct __test_metadata *_metadata,                            \
		const struct __fixture_variant_metadata *_v);                 \
	static struct __test_metadata _##test_name##_object = {               \
		.name = #test_name, .file = __FILE__, .line = __LINE__,       \
		.fixture = fixture_ptr, .fn = _test_fn_##test_name };         \
	static void __attribute__((constructor)) _register_##test_name(void)  \
	{                                                                     \
		__register_test(&_##test_name##_object);                      \
	}                                                                     \
	static void _test_fn_##test_name(                                     \
		struct __test_metadata *_metadata,                            \
		const struct __fixture_variant_metadata *_v)

#define TEST(test_name) __TEST_IMPL(test_name, NULL)

#define FIXTURE_DATA(fixture_name) struct _test_data_##fixture_name
#define FIXTURE(fixture_name)                                                 \
	FIXTURE_VARIANT(fixture_name);                                        \
	static struct __fixture_metadata _##fixture_name##_fixture_object = { \
		.name = #fixture_name };                                      \
	static void __attribute__((constructor))                              \
	_register_##fixture_name##_data(void)                                 \
	{                                                                     \
		__register_fixture(&_##fixture_name##_fixture_object);        \
	}                                                                     \
	FIXTURE_DATA(fixture_name)

#define FIXTURE_VARIANT(fixture_name) struct _fixture_variant_##fixture_name

/* Usage: FIXTURE_VARIANT_ADD(f, name) { .field = value, }; */
#define FIXTURE_VARIANT_ADD(fixture_name, variant_name)                       \
	extern const FIXTURE_VARIANT(fixture_name)                            \
		_##fixture_name##_##variant_name##_variant;                   \
	static struct __fixture_variant_metadata                              \
		_##fixture_name##_##variant_name##_object = {                 \
			.name = #variant_name,                                \
			.data = &_##fixture_name##_##variant_name##_variant }; \
	static void __attribute__((constructor))                              \
	_register_##fixture_name##_##variant_name(void)                       \
	{                                                                     \
		__register_fixture_variant(                                   \
			&_##fixture_name##_fixture_object,                    \
			&_##fixture_name##_##variant_name##_object);          \
	}                                                                     \
	const FIXTURE_VARIANT(fixture_name)                                   \
		_##fixture_name##_##variant_name##_variant =

#define FIXTURE_SETUP(fixture_name)                                           \
	static void _fixture_setup_##fixture_name(                                     \
		struct __test_metadata __attribute__((unused)) * _metadata,   \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) * self,    \
		const FIXTURE_VARIANT(fixture_name)                           \
			__attribute__((unused)) * variant)

#define FIXTURE_TEARDOWN(fixture_name)                                        \
	static void _fixture_teardown_##fixture_name(                                  \
		struct __test_metadata __attribute__((unused)) * _metadata,   \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) * self,    \
		const FIXTURE_VARIANT(fixture_name)                           \
			__attribute__((unused)) * variant)

/*
 * TEST_F: setup, body, teardown.  Teardown runs even if the body ASSERTs
 * (ASSERT longjmps back here); a setup that fails or skips skips the body.
 */
#define TEST_F(fixture_name, test_name)                                       \
	static void _test_body_##fixture_name##_##test_name(                  \
		struct __test_metadata *_metadata,                            \
		FIXTURE_DATA(fixture_name) * self,                            \
		const FIXTURE_VARIANT(fixture_name) * variant);               \
	/* Nothing set before the setjmp()s changes after them. */           \
	_Pragma("GCC diagnostic push")                                        \
	_Pragma("GCC diagnostic ignored \"-Wclobbered\"")                     \
	__TEST_IMPL(wrapper_##fixture_name##_##test_name,                     \
		    &_##fixture_name##_fixture_object)                        \
	{                                                                     \
		FIXTURE_DATA(fixture_name) self;                              \
		const FIXTURE_VARIANT(fixture_name) *variant =                \
			_v ? _v->data : NULL;                                 \
		memset(&self, 0, sizeof(self));                               \
		if (__sio_test_setjmp()) {                                    \
			_fixture_setup_##fixture_name(_metadata, &self,       \
						      variant);               \
			if (!_metadata->failed && !_metadata->skipped &&      \
			    __sio_test_setjmp()) {                            \
				_test_body_##fixture_name##_##test_name(      \
					_metadata, &self, variant);           \
				__sio_test_jmp_pop();                         \
			}                                                     \
			_fixture_teardown_##fixture_name(_metadata, &self,    \
							 variant);            \
			__sio_test_jmp_pop();                                 \
		}                                                             \
	}                                                                     \
	_Pragma("GCC diagnostic pop")                                         \
	static void _test_body_##fixture_name##_##test_name(                  \
		struct __test_metadata __attribute__((unused)) * _metadata,   \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) * self,    \
		const FIXTURE_VARIANT(fixture_name)                           \
			__attribute__((unused)) * variant)

/*
 * setjmp plumbing: __sio_test_setjmp() returns true on the direct call and
 * false when an ASSERT jumped back.  Implemented with a small stack of
 * jmp_bufs in harness.c.
 */
#include <setjmp.h>
extern jmp_buf *__sio_test_jmp_push(void);
extern void __sio_test_jmp_pop(void);
extern void __sio_test_abort(void) __attribute__((noreturn));
#define __sio_test_setjmp()                                                   \
	({                                                                    \
		jmp_buf *__jb = __sio_test_jmp_push();                        \
		int __r = setjmp(*__jb);                                      \
		if (__r)                                                      \
			__sio_test_jmp_pop();                                 \
		!__r;                                                         \
	})

void __sio_test_report(struct __test_metadata *t, const char *file, int line,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define __EXPECT(expected, seen, op, is_assert, exp_str, seen_str)            \
	do {                                                                  \
		__typeof__(expected) __exp = (expected);                      \
		__typeof__(seen) __seen = (seen);                             \
		if (!(__exp op __seen)) {                                     \
			__sio_test_report(_metadata, __FILE__, __LINE__,      \
				"Expected %s (%lld) %s %s (%lld)", exp_str,   \
				(long long)(intptr_t)__exp, #op, seen_str,    \
				(long long)(intptr_t)__seen);                 \
			_metadata->failed = 1;                                \
			if (is_assert)                                        \
				__sio_test_abort();                           \
		}                                                             \
	} while (0)

#define ASSERT_EQ(e, s) __EXPECT(e, s, ==, 1, #e, #s)
#define ASSERT_NE(e, s) __EXPECT(e, s, !=, 1, #e, #s)
#define ASSERT_LT(e, s) __EXPECT(e, s, <, 1, #e, #s)
#define ASSERT_LE(e, s) __EXPECT(e, s, <=, 1, #e, #s)
#define ASSERT_GT(e, s) __EXPECT(e, s, >, 1, #e, #s)
#define ASSERT_GE(e, s) __EXPECT(e, s, >=, 1, #e, #s)
#define ASSERT_TRUE(s) __EXPECT(0, !!(s), !=, 1, "0", #s)
#define ASSERT_FALSE(s) __EXPECT(0, !!(s), ==, 1, "0", #s)
#define ASSERT_NULL(s) __EXPECT(NULL, s, ==, 1, "NULL", #s)
#define ASSERT_NOT_NULL(s) __EXPECT(NULL, s, !=, 1, "NULL", #s)
#define EXPECT_EQ(e, s) __EXPECT(e, s, ==, 0, #e, #s)
#define EXPECT_NE(e, s) __EXPECT(e, s, !=, 0, #e, #s)
#define EXPECT_LT(e, s) __EXPECT(e, s, <, 0, #e, #s)
#define EXPECT_LE(e, s) __EXPECT(e, s, <=, 0, #e, #s)
#define EXPECT_GT(e, s) __EXPECT(e, s, >, 0, #e, #s)
#define EXPECT_GE(e, s) __EXPECT(e, s, >=, 0, #e, #s)
#define EXPECT_TRUE(s) __EXPECT(0, !!(s), !=, 0, "0", #s)
#define EXPECT_FALSE(s) __EXPECT(0, !!(s), ==, 0, "0", #s)
#define EXPECT_NULL(s) __EXPECT(NULL, s, ==, 0, "NULL", #s)
#define EXPECT_NOT_NULL(s) __EXPECT(NULL, s, !=, 0, "NULL", #s)

#define __STREXPECT(e, s, want_eq, is_assert)                                 \
	do {                                                                  \
		const char *__e = (e), *__s = (s);                            \
		if (!__e || !__s || (strcmp(__e, __s) == 0) != (want_eq)) {   \
			__sio_test_report(_metadata, __FILE__, __LINE__,      \
				"Expected '%s' %s '%s'", __e ? __e : "(null)",\
				(want_eq) ? "==" : "!=",                      \
				__s ? __s : "(null)");                        \
			_metadata->failed = 1;                                \
			if (is_assert)                                        \
				__sio_test_abort();                           \
		}                                                             \
	} while (0)
#define ASSERT_STREQ(e, s) __STREXPECT(e, s, 1, 1)
#define ASSERT_STRNE(e, s) __STREXPECT(e, s, 0, 1)
#define EXPECT_STREQ(e, s) __STREXPECT(e, s, 1, 0)
#define EXPECT_STRNE(e, s) __STREXPECT(e, s, 0, 0)

/* Mark the test skipped, run @statement (usually "return"), with a reason. */
#define SKIP(statement, fmt, ...)                                             \
	do {                                                                  \
		snprintf(_metadata->skip_reason,                              \
			 sizeof(_metadata->skip_reason), fmt, ##__VA_ARGS__); \
		_metadata->skipped = 1;                                       \
		statement;                                                    \
	} while (0)

/* Errno-checking helper triplet convention (iommufd_utils.h shape):
 *   _test_x(...)           returns the errno,
 *   test_x(...)            ASSERT_EQ(0, _test_x(...)),
 *   test_err_x(ERR, ...)   ASSERT_EQ(ERR, _test_x(...)).
 */

#define TEST_HARNESS_MAIN                                                     \
	int main(int argc, char **argv)                                       \
	{                                                                     \
		return test_harness_run(argc, argv);                          \
	}

#endif /* SIO_TEST_HARNESS_H */
