// SPDX-License-Identifier: GPL-2.0
/*
 * Heaps through libntmm against Microsoft's documentation: the process
 * heap and GetProcessHeaps, growable and fixed heaps (filled to the last
 * byte), sizes, realloc in place, large blocks from VirtualAlloc, what
 * VirtualQuery and the commit charge see, HEAP_GENERATE_EXCEPTIONS,
 * corruption refused (or fatal with HeapEnableTerminationOnCorruption),
 * HeapWalk against what was allocated, HeapSummary, the information
 * classes, HeapLock's exclusion, eight threads against a model, and
 * HeapDestroy giving back every page and its commit.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>

#include "fails_with.h"
#include "tap.h"

static ULONGLONG commit_charge(void)
{
	MEMORYSTATUSEX ms = { .dwLength = sizeof(ms) };

	GlobalMemoryStatusEx(&ms);
	return ms.ullTotalPageFile - ms.ullAvailPageFile;
}

static int query(const void *p, MEMORY_BASIC_INFORMATION *mbi)
{
	return VirtualQuery(p, mbi, sizeof(*mbi)) == sizeof(*mbi);
}

static void test_process_heap(void)
{
	HANDLE h = GetProcessHeap(), list[8], mine;
	DWORD n, m;

	tap_ok(h && h == GetProcessHeap(), "GetProcessHeap: one heap, always the same");
	n = GetProcessHeaps(8, list);
	tap_ok(n >= 1 && list[0] == h, "GetProcessHeaps: %u heaps, the process heap first", n);
	mine = HeapCreate(0, 0, 0);
	m = GetProcessHeaps(8, list);
	tap_ok(m == n + 1, "a private heap adds one (%u -> %u)", n, m);
	list[0] = NULL;
	tap_ok(GetProcessHeaps(0, list) == m && list[0] == NULL,
	       "a buffer too small: the count, nothing stored");
	HeapDestroy(mine);
	tap_ok(GetProcessHeaps(8, list) == n, "HeapDestroy removes it");
	fails_with(HeapDestroy(h), ERROR_INVALID_HANDLE, "the process heap cannot be destroyed");
}

static void test_blocks(void)
{
	HANDLE h = GetProcessHeap();
	static const SIZE_T sizes[] = { 0, 1, 16, 100, 1000, 1024, 1025, 20000, 524288 };
	MEMORY_BASIC_INFORMATION mbi;
	unsigned int i;
	int ok = 1;
	char *p, *q;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		SIZE_T j;

		p = HeapAlloc(h, HEAP_ZERO_MEMORY, sizes[i]);
		ok &= p && ((ULONG_PTR)p & 15) == 0 && HeapSize(h, 0, p) == sizes[i];
		for (j = 0; p && j < sizes[i]; j++)
			ok &= p[j] == 0;
		ok &= HeapFree(h, 0, p);
	}
	tap_ok(ok, "HeapAlloc 0 B - 512 KiB: 16-byte aligned, zeroed, HeapSize is the size asked");
	p = HeapAlloc(h, 0, 100);
	tap_ok(query(p, &mbi) && mbi.State == MEM_COMMIT && mbi.Protect == PAGE_READWRITE &&
	       mbi.Type == MEM_PRIVATE, "a heap block is committed private read-write memory");
	memset(p, 'x', 100);
	fails_with(HeapReAlloc(h, HEAP_REALLOC_IN_PLACE_ONLY, p, 5000) != NULL,
		   ERROR_NOT_ENOUGH_MEMORY, "HEAP_REALLOC_IN_PLACE_ONLY that cannot grow in place");
	tap_ok(HeapSize(h, 0, p) == 100 && p[99] == 'x', "the block is left as it was");
	q = HeapReAlloc(h, HEAP_ZERO_MEMORY, p, 5000);
	tap_ok(q && q[99] == 'x' && q[100] == 0 && q[4999] == 0 && HeapSize(h, 0, q) == 5000,
	       "HeapReAlloc with HEAP_ZERO_MEMORY: contents kept, the growth zeroed");
	p = HeapReAlloc(h, HEAP_REALLOC_IN_PLACE_ONLY, q, 10);
	tap_ok(p == q && HeapSize(h, 0, p) == 10, "shrinking in place");
	fails_with(HeapReAlloc(h, 0, NULL, 10) != NULL, ERROR_INVALID_PARAMETER,
		   "HeapReAlloc of NULL");
	tap_ok(HeapFree(h, 0, p) && HeapFree(h, 0, NULL), "HeapFree, and HeapFree of NULL");

	p = HeapAlloc(h, HEAP_NO_SERIALIZE, 64);
	tap_ok(p && HeapFree(h, HEAP_NO_SERIALIZE, p), "HEAP_NO_SERIALIZE on one call");

	p = HeapAlloc(h, 0, 600000);
	tap_ok(p && query(p, &mbi) && mbi.AllocationBase == p && mbi.State == MEM_COMMIT &&
	       mbi.RegionSize == 602112,
	       "a block above 512 KiB is an allocation of its own, its header apart (base %p, block %p)",
	       mbi.AllocationBase, p);
	tap_ok(HeapSize(h, 0, p) == 600000, "its HeapSize is the size asked");
	HeapFree(h, 0, p);
	tap_ok(query(p, &mbi) && mbi.State == MEM_FREE, "HeapFree releases it");
}

static volatile DWORD raised_code, raised_calls;
static volatile ULONG_PTR raised_arg;

static LONG NTAPI on_no_memory(EXCEPTION_POINTERS *ep)
{
	if (ep->ExceptionRecord->ExceptionCode != STATUS_NO_MEMORY)
		return EXCEPTION_CONTINUE_SEARCH;
	raised_code = ep->ExceptionRecord->ExceptionCode;
	raised_arg = ep->ExceptionRecord->ExceptionInformation[0];
	raised_calls++;
	return EXCEPTION_CONTINUE_EXECUTION;
}

static void test_fixed(void)
{
	HANDLE h = HeapCreate(0, 0, 65536);
	PROCESS_HEAP_ENTRY e = { 0 };
	SIZE_T size, busy = 0, region = 0, rest = 0, n = 0;
	PVOID veh;
	ULONG info = 7;

	tap_ok(h != NULL, "HeapCreate(0, 0, 64 KiB): a fixed heap");
	tap_ok(HeapQueryInformation(h, HeapCompatibilityInformation, &info, sizeof(info), NULL) &&
	       info == 0, "a fixed heap has no low-fragmentation heap (%u)", info);
	fails_with(HeapAlloc(h, 0, 70000) != NULL, ERROR_NOT_ENOUGH_MEMORY,
		   "a request above the fixed heap's capacity");
	for (size = 4096; size; size /= 2)
		while (HeapAlloc(h, 0, size))
			n++;
	fails_with(HeapAlloc(h, 0, 1) != NULL, ERROR_NOT_ENOUGH_MEMORY, "the full heap refuses 1 byte");
	while (HeapWalk(h, &e)) {
		if (e.wFlags & PROCESS_HEAP_REGION)
			region = (SIZE_T)((char *)e.lpData + e.cbData - (char *)e.Region.lpFirstBlock);
		else if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY)
			busy += e.cbData + e.cbOverhead;
		else
			rest += e.cbData ? e.cbData : 1;
	}
	tap_ok(region && busy == region && rest == 0,
	       "filled to the last byte: %zu blocks span the region (%zu of %zu), nothing free left",
	       (size_t)n, (size_t)busy, (size_t)region);
	veh = AddVectoredExceptionHandler(1, on_no_memory);
	tap_ok(HeapAlloc(h, HEAP_GENERATE_EXCEPTIONS, 200) == NULL && raised_calls == 1 &&
	       raised_code == STATUS_NO_MEMORY && raised_arg == 200,
	       "HEAP_GENERATE_EXCEPTIONS: STATUS_NO_MEMORY (size %lu) reaches the handler, then NULL",
	       (unsigned long)raised_arg);
	HeapDestroy(h);
	h = HeapCreate(HEAP_GENERATE_EXCEPTIONS, 0, 65536);
	tap_ok(HeapAlloc(h, 0, 100000) == NULL && raised_calls == 2,
	       "a heap made with HEAP_GENERATE_EXCEPTIONS raises on every failure");
	RemoveVectoredExceptionHandler(veh);
	HeapDestroy(h);
}

static void test_corruption(void)
{
	HANDLE h = HeapCreate(0, 0, 0);
	char *small = HeapAlloc(h, 0, 40), *mid, *other;
	char *foreign = malloc(64), saved[16];
	int pipefd[2], status;
	char buf[512] = "";
	pid_t pid;

	mid = HeapAlloc(h, 0, 3000);
	other = HeapAlloc(GetProcessHeap(), 0, 40);
	fails_with(HeapFree(h, 0, foreign), ERROR_INVALID_PARAMETER, "HeapFree of a malloc pointer");
	fails_with(HeapFree(h, 0, other), ERROR_INVALID_PARAMETER, "HeapFree of another heap's block");
	fails_with(HeapFree(h, 0, small + 16), ERROR_INVALID_PARAMETER,
		   "HeapFree of a pointer inside a block");
	memcpy(saved, mid - 16, 16);
	memset(mid - 16, 0x55, 16);
	fails_with(HeapFree(h, 0, mid), ERROR_INVALID_PARAMETER,
		   "HeapFree of a block whose header was overwritten");
	tap_ok(!HeapValidate(h, 0, NULL) && !HeapValidate(h, 0, mid),
	       "HeapValidate sees the overwritten header");
	memcpy(mid - 16, saved, 16);
	tap_ok(HeapValidate(h, 0, NULL) && HeapFree(h, 0, mid),
	       "restored, the heap validates and the block frees: nothing had changed");
	fails_with(HeapFree(h, 0, mid), ERROR_INVALID_PARAMETER, "a double free (back end)");
	HeapFree(h, 0, small);
	fails_with(HeapFree(h, 0, small), ERROR_INVALID_PARAMETER, "a double free (front end)");
	tap_eq(HeapSize(h, 0, foreign), (SIZE_T)-1, "HeapSize of a pointer the heap did not give");
	tap_ok(HeapValidate(h, 0, NULL), "the heap validates after every refused call");
	HeapFree(GetProcessHeap(), 0, other);
	free(foreign);
	HeapDestroy(h);

	/* With termination on corruption, a double free ends the process. */
	if (pipe(pipefd))
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		HANDLE c;
		void *p;

		dup2(pipefd[1], 2);
		HeapSetInformation(NULL, HeapEnableTerminationOnCorruption, NULL, 0);
		c = HeapCreate(0, 0, 0);
		p = HeapAlloc(c, 0, 100);
		HeapFree(c, 0, p);
		HeapFree(c, 0, p);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && strstr(buf, "0xC0000374"),
	       "HeapEnableTerminationOnCorruption: a double free ends the process with "
	       "STATUS_HEAP_CORRUPTION (\"%.60s\")", buf);
}

static void test_walk(void)
{
	HANDLE h = HeapCreate(0, 0, 0);
	static void *mine[300];
	static SIZE_T sz[300];
	PROCESS_HEAP_ENTRY e = { 0 };
	int i, found = 0, extra = 0, regions = 0, uncommitted = 0, first_region = -1, large = 0;

	for (i = 0; i < 300; i++) {
		sz[i] = i == 5 ? 700000 : (SIZE_T)(i * 37 % 3000);
		mine[i] = HeapAlloc(h, 0, sz[i]);
	}
	for (i = 0; i < 300; i += 4) {
		HeapFree(h, 0, mine[i]);
		mine[i] = NULL;
	}
	while (HeapWalk(h, &e)) {
		if (first_region < 0)
			first_region = !!(e.wFlags & PROCESS_HEAP_REGION);
		if (e.wFlags & PROCESS_HEAP_REGION)
			regions++;
		if (e.wFlags & PROCESS_HEAP_UNCOMMITTED_RANGE)
			uncommitted++;
		if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY) {
			int k;

			for (k = 0; k < 300 && mine[k] != e.lpData; k++)
				;
			if (k < 300 && sz[k] == e.cbData)
				found++;
			else
				extra++;
			if (e.lpData == mine[5])
				large = 1;
		}
	}
	tap_eq(GetLastError(), ERROR_NO_MORE_ITEMS, "HeapWalk ends with ERROR_NO_MORE_ITEMS");
	tap_ok(first_region == 1 && regions >= 1 && uncommitted >= 1,
	       "it starts with a region; %d regions, %d uncommitted ranges", regions, uncommitted);
	tap_ok(found == 300 - 75 && extra == 0 && large,
	       "every live block is a busy entry with its size (%d), the large one too, nothing else (%d)",
	       found, extra);
	memset(&e, 0, sizeof(e));
	e.lpData = (char *)mine[1] + 16;
	e.wFlags = PROCESS_HEAP_ENTRY_BUSY;
	fails_with(HeapWalk(h, &e), ERROR_INVALID_PARAMETER, "HeapWalk from an entry that is none");
	HeapDestroy(h);
}

static void test_summary_information(void)
{
	HANDLE h = HeapCreate(0, 0, 0), ns = HeapCreate(HEAP_NO_SERIALIZE, 0, 0);
	HEAP_SUMMARY s = { .cb = sizeof(s) };
	HEAP_OPTIMIZE_RESOURCES_INFORMATION opt = { HEAP_OPTIMIZE_RESOURCES_CURRENT_VERSION, 0 };
	ULONG info = 0, two = 2, zero = 0;
	SIZE_T len = 0;
	void *p = HeapAlloc(h, 0, 1000), *q = HeapAlloc(h, 0, 800000);

	tap_ok(HeapSummary(h, 0, &s) && s.cbAllocated == 801000 && s.cbCommitted >= 801000 &&
	       s.cbReserved >= s.cbCommitted && s.cbMaxReserve >= s.cbReserved,
	       "HeapSummary: allocated %zu, committed %zu, reserved %zu", (size_t)s.cbAllocated,
	       (size_t)s.cbCommitted, (size_t)s.cbReserved);
	s.cb = 8;
	fails_with(HeapSummary(h, 0, &s), ERROR_INVALID_PARAMETER, "HeapSummary with a wrong cb");
	tap_ok(HeapQueryInformation(GetProcessHeap(), HeapCompatibilityInformation, &info,
				    sizeof(info), &len) && info == 2 && len == sizeof(ULONG),
	       "the process heap has the low-fragmentation heap (2)");
	tap_ok(HeapQueryInformation(ns, HeapCompatibilityInformation, &info, sizeof(info), NULL) &&
	       info == 0, "a HEAP_NO_SERIALIZE heap has not (0)");
	len = 0;
	fails_with(HeapQueryInformation(h, HeapCompatibilityInformation, &info, 2, &len),
		   ERROR_INSUFFICIENT_BUFFER, "HeapQueryInformation into 2 bytes");
	tap_eq(len, sizeof(ULONG), "and ReturnLength says 4");
	tap_ok(HeapSetInformation(h, HeapCompatibilityInformation, &two, sizeof(two)),
	       "HeapSetInformation(2) on a growable heap");
	fails_with(HeapSetInformation(ns, HeapCompatibilityInformation, &two, sizeof(two)),
		   ERROR_INVALID_PARAMETER, "the LFH cannot be enabled for HEAP_NO_SERIALIZE");
	fails_with(HeapSetInformation(h, HeapCompatibilityInformation, &zero, sizeof(zero)),
		   ERROR_INVALID_PARAMETER, "once enabled, the LFH cannot be disabled");
	tap_ok(HeapSetInformation(NULL, HeapOptimizeResources, &opt, sizeof(opt)) &&
	       HeapSetInformation(h, HeapOptimizeResources, &opt, sizeof(opt)),
	       "HeapOptimizeResources for every heap and for one");
	opt.Version = 2;
	fails_with(HeapSetInformation(h, HeapOptimizeResources, &opt, sizeof(opt)),
		   ERROR_INVALID_PARAMETER, "HeapOptimizeResources with another version");
	fails_with(HeapSetInformation(h, (HEAP_INFORMATION_CLASS)2, &two, sizeof(two)),
		   ERROR_INVALID_PARAMETER, "an unknown information class");
	HeapFree(h, 0, p);
	HeapFree(h, 0, q);
	tap_ok(HeapCompact(h, 0) > 0, "HeapCompact: the largest free committed block");
	HeapDestroy(ns);
	HeapDestroy(h);
}

static void test_execute(void)
{
	HANDLE h = HeapCreate(HEAP_CREATE_ENABLE_EXECUTE, 0, 0);
	MEMORY_BASIC_INFORMATION mbi;
	void *p = HeapAlloc(h, 0, 64);

	tap_ok(p && query(p, &mbi) && mbi.Protect == PAGE_EXECUTE_READWRITE,
	       "HEAP_CREATE_ENABLE_EXECUTE: blocks are PAGE_EXECUTE_READWRITE (%#x)", mbi.Protect);
	HeapDestroy(h);
}

/* --- HeapLock --------------------------------------------------------------------------- */

static volatile int other_done;

static void *alloc_once(void *h)
{
	HeapFree(h, 0, HeapAlloc(h, 0, 32));
	other_done = 1;
	return NULL;
}

static void test_lock(void)
{
	HANDLE h = HeapCreate(0, 0, 0);
	pthread_t t;

	tap_ok(HeapLock(h) && HeapLock(h), "HeapLock, twice");
	HeapFree(h, 0, HeapAlloc(h, 0, 32));
	pthread_create(&t, NULL, alloc_once, h);
	usleep(200000);
	tap_ok(!other_done, "another thread's HeapAlloc waits while the heap is locked");
	tap_ok(HeapUnlock(h), "HeapUnlock");
	usleep(100000);
	tap_ok(!other_done, "and still waits after one of two unlocks");
	HeapUnlock(h);
	pthread_join(t, NULL);
	tap_ok(other_done, "it proceeds after the last");
	fails_with(HeapUnlock(h), ERROR_NOT_LOCKED, "HeapUnlock of a heap not locked");
	HeapDestroy(h);
}

/* --- threads against a model -------------------------------------------------------------- */

#define THREADS 8
#define LIVE 128
static HANDLE shared;
static void *volatile exchange[32];

static void *worker(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg * 7919 + 1;
	unsigned char *live[LIVE] = { 0 };
	SIZE_T size[LIVE];
	unsigned char tag[LIVE];
	long bad = 0;
	int i, k;

	for (i = 0; i < 20000; i++) {
		k = rand_r(&seed) % LIVE;
		if (live[k]) {
			SIZE_T j;

			for (j = 0; j < size[k]; j++)
				bad += live[k][j] != (unsigned char)(tag[k] + j);
			bad += HeapSize(shared, 0, live[k]) != size[k];
			if (rand_r(&seed) % 12 == 0) {
				void *old = __atomic_exchange_n(&exchange[rand_r(&seed) % 32], live[k],
								__ATOMIC_ACQ_REL);

				bad += old && !HeapFree(shared, 0, old);
			} else {
				bad += !HeapFree(shared, 0, live[k]);
			}
			live[k] = NULL;
		} else {
			int roll = rand_r(&seed) % 100;
			SIZE_T j;

			size[k] = roll < 90 ? (SIZE_T)(rand_r(&seed) % 1024) :
				  roll < 99 ? (SIZE_T)(rand_r(&seed) % 60000) : 600000;
			tag[k] = (unsigned char)rand_r(&seed);
			live[k] = HeapAlloc(shared, 0, size[k]);
			if (!live[k]) {
				bad++;
				continue;
			}
			for (j = 0; j < size[k]; j++)
				live[k][j] = (unsigned char)(tag[k] + j);
		}
	}
	for (k = 0; k < LIVE; k++)
		bad += live[k] && !HeapFree(shared, 0, live[k]);
	return (void *)bad;
}

static void test_threads(void)
{
	PROCESS_HEAP_ENTRY e = { 0 };
	pthread_t t[THREADS];
	long bad = 0;
	int i, busy = 0;
	void *rv;

	shared = HeapCreate(0, 0, 0);
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &rv);
		bad += (long)rv;
	}
	for (i = 0; i < 32; i++)
		bad += exchange[i] && !HeapFree(shared, 0, exchange[i]);
	tap_ok(bad == 0, "8 threads x 20,000 mixed operations, blocks handed between threads: "
	       "every block kept its contents and size (%ld wrong)", bad);
	tap_ok(HeapValidate(shared, 0, NULL), "the heap validates after");
	while (HeapWalk(shared, &e))
		busy += !!(e.wFlags & PROCESS_HEAP_ENTRY_BUSY);
	tap_eq(busy, 0, "and its walk shows no busy block");
	HeapDestroy(shared);
}

static void test_destroy(void)
{
	ULONGLONG before = commit_charge(), during;
	HANDLE h = HeapCreate(0, 1 << 20, 0);
	MEMORY_BASIC_INFORMATION mbi;
	PROCESS_HEAP_ENTRY e = { 0 };
	static void *regions[16];
	int i, n = 0;

	for (i = 0; i < 3000; i++)
		HeapAlloc(h, 0, (SIZE_T)(i % 40) * 100);
	HeapAlloc(h, 0, 2 << 20);
	while (HeapWalk(h, &e))
		if ((e.wFlags & PROCESS_HEAP_REGION) && n < 16)
			regions[n++] = e.lpData;
	during = commit_charge();
	tap_ok(during > before + (3 << 20), "the heap's commit shows in the commit charge (+%lu KiB)",
	       (unsigned long)((during - before) >> 10));
	tap_ok(HeapDestroy(h), "HeapDestroy");
	tap_eq(commit_charge(), before, "HeapDestroy gives back every committed page");
	for (i = 0; i < n; i++)
		if (!query(regions[i], &mbi) || mbi.State != MEM_FREE)
			break;
	tap_ok(n >= 2 && i == n, "and every region's reservation (%d regions now free)", n);
	fails_with(HeapAlloc(NULL, 0, 10) != NULL, ERROR_INVALID_HANDLE, "HeapAlloc on a NULL heap");
}

int main(void)
{
	test_corruption();
	test_process_heap();
	test_blocks();
	test_fixed();
	test_walk();
	test_summary_information();
	test_execute();
	test_lock();
	test_threads();
	test_destroy();
	return tap_done();
}
