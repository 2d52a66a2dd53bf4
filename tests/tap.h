/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal TAP producer for ntmm's host and in-VM userspace tests: one
 * "ok N - what" or "not ok N - what" line per check, a plan at the end, and
 * the exit status 1 if any check failed.
 */
#ifndef NTMM_TESTS_TAP_H
#define NTMM_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_count, tap_failed;

static inline __attribute__((format(printf, 2, 3)))
int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

/* A check that cannot be made here: "ok N - what # SKIP why", which TAP counts as passed. */
static inline __attribute__((format(printf, 2, 3)))
void tap_skip(const char *what, const char *why, ...)
{
	va_list ap;

	printf("ok %d - %s # SKIP ", ++tap_count, what);
	va_start(ap, why);
	vprintf(why, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Check a value against an expectation, printing both on failure. */
#define tap_eq(got, want, what) ({					\
	unsigned long long __g = (unsigned long long)(got);		\
	unsigned long long __w = (unsigned long long)(want);		\
	tap_ok(__g == __w, "%s (got %#llx, want %#llx)", what, __g, __w); \
})

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif /* NTMM_TESTS_TAP_H */
