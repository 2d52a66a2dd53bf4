// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 12, "memory the kernel can count": touched ntmm memory shows in the
 * process's VmRSS (as RssAnon, RssFile or RssShmem: whichever, the total
 * must rise by the memory touched) and in /proc/self/smaps, and leaves them
 * when it is decommitted or released. Memory only reserved, or committed
 * and never touched, is not resident. Large pages count too.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/prctl.h>
#include <windows.h>

#include "linux_mm.h"
#include "tap.h"

#define PAGE	0x1000UL
#define LARGE	0x200000UL
#define MIB	(1UL << 20)
#define N_MIB	64

struct rss {
	long total, anon, file, shmem;
};

static struct rss rss_now(void)
{
	struct rss r = { status_kb("VmRSS"), status_kb("RssAnon"), status_kb("RssFile"),
			 status_kb("RssShmem") };

	return r;
}

/* Did VmRSS rise by @kb (within 5%, and 2 MiB for the process's own noise)? */
static int rose_by(long got, long kb)
{
	return got >= kb - kb / 20 && got <= kb + kb / 20 + 2048;
}

static void touch(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += PAGE)
		((volatile char *)p)[i] = 1;
}

int main(void)
{
	size_t len = N_MIB * MIB;
	struct rss r0, r1, r2;
	long kb = len >> 10, smaps;
	char *p, *lp;

	r0 = rss_now();
	tap_ok(r0.total > 0 && r0.anon >= 0 && r0.file >= 0 && r0.shmem >= 0,
	       "VmRSS %ld kB (RssAnon %ld, RssFile %ld, RssShmem %ld)", r0.total, r0.anon, r0.file,
	       r0.shmem);

	p = VirtualAlloc(NULL, 1UL << 30, MEM_RESERVE, PAGE_READWRITE);
	r1 = rss_now();
	tap_ok(p && r1.total - r0.total < 1024,
	       "reserving 1 GiB adds nothing resident (%+ld kB)", r1.total - r0.total);
	VirtualFree(p, 0, MEM_RELEASE);

	p = VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	r1 = rss_now();
	tap_ok(p && r1.total - r0.total < 1024,
	       "committing %d MiB without touching it adds nothing resident (%+ld kB)", N_MIB,
	       r1.total - r0.total);
	touch(p, len);
	r2 = rss_now();
	tap_ok(rose_by(r2.total - r0.total, kb),
	       "touching %d MiB of ntmm memory raises VmRSS by as much (%+ld kB: RssAnon %+ld, "
	       "RssFile %+ld, RssShmem %+ld)", N_MIB, r2.total - r0.total, r2.anon - r0.anon,
	       r2.file - r0.file, r2.shmem - r0.shmem);
	tap_ok(rose_by((r2.anon + r2.file + r2.shmem) - (r0.anon + r0.file + r0.shmem), kb),
	       "in RssAnon, RssFile and RssShmem together");
	smaps = smaps_rss_kb((unsigned long)p, (unsigned long)p + len);
	tap_ok(smaps >= kb - kb / 20 && smaps <= kb + kb / 20,
	       "/proc/self/smaps shows it resident in the mapping around it (Rss %ld kB)", smaps);

	VirtualFree(p + len / 2, len / 2, MEM_DECOMMIT);
	r1 = rss_now();
	tap_ok(rose_by(r2.total - r1.total, kb / 2),
	       "decommitting half gives half back (%+ld kB)", r1.total - r2.total);
	smaps = smaps_rss_kb((unsigned long)p, (unsigned long)p + len);
	tap_ok(smaps >= kb / 2 - kb / 40 && smaps <= kb / 2 + kb / 40,
	       "and smaps agrees (Rss %ld kB)", smaps);
	VirtualFree(p, 0, MEM_RELEASE);
	r1 = rss_now();
	tap_ok(r1.total - r0.total < 2048 && r1.total - r0.total > -2048,
	       "releasing it drops VmRSS back (%+ld kB from the start)", r1.total - r0.total);
	smaps = smaps_rss_kb((unsigned long)p, (unsigned long)p + len);
	tap_ok(smaps >= 0 && smaps < 1024, "and nothing of it is resident in smaps (%ld kB)", smaps);

	/* Touched through a transparent large frame or 4 KiB ones: the same count. */
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	p = VirtualAlloc(NULL, 8 * MIB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	r1 = rss_now();
	touch(p, 8 * MIB);
	r2 = rss_now();
	tap_ok(rose_by(r2.total - r1.total, 8192),
	       "with 4 KiB frames only (PR_SET_THP_DISABLE): 8 MiB touched, VmRSS %+ld kB",
	       r2.total - r1.total);
	VirtualFree(p, 0, MEM_RELEASE);
	prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);

	lp = VirtualAlloc(NULL, 2 * LARGE, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE);
	if (tap_ok(lp != NULL, "4 MiB of large pages (error %u)", GetLastError())) {
		r1 = rss_now();
		memset(lp, 1, 2 * LARGE);
		r2 = rss_now();
		tap_ok(r2.total - r0.total >= 4096 - 205 && r2.total - r0.total <= 4096 + 205 + 2048,
		       "touched large pages count in VmRSS (%+ld kB from the start, %+ld at the touch)",
		       r2.total - r0.total, r2.total - r1.total);
		smaps = smaps_rss_kb((unsigned long)lp, (unsigned long)lp + 2 * LARGE);
		tap_ok(smaps >= 4096, "and in smaps (Rss %ld kB)", smaps);
		VirtualFree(lp, 0, MEM_RELEASE);
		r1 = rss_now();
		tap_ok(r1.total - r0.total < 2048, "and leave when released (%+ld kB from the start)",
		       r1.total - r0.total);
	}
	return tap_done();
}
