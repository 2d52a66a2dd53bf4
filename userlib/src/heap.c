// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * heapapi.h: the process heap and private heaps, over heap_core (or the page
 * heap, heap_page.c, for heaps made with NTMM_HEAP_CREATE_PAGE_HEAP or when
 * NTMM_PAGEHEAP=1 is in the environment) with VirtualAlloc as its page
 * provider. This file is the Win32 side: handles, flags, last errors,
 * HEAP_GENERATE_EXCEPTIONS (STATUS_NO_MEMORY raised to the vectored
 * handlers), and what a detected corruption does: fail the call with
 * ERROR_INVALID_PARAMETER, heap unchanged, or with
 * HeapEnableTerminationOnCorruption end the process (STATUS_HEAP_CORRUPTION).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "heap_core_internal.h"
#include "heap_page.h"

#define HEAP_MAGIC		0x50414548	/* "HEAP" */
#define HEAP_CREATE_FLAGS	(HEAP_NO_SERIALIZE | HEAP_GENERATE_EXCEPTIONS | \
				 HEAP_CREATE_ENABLE_EXECUTE | NTMM_HEAP_CREATE_PAGE_HEAP)

struct ntmm_heap {
	DWORD magic;
	DWORD flags;			/* HeapCreate's options */
	struct hc_heap *core;		/* or */
	struct ph_heap *page;
	struct ntmm_heap *next;		/* every heap, under heaps_lock */
	pthread_t owner;		/* HeapLock's holder, under the heap's lock */
	unsigned int depth;
};

static pthread_mutex_t heaps_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ntmm_heap *heaps;		/* the process heap first */
static struct ntmm_heap *process_heap;
static pthread_once_t process_heap_once = PTHREAD_ONCE_INIT;
static int terminate_on_corruption;	/* process-wide, once set never cleared */
static int page_heap_everywhere = -1;	/* NTMM_PAGEHEAP, read once */
static pthread_once_t heap_atfork_once = PTHREAD_ONCE_INIT;

/* --- the page provider: VirtualAlloc ---------------------------------------- */

static DWORD heap_protect(int exec)
{
	return exec ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
}

static void *va_reserve(void *ctx, size_t size, int exec)
{
	(void)ctx;
	return VirtualAlloc(NULL, size, MEM_RESERVE, heap_protect(exec));
}

static void *va_alloc(void *ctx, size_t size, int exec)
{
	(void)ctx;
	return VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, heap_protect(exec));
}

static int va_commit(void *ctx, void *p, size_t size, int exec)
{
	(void)ctx;
	return VirtualAlloc(p, size, MEM_COMMIT, heap_protect(exec)) != p;
}

static void va_decommit(void *ctx, void *p, size_t size)
{
	(void)ctx;
	VirtualFree(p, size, MEM_DECOMMIT);
}

static void va_release(void *ctx, void *p)
{
	(void)ctx;
	VirtualFree(p, 0, MEM_RELEASE);
}

static const struct hc_pages va_pages = {
	NULL, va_reserve, va_alloc, va_commit, va_decommit, va_release,
};

/* --- handles and errors --------------------------------------------------------- */

static struct ntmm_heap *heap_of(HANDLE h)
{
	struct ntmm_heap *heap = h;

	if (!heap || heap->magic != HEAP_MAGIC) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	return heap;
}

static unsigned int core_flags(DWORD flags)
{
	return (flags & HEAP_ZERO_MEMORY ? HC_ZERO : 0) |
	       (flags & HEAP_REALLOC_IN_PLACE_ONLY ? HC_IN_PLACE_ONLY : 0) |
	       (flags & HEAP_NO_SERIALIZE ? HC_UNLOCKED : 0);
}

/* A corruption found by a call on @heap (@what, at @p): fail it, or end the process. */
static void heap_corrupt(const char *what, const void *p)
{
	if (__atomic_load_n(&terminate_on_corruption, __ATOMIC_RELAXED)) {
		char why[128];

		snprintf(why, sizeof(why), "heap corruption detected by %s at %p", what, p);
		ntmm_terminate(STATUS_HEAP_CORRUPTION, why);
	}
	SetLastError(ERROR_INVALID_PARAMETER);
}

/* No room: NULL with ERROR_NOT_ENOUGH_MEMORY, raised first if the heap or call asks. */
static void heap_no_memory(const struct ntmm_heap *heap, DWORD flags, SIZE_T size)
{
	ULONG_PTR arg = size;

	SetLastError(ERROR_NOT_ENOUGH_MEMORY);
	if ((heap->flags | flags) & HEAP_GENERATE_EXCEPTIONS)
		RaiseException(STATUS_NO_MEMORY, 0, 1, &arg);
}

static void heap_result(const struct ntmm_heap *heap, enum hc_result r, DWORD flags, SIZE_T size,
			const char *what, const void *p)
{
	if (r == HC_CORRUPT)
		heap_corrupt(what, p);
	else if (r == HC_NO_MEMORY)
		heap_no_memory(heap, flags, size);
}

/* --- creation -------------------------------------------------------------------- */

/* A forked child has none of its parent's heaps (their pages are not inherited). */
static void heap_after_fork(void)
{
	heaps = NULL;
	process_heap = NULL;
	process_heap_once = (pthread_once_t)PTHREAD_ONCE_INIT;
}

static void heap_register_atfork(void)
{
	pthread_atfork(NULL, NULL, heap_after_fork);
}

static struct ntmm_heap *heap_new(DWORD options, SIZE_T initial, SIZE_T maximum)
{
	struct ntmm_heap *heap = calloc(1, sizeof(*heap));
	unsigned int flags = (options & HEAP_NO_SERIALIZE ? HC_NO_SERIALIZE : 0) |
			     (options & HEAP_CREATE_ENABLE_EXECUTE ? HC_EXECUTE : 0);

	if (!heap)
		return NULL;
	pthread_once(&heap_atfork_once, heap_register_atfork);
	if (page_heap_everywhere < 0) {
		const char *env = getenv("NTMM_PAGEHEAP");

		page_heap_everywhere = env && !strcmp(env, "1");
	}
	if (page_heap_everywhere)
		options |= NTMM_HEAP_CREATE_PAGE_HEAP;
	heap->magic = HEAP_MAGIC;
	heap->flags = options & HEAP_CREATE_FLAGS;
	if (options & NTMM_HEAP_CREATE_PAGE_HEAP)
		heap->page = ph_create(!!(options & HEAP_CREATE_ENABLE_EXECUTE));
	else
		heap->core = hc_create(&va_pages, flags, initial, maximum);
	if (!heap->page && !heap->core) {
		free(heap);
		return NULL;
	}
	pthread_mutex_lock(&heaps_lock);
	if (heaps) {
		heap->next = heaps->next;
		heaps->next = heap;
	} else {
		heaps = heap;
	}
	pthread_mutex_unlock(&heaps_lock);
	return heap;
}

static void process_heap_create(void)
{
	process_heap = heap_new(0, 0, 0);
}

NTMM_EXPORT HANDLE WINAPI GetProcessHeap(void)
{
	pthread_once(&process_heap_once, process_heap_create);
	return process_heap;
}

NTMM_EXPORT DWORD WINAPI GetProcessHeaps(DWORD NumberOfHeaps, PHANDLE ProcessHeaps)
{
	struct ntmm_heap *heap;
	DWORD n = 0;

	if (!GetProcessHeap()) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return 0;
	}
	pthread_mutex_lock(&heaps_lock);
	for (heap = heaps; heap; heap = heap->next, n++)
		if (n < NumberOfHeaps)
			ProcessHeaps[n] = heap;
	pthread_mutex_unlock(&heaps_lock);
	return n;
}

NTMM_EXPORT HANDLE WINAPI HeapCreate(DWORD flOptions, SIZE_T dwInitialSize, SIZE_T dwMaximumSize)
{
	struct ntmm_heap *heap;

	GetProcessHeap();	/* it is the first heap of the process */
	heap = heap_new(flOptions, dwInitialSize, dwMaximumSize);
	if (!heap)
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
	return heap;
}

NTMM_EXPORT BOOL WINAPI HeapDestroy(HANDLE hHeap)
{
	struct ntmm_heap *heap = heap_of(hHeap), **pp;

	if (!heap)
		return FALSE;
	if (heap == process_heap) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	pthread_mutex_lock(&heaps_lock);
	for (pp = &heaps; *pp != heap; pp = &(*pp)->next)
		;
	*pp = heap->next;
	pthread_mutex_unlock(&heaps_lock);
	heap->magic = 0;
	if (heap->page)
		ph_destroy(heap->page);
	else
		hc_destroy(heap->core);
	free(heap);
	return TRUE;
}

/* --- blocks ------------------------------------------------------------------------ */

NTMM_EXPORT LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes)
{
	struct ntmm_heap *heap = hHeap;
	enum hc_result r;
	void *p;

	/* The front end's fast path inline: under TCG a call and return cost most. */
	if (heap && heap->magic == HEAP_MAGIC && heap->core &&
	    (p = hc_alloc_fast(heap->core, dwBytes, core_flags(dwFlags))))
		return p;
	heap = heap_of(hHeap);
	if (!heap)
		return NULL;
	if (heap->page)
		p = ph_alloc(heap->page, dwBytes, &r);
	else
		p = hc_alloc(heap->core, dwBytes, core_flags(dwFlags), &r);
	if (!p)
		heap_result(heap, r, dwFlags, dwBytes, "HeapAlloc", NULL);
	return p;
}

NTMM_EXPORT BOOL WINAPI HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem)
{
	struct ntmm_heap *heap = hHeap;
	enum hc_result r;

	if (heap && heap->magic == HEAP_MAGIC && heap->core && lpMem &&
	    hc_free_fast(heap->core, lpMem))
		return TRUE;
	heap = heap_of(hHeap);
	if (!heap)
		return FALSE;
	if (!lpMem)
		return TRUE;
	if (heap->page)
		r = ph_free(heap->page, lpMem);
	else
		r = hc_free(heap->core, lpMem, core_flags(dwFlags));
	if (r != HC_OK) {
		heap_corrupt("HeapFree", lpMem);
		return FALSE;
	}
	return TRUE;
}

NTMM_EXPORT LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes)
{
	struct ntmm_heap *heap = heap_of(hHeap);
	enum hc_result r;
	void *p;

	if (!heap)
		return NULL;
	if (!lpMem) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (heap->page)
		p = ph_realloc(heap->page, lpMem, dwBytes, core_flags(dwFlags), &r);
	else
		p = hc_realloc(heap->core, lpMem, dwBytes, core_flags(dwFlags), &r);
	if (!p)
		heap_result(heap, r, dwFlags, dwBytes, "HeapReAlloc", lpMem);
	return p;
}

NTMM_EXPORT SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem)
{
	struct ntmm_heap *heap = heap_of(hHeap);

	if (!heap)
		return (SIZE_T)-1;
	if (heap->page)
		return ph_size(heap->page, lpMem);
	return hc_size(heap->core, lpMem, core_flags(dwFlags));
}

NTMM_EXPORT BOOL WINAPI HeapValidate(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem)
{
	struct ntmm_heap *heap = heap_of(hHeap);

	if (!heap)
		return FALSE;
	if (heap->page)
		return ph_validate(heap->page, lpMem);
	return hc_validate(heap->core, lpMem, core_flags(dwFlags));
}

NTMM_EXPORT SIZE_T WINAPI HeapCompact(HANDLE hHeap, DWORD dwFlags)
{
	struct ntmm_heap *heap = heap_of(hHeap);
	SIZE_T largest;

	if (!heap)
		return 0;
	largest = heap->page ? 0 : hc_compact(heap->core, core_flags(dwFlags));
	if (!largest)
		SetLastError(NO_ERROR);
	return largest;
}

/* --- the heap whole ------------------------------------------------------------------ */

NTMM_EXPORT BOOL WINAPI HeapLock(HANDLE hHeap)
{
	struct ntmm_heap *heap = heap_of(hHeap);

	if (!heap)
		return FALSE;
	if (heap->page)
		ph_lock(heap->page);
	else
		hc_lock(heap->core);
	heap->owner = pthread_self();
	heap->depth++;
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI HeapUnlock(HANDLE hHeap)
{
	struct ntmm_heap *heap = heap_of(hHeap);

	if (!heap)
		return FALSE;
	/* Only the holder reads its own id here; another thread sees depth or a stale id. */
	if (!heap->depth || !pthread_equal(heap->owner, pthread_self())) {
		SetLastError(ERROR_NOT_LOCKED);
		return FALSE;
	}
	heap->depth--;
	if (heap->page)
		ph_unlock(heap->page);
	else
		hc_unlock(heap->core);
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI HeapWalk(HANDLE hHeap, LPPROCESS_HEAP_ENTRY lpEntry)
{
	struct ntmm_heap *heap = heap_of(hHeap);
	struct hc_entry e = { 0 };
	int r;

	if (!heap)
		return FALSE;
	if (!lpEntry) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	e.data = lpEntry->lpData;
	e.kind = lpEntry->wFlags & PROCESS_HEAP_REGION ? HC_ENTRY_REGION :
		 lpEntry->wFlags & PROCESS_HEAP_UNCOMMITTED_RANGE ? HC_ENTRY_UNCOMMITTED :
		 lpEntry->wFlags & PROCESS_HEAP_ENTRY_BUSY ? HC_ENTRY_BUSY : HC_ENTRY_FREE;
	r = heap->page ? ph_walk(heap->page, &e) : hc_walk(heap->core, &e);
	if (r <= 0) {
		SetLastError(r ? ERROR_INVALID_PARAMETER : ERROR_NO_MORE_ITEMS);
		return FALSE;
	}
	memset(lpEntry, 0, sizeof(*lpEntry));
	lpEntry->lpData = e.data;
	lpEntry->cbData = (DWORD)e.size;
	lpEntry->cbOverhead = (BYTE)(e.overhead > 0xff ? 0xff : e.overhead);
	lpEntry->iRegionIndex = (BYTE)e.region;
	switch (e.kind) {
	case HC_ENTRY_REGION:
		lpEntry->wFlags = PROCESS_HEAP_REGION;
		lpEntry->Region.dwCommittedSize = (DWORD)e.committed;
		lpEntry->Region.dwUnCommittedSize = (DWORD)e.uncommitted;
		lpEntry->Region.lpFirstBlock = e.first_block;
		lpEntry->Region.lpLastBlock = e.last_block;
		break;
	case HC_ENTRY_UNCOMMITTED:
		lpEntry->wFlags = PROCESS_HEAP_UNCOMMITTED_RANGE;
		break;
	case HC_ENTRY_BUSY:
	case HC_ENTRY_LARGE:
		lpEntry->wFlags = PROCESS_HEAP_ENTRY_BUSY;
		if (e.user_flag) {
			lpEntry->wFlags |= PROCESS_HEAP_ENTRY_MOVEABLE;
			lpEntry->Block.hMem = *(HANDLE *)e.data;
		}
		break;
	case HC_ENTRY_FREE:
		break;
	}
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI HeapSummary(HANDLE hHeap, DWORD dwFlags, LPHEAP_SUMMARY lpSummary)
{
	struct ntmm_heap *heap = heap_of(hHeap);
	struct hc_summary s;

	(void)dwFlags;
	if (!heap)
		return FALSE;
	if (!lpSummary || lpSummary->cb != sizeof(*lpSummary)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if (heap->page)
		ph_summary(heap->page, &s);
	else
		hc_summary(heap->core, &s);
	lpSummary->cbAllocated = s.allocated;
	lpSummary->cbCommitted = s.committed;
	lpSummary->cbReserved = s.reserved;
	lpSummary->cbMaxReserve = s.max_reserve;
	return TRUE;
}

/* --- information -------------------------------------------------------------------------- */

static BOOL heap_set_compatibility(struct ntmm_heap *heap, const ULONG *value, SIZE_T length)
{
	if (length < sizeof(ULONG)) {
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return FALSE;
	}
	/* 2 asks for the low-fragmentation heap, which cannot be turned off again. */
	if (*value == 2 ? heap->page || !hc_lfh_possible(heap->core) :
	    *value != 0 || heap->page || hc_lfh_enabled(heap->core)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	return TRUE;
}

static void heap_optimize(struct ntmm_heap *heap)
{
	if (heap->core)
		hc_compact(heap->core, 0);
}

NTMM_EXPORT BOOL WINAPI HeapSetInformation(HANDLE HeapHandle,
					   HEAP_INFORMATION_CLASS HeapInformationClass,
					   PVOID HeapInformation, SIZE_T HeapInformationLength)
{
	const HEAP_OPTIMIZE_RESOURCES_INFORMATION *opt = HeapInformation;
	struct ntmm_heap *heap;

	switch (HeapInformationClass) {
	case HeapEnableTerminationOnCorruption:
		__atomic_store_n(&terminate_on_corruption, 1, __ATOMIC_RELAXED);
		return TRUE;
	case HeapCompatibilityInformation:
		heap = heap_of(HeapHandle);
		if (!heap)
			return FALSE;
		if (!HeapInformation) {
			SetLastError(ERROR_NOACCESS);
			return FALSE;
		}
		return heap_set_compatibility(heap, HeapInformation, HeapInformationLength);
	case HeapOptimizeResources:
		if (!opt || HeapInformationLength < sizeof(*opt) ||
		    opt->Version != HEAP_OPTIMIZE_RESOURCES_CURRENT_VERSION) {
			SetLastError(ERROR_INVALID_PARAMETER);
			return FALSE;
		}
		if (HeapHandle) {
			heap = heap_of(HeapHandle);
			if (!heap)
				return FALSE;
			heap_optimize(heap);
			return TRUE;
		}
		GetProcessHeap();
		pthread_mutex_lock(&heaps_lock);
		for (heap = heaps; heap; heap = heap->next)
			heap_optimize(heap);
		pthread_mutex_unlock(&heaps_lock);
		return TRUE;
	}
	SetLastError(ERROR_INVALID_PARAMETER);
	return FALSE;
}

NTMM_EXPORT BOOL WINAPI HeapQueryInformation(HANDLE HeapHandle,
					     HEAP_INFORMATION_CLASS HeapInformationClass,
					     PVOID HeapInformation, SIZE_T HeapInformationLength,
					     PSIZE_T ReturnLength)
{
	struct ntmm_heap *heap;

	if (HeapInformationClass != HeapCompatibilityInformation) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	heap = heap_of(HeapHandle);
	if (!heap)
		return FALSE;
	if (ReturnLength)
		*ReturnLength = sizeof(ULONG);
	if (HeapInformationLength < sizeof(ULONG)) {
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return FALSE;
	}
	if (!HeapInformation) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	*(ULONG *)HeapInformation = heap->core && hc_lfh_enabled(heap->core) ? 2 : 0;
	return TRUE;
}

/* For heap_global.c: the moveable bit on a block of the process heap. */
BOOL ntmm_heap_set_moveable(HANDLE hHeap, void *p, BOOL on)
{
	struct ntmm_heap *heap = heap_of(hHeap);

	if (!heap)
		return FALSE;
	return heap->page ? ph_set_user_flag(heap->page, p, on) : hc_set_user_flag(heap->core, p, on);
}
