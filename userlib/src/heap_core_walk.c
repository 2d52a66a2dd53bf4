// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The heap seen whole (heap_core.h): the walk, validation, the summary and
 * compaction. Each runs with the heap locked and every thread cache's fast
 * path held off (hc_stop), so the blocks it reads stay as they are.
 */
#include <string.h>

#include "heap_core_internal.h"

static void hc_whole(struct hc_heap *h)
{
	hc_heap_lock(h, 0);
	if (!(h->flags & HC_NO_SERIALIZE))
		hc_stop(h);
}

static void hc_whole_end(struct hc_heap *h)
{
	if (!(h->flags & HC_NO_SERIALIZE))
		hc_resume(h);
	hc_heap_unlock(h, 0);
}

static size_t hc_entry_asked(uint64_t raw)
{
	return (raw >> TAG_SIZE_SHIFT) & TAG_SIZE_MASK;
}

/* --- walk ---------------------------------------------------------------------- */

static int hc_emit_region(struct hc_heap *h, unsigned int i, struct hc_entry *e);

static void hc_entry_block(struct hc_entry *e, void *data, uint64_t raw, size_t cap,
			   size_t span, unsigned int region)
{
	memset(e, 0, sizeof(*e));
	e->data = data;
	e->region = region;
	e->user_flag = !!(raw & TAG_USER);
	if ((raw & TAG_STATE) == TAG_BUSY) {
		e->kind = HC_ENTRY_BUSY;
		e->size = hc_entry_asked(raw);
	} else {
		e->kind = HC_ENTRY_FREE;
		e->size = cap;
	}
	e->overhead = (unsigned int)(span - e->size);
}

static int hc_emit_slot(struct hc_heap *h, struct hc_slab *sl, unsigned int i, struct hc_entry *e)
{
	uint32_t stride = hc_classes[sl->cls].stride;
	char *p = sl->slots + (size_t)i * stride + sizeof(uint64_t);
	uint64_t raw = hc_tag_decode(h, *hc_tag_of(p), 0);

	if ((raw & TAG_KIND) != TAG_SLOT)
		return -1;
	hc_entry_block(e, p, raw, hc_slot_capacity(sl->cls), stride, sl->seg->index);
	return 1;
}

static int hc_emit_block(struct hc_heap *h, struct hc_segment *s, struct hc_block *b,
			 struct hc_entry *e)
{
	uint64_t raw = hc_tag_decode(h, b->tag, hc_block_extra(b));
	size_t span = (size_t)b->units * HC_UNIT;

	if ((raw & TAG_KIND) == TAG_SLAB)
		return hc_emit_slot(h, hc_block_data(b), 0, e);
	if ((raw & TAG_KIND) != TAG_BLOCK)
		return -1;
	hc_entry_block(e, hc_block_data(b), raw, span - HC_UNIT, span, s->index);
	return 1;
}

static int hc_emit_large(struct hc_large *l, struct hc_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->data = l->base;
	e->kind = HC_ENTRY_LARGE;
	e->size = l->asked;
	e->overhead = (unsigned int)(l->size - l->asked);
	return 1;
}

/* What follows the blocks of @s up to @b. */
static int hc_emit_after(struct hc_heap *h, struct hc_segment *s, struct hc_block *b,
			 struct hc_entry *e)
{
	if ((char *)b < hc_segment_end(s))
		return hc_emit_block(h, s, b, e);
	if (s->committed < s->limit) {
		memset(e, 0, sizeof(*e));
		e->data = hc_segment_end(s);
		e->size = s->limit - s->committed;
		e->kind = HC_ENTRY_UNCOMMITTED;
		e->region = s->index;
		return 1;
	}
	return hc_emit_region(h, s->index + 1, e);
}

static int hc_emit_region(struct hc_heap *h, unsigned int i, struct hc_entry *e)
{
	struct hc_segment *s;

	if (i >= h->nsegs)
		return h->large ? hc_emit_large(h->large, e) : 0;
	s = h->segs[i];
	memset(e, 0, sizeof(*e));
	e->data = s->base;
	e->size = s->limit;
	e->overhead = (unsigned int)((char *)s->first - s->base);
	e->region = i;
	e->kind = HC_ENTRY_REGION;
	e->committed = s->committed;
	e->uncommitted = s->limit - s->committed;
	e->first_block = s->first;
	e->last_block = hc_segment_end(s);
	return 1;
}

static int hc_walk_step(struct hc_heap *h, struct hc_entry *e)
{
	struct hc_segment *s;
	struct hc_large *l;
	unsigned int i;
	uint64_t raw;

	if (!e->data)
		return hc_emit_region(h, 0, e);
	switch (e->kind) {
	case HC_ENTRY_REGION:
		for (i = 0; i < h->nsegs; i++)
			if (h->segs[i]->base == e->data)
				return hc_emit_block(h, h->segs[i], h->segs[i]->first, e);
		return -1;
	case HC_ENTRY_UNCOMMITTED:
		for (i = 0; i < h->nsegs; i++)
			if (hc_segment_end(h->segs[i]) == e->data)
				return hc_emit_region(h, i + 1, e);
		return -1;
	default:
		s = hc_segment_of(h, e->data);
		if (!s) {
			l = hc_large_of(h, e->data);
			if (!l)
				return -1;
			return l->next ? hc_emit_large(l->next, e) : 0;
		}
		raw = hc_block_tag(h, s, e->data);
		if ((raw & TAG_KIND) == TAG_SLOT) {
			struct hc_slab *sl = hc_slab_of(e->data, raw);
			uint32_t stride = hc_classes[sl->cls].stride;

			i = (unsigned int)(((char *)e->data - sizeof(uint64_t) - sl->slots) / stride);
			if (i + 1 < sl->nslots)
				return hc_emit_slot(h, sl, i + 1, e);
			return hc_emit_after(h, s, hc_block_next(hc_block_of(sl)), e);
		}
		if ((raw & TAG_KIND) == TAG_BLOCK)
			return hc_emit_after(h, s, hc_block_next(hc_block_of(e->data)), e);
		return -1;
	}
}

int hc_walk(struct hc_heap *h, struct hc_entry *e)
{
	int r;

	hc_whole(h);
	r = hc_walk_step(h, e);
	hc_whole_end(h);
	return r;
}

/* --- validation ---------------------------------------------------------------- */

static int hc_slab_valid(struct hc_heap *h, struct hc_slab *sl)
{
	unsigned int i;

	if (sl->magic != (HC_SLAB_MAGIC ^ h->key) || sl->cls >= HC_NCLASSES)
		return 0;
	for (i = 0; i < sl->nslots; i++) {
		char *p = sl->slots + (size_t)i * hc_classes[sl->cls].stride + sizeof(uint64_t);
		uint64_t raw = hc_tag_decode(h, *hc_tag_of(p), 0);

		if ((raw & TAG_KIND) != TAG_SLOT || hc_slab_of(p, raw) != sl ||
		    ((raw >> TAG_CLASS_SHIFT) & 0xff) != sl->cls)
			return 0;
	}
	return 1;
}

static int hc_segment_valid(struct hc_heap *h, struct hc_segment *s)
{
	struct hc_block *b = s->first, *last = NULL;
	uint32_t prev = 0;

	if (s->magic != HC_SEGMENT_MAGIC || s->heap != h)
		return 0;
	while ((char *)b < hc_segment_end(s)) {
		uint64_t raw = hc_tag_decode(h, b->tag, hc_block_extra(b));

		if (!raw || b->prev_units != prev || b->units < 2)
			return 0;
		if ((raw & TAG_KIND) == TAG_SLAB && !hc_slab_valid(h, hc_block_data(b)))
			return 0;
		if ((raw & TAG_KIND) != TAG_SLAB && (raw & TAG_KIND) != TAG_BLOCK)
			return 0;
		prev = b->units;
		last = b;
		b = hc_block_next(b);
	}
	return (char *)b == hc_segment_end(s) && last == s->last;
}

static int hc_heap_valid(struct hc_heap *h)
{
	struct hc_large *l;
	unsigned int i;

	if (h->magic != HC_HEAP_MAGIC)
		return 0;
	for (i = 0; i < h->nsegs; i++)
		if (!hc_segment_valid(h, h->segs[i]))
			return 0;
	for (i = 0; i < HC_NBINS; i++) {
		struct hc_block *b;

		for (b = h->bins[i]; b; b = ((struct hc_free_links *)hc_block_data(b))->next) {
			uint64_t raw = hc_tag_decode(h, b->tag, hc_block_extra(b));

			if (raw != (TAG_FREE | TAG_BLOCK))
				return 0;
		}
	}
	for (l = h->large; l; l = l->next)
		if ((hc_tag_decode(h, l->tag, 0) & (TAG_KIND | TAG_STATE)) != (TAG_LARGE | TAG_BUSY))
			return 0;
	return 1;
}

int hc_validate(struct hc_heap *h, const void *p, unsigned int flags)
{
	struct hc_segment *s;
	struct hc_large *l;
	uint64_t raw;
	int ok;

	(void)flags;
	hc_whole(h);
	if (!p) {
		ok = hc_heap_valid(h);
	} else if ((s = hc_segment_of(h, p))) {
		raw = hc_block_tag(h, s, p);
		ok = (raw & TAG_STATE) == TAG_BUSY;
	} else {
		l = hc_large_of(h, p);
		raw = l ? hc_tag_decode(h, l->tag, 0) : 0;
		ok = (raw & (TAG_KIND | TAG_STATE)) == (TAG_LARGE | TAG_BUSY);
	}
	hc_whole_end(h);
	return ok;
}

/* --- summary, compaction -------------------------------------------------------- */

void hc_summary(struct hc_heap *h, struct hc_summary *sum)
{
	struct hc_entry e = { 0 };
	struct hc_large *l;
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	hc_whole(h);
	for (i = 0; i < h->nsegs; i++) {
		sum->committed += h->segs[i]->committed;
		sum->reserved += h->segs[i]->reserved;
	}
	for (l = h->large; l; l = l->next) {
		sum->committed += l->size;
		sum->reserved += (l->size + HC_GRANULARITY - 1) & ~(HC_GRANULARITY - 1);
	}
	while (hc_walk_step(h, &e) == 1)
		if (e.kind == HC_ENTRY_BUSY || e.kind == HC_ENTRY_LARGE)
			sum->allocated += e.size;
	sum->max_reserve = h->maximum ? h->segs[0]->reserved : sum->reserved;
	hc_whole_end(h);
}

size_t hc_compact(struct hc_heap *h, unsigned int flags)
{
	size_t largest = 0;
	unsigned int i;

	(void)flags;
	hc_whole(h);
	hc_flush_all(h);
	for (i = 0; i < HC_NCLASSES; i++) {
		struct hc_tcache *tc = NULL;

		do {
			struct hc_slab *sl, *next;

			for (sl = tc ? tc->partial[i] : h->partial[i]; sl; sl = next) {
				next = sl->next;
				if (!sl->used)
					hc_slab_release(h, sl);
			}
			tc = tc ? tc->next : h->tcaches;
		} while (tc);
	}
	for (i = 0; i < h->nsegs; i++)
		hc_trim(h, h->segs[i], 0);
	for (i = 0; i < HC_NBINS; i++) {
		struct hc_block *b;

		for (b = h->bins[i]; b; b = ((struct hc_free_links *)hc_block_data(b))->next)
			if ((size_t)b->units * HC_UNIT - HC_UNIT > largest)
				largest = (size_t)b->units * HC_UNIT - HC_UNIT;
	}
	hc_whole_end(h);
	return largest;
}
