// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The page heap (heap_page.h) over VirtualAlloc and VirtualProtect. A block
 * is one allocation: its data pages, committed read-write, then one page
 * committed PAGE_NOACCESS. Its descriptor lives apart (malloc), found by a
 * hash of the data address, so nothing of the heap's own sits where a stray
 * write could reach it. One recursive mutex guards it all.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "heap_page.h"

struct ph_block {
	struct ph_block *next, *prev;	/* live list, or the freed queue */
	struct ph_block *hnext;
	char *base, *data;
	size_t total;			/* the allocation, guard page included */
	size_t size;
	int freed, user;
};

struct ph_heap {
	pthread_mutex_t lock;
	DWORD protect;
	struct ph_block *live;
	struct ph_block *freed_head, *freed_tail;	/* oldest first */
	unsigned int nfreed;
	struct ph_block **hash;
	size_t nbuckets, count;
};

static size_t ph_bucket(const struct ph_heap *ph, const void *p)
{
	return ((uintptr_t)p * 0x9e3779b97f4a7c15ULL >> 20) & (ph->nbuckets - 1);
}

static int ph_rehash(struct ph_heap *ph, size_t n)
{
	struct ph_block **nh = calloc(n, sizeof(*nh)), *b, *next;
	size_t i, old = ph->nbuckets;

	if (!nh)
		return 0;
	ph->nbuckets = n;
	for (i = 0; i < old; i++) {
		for (b = ph->hash[i]; b; b = next) {
			size_t k = ph_bucket(ph, b->data);

			next = b->hnext;
			b->hnext = nh[k];
			nh[k] = b;
		}
	}
	free(ph->hash);
	ph->hash = nh;
	return 1;
}

static struct ph_block *ph_find(const struct ph_heap *ph, const void *p)
{
	struct ph_block *b;

	for (b = ph->hash[ph_bucket(ph, p)]; b && b->data != p; b = b->hnext)
		;
	return b;
}

static void ph_unhash(struct ph_heap *ph, struct ph_block *b)
{
	struct ph_block **pp = &ph->hash[ph_bucket(ph, b->data)];

	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
	ph->count--;
}

static void ph_unlink(struct ph_block **head, struct ph_block *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		*head = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

struct ph_heap *ph_create(int exec)
{
	struct ph_heap *ph = calloc(1, sizeof(*ph));
	pthread_mutexattr_t ma;

	if (!ph)
		return NULL;
	ph->nbuckets = 64;
	ph->hash = calloc(ph->nbuckets, sizeof(*ph->hash));
	if (!ph->hash) {
		free(ph);
		return NULL;
	}
	ph->protect = exec ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&ph->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	return ph;
}

static void ph_release(struct ph_block *b)
{
	VirtualFree(b->base, 0, MEM_RELEASE);
	free(b);
}

void ph_destroy(struct ph_heap *ph)
{
	struct ph_block *b;

	while ((b = ph->live)) {
		ph->live = b->next;
		ph_release(b);
	}
	while ((b = ph->freed_head)) {
		ph->freed_head = b->next;
		ph_release(b);
	}
	pthread_mutex_destroy(&ph->lock);
	free(ph->hash);
	free(ph);
}

void ph_lock(struct ph_heap *ph)
{
	pthread_mutex_lock(&ph->lock);
}

void ph_unlock(struct ph_heap *ph)
{
	pthread_mutex_unlock(&ph->lock);
}

void *ph_alloc(struct ph_heap *ph, size_t size, enum hc_result *res)
{
	size_t total = ((size ? size : 1) + HC_PAGE - 1) / HC_PAGE * HC_PAGE + HC_PAGE;
	struct ph_block *b;
	DWORD old;

	*res = HC_NO_MEMORY;
	if (size > SIZE_MAX / 2 || !(b = calloc(1, sizeof(*b))))
		return NULL;
	b->base = VirtualAlloc(NULL, total, MEM_RESERVE | MEM_COMMIT, ph->protect);
	if (!b->base || !VirtualProtect(b->base + total - HC_PAGE, HC_PAGE, PAGE_NOACCESS, &old)) {
		if (b->base)
			VirtualFree(b->base, 0, MEM_RELEASE);
		free(b);
		return NULL;
	}
	b->total = total;
	b->size = size;
	b->data = b->base + total - HC_PAGE - size;
	ph_lock(ph);
	if (ph->count >= 2 * ph->nbuckets)
		ph_rehash(ph, 2 * ph->nbuckets);
	b->hnext = ph->hash[ph_bucket(ph, b->data)];
	ph->hash[ph_bucket(ph, b->data)] = b;
	ph->count++;
	b->next = ph->live;
	if (b->next)
		b->next->prev = b;
	ph->live = b;
	ph_unlock(ph);
	*res = HC_OK;
	return b->data;	/* fresh pages are zero */
}

enum hc_result ph_free(struct ph_heap *ph, void *p)
{
	struct ph_block *b, *old;
	DWORD prot;

	ph_lock(ph);
	b = ph_find(ph, p);
	if (!b || b->freed) {
		ph_unlock(ph);
		return HC_CORRUPT;
	}
	VirtualProtect(b->base, b->total - HC_PAGE, PAGE_NOACCESS, &prot);
	b->freed = 1;
	ph_unlink(&ph->live, b);
	b->next = NULL;
	b->prev = ph->freed_tail;
	if (ph->freed_tail)
		ph->freed_tail->next = b;
	else
		ph->freed_head = b;
	ph->freed_tail = b;
	if (++ph->nfreed > PH_FREED_KEPT) {
		old = ph->freed_head;
		ph->freed_head = old->next;
		ph->freed_head->prev = NULL;
		ph->nfreed--;
		ph_unhash(ph, old);
		ph_release(old);
	}
	ph_unlock(ph);
	return HC_OK;
}

void *ph_realloc(struct ph_heap *ph, void *p, size_t size, unsigned int flags,
		 enum hc_result *res)
{
	struct ph_block *b;
	size_t old;
	void *q;

	ph_lock(ph);
	b = ph_find(ph, p);
	if (!b || b->freed) {
		ph_unlock(ph);
		*res = HC_CORRUPT;
		return NULL;
	}
	old = b->size;
	if (size == old) {
		ph_unlock(ph);
		*res = HC_OK;
		return p;
	}
	if (flags & HC_IN_PLACE_ONLY) {
		ph_unlock(ph);
		*res = HC_NO_MEMORY;
		return NULL;
	}
	q = ph_alloc(ph, size, res);
	if (q) {
		memcpy(q, p, old < size ? old : size);
		ph_set_user_flag(ph, q, b->user);
		ph_free(ph, p);
	}
	ph_unlock(ph);
	return q;
}

size_t ph_size(struct ph_heap *ph, const void *p)
{
	struct ph_block *b;
	size_t n;

	ph_lock(ph);
	b = ph_find(ph, p);
	n = b && !b->freed ? b->size : (size_t)-1;
	ph_unlock(ph);
	return n;
}

int ph_set_user_flag(struct ph_heap *ph, void *p, int on)
{
	struct ph_block *b;

	ph_lock(ph);
	b = ph_find(ph, p);
	if (b && !b->freed)
		b->user = on;
	ph_unlock(ph);
	return b && !b->freed;
}

int ph_validate(struct ph_heap *ph, const void *p)
{
	struct ph_block *b;
	int ok = 1;

	if (p) {
		ph_lock(ph);
		b = ph_find(ph, p);
		ok = b && !b->freed;
		ph_unlock(ph);
	}
	return ok;
}

int ph_walk(struct ph_heap *ph, struct hc_entry *e)
{
	struct ph_block *b;
	int r = 0;

	ph_lock(ph);
	if (!e->data) {
		b = ph->live;
	} else {
		b = ph_find(ph, e->data);
		if (!b || b->freed)
			r = -1;
		b = b ? b->next : NULL;
	}
	if (r == 0 && b) {
		memset(e, 0, sizeof(*e));
		e->data = b->data;
		e->size = b->size;
		e->overhead = (unsigned int)(b->total - b->size);
		e->kind = HC_ENTRY_LARGE;
		e->user_flag = b->user;
		r = 1;
	}
	ph_unlock(ph);
	return r;
}

void ph_summary(struct ph_heap *ph, struct hc_summary *s)
{
	struct ph_block *b;

	memset(s, 0, sizeof(*s));
	ph_lock(ph);
	for (b = ph->live; b; b = b->next) {
		s->allocated += b->size;
		s->committed += b->total;
		s->reserved += (b->total + HC_GRANULARITY - 1) & ~(HC_GRANULARITY - 1);
	}
	for (b = ph->freed_head; b; b = b->next) {
		s->committed += b->total;
		s->reserved += (b->total + HC_GRANULARITY - 1) & ~(HC_GRANULARITY - 1);
	}
	s->max_reserve = s->reserved;
	ph_unlock(ph);
}
