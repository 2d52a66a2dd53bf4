/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The heap allocator, pure: Windows' heap manager (segments committed as
 * they grow, a back end of boundary-tagged blocks, a low-fragmentation front
 * end of size classes with per-thread caches, blocks above a threshold from
 * the page provider directly) over a small page-provider interface, so that
 * the same code runs in libntmm over VirtualAlloc and on the host over mmap
 * under ASan and UBSan. It knows nothing of Win32: heap.c maps its results
 * to last errors, exceptions and termination.
 */
#ifndef LIBNTMM_HEAP_CORE_H
#define LIBNTMM_HEAP_CORE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Pages: reservations are multiples of 64 KiB at 64 KiB boundaries, commits
 * and decommits whole pages. reserve and alloc return NULL, commit non-zero,
 * when the memory cannot be had.
 */
struct hc_pages {
	void *ctx;
	void *(*reserve)(void *ctx, size_t size, int exec);
	void *(*alloc)(void *ctx, size_t size, int exec);	/* reserved and committed */
	int (*commit)(void *ctx, void *p, size_t size, int exec);
	void (*decommit)(void *ctx, void *p, size_t size);
	void (*release)(void *ctx, void *p);
};

#define HC_PAGE			4096UL
#define HC_GRANULARITY		0x10000UL
/* Blocks above this come from pages->alloc, pages of their own (growable heaps). */
#define HC_LARGE_THRESHOLD	(512UL * 1024)
#define HC_ALIGN		16

/* hc_create flags */
#define HC_NO_SERIALIZE		0x1	/* no locks: the caller serializes */
#define HC_EXECUTE		0x2	/* memory is executable */
/* per-call flags */
#define HC_ZERO			0x4	/* zero what the call hands out */
#define HC_IN_PLACE_ONLY	0x8	/* hc_realloc may not move the block */
#define HC_UNLOCKED		0x10	/* this call takes no lock (HEAP_NO_SERIALIZE) */

enum hc_result {
	HC_OK,
	HC_NO_MEMORY,	/* no room (fixed heap full, no commit, in-place impossible) */
	HC_CORRUPT,	/* a pointer the heap never gave, a double free, a bad header */
};

struct hc_heap;

/* @maximum 0: growable. Returns NULL when the pages cannot be had. */
struct hc_heap *hc_create(const struct hc_pages *pages, unsigned int flags,
			  size_t initial, size_t maximum);
/* Gives back every page; the handle is dead. */
void hc_destroy(struct hc_heap *h);

void *hc_alloc(struct hc_heap *h, size_t size, unsigned int flags, enum hc_result *res);
enum hc_result hc_free(struct hc_heap *h, void *p, unsigned int flags);
void *hc_realloc(struct hc_heap *h, void *p, size_t size, unsigned int flags,
		 enum hc_result *res);
/* The size asked for, or (size_t)-1 for a block the heap does not hold busy. */
size_t hc_size(struct hc_heap *h, const void *p, unsigned int flags);

/*
 * A bit of its own for the caller on each busy block (Global* marks its
 * moveable blocks with it). FALSE for a block the heap does not hold busy.
 */
int hc_set_user_flag(struct hc_heap *h, void *p, int on);

/* 1 if the block (@p) or the whole heap (@p NULL) is consistent, else 0. */
int hc_validate(struct hc_heap *h, const void *p, unsigned int flags);

/*
 * Return the front end's cached blocks, give empty pages back; the size of
 * the largest free committed block.
 */
size_t hc_compact(struct hc_heap *h, unsigned int flags);

/* Exclude every other thread from the heap (recursive). */
void hc_lock(struct hc_heap *h);
void hc_unlock(struct hc_heap *h);

/* The low-fragmentation front end: on unless fixed-size or unserialized. */
int hc_lfh_enabled(const struct hc_heap *h);
int hc_lfh_possible(const struct hc_heap *h);

struct hc_summary {
	size_t allocated, committed, reserved, max_reserve;
};
void hc_summary(struct hc_heap *h, struct hc_summary *s);

/* One step of a heap walk, in Windows' order (HeapWalk's PROCESS_HEAP_ENTRY). */
enum hc_entry_kind {
	HC_ENTRY_REGION,	/* a segment: data = its base, size = its span */
	HC_ENTRY_BUSY,
	HC_ENTRY_FREE,
	HC_ENTRY_UNCOMMITTED,	/* a segment's uncommitted tail */
	HC_ENTRY_LARGE,		/* a busy block of its own pages */
};

struct hc_entry {
	void *data;
	size_t size;
	unsigned int overhead;
	unsigned int region;
	enum hc_entry_kind kind;
	int user_flag;
	/* HC_ENTRY_REGION */
	size_t committed, uncommitted;
	void *first_block, *last_block;
};

/*
 * @e->data NULL starts a walk; each call moves @e to the next entry. Returns
 * 1 with an entry, 0 at the end, -1 when @e is not an entry of this heap.
 * The caller holds hc_lock across the walk if others may change the heap.
 */
int hc_walk(struct hc_heap *h, struct hc_entry *e);

#endif /* LIBNTMM_HEAP_CORE_H */
