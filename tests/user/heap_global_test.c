// SPDX-License-Identifier: GPL-2.0
/*
 * LocalAlloc/GlobalAlloc and friends through libntmm, against Microsoft's
 * documentation: fixed blocks (the handle is the pointer), moveable ones
 * (a handle, lock counts, discarded objects, moving on realloc), flags,
 * handles from pointers, HeapWalk's view of moveable blocks, and the errors
 * of each call.
 */
#include <string.h>
#include <windows.h>

#include "fails_with.h"
#include "tap.h"

static void test_fixed(void)
{
	HLOCAL l = LocalAlloc(LPTR, 100);
	HGLOBAL g = GlobalAlloc(GMEM_FIXED, 50), r;
	char *p = (char *)l;

	tap_ok(l && p[0] == 0 && p[99] == 0, "LocalAlloc(LPTR): a zeroed fixed block");
	tap_ok(LocalLock(l) == l && GlobalLock(g) == g, "a fixed block's handle is its pointer");
	tap_eq(LocalSize(l), 100, "LocalSize");
	tap_eq(LocalFlags(l), 0, "LocalFlags of a fixed block: 0");
	tap_ok(GlobalUnlock(g), "GlobalUnlock of a fixed block: TRUE");
	fails_with(LocalUnlock(l), ERROR_NOT_LOCKED, "LocalUnlock of a fixed block");
	tap_ok(LocalHandle(p) == l && GlobalHandle(g) == g, "LocalHandle, GlobalHandle of a pointer");
	memset(p, 'a', 100);
	fails_with(LocalReAlloc(l, 10000, 0) != NULL, ERROR_NOT_ENOUGH_MEMORY,
		   "a fixed block cannot move without LMEM_MOVEABLE");
	r = LocalReAlloc(l, 10000, LMEM_MOVEABLE | LMEM_ZEROINIT);
	tap_ok(r && ((char *)r)[99] == 'a' && ((char *)r)[100] == 0 && LocalSize(r) == 10000,
	       "with LMEM_MOVEABLE it moves, contents kept, the growth zeroed");
	tap_ok(LocalFree(r) == NULL && GlobalFree(g) == NULL, "LocalFree, GlobalFree: NULL");
	tap_ok(LocalFree(NULL) == NULL, "LocalFree(NULL)");
	fails_with(GlobalFree(g) == NULL, ERROR_INVALID_HANDLE, "GlobalFree twice returns the handle");
	fails_with(LocalAlloc(0x8000, 10) != NULL, ERROR_INVALID_PARAMETER, "LocalAlloc, unknown flags");
	fails_with(GlobalAlloc(0x8000, 10) != NULL, ERROR_INVALID_PARAMETER,
		   "GlobalAlloc, unknown flags");
}

static void test_moveable(void)
{
	HGLOBAL h = GlobalAlloc(GHND, 300), r, d;
	PROCESS_HEAP_ENTRY e = { 0 };
	char *p, *q;
	int seen = 0;

	tap_ok(h != NULL, "GlobalAlloc(GHND): a handle");
	p = GlobalLock(h);
	tap_ok(p && p != (char *)h && p[0] == 0 && p[299] == 0, "GlobalLock: the zeroed data");
	tap_ok(*(void **)h == p, "a handle points at its data pointer, as Windows' do");
	tap_eq(GlobalFlags(h), 1, "GlobalFlags: lock count 1");
	tap_ok(GlobalLock(h) == p && GlobalFlags(h) == 2, "locked twice: count 2");
	tap_ok(GlobalHandle(p) == h, "GlobalHandle of the data is the handle");
	tap_eq(GlobalSize(h), 300, "GlobalSize");
	while (HeapWalk(GetProcessHeap(), &e))
		if ((e.wFlags & PROCESS_HEAP_ENTRY_MOVEABLE) && e.Block.hMem == h)
			seen = (e.wFlags & PROCESS_HEAP_ENTRY_BUSY) != 0;
	tap_ok(seen, "HeapWalk shows it busy and moveable, with its handle");
	tap_ok(GlobalUnlock(h), "GlobalUnlock: still locked, TRUE");
	SetLastError(5);
	tap_ok(!GlobalUnlock(h) && GetLastError() == NO_ERROR,
	       "GlobalUnlock to 0: FALSE with NO_ERROR");
	fails_with(GlobalUnlock(h), ERROR_NOT_LOCKED, "GlobalUnlock of an unlocked object");
	memset(p, 'm', 300);
	r = GlobalReAlloc(h, 100000, GMEM_MOVEABLE | GMEM_ZEROINIT);
	q = GlobalLock(r);
	tap_ok(r == h && q && q[299] == 'm' && q[300] == 0 && GlobalSize(h) == 100000,
	       "GlobalReAlloc of a moveable object keeps its handle, contents kept, growth zeroed");
	GlobalUnlock(h);
	r = GlobalReAlloc(h, 0, GMEM_MOVEABLE);
	tap_ok(r == h && (GlobalFlags(h) & GMEM_DISCARDED) && GlobalSize(h) == 0,
	       "reallocated to 0, the object is discarded");
	fails_with(GlobalLock(h) != NULL, ERROR_DISCARDED, "GlobalLock of a discarded object");
	tap_ok(GlobalReAlloc(h, 64, GMEM_MOVEABLE) == h && GlobalSize(h) == 64,
	       "and reallocated again it has memory");
	tap_ok(GlobalReAlloc(h, 0, GMEM_MODIFY | GMEM_DISCARDABLE) == h &&
	       (GlobalFlags(h) & GMEM_DISCARDABLE), "GMEM_MODIFY sets GMEM_DISCARDABLE");
	tap_ok(GlobalFree(h) == NULL, "GlobalFree of a moveable object");
	tap_eq(GlobalFlags(h), GMEM_INVALID_HANDLE, "its handle is then invalid");
	fails_with(GlobalLock(h) != NULL, ERROR_INVALID_HANDLE, "GlobalLock of a freed handle");
	d = GlobalAlloc(GMEM_MOVEABLE, 0);
	tap_ok(d && (GlobalFlags(d) & GMEM_DISCARDED), "GlobalAlloc(GMEM_MOVEABLE, 0): discarded");
	GlobalFree(d);
	h = LocalAlloc(LHND, 40);
	p = LocalLock(h);
	strcpy(p, "moveable");
	r = LocalReAlloc(LocalAlloc(LMEM_FIXED, 8), 0, LMEM_MODIFY | LMEM_MOVEABLE);
	tap_ok(r && LocalLock(r) && LocalFlags(r) == 1, "LMEM_MODIFY|LMEM_MOVEABLE makes a fixed block moveable");
	LocalUnlock(r);
	LocalFree(r);
	tap_ok(strcmp(LocalLock(h), "moveable") == 0 && LocalFlags(h) == 2, "LocalLock, LocalFlags");
	LocalUnlock(h);
	LocalUnlock(h);
	tap_ok(LocalFree(h) == NULL, "LocalFree");
}

int main(void)
{
	test_fixed();
	test_moveable();
	return tap_done();
}
