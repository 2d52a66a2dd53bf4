// SPDX-License-Identifier: GPL-2.0
/*
 * Guard pages and access violations reaching vectored exception handlers as
 * Windows raises them (windows-semantics.md item 22): the code, the
 * address, read/write/execute, EXCEPTION_CONTINUE_EXECUTION, handler order
 * and removal, and death by SIGSEGV when no handler takes the fault.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>

#include "tap.h"

#define PAGE 0x1000UL

_Static_assert(sizeof(EXCEPTION_RECORD) == 152, "EXCEPTION_RECORD (x64)");
_Static_assert(offsetof(EXCEPTION_RECORD, ExceptionInformation) == 32, "ExceptionInformation");
_Static_assert(sizeof(CONTEXT) == 0x4d0, "CONTEXT (x64)");
_Static_assert(offsetof(CONTEXT, Rax) == 0x78, "CONTEXT.Rax");
_Static_assert(offsetof(CONTEXT, Rip) == 0xf8, "CONTEXT.Rip");
_Static_assert(offsetof(CONTEXT, FltSave) == 0x100, "CONTEXT.FltSave");

/* Written by handlers, which run inside signal delivery: volatile. */
static volatile EXCEPTION_RECORD seen;
static volatile int calls, order[4], norder;
static char *volatile fix_page;	/* a page the fixing handler makes read-write */

static LONG NTAPI record_and_fix(EXCEPTION_POINTERS *ep)
{
	DWORD old;

	memcpy((void *)&seen, ep->ExceptionRecord, sizeof(seen));
	calls++;
	order[norder++ & 3] = 1;
	if (ep->ExceptionRecord->ExceptionCode == STATUS_GUARD_PAGE_VIOLATION)
		return EXCEPTION_CONTINUE_EXECUTION;	/* the guard is gone: retry */
	if (fix_page && VirtualProtect(fix_page, PAGE, PAGE_EXECUTE_READWRITE, &old))
		return EXCEPTION_CONTINUE_EXECUTION;
	return EXCEPTION_CONTINUE_SEARCH;
}

static LONG NTAPI pass(EXCEPTION_POINTERS *ep)
{
	(void)ep;
	order[norder++ & 3] = 2;
	return EXCEPTION_CONTINUE_SEARCH;
}


/*
 * Faulting accesses must be volatile: a plain one may be moved before the
 * "calls = 0" that precedes it, and fault before the count is reset.
 */
static char rd(const char *p)
{
	return *(const volatile char *)p;
}

static void wr(char *p, char v)
{
	*(volatile char *)p = v;
}

static void test_guard(char *p)
{
	DWORD old;

	VirtualProtect(p, PAGE, PAGE_READWRITE | PAGE_GUARD, &old);
	calls = 0;
	rd(p + 10);
	tap_eq(calls, 1, "22: one exception for the first touch of a guard page");
	tap_eq(seen.ExceptionCode, STATUS_GUARD_PAGE_VIOLATION, "22: STATUS_GUARD_PAGE_VIOLATION");
	tap_eq(seen.ExceptionInformation[1], (ULONG_PTR)(p + 10), "22: [1] is the faulting address");
	tap_eq(seen.ExceptionInformation[0], 0, "22: [0] is 0 for a read");
	tap_eq(seen.NumberParameters, 2, "two parameters");
	rd(p + 11);
	tap_eq(calls, 1, "22: the next access is silent");
	VirtualProtect(p + PAGE, PAGE, PAGE_READWRITE | PAGE_GUARD, &old);
	wr(p + PAGE, 1);
	tap_ok(calls == 2 && seen.ExceptionInformation[0] == 1 && rd(p + PAGE) == 1,
	       "a write to a guard page: [0] is 1, and the write happens after CONTINUE_EXECUTION");
}

static void test_access_violations(char *p)
{
	DWORD old;

	calls = 0;
	VirtualProtect(p + 2 * PAGE, PAGE, PAGE_READONLY, &old);
	fix_page = p + 2 * PAGE;
	wr(p + 2 * PAGE + 5, 9);
	tap_eq(calls, 1, "a write to a read-only page raises once");
	tap_eq(seen.ExceptionCode, STATUS_ACCESS_VIOLATION, "STATUS_ACCESS_VIOLATION");
	tap_eq(seen.ExceptionInformation[0], 1, "[0] is 1 for a write");
	tap_eq(seen.ExceptionInformation[1], (ULONG_PTR)(p + 2 * PAGE + 5), "[1] is the address");
	tap_eq(p[2 * PAGE + 5], 9, "the handler fixed the protection and the write completed");

	/* Execution of an NX page: the CPU refuses it, the error code tells. */
	VirtualProtect(p + 2 * PAGE, PAGE, PAGE_READWRITE, &old);
	p[2 * PAGE] = (char)0xC3;	/* ret */
	calls = 0;
	((void (*)(void))(p + 2 * PAGE))();
	tap_eq(calls, 1, "a call into an NX page raises once");
	tap_eq(seen.ExceptionInformation[0], 8, "[0] is 8 for execution");
	tap_eq((ULONG_PTR)seen.ExceptionAddress, (ULONG_PTR)(p + 2 * PAGE),
	       "ExceptionAddress is the instruction");

	/* A reserved page: the handler cannot fix it, the next one runs. */
	fix_page = NULL;
}

static void test_order_and_removal(void)
{
	PVOID first, last;

	norder = 0;
	first = AddVectoredExceptionHandler(1, pass);
	tap_ok(first != NULL, "AddVectoredExceptionHandler(First) returns a handle");
	last = AddVectoredExceptionHandler(0, pass);
	tap_ok(RemoveVectoredExceptionHandler(last) != 0, "RemoveVectoredExceptionHandler");
	tap_eq(RemoveVectoredExceptionHandler(last), 0, "removing it again fails");
	tap_eq(RemoveVectoredExceptionHandler((PVOID)0x1234), 0, "removing a bogus handle fails");
	tap_ok(RemoveVectoredExceptionHandler(first) != 0, "removing the first one");
	SetLastError(0);
	tap_ok(!AddVectoredExceptionHandler(0, NULL) && GetLastError() == ERROR_INVALID_PARAMETER,
	       "a NULL handler is refused");
}

static void test_order_calls(char *p)
{
	PVOID first;
	DWORD old;

	norder = 0;
	first = AddVectoredExceptionHandler(1, pass);
	VirtualProtect(p + 3 * PAGE, PAGE, PAGE_READWRITE | PAGE_GUARD, &old);
	rd(p + 3 * PAGE);
	tap_ok(norder == 2 && order[0] == 2 && order[1] == 1,
	       "a handler added First runs before earlier ones, and CONTINUE_SEARCH passes on");
	RemoveVectoredExceptionHandler(first);
}

/* In a child: an access no handler takes. */
static int child_dies_of(int (*body)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(body());
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}

static int unhandled_av(void)
{
	char *q = VirtualAlloc(NULL, PAGE, MEM_RESERVE, PAGE_READWRITE);

	AddVectoredExceptionHandler(0, pass);
	q[0] = 1;
	return 0;
}

static int unhandled_guard(void)
{
	char *q = VirtualAlloc(NULL, PAGE, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);

	AddVectoredExceptionHandler(0, pass);
	(void)*(volatile char *)q;
	return 0;
}

static int no_handler_guard(void)
{
	char *q = VirtualAlloc(NULL, PAGE, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);

	(void)*(volatile char *)q;
	return 0;
}

int main(void)
{
	char *p = VirtualAlloc(NULL, 8 * PAGE, MEM_COMMIT, PAGE_READWRITE);
	PVOID h;

	test_order_and_removal();
	h = AddVectoredExceptionHandler(0, record_and_fix);
	test_guard(p);
	test_access_violations(p);
	test_order_calls(p);
	RemoveVectoredExceptionHandler(h);
	tap_eq(child_dies_of(unhandled_av), SIGSEGV,
	       "an access violation no handler takes kills the process with SIGSEGV");
	tap_eq(child_dies_of(unhandled_guard), SIGSEGV,
	       "so does an unhandled guard page violation");
	tap_eq(child_dies_of(no_handler_guard), SIGSEGV,
	       "and a guard page hit with no handler registered");
	VirtualFree(p, 0, MEM_RELEASE);
	return tap_done();
}
