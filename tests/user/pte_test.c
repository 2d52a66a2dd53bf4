// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 12: page tables of released memory must not pile up, as they do not
 * on Windows or after munmap. Both bounds the issue names, read from VmPTE
 * in /proc/self/status:
 *
 *  1. 128 live allocations of 64 MiB, one page touched in every 2 MiB (so
 *     16 MiB of page tables), all released: VmPTE is back within 1 MiB of
 *     its value before.
 *  2. 100,000 cycles of 64 KiB alloc+touch+free among 1,000 live
 *     allocations of random sizes (64 KiB to 64 MiB reserved, one page of
 *     each committed and touched; each cycle also replaces one of them, so
 *     that the cycles visit addresses all over a span of some 32 GiB): VmPTE
 *     stays within 2x of its value after the first 1,000 cycles.
 *
 * `pte_test CYCLES` runs part 2 with fewer cycles (for a quick look); the
 * default is the 100,000.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>
#include <windows.h>

#include "linux_mm.h"
#include "ntmm_debugfs.h"
#include "tap.h"
#include "seconds.h"

#define PAGE	0x1000UL
#define GRAN	0x10000UL
#define MIB	(1UL << 20)
#define LIVE	1000

static void test_released(void)
{
	long pte0 = status_kb("VmPTE"), pte1, pte2, commit0 = ntmm_debugfs("commit");
	char *a[128];
	int i, j, ok = 1;
	double t = now();

	for (i = 0; i < 128; i++) {
		a[i] = VirtualAlloc(NULL, 64 * MIB, MEM_RESERVE, PAGE_READWRITE);
		for (j = 0; a[i] && j < 32; j++) {
			char *p = a[i] + j * 2 * MIB + (j % 16) * PAGE;

			ok &= VirtualAlloc(p, PAGE, MEM_COMMIT, PAGE_READWRITE) == p;
			if (ok)
				*(volatile char *)p = 1;
		}
		ok &= a[i] != NULL;
	}
	pte1 = status_kb("VmPTE");
	tap_ok(ok, "128 allocations of 64 MiB, a page touched in every 2 MiB (%.1f s)", now() - t);
	tap_ok(pte1 - pte0 >= 15 * 1024,
	       "that took 16 MiB of page tables (VmPTE %ld kB, %+ld kB)", pte1, pte1 - pte0);
	for (i = 0; i < 128; i++)
		ok &= a[i] && VirtualFree(a[i], 0, MEM_RELEASE);
	pte2 = status_kb("VmPTE");
	tap_ok(ok, "all released");
	tap_ok(pte2 - pte0 <= 1024,
	       "VmPTE is back within 1 MiB of its value before (%ld kB, before %ld kB, %+ld kB)",
	       pte2, pte0, pte2 - pte0);
	tap_eq(ntmm_debugfs("commit"), commit0, "and the commit charge");
}

struct live {
	char *p;
};

/* A reservation of 64 KiB to 64 MiB with one page of it committed and touched. */
static char *random_live(unsigned int *seed)
{
	SIZE_T size = (1 + rand_r(seed) % 1024) * GRAN;
	char *p = VirtualAlloc(NULL, size, MEM_RESERVE, PAGE_READWRITE), *q;

	if (!p)
		return NULL;
	q = p + (rand_r(seed) % (size / PAGE)) * PAGE;
	if (VirtualAlloc(q, PAGE, MEM_COMMIT, PAGE_READWRITE) != q) {
		VirtualFree(p, 0, MEM_RELEASE);
		return NULL;
	}
	*(volatile char *)q = 1;
	return p;
}

static void test_cycles(long cycles)
{
	long commit0 = ntmm_debugfs("commit"), pte0 = status_kb("VmPTE"), pte1 = 0, peak = 0, v;
	unsigned int seed = 12;
	struct live live[LIVE];
	long c, failures = 0;
	double t = now(), t1 = 0;
	int i;

	for (i = 0; i < LIVE; i++) {
		live[i].p = random_live(&seed);
		failures += !live[i].p;
	}
	tap_ok(!failures, "1,000 live allocations of random sizes (%.1f s, VmPTE %ld kB)", now() - t,
	       status_kb("VmPTE"));
	t = now();
	for (c = 1; c <= cycles; c++) {
		char *p = VirtualAlloc(NULL, GRAN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		unsigned long k;

		if (!p) {
			failures++;
		} else {
			for (k = 0; k < GRAN; k += PAGE)
				((volatile char *)p)[k] = 1;
			failures += !VirtualFree(p, 0, MEM_RELEASE);
		}
		i = rand_r(&seed) % LIVE;
		if (live[i].p)
			failures += !VirtualFree(live[i].p, 0, MEM_RELEASE);
		live[i].p = random_live(&seed);
		failures += !live[i].p;
		if (c == 1000) {
			pte1 = status_kb("VmPTE");
			t1 = now() - t;
		}
		if (c % 1000 == 0) {
			v = status_kb("VmPTE");
			peak = v > peak ? v : peak;
		}
		if (c % 20000 == 0) {
			printf("# %ld cycles, %.1f s, VmPTE %ld kB\n", c, now() - t, status_kb("VmPTE"));
			fflush(stdout);
		}
	}
	t = now() - t;
	tap_ok(failures == 0, "%ld cycles of 64 KiB alloc+touch+free, each replacing a live allocation "
	       "(%.1f s, %.0f us a cycle; %ld failures)", cycles, t, t / cycles * 1e6, failures);
	if (cycles >= 1000)
		tap_ok(peak <= 2 * pte1,
		       "VmPTE stayed within 2x of its value after the first 1,000 cycles "
		       "(%ld kB then, at most %ld kB, %ld kB at the end; before any %ld kB)",
		       pte1, peak, status_kb("VmPTE"), pte0);
	printf("# the first 1,000 cycles took %.1f s\n", t1);
	for (i = 0; i < LIVE; i++)
		if (live[i].p)
			VirtualFree(live[i].p, 0, MEM_RELEASE);
	tap_eq(ntmm_debugfs("commit"), commit0, "everything released, commit charge back");
	v = status_kb("VmPTE");
	tap_ok(v - pte0 <= 1024, "and VmPTE within 1 MiB of where it started (%ld kB, %+ld kB)", v,
	       v - pte0);
}

int main(int argc, char **argv)
{
	test_released();
	test_cycles(argc > 1 ? atol(argv[1]) : 100000);
	return tap_done();
}
