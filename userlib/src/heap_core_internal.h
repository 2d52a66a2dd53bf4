/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The heap allocator's layout, shared by heap_core.c (allocation) and
 * heap_core_walk.c (walk, validation, summary, compaction).
 *
 * A heap is segments (reservations committed from their start as they
 * grow) and large blocks (pages of their own, their descriptors apart). A segment holds back-end
 * blocks end to end, each behind a 16-byte header (the sizes of it and of
 * its predecessor, in 16-byte units, and a tag); the last block reaches the
 * committed end. Free blocks wait in bins. A slab is a busy back-end block
 * cut into slots of one size class, each behind an 8-byte tag; the front end
 * hands slots out through per-thread caches. Every tag is encoded with the
 * heap's random key and carries a checksum, so a foreign pointer, a double
 * free or an overwritten header is seen before anything is changed.
 */
#ifndef LIBNTMM_HEAP_CORE_INTERNAL_H
#define LIBNTMM_HEAP_CORE_INTERNAL_H

#include <pthread.h>
#include <string.h>

#include "heap_core.h"

#define HC_UNIT			16
#define HC_LFH_MAX		1024	/* requests up to this go to the front end */
#define HC_NCLASSES		33	/* strides 16-256 by 16, to 512 by 32, to 1024 by 64, and 1040 */
#define HC_SLAB_BYTES		16384
#define HC_TCACHE_BYTES		8192	/* what a thread caches of a class, about */
#define HC_MAX_SEGMENTS		64
#define HC_NBINS		160	/* units 0..127 exact, then one per power of two */
#define HC_SEGMENT_MIN		(1UL << 20)
#define HC_SEGMENT_MAX		(64UL << 20)
#define HC_GROW_MIN		(64UL << 10)	/* commit at least this much at a time */
#define HC_DECOMMIT_SLACK	(64UL << 10)	/* free committed space kept at a segment's end */

/* Tag bits, before encoding. */
#define TAG_CHECK		0xffULL
#define TAG_BUSY		0x100ULL
#define TAG_FREE		0x200ULL
#define TAG_STATE		0xf00ULL
#define TAG_SLOT		0x1000ULL	/* a front-end slot */
#define TAG_BLOCK		0x2000ULL	/* a back-end block */
#define TAG_SLAB		0x3000ULL	/* a back-end block cut into slots */
#define TAG_LARGE		0x4000ULL	/* a block of its own pages */
#define TAG_KIND		0x7000ULL
#define TAG_USER		0x8000ULL
#define TAG_SIZE_SHIFT		16		/* 24 bits: the size asked (not large blocks) */
#define TAG_SIZE_MASK		0xffffffULL
#define TAG_CLASS_SHIFT		40		/* 8 bits (slots) */
#define TAG_OFFSET_SHIFT	48		/* 16 bits: slot to slab, in units (slots) */

#define HC_HEAP_MAGIC		0x4e544d4d48454150ULL	/* "NTMMHEAP" */
#define HC_SEGMENT_MAGIC	0x4e544d4d5345474dULL
#define HC_SLAB_MAGIC		0x4e544d4d534c4142ULL

struct hc_block {		/* a back-end block's header; data follows */
	uint32_t prev_units;	/* 0 for a segment's first block */
	uint32_t units;		/* header included */
	uint64_t tag;
};

struct hc_free_links {		/* in a free back-end block's data */
	struct hc_block *next, *prev;
};

struct hc_segment {
	uint64_t magic;
	struct hc_heap *heap;
	char *base;
	size_t reserved;	/* the reservation */
	size_t limit;		/* what may be committed: a fixed heap's maximum */
	size_t committed;	/* committed from base; blocks reach exactly here */
	struct hc_block *first, *last;
	unsigned int index;
};

struct hc_tcache;

struct hc_slab {		/* at a slab block's data */
	uint64_t magic;
	struct hc_slab *next, *prev;	/* its owner's slabs of the class with free slots */
	struct hc_tcache *owner;	/* the thread cache it serves, or NULL: the heap's */
	void *free;			/* free slots, linked through their data */
	struct hc_segment *seg;
	char *slots;			/* slot 0's tag */
	uint16_t cls, nslots, used, listed;
};

struct hc_class {
	uint32_t stride;	/* tag + capacity */
	uint32_t batch;		/* slots moved between a thread cache and the slabs */
};

struct hc_tcache {
	struct hc_tcache *next;		/* the heap's, under its lock */
	struct hc_heap *heap;
	int active;			/* atomic: a fast path is running */
	int orphan;			/* its thread is gone: free for another */
	/* Slabs that serve this cache only, so that threads share no lines. */
	struct hc_slab *partial[HC_NCLASSES];
	struct {
		void *head;
		uint32_t room;		/* how many more it may hold: 2 batches in all */
	} bin[HC_NCLASSES];
};

/* This thread's caches, most recently used first; serial 0 for none. */
#define HC_TLS_SLOTS 4
struct hc_tls {
	uint64_t serial;
	struct hc_tcache *tc;
	struct hc_heap *heap;
};

/*
 * A large block's descriptor, kept apart (malloc) as Windows keeps its big
 * pool's: the block is its pages alone, page-aligned, and an allocation that
 * nobody touches costs what VirtualAlloc costs.
 */
struct hc_large {
	struct hc_large *next, *prev;
	char *base;		/* the block */
	size_t size;		/* of the allocation */
	size_t asked;		/* the block's size */
	uint64_t tag;
};

struct hc_heap {
	uint64_t magic;
	uint64_t key;
	uint64_t serial;	/* unique per heap ever made: thread caches check it */
	unsigned int flags;
	int lfh;
	int stop;		/* atomic: fast paths must take the lock */
	int stopped;		/* nesting of hc_stop, under lock */
	struct hc_pages pages;
	pthread_mutex_t lock;	/* recursive */
	size_t maximum;		/* 0: growable */
	size_t next_reserve;
	unsigned int nsegs;	/* atomic: segments only ever get added */
	struct hc_segment *segs[HC_MAX_SEGMENTS];
	/* Where each segment's blocks' data may lie: [lo, hi), hi moving with its commit. */
	uintptr_t seg_lo[HC_MAX_SEGMENTS], seg_hi[HC_MAX_SEGMENTS];
	struct hc_slab *partial[HC_NCLASSES];
	struct hc_block *bins[HC_NBINS];
	uint64_t binmap[(HC_NBINS + 63) / 64];
	struct hc_large *large;
	struct hc_tcache *tcaches;
	struct hc_heap *live_next;	/* every heap with a front end, for thread exit */
};

extern struct hc_class hc_classes[HC_NCLASSES];
extern uint8_t hc_class_of[HC_LFH_MAX / HC_UNIT + 2];	/* by (size + 23) / 16 */
extern int hc_asymmetric;				/* membarrier registered */
extern __thread struct hc_tls hc_tls[HC_TLS_SLOTS] __attribute__((tls_model("initial-exec")));

static inline uint64_t hc_check(uint64_t x)
{
	x ^= x >> 32;
	x ^= x >> 16;
	x ^= x >> 8;
	return (x ^ 0x5a) & TAG_CHECK;
}

/* Encode @raw (checksum byte zero) for @h; @extra is a block's sizes. */
static inline uint64_t hc_tag_encode(const struct hc_heap *h, uint64_t raw, uint64_t extra)
{
	return (raw | hc_check(raw ^ extra)) ^ h->key;
}

/* The raw tag, or 0 if the checksum is wrong. */
static inline uint64_t hc_tag_decode(const struct hc_heap *h, uint64_t tag, uint64_t extra)
{
	uint64_t raw = tag ^ h->key;

	return hc_check((raw & ~TAG_CHECK) ^ extra) == (raw & TAG_CHECK) ? raw & ~TAG_CHECK : 0;
}

static inline uint64_t hc_block_extra(const struct hc_block *b)
{
	return (uint64_t)b->prev_units << 32 | b->units;
}

static inline uint64_t *hc_tag_of(const void *p)
{
	return (uint64_t *)p - 1;
}

static inline struct hc_block *hc_block_of(const void *p)
{
	return (struct hc_block *)p - 1;
}

static inline void *hc_block_data(struct hc_block *b)
{
	return b + 1;
}

static inline struct hc_block *hc_block_next(struct hc_block *b)
{
	return (struct hc_block *)((char *)b + (size_t)b->units * HC_UNIT);
}

static inline char *hc_segment_end(const struct hc_segment *s)
{
	return s->base + s->committed;
}

static inline size_t hc_slot_capacity(unsigned int cls)
{
	return hc_classes[cls].stride - sizeof(uint64_t);
}

/* The index + 1 of the segment holding data pointer @p, or 0. */
static inline unsigned int hc_segment_index(const struct hc_heap *h, const void *p)
{
	unsigned int i = __atomic_load_n(&h->nsegs, __ATOMIC_ACQUIRE);
	uintptr_t a = (uintptr_t)p;

	while (i--)
		if (a - h->seg_lo[i] < h->seg_hi[i] - h->seg_lo[i])
			return i + 1;
	return 0;
}

/* The segment holding data pointer @p, or NULL. */
static inline struct hc_segment *hc_segment_of(struct hc_heap *h, const void *p)
{
	unsigned int i = hc_segment_index(h, p);

	return i ? h->segs[i - 1] : NULL;
}

/* --- the fast paths: this thread's cache, no lock ----------------------------------- */

static inline void hc_enter(struct hc_tcache *tc)
{
	__atomic_store_n(&tc->active, 1, __ATOMIC_RELAXED);
	if (hc_asymmetric)
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	else
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void hc_leave(struct hc_tcache *tc)
{
	__atomic_store_n(&tc->active, 0, __ATOMIC_RELEASE);
}

/* A slot from this thread's cache of @h, or NULL (then hc_alloc decides). */
static inline void *hc_alloc_fast(struct hc_heap *h, size_t size, unsigned int flags)
{
	struct hc_tcache *tc;
	unsigned int cls;
	uint64_t key, raw;
	void *p = NULL;

	if (size > HC_LFH_MAX || hc_tls[0].serial != h->serial)
		return NULL;
	tc = hc_tls[0].tc;
	cls = hc_class_of[(size + 23) / HC_UNIT];
	hc_enter(tc);
	if (__builtin_expect(!__atomic_load_n(&h->stop, __ATOMIC_RELAXED), 1) &&
	    (p = tc->bin[cls].head)) {
		tc->bin[cls].head = *(void **)p;
		tc->bin[cls].room++;
		key = h->key;
		raw = (*hc_tag_of(p) ^ key) & ~(TAG_CHECK | TAG_STATE | TAG_SIZE_MASK << TAG_SIZE_SHIFT);
		raw |= TAG_BUSY | (uint64_t)size << TAG_SIZE_SHIFT;
		*hc_tag_of(p) = (raw | hc_check(raw)) ^ key;
	}
	hc_leave(tc);
	if (p && (flags & HC_ZERO))
		memset(p, 0, size);
	return p;
}

/* Free a busy slot into this thread's cache of @h: 1 if done, else hc_free decides. */
static inline int hc_free_fast(struct hc_heap *h, void *p)
{
	struct hc_tcache *tc;
	uint64_t key, raw;
	unsigned int cls;
	int done = 0;

	if (hc_tls[0].serial != h->serial || (uintptr_t)p % HC_ALIGN || !hc_segment_index(h, p))
		return 0;
	key = h->key;
	raw = *hc_tag_of(p) ^ key;
	cls = (raw >> TAG_CLASS_SHIFT) & 0xff;
	if ((raw & (TAG_KIND | TAG_STATE)) != (TAG_SLOT | TAG_BUSY) || cls >= HC_NCLASSES ||
	    hc_check(raw & ~TAG_CHECK) != (raw & TAG_CHECK))
		return 0;
	tc = hc_tls[0].tc;
	hc_enter(tc);
	if (__builtin_expect(!__atomic_load_n(&h->stop, __ATOMIC_RELAXED), 1) && tc->bin[cls].room) {
		raw = (raw & ~(TAG_CHECK | TAG_STATE | TAG_USER | TAG_SIZE_MASK << TAG_SIZE_SHIFT)) |
		      TAG_FREE;
		*hc_tag_of(p) = (raw | hc_check(raw)) ^ key;
		*(void **)p = tc->bin[cls].head;
		tc->bin[cls].head = p;
		tc->bin[cls].room--;
		done = 1;
	}
	hc_leave(tc);
	return done;
}

/* The raw tag of the block at @p in @s (slot, block or slab), or 0 if corrupt. */
uint64_t hc_block_tag(struct hc_heap *h, struct hc_segment *s, const void *p);
/* The large block whose data is @p, or NULL. */
struct hc_large *hc_large_of(struct hc_heap *h, const void *p);
/* The slab a slot's raw tag names. */
static inline struct hc_slab *hc_slab_of(const void *p, uint64_t raw)
{
	return (struct hc_slab *)((char *)p - (raw >> TAG_OFFSET_SHIFT) * HC_UNIT);
}

/* Exclude every thread cache's fast path; the lock is held. Nests. */
void hc_stop(struct hc_heap *h);
void hc_resume(struct hc_heap *h);
void hc_heap_lock(struct hc_heap *h, unsigned int flags);
void hc_heap_unlock(struct hc_heap *h, unsigned int flags);

/* Give every thread cache's slots back to their slabs; stopped. */
void hc_flush_all(struct hc_heap *h);
/* Free an empty slab's block; locked. */
void hc_slab_release(struct hc_heap *h, struct hc_slab *sl);
/* Decommit a segment's free end beyond @slack bytes; locked. */
void hc_trim(struct hc_heap *h, struct hc_segment *s, size_t slack);

#endif /* LIBNTMM_HEAP_CORE_INTERNAL_H */
