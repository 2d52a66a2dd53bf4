// SPDX-License-Identifier: GPL-2.0
/*
 * Sections and views: CreateFileMapping, OpenFileMapping, MapViewOfFile
 * and friends against Windows' rules (windows-semantics.md items 31-38),
 * with exact error codes; names and their namespaces, across processes
 * and users; views of files sharing the page cache with read() and
 * write(); copy-on-write views; teardown when processes die holding views.
 * Run as root in the VM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libntmm.h>
#include <psapi.h>
#include <windows.h>

#include "fails_with.h"
#include "linux_mm.h"
#include "ntmm_debugfs.h"
#include "probe.h"
#include "tap.h"
#include "users.h"

#define PAGE		4096UL
#define GRAN		65536UL
#define GLOBAL_GID	4343
#define GLOBAL_PARAM	"/sys/module/ntmm/parameters/global_gid"
#define FILE_PATH	"/tmp/section_test.dat"

static HANDLE pagefile_section(DWORD protect, SIZE_T size, const char *name)
{
	return CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, protect, (DWORD)(size >> 32),
				  (DWORD)size, name);
}

static MEMORY_BASIC_INFORMATION query(const void *p)
{
	MEMORY_BASIC_INFORMATION mbi;

	memset(&mbi, 0xcc, sizeof(mbi));
	if (VirtualQuery(p, &mbi, sizeof(mbi)) != sizeof(mbi))
		memset(&mbi, 0, sizeof(mbi));
	return mbi;
}

/* In a child: run @fn(@arg), exit with its TAP result; the parent checks it. */
static void in_child(void (*fn)(void *), void *arg, const char *what)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (!pid) {
		tap_failed = 0;
		fn(arg);
		_exit(tap_done() == 0 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s (child status %#x)", what,
	       status);
}



/* Item 31 and 32: which protections and SEC_ flags CreateFileMapping takes. */
static void test_create_rules(void)
{
	static const DWORD good[] = { PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY,
				      PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE,
				      PAGE_EXECUTE_WRITECOPY };
	static const DWORD bad[] = { 0, PAGE_NOACCESS, PAGE_EXECUTE,
				     PAGE_READONLY | PAGE_READWRITE, PAGE_READWRITE | PAGE_GUARD,
				     PAGE_READWRITE | PAGE_NOCACHE };
	unsigned int i;
	HANDLE h;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		h = pagefile_section(good[i], GRAN, NULL);
		tap_ok(h != NULL, "protection %#x is a section's (error %u)", good[i],
		       GetLastError());
		if (h)
			CloseHandle(h);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h = pagefile_section(bad[i], GRAN, NULL);
		fails_with(h != NULL, ERROR_INVALID_PARAMETER, "protection refused: E87");
		if (h)
			CloseHandle(h);
	}
	h = pagefile_section(PAGE_READWRITE | SEC_RESERVE | SEC_COMMIT, GRAN, NULL);
	fails_with(h != NULL, ERROR_INVALID_PARAMETER, "SEC_RESERVE|SEC_COMMIT: E87");
	h = pagefile_section(PAGE_READWRITE | SEC_NOCACHE, GRAN, NULL);
	fails_with(h != NULL, ERROR_INVALID_PARAMETER, "SEC_NOCACHE alone: E87");
	h = pagefile_section(PAGE_READWRITE | SEC_LARGE_PAGES, 2 << 20, NULL);
	fails_with(h != NULL, ERROR_INVALID_PARAMETER, "SEC_LARGE_PAGES alone: E87");
	h = pagefile_section(PAGE_READWRITE | SEC_LARGE_PAGES | SEC_RESERVE, 2 << 20, NULL);
	fails_with(h != NULL, ERROR_INVALID_PARAMETER, "SEC_LARGE_PAGES|SEC_RESERVE: E87");
	h = pagefile_section(PAGE_READWRITE | SEC_LARGE_PAGES | SEC_COMMIT, (2 << 20) + PAGE,
			     NULL);
	fails_with(h != NULL, ERROR_INVALID_PARAMETER,
		   "SEC_LARGE_PAGES of a size that is no multiple of 2 MiB: E87");
	h = pagefile_section(PAGE_READONLY | SEC_IMAGE, GRAN, NULL);
	fails_with(h != NULL, ERROR_CALL_NOT_IMPLEMENTED, "SEC_IMAGE: not built");
	h = pagefile_section(PAGE_READWRITE, 0, NULL);
	fails_with(h != NULL, ERROR_INVALID_PARAMETER, "a pagefile section of size 0: E87");
	h = CreateFileMappingA(NtmmHandleFromFd(1000), NULL, PAGE_READONLY, 0, 0, NULL);
	fails_with(h != NULL, ERROR_INVALID_HANDLE, "a handle that is no file: E6");
	h = pagefile_section(PAGE_READWRITE | SEC_COMMIT | SEC_NOCACHE, GRAN, NULL);
	tap_ok(h != NULL, "SEC_COMMIT|SEC_NOCACHE is taken");
	if (h) {
		char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
		MEMORY_BASIC_INFORMATION mbi = query(v);

		tap_eq(mbi.Protect, PAGE_READWRITE | PAGE_NOCACHE,
		       "and its view reports PAGE_NOCACHE (item 32)");
		tap_eq(mbi.AllocationProtect, PAGE_READWRITE | PAGE_NOCACHE,
		       "in AllocationProtect too");
		UnmapViewOfFile(v);
		CloseHandle(h);
	}
}

/* Item 34: what VirtualQuery says of a view; item 33's size rounding. */
static void test_query(void)
{
	HANDLE h = pagefile_section(PAGE_READWRITE, 3 * GRAN + 1, NULL);
	MEMORY_BASIC_INFORMATION mbi;
	char *w, *r;

	w = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	r = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
	tap_ok(w && r && w != r, "two views of one section");
	if (!w || !r)
		return;
	tap_eq((uintptr_t)w % GRAN, 0, "a view's base is 64 KiB aligned");
	mbi = query(w + 5 * PAGE + 7);
	tap_eq(mbi.AllocationBase, w, "AllocationBase is the view");
	tap_eq(mbi.BaseAddress, w + 5 * PAGE, "BaseAddress is the page");
	tap_eq(mbi.Type, MEM_MAPPED, "Type MEM_MAPPED");
	tap_eq(mbi.State, MEM_COMMIT, "SEC_COMMIT: MEM_COMMIT");
	tap_eq(mbi.Protect, PAGE_READWRITE, "FILE_MAP_WRITE: PAGE_READWRITE");
	tap_eq(mbi.AllocationProtect, PAGE_READWRITE, "AllocationProtect PAGE_READWRITE");
	tap_eq(mbi.RegionSize, 3 * GRAN + PAGE - 5 * PAGE,
	       "RegionSize runs to the view's end: the size rounds up to a page");
	mbi = query(r);
	tap_eq(mbi.Protect, PAGE_READONLY, "FILE_MAP_READ: PAGE_READONLY");
	strcpy(w + 100, "shared frames");
	tap_ok(!strcmp(r + 100, "shared frames"), "a write in one view is in the other");
	tap_ok(faults(r, PROBE_WRITE), "the read-only view refuses writes");
	tap_ok(!faults(r + 3 * GRAN, PROBE_READ), "the last page, past the size, reads");
	fails_with(VirtualFree(w, 0, MEM_RELEASE), ERROR_INVALID_PARAMETER,
		   "VirtualFree of a view: E87 (item 15)");
	fails_with(VirtualFree(w, PAGE, MEM_DECOMMIT), ERROR_INVALID_PARAMETER,
		   "decommit in a view: E87");
	tap_ok(UnmapViewOfFile(w + 100), "UnmapViewOfFile at view+100 (item 37)");
	mbi = query(w);
	tap_eq(mbi.State, MEM_FREE, "the whole view is gone: MEM_FREE");
	tap_ok(UnmapViewOfFile(r + PAGE), "UnmapViewOfFile at view+4096");
	fails_with(UnmapViewOfFile(r), ERROR_INVALID_ADDRESS, "unmapping it again: E487");
	CloseHandle(h);
}

/* Item 34's SEC_RESERVE: commit in one view shows in every view. */
static void test_reserve(void)
{
	HANDLE h = pagefile_section(PAGE_READWRITE | SEC_RESERVE, 4 * GRAN, NULL);
	MEMORY_BASIC_INFORMATION mbi;
	long before = ntmm_debugfs("commit");
	char *a, *b;
	DWORD old;

	a = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	b = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	tap_ok(a && b, "two views of a SEC_RESERVE section");
	if (!a || !b)
		return;
	mbi = query(a);
	tap_eq(mbi.State, MEM_RESERVE, "SEC_RESERVE: MEM_RESERVE");
	tap_eq(mbi.Protect, 0, "with Protect 0");
	tap_eq(mbi.RegionSize, 4 * GRAN, "over the whole view");
	tap_ok(faults(a, PROBE_READ), "a reserved page of a view faults");
	fails_with(VirtualProtect(a, PAGE, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS,
		   "VirtualProtect of reserved pages: E487");
	tap_ok(VirtualAlloc(a + GRAN, 2 * PAGE, MEM_COMMIT, PAGE_READWRITE) == a + GRAN,
	       "MEM_COMMIT inside a view commits the section's pages");
	tap_eq(ntmm_debugfs("commit") - before, 2, "two pages charged");
	mbi = query(b + GRAN);
	tap_eq(mbi.State, MEM_COMMIT, "the other view shows them committed");
	tap_eq(mbi.Protect, PAGE_READWRITE, "with its own protection");
	tap_eq(mbi.RegionSize, 2 * PAGE, "two pages of them");
	mbi = query(b + GRAN + 2 * PAGE);
	tap_eq(mbi.State, MEM_RESERVE, "and reserved after them");
	a[GRAN + 1] = 42;
	tap_eq(b[GRAN + 1], 42, "the committed page is shared");
	tap_ok(VirtualAlloc(b + GRAN, 2 * PAGE, MEM_COMMIT, PAGE_READWRITE) == b + GRAN,
	       "committing them again in the other view");
	tap_eq(ntmm_debugfs("commit") - before, 2, "charges nothing more");
	UnmapViewOfFile(a);
	UnmapViewOfFile(b);
	CloseHandle(h);
	tap_eq(ntmm_debugfs("commit"), before, "the section's charge goes with it");
}

/* Items 35 and 36. */
static void test_view_rules(void)
{
	HANDLE ro = pagefile_section(PAGE_READONLY, GRAN, "section_test read-only");
	HANDLE cow = pagefile_section(PAGE_WRITECOPY, GRAN, NULL);
	HANDLE rw = pagefile_section(PAGE_READWRITE, 2 * GRAN, "section_test rules");
	HANDLE rd;
	void *v;

	v = MapViewOfFile(ro, FILE_MAP_WRITE, 0, 0, 0);
	fails_with(v != NULL, ERROR_ACCESS_DENIED, "FILE_MAP_WRITE of a read-only section: E5");
	v = MapViewOfFile(cow, FILE_MAP_WRITE, 0, 0, 0);
	fails_with(v != NULL, ERROR_ACCESS_DENIED, "FILE_MAP_WRITE of a copy-on-write one: E5");
	v = MapViewOfFile(ro, FILE_MAP_COPY, 0, 0, 0);
	tap_ok(v != NULL, "FILE_MAP_COPY of a read-only section");
	if (v)
		UnmapViewOfFile(v);
	v = MapViewOfFile(ro, FILE_MAP_READ | FILE_MAP_EXECUTE, 0, 0, 0);
	fails_with(v != NULL, ERROR_ACCESS_DENIED, "FILE_MAP_EXECUTE of a section that does not execute: E5");
	rd = OpenFileMappingA(FILE_MAP_READ, FALSE, "section_test rules");
	tap_ok(rd != NULL, "OpenFileMapping for reading");
	v = MapViewOfFile(rd, FILE_MAP_WRITE, 0, 0, 0);
	fails_with(v != NULL, ERROR_ACCESS_DENIED, "FILE_MAP_WRITE through it: E5");
	v = MapViewOfFile(rd, FILE_MAP_READ, 0, 0, 0);
	tap_ok(v != NULL, "FILE_MAP_READ through it");
	if (v)
		UnmapViewOfFile(v);
	CloseHandle(rd);
	rd = OpenFileMappingA(FILE_MAP_WRITE, FALSE, "section_test read-only");
	fails_with(rd != NULL, ERROR_ACCESS_DENIED,
		   "OpenFileMapping(FILE_MAP_WRITE) of a PAGE_READONLY name: E5");
	rd = OpenFileMappingA(FILE_MAP_READ | FILE_MAP_COPY, FALSE, "section_test read-only");
	tap_ok(rd != NULL, "OpenFileMapping(FILE_MAP_READ | FILE_MAP_COPY) of it");
	if (rd)
		CloseHandle(rd);
	v = MapViewOfFile(rw, FILE_MAP_WRITE, 0, 0, 2 * GRAN + 1);
	fails_with(v != NULL, ERROR_ACCESS_DENIED, "a view larger than the section: E5");
	v = MapViewOfFile(rw, FILE_MAP_WRITE, 0, 2 * GRAN, 0);
	fails_with(v != NULL, ERROR_ACCESS_DENIED, "a view at the section's end: E5");
	v = MapViewOfFile(rw, FILE_MAP_WRITE, 0, PAGE, 0);
	fails_with(v != NULL, ERROR_MAPPED_ALIGNMENT, "an offset off 64 KiB: E1132 (item 36)");
	v = MapViewOfFileEx(rw, FILE_MAP_WRITE, 0, 0, 0, (void *)(0x7e0000000000UL + PAGE));
	fails_with(v != NULL, ERROR_MAPPED_ALIGNMENT, "a base off 64 KiB: E1132");
	v = MapViewOfFile(rw, 0, 0, 0, 0);
	fails_with(v != NULL, ERROR_INVALID_PARAMETER, "no access at all: E87");
	v = MapViewOfFile(rw, FILE_MAP_WRITE, 0, GRAN, 0);
	tap_ok(v != NULL, "a view at offset 64 KiB");
	if (v) {
		tap_eq(query(v).RegionSize, GRAN, "covers the rest of the section");
		UnmapViewOfFile(v);
	}
	v = VirtualAlloc(NULL, GRAN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	fails_with(UnmapViewOfFile(v), ERROR_INVALID_ADDRESS,
		   "UnmapViewOfFile of VirtualAlloc memory: E487 (item 37)");
	VirtualFree(v, 0, MEM_RELEASE);
	fails_with(UnmapViewOfFile((void *)0x10000), ERROR_INVALID_ADDRESS,
		   "UnmapViewOfFile of nothing: E487");
	v = MapViewOfFile(NtmmHandleFromFd(0), FILE_MAP_READ, 0, 0, 0);
	fails_with(v != NULL, ERROR_INVALID_HANDLE, "a handle that is no section: E6");
	CloseHandle(ro);
	CloseHandle(cow);
	CloseHandle(rw);
}

/* A view at a fixed address, where a released allocation's region was. */
static void test_fixed(void)
{
	HANDLE h = pagefile_section(PAGE_READWRITE, GRAN, NULL);
	char *p = VirtualAlloc(NULL, 4 * GRAN, MEM_RESERVE, PAGE_NOACCESS), *v;

	tap_ok(p && VirtualFree(p, 0, MEM_RELEASE), "reserve and release 256 KiB");
	v = MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0, p + GRAN);
	tap_ok(v == p + GRAN, "MapViewOfFileEx maps where the allocation was (error %u)",
	       GetLastError());
	if (v) {
		v[0] = 1;
		tap_eq(query(p).State, MEM_FREE, "below it is free");
		UnmapViewOfFile(v);
	}
	p = VirtualAlloc(NULL, GRAN, MEM_RESERVE, PAGE_NOACCESS);
	v = MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0, p);
	fails_with(v != NULL, ERROR_INVALID_ADDRESS, "over an allocation: E487");
	VirtualFree(p, 0, MEM_RELEASE);
	CloseHandle(h);
}

/* Item 38: copy-on-write views. */
static void test_copy(void)
{
	HANDLE h = pagefile_section(PAGE_READWRITE, GRAN, NULL);
	char *w = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	char *c = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);
	MEMORY_BASIC_INFORMATION mbi;
	DWORD old;

	tap_ok(w && c, "a shared and a copy-on-write view");
	if (!w || !c)
		return;
	strcpy(w, "before");
	tap_ok(!strcmp(c, "before"), "the copy view sees the section until it writes");
	mbi = query(c);
	tap_eq(mbi.Protect, PAGE_WRITECOPY, "FILE_MAP_COPY: PAGE_WRITECOPY");
	tap_eq(mbi.AllocationProtect, PAGE_WRITECOPY, "AllocationProtect PAGE_WRITECOPY");
	strcpy(c + PAGE, "mine");
	tap_ok(w[PAGE] == 0, "its write stays private");
	mbi = query(c + PAGE);
	tap_eq(mbi.Protect, PAGE_READWRITE, "the written page: WRITECOPY became READWRITE");
	tap_eq(mbi.RegionSize, PAGE, "that page alone");
	tap_eq(query(c + 2 * PAGE).Protect, PAGE_WRITECOPY, "the next is still WRITECOPY");
	strcpy(w + PAGE, "theirs");
	tap_ok(!strcmp(c + PAGE, "mine"), "and the section's later writes do not reach it");
	fails_with(VirtualProtect(c, PAGE, PAGE_READONLY, &old), ERROR_CALL_NOT_IMPLEMENTED,
		   "VirtualProtect to read-only in a copy view: not built");
	tap_ok(VirtualProtect(c, PAGE, PAGE_WRITECOPY, &old) && old == PAGE_WRITECOPY,
	       "VirtualProtect to its own WRITECOPY");
	fails_with(VirtualProtect(w, PAGE, PAGE_WRITECOPY, &old), ERROR_INVALID_PARAMETER,
		   "WRITECOPY in a shared view: E87");
	UnmapViewOfFile(w);
	UnmapViewOfFile(c);
	CloseHandle(h);
}

/* VirtualProtect, guard pages, VirtualLock and QueryWorkingSetEx inside views. */
static void test_protect_lock(void)
{
	HANDLE h = pagefile_section(PAGE_READWRITE, GRAN, NULL);
	char *a = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	char *b = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	PSAPI_WORKING_SET_EX_INFORMATION ws[2];
	DWORD old;

	tap_ok(a && b, "two writable views");
	if (!a || !b)
		return;
	a[0] = 1;
	b[PAGE] = 2;
	tap_ok(VirtualProtect(a, PAGE, PAGE_READONLY, &old) && old == PAGE_READWRITE,
	       "VirtualProtect a page of one view read-only");
	tap_ok(faults(a, PROBE_WRITE), "it refuses writes there");
	tap_ok(!faults(b, PROBE_WRITE), "the other view still writes the same page");
	tap_eq(a[0], b[0], "and the first view reads what it wrote");
	tap_ok(VirtualProtect(a, PAGE, PAGE_NOACCESS, &old) && old == PAGE_READONLY,
	       "then PAGE_NOACCESS");
	tap_ok(faults(a, PROBE_READ), "no access there");
	tap_ok(VirtualProtect(a, PAGE, PAGE_READWRITE | PAGE_GUARD, &old), "then a guard page");
	tap_ok(faults(a, PROBE_READ) && !faults(a, PROBE_READ),
	       "its first touch faults once, the next goes through");
	fails_with(VirtualProtect(a, PAGE, PAGE_EXECUTE_READ, &old), ERROR_INVALID_PARAMETER,
		   "execution in a view mapped without it: E87");
	{
		char *d = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);

		tap_ok(d && VirtualProtect(d + 2 * PAGE, PAGE, PAGE_READONLY | PAGE_GUARD, &old),
		       "a fresh view's first change: a read-only guard page");
		tap_ok(d && faults(d + 2 * PAGE, PROBE_READ) && !faults(d + 2 * PAGE, PROBE_READ),
		       "its guard goes at the first touch");
		tap_ok(d && faults(d + 2 * PAGE, PROBE_WRITE), "and it stays read-only");
		tap_ok(d && !faults(d + 3 * PAGE, PROBE_WRITE), "its neighbour writes");
		UnmapViewOfFile(d);
	}
	tap_ok(VirtualLock(b, 2 * PAGE), "VirtualLock in a view");
	(void)*(volatile char *)(a + PAGE);	/* both views map that page now */
	ws[0].VirtualAddress = b;
	ws[1].VirtualAddress = a + PAGE;
	tap_ok(QueryWorkingSetEx(GetCurrentProcess(), ws, sizeof(ws)), "QueryWorkingSetEx");
	tap_ok(ws[0].VirtualAttributes.Valid && ws[0].VirtualAttributes.Locked &&
	       ws[0].VirtualAttributes.Shared, "the locked page: valid, locked, shared");
	tap_ok(ws[1].VirtualAttributes.Valid && ws[1].VirtualAttributes.ShareCount == 2,
	       "a page both views map: ShareCount 2 (got %u)",
	       (unsigned int)ws[1].VirtualAttributes.ShareCount);
	tap_ok(VirtualUnlock(b, 2 * PAGE), "VirtualUnlock");
	fails_with(VirtualUnlock(b, PAGE), ERROR_NOT_LOCKED, "again: E158");
	tap_ok(VirtualLock(b, PAGE), "lock a page again");
	UnmapViewOfFile(a);
	UnmapViewOfFile(b);	/* its lock ends with it */
	CloseHandle(h);
}

/* SEC_LARGE_PAGES: 2 MiB frames taken at once, shared by every view. */
#define LARGE	(2UL << 20)

static void unprivileged_large(void *arg)
{
	HANDLE h;

	(void)arg;
	tap_ok(drop_to_user(NULL, 0), "drop to uid %d", USER);
	h = pagefile_section(PAGE_READWRITE | SEC_COMMIT | SEC_LARGE_PAGES, LARGE, NULL);
	fails_with(h != NULL, ERROR_PRIVILEGE_NOT_HELD,
		   "SEC_LARGE_PAGES without the lock-memory privilege: E1314");
}

static void test_large(void)
{
	long commit = ntmm_debugfs("commit");
	HANDLE h = pagefile_section(PAGE_READWRITE | SEC_COMMIT | SEC_LARGE_PAGES, 2 * LARGE,
				    NULL);
	PSAPI_WORKING_SET_EX_INFORMATION ws;
	char *a, *b, *c;

	if (!h && GetLastError() == ERROR_NO_SYSTEM_RESOURCES) {
		tap_skip("a SEC_LARGE_PAGES section", "no 2 MiB of contiguous memory");
		return;
	}
	tap_ok(h != NULL, "a SEC_LARGE_PAGES section of 4 MiB (error %u)", GetLastError());
	if (!h)
		return;
	tap_eq(ntmm_debugfs("commit") - commit, 2 * LARGE / PAGE, "charged whole at once");
	a = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	b = MapViewOfFile(h, FILE_MAP_READ, 0, LARGE, LARGE);
	tap_ok(a && b && !((uintptr_t)a % LARGE) && !((uintptr_t)b % LARGE),
	       "views at 2 MiB boundaries");
	if (a && b) {
		a[LARGE + 5] = 7;
		tap_eq(b[5], 7, "the views share the large frames");
		tap_ok(faults(b, PROBE_WRITE), "the read view refuses writes");
		tap_eq(query(a).Type, MEM_MAPPED, "MEM_MAPPED");
		tap_eq(query(a).RegionSize, 2 * LARGE, "the whole view");
		ws.VirtualAddress = b;
		tap_ok(QueryWorkingSetEx(GetCurrentProcess(), &ws, sizeof(ws)) &&
		       ws.VirtualAttributes.Valid && ws.VirtualAttributes.LargePage,
		       "QueryWorkingSetEx: valid, LargePage");
		tap_ok(VirtualLock(a, PAGE) && VirtualUnlock(a, PAGE), "VirtualLock of a large page");
	}
	c = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0x10000, LARGE);
	fails_with(c != NULL, ERROR_MAPPED_ALIGNMENT, "an offset off 2 MiB: E1132");
	c = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);
	fails_with(c != NULL, ERROR_CALL_NOT_IMPLEMENTED, "a copy view of large pages: not built");
	UnmapViewOfFile(a);
	UnmapViewOfFile(b);
	CloseHandle(h);
	tap_eq(ntmm_debugfs("commit"), commit, "its charge goes with it");
	in_child(unprivileged_large, NULL, "an unprivileged user gets no large pages");
}

/* Item 40: placeholders, split, joined, replaced and given back. */
static void test_placeholders(void)
{
	HANDLE h = pagefile_section(PAGE_READWRITE, GRAN, NULL);
	MEMORY_BASIC_INFORMATION mbi;
	char *p, *v1, *v2, *a;

	p = VirtualAlloc2(NULL, NULL, 4 * GRAN, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER,
			  PAGE_NOACCESS, NULL, 0);
	tap_ok(p != NULL, "a placeholder of 256 KiB (error %u)", GetLastError());
	if (!p)
		return;
	mbi = query(p);
	tap_ok(mbi.State == MEM_RESERVE && mbi.Type == MEM_PRIVATE && mbi.RegionSize == 4 * GRAN,
	       "it queries as a reservation");
	fails_with(VirtualAlloc2(NULL, NULL, GRAN, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER,
				 PAGE_READWRITE, NULL, 0) != NULL, ERROR_INVALID_PARAMETER,
		   "a placeholder that is not PAGE_NOACCESS: E87");
	fails_with(VirtualAlloc(p, PAGE, MEM_COMMIT, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_ADDRESS, "nothing commits in a placeholder: E487");
	tap_ok(VirtualFree(p, GRAN, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER),
	       "split off its first 64 KiB (error %u)", GetLastError());
	tap_eq(query(p).RegionSize, GRAN, "two placeholders now");
	tap_ok(VirtualFree(p + 2 * GRAN, GRAN, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER),
	       "split one off the middle of the rest");
	tap_eq(query(p + GRAN).RegionSize, GRAN, "the piece before it");
	fails_with(VirtualFree(p, 2 * GRAN, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER),
		   ERROR_INVALID_ADDRESS, "a split across two placeholders: E487");
	v1 = MapViewOfFile3(h, GetCurrentProcess(), p, 0, GRAN, MEM_REPLACE_PLACEHOLDER,
			    PAGE_READWRITE, NULL, 0);
	v2 = MapViewOfFile3(h, NULL, p + GRAN, 0, GRAN, MEM_REPLACE_PLACEHOLDER,
			    PAGE_READWRITE, NULL, 0);
	tap_ok(v1 == p && v2 == p + GRAN, "two views replace the first two placeholders (%u)",
	       GetLastError());
	if (v1 == p && v2 == p + GRAN) {
		v1[10] = 'x';
		tap_eq(v2[10], 'x', "back to back, one section");
		tap_eq(query(v2).Type, MEM_MAPPED, "the second is a view");
	}
	fails_with(MapViewOfFile3(h, NULL, p + 2 * GRAN, 0, GRAN / 2, MEM_REPLACE_PLACEHOLDER,
				  PAGE_READWRITE, NULL, 0) != NULL, ERROR_INVALID_ADDRESS,
		   "a view smaller than the placeholder: E487");
	a = VirtualAlloc2(NULL, p + 2 * GRAN, GRAN, MEM_RESERVE | MEM_COMMIT |
			  MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0);
	tap_ok(a == p + 2 * GRAN, "an allocation replaces the third (error %u)", GetLastError());
	if (a) {
		a[0] = 1;
		tap_ok(VirtualFree(a, GRAN, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER),
		       "and gives it back");
		mbi = query(a);
		tap_ok(mbi.State == MEM_RESERVE && mbi.RegionSize == GRAN,
		       "a placeholder again");
	}
	tap_ok(UnmapViewOfFile2(GetCurrentProcess(), v2, MEM_PRESERVE_PLACEHOLDER),
	       "UnmapViewOfFile2 keeps the second view's placeholder (error %u)", GetLastError());
	mbi = query(v2);
	tap_ok(mbi.State == MEM_RESERVE && mbi.Type == MEM_PRIVATE && mbi.RegionSize == GRAN,
	       "a placeholder again");
	tap_ok(VirtualFree(p + GRAN, 3 * GRAN, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS),
	       "join the last three (error %u)", GetLastError());
	tap_eq(query(p + GRAN).RegionSize, 3 * GRAN, "one placeholder of 192 KiB");
	fails_with(VirtualFree(p + GRAN, 2 * GRAN, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS),
		   ERROR_INVALID_ADDRESS, "joining part of one: E487");
	UnmapViewOfFile(v1);
	tap_eq(query(p).State, MEM_FREE, "a plain unmap frees the view's range");
	tap_ok(VirtualFree(p + GRAN, 0, MEM_RELEASE), "a placeholder is released as any reservation");
	tap_eq(query(p + GRAN).State, MEM_FREE, "and is gone");
	CloseHandle(h);
}

/* Item 33: names. */
static void test_names(void)
{
	HANDLE h1, h2, h3, o;
	char *v1, *v2;

	SetLastError(1234);
	h1 = pagefile_section(PAGE_READWRITE, GRAN, "section_test name");
	tap_ok(h1 && GetLastError() == 0, "first create: last error 0 (%u)", GetLastError());
	h2 = pagefile_section(PAGE_READWRITE, 2 * GRAN, "section_test name");
	tap_ok(h2 && h2 != h1 && GetLastError() == ERROR_ALREADY_EXISTS,
	       "second create: a handle, E183 (%u)", GetLastError());
	h3 = pagefile_section(PAGE_READWRITE, GRAN, "Local\\section_test name");
	tap_ok(h3 && GetLastError() == ERROR_ALREADY_EXISTS, "Local\\ is the same namespace");
	v1 = MapViewOfFile(h1, FILE_MAP_WRITE, 0, 0, 0);
	v2 = MapViewOfFile(h2, FILE_MAP_WRITE, 0, 0, 0);
	tap_ok(v1 && v2, "views through both handles");
	if (v1 && v2) {
		strcpy(v1, "one section");
		tap_ok(!strcmp(v2, "one section"), "they are one section");
		tap_eq(query(v2).RegionSize, GRAN, "the first create's size");
	}
	o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, "section_test Name");
	fails_with(o != NULL, ERROR_FILE_NOT_FOUND, "names are case-sensitive: E2");
	o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, "section_test missing");
	fails_with(o != NULL, ERROR_FILE_NOT_FOUND, "OpenFileMapping of a missing name: E2");
	o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, NULL);
	fails_with(o != NULL, ERROR_INVALID_PARAMETER, "OpenFileMapping without a name: E87");
	o = OpenFileMappingW(FILE_MAP_READ, FALSE, (const WCHAR[]){ 's', 'e', 'c', 't', 'i', 'o',
		'n', '_', 't', 'e', 's', 't', ' ', 'n', 'a', 'm', 'e', 0 });
	tap_ok(o != NULL, "OpenFileMappingW finds it");
	CloseHandle(o);
	o = pagefile_section(PAGE_READWRITE, GRAN, "Session\\1\\x");
	fails_with(o != NULL, ERROR_INVALID_NAME, "a name with a backslash: E123");
	CloseHandle(h1);
	CloseHandle(h2);
	CloseHandle(h3);
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, "section_test name");
	fails_with(o != NULL, ERROR_FILE_NOT_FOUND,
		   "the name goes with the last handle, views or not: E2");
	if (v1 && v2)
		tap_ok(!strcmp(v2, "one section"), "the views keep the section");
	UnmapViewOfFile(v1);
	UnmapViewOfFile(v2);
}

/* Does /proc/self/maps name the mapping at @p @name? */
static BOOL maps_says(const void *p, const char *name)
{
	unsigned long start, end;
	char line[512];
	BOOL found = FALSE;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%lx-%lx", &start, &end) == 2 && start == (unsigned long)p &&
			strstr(line, name);
	if (f)
		fclose(f);
	return found;
}

/* A handle is a descriptor: close-on-exec unless inherited. */
static void test_handles(void)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
	HANDLE a = pagefile_section(PAGE_READWRITE, GRAN, NULL);
	HANDLE b = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, GRAN, NULL);
	HANDLE ro = NULL, same = NULL;
	char link[64] = "", fd[32];
	void *v;

	snprintf(fd, sizeof(fd), "/proc/self/fd/%d", NtmmFdFromHandle(a));
	tap_ok(readlink(fd, link, sizeof(link) - 1) > 0 &&
	       !strcmp(link, "anon_inode:[ntmm-section]"), "a handle is an anon_inode:[ntmm-section]");
	tap_ok(fcntl(NtmmFdFromHandle(a), F_GETFD) & FD_CLOEXEC, "a handle is close-on-exec");
	tap_ok(!(fcntl(NtmmFdFromHandle(b), F_GETFD) & FD_CLOEXEC),
	       "an inherited one is not");
	tap_ok(DuplicateHandle(GetCurrentProcess(), a, GetCurrentProcess(), &ro, FILE_MAP_READ,
			       FALSE, 0), "DuplicateHandle with FILE_MAP_READ only");
	v = MapViewOfFile(ro, FILE_MAP_WRITE, 0, 0, 0);
	fails_with(v != NULL, ERROR_ACCESS_DENIED, "the duplicate cannot map for writing: E5");
	v = MapViewOfFile(a, FILE_MAP_WRITE, 0, 0, 0);
	tap_ok(v != NULL, "the source still can");
	tap_ok(v && maps_says(v, "/ntmm-section (deleted)"),
	       "/proc/self/maps names its view /ntmm-section (deleted)");
	UnmapViewOfFile(v);
	fails_with(DuplicateHandle(GetCurrentProcess(), ro, GetCurrentProcess(), &same,
				   FILE_MAP_ALL_ACCESS, FALSE, 0), ERROR_ACCESS_DENIED,
		   "a duplicate gains no rights: E5");
	tap_ok(DuplicateHandle(GetCurrentProcess(), a, GetCurrentProcess(), &same, 0, FALSE,
			       DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
	       "DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE");
	v = MapViewOfFile(same, FILE_MAP_WRITE, 0, 0, 0);
	tap_ok(v != NULL, "the duplicate has the source's rights");
	UnmapViewOfFile(v);
	fails_with(CloseHandle(a), ERROR_INVALID_HANDLE, "and the source is closed: E6");
	CloseHandle(ro);
	CloseHandle(same);
	CloseHandle(b);
}

/* A file's section shares the page cache with read() and write(). */
static void test_file(void)
{
	int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600), rfd;
	char buf[32] = { 0 }, *v, *c;
	HANDLE h, cow, empty;

	tap_ok(fd >= 0 && pwrite(fd, "from write()", 12, 0) == 12, "a file with data");
	empty = CreateFileMappingA(NtmmHandleFromFd(fd), NULL, PAGE_READWRITE, 0, 0, NULL);
	tap_ok(empty != NULL, "CreateFileMapping of the file, its size");
	CloseHandle(empty);
	h = CreateFileMappingA(NtmmHandleFromFd(fd), NULL, PAGE_READWRITE, 0, 3 * GRAN, NULL);
	tap_ok(h != NULL, "a section larger than the file grows it (error %u)", GetLastError());
	tap_eq(lseek(fd, 0, SEEK_END), 3 * GRAN, "the file is 192 KiB now");
	v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	tap_ok(v && !memcmp(v, "from write()", 12), "the view reads the file's data");
	if (!v)
		return;
	memcpy(v + 2 * GRAN, "from the view", 13);
	tap_ok(pread(fd, buf, 13, 2 * GRAN) == 13 && !memcmp(buf, "from the view", 13),
	       "read() sees the view's write at once");
	tap_ok(pwrite(fd, "again", 5, 2 * GRAN) == 5 && !memcmp(v + 2 * GRAN, "again", 5),
	       "the view sees write() at once");
	tap_ok(FlushViewOfFile(v, 0), "FlushViewOfFile");
	fails_with(FlushViewOfFile(v + 4 * GRAN, 1), ERROR_INVALID_ADDRESS,
		   "FlushViewOfFile past the view: E487");
	cow = CreateFileMappingA(NtmmHandleFromFd(fd), NULL, PAGE_WRITECOPY, 0, 0, NULL);
	c = cow ? MapViewOfFile(cow, FILE_MAP_COPY, 0, 0, 0) : NULL;
	tap_ok(c != NULL, "a PAGE_WRITECOPY section of the file, and a copy view");
	if (c) {
		memcpy(c, "private", 7);
		tap_ok(pread(fd, buf, 12, 0) == 12 && !memcmp(buf, "from write()", 12),
		       "its writes never reach the file (item 38)");
		UnmapViewOfFile(c);
	}
	CloseHandle(cow);
	tap_ok(UnmapViewOfFile(v), "unmap the view");
	CloseHandle(h);
	tap_ok(pread(fd, buf, 5, 2 * GRAN) == 5 && !memcmp(buf, "again", 5),
	       "the file keeps what the view wrote");
	close(fd);

	rfd = open(FILE_PATH, O_RDONLY);
	h = CreateFileMappingA(NtmmHandleFromFd(rfd), NULL, PAGE_READWRITE, 0, 0, NULL);
	fails_with(h != NULL, ERROR_ACCESS_DENIED,
		   "PAGE_READWRITE of a file opened for reading: E5");
	h = CreateFileMappingA(NtmmHandleFromFd(rfd), NULL, PAGE_READONLY, 0, 4 * GRAN, NULL);
	fails_with(h != NULL, ERROR_NOT_ENOUGH_MEMORY,
		   "a read-only section larger than the file: E8");
	h = CreateFileMappingA(NtmmHandleFromFd(rfd), NULL, PAGE_READONLY, 0, 0, NULL);
	tap_ok(h != NULL, "PAGE_READONLY of it");
	CloseHandle(h);
	close(rfd);
	fd = open(FILE_PATH, O_RDWR | O_TRUNC);
	h = CreateFileMappingA(NtmmHandleFromFd(fd), NULL, PAGE_READWRITE, 0, 0, NULL);
	fails_with(h != NULL, ERROR_FILE_INVALID, "an empty file, size 0: E1006");
	close(fd);
	unlink(FILE_PATH);
}

/*
 * On a disk (the reach VM's ext4): what a view wrote reaches the disk with
 * FlushViewOfFile, read back past the page cache with O_DIRECT after the
 * cache was dropped.
 */
static void test_file_disk(void)
{
	const char *path = "/mnt/section_test.dat";
	char *v, *buf = NULL;
	int fd, dfd, drop;
	HANDLE h;

	if (!have_disk()) {
		tap_skip("a view's writes reach the disk", "no disk (vm-run --disk)");
		return;
	}
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	h = fd >= 0 ? CreateFileMappingA(NtmmHandleFromFd(fd), NULL, PAGE_READWRITE, 0, GRAN,
					 NULL) : NULL;
	v = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	if (!tap_ok(v != NULL, "a view of a file on ext4 (error %u)", GetLastError()))
		return;
	memset(v, 'd', GRAN);
	tap_ok(FlushViewOfFile(v, 0), "FlushViewOfFile writes it back");
	UnmapViewOfFile(v);
	CloseHandle(h);
	close(fd);
	drop = open("/proc/sys/vm/drop_caches", O_WRONLY);
	tap_ok(drop >= 0 && write(drop, "3", 1) == 1, "drop the page cache");
	if (drop >= 0)
		close(drop);
	dfd = open(path, O_RDONLY | O_DIRECT);
	if (posix_memalign((void **)&buf, PAGE, GRAN))
		buf = NULL;
	tap_ok(dfd >= 0 && buf && pread(dfd, buf, GRAN, 0) == (ssize_t)GRAN &&
	       buf[0] == 'd' && buf[GRAN - 1] == 'd', "O_DIRECT reads the view's bytes from disk");
	free(buf);
	if (dfd >= 0)
		close(dfd);
	unlink(path);
}

/* Processes sharing a named section, checked word by word. */
#define WRITERS		8
#define WORDS		(GRAN / sizeof(uint64_t) / WRITERS)

static void writer(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	HANDLE h = OpenFileMappingA(FILE_MAP_WRITE, FALSE, "section_test shared");
	volatile uint64_t *v = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	unsigned long i, round;

	if (!tap_ok(v != NULL, "writer %lu maps the section (error %u)", (unsigned long)id,
		    GetLastError()))
		return;
	for (round = 1; round <= 64; round++) {
		for (i = 0; i < WORDS; i++)
			v[id * WORDS + i] = id << 32 | round << 16 | i;
		__atomic_add_fetch(&v[GRAN / sizeof(uint64_t)], 1, __ATOMIC_SEQ_CST);
	}
}

static void test_processes(unsigned int n)
{
	HANDLE h = pagefile_section(PAGE_READWRITE, 2 * GRAN, "section_test shared");
	uint64_t *v = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
	unsigned long id, i, bad = 0;
	int status, ok = 1;
	pid_t pids[WRITERS];

	fflush(stdout);
	for (id = 0; id < n; id++) {
		pids[id] = fork();
		if (!pids[id]) {
			tap_failed = 0;
			writer((void *)id);
			_exit(tap_failed ? 1 : 0);
		}
	}
	for (id = 0; id < n; id++) {
		waitpid(pids[id], &status, 0);
		ok &= WIFEXITED(status) && !WEXITSTATUS(status);
	}
	tap_ok(ok, "%u processes wrote the section at once", n);
	for (id = 0; id < n; id++)
		for (i = 0; i < WORDS; i++)
			bad += v[id * WORDS + i] != (id << 32 | 64UL << 16 | i);
	tap_eq(bad, 0, "every word is its writer's last");
	tap_eq(v[GRAN / sizeof(uint64_t)], 64UL * n, "and their atomic adds all landed");
	UnmapViewOfFile(v);
	CloseHandle(h);
}

/* A handle sent over a UNIX socket maps in the receiver. */
static void test_scm_rights(void)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, byte = 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int sv[2], status = 0, fd;
	HANDLE h;
	char *v;
	pid_t pid;

	tap_ok(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv), "a socket pair");
	fflush(stdout);
	pid = fork();
	if (!pid) {
		close(sv[0]);
		if (recvmsg(sv[1], &msg, 0) != 1 || !(cm = CMSG_FIRSTHDR(&msg)))
			_exit(2);
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
		v = MapViewOfFile(NtmmHandleFromFd(fd), FILE_MAP_WRITE, 0, 0, 0);
		if (!v)
			_exit(3);
		strcpy(v, "over the socket");
		_exit(0);
	}
	close(sv[1]);
	h = pagefile_section(PAGE_READWRITE, GRAN, NULL);
	v = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	fd = NtmmFdFromHandle(h);
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	tap_ok(sendmsg(sv[0], &msg, 0) == 1, "send the handle with SCM_RIGHTS");
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && !WEXITSTATUS(status), "the receiver maps it (status %#x)",
	       status);
	tap_ok(v && !strcmp(v, "over the socket"), "and its write is ours");
	close(sv[0]);
	UnmapViewOfFile(v);
	CloseHandle(h);
}

/* Another user: our Local\ name is not its; Global\ needs a privilege. */
static void other_user(void *arg)
{
	HANDLE h;

	(void)arg;
	tap_ok(drop_to_user(NULL, 0), "drop to uid %d", USER);
	h = OpenFileMappingA(FILE_MAP_READ, FALSE, "section_test root's");
	fails_with(h != NULL, ERROR_FILE_NOT_FOUND, "root's Local\\ name is not in its namespace");
	SetLastError(1234);
	h = pagefile_section(PAGE_READWRITE, GRAN, "section_test root's");
	tap_ok(h && GetLastError() == 0, "its create of the name makes a section of its own");
	CloseHandle(h);
	h = pagefile_section(PAGE_READWRITE, GRAN, "Global\\section_test user's");
	fails_with(h != NULL, ERROR_ACCESS_DENIED, "a Global\\ name without privilege: E5");
	h = OpenFileMappingA(FILE_MAP_READ, FALSE, "Global\\section_test root's");
	fails_with(h != NULL, ERROR_ACCESS_DENIED, "root's Global\\ section: E5");
	if (!tap_ok(!unshare(CLONE_NEWUSER), "unshare(CLONE_NEWUSER)"))
		return;
	tap_ok(write_file("/proc/self/setgroups", "deny") &&
	       write_file("/proc/self/uid_map", "0 1000 1") &&
	       write_file("/proc/self/gid_map", "4343 1000 1"),
	       "become root of a namespace, with global_gid mapped onto our gid");
	h = pagefile_section(PAGE_READWRITE, GRAN, "Global\\section_test user's");
	fails_with(h != NULL, ERROR_ACCESS_DENIED, "the namespace's root and gid grant nothing");
	h = OpenFileMappingA(FILE_MAP_READ, FALSE, "section_test root's");
	fails_with(h != NULL, ERROR_FILE_NOT_FOUND, "nor root's Local\\ names");
}

static void global_member(void *arg)
{
	const gid_t groups[] = { GLOBAL_GID };
	HANDLE h;

	(void)arg;
	tap_ok(drop_to_user(groups, 1), "drop to uid %d in group %d", USER, GLOBAL_GID);
	h = pagefile_section(PAGE_READWRITE, GRAN, "Global\\section_test member's");
	tap_ok(h != NULL, "a member of global_gid makes a Global\\ name (error %u)",
	       GetLastError());
	CloseHandle(h);
	h = OpenFileMappingA(FILE_MAP_READ, FALSE, "Global\\section_test root's");
	tap_ok(h != NULL, "and opens root's");
	CloseHandle(h);
}

static void test_users(void)
{
	HANDLE local = pagefile_section(PAGE_READWRITE, GRAN, "section_test root's");
	HANDLE global = pagefile_section(PAGE_READWRITE, GRAN, "Global\\section_test root's");
	HANDLE o;

	tap_ok(local && global, "root makes a Local\\ and a Global\\ name");
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, "section_test root's");
	tap_ok(o != NULL, "and opens its own");
	CloseHandle(o);
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, "Global\\section_test root's");
	tap_ok(o != NULL, "in either namespace");
	CloseHandle(o);
	in_child(other_user, NULL, "another uid is kept out of both");
	tap_ok(write_file(GLOBAL_PARAM, "4343"), "global_gid set to %d", GLOBAL_GID);
	in_child(global_member, NULL, "a member of global_gid is let in");
	tap_ok(write_file(GLOBAL_PARAM, "-1"), "global_gid back to none");
	CloseHandle(local);
	CloseHandle(global);
}

/* kill -9 of processes holding handles and views: everything goes back. */
static void test_kill(void)
{
	long sections = ntmm_debugfs("sections"), commit = ntmm_debugfs("commit");
	int pipefd[2], status, i;
	pid_t pids[4];
	char c;

	tap_ok(!pipe(pipefd), "a pipe");
	fflush(stdout);
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			HANDLE h = pagefile_section(PAGE_READWRITE | (i & 1 ? SEC_RESERVE : 0),
						    16 * GRAN, "section_test doomed");
			char *v = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
			SIZE_T len = i & 1 ? 4 * GRAN : 16 * GRAN;

			/* Whichever child made the name decided SEC_RESERVE: commit what is written. */
			if (v && VirtualAlloc(v, len, MEM_COMMIT, PAGE_READWRITE))
				memset(v, i, len);
			if (write(pipefd[1], "x", 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++)
		tap_ok(read(pipefd[0], &c, 1) == 1, "process %d holds a view", i);
	tap_ok(ntmm_debugfs("sections") > sections, "their section is alive");
	for (i = 0; i < 4; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], &status, 0);
	}
	close(pipefd[0]);
	close(pipefd[1]);
	tap_eq(ntmm_debugfs("sections"), sections, "killed, their sections are gone");
	tap_eq(ntmm_debugfs("commit"), commit, "and their charge");
	fails_with(OpenFileMappingA(FILE_MAP_READ, FALSE, "section_test doomed") != NULL,
		   ERROR_FILE_NOT_FOUND, "and the name");
}

int main(void)
{
	long sections = ntmm_debugfs("sections"), commit = ntmm_debugfs("commit");

	test_create_rules();
	test_query();
	test_reserve();
	test_view_rules();
	test_fixed();
	test_copy();
	test_protect_lock();
	test_large();
	test_placeholders();
	test_names();
	test_handles();
	test_file();
	test_file_disk();
	test_processes(2);
	test_processes(WRITERS);
	test_scm_rights();
	test_users();
	test_kill();
	tap_eq(ntmm_debugfs("sections"), sections, "no section outlives its handles and views");
	tap_eq(ntmm_debugfs("commit"), commit, "nor its charge");
	return tap_done();
}
