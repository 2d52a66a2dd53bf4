/* SPDX-License-Identifier: GPL-2.0 */
/* Tests' view of winmm's debugfs counters (/sys/kernel/debug/winmm/). */
#ifndef WINMM_TESTS_DEBUGFS_H
#define WINMM_TESTS_DEBUGFS_H

#include <stdio.h>

/* The number in /sys/kernel/debug/winmm/NAME, or -1 if it cannot be read. */
static inline long winmm_debugfs(const char *name)
{
	char path[128];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/winmm/%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

#endif /* WINMM_TESTS_DEBUGFS_H */
