// SPDX-License-Identifier: GPL-2.0
/*
 * Other processes: OpenProcess and its handles, the -Ex calls on another
 * process, ReadProcessMemory and WriteProcessMemory, MapViewOfFile2, and
 * who may (Linux's ptrace rule: another uid, a user namespace, Yama).
 * Every target is a child that serves reads and writes of its own memory
 * over a pipe, so that what a remote call did is seen by the target's own
 * next instruction.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <psapi.h>
#include <windows.h>

#include <libntmm.h>
#include <linux/ntmm.h>
#include "fails_with.h"
#include "ntmm_debugfs.h"
#include "seconds.h"
#include "tap.h"
#include "users.h"

#define PAGE	0x1000UL
#define GRAN	0x10000UL
#define YAMA	"/proc/sys/kernel/yama/ptrace_scope"

/* A target: a child serving requests on its memory. */
struct target {
	pid_t pid;
	int req;	/* requests to it */
	int ans;	/* its answers */
};

/* A request: read or write a byte, or exit. */
struct request {
	char op;	/* 'r', 'w', 'q' */
	char value;
	char *address;
};

/* An answer: the byte there, and the exception the access raised, if any. */
struct answer {
	char value;
	DWORD exception;
	void *fault;
};

/* In the target: the last exception, which its handler records and then fixes. */
static volatile DWORD seen_code;
static void *volatile seen_address;

static LONG NTAPI record_and_fix(EXCEPTION_POINTERS *ep)
{
	void *page = (void *)(ep->ExceptionRecord->ExceptionInformation[1] & ~(PAGE - 1));
	DWORD old;

	seen_code = ep->ExceptionRecord->ExceptionCode;
	seen_address = (void *)ep->ExceptionRecord->ExceptionInformation[1];
	/* A guard page is one no more once touched; a page made inaccessible is made readable. */
	if (seen_code == STATUS_GUARD_PAGE_VIOLATION ||
	    (seen_code == STATUS_ACCESS_VIOLATION && VirtualProtect(page, PAGE, PAGE_READWRITE, &old)))
		return EXCEPTION_CONTINUE_EXECUTION;
	return EXCEPTION_CONTINUE_SEARCH;
}

static void serve(int req, int ans)
{
	struct request r;
	struct answer a;
	BOOL handler = FALSE;

	while (read(req, &r, sizeof(r)) == sizeof(r) && r.op != 'q') {
		/* The handler's first use opens /dev/ntmm: not before a request. */
		if (!handler)
			handler = AddVectoredExceptionHandler(1, record_and_fix) != NULL;
		seen_code = 0;
		seen_address = NULL;
		if (r.op == 'w')
			*(volatile char *)r.address = r.value;
		a.value = *(volatile char *)r.address;
		a.exception = seen_code;
		a.fault = seen_address;
		if (write(ans, &a, sizeof(a)) != sizeof(a))
			break;
	}
	_exit(0);
}

static struct target spawn(void)
{
	struct target t;
	int req[2], ans[2];

	if (pipe(req) || pipe(ans))
		abort();
	fflush(stdout);
	t.pid = fork();
	if (!t.pid) {
		close(req[1]);
		close(ans[0]);
		serve(req[0], ans[1]);
	}
	close(req[0]);
	close(ans[1]);
	t.req = req[1];
	t.ans = ans[0];
	return t;
}

/* Ask @t to read (or, with @op 'w', write @value and read) the byte at @address. */
static struct answer ask(struct target *t, char op, void *address, char value)
{
	struct request r = { op, value, address };
	struct answer a = { 0, 0xffffffff, NULL };

	if (write(t->req, &r, sizeof(r)) != sizeof(r) || read(t->ans, &a, sizeof(a)) != sizeof(a))
		a.exception = 0xffffffff;
	return a;
}

static void end(struct target *t)
{
	struct request r = { 'q', 0, NULL };
	int status;

	if (write(t->req, &r, sizeof(r)) != sizeof(r))
		kill(t->pid, SIGKILL);
	close(t->req);
	close(t->ans);
	waitpid(t->pid, &status, 0);
}

static MEMORY_BASIC_INFORMATION query(HANDLE h, const void *p)
{
	MEMORY_BASIC_INFORMATION mbi;

	memset(&mbi, 0, sizeof(mbi));
	VirtualQueryEx(h, p, &mbi, sizeof(mbi));
	return mbi;
}

/* OpenProcess, GetProcessId, the handle as a descriptor, DuplicateHandle. */
static void test_handles(void)
{
	HANDLE h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, GetCurrentProcessId()), d = NULL;
	HANDLE inh = OpenProcess(PROCESS_VM_READ, TRUE, GetCurrentProcessId());

	tap_ok(h != NULL, "OpenProcess of itself (error %u)", GetLastError());
	tap_eq(GetProcessId(h), getpid(), "GetProcessId names it");
	tap_eq(GetProcessId(GetCurrentProcess()), getpid(), "and of the pseudo-handle");
	tap_ok(fcntl(NtmmFdFromHandle(h), F_GETFD) & FD_CLOEXEC, "the handle is close-on-exec");
	tap_ok(inh && !(fcntl(NtmmFdFromHandle(inh), F_GETFD) & FD_CLOEXEC),
	       "an inherited one is not");
	fails_with(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0), ERROR_INVALID_PARAMETER,
		   "OpenProcess of process 0: E87");
	fails_with(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0x3ffffff0), ERROR_INVALID_PARAMETER,
		   "of a process that does not exist: E87");
	tap_ok(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, PROCESS_VM_READ,
			       FALSE, 0), "DuplicateHandle with PROCESS_VM_READ only");
	fails_with(VirtualAllocEx(d, NULL, GRAN, MEM_RESERVE, PAGE_READWRITE), ERROR_ACCESS_DENIED,
		   "the duplicate cannot VirtualAllocEx: E5");
	fails_with(DuplicateHandle(GetCurrentProcess(), d, GetCurrentProcess(), &d,
				   PROCESS_ALL_ACCESS, FALSE, 0), ERROR_ACCESS_DENIED,
		   "a duplicate gains no rights: E5");
	CloseHandle(d);
	d = NULL;
	tap_ok(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &d,
			       0, FALSE, DUPLICATE_SAME_ACCESS) && GetProcessId(d) == (DWORD)getpid(),
	       "DuplicateHandle of the pseudo-handle is a real handle to the process");
	tap_ok(CloseHandle(d) && CloseHandle(h) && CloseHandle(inh), "CloseHandle of each");
	fails_with(CloseHandle(h), ERROR_INVALID_HANDLE, "and again: E6");
	fails_with(VirtualAllocEx(NULL, NULL, GRAN, MEM_RESERVE, PAGE_READWRITE),
		   ERROR_INVALID_HANDLE, "VirtualAllocEx with a NULL handle: E6");
	fails_with(VirtualAllocEx(NtmmHandleFromFd(0), NULL, GRAN, MEM_RESERVE, PAGE_READWRITE),
		   ERROR_INVALID_HANDLE, "with a handle that is no process's: E6");
}

/* NTMM_IOC_PROCESS_OPEN on descriptors that prove nothing, or another process's proof. */
static void test_forged(void)
{
	struct target t = spawn();
	int dev = open("/dev/ntmm", O_RDWR | O_CLOEXEC);
	int self = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	int other = memfd_create("plain", MFD_CLOEXEC);
	struct ntmm_process_open o = { .size = sizeof(o), .access = NTMM_PROCESS_ALL_ACCESS };

	tap_ok(dev >= 0 && self >= 0 && other >= 0, "/dev/ntmm, /proc/self/mem and a plain file");
	o.source = self;
	o.pid = t.pid;
	tap_ok(!ioctl(dev, NTMM_IOC_PROCESS_OPEN, &o) && o.status == NTMM_STATUS_INVALID_PARAMETER,
	       "our own /proc/self/mem opens no child: STATUS_INVALID_PARAMETER (%#x)", o.status);
	o.source = other;
	o.pid = t.pid;
	tap_ok(!ioctl(dev, NTMM_IOC_PROCESS_OPEN, &o) && o.status == NTMM_STATUS_INVALID_HANDLE,
	       "a plain file opens nothing: STATUS_INVALID_HANDLE (%#x)", o.status);
	o.source = self;
	o.pid = getpid();
	o.access = 0x80000000U;
	tap_ok(!ioctl(dev, NTMM_IOC_PROCESS_OPEN, &o) && o.status == NTMM_STATUS_ACCESS_DENIED,
	       "rights the module does not know: STATUS_ACCESS_DENIED (%#x)", o.status);
	o.access = NTMM_PROCESS_VM_READ;
	o.__pad0 = 1;
	tap_ok(ioctl(dev, NTMM_IOC_PROCESS_OPEN, &o) && errno == EINVAL,
	       "a struct with padding set: -EINVAL");
	close(dev);
	close(self);
	close(other);
	end(&t);
}

/* The -Ex calls on a child, seen by the child's own accesses. */
static void test_remote(void)
{
	long processes = ntmm_debugfs("processes");
	struct target t = spawn();
	HANDLE h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, t.pid);
	MEMORY_BASIC_INFORMATION mbi;
	char buf[64], *p;
	struct answer a;
	SIZE_T n = 0;
	DWORD old = 0;

	tap_ok(h != NULL, "OpenProcess of a child (error %u)", GetLastError());
	tap_eq(ntmm_debugfs("processes"), processes, "which has no ntmm context yet");
	p = VirtualAllocEx(h, NULL, 4 * GRAN, MEM_RESERVE, PAGE_READWRITE);
	tap_ok(p != NULL, "VirtualAllocEx reserves in it (error %u)", GetLastError());
	tap_eq(ntmm_debugfs("processes"), processes + 1, "and so it has one");
	tap_ok(VirtualAllocEx(h, p, GRAN, MEM_COMMIT, PAGE_READWRITE) == p,
	       "VirtualAllocEx commits there");
	tap_ok(WriteProcessMemory(h, p, "hello", 6, &n) && n == 6,
	       "WriteProcessMemory writes 6 bytes (%zu)", (size_t)n);
	a = ask(&t, 'r', p + 1, 0);
	tap_ok(a.value == 'e' && !a.exception, "the child reads them");
	a = ask(&t, 'w', p + 100, 'z');
	tap_ok(!a.exception, "the child writes its committed page");
	tap_ok(ReadProcessMemory(h, p + 100, buf, 1, &n) && n == 1 && buf[0] == 'z',
	       "ReadProcessMemory sees the write");
	mbi = query(h, p);
	tap_ok(mbi.State == MEM_COMMIT && mbi.Protect == PAGE_READWRITE && mbi.Type == MEM_PRIVATE &&
	       mbi.AllocationBase == p && mbi.RegionSize == GRAN,
	       "VirtualQueryEx: committed, read-write, private, 64 KiB");

	tap_ok(VirtualProtectEx(h, p, PAGE, PAGE_NOACCESS, &old) && old == PAGE_READWRITE,
	       "VirtualProtectEx to PAGE_NOACCESS (old %#x)", old);
	a = ask(&t, 'r', p + 1, 0);
	tap_ok(a.exception == STATUS_ACCESS_VIOLATION && a.fault == p + 1,
	       "the child's next access raises STATUS_ACCESS_VIOLATION in its handler (%#x)",
	       a.exception);
	tap_ok(a.value == 'e', "which made the page readable again, and read it");

	/* Read across a change of protection, then into reserved memory. */
	VirtualProtectEx(h, p + PAGE, PAGE, PAGE_READONLY, &old);
	n = 0;
	tap_ok(ReadProcessMemory(h, p + PAGE - 16, buf, 32, &n) && n == 32,
	       "ReadProcessMemory across pages of two protections reads all");
	n = 0;
	fails_with(ReadProcessMemory(h, p + GRAN - 16, buf, 32, &n), ERROR_PARTIAL_COPY,
		   "ReadProcessMemory into reserved memory: ERROR_PARTIAL_COPY");
	tap_eq(n, 16, "having read what was committed");
	VirtualAllocEx(h, p + 2 * PAGE, PAGE, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
	n = 0;
	fails_with(ReadProcessMemory(h, p + 2 * PAGE - 8, buf, 16, &n), ERROR_PARTIAL_COPY,
		   "ReadProcessMemory into a guard page: ERROR_PARTIAL_COPY");
	tap_eq(n, 8, "having read up to it");
	tap_ok(query(h, p + 2 * PAGE).Protect == (PAGE_READWRITE | PAGE_GUARD),
	       "and it is still a guard page");
	a = ask(&t, 'r', p + 2 * PAGE, 0);
	tap_eq(a.exception, STATUS_GUARD_PAGE_VIOLATION, "which the child's touch then finds");

	fails_with(WriteProcessMemory(h, p + PAGE, "x", 1, &n), ERROR_NOACCESS,
		   "WriteProcessMemory into PAGE_READONLY: ERROR_NOACCESS");
	tap_ok(query(h, p + PAGE).Protect == PAGE_READONLY, "which stays read-only");
	VirtualProtectEx(h, p + 3 * PAGE, PAGE, PAGE_EXECUTE_READ, &old);
	tap_ok(WriteProcessMemory(h, p + 3 * PAGE, "\xc3", 1, &n) && n == 1,
	       "WriteProcessMemory into PAGE_EXECUTE_READ code writes, as Windows");
	tap_ok(query(h, p + 3 * PAGE).Protect == PAGE_EXECUTE_READ,
	       "and gives it its protection back");
	fails_with(WriteProcessMemory(h, (void *)&test_remote, "\xcc", 1, &n), ERROR_PARTIAL_COPY,
		   "WriteProcessMemory into Linux's program text: ERROR_PARTIAL_COPY");
	tap_ok(ReadProcessMemory(h, (void *)&test_remote, buf, 16, &n) && n == 16 &&
	       !memcmp(buf, (void *)&test_remote, 16),
	       "ReadProcessMemory reads the child's program, which is the parent's");
	tap_ok(WriteProcessMemory(h, (void *)&seen_code, "\1\0\0\0", 4, &n) && n == 4,
	       "WriteProcessMemory into Linux's data of the child");

	tap_ok(VirtualFreeEx(h, p, 0, MEM_RELEASE), "VirtualFreeEx releases it");
	tap_eq(query(h, p).State, MEM_FREE, "VirtualQueryEx: free");
	end(&t);
	fails_with(VirtualAllocEx(h, NULL, GRAN, MEM_RESERVE, PAGE_READWRITE), ERROR_ACCESS_DENIED,
		   "VirtualAllocEx in a process that has exited: E5");
	fails_with(ReadProcessMemory(h, p, buf, 1, &n), ERROR_ACCESS_DENIED,
		   "ReadProcessMemory of it: E5");
	tap_eq(GetProcessId(h), t.pid, "GetProcessId still names it");
	CloseHandle(h);
	tap_eq(ntmm_debugfs("processes"), processes, "its context went with it");
}

/* Each call needs its right, as Windows checks them. */
static void test_rights(void)
{
	struct target t = spawn();
	HANDLE all = OpenProcess(PROCESS_ALL_ACCESS, FALSE, t.pid);
	HANDLE rd = OpenProcess(PROCESS_VM_READ, FALSE, t.pid);
	HANDLE op = OpenProcess(PROCESS_VM_OPERATION, FALSE, t.pid);
	HANDLE wr = OpenProcess(PROCESS_VM_WRITE, FALSE, t.pid);
	HANDLE wrop = OpenProcess(PROCESS_VM_WRITE | PROCESS_VM_OPERATION, FALSE, t.pid);
	HANDLE q = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, t.pid);
	HANDLE ql = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, t.pid);
	PSAPI_WORKING_SET_EX_INFORMATION ws = { 0 };
	MEMORY_BASIC_INFORMATION mbi;
	char *p, c = 0;
	SIZE_T n;
	DWORD old;

	p = VirtualAllocEx(all, NULL, GRAN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	tap_ok(p && rd && op && wr && wrop && q && ql, "handles with each right, and memory");
	ask(&t, 'w', p, 'k');
	tap_ok(ReadProcessMemory(rd, p, &c, 1, &n) && c == 'k', "PROCESS_VM_READ reads");
	fails_with(ReadProcessMemory(op, p, &c, 1, &n), ERROR_ACCESS_DENIED,
		   "PROCESS_VM_OPERATION does not read: E5");
	fails_with(WriteProcessMemory(wr, p, "x", 1, &n), ERROR_ACCESS_DENIED,
		   "PROCESS_VM_WRITE alone does not write: E5");
	tap_ok(WriteProcessMemory(wrop, p, "x", 1, &n), "PROCESS_VM_WRITE | _OPERATION writes");
	fails_with(VirtualAllocEx(rd, NULL, GRAN, MEM_RESERVE, PAGE_READWRITE),
		   ERROR_ACCESS_DENIED, "PROCESS_VM_READ does not allocate: E5");
	fails_with(VirtualProtectEx(q, p, PAGE, PAGE_READONLY, &old), ERROR_ACCESS_DENIED,
		   "PROCESS_QUERY_INFORMATION does not protect: E5");
	tap_ok(VirtualProtectEx(op, p, PAGE, PAGE_READONLY, &old), "PROCESS_VM_OPERATION protects");
	fails_with(VirtualQueryEx(op, p, &mbi, sizeof(mbi)), ERROR_ACCESS_DENIED,
		   "PROCESS_VM_OPERATION does not query: E5");
	fails_with(VirtualQueryEx(ql, p, &mbi, sizeof(mbi)), ERROR_ACCESS_DENIED,
		   "nor PROCESS_QUERY_LIMITED_INFORMATION: E5");
	tap_ok(VirtualQueryEx(q, p, &mbi, sizeof(mbi)) && mbi.Protect == PAGE_READONLY,
	       "PROCESS_QUERY_INFORMATION queries");
	ws.VirtualAddress = p;
	tap_ok(QueryWorkingSetEx(ql, &ws, sizeof(ws)) && ws.VirtualAttributes.Valid,
	       "PROCESS_QUERY_LIMITED_INFORMATION asks QueryWorkingSetEx: resident");
	fails_with(QueryWorkingSetEx(rd, &ws, sizeof(ws)), ERROR_ACCESS_DENIED,
		   "PROCESS_VM_READ does not: E5");
	fails_with(VirtualFreeEx(q, p, 0, MEM_RELEASE), ERROR_ACCESS_DENIED,
		   "PROCESS_QUERY_INFORMATION does not free: E5");
	tap_ok(VirtualFreeEx(op, p, 0, MEM_RELEASE), "PROCESS_VM_OPERATION frees");
	end(&t);
	CloseHandle(all);
	CloseHandle(rd);
	CloseHandle(op);
	CloseHandle(wr);
	CloseHandle(wrop);
	CloseHandle(q);
	CloseHandle(ql);
}

/* MapViewOfFile2 into a child: the same frames in both. */
static void test_views(void)
{
	struct target t = spawn();
	HANDLE h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, t.pid);
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, GRAN, NULL);
	char *mine = MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0);
	char *theirs = MapViewOfFile2(s, h, 0, NULL, 0, 0, PAGE_READWRITE), *copy;
	PSAPI_WORKING_SET_EX_INFORMATION ws = { 0 };
	struct answer a;

	tap_ok(mine && theirs, "MapViewOfFile2 maps a view in the child (error %u)",
	       GetLastError());
	if (mine && theirs) {
		mine[5] = 'm';
		a = ask(&t, 'r', theirs + 5, 0);
		tap_ok(a.value == 'm', "the child sees the parent's write at once");
		ask(&t, 'w', theirs + 6, 'c');
		tap_ok(mine[6] == 'c', "and the parent the child's");
		tap_eq(query(h, theirs).Type, MEM_MAPPED, "VirtualQueryEx: MEM_MAPPED");
		ws.VirtualAddress = theirs + 6;
		tap_ok(QueryWorkingSetEx(h, &ws, sizeof(ws)) && ws.VirtualAttributes.Valid &&
		       ws.VirtualAttributes.Shared, "QueryWorkingSetEx of the child's view: valid, shared");
		tap_ok(UnmapViewOfFile2(h, theirs, 0), "UnmapViewOfFile2 in the child");
		tap_eq(query(h, theirs).State, MEM_FREE, "gone");
	}
	copy = MapViewOfFile2(s, h, 0, NULL, 0, 0, PAGE_WRITECOPY);
	tap_ok(copy != NULL, "a copy-on-write view in the child (error %u)", GetLastError());
	if (copy) {
		tap_eq(query(h, copy).Protect, PAGE_WRITECOPY, "VirtualQueryEx: PAGE_WRITECOPY");
		ask(&t, 'w', copy + PAGE + 1, 'p');
		tap_eq(query(h, copy + PAGE).Protect, PAGE_READWRITE,
		       "the page the child wrote is its own copy: PAGE_READWRITE");
		tap_eq(query(h, copy).RegionSize, PAGE, "and the page before it is not");
		tap_ok(mine[PAGE + 1] != 'p', "the section does not see the copy");
		UnmapViewOfFile2(h, copy, 0);
	}
	UnmapViewOfFile(mine);
	CloseHandle(s);
	end(&t);
	CloseHandle(h);
}

/*
 * Under Yama's ptrace_scope 1, as another user than root (whose
 * CAP_SYS_PTRACE Yama lets through): a parent acts on its child; the
 * child acts on its parent once the parent names it (PR_SET_PTRACER).
 */
static void yama_parent(void)
{
	static char word[8] = "parent";
	const gid_t groups[] = { USER };
	int go[2], ready[2], status;
	struct target t;
	HANDLE h;
	char c;

	tap_ok(drop_to_user(groups, 1), "drop to uid %d", USER);
	if (pipe(go) || pipe(ready))
		abort();
	fflush(stdout);
	t.pid = fork();
	if (!t.pid) {
		SIZE_T n;

		tap_failed = 0;
		h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, getppid());
		fails_with(h, ERROR_ACCESS_DENIED, "the child may not open its parent: E5");
		if (write(ready[1], "1", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, getppid());
		tap_ok(h != NULL, "after PR_SET_PTRACER it may (error %u)", GetLastError());
		tap_ok(h && WriteProcessMemory(h, word, "child", 6, &n),
		       "and writes its parent's memory");
		_exit(tap_done());
	}
	h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, t.pid);
	tap_ok(h != NULL, "the parent opens its child (error %u)", GetLastError());
	CloseHandle(h);
	if (read(ready[0], &c, 1) != 1)
		abort();
	tap_ok(!prctl(PR_SET_PTRACER, t.pid, 0, 0, 0), "PR_SET_PTRACER names the child");
	if (write(go[1], "2", 1) != 1)
		abort();
	waitpid(t.pid, &status, 0);
	tap_ok(WIFEXITED(status) && !WEXITSTATUS(status), "the child's checks (status %#x)", status);
	tap_ok(!strcmp(word, "child"), "the parent sees the child's write");
}

static void test_yama(void)
{
	char old[8] = "";
	int fd, status;
	pid_t pid;

	fd = open(YAMA, O_RDONLY);
	if (fd < 0 || read(fd, old, sizeof(old) - 1) <= 0 || !write_file(YAMA, "1")) {
		tap_skip("processes under Yama's ptrace_scope 1", "no Yama in this kernel");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	fflush(stdout);
	pid = fork();
	if (!pid) {
		tap_failed = 0;
		yama_parent();
		_exit(tap_done());
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && !WEXITSTATUS(status), "a parent and child of uid %d (status %#x)",
	       USER, status);
	write_file(YAMA, old);
}

/* Another uid may not; nor root of a user namespace, which maps no one. */
static void test_others(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (!pid) {
		const gid_t none[] = { USER };
		DWORD parent = getppid();

		tap_failed = 0;
		tap_ok(drop_to_user(none, 1), "drop to uid %d", USER);
		fails_with(OpenProcess(PROCESS_VM_READ, FALSE, parent), ERROR_ACCESS_DENIED,
			   "another uid may not open root's process: E5");
		tap_ok(!unshare(CLONE_NEWUSER), "unshare(CLONE_NEWUSER)");
		tap_ok(write_file("/proc/self/setgroups", "deny") &&
		       write_file("/proc/self/uid_map", "0 1000 1") &&
		       write_file("/proc/self/gid_map", "0 1000 1"),
		       "become root of the namespace");
		fails_with(OpenProcess(PROCESS_VM_READ, FALSE, parent), ERROR_ACCESS_DENIED,
			   "whose root may not open root's process either: E5");
		_exit(tap_done());
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && !WEXITSTATUS(status), "another user's checks (status %#x)",
	       status);
}

struct killer {
	pid_t pid;
	unsigned int delay_us;
};

static void *kill_later(void *arg)
{
	struct killer *k = arg;

	usleep(k->delay_us);
	kill(k->pid, SIGKILL);
	return NULL;
}

/* Seconds a round of the calls below takes, on a child of this kernel. */
static double call_cost(void)
{
	struct target t = spawn();
	HANDLE h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, t.pid);
	double start = now();
	char buf[16];
	SIZE_T n;
	int i;

	for (i = 0; i < 10; i++) {
		void *p = VirtualAllocEx(h, NULL, GRAN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);

		WriteProcessMemory(h, p, "0123456789", 10, &n);
		ReadProcessMemory(h, p, buf, 10, &n);
		VirtualFreeEx(h, p, 0, MEM_RELEASE);
	}
	CloseHandle(h);
	end(&t);
	return (now() - start) / 10;
}

/* Targets killed while calls are made on them: each call succeeds or fails cleanly. */
static void test_killed(unsigned int rounds)
{
	long processes = ntmm_debugfs("processes"), commit = ntmm_debugfs("commit");
	long frames = ntmm_debugfs("frames");
	unsigned int i, bad = 0, calls = 0;
	double per = call_cost();

	for (i = 0; i < rounds; i++) {
		struct target t = spawn();
		/* The kill lands anywhere in the first two rounds of calls. */
		struct killer k = { t.pid, (unsigned int)(per * 2e6 * ((i * 997) % 1000) / 1000) };
		HANDLE h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, t.pid);
		pthread_t thread;
		char buf[16];
		SIZE_T n;
		void *p;
		int status;

		if (!h) {
			bad++;
			kill(t.pid, SIGKILL);
			waitpid(t.pid, &status, 0);
			continue;
		}
		pthread_create(&thread, NULL, kill_later, &k);
		for (;;) {
			p = VirtualAllocEx(h, NULL, GRAN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
			calls++;
			if (!p)
				break;
			if (!WriteProcessMemory(h, p, "0123456789", 10, &n) ||
			    !ReadProcessMemory(h, p, buf, 10, &n) || !VirtualFreeEx(h, p, 0, MEM_RELEASE))
				break;
		}
		if (GetLastError() != ERROR_ACCESS_DENIED && GetLastError() != ERROR_PARTIAL_COPY &&
		    GetLastError() != ERROR_INVALID_ADDRESS && GetLastError() != ERROR_NOACCESS)
			bad++;
		pthread_join(thread, NULL);
		close(t.req);
		close(t.ans);
		waitpid(t.pid, &status, 0);
		CloseHandle(h);
	}
	tap_eq(bad, 0, "targets killed mid-call: every call succeeds or fails cleanly");
	tap_ok(calls > rounds, "%u calls in %u rounds (%.0f us a round)", calls, rounds, per * 1e6);
	tap_eq(ntmm_debugfs("processes"), processes, "contexts back at baseline");
	tap_eq(ntmm_debugfs("commit"), commit, "commit charge back at baseline");
	tap_eq(ntmm_debugfs("frames"), frames, "frames back at baseline");
}

int main(int argc, char **argv)
{
	unsigned int rounds = argc > 1 ? (unsigned int)atoi(argv[1]) : 1000;

	test_handles();
	test_forged();
	test_remote();
	test_rights();
	test_views();
	test_yama();
	test_others();
	test_killed(rounds);
	return tap_done();
}
