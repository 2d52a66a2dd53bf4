// SPDX-License-Identifier: GPL-2.0
/*
 * The page heap: with NTMM_HEAP_CREATE_PAGE_HEAP, or NTMM_PAGEHEAP=1 in the
 * environment for every heap (the process heap too), each block ends at a
 * page boundary before a PAGE_NOACCESS page and a freed block is
 * PAGE_NOACCESS, so a one-byte overrun and a use after free reach the
 * vectored handlers as STATUS_ACCESS_VIOLATION at the guilty address.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>

#include "fails_with.h"
#include "tap.h"

static sigjmp_buf back;
static volatile DWORD code;
static volatile ULONG_PTR where, access_kind;

static LONG NTAPI catcher(EXCEPTION_POINTERS *ep)
{
	code = ep->ExceptionRecord->ExceptionCode;
	access_kind = ep->ExceptionRecord->ExceptionInformation[0];
	where = ep->ExceptionRecord->ExceptionInformation[1];
	siglongjmp(back, 1);
}

/* Write @p[@i]; 1 if it faulted. */
static int faults_writing(char *p, SIZE_T i)
{
	code = 0;
	if (sigsetjmp(back, 1))
		return 1;
	((volatile char *)p)[i] = 1;
	return 0;
}

static int faults_reading(const char *p)
{
	code = 0;
	if (sigsetjmp(back, 1))
		return 1;
	(void)((const volatile char *)p)[0];
	return 0;
}

static void test_heap(HANDLE h, const char *what)
{
	MEMORY_BASIC_INFORMATION mbi;
	PROCESS_HEAP_ENTRY e = { 0 };
	char *p = HeapAlloc(h, HEAP_ZERO_MEMORY, 100), *q;
	int busy = 0;

	tap_ok(p && ((ULONG_PTR)(p + 100) & 0xfff) == 0, "%s: a 100-byte block ends at a page boundary", what);
	tap_ok(VirtualQuery(p + 100, &mbi, sizeof(mbi)) && mbi.Protect == PAGE_NOACCESS &&
	       mbi.State == MEM_COMMIT, "%s: the page after it is PAGE_NOACCESS", what);
	tap_ok(!faults_writing(p, 99) && HeapSize(h, 0, p) == 100, "%s: its last byte is writable", what);
	tap_ok(faults_writing(p, 100) && code == STATUS_ACCESS_VIOLATION &&
	       where == (ULONG_PTR)(p + 100) && access_kind == 1,
	       "%s: a one-byte overrun is STATUS_ACCESS_VIOLATION at the byte, a write", what);
	while (HeapWalk(h, &e))
		busy += (e.wFlags & PROCESS_HEAP_ENTRY_BUSY) && e.lpData == p && e.cbData == 100;
	tap_ok(busy == 1, "%s: HeapWalk shows the block", what);
	q = HeapReAlloc(h, 0, p, 5000);
	tap_ok(q && ((ULONG_PTR)(q + 5000) & 0xfff) == 0 && q[99] == 1, "%s: HeapReAlloc moves it, contents kept", what);
	tap_ok(faults_reading(p) && code == STATUS_ACCESS_VIOLATION && where == (ULONG_PTR)p,
	       "%s: the old block is freed: reading it is STATUS_ACCESS_VIOLATION", what);
	tap_ok(HeapFree(h, 0, q), "%s: HeapFree", what);
	tap_ok(faults_writing(q, 0) && code == STATUS_ACCESS_VIOLATION,
	       "%s: a write after free is STATUS_ACCESS_VIOLATION", what);
	fails_with(HeapFree(h, 0, q), ERROR_INVALID_PARAMETER, "a double free on the page heap");
	tap_eq(HeapSize(h, 0, q), (SIZE_T)-1, "HeapSize of a freed page-heap block");
}

int main(int argc, char **argv)
{
	HANDLE h;
	PVOID veh = AddVectoredExceptionHandler(1, catcher);
	int status;
	pid_t pid;

	if (argc > 1) {		/* re-executed with NTMM_PAGEHEAP=1 */
		test_heap(GetProcessHeap(), "NTMM_PAGEHEAP=1, the process heap");
		RemoveVectoredExceptionHandler(veh);
		return tap_done();
	}
	h = HeapCreate(NTMM_HEAP_CREATE_PAGE_HEAP, 0, 0);
	test_heap(h, "a page heap");
	HeapDestroy(h);
	RemoveVectoredExceptionHandler(veh);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *args[] = { argv[0], "child", NULL };

		setenv("NTMM_PAGEHEAP", "1", 1);
		execv("/proc/self/exe", args);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the NTMM_PAGEHEAP=1 run passed");
	return tap_done();
}
