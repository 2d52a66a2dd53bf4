/* SPDX-License-Identifier: GPL-2.0 */
/* Wall-clock seconds for the benchmarks and the tests that report a duration. */
#ifndef NTMM_TESTS_SECONDS_H
#define NTMM_TESTS_SECONDS_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC. */
static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
