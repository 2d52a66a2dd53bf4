/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The executive pools' internal interfaces: per-tag accounting (tags.c),
 * the allocator and its verifier checks (pool.c) and the special pool
 * (special.c).
 */
#ifndef NTMM_POOL_INTERNAL_H
#define NTMM_POOL_INTERNAL_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/types.h>
#include <ntmm/wdm.h>

#include "pool.h"
#include "quota.h"

/* Header magics: a live block, and one the pool freed. */
#define NTMM_POOL_LIVE		0x4c4f4f50U	/* "POOL" */
#define NTMM_POOL_FREED	0x45455246U	/* "FREE" */

/* struct ntmm_pool_header.flags */
#define NTMM_POOL_H_SPECIAL	BIT(0)	/* special pool: its own pages, guard page beside */
#define NTMM_POOL_H_VMALLOC	BIT(1)	/* the block is vmalloc'd */
#define NTMM_POOL_H_LOOKASIDE	BIT(2)	/* a whole size class: may go to a lookaside list */

/* Requests above this are refused: kvmalloc() takes no more. */
#define NTMM_POOL_MAX_SIZE	((size_t)INT_MAX)

/**
 * struct ntmm_pool_counts - one CPU's counters of one allocation site.
 * @allocs:	allocations, per pool.
 * @frees:	frees, per pool.
 * @bytes:	bytes allocated less bytes freed, per pool.
 */
struct ntmm_pool_counts {
	unsigned long allocs[NTMM_POOL_KINDS];
	unsigned long frees[NTMM_POOL_KINDS];
	long bytes[NTMM_POOL_KINDS];
};

/**
 * struct ntmm_pool_tag - the counters of one allocation site.
 * @node:	in pool_tags.c's table; added under its lock, never removed
 *		before unload.
 * @tag:	the tag.
 * @caller:	the code that allocates with it.
 * @counts:	per CPU, changed only by their CPU (this_cpu ops).
 */
struct ntmm_pool_tag {
	struct hlist_node node;
	u32 tag;
	const void *caller;
	struct ntmm_pool_counts __percpu *counts;
};

/**
 * struct ntmm_pool_header - what the pool keeps about one allocation.
 * @magic:	NTMM_POOL_LIVE, or NTMM_POOL_FREED once freed.
 * @tag:	the allocation's tag.
 * @size:	bytes asked for (at most NTMM_POOL_MAX_SIZE).
 * @kind:	enum ntmm_pool_kind.
 * @flags:	NTMM_POOL_H_*.
 * @offset:	header inline: bytes from the block's start to the memory.
 * @stats:	the counters of its tag and caller.
 * @quota:	the process charged (POOL_FLAG_USE_QUOTA), or NULL.
 *
 * Small allocations keep it just before the memory they return, as
 * Windows' POOL_HEADER is; big and special pool ones keep it apart.
 */
struct ntmm_pool_header {
	u32 magic;
	u32 tag;
	u32 size;
	u8 kind;
	u8 flags;
	u16 offset;
	struct ntmm_pool_tag *stats;
	struct ntmm_pool_quota *quota;
};

/**
 * struct ntmm_pool_apart - a header kept apart from its memory.
 * @h:		the header.
 * @node:	in pool.c's table of these, by @mem.
 * @block:	what the allocator returned (freed with it).
 * @mem:	the memory handed out: the key it is found by.
 */
struct ntmm_pool_apart {
	struct ntmm_pool_header h;
	struct hlist_node node;
	void *block;
	void *mem;
};

/* tags.c */
#define NTMM_POOL_TAG_BITS	8
extern struct hlist_head ntmm_pool_tags[1 << NTMM_POOL_TAG_BITS];
struct ntmm_pool_tag *ntmm_pool_tag_add(u32 tag, const void *caller, gfp_t gfp);
void ntmm_pool_tag_name(u32 tag, char name[5]);
int ntmm_pool_tags_init(void);
void ntmm_pool_tags_exit(void);

/* special.c */
extern bool ntmm_pool_special_listed;
int ntmm_pool_special_init(void);
bool ntmm_pool_special_match(u64 flags, u32 tag);
void ntmm_pool_special_exit(void);
void *ntmm_pool_special_alloc(struct ntmm_pool_apart *a, gfp_t gfp, bool may_sleep);

/**
 * ntmm_pool_special_wanted() - Should this allocation come from special pool?
 * @flags: its POOL_FLAG_*.
 * @tag: its tag.
 *
 * Inline: most allocations are not, and learn it without a call.
 * Return: true for POOL_FLAG_SPECIAL_POOL or a tag the parameter names.
 */
static inline bool ntmm_pool_special_wanted(u64 flags, u32 tag)
{
	if (!(flags & POOL_FLAG_SPECIAL_POOL) && !READ_ONCE(ntmm_pool_special_listed))
		return false;
	return ntmm_pool_special_match(flags, tag);
}

static inline unsigned long ntmm_pool_site_key(u32 tag, const void *caller)
{
	return (unsigned long)caller ^ tag;
}

/*
 * Lockless, and without rcu_read_lock(): sites are published with
 * hash_add_rcu() and live until unload.
 */
static inline struct ntmm_pool_tag *ntmm_pool_tag_find(u32 tag, const void *caller)
{
	struct ntmm_pool_tag *t;

	hash_for_each_possible_rcu(ntmm_pool_tags, t, node, ntmm_pool_site_key(tag, caller), true)
		if (t->tag == tag && t->caller == caller)
			return t;
	return NULL;
}

/**
 * ntmm_pool_tag_get() - The counters of @tag's allocations by @caller.
 * @tag: a non-zero tag.
 * @caller: the allocating code.
 * @gfp: how the caller may allocate, for a first use.
 *
 * Inline: after a site's first use, this is a lookup without a call.
 * Return: the site's counters, or NULL without memory.
 */
static inline struct ntmm_pool_tag *ntmm_pool_tag_get(u32 tag, const void *caller, gfp_t gfp)
{
	struct ntmm_pool_tag *t = ntmm_pool_tag_find(tag, caller);

	return likely(t) ? t : ntmm_pool_tag_add(tag, caller, gfp);
}

/**
 * ntmm_pool_tag_count() - Count an allocation (@bytes > 0) or a free (@bytes < 0).
 * @t: the site's counters.
 * @kind: the pool.
 * @bytes: the allocation's size, negative for a free.
 */
static inline void ntmm_pool_tag_count(struct ntmm_pool_tag *t, enum ntmm_pool_kind kind,
				       long bytes)
{
	/* this_cpu ops: an interrupt's count cannot be lost in the middle of ours. */
	if (bytes > 0)
		this_cpu_inc(t->counts->allocs[kind]);
	else
		this_cpu_inc(t->counts->frees[kind]);
	this_cpu_add(t->counts->bytes[kind], bytes);
}

#endif /* NTMM_POOL_INTERNAL_H */
