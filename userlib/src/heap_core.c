// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The heap allocator (heap_core.h): segments, the back end's blocks and
 * bins, slabs, per-thread caches, large blocks; allocation, free, realloc.
 *
 * Locking. The heap's recursive mutex guards everything but the thread
 * caches: segments, bins, slabs, large blocks. A thread cache belongs to one
 * thread, whose fast path pops or pushes slots with no lock at all: it
 * raises its cache's active flag, checks the heap's stop flag, works, and
 * lowers the flag. Whatever must see the heap whole (HeapLock, walk,
 * validation, compaction) takes the mutex, raises stop, and waits until no
 * cache is active; a fast path that sees stop takes the mutex instead, and
 * so waits for HeapUnlock. Where the kernel offers membarrier(2), the stop
 * side pays for the store-load ordering and the fast path needs no fence.
 */
#define _GNU_SOURCE
#include <linux/membarrier.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "heap_core_internal.h"

struct hc_class hc_classes[HC_NCLASSES];
uint8_t hc_class_of[HC_LFH_MAX / HC_UNIT + 2];
int hc_asymmetric;
__thread struct hc_tls hc_tls[HC_TLS_SLOTS] __attribute__((tls_model("initial-exec")));
static pthread_once_t hc_once = PTHREAD_ONCE_INIT;

static pthread_mutex_t hc_live_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hc_heap *hc_live;	/* under hc_live_lock */
static uint64_t hc_serial;	/* under hc_live_lock */
static pthread_key_t hc_thread_key;

static __thread int hc_tls_registered __attribute__((tls_model("initial-exec")));

static void hc_thread_exit(void *unused);

/* No heap crosses fork: its pages are not inherited (ntmm memory is not). */
static void hc_after_fork(void)
{
	hc_live = NULL;
	memset(hc_tls, 0, sizeof(hc_tls));
}

/* Size classes (HC_NCLASSES): strides of 16 to 256, 32 to 512, 64 to 1024, then 1040 for 1 KiB. */
static void hc_init(void)
{
	unsigned int c = 0, stride = 16, i;

	while (c < HC_NCLASSES) {
		struct hc_class *k = &hc_classes[c++];

		k->stride = stride;
		k->batch = HC_TCACHE_BYTES / stride < 4 ? 4 :
			   HC_TCACHE_BYTES / stride > 32 ? 32 : HC_TCACHE_BYTES / stride;
		stride += stride < 256 ? 16 : stride < 512 ? 32 : stride < 1024 ? 64 : 16;
	}
	for (i = 0, c = 0; i < sizeof(hc_class_of); i++) {
		while (hc_classes[c].stride < i * HC_UNIT)
			c++;
		hc_class_of[i] = (uint8_t)c;
	}
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0)
		hc_asymmetric = 1;
	pthread_key_create(&hc_thread_key, hc_thread_exit);
	pthread_atfork(NULL, NULL, hc_after_fork);
}

static inline unsigned int hc_class(size_t size)
{
	return hc_class_of[(size + 23) / HC_UNIT];
}

static inline size_t hc_round_up(size_t x, size_t to)
{
	return (x + to - 1) & ~(to - 1);
}

/* --- locking ------------------------------------------------------------ */

/*
 * The slow paths hold the lock briefly: spin a little before sleeping, since
 * a futex wait and wake cost more than most critical sections.
 */
void hc_heap_lock(struct hc_heap *h, unsigned int flags)
{
	int i;

	if ((h->flags & HC_NO_SERIALIZE) || (flags & HC_UNLOCKED))
		return;
	for (i = 0; i < 200; i++) {
		if (!pthread_mutex_trylock(&h->lock))
			return;
		__builtin_ia32_pause();
	}
	pthread_mutex_lock(&h->lock);
}

void hc_heap_unlock(struct hc_heap *h, unsigned int flags)
{
	if (!(h->flags & HC_NO_SERIALIZE) && !(flags & HC_UNLOCKED))
		pthread_mutex_unlock(&h->lock);
}

void hc_stop(struct hc_heap *h)
{
	struct hc_tcache *tc;

	if (h->stopped++)
		return;
	__atomic_store_n(&h->stop, 1, __ATOMIC_RELAXED);
	if (!hc_asymmetric || syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0))
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (tc = h->tcaches; tc; tc = tc->next)
		while (__atomic_load_n(&tc->active, __ATOMIC_ACQUIRE))
			sched_yield();
}

void hc_resume(struct hc_heap *h)
{
	if (--h->stopped == 0)
		__atomic_store_n(&h->stop, 0, __ATOMIC_RELEASE);
}

void hc_lock(struct hc_heap *h)
{
	pthread_mutex_lock(&h->lock);
	hc_stop(h);
}

void hc_unlock(struct hc_heap *h)
{
	hc_resume(h);
	pthread_mutex_unlock(&h->lock);
}

/* --- the back end: bins -------------------------------------------------- */

static unsigned int hc_bin(uint32_t units)
{
	return units < 128 ? units : 128 + (31 - (unsigned int)__builtin_clz(units)) - 7;
}

static struct hc_free_links *hc_links(struct hc_block *b)
{
	return hc_block_data(b);
}

static void hc_bin_insert(struct hc_heap *h, struct hc_block *b)
{
	unsigned int i = hc_bin(b->units);
	struct hc_free_links *l = hc_links(b);

	l->prev = NULL;
	l->next = h->bins[i];
	if (l->next)
		hc_links(l->next)->prev = b;
	h->bins[i] = b;
	h->binmap[i / 64] |= 1ULL << (i % 64);
}

static void hc_bin_remove(struct hc_heap *h, struct hc_block *b)
{
	unsigned int i = hc_bin(b->units);
	struct hc_free_links *l = hc_links(b);

	if (l->prev)
		hc_links(l->prev)->next = l->next;
	else
		h->bins[i] = l->next;
	if (l->next)
		hc_links(l->next)->prev = l->prev;
	if (!h->bins[i])
		h->binmap[i / 64] &= ~(1ULL << (i % 64));
}

static int hc_bin_next(const struct hc_heap *h, unsigned int i)
{
	while (i < HC_NBINS) {
		uint64_t w = h->binmap[i / 64] >> (i % 64);

		if (w)
			return (int)(i + __builtin_ctzll(w));
		i = (i / 64 + 1) * 64;
	}
	return -1;
}

static struct hc_block *hc_bin_find(struct hc_heap *h, uint32_t units)
{
	int i;

	for (i = hc_bin_next(h, hc_bin(units)); i >= 0; i = hc_bin_next(h, (unsigned int)i + 1)) {
		struct hc_block *b;

		for (b = h->bins[i]; b; b = hc_links(b)->next)
			if (b->units >= units)
				return b;
	}
	return NULL;
}

/* --- the back end: blocks ------------------------------------------------ */

static void hc_block_set(struct hc_heap *h, struct hc_block *b, uint64_t raw)
{
	b->tag = hc_tag_encode(h, raw, hc_block_extra(b));
}

static uint64_t hc_block_raw(struct hc_heap *h, const struct hc_block *b)
{
	return hc_tag_decode(h, b->tag, hc_block_extra(b));
}

/* @b's successor learns @b's new size (its checksum covers it). */
static void hc_fix_next(struct hc_heap *h, struct hc_segment *s, struct hc_block *b)
{
	struct hc_block *n = hc_block_next(b);
	uint64_t raw;

	if ((char *)n >= hc_segment_end(s))
		return;
	raw = hc_block_raw(h, n);
	n->prev_units = b->units;
	if (raw)
		hc_block_set(h, n, raw);
}

static int hc_block_is_free(struct hc_heap *h, const struct hc_block *b)
{
	return (hc_block_raw(h, b) & (TAG_STATE | TAG_KIND)) == (TAG_FREE | TAG_BLOCK);
}

/* Put @b (not in a bin) into the bins as free, merged with free neighbours. */
static void hc_block_release(struct hc_heap *h, struct hc_segment *s, struct hc_block *b)
{
	struct hc_block *n = hc_block_next(b);

	if ((char *)n < hc_segment_end(s) && hc_block_is_free(h, n)) {
		hc_bin_remove(h, n);
		b->units += n->units;
		if (s->last == n)
			s->last = b;
	}
	if (b->prev_units) {
		struct hc_block *p = (struct hc_block *)((char *)b - (size_t)b->prev_units * HC_UNIT);

		if (hc_block_is_free(h, p)) {
			hc_bin_remove(h, p);
			p->units += b->units;
			if (s->last == b)
				s->last = p;
			b = p;
		}
	}
	hc_block_set(h, b, TAG_FREE | TAG_BLOCK);
	hc_fix_next(h, s, b);
	hc_bin_insert(h, b);
	if (b == s->last)
		hc_trim(h, s, HC_DECOMMIT_SLACK);
}

/* Cut @b (busy, not in a bin) to @units, freeing the rest if it makes a block. */
static void hc_block_split(struct hc_heap *h, struct hc_segment *s, struct hc_block *b,
			   uint32_t units)
{
	struct hc_block *r;

	if (b->units - units < 2)
		return;
	r = (struct hc_block *)((char *)b + (size_t)units * HC_UNIT);
	r->units = b->units - units;
	r->prev_units = units;
	b->units = units;
	if (s->last == b)
		s->last = r;
	hc_block_release(h, s, r);
}

void hc_trim(struct hc_heap *h, struct hc_segment *s, size_t slack)
{
	struct hc_block *b = s->last;
	char *keep;
	size_t drop;

	if (!hc_block_is_free(h, b))
		return;
	keep = (char *)hc_round_up((uintptr_t)b + 2 * HC_UNIT + slack, HC_PAGE);
	if (keep >= hc_segment_end(s))
		return;
	drop = (size_t)(hc_segment_end(s) - keep);
	if (!slack && drop < HC_PAGE)
		return;
	if (slack && drop < 2 * slack)
		return;
	hc_bin_remove(h, b);
	h->pages.decommit(h->pages.ctx, keep, drop);
	s->committed -= drop;
	h->seg_hi[s->index] = (uintptr_t)hc_segment_end(s);
	b->units = (uint32_t)((keep - (char *)b) / HC_UNIT);
	hc_block_set(h, b, TAG_FREE | TAG_BLOCK);
	hc_bin_insert(h, b);
}

/* Commit @bytes more at @s's end, as free space. */
static int hc_segment_grow(struct hc_heap *h, struct hc_segment *s, size_t bytes)
{
	struct hc_block *b = s->last;

	if (h->pages.commit(h->pages.ctx, hc_segment_end(s), bytes, h->flags & HC_EXECUTE))
		return 0;
	if (hc_block_is_free(h, b)) {
		hc_bin_remove(h, b);
		b->units += (uint32_t)(bytes / HC_UNIT);
	} else {
		struct hc_block *n = (struct hc_block *)hc_segment_end(s);

		n->prev_units = b->units;
		n->units = (uint32_t)(bytes / HC_UNIT);
		s->last = b = n;
	}
	s->committed += bytes;
	h->seg_hi[s->index] = (uintptr_t)hc_segment_end(s);
	hc_block_set(h, b, TAG_FREE | TAG_BLOCK);
	hc_bin_insert(h, b);
	return 1;
}

static size_t hc_segment_header(int first)
{
	size_t n = sizeof(struct hc_segment) + (first ? sizeof(struct hc_heap) : 0);

	return hc_round_up(n, HC_UNIT);
}

/* Lay out a segment at @base whose first @committed bytes are committed. */
static struct hc_segment *hc_segment_init(char *base, size_t reserved, size_t limit,
					  size_t committed, int first)
{
	struct hc_segment *s = (struct hc_segment *)base;

	memset(s, 0, sizeof(*s));
	s->magic = HC_SEGMENT_MAGIC;
	s->base = base;
	s->reserved = reserved;
	s->limit = limit;
	s->committed = committed;
	s->first = s->last = (struct hc_block *)(base + hc_segment_header(first));
	s->first->prev_units = 0;
	s->first->units = (uint32_t)((committed - hc_segment_header(first)) / HC_UNIT);
	return s;
}

static void hc_segment_add(struct hc_heap *h, struct hc_segment *s)
{
	s->heap = h;
	s->index = h->nsegs;
	h->segs[h->nsegs] = s;
	h->seg_lo[s->index] = (uintptr_t)(s->first + 1);
	h->seg_hi[s->index] = (uintptr_t)hc_segment_end(s);
	__atomic_store_n(&h->nsegs, h->nsegs + 1, __ATOMIC_RELEASE);
	hc_block_set(h, s->first, TAG_FREE | TAG_BLOCK);
	hc_bin_insert(h, s->first);
}

/* A new segment with room for @bytes more (growable heaps). */
static int hc_segment_new(struct hc_heap *h, size_t bytes)
{
	size_t size = h->next_reserve, commit;
	char *base;

	if (h->maximum || h->nsegs == HC_MAX_SEGMENTS)
		return 0;
	bytes += hc_segment_header(0);
	if (size < bytes)
		size = hc_round_up(bytes, HC_GRANULARITY);
	base = h->pages.reserve(h->pages.ctx, size, h->flags & HC_EXECUTE);
	if (!base)
		return 0;
	commit = hc_round_up(bytes > HC_GROW_MIN ? bytes : HC_GROW_MIN, HC_PAGE);
	if (h->pages.commit(h->pages.ctx, base, commit, h->flags & HC_EXECUTE)) {
		h->pages.release(h->pages.ctx, base);
		return 0;
	}
	hc_segment_add(h, hc_segment_init(base, size, size, commit, 0));
	if (h->next_reserve < HC_SEGMENT_MAX)
		h->next_reserve *= 2;
	return 1;
}

/* Make room for a block of @units: grow a segment's commit, or add one. */
static int hc_grow(struct hc_heap *h, uint32_t units)
{
	size_t need = (size_t)units * HC_UNIT;
	unsigned int i;

	for (i = h->nsegs; i--;) {
		struct hc_segment *s = h->segs[i];
		size_t top = hc_block_is_free(h, s->last) ? (size_t)s->last->units * HC_UNIT : 0;
		size_t room = s->limit - s->committed, want;
		size_t deficit = need > top ? need - top : HC_PAGE;

		if (deficit > room)
			continue;
		want = hc_round_up(deficit > HC_GROW_MIN ? deficit : HC_GROW_MIN, HC_PAGE);
		if (want > room)
			want = hc_round_up(deficit, HC_PAGE);
		if (want > room)
			want = room;
		return hc_segment_grow(h, s, want);
	}
	return hc_segment_new(h, need);
}

/* A busy back-end block of @units, not yet tagged; locked. */
static struct hc_block *hc_block_alloc(struct hc_heap *h, uint32_t units, struct hc_segment **sp)
{
	struct hc_block *b = hc_bin_find(h, units);
	struct hc_segment *s;

	if (!b && hc_grow(h, units))
		b = hc_bin_find(h, units);
	if (!b)
		return NULL;
	hc_bin_remove(h, b);
	/* Busy before the split, so that the rest never merges back into it. */
	hc_block_set(h, b, TAG_BUSY | TAG_BLOCK);
	s = hc_segment_of(h, hc_block_data(b));
	hc_block_split(h, s, b, units);
	*sp = s;
	return b;
}

static uint32_t hc_units_for(size_t size)
{
	size_t units = (size + HC_UNIT - 1) / HC_UNIT + 1;

	return units < 2 ? 2 : (uint32_t)units;
}

static uint64_t hc_busy_raw(uint64_t kind, size_t size, uint64_t user)
{
	return TAG_BUSY | kind | (uint64_t)size << TAG_SIZE_SHIFT | user;
}

/* --- slabs ----------------------------------------------------------------- */

static struct hc_slab **hc_partial(struct hc_heap *h, struct hc_tcache *owner, unsigned int cls)
{
	return owner ? &owner->partial[cls] : &h->partial[cls];
}

static void hc_slab_list(struct hc_heap *h, struct hc_slab *sl)
{
	struct hc_slab **head = hc_partial(h, sl->owner, sl->cls);

	sl->prev = NULL;
	sl->next = *head;
	if (sl->next)
		sl->next->prev = sl;
	*head = sl;
	sl->listed = 1;
}

static void hc_slab_unlist(struct hc_heap *h, struct hc_slab *sl)
{
	if (sl->prev)
		sl->prev->next = sl->next;
	else
		*hc_partial(h, sl->owner, sl->cls) = sl->next;
	if (sl->next)
		sl->next->prev = sl->prev;
	sl->listed = 0;
}

static struct hc_slab *hc_slab_new(struct hc_heap *h, struct hc_tcache *owner, unsigned int cls)
{
	uint32_t stride = hc_classes[cls].stride;
	struct hc_segment *s;
	struct hc_block *b = hc_block_alloc(h, HC_SLAB_BYTES / HC_UNIT, &s);
	struct hc_slab *sl;
	char *end;
	int i;

	if (!b)
		return NULL;
	hc_block_set(h, b, hc_busy_raw(TAG_SLAB, 0, 0));
	sl = hc_block_data(b);
	memset(sl, 0, sizeof(*sl));
	sl->magic = HC_SLAB_MAGIC ^ h->key;
	sl->seg = s;
	sl->owner = owner;
	sl->cls = (uint16_t)cls;
	sl->slots = (char *)hc_round_up((uintptr_t)(sl + 1) + sizeof(uint64_t), HC_UNIT) -
		    sizeof(uint64_t);
	end = (char *)hc_block_next(b);
	sl->nslots = (uint16_t)((size_t)(end - sl->slots) / stride);
	for (i = sl->nslots; i--;) {
		char *p = sl->slots + (size_t)i * stride + sizeof(uint64_t);
		uint64_t raw = TAG_FREE | TAG_SLOT | (uint64_t)cls << TAG_CLASS_SHIFT |
			       (uint64_t)((p - (char *)sl) / HC_UNIT) << TAG_OFFSET_SHIFT;

		*hc_tag_of(p) = hc_tag_encode(h, raw, 0);
		*(void **)p = sl->free;
		sl->free = p;
	}
	hc_slab_list(h, sl);
	return sl;
}

void hc_slab_release(struct hc_heap *h, struct hc_slab *sl)
{
	struct hc_block *b = hc_block_of(sl);

	if (sl->listed)
		hc_slab_unlist(h, sl);
	sl->magic = 0;
	hc_block_release(h, sl->seg, b);
}

/* A free slot of @cls (tagged free) from @tc's slabs (or the heap's), or NULL; locked. */
static void *hc_slab_pop(struct hc_heap *h, struct hc_tcache *tc, unsigned int cls)
{
	struct hc_slab *sl = *hc_partial(h, tc, cls);
	void *p;

	if (!sl && !(sl = hc_slab_new(h, tc, cls)))
		return NULL;
	p = sl->free;
	sl->free = *(void **)p;
	sl->used++;
	if (!sl->free)
		hc_slab_unlist(h, sl);
	return p;
}

/* Give a free-tagged slot back to its slab; locked. */
static void hc_slab_push(struct hc_heap *h, void *p)
{
	uint64_t raw = hc_tag_decode(h, *hc_tag_of(p), 0);
	struct hc_slab *sl = hc_slab_of(p, raw);

	*(void **)p = sl->free;
	sl->free = p;
	if (!sl->listed)
		hc_slab_list(h, sl);
	/* Keep one empty slab of a class, so that a class at its edge does not thrash. */
	if (--sl->used == 0 && (sl->prev || sl->next))
		hc_slab_release(h, sl);
}

/* --- thread caches ------------------------------------------------------- */

static inline struct hc_tcache *hc_tcache(const struct hc_heap *h)
{
	unsigned int i;

	if (__builtin_expect(hc_tls[0].serial == h->serial, 1))
		return hc_tls[0].tc;
	for (i = 1; i < HC_TLS_SLOTS; i++) {
		if (hc_tls[i].serial == h->serial) {
			struct hc_tls t = hc_tls[i];

			memmove(&hc_tls[1], &hc_tls[0], i * sizeof(t));
			hc_tls[0] = t;
			return t.tc;
		}
	}
	return NULL;
}

static void hc_tcache_flush(struct hc_heap *h, struct hc_tcache *tc, unsigned int cls,
			    uint32_t n)
{
	while (n-- && tc->bin[cls].head) {
		void *p = tc->bin[cls].head;

		tc->bin[cls].head = *(void **)p;
		tc->bin[cls].room++;
		hc_slab_push(h, p);
	}
}

void hc_flush_all(struct hc_heap *h)
{
	struct hc_tcache *tc;
	unsigned int c;

	for (tc = h->tcaches; tc; tc = tc->next)
		for (c = 0; c < HC_NCLASSES; c++)
			hc_tcache_flush(h, tc, c, UINT32_MAX);
}

/* The thread gives up its cache of a heap, if the heap still lives. */
static void hc_tls_drop(struct hc_tls *t)
{
	struct hc_heap *x;
	unsigned int c;

	if (!t->heap)
		return;
	pthread_mutex_lock(&hc_live_lock);
again:
	for (x = hc_live; x && !(x == t->heap && x->serial == t->serial); x = x->live_next)
		;
	if (x) {
		/*
		 * Heap locks come before hc_live_lock (a HeapLock holder may
		 * get here): never wait for one while holding it.
		 */
		if (pthread_mutex_trylock(&x->lock)) {
			pthread_mutex_unlock(&hc_live_lock);
			sched_yield();
			pthread_mutex_lock(&hc_live_lock);
			goto again;
		}
		for (c = 0; c < HC_NCLASSES; c++)
			hc_tcache_flush(x, t->tc, c, UINT32_MAX);
		t->tc->orphan = 1;
		pthread_mutex_unlock(&x->lock);
	}
	pthread_mutex_unlock(&hc_live_lock);
	memset(t, 0, sizeof(*t));
}

static void hc_thread_exit(void *unused)
{
	unsigned int i;

	(void)unused;
	for (i = 0; i < HC_TLS_SLOTS; i++)
		hc_tls_drop(&hc_tls[i]);
}

/* This thread's cache of @h, made now; NULL without memory. No lock held. */
static struct hc_tcache *hc_tcache_new(struct hc_heap *h)
{
	struct hc_tcache *tc;

	hc_tls_drop(&hc_tls[HC_TLS_SLOTS - 1]);
	pthread_mutex_lock(&h->lock);
	for (tc = h->tcaches; tc && !tc->orphan; tc = tc->next)
		;
	if (tc) {
		tc->orphan = 0;
	} else if ((tc = aligned_alloc(64, (sizeof(*tc) + 63) & ~(size_t)63))) {
		unsigned int c;

		memset(tc, 0, sizeof(*tc));
		for (c = 0; c < HC_NCLASSES; c++)
			tc->bin[c].room = 2u * hc_classes[c].batch;
		tc->heap = h;
		tc->next = h->tcaches;
		h->tcaches = tc;
	}
	pthread_mutex_unlock(&h->lock);
	if (!tc)
		return NULL;
	memmove(&hc_tls[1], &hc_tls[0], (HC_TLS_SLOTS - 1) * sizeof(hc_tls[0]));
	hc_tls[0] = (struct hc_tls){ h->serial, tc, h };
	if (!hc_tls_registered) {
		hc_tls_registered = 1;
		pthread_setspecific(hc_thread_key, (void *)1);
	}
	return tc;
}

/* --- large blocks ---------------------------------------------------------- */

struct hc_large *hc_large_of(struct hc_heap *h, const void *p)
{
	struct hc_large *l;

	if ((uintptr_t)p % HC_GRANULARITY)
		return NULL;
	for (l = h->large; l; l = l->next)
		if (l->base == p)
			return l;
	return NULL;
}

static void *hc_large_alloc(struct hc_heap *h, size_t size, unsigned int flags,
			    enum hc_result *res)
{
	size_t total = hc_round_up(size, HC_PAGE);
	struct hc_large *l = size > SIZE_MAX / 2 ? NULL : malloc(sizeof(*l));

	if (!l || !(l->base = h->pages.alloc(h->pages.ctx, total, h->flags & HC_EXECUTE))) {
		free(l);
		*res = HC_NO_MEMORY;
		return NULL;
	}
	l->size = total;
	l->asked = size;
	l->tag = hc_tag_encode(h, hc_busy_raw(TAG_LARGE, 0, 0), 0);
	hc_heap_lock(h, flags);
	l->prev = NULL;
	l->next = h->large;
	if (l->next)
		l->next->prev = l;
	h->large = l;
	hc_heap_unlock(h, flags);
	*res = HC_OK;
	return l->base;	/* fresh pages are zero */
}

static void hc_large_free(struct hc_heap *h, struct hc_large *l)
{
	if (l->prev)
		l->prev->next = l->next;
	else
		h->large = l->next;
	if (l->next)
		l->next->prev = l->prev;
	h->pages.release(h->pages.ctx, l->base);
	free(l);
}

/* --- create, destroy ----------------------------------------------------------- */

static uint64_t hc_random(void)
{
	uint64_t k;
	struct timespec ts;

	if (getrandom(&k, sizeof(k), GRND_NONBLOCK) == sizeof(k))
		return k;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uintptr_t)&k;
}

struct hc_heap *hc_create(const struct hc_pages *pages, unsigned int flags,
			  size_t initial, size_t maximum)
{
	size_t reserve, limit, commit;
	pthread_mutexattr_t ma;
	struct hc_segment *s;
	struct hc_heap *h;
	char *base;

	pthread_once(&hc_once, hc_init);
	if (maximum && maximum < initial)
		maximum = initial;
	commit = hc_segment_header(1) + 2 * HC_UNIT;
	commit = hc_round_up(initial > commit ? initial : commit, HC_PAGE);
	if (maximum) {
		limit = hc_round_up(maximum, HC_PAGE);
		if (limit < commit)
			limit = commit;
		reserve = hc_round_up(limit, HC_GRANULARITY);
	} else {
		reserve = hc_round_up(commit, HC_GRANULARITY);
		if (reserve < HC_SEGMENT_MIN)
			reserve = HC_SEGMENT_MIN;
		limit = reserve;
	}
	base = pages->reserve(pages->ctx, reserve, flags & HC_EXECUTE);
	if (!base)
		return NULL;
	if (pages->commit(pages->ctx, base, commit, flags & HC_EXECUTE)) {
		pages->release(pages->ctx, base);
		return NULL;
	}
	s = hc_segment_init(base, reserve, limit, commit, 1);
	h = (struct hc_heap *)(s + 1);
	memset(h, 0, sizeof(*h));
	h->magic = HC_HEAP_MAGIC;
	h->key = hc_random() | 1;
	h->flags = flags & (HC_NO_SERIALIZE | HC_EXECUTE);
	h->pages = *pages;
	h->maximum = maximum;
	h->next_reserve = 2 * reserve;
	h->lfh = !maximum && !(flags & HC_NO_SERIALIZE);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&h->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	hc_segment_add(h, s);
	pthread_mutex_lock(&hc_live_lock);
	h->serial = ++hc_serial;
	h->live_next = hc_live;
	hc_live = h;
	pthread_mutex_unlock(&hc_live_lock);
	return h;
}

void hc_destroy(struct hc_heap *h)
{
	struct hc_heap **pp;
	struct hc_tcache *tc;
	unsigned int i;

	pthread_mutex_lock(&hc_live_lock);
	for (pp = &hc_live; *pp; pp = &(*pp)->live_next) {
		if (*pp == h) {
			*pp = h->live_next;
			break;
		}
	}
	pthread_mutex_unlock(&hc_live_lock);
	while ((tc = h->tcaches)) {
		h->tcaches = tc->next;
		free(tc);
	}
	while (h->large)
		hc_large_free(h, h->large);
	pthread_mutex_destroy(&h->lock);
	h->magic = 0;
	/* The first segment holds the heap itself: it goes last. */
	for (i = h->nsegs; i--;)
		h->pages.release(h->pages.ctx, h->segs[i]->base);
}

int hc_lfh_enabled(const struct hc_heap *h)
{
	return h->lfh;
}

int hc_lfh_possible(const struct hc_heap *h)
{
	return !h->maximum && !(h->flags & HC_NO_SERIALIZE);
}

/* --- allocation ------------------------------------------------------------- */

static void *hc_alloc_slot(struct hc_heap *h, size_t size, unsigned int flags, enum hc_result *res)
{
	unsigned int cls = hc_class(size);
	struct hc_tcache *tc = hc_tcache(h);
	void *p;

	if (!tc && !(flags & HC_UNLOCKED))
		tc = hc_tcache_new(h);
	hc_heap_lock(h, flags);
	if (tc && !tc->bin[cls].head) {
		uint32_t n = hc_classes[cls].batch;

		while (n--) {
			p = hc_slab_pop(h, tc, cls);
			if (!p)
				break;
			*(void **)p = tc->bin[cls].head;
			tc->bin[cls].head = p;
			tc->bin[cls].room--;
		}
	}
	if (tc && tc->bin[cls].head) {
		p = tc->bin[cls].head;
		tc->bin[cls].head = *(void **)p;
		tc->bin[cls].room++;
	} else {
		p = hc_slab_pop(h, NULL, cls);
	}
	hc_heap_unlock(h, flags);
	if (!p) {
		*res = HC_NO_MEMORY;
		return NULL;
	}
	return p;
}

/* Tag a slot just taken from a list busy with @size. */
static inline void hc_slot_busy(struct hc_heap *h, void *p, size_t size)
{
	uint64_t raw = (*hc_tag_of(p) ^ h->key) & ~(TAG_CHECK | TAG_STATE |
						   TAG_SIZE_MASK << TAG_SIZE_SHIFT);

	raw |= TAG_BUSY | (uint64_t)size << TAG_SIZE_SHIFT;
	*hc_tag_of(p) = hc_tag_encode(h, raw, 0);
}

static void *hc_alloc_block(struct hc_heap *h, size_t size, unsigned int flags, enum hc_result *res)
{
	uint32_t units = hc_units_for(size);
	struct hc_segment *s;
	struct hc_block *b;

	hc_heap_lock(h, flags);
	b = hc_block_alloc(h, units, &s);
	if (b)
		hc_block_set(h, b, hc_busy_raw(TAG_BLOCK, size, 0));
	hc_heap_unlock(h, flags);
	if (!b) {
		*res = HC_NO_MEMORY;
		return NULL;
	}
	return hc_block_data(b);
}

void *hc_alloc(struct hc_heap *h, size_t size, unsigned int flags, enum hc_result *res)
{
	void *p = hc_alloc_fast(h, size, flags);

	if (p) {
		*res = HC_OK;
		return p;
	}
	if (size <= HC_LFH_MAX && h->lfh) {
		p = hc_alloc_slot(h, size, flags, res);
		if (!p)
			return NULL;
		hc_slot_busy(h, p, size);
	} else if (size > HC_LARGE_THRESHOLD) {
		if (h->maximum) {
			*res = HC_NO_MEMORY;
			return NULL;
		}
		return hc_large_alloc(h, size, flags, res);
	} else {
		p = hc_alloc_block(h, size, flags, res);
		if (!p)
			return NULL;
	}
	if (flags & HC_ZERO)
		memset(p, 0, size);
	*res = HC_OK;
	return p;
}

/* --- free ---------------------------------------------------------------------- */

uint64_t hc_block_tag(struct hc_heap *h, struct hc_segment *s, const void *p)
{
	uint64_t raw;

	if ((uintptr_t)p % HC_ALIGN == 0) {
		const struct hc_block *b = hc_block_of(p);

		raw = hc_block_raw(h, b);
		if ((raw & TAG_KIND) == TAG_BLOCK)
			return raw;
		raw = hc_tag_decode(h, *hc_tag_of(p), 0);
		if ((raw & TAG_KIND) == TAG_SLOT) {
			const struct hc_slab *sl = hc_slab_of(p, raw);

			if ((const char *)sl >= (const char *)(s->first + 1) &&
			    sl->magic == (HC_SLAB_MAGIC ^ h->key))
				return raw;
		}
	}
	return 0;
}

static enum hc_result hc_free_locked(struct hc_heap *h, void *p, unsigned int flags)
{
	struct hc_segment *s = hc_segment_of(h, p);
	struct hc_large *l;
	uint64_t raw;

	if (!s) {
		l = hc_large_of(h, p);
		raw = l ? hc_tag_decode(h, l->tag, 0) : 0;
		if ((raw & (TAG_KIND | TAG_STATE)) != (TAG_LARGE | TAG_BUSY))
			return HC_CORRUPT;
		hc_large_free(h, l);
		return HC_OK;
	}
	raw = hc_block_tag(h, s, p);
	if (!raw || (raw & TAG_STATE) != TAG_BUSY)
		return HC_CORRUPT;
	if ((raw & TAG_KIND) == TAG_SLOT) {
		unsigned int cls = (raw >> TAG_CLASS_SHIFT) & 0xff;
		struct hc_tcache *tc = (flags & HC_UNLOCKED) ? NULL : hc_tcache(h);

		*hc_tag_of(p) = hc_tag_encode(h, (raw & ~(TAG_STATE | TAG_USER |
							  TAG_SIZE_MASK << TAG_SIZE_SHIFT)) |
					      TAG_FREE, 0);
		if (tc) {
			if (!tc->bin[cls].room)
				hc_tcache_flush(h, tc, cls, hc_classes[cls].batch);
			*(void **)p = tc->bin[cls].head;
			tc->bin[cls].head = p;
			tc->bin[cls].room--;
		} else {
			hc_slab_push(h, p);
		}
		return HC_OK;
	}
	hc_block_release(h, s, hc_block_of(p));
	return HC_OK;
}

enum hc_result hc_free(struct hc_heap *h, void *p, unsigned int flags)
{
	enum hc_result r;

	if (hc_free_fast(h, p))
		return HC_OK;
	hc_heap_lock(h, flags);
	r = hc_free_locked(h, p, flags);
	hc_heap_unlock(h, flags);
	return r;
}

/* --- size, realloc ---------------------------------------------------------------- */

/* The busy block at @p: its raw tag and capacity; 0 if none. Locked. */
static uint64_t hc_busy(struct hc_heap *h, const void *p, size_t *cap, struct hc_segment **sp,
			struct hc_large **lp)
{
	struct hc_segment *s = hc_segment_of(h, p);
	uint64_t raw;

	*sp = s;
	*lp = NULL;
	if (!s) {
		struct hc_large *l = hc_large_of(h, p);

		if (!l)
			return 0;
		raw = hc_tag_decode(h, l->tag, 0);
		if ((raw & (TAG_KIND | TAG_STATE)) != (TAG_LARGE | TAG_BUSY))
			return 0;
		*lp = l;
		*cap = l->size;
		return raw;
	}
	raw = hc_block_tag(h, s, p);
	if ((raw & TAG_STATE) != TAG_BUSY)
		return 0;
	if ((raw & TAG_KIND) == TAG_SLOT)
		*cap = hc_slot_capacity((raw >> TAG_CLASS_SHIFT) & 0xff);
	else
		*cap = (size_t)hc_block_of(p)->units * HC_UNIT - HC_UNIT;
	return raw;
}

static size_t hc_asked(uint64_t raw, const struct hc_large *l)
{
	if (l)
		return l->asked;
	return (raw >> TAG_SIZE_SHIFT) & TAG_SIZE_MASK;
}

size_t hc_size(struct hc_heap *h, const void *p, unsigned int flags)
{
	struct hc_segment *s;
	struct hc_large *l;
	size_t cap, n = (size_t)-1;
	uint64_t raw;

	hc_heap_lock(h, flags);
	raw = hc_busy(h, p, &cap, &s, &l);
	if (raw)
		n = hc_asked(raw, l);
	hc_heap_unlock(h, flags);
	return n;
}

int hc_set_user_flag(struct hc_heap *h, void *p, int on)
{
	struct hc_segment *s;
	struct hc_large *l;
	size_t cap;
	uint64_t raw;
	int ok = 0;

	hc_heap_lock(h, 0);
	raw = hc_busy(h, p, &cap, &s, &l);
	if (raw) {
		raw = on ? raw | TAG_USER : raw & ~TAG_USER;
		if (l)
			l->tag = hc_tag_encode(h, raw, 0);
		else if ((raw & TAG_KIND) == TAG_SLOT)
			*hc_tag_of(p) = hc_tag_encode(h, raw, 0);
		else
			hc_block_set(h, hc_block_of(p), raw);
		ok = 1;
	}
	hc_heap_unlock(h, 0);
	return ok;
}

/* Resize the busy block @p in place to @size if it can be; locked. */
static int hc_resize(struct hc_heap *h, void *p, size_t size, uint64_t raw, size_t cap,
		     struct hc_segment *s, struct hc_large *l)
{
	uint64_t keep = raw & ~(TAG_SIZE_MASK << TAG_SIZE_SHIFT);
	struct hc_block *b, *n;
	uint32_t units;

	if (l) {
		if (size > cap)
			return 0;
		l->asked = size;
		return 1;
	}
	if ((raw & TAG_KIND) == TAG_SLOT) {
		if (size > cap)
			return 0;
		*hc_tag_of(p) = hc_tag_encode(h, keep | (uint64_t)size << TAG_SIZE_SHIFT, 0);
		return 1;
	}
	if (size > HC_LARGE_THRESHOLD)
		return 0;
	b = hc_block_of(p);
	units = hc_units_for(size);
	if (units > b->units) {
		n = hc_block_next(b);
		if ((char *)n >= hc_segment_end(s) || !hc_block_is_free(h, n) ||
		    b->units + n->units < units)
			return 0;
		hc_bin_remove(h, n);
		b->units += n->units;
		if (s->last == n)
			s->last = b;
		hc_block_set(h, b, keep);
		hc_fix_next(h, s, b);
	}
	hc_block_split(h, s, b, units);
	hc_block_set(h, b, keep | (uint64_t)size << TAG_SIZE_SHIFT);
	return 1;
}

void *hc_realloc(struct hc_heap *h, void *p, size_t size, unsigned int flags, enum hc_result *res)
{
	struct hc_segment *s;
	struct hc_large *l;
	size_t cap, old;
	uint64_t raw;
	void *q;

	hc_heap_lock(h, flags);
	raw = hc_busy(h, p, &cap, &s, &l);
	if (!raw) {
		hc_heap_unlock(h, flags);
		*res = HC_CORRUPT;
		return NULL;
	}
	old = hc_asked(raw, l);
	if (hc_resize(h, p, size, raw, cap, s, l)) {
		hc_heap_unlock(h, flags);
		if ((flags & HC_ZERO) && size > old)
			memset((char *)p + old, 0, size - old);
		*res = HC_OK;
		return p;
	}
	if (flags & HC_IN_PLACE_ONLY) {
		hc_heap_unlock(h, flags);
		*res = HC_NO_MEMORY;
		return NULL;
	}
	q = hc_alloc(h, size, flags & ~HC_ZERO, res);
	if (q) {
		memcpy(q, p, old < size ? old : size);
		if ((flags & HC_ZERO) && size > old)
			memset((char *)q + old, 0, size - old);
		if (raw & TAG_USER)
			hc_set_user_flag(h, q, 1);
		hc_free_locked(h, p, flags);
	}
	hc_heap_unlock(h, flags);
	return q;
}
