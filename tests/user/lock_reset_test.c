// SPDX-License-Identifier: GPL-2.0
/*
 * VirtualLock and VirtualUnlock (item 27 without quotas: those come with
 * working sets), and MEM_RESET / MEM_RESET_UNDO (item 23).
 */
#include <psapi.h>
#include <stdio.h>
#include <windows.h>

#include "fails_with.h"
#include "tap.h"
#include "ntmm_debugfs.h"

#define PAGE 0x1000UL

/*
 * Memory pressure's reclaim of clean page cache, as drop_caches gives it: a
 * reset page's folio is one (module/vm/reset.c).
 */
static int drop_caches(void)
{
	FILE *f = fopen("/proc/sys/vm/drop_caches", "w");
	int ok;

	if (!f)
		return 0;
	ok = fputs("3\n", f) >= 0;
	return fclose(f) == 0 && ok;
}

/* QueryWorkingSetEx's Valid bit: resident, and a touch would not fault. */
static int valid(void *addr)
{
	PSAPI_WORKING_SET_EX_INFORMATION ws = { .VirtualAddress = addr };

	return QueryWorkingSetEx(GetCurrentProcess(), &ws, sizeof(ws)) &&
	       ws.VirtualAttributes.Valid;
}

/*
 * Item 44: VirtualLock touches the pages as a thread would: a guard page
 * fails the call with STATUS_GUARD_PAGE_VIOLATION as its last error and
 * loses its guard; the same call then succeeds.
 */
static void test_lock_guard(DWORD protect, DWORD type, const char *how)
{
	char *g = VirtualAlloc(NULL, 4 * PAGE, type, protect);
	MEMORY_BASIC_INFORMATION mbi;
	DWORD old;

	VirtualProtect(g + 2 * PAGE, PAGE, protect | PAGE_GUARD, &old);
	VirtualProtect(g + 3 * PAGE, PAGE, protect | PAGE_GUARD, &old);
	SetLastError(0);
	fails_with(VirtualLock(g, 4 * PAGE), STATUS_GUARD_PAGE_VIOLATION, "44: locking guard pages");
	tap_ok(VirtualQuery(g + 2 * PAGE, &mbi, sizeof(mbi)) && mbi.Protect == protect &&
		      VirtualQuery(g + 3 * PAGE, &mbi, sizeof(mbi)) &&
		      mbi.Protect == (protect | PAGE_GUARD),
		      "44: the first guard page lost its guard, the next kept it%s", how);
	fails_with(VirtualLock(g, 4 * PAGE), STATUS_GUARD_PAGE_VIOLATION,
		   "44: the next guard page fails the next lock");
	tap_ok(VirtualLock(g, 4 * PAGE), "44: then the lock succeeds%s", how);
	tap_ok(VirtualUnlock(g, 4 * PAGE), "and the pages unlock%s", how);
	VirtualFree(g, 0, MEM_RELEASE);
}

int main(void)
{
	char *p = VirtualAlloc(NULL, 8 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	char *r = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE, PAGE_READWRITE);
	long frames = ntmm_debugfs("frames");
	MEMORY_BASIC_INFORMATION mbi;
	DWORD old;
	char *q;

	tap_ok(VirtualLock(p, 4 * PAGE), "VirtualLock of committed pages");
	tap_eq(ntmm_debugfs("frames"), frames + 4, "locked pages are resident before any touch");
	SetLastError(0);
	fails_with(VirtualUnlock(p + 4 * PAGE, PAGE), ERROR_NOT_LOCKED,
		   "27: VirtualUnlock of an unlocked page");
	fails_with(VirtualUnlock(p + 3 * PAGE, 2 * PAGE), ERROR_NOT_LOCKED,
		   "27: VirtualUnlock of a partly locked range");
	tap_ok(VirtualUnlock(p, 4 * PAGE), "VirtualUnlock of the locked range");
	fails_with(VirtualUnlock(p, PAGE), ERROR_NOT_LOCKED, "27: unlocking it again");
	fails_with(VirtualLock(r, PAGE), ERROR_INVALID_ADDRESS, "locking reserved memory");
	VirtualProtect(p + 7 * PAGE, PAGE, PAGE_NOACCESS, &old);
	fails_with(VirtualLock(p + 6 * PAGE, 2 * PAGE), ERROR_NOACCESS, "locking a no-access page");
	VirtualProtect(p + 7 * PAGE, PAGE, PAGE_READWRITE, &old);
	test_lock_guard(PAGE_READWRITE, MEM_RESERVE | MEM_COMMIT, "");
	test_lock_guard(PAGE_READWRITE, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH,
			" (write-watched)");

	p[0] = 1;
	p[PAGE] = 2;
	VirtualLock(p + PAGE, PAGE);
	frames = ntmm_debugfs("frames");
	q = VirtualAlloc(p, 2 * PAGE, MEM_RESET, PAGE_READWRITE);
	tap_ok(q == p, "23: MEM_RESET returns the address");
	tap_ok(VirtualQuery(p, &mbi, sizeof(mbi)) && mbi.State == MEM_COMMIT &&
	       mbi.Protect == PAGE_READWRITE, "23: state and protection unchanged");
	tap_ok(!valid(p) && valid(p + PAGE) && ntmm_debugfs("frames") == frames,
	       "the reset page keeps its frame until memory is short; the locked one is not reset");
	tap_ok(VirtualAlloc(p, 2 * PAGE, MEM_RESET_UNDO, PAGE_READWRITE) == p,
	       "23: MEM_RESET_UNDO succeeds while nothing was taken");
	tap_eq(p[0], 1, "23: ... and the contents are there");
	tap_ok(valid(p), "MEM_RESET_UNDO ends the reset");

	VirtualAlloc(p, 2 * PAGE, MEM_RESET, PAGE_READWRITE);
	tap_ok(drop_caches(), "drop_caches");
	tap_eq(ntmm_debugfs("frames"), frames - 1, "reclaim takes the reset page's frame");
	tap_ok(!valid(p), "... so the page is not resident");
	fails_with(VirtualAlloc(p, 2 * PAGE, MEM_RESET_UNDO, PAGE_READWRITE) != NULL,
		   ERROR_GEN_FAILURE, "23: MEM_RESET_UNDO after the contents went fails");
	tap_eq(p[0], 0, "23: ... and the page reads as zero");
	tap_eq(p[PAGE], 2, "a locked page keeps its contents through MEM_RESET");
	tap_ok(VirtualAlloc(p, 2 * PAGE, MEM_RESET_UNDO, PAGE_READWRITE) == p,
	       "the failed undo ended the reset: a second one has nothing lost to report");

	p[0] = 7;
	VirtualAlloc(p, PAGE, MEM_RESET, PAGE_READWRITE);
	tap_eq(p[0], 7, "23: a reset page touched before memory ran short still has its contents");
	tap_ok(valid(p), "the touch ended the reset");
	tap_ok(VirtualAlloc(p, PAGE, MEM_RESET_UNDO, PAGE_READWRITE) == p,
	       "MEM_RESET_UNDO after that touch succeeds");
	p[0] = 5;
	tap_eq(p[0], 5, "a reset page is still writable");

	VirtualAlloc(p, 2 * PAGE, MEM_RESET, PAGE_READWRITE);
	fails_with(VirtualAlloc(p + 7 * PAGE, 2 * PAGE, MEM_RESET, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_ADDRESS, "6: MEM_RESET past the end");
	fails_with(VirtualAlloc(p + 7 * PAGE, 2 * PAGE, MEM_RESET_UNDO, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_ADDRESS, "MEM_RESET_UNDO past the end");
	fails_with(VirtualAlloc(p, PAGE, MEM_RESET_UNDO | MEM_COMMIT, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "7: MEM_RESET_UNDO with another flag");
	tap_ok(!valid(p) && valid(p + PAGE), "failed calls change nothing");
	tap_eq(p[0], 5, "a read ends the reset while the contents are there");
	tap_ok(drop_caches(), "drop_caches");
	tap_eq(p[0], 5, "... and they stay through reclaim: the read made them matter again");

	frames = ntmm_debugfs("frames");
	VirtualFree(p, 0, MEM_RELEASE);
	VirtualFree(r, 0, MEM_RELEASE);
	tap_ok(ntmm_debugfs("frames") < frames, "release takes the frames with it");
	return tap_done();
}
