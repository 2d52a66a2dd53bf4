// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 12, "the kernel can move ntmm pages", the compaction half: fill the
 * VM's free memory with ntmm 4 KiB pages (2 MiB allocations touched page by
 * page, with transparent large frames off) until /proc/buddyinfo shows no
 * free 2 MiB block outside the DMA zone (or memory runs low), then free
 * every other page, so half the memory is free but (almost) no 2 MiB
 * block. A MEM_LARGE_PAGES allocation of one block more than is free must
 * then succeed, as Windows compacts before failing a large-page request:
 * the kernel has to migrate ntmm pages to make the block, which their
 * frames in /proc/self/pagemap, read before and after, show. Every page
 * kept holds its stamp afterwards. Room that other memory gives is not
 * enough: the allocation asks for a block more each time until ntmm pages
 * had to move. Meant for a small VM (scripts/check: --mem 512M
 * --nodes 1).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <psapi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <windows.h>

#include "linux_mm.h"
#include "ntmm_debugfs.h"
#include "tap.h"

#define PAGE	0x1000UL
#define LARGE	0x200000UL
#define MAX_CHUNKS 8192

static char *chunk[MAX_CHUNKS];

/* Print /proc/vmstat's compaction and migration counters, as "# " lines. */
static void show_compaction(void)
{
	char line[128];
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "compact_", 8) || !strncmp(line, "pgmigrate_", 10))
			printf("# %s", line);
	fclose(f);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static uint64_t (*pfn)[LARGE / PAGE / 2];	/* per chunk, after the fill */

/*
 * Read the frame of each page kept (the even ones) from /proc/self/pagemap;
 * with @compare, count those whose frame is no longer the one read before.
 */
static unsigned long pfns_read(int n, int compare)
{
	uint64_t e[LARGE / PAGE];
	unsigned long moved = 0, pg;
	int fd = open("/proc/self/pagemap", O_RDONLY), c;

	if (!compare)
		pfn = calloc(n, sizeof(*pfn));
	if (fd < 0 || !pfn) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	for (c = 0; c < n; c++) {
		if (pread(fd, e, sizeof(e), (uintptr_t)chunk[c] / PAGE * sizeof(e[0])) != sizeof(e))
			break;
		for (pg = 0; pg < LARGE / PAGE; pg += 2) {
			uint64_t f = e[pg] & ((1ULL << 55) - 1);

			if (compare)
				moved += f != pfn[c][pg / 2];
			else
				pfn[c][pg / 2] = f;
		}
	}
	close(fd);
	return moved;
}

/*
 * A large-page allocation of @len. Direct compaction gives up on a zone it
 * scanned recently, and a block holding one unmovable page (a page table,
 * a slab page the fill pushed there) cannot be freed: on the debug kernel
 * that has been all of them once. After a failure a full compaction of the
 * node (/proc/sys/vm/compact_memory) comes before each of three more tries:
 * one pass stops where its two scanners meet, which may leave the blocks
 * the fill spread over half done (seen once on 6.1, where the first pass
 * freed one block of nine).
 */
static char *large_alloc(size_t len, DWORD *err)
{
	char *p = VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES,
			       PAGE_READWRITE);
	int tries;

	for (tries = 0; !p && tries < 3; tries++) {
		printf("# %zu MiB of large pages failed (error %u) with %ld free 2 MiB blocks; "
		       "compacting\n", len >> 20, (unsigned int)GetLastError(), buddy_blocks(9, 0, 1));
		write_file("/proc/sys/vm/compact_memory", "1\n");
		p = VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES,
				 PAGE_READWRITE);
	}
	*err = p ? 0 : GetLastError();
	return p;
}

static unsigned long stamp(int c, unsigned long pg)
{
	return ((unsigned long)c << 20 | pg) * 2654435761UL;
}

int main(void)
{
	long frames0 = ntmm_debugfs("frames"), commit0 = ntmm_debugfs("commit"), high, free_kb;
	size_t len;
	PSAPI_WORKING_SET_EX_INFORMATION ws;
	MEMORY_BASIC_INFORMATION mbi;
	unsigned long pg, bad = 0, moved;
	int n = 0, c, extra = -1;
	DWORD err;
	char *lp;

	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	printf("# MemTotal %ld MiB, MemFree %ld MiB, free blocks of 2 MiB or more: %ld\n",
	       meminfo_kb("MemTotal") >> 10, meminfo_kb("MemFree") >> 10, buddy_blocks(9, 0, 0));
	/* Fill until no free block of order 9 is left, and a few chunks more. */
	for (;;) {
		if (n == MAX_CHUNKS)
			break;
		chunk[n] = VirtualAlloc(NULL, LARGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		if (!chunk[n])
			break;
		for (pg = 0; pg < LARGE / PAGE; pg++)
			*(unsigned long *)(chunk[n] + pg * PAGE) = stamp(n, pg);
		n++;
		if (n % 8)
			continue;
		free_kb = meminfo_kb("MemFree");
		high = buddy_blocks(9, 0, 0);
		if (extra < 0 && high <= 0)
			extra = 4;
		if (extra >= 0 && extra-- == 0)
			break;
		if (free_kb < 24 * 1024)
			break;
	}
	high = buddy_blocks(9, 0, 1) + buddy_blocks(9, 1, 0);
	tap_ok(high >= 0 && high <= 16, "%d MiB of ntmm 4 KiB pages leave at most 16 free 2 MiB "
	       "blocks (%ld, MemFree %ld MiB)", n * 2, high, meminfo_kb("MemFree") >> 10);
	for (c = 0; c < n; c++)
		for (pg = 1; pg < LARGE / PAGE; pg += 2)
			VirtualFree(chunk[c] + pg * PAGE, PAGE, MEM_DECOMMIT);
	high = buddy_blocks(9, 0, 1) + buddy_blocks(9, 1, 0);
	len = (high + 1) * LARGE;
	tap_ok(high >= 0 && meminfo_kb("MemFree") > (long)(2 * len >> 10),
	       "freeing every other page frees half of it (MemFree %ld MiB), in fewer free 2 MiB "
	       "blocks (%ld) than the large pages asked next", meminfo_kb("MemFree") >> 10, high);
	pfns_read(n, 0);

	/*
	 * The room may come from memory other than ntmm's (page cache, pages
	 * freed meanwhile): ask for one block more each time until ntmm pages
	 * had to move, and fail if an allocation fails before they did.
	 */
	for (;;) {
		lp = large_alloc(len, &err);
		moved = lp ? pfns_read(n, 1) : 0;
		if (!lp || moved || len >= (size_t)(meminfo_kb("MemFree") << 10) / 2)
			break;
		VirtualFree(lp, 0, MEM_RELEASE);
		len += LARGE;
	}
	tap_ok(lp != NULL, "a MEM_LARGE_PAGES allocation of %ld MiB succeeds: the kernel compacts "
	       "(error %u)", (long)(len >> 20), err);
	show_compaction();
	buddy_blocks(9, 0, 1);
	tap_ok(moved > 0, "ntmm pages were moved to make the room (%lu of %d)", moved,
	       n * (int)(LARGE / PAGE / 2));
	if (lp) {
		VirtualQuery(lp, &mbi, sizeof(mbi));
		tap_ok(mbi.BaseAddress == lp && mbi.AllocationBase == lp && mbi.RegionSize == len &&
		       mbi.State == MEM_COMMIT && mbi.Protect == PAGE_READWRITE && mbi.Type == MEM_PRIVATE,
		       "exactly as asked");
		memset(lp, 0x5a, len);
		ws.VirtualAddress = lp + len - LARGE / 2;
		tap_ok(QueryWorkingSetEx(GetCurrentProcess(), &ws, sizeof(ws)) &&
		       ws.VirtualAttributes.Valid && ws.VirtualAttributes.LargePage,
		       "QueryWorkingSetEx: a valid large page");
		VirtualFree(lp, 0, MEM_RELEASE);
	}
	for (c = 0; c < n; c++)
		for (pg = 0; pg < LARGE / PAGE; pg += 2)
			bad += *(unsigned long *)(chunk[c] + pg * PAGE) != stamp(c, pg);
	tap_eq(bad, 0, "every page kept holds its stamp, wherever it was moved");
	for (c = 0; c < n; c++)
		VirtualFree(chunk[c], 0, MEM_RELEASE);
	tap_eq(ntmm_debugfs("frames"), frames0, "all frames returned");
	tap_eq(ntmm_debugfs("commit"), commit0, "and the commit charge");
	return tap_done();
}
