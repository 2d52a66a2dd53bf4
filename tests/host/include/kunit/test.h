/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host shim of KUnit, so that a KUnit suite of the module runs unchanged on
 * the host under ASan and UBSan: each expectation is one TAP line (tap.h),
 * a failed assertion ends its case, and kunit_test_suite() registers the
 * suite for the host test's main() (kunit_host_run()).
 */
#ifndef NTMM_HOST_KUNIT_TEST_H
#define NTMM_HOST_KUNIT_TEST_H

#include <setjmp.h>
#include <stdio.h>

#include "../../../tap.h"

struct kunit {
	const char *name;
	jmp_buf bail;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char *name;
	struct kunit_case *test_cases;
};

/* The kernel's kunit/test.h brings linux/kernel.h, and with it ARRAY_SIZE. */
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define KUNIT_CASE(fn)		{ .run_case = fn, .name = #fn }

#define kunit_info(test, fmt, ...) \
	printf("# %s: " fmt "\n", (test)->name, ##__VA_ARGS__)

#define KUNIT_HOST_CHECK(test, cond, abort, fmt, ...) do {			\
	if (!tap_ok(!!(cond), "%s: " fmt, (test)->name, ##__VA_ARGS__) && (abort)) \
		longjmp((test)->bail, 1);					\
} while (0)

#define KUNIT_HOST_CMP(test, a, op, b, abort, msg) do {				\
	unsigned long long __a = (unsigned long long)(a);			\
	unsigned long long __b = (unsigned long long)(b);			\
	KUNIT_HOST_CHECK(test, __a op __b, abort, "%s %s %s (%#llx, %#llx) %s",	\
			 #a, #op, #b, __a, __b, msg);				\
} while (0)

#define KUNIT_EXPECT_EQ_MSG(t, a, b, fmt, ...)	KUNIT_HOST_CMP(t, a, ==, b, 0, fmt)
#define KUNIT_EXPECT_EQ(t, a, b)		KUNIT_HOST_CMP(t, a, ==, b, 0, "")
#define KUNIT_ASSERT_EQ(t, a, b)		KUNIT_HOST_CMP(t, a, ==, b, 1, "")
#define KUNIT_EXPECT_TRUE(t, c)			KUNIT_HOST_CHECK(t, c, 0, "%s", #c)
#define KUNIT_EXPECT_FALSE(t, c)		KUNIT_HOST_CHECK(t, !(c), 0, "!%s", #c)
#define KUNIT_EXPECT_TRUE_MSG(t, c, fmt, ...)	KUNIT_HOST_CHECK(t, c, 0, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(t, c, fmt, ...)	KUNIT_HOST_CHECK(t, !(c), 0, fmt, ##__VA_ARGS__)

static struct kunit_suite *kunit_host_suites[8];
static unsigned int kunit_host_nr_suites;

#define kunit_test_suite(suite)						\
	static void __attribute__((constructor)) kunit_host_add_##suite(void) \
	{								\
		kunit_host_suites[kunit_host_nr_suites++] = &(suite);	\
	}

/* One case; a failed assertion returns here. */
static inline void kunit_host_case(struct kunit_case *c)
{
	struct kunit test = { .name = c->name };

	if (!setjmp(test.bail))
		c->run_case(&test);
}

/* Run every registered suite; the TAP tally decides the exit status. */
static inline int kunit_host_run(void)
{
	struct kunit_case *c;
	unsigned int i;

	for (i = 0; i < kunit_host_nr_suites; i++) {
		printf("# suite %s\n", kunit_host_suites[i]->name);
		for (c = kunit_host_suites[i]->test_cases; c->run_case; c++)
			kunit_host_case(c);
	}
	return tap_done();
}

#endif /* NTMM_HOST_KUNIT_TEST_H */
