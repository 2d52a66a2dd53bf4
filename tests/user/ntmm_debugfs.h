/* SPDX-License-Identifier: GPL-2.0 */
/* Tests' view of ntmm's debugfs counters (/sys/kernel/debug/ntmm/). */
#ifndef NTMM_TESTS_DEBUGFS_H
#define NTMM_TESTS_DEBUGFS_H

#include <stdio.h>

/* The number in /sys/kernel/debug/ntmm/NAME, or -1 if it cannot be read. */
static inline long ntmm_debugfs(const char *name)
{
	char path[128];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/ntmm/%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

#endif /* NTMM_TESTS_DEBUGFS_H */
