// SPDX-License-Identifier: GPL-2.0
/*
 * VirtualLock and VirtualUnlock (item 27 without quotas: those come with
 * working sets), and MEM_RESET (item 23).
 */
#include <windows.h>

#include "tap.h"
#include "winmm_debugfs.h"

#define PAGE 0x1000UL

#define fails_with(ok, err, what) \
	tap_ok(!(ok) && GetLastError() == (DWORD)(err), "%s: error %u (want %u)", what, \
	       GetLastError(), (unsigned)(err))

int main(void)
{
	char *p = VirtualAlloc(NULL, 8 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	char *r = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE, PAGE_READWRITE);
	long frames = winmm_debugfs("frames");
	MEMORY_BASIC_INFORMATION mbi;
	DWORD old;
	char *q;

	tap_ok(VirtualLock(p, 4 * PAGE), "VirtualLock of committed pages");
	tap_eq(winmm_debugfs("frames"), frames + 4, "locked pages are resident before any touch");
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

	p[0] = 1;
	p[PAGE] = 2;
	VirtualLock(p + PAGE, PAGE);
	frames = winmm_debugfs("frames");
	q = VirtualAlloc(p, 2 * PAGE, MEM_RESET, PAGE_READWRITE);
	tap_ok(q == p, "23: MEM_RESET returns the address");
	tap_ok(VirtualQuery(p, &mbi, sizeof(mbi)) && mbi.State == MEM_COMMIT &&
	       mbi.Protect == PAGE_READWRITE, "23: state and protection unchanged");
	/* Count before reading: a read of the reset page gives it a new frame. */
	tap_eq(winmm_debugfs("frames"), frames - 1, "the reset page's frame is given back now");
	tap_ok(p[0] == 0 || p[0] == 1, "23: contents unchanged or zero (%d)", p[0]);
	tap_eq(p[PAGE], 2, "a locked page keeps its contents through MEM_RESET");
	p[0] = 5;
	tap_eq(p[0], 5, "a reset page is still writable");
	fails_with(VirtualAlloc(p + 7 * PAGE, 2 * PAGE, MEM_RESET, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_ADDRESS, "6: MEM_RESET past the end");
	fails_with(VirtualAlloc(p, PAGE, MEM_RESET_UNDO, PAGE_READWRITE) != NULL,
		   ERROR_CALL_NOT_IMPLEMENTED, "MEM_RESET_UNDO is not offered");

	VirtualFree(p, 0, MEM_RELEASE);
	VirtualFree(r, 0, MEM_RELEASE);
	return tap_done();
}
