// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * winbase.h's local and global memory, one and the same on Win32: blocks of
 * the process heap. A fixed block's handle is its pointer. A moveable block
 * has a handle from a table of its own (a VirtualAlloc reservation, 65,536
 * entries, committed as it fills), whose first field points at the data, as
 * Windows' handles always have; the heap block starts with the handle
 * (NTMM_MOVEABLE_HEADER bytes) and is marked moveable for HeapWalk. A
 * moveable object of size 0, or one reallocated to 0, is discarded: a handle
 * with no memory.
 */
#include <pthread.h>
#include <string.h>

#include "internal.h"

#define HG_ENTRIES	65536
#define HG_MAGIC	0x4d48	/* "HM" */
#define HG_DISCARDABLE	0x1

struct hg_entry {
	void *data;		/* first: the handle points at the data pointer */
	uint16_t magic;
	uint8_t flags;
	uint8_t lock;
	uint32_t next_free;	/* index + 1, 0 for none */
};

static pthread_mutex_t hg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hg_entry *hg_table;	/* under hg_lock once set */
static uint32_t hg_committed;		/* entries committed */
static uint32_t hg_used;		/* entries ever handed out */
static uint32_t hg_free;		/* index + 1 of a free entry */
static int hg_atfork_registered;

/* The table is ntmm memory, which a forked child does not inherit. */
static void hg_after_fork(void)
{
	hg_table = NULL;
	hg_committed = hg_used = hg_free = 0;
}

static struct hg_entry *hg_entry_new(void)
{
	struct hg_entry *e = NULL;
	const uint32_t per_page = 4096 / sizeof(*e);

	pthread_mutex_lock(&hg_lock);
	if (!hg_table) {
		hg_table = VirtualAlloc(NULL, HG_ENTRIES * sizeof(*e), MEM_RESERVE, PAGE_READWRITE);
		if (hg_table && !hg_atfork_registered) {
			hg_atfork_registered = 1;
			pthread_atfork(NULL, NULL, hg_after_fork);
		}
	}
	if (hg_free) {
		e = &hg_table[hg_free - 1];
		hg_free = e->next_free;
	} else if (hg_table && hg_used < HG_ENTRIES) {
		if (hg_used == hg_committed &&
		    VirtualAlloc(&hg_table[hg_used], 4096, MEM_COMMIT, PAGE_READWRITE))
			hg_committed += per_page;
		if (hg_used < hg_committed)
			e = &hg_table[hg_used++];
	}
	if (e) {
		memset(e, 0, sizeof(*e));
		e->magic = HG_MAGIC;
	}
	pthread_mutex_unlock(&hg_lock);
	if (!e)
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
	return e;
}

static void hg_entry_free(struct hg_entry *e)
{
	pthread_mutex_lock(&hg_lock);
	e->magic = 0;
	e->next_free = hg_free;
	hg_free = (uint32_t)(e - hg_table) + 1;
	pthread_mutex_unlock(&hg_lock);
}

/* The handle table's entry @h is, or NULL for a pointer. */
static struct hg_entry *hg_handle(HGLOBAL h)
{
	struct hg_entry *e = h;
	uintptr_t off = (uintptr_t)e - (uintptr_t)hg_table;

	if (!hg_table || off >= (uintptr_t)hg_committed * sizeof(*e) || off % sizeof(*e) ||
	    e->magic != HG_MAGIC)
		return NULL;
	return e;
}

static char *hg_block(const struct hg_entry *e)
{
	return (char *)e->data - NTMM_MOVEABLE_HEADER;
}

/* A fixed block's pointer, checked; FALSE with ERROR_INVALID_HANDLE if it is none. */
static BOOL hg_pointer_valid(HGLOBAL h)
{
	if (h && HeapValidate(GetProcessHeap(), 0, h))
		return TRUE;
	SetLastError(ERROR_INVALID_HANDLE);
	return FALSE;
}

/* Give the moveable object @e a block of @size, zeroed if asked. */
static BOOL hg_attach(struct hg_entry *e, SIZE_T size, UINT flags)
{
	HANDLE heap = GetProcessHeap();
	char *b = HeapAlloc(heap, flags & GMEM_ZEROINIT ? HEAP_ZERO_MEMORY : 0,
			    size + NTMM_MOVEABLE_HEADER);

	if (!b)
		return FALSE;
	*(HGLOBAL *)b = e;
	ntmm_heap_set_moveable(heap, b, TRUE);
	e->data = b + NTMM_MOVEABLE_HEADER;
	return TRUE;
}

static HGLOBAL hg_alloc(UINT flags, SIZE_T size, UINT valid, UINT discardable)
{
	struct hg_entry *e;

	if (flags & ~valid) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (!(flags & GMEM_MOVEABLE))
		return HeapAlloc(GetProcessHeap(), flags & GMEM_ZEROINIT ? HEAP_ZERO_MEMORY : 0, size);
	e = hg_entry_new();
	if (!e)
		return NULL;
	e->flags = flags & discardable ? HG_DISCARDABLE : 0;
	if (size && !hg_attach(e, size, flags)) {
		hg_entry_free(e);
		return NULL;
	}
	return e;
}

static HGLOBAL hg_free_handle(HGLOBAL h)
{
	struct hg_entry *e = hg_handle(h);

	if (!h)
		return NULL;
	if (e) {
		if (e->data)
			HeapFree(GetProcessHeap(), 0, hg_block(e));
		hg_entry_free(e);
		return NULL;
	}
	if (!HeapFree(GetProcessHeap(), 0, h)) {
		SetLastError(ERROR_INVALID_HANDLE);
		return h;
	}
	return NULL;
}

static LPVOID hg_lock_handle(HGLOBAL h)
{
	struct hg_entry *e = hg_handle(h);

	if (!e)
		return hg_pointer_valid(h) ? h : NULL;
	if (!e->data) {
		SetLastError(ERROR_DISCARDED);
		return NULL;
	}
	if (e->lock < GMEM_LOCKCOUNT)
		e->lock++;
	return e->data;
}

/* @fixed_result: what unlocking a fixed block returns (Global TRUE, Local FALSE). */
static BOOL hg_unlock_handle(HGLOBAL h, BOOL fixed_result)
{
	struct hg_entry *e = hg_handle(h);

	if (!e) {
		if (!hg_pointer_valid(h))
			return FALSE;
		if (!fixed_result)
			SetLastError(ERROR_NOT_LOCKED);
		return fixed_result;
	}
	if (!e->lock) {
		SetLastError(ERROR_NOT_LOCKED);
		return FALSE;
	}
	if (--e->lock)
		return TRUE;
	SetLastError(NO_ERROR);
	return FALSE;
}

static SIZE_T hg_size(HGLOBAL h)
{
	struct hg_entry *e = hg_handle(h);
	SIZE_T n;

	if (e)
		return e->data ? HeapSize(GetProcessHeap(), 0, hg_block(e)) - NTMM_MOVEABLE_HEADER : 0;
	n = h ? HeapSize(GetProcessHeap(), 0, h) : (SIZE_T)-1;
	if (n == (SIZE_T)-1) {
		SetLastError(ERROR_INVALID_HANDLE);
		return 0;
	}
	return n;
}

static UINT hg_flags(HGLOBAL h, UINT discardable)
{
	struct hg_entry *e = hg_handle(h);

	if (!e)
		return hg_pointer_valid(h) ? 0 : GMEM_INVALID_HANDLE;
	return e->lock | (e->data ? 0 : GMEM_DISCARDED) |
	       (e->flags & HG_DISCARDABLE ? discardable : 0);
}

static HGLOBAL hg_handle_of(LPCVOID p)
{
	HANDLE heap = GetProcessHeap();
	const char *b = (const char *)p - NTMM_MOVEABLE_HEADER;
	struct hg_entry *e;

	if (p && HeapValidate(heap, 0, b) && (e = hg_handle(*(HGLOBAL const *)b)) && e->data == p)
		return e;
	return hg_pointer_valid((HGLOBAL)p) ? (HGLOBAL)p : NULL;
}

static HGLOBAL hg_realloc(HGLOBAL h, SIZE_T size, UINT flags, UINT discardable)
{
	struct hg_entry *e = hg_handle(h);
	HANDLE heap = GetProcessHeap();
	DWORD zero = flags & GMEM_ZEROINIT ? HEAP_ZERO_MEMORY : 0;
	char *b;

	if (flags & GMEM_MODIFY) {
		if (e) {
			e->flags = flags & discardable ? HG_DISCARDABLE : 0;
			return h;
		}
		if (!hg_pointer_valid(h))
			return NULL;
		if (!(flags & GMEM_MOVEABLE))
			return h;
		/* A fixed block becomes moveable: its data moves behind a handle. */
		size = HeapSize(heap, 0, h);
		e = hg_alloc(GMEM_MOVEABLE, size ? size : 1, GMEM_MOVEABLE, 0);
		if (!e)
			return NULL;
		memcpy(e->data, h, size);
		HeapFree(heap, 0, h);
		return e;
	}
	if (!e) {
		if (!hg_pointer_valid(h))
			return NULL;
		return HeapReAlloc(heap, zero | (flags & GMEM_MOVEABLE ? 0 : HEAP_REALLOC_IN_PLACE_ONLY),
				   h, size);
	}
	if (!size) {
		if (e->data && !e->lock) {
			HeapFree(heap, 0, hg_block(e));
			e->data = NULL;
		}
		return h;
	}
	if (!e->data)
		return hg_attach(e, size, flags) ? h : NULL;
	b = HeapReAlloc(heap, zero | (e->lock && !(flags & GMEM_MOVEABLE) ?
				      HEAP_REALLOC_IN_PLACE_ONLY : 0),
			hg_block(e), size + NTMM_MOVEABLE_HEADER);
	if (!b)
		return NULL;
	e->data = b + NTMM_MOVEABLE_HEADER;
	return h;
}

NTMM_EXPORT HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes)
{
	return hg_alloc(uFlags, dwBytes, GMEM_VALID_FLAGS, GMEM_DISCARDABLE);
}

NTMM_EXPORT HGLOBAL WINAPI GlobalReAlloc(HGLOBAL hMem, SIZE_T dwBytes, UINT uFlags)
{
	return hg_realloc(hMem, dwBytes, uFlags, GMEM_DISCARDABLE);
}

NTMM_EXPORT HGLOBAL WINAPI GlobalFree(HGLOBAL hMem)
{
	return hg_free_handle(hMem);
}

NTMM_EXPORT LPVOID WINAPI GlobalLock(HGLOBAL hMem)
{
	return hg_lock_handle(hMem);
}

NTMM_EXPORT BOOL WINAPI GlobalUnlock(HGLOBAL hMem)
{
	return hg_unlock_handle(hMem, TRUE);
}

NTMM_EXPORT SIZE_T WINAPI GlobalSize(HGLOBAL hMem)
{
	return hg_size(hMem);
}

NTMM_EXPORT UINT WINAPI GlobalFlags(HGLOBAL hMem)
{
	return hg_flags(hMem, GMEM_DISCARDABLE);
}

NTMM_EXPORT HGLOBAL WINAPI GlobalHandle(LPCVOID pMem)
{
	return hg_handle_of(pMem);
}

NTMM_EXPORT HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes)
{
	return hg_alloc(uFlags, uBytes, LMEM_VALID_FLAGS, LMEM_DISCARDABLE);
}

NTMM_EXPORT HLOCAL WINAPI LocalReAlloc(HLOCAL hMem, SIZE_T uBytes, UINT uFlags)
{
	return hg_realloc(hMem, uBytes, uFlags, LMEM_DISCARDABLE);
}

NTMM_EXPORT HLOCAL WINAPI LocalFree(HLOCAL hMem)
{
	return hg_free_handle(hMem);
}

NTMM_EXPORT LPVOID WINAPI LocalLock(HLOCAL hMem)
{
	return hg_lock_handle(hMem);
}

NTMM_EXPORT BOOL WINAPI LocalUnlock(HLOCAL hMem)
{
	return hg_unlock_handle(hMem, FALSE);
}

NTMM_EXPORT SIZE_T WINAPI LocalSize(HLOCAL hMem)
{
	return hg_size(hMem);
}

NTMM_EXPORT UINT WINAPI LocalFlags(HLOCAL hMem)
{
	return hg_flags(hMem, LMEM_DISCARDABLE);
}

NTMM_EXPORT HLOCAL WINAPI LocalHandle(LPCVOID pMem)
{
	return hg_handle_of(pMem);
}
