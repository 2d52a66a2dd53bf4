// SPDX-License-Identifier: GPL-2.0
/*
 * MEM_LARGE_PAGES (item 26): the rules, 2 MiB frames allocated whole, each
 * mapped by one PMD entry at its first touch, protection on whole large pages
 * and the privilege. The failure when memory is too fragmented for a large page is
 * the KUnit suite ntmm_large's: it fragments memory from inside the kernel.
 */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>

#include "fails_with.h"
#include "linux_mm.h"
#include "probe.h"
#include "tap.h"
#include "ntmm_debugfs.h"

#define PAGE	0x1000UL
#define LARGE	0x200000UL
#define LP	(MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES)

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/*
 * Does the kernel map a large folio by PMD at a fault? 6.12 refuses to when
 * THP is "never"; 6.1 does not ask.
 */
static int expect_pmd(void)
{
	struct utsname u;
	char thp[128] = "";
	int major = 0, minor = 0;
	FILE *f;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f) {
		if (!fgets(thp, sizeof(thp), f))
			thp[0] = '\0';
		fclose(f);
	}
	return !(major > 6 || (major == 6 && minor >= 12)) || (thp[0] && !strstr(thp, "[never]"));
}

/* FilePmdMapped of the mapping holding @addr, in KiB (-1: none). */
static long pmd_mapped_kb(const void *addr)
{
	return smaps_field_kb(addr, "FilePmdMapped");
}

static void test_rules(void)
{
	tap_eq(GetLargePageMinimum(), LARGE, "GetLargePageMinimum() is 2 MiB");
	fails_with(VirtualAlloc(NULL, LARGE, MEM_RESERVE | MEM_LARGE_PAGES, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "26: reserve alone");
	fails_with(VirtualAlloc(NULL, LARGE, MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "26: commit alone");
	fails_with(VirtualAlloc(NULL, LARGE, LP | MEM_WRITE_WATCH, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "26: with MEM_WRITE_WATCH");
	fails_with(VirtualAlloc(NULL, LARGE, LP | MEM_RESET, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "26: with MEM_RESET");
	fails_with(VirtualAlloc(NULL, LARGE, LP | MEM_PHYSICAL, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "26: with MEM_PHYSICAL");
	fails_with(VirtualAlloc(NULL, LARGE + PAGE, LP, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "26: size not a multiple of 2 MiB");
	fails_with(VirtualAlloc((void *)(0x40000000UL + 0x10000), LARGE, LP, PAGE_READWRITE) != NULL,
		   ERROR_INVALID_PARAMETER, "26: address not a multiple of 2 MiB");
	fails_with(VirtualAlloc(NULL, LARGE, LP, PAGE_READWRITE | PAGE_GUARD) != NULL,
		   ERROR_INVALID_PARAMETER, "guard pages cannot be large");
}

static void test_large(void)
{
	long frames = ntmm_debugfs("frames"), commit = ntmm_debugfs("commit");
	PSAPI_WORKING_SET_EX_INFORMATION ws[2];
	MEMORY_BASIC_INFORMATION mbi;
	unsigned long i, bad = 0;
	long before, faults_taken;
	char *p;
	DWORD old;

	p = VirtualAlloc(NULL, 2 * LARGE, LP, PAGE_READWRITE);
	if (!tap_ok(p != NULL, "a 4 MiB large-page allocation (error %u)", GetLastError()))
		return;
	tap_ok(((unsigned long)p & (LARGE - 1)) == 0, "at a 2 MiB boundary (%p)", (void *)p);
	tap_eq(ntmm_debugfs("frames") - frames, 2 * LARGE / PAGE, "its frames are allocated whole, now");
	tap_eq(ntmm_debugfs("commit") - commit, 2 * LARGE / PAGE, "and charged as commit");
	tap_ok(VirtualQuery(p, &mbi, sizeof(mbi)) && mbi.State == MEM_COMMIT &&
	       mbi.Protect == PAGE_READWRITE && mbi.RegionSize == 2 * LARGE && mbi.Type == MEM_PRIVATE,
	       "VirtualQuery: one committed read-write region");
	ws[0].VirtualAddress = p + 5 * PAGE;
	ws[1].VirtualAddress = p + LARGE + PAGE;
	tap_ok(QueryWorkingSetEx(GetCurrentProcess(), ws, sizeof(ws)) &&
	       ws[0].VirtualAttributes.Valid && ws[0].VirtualAttributes.LargePage &&
	       ws[0].VirtualAttributes.Win32Protection == PAGE_READWRITE &&
	       ws[1].VirtualAttributes.Valid && ws[1].VirtualAttributes.LargePage,
	       "29: QueryWorkingSetEx: valid before any touch, LargePage 1");

	before = minor_faults();
	for (i = 0; i < 2 * LARGE; i += PAGE)
		bad += ((volatile char *)p)[i] != 0;
	for (i = 0; i < 2 * LARGE; i += PAGE)
		p[i] = (char)(i >> 12);
	faults_taken = minor_faults() - before;
	tap_eq(bad, 0, "large pages start zeroed");
	if (expect_pmd()) {
		tap_eq(faults_taken, 2, "touching 1024 pages of two large pages takes 2 faults");
		tap_eq(pmd_mapped_kb(p), 2 * LARGE / 1024, "each is mapped by one PMD entry");
	} else {
		tap_eq(pmd_mapped_kb(p), 0, "THP is off: no PMD entry maps them");
	}

	tap_ok(VirtualProtect(p + PAGE, PAGE, PAGE_READONLY, &old) && old == PAGE_READWRITE,
	       "VirtualProtect of one small page of a large page");
	tap_ok(VirtualQuery(p + LARGE - PAGE, &mbi, sizeof(mbi)) && mbi.Protect == PAGE_READONLY &&
	       mbi.BaseAddress == p + LARGE - PAGE && mbi.RegionSize == PAGE,
	       "... changes the whole large page");
	tap_ok(VirtualQuery(p, &mbi, sizeof(mbi)) && mbi.RegionSize == LARGE,
	       "VirtualQuery: the read-only large page is one region");
	tap_ok(faults(p + 7 * PAGE, PROBE_WRITE), "a write to it faults");
	tap_eq(p[7 * PAGE], 7, "its contents stayed");
	tap_ok(!faults(p + LARGE, PROBE_WRITE), "the other large page is still writable");
	tap_ok(faults(p, PROBE_EXEC), "read-only large pages are not executable");
	fails_with(VirtualProtect(p, PAGE, PAGE_READWRITE | PAGE_GUARD, &old),
		   ERROR_INVALID_PARAMETER, "no guard pages on large pages");
	tap_ok(VirtualProtect(p, LARGE, PAGE_READWRITE, &old) && old == PAGE_READONLY,
	       "back to read-write");
	tap_ok(!faults(p + 7 * PAGE, PROBE_WRITE), "and writable again");

	tap_ok(VirtualLock(p, LARGE), "VirtualLock of a large page");
	tap_ok(QueryWorkingSetEx(GetCurrentProcess(), ws, sizeof(ws[0])) &&
	       ws[0].VirtualAttributes.Locked, "29: Locked 1 after VirtualLock");
	fails_with(VirtualFree(p + LARGE, LARGE, MEM_DECOMMIT), ERROR_INVALID_PARAMETER,
		   "large pages are not decommitted, only released");
	tap_ok(VirtualAlloc(p, LARGE, MEM_RESET, PAGE_READWRITE) == p && p[3 * PAGE] == 3,
	       "MEM_RESET leaves large pages alone");
	tap_ok(VirtualFree(p, 0, MEM_RELEASE), "release");
	tap_eq(ntmm_debugfs("frames"), frames, "the frames went back");
	tap_eq(ntmm_debugfs("commit"), commit, "and the commit charge");
}

/* Drop CAP_IPC_LOCK from the effective set: SeLockMemoryPrivilege gone. */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_IPC_LOCK / 32].effective &= ~(1U << (CAP_IPC_LOCK % 32));
	return syscall(SYS_capset, &h, d);
}

static int set_large_page_gid(int gid)
{
	FILE *f = fopen("/sys/module/ntmm/parameters/large_page_gid", "w");
	int ok;

	if (!f)
		return 0;
	ok = fprintf(f, "%d\n", gid) > 0;
	return fclose(f) == 0 && ok;
}

static void test_privilege(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		void *p;

		if (drop_ipc_lock())
			_exit(10);
		p = VirtualAlloc(NULL, LARGE, LP, PAGE_READWRITE);
		if (p || GetLastError() != ERROR_PRIVILEGE_NOT_HELD)
			_exit(11);
		/* Membership of the large_page_gid group stands in for the privilege. */
		if (!set_large_page_gid((int)getgid()))
			_exit(12);
		p = VirtualAlloc(NULL, LARGE, LP, PAGE_READWRITE);
		set_large_page_gid(-1);
		_exit(p ? 0 : 13);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "26: without CAP_IPC_LOCK: E1314; in large_page_gid's group: allowed (child status %#x)",
	       status);
}

int main(void)
{
	test_rules();
	test_large();
	test_privilege();
	return tap_done();
}
