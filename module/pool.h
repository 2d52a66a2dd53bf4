/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The executive pools' internal interfaces: per-tag accounting
 * (pool_tags.c), the allocator and its verifier checks (pool.c) and the
 * special pool (pool_special.c).
 */
#ifndef WINMM_POOL_H
#define WINMM_POOL_H

#include <linux/list.h>
#include <linux/types.h>

struct mm_struct;

/* The two pools: what a Windows driver calls non-paged and paged. */
enum winmm_pool_kind {
	WINMM_POOL_NONPAGED,
	WINMM_POOL_PAGED,
	WINMM_POOL_KINDS,
};

/* Header magics: a live block, and one the pool freed. */
#define WINMM_POOL_LIVE		0x4c4f4f50U	/* "POOL" */
#define WINMM_POOL_FREED	0x45455246U	/* "FREE" */

/* struct winmm_pool_header.flags */
#define WINMM_POOL_H_SPECIAL	BIT(0)	/* special pool: its own pages, guard page beside */

struct winmm_pool_tag;
struct winmm_pool_quota;

/**
 * struct winmm_pool_header - what the pool keeps about one allocation.
 * @magic:	WINMM_POOL_LIVE, or WINMM_POOL_FREED once freed.
 * @tag:	the allocation's tag.
 * @kind:	enum winmm_pool_kind.
 * @flags:	WINMM_POOL_H_*.
 * @size:	bytes asked for.
 * @block:	what the allocator returned (freed with it).
 * @mem:	special pool: the memory handed out (its key).
 * @caller:	the caller of ExAllocatePool*.
 * @stats:	the counters of its tag and caller.
 * @quota:	the process charged (POOL_FLAG_USE_QUOTA), or NULL.
 *
 * Normal allocations keep it just before the memory they return; special
 * pool allocations keep it apart (pool_special.c).
 */
struct winmm_pool_header {
	u32 magic;
	u32 tag;
	u8 kind;
	u8 flags;
	size_t size;
	void *block;
	void *mem;
	void *caller;
	struct winmm_pool_tag *stats;
	struct winmm_pool_quota *quota;
};

/* pool_tags.c */
struct winmm_pool_tag *winmm_pool_tag_get(u32 tag, const void *caller, gfp_t gfp);
void winmm_pool_tag_count(struct winmm_pool_tag *t, enum winmm_pool_kind kind, long bytes);
void winmm_pool_tag_name(u32 tag, char name[5]);
int winmm_pool_tags_init(void);
void winmm_pool_tags_exit(void);

/* pool.c */
bool winmm_pool_warn_once(const void *caller, unsigned int what);
void winmm_pool_vfree(void *block);
int winmm_pool_init(void);
void winmm_pool_exit(void);

/* process.c: POOL_FLAG_USE_QUOTA's charge on the calling process */
struct winmm_pool_quota *winmm_pool_quota_get(struct mm_struct *mm);
void winmm_pool_quota_charge(struct winmm_pool_quota *q, enum winmm_pool_kind kind, long bytes);
void winmm_pool_quota_put(struct winmm_pool_quota *q);

/* pool_special.c */
int winmm_pool_special_init(void);
bool winmm_pool_special_wanted(u64 flags, u32 tag);
void *winmm_pool_special_alloc(struct winmm_pool_header *h, gfp_t gfp);
struct winmm_pool_header *winmm_pool_special_find(const void *p);
void winmm_pool_special_free(struct winmm_pool_header *h);
void winmm_pool_special_exit(void);

#endif /* WINMM_POOL_H */
