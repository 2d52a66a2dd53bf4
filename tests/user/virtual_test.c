// SPDX-License-Identifier: GPL-2.0
/*
 * Private virtual memory through libntmm: VirtualAlloc, VirtualFree,
 * VirtualProtect, VirtualQuery and GlobalMemoryStatusEx against Windows'
 * behaviour (windows-semantics.md items 1-21 and 39, each with its error
 * code), page tables that enforce every page's protection, commit charge,
 * and what happens across fork, exit and SIGKILL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>

#include "fails_with.h"
#include "probe.h"
#include "tap.h"
#include "ntmm_debugfs.h"

#define PAGE 0x1000UL
#define GRAN 0x10000UL

static int query(const void *p, MEMORY_BASIC_INFORMATION *mbi)
{
	memset(mbi, 0xcc, sizeof(*mbi));
	return VirtualQuery(p, mbi, sizeof(*mbi)) == sizeof(*mbi);
}

/* The call failed with @err. */
static void test_reserve_commit(void)
{
	MEMORY_BASIC_INFORMATION mbi;
	char *p, *q;

	SetLastError(0);
	fails_with(VirtualAlloc(NULL, 0, MEM_RESERVE, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "1: reserve of size 0");

	p = VirtualAlloc(NULL, 0xFFFC, MEM_RESERVE, PAGE_NOACCESS);
	tap_ok(p && ((ULONG_PTR)p & (GRAN - 1)) == 0, "2/3: reservation is 64 KiB aligned (%p)", p);
	tap_ok(query(p, &mbi) && mbi.BaseAddress == p && mbi.AllocationBase == p &&
	       mbi.AllocationProtect == PAGE_NOACCESS && mbi.RegionSize == 0x10000 &&
	       mbi.State == MEM_RESERVE && mbi.Protect == 0 && mbi.Type == MEM_PRIVATE,
	       "2: query of a 0xFFFC reservation: base %p alloc %p aprot %#x size %#zx state %#x prot %#x type %#x",
	       mbi.BaseAddress, mbi.AllocationBase, mbi.AllocationProtect,
	       (size_t)mbi.RegionSize, mbi.State, mbi.Protect, mbi.Type);

	fails_with(VirtualAlloc(p + 0x2000, 0x1000, MEM_RESERVE, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_ADDRESS, "4: MEM_RESERVE inside an allocation");

	q = VirtualAlloc(p, 0x1000, MEM_COMMIT, PAGE_READWRITE);
	tap_ok(q == p, "5: commit 0x1000 at p returns p");
	tap_ok(query(p, &mbi) && mbi.RegionSize == 0x1000 && mbi.State == MEM_COMMIT &&
	       mbi.Protect == PAGE_READWRITE && mbi.AllocationProtect == PAGE_NOACCESS,
	       "5: query(p): 0x1000 committed read-write (size %#zx state %#x prot %#x)",
	       (size_t)mbi.RegionSize, mbi.State, mbi.Protect);
	tap_ok(query(p + 0x1000, &mbi) && mbi.RegionSize == 0xF000 && mbi.State == MEM_RESERVE &&
	       mbi.Protect == 0, "5: query(p+0x1000): 0xF000 reserved, protect 0");
	q = VirtualAlloc(p + 0x1234, 0x10, MEM_COMMIT, PAGE_READONLY);
	tap_ok(q == p + 0x1000, "3: a commit rounds down to its page (%p)", q);

	fails_with(VirtualAlloc(p + 0xF000, 0x2000, MEM_COMMIT, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_ADDRESS, "6: commit running past the allocation");
	tap_ok(VirtualFree(p, 0, MEM_RELEASE), "release");
	fails_with(VirtualAlloc(p, 0x1000, MEM_COMMIT, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_ADDRESS, "6: commit outside any reservation");
	q = VirtualAlloc(p + 0x1234, 0x1000, MEM_RESERVE, PAGE_READWRITE);
	tap_ok(q == p, "3: a freed address can be reserved again, rounded to 64 KiB (%p)", q);
	VirtualFree(q, 0, MEM_RELEASE);
}

/* Item 45: NOCACHE and WRITECOMBINE belong to the allocation, not to a page. */
static void test_caching_modifiers(void)
{
	char *p = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE | MEM_COMMIT,
			       PAGE_READWRITE | PAGE_NOCACHE);
	char *w = VirtualAlloc(NULL, 2 * PAGE, MEM_RESERVE, PAGE_READWRITE | PAGE_WRITECOMBINE);
	char *q = VirtualAlloc(NULL, 2 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	MEMORY_BASIC_INFORMATION mbi;
	DWORD old = 0;

	tap_ok(VirtualProtect(p + PAGE, PAGE, PAGE_READWRITE, &old) &&
	       old == (PAGE_READWRITE | PAGE_NOCACHE),
	       "45: VirtualProtect(RW) of NOCACHE memory: old protection RW|NOCACHE (%#x)", old);
	tap_ok(query(p, &mbi) && mbi.RegionSize == 4 * PAGE &&
	       mbi.Protect == (PAGE_READWRITE | PAGE_NOCACHE),
	       "45: the same protection does not split the region (size %#zx prot %#x)",
	       (size_t)mbi.RegionSize, mbi.Protect);
	tap_ok(VirtualProtect(p + PAGE, PAGE, PAGE_READONLY, &old) &&
	       old == (PAGE_READWRITE | PAGE_NOCACHE) && query(p + PAGE, &mbi) &&
	       mbi.Protect == (PAGE_READONLY | PAGE_NOCACHE) && mbi.RegionSize == PAGE,
	       "45: VirtualProtect(RO) keeps the modifier: RO|NOCACHE (prot %#x)", mbi.Protect);
	tap_ok(VirtualProtect(p + PAGE, PAGE, PAGE_READONLY, &old) &&
	       old == (PAGE_READONLY | PAGE_NOCACHE), "45: and reports it as old protection");
	tap_ok(VirtualProtect(p, PAGE, PAGE_NOACCESS, &old) && query(p, &mbi) &&
	       mbi.Protect == PAGE_NOACCESS, "NOACCESS takes no modifier (prot %#x)", mbi.Protect);
	tap_ok(VirtualAlloc(w, PAGE, MEM_COMMIT, PAGE_READONLY) == w && query(w, &mbi) &&
	       mbi.Protect == (PAGE_READONLY | PAGE_WRITECOMBINE),
	       "a commit in WRITECOMBINE memory takes the modifier (prot %#x)", mbi.Protect);
	tap_ok(VirtualProtect(q, PAGE, PAGE_READONLY | PAGE_NOCACHE, &old) && query(q, &mbi) &&
	       mbi.Protect == PAGE_READONLY && mbi.RegionSize == PAGE,
	       "45: RO|NOCACHE on memory allocated without it sets plain RO (prot %#x)",
	       mbi.Protect);
	tap_ok(VirtualProtect(q, PAGE, PAGE_READWRITE, &old) && old == PAGE_READONLY,
	       "45: and plain RO is what it reports after");
	VirtualFree(p, 0, MEM_RELEASE);
	VirtualFree(w, 0, MEM_RELEASE);
	VirtualFree(q, 0, MEM_RELEASE);
}

static void test_argument_rules(void)
{
	static const DWORD bad_protect[] = {
		0, 0x03, 0x06, 0x24, PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY,
		PAGE_READWRITE | PAGE_NOCACHE | PAGE_GUARD, 0x800 | PAGE_READWRITE,
		PAGE_NOACCESS | PAGE_NOCACHE,
	};
	MEMORY_BASIC_INFORMATION mbi;
	unsigned int i, ok = 1;
	char *p;

	for (i = 0; i < sizeof(bad_protect) / sizeof(bad_protect[0]); i++) {
		SetLastError(0);
		p = VirtualAlloc(NULL, PAGE, MEM_RESERVE | MEM_COMMIT, bad_protect[i]);
		if (p || GetLastError() != ERROR_INVALID_PARAMETER) {
			printf("# protect %#x: %p error %u\n", bad_protect[i], p, GetLastError());
			ok = 0;
		}
	}
	tap_ok(ok, "7/8: protect 0, several base values, WRITECOPY kinds, unknown bits: E87");
	fails_with(VirtualAlloc(NULL, PAGE, MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "7: MEM_WRITE_WATCH without MEM_RESERVE");
	fails_with(VirtualAlloc(NULL, PAGE, MEM_TOP_DOWN, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "7: type with none of COMMIT/RESERVE/RESET");
	fails_with(VirtualAlloc((void *)0x10000, PAGE, MEM_RESET | MEM_COMMIT, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "7: MEM_RESET with another flag");
	fails_with(VirtualAlloc(NULL, PAGE, MEM_RESERVE | 0x40000000, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "unknown type bit");

	p = VirtualAlloc(NULL, PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_NOCACHE);
	tap_ok(p && query(p, &mbi) && mbi.Protect == 0x204 && mbi.AllocationProtect == 0x204,
	       "9: READWRITE|NOCACHE shows 0x204 (prot %#x aprot %#x)", mbi.Protect,
	       mbi.AllocationProtect);
	VirtualFree(p, 0, MEM_RELEASE);
	test_caching_modifiers();

	p = VirtualAlloc(NULL, PAGE, MEM_RESERVE | MEM_COMMIT | MEM_TOP_DOWN, PAGE_READWRITE);
	tap_ok(p != NULL, "MEM_TOP_DOWN allocates (%p)", p);
	VirtualFree(p, 0, MEM_RELEASE);

	fails_with(VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE) != NULL,
		   ERROR_CALL_NOT_IMPLEMENTED, "AWE (MEM_PHYSICAL) is not offered");
	fails_with(VirtualAlloc((void *)0x7fffffff0000ULL, 0x20000, MEM_RESERVE, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "a range beyond the highest address");
	fails_with(VirtualAllocEx((HANDLE)(LONG_PTR)1234, NULL, PAGE, MEM_COMMIT, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_HANDLE, "a process handle that is not open: E6");
	fails_with(VirtualAllocEx(NULL, NULL, PAGE, MEM_COMMIT, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_HANDLE, "a NULL process handle");
	p = VirtualAllocEx(GetCurrentProcess(), NULL, PAGE, MEM_COMMIT, PAGE_READWRITE);
	tap_ok(p && VirtualFreeEx(GetCurrentProcess(), p, 0, MEM_RELEASE),
	       "VirtualAllocEx/VirtualFreeEx on GetCurrentProcess()");
}

static void test_free(void)
{
	MEMORY_BASIC_INFORMATION mbi;
	char *p = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);

	fails_with(VirtualFree(p, 0, 0), ERROR_INVALID_PARAMETER, "10: free type 0");
	fails_with(VirtualFree(p, 0, MEM_FREE), ERROR_INVALID_PARAMETER, "10: free type MEM_FREE");
	fails_with(VirtualFree(p, 0, MEM_DECOMMIT | MEM_RELEASE), ERROR_INVALID_PARAMETER,
		   "10: DECOMMIT|RELEASE");
	fails_with(VirtualFree(p, PAGE, MEM_RELEASE), ERROR_INVALID_PARAMETER,
		   "11: MEM_RELEASE with a size");
	fails_with(VirtualFree(p + PAGE, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS,
		   "12: MEM_RELEASE off the base page");

	memset(p, 0x5a, 4 * PAGE);
	tap_ok(VirtualFree(p + 0x1FFF, 2, MEM_DECOMMIT), "13: decommit 2 bytes at p+0x1FFF");
	tap_ok(query(p + PAGE, &mbi) && mbi.State == MEM_RESERVE && mbi.RegionSize == 2 * PAGE &&
	       mbi.Protect == 0, "13: two pages decommitted (size %#zx state %#x)",
	       (size_t)mbi.RegionSize, mbi.State);
	tap_ok(p[0] == 0x5a && p[3 * PAGE] == 0x5a, "13: the neighbours keep their contents");
	tap_ok(faults(p + PAGE, PROBE_READ), "13: a decommitted page faults");
	VirtualAlloc(p + PAGE, 2 * PAGE, MEM_COMMIT, PAGE_READWRITE);
	tap_ok(p[PAGE] == 0 && p[2 * PAGE + 17] == 0, "13: recommitted pages read as zero");
	fails_with(VirtualFree(p + 2 * PAGE, 4 * PAGE, MEM_DECOMMIT), ERROR_INVALID_PARAMETER,
		   "14: decommit running past the allocation");
	tap_ok(VirtualFree(p + 0xFFF, 0, MEM_RELEASE), "12: MEM_RELEASE inside the base page");
	tap_ok(query(p, &mbi) && mbi.State == MEM_FREE, "12: the whole allocation is free");
	fails_with(VirtualFree(p, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS,
		   "14: freeing an unallocated address");
}

static void test_query(void)
{
	MEMORY_BASIC_INFORMATION mbi;
	char *p = VirtualAlloc(NULL, 3 * GRAN, MEM_RESERVE, PAGE_READWRITE);
	char *third;
	DWORD old;

	VirtualFree(p, 0, MEM_RELEASE);
	third = VirtualAlloc(p + 2 * GRAN, GRAN, MEM_RESERVE, PAGE_READWRITE);
	tap_ok(third == p + 2 * GRAN, "reserve at a chosen free address");
	tap_ok(query(p + 0x123, &mbi) && mbi.State == MEM_FREE && mbi.Protect == PAGE_NOACCESS &&
	       mbi.AllocationBase == NULL && mbi.AllocationProtect == 0 && mbi.Type == 0 &&
	       mbi.BaseAddress == p && mbi.RegionSize == 2 * GRAN,
	       "16: free region: state %#x prot %#x base %p size %#zx", mbi.State, mbi.Protect,
	       mbi.BaseAddress, (size_t)mbi.RegionSize);
	VirtualFree(third, 0, MEM_RELEASE);

	p = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	VirtualProtect(p + PAGE, PAGE, PAGE_READONLY, &old);
	tap_ok(query(p, &mbi) && mbi.RegionSize == PAGE, "17: a protection change splits the run");
	tap_ok(query(p + PAGE, &mbi) && mbi.RegionSize == PAGE && mbi.Protect == PAGE_READONLY,
	       "17: the read-only page is its own run");
	VirtualProtect(p + PAGE, PAGE, PAGE_READWRITE, &old);
	tap_ok(query(p, &mbi) && mbi.RegionSize == 4 * PAGE, "17: restoring it coalesces again");
	SetLastError(0);
	tap_ok(VirtualQuery(p, &mbi, sizeof(mbi) - 1) == 0 && GetLastError() == ERROR_BAD_LENGTH,
	       "18: a short buffer: 0, E24");
	SetLastError(0);
	tap_ok(VirtualQuery(p, NULL, sizeof(mbi)) == 0 && GetLastError() == ERROR_NOACCESS,
	       "a NULL buffer: 0, E998, as the kernel's write would fault");
	SetLastError(0);
	tap_ok(VirtualQuery((void *)0x800000000000ULL, &mbi, sizeof(mbi)) == 0 &&
	       GetLastError() == ERROR_INVALID_PARAMETER, "query above the highest address: E87");
	tap_ok(query(&mbi, &mbi) && mbi.State == MEM_COMMIT && mbi.Protect == PAGE_READWRITE,
	       "the stack (Linux's mapping) shows as committed read-write, not free");
	VirtualFree(p, 0, MEM_RELEASE);
}

static void test_protect(void)
{
	char *p = VirtualAlloc(NULL, 2 * GRAN, MEM_RESERVE, PAGE_NOACCESS);
	DWORD old = 0xdead;

	VirtualAlloc(p, PAGE, MEM_COMMIT, PAGE_NOACCESS);
	fails_with(VirtualProtect(p + PAGE, PAGE, PAGE_READWRITE, &old), ERROR_INVALID_ADDRESS,
		   "19: protecting a reserved page");
	fails_with(VirtualProtect(p, 2 * PAGE, PAGE_READWRITE, &old), ERROR_INVALID_ADDRESS,
		   "19: protecting a partly committed range");
	tap_ok(VirtualProtect(p, PAGE, PAGE_READONLY, &old) && old == PAGE_NOACCESS,
	       "20: NOACCESS -> READONLY returns 0x01 (%#x)", old);
	tap_ok(VirtualProtect(p, PAGE, PAGE_READWRITE, &old) && old == PAGE_READONLY,
	       "20: READONLY -> READWRITE returns 0x02 (%#x)", old);
	fails_with(VirtualProtect(p, PAGE, PAGE_READONLY, NULL), ERROR_NOACCESS,
		   "21: NULL old-protection pointer");
	fails_with(VirtualProtect(p, PAGE, 0, &old), ERROR_INVALID_PARAMETER,
		   "21: new protection 0");
	fails_with(VirtualProtect(p, PAGE, PAGE_WRITECOPY, &old), ERROR_INVALID_PARAMETER,
		   "8: WRITECOPY on private memory");
	fails_with(VirtualProtect(p + 2 * GRAN, PAGE, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS,
		   "protecting free memory");
	VirtualFree(p, 0, MEM_RELEASE);
}

static void test_page_tables(void)
{
	char *p = VirtualAlloc(NULL, 8 * PAGE, MEM_RESERVE, PAGE_READWRITE);
	MEMORY_BASIC_INFORMATION mbi;
	DWORD old;
	int i, ok;

	tap_ok(faults(p, PROBE_READ), "a reserved page faults on read");
	VirtualAlloc(p, 8 * PAGE, MEM_COMMIT, PAGE_READWRITE);
	for (ok = 1, i = 0; i < 8 * (int)PAGE; i += 97)
		ok &= p[i] == 0;
	tap_ok(ok, "committed pages read as zero");
	tap_ok(!faults(p, PROBE_WRITE), "a read-write page takes a write");
	p[5] = 42;

	VirtualProtect(p, PAGE, PAGE_READONLY, &old);
	tap_ok(!faults(p, PROBE_READ) && p[5] == 42, "read-only: reads go through, contents kept");
	tap_ok(faults(p, PROBE_WRITE), "read-only: a write faults");
	VirtualProtect(p, PAGE, PAGE_NOACCESS, &old);
	tap_ok(faults(p, PROBE_READ), "no-access: a read faults");
	VirtualProtect(p, PAGE, PAGE_READWRITE, &old);
	tap_ok(p[5] == 42, "contents survive protection changes");

	/* Execution: a single `ret` instruction. */
	p[PAGE] = (char)0xC3;
	tap_ok(faults(p + PAGE, PROBE_EXEC), "read-write pages are NX: a call faults");
	VirtualProtect(p + PAGE, PAGE, PAGE_EXECUTE_READ, &old);
	tap_ok(!faults(p + PAGE, PROBE_EXEC), "execute-read: the call returns");
	tap_ok(faults(p + PAGE, PROBE_WRITE), "execute-read: a write faults");
	VirtualProtect(p + PAGE, PAGE, PAGE_EXECUTE_READWRITE, &old);
	tap_ok(!faults(p + PAGE, PROBE_WRITE) && !faults(p + PAGE, PROBE_EXEC),
	       "execute-read-write: write and call");

	/* A guard page raises once, then behaves as its base protection. */
	VirtualProtect(p + 2 * PAGE, PAGE, PAGE_READWRITE | PAGE_GUARD, &old);
	tap_ok(query(p + 2 * PAGE, &mbi) && mbi.Protect == 0x104, "22: guard page shows 0x104");
	tap_ok(faults(p + 2 * PAGE, PROBE_READ), "22: the first touch faults");
	tap_ok(probe_addr == p + 2 * PAGE, "22: at the page's address");
	tap_ok(query(p + 2 * PAGE, &mbi) && mbi.Protect == PAGE_READWRITE,
	       "22: the guard bit is cleared (%#x)", mbi.Protect);
	tap_ok(!faults(p + 2 * PAGE, PROBE_WRITE), "22: the next access goes through");
	VirtualFree(p, 0, MEM_RELEASE);
	tap_ok(faults(p, PROBE_READ), "released memory faults");
}

static void test_commit_charge(void)
{
	long commit0 = ntmm_debugfs("commit"), frames0 = ntmm_debugfs("frames");
	MEMORYSTATUSEX ms = { .dwLength = sizeof(ms) };
	ULONGLONG avail0;
	char *p;
	int i;

	tap_ok(GlobalMemoryStatusEx(&ms) && ms.ullTotalPageFile > 0 &&
	       ms.ullTotalPhys > 0 && ms.ullAvailPageFile <= ms.ullTotalPageFile,
	       "GlobalMemoryStatusEx: limit %llu MiB, RAM %llu MiB",
	       (unsigned long long)(ms.ullTotalPageFile >> 20),
	       (unsigned long long)(ms.ullTotalPhys >> 20));
	avail0 = ms.ullAvailPageFile;
	ms.dwLength = sizeof(ms) - 1;
	fails_with(GlobalMemoryStatusEx(&ms), ERROR_INVALID_PARAMETER, "a wrong dwLength");
	ms.dwLength = sizeof(ms);

	p = VirtualAlloc(NULL, 64 * GRAN, MEM_RESERVE, PAGE_READWRITE);
	tap_eq(ntmm_debugfs("commit"), commit0, "a reservation charges nothing");
	VirtualAlloc(p, 16 * PAGE, MEM_COMMIT, PAGE_READWRITE);
	tap_eq(ntmm_debugfs("commit"), commit0 + 16, "a commit charges its pages");
	GlobalMemoryStatusEx(&ms);
	tap_eq(avail0 - ms.ullAvailPageFile, 16 * PAGE, "and GlobalMemoryStatusEx shows it");
	VirtualAlloc(p, 32 * PAGE, MEM_COMMIT, PAGE_READWRITE);
	tap_eq(ntmm_debugfs("commit"), commit0 + 32, "recommitting charges only new pages");
	tap_eq(ntmm_debugfs("frames"), frames0, "no frame before a touch (demand zero)");
	for (i = 0; i < 3; i++)
		p[i * PAGE] = 1;
	tap_eq(ntmm_debugfs("frames"), frames0 + 3, "one frame per touched page");
	VirtualFree(p, 8 * PAGE, MEM_DECOMMIT);
	tap_eq(ntmm_debugfs("commit"), commit0 + 24, "decommit returns the charge");
	tap_eq(ntmm_debugfs("frames"), frames0, "and the frames");
	VirtualFree(p, 0, MEM_RELEASE);
	tap_eq(ntmm_debugfs("commit"), commit0, "release returns the rest");

	SetLastError(0);
	p = VirtualAlloc(NULL, 1ULL << 40, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	tap_ok(!p && GetLastError() == ERROR_COMMITMENT_LIMIT,
	       "39: committing 1 TiB: E1455 (error %u)", GetLastError());
	tap_eq(ntmm_debugfs("commit"), commit0, "39: and nothing was charged");
	p = VirtualAlloc(NULL, 1ULL << 40, MEM_RESERVE, PAGE_READWRITE);
	tap_ok(p != NULL, "reserving 1 TiB costs no commit");
	VirtualFree(p, 0, MEM_RELEASE);
	fails_with(VirtualAlloc(NULL, 1ULL << 47, MEM_RESERVE, PAGE_READWRITE) != NULL,
		   ERROR_NOT_ENOUGH_MEMORY, "39: reserving more than the address space");
}

/*
 * A page-state tree of 8192 runs, replaced in one store by the release:
 * the tree's deferred free of a subtree that big once faulted the kernel.
 */
static void test_many_runs(void)
{
	unsigned long i, pages = (64UL << 20) / PAGE;
	char *p = VirtualAlloc(NULL, 64UL << 20, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	int ok = p != NULL;

	for (i = 0; ok && i < pages; i += 2)
		ok = VirtualFree(p + i * PAGE, PAGE, MEM_DECOMMIT);
	tap_ok(ok, "64 MiB with every other page decommitted");
	tap_ok(p && VirtualFree(p, 0, MEM_RELEASE), "released in one call");
}

static void test_vma_rules(void)
{
	char *p = VirtualAlloc(NULL, 2 * GRAN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	MEMORY_BASIC_INFORMATION mbi;
	int fd;

	tap_ok(munmap(p + GRAN, GRAN) && errno == EINVAL, "a partial munmap is refused");
	tap_ok(mprotect(p, PAGE, PROT_READ) && errno == EACCES, "mprotect is refused");
	tap_ok(mremap(p, 2 * GRAN, 4 * GRAN, MREMAP_MAYMOVE) == MAP_FAILED,
	       "mremap is refused");
	fd = open("/dev/ntmm", O_RDWR);
	tap_ok(mmap(NULL, GRAN, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EINVAL,
	       "a plain mmap of /dev/ntmm is refused");
	close(fd);
	/* An allocation is part of a region; regions_test unmaps a whole one. */
	tap_ok(munmap(p, 2 * GRAN) && errno == EINVAL && query(p, &mbi) &&
	       mbi.State == MEM_COMMIT, "munmap of an allocation inside its region is refused");
	VirtualFree(p, 0, MEM_RELEASE);
}

static void test_lifecycle(void)
{
	long commit0 = ntmm_debugfs("commit"), frames0 = ntmm_debugfs("frames");
	char *p = VirtualAlloc(NULL, GRAN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	int status, up[2];
	pid_t pid;
	char c;

	p[0] = 7;
	pid = fork();
	if (pid == 0) {
		MEMORY_BASIC_INFORMATION mbi;

		/* Windows has no fork: the child gets none of it. */
		_exit(faults(p, PROBE_READ) && query(p, &mbi) && mbi.State == MEM_FREE ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "a forked child has none of the parent's ntmm memory");
	tap_ok(p[0] == 7, "the parent keeps it");
	VirtualFree(p, 0, MEM_RELEASE);

	if (pipe(up))
		return;
	pid = fork();
	if (pid == 0) {
		char *q = VirtualAlloc(NULL, 64 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);

		memset(q, 1, 64 * PAGE);
		if (write(up[1], "x", 1) != 1)
			_exit(2);
		pause();
		_exit(0);
	}
	if (read(up[0], &c, 1) != 1)
		return;
	tap_eq(ntmm_debugfs("commit"), commit0 + 64, "a child's commit is charged");
	tap_eq(ntmm_debugfs("frames"), frames0 + 64, "and its frames held");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	tap_eq(ntmm_debugfs("commit"), commit0, "SIGKILL returns the child's commit");
	tap_eq(ntmm_debugfs("frames"), frames0, "and its frames");
	close(up[0]);
	close(up[1]);

	pid = fork();
	if (pid == 0) {
		char *q = VirtualAlloc(NULL, 16 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);

		memset(q, 1, 16 * PAGE);
		execl("/bin/true", "true", (char *)NULL);
		_exit(3);
	}
	waitpid(pid, &status, 0);
	tap_ok(ntmm_debugfs("commit") == commit0 && ntmm_debugfs("frames") == frames0,
	       "exec returns everything too");
}

int main(void)
{
	test_reserve_commit();
	test_argument_rules();
	test_free();
	test_query();
	test_protect();
	test_page_tables();
	test_commit_charge();
	test_many_runs();
	test_vma_rules();
	test_lifecycle();
	return tap_done();
}
