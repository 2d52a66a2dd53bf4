// SPDX-License-Identifier: GPL-2.0
/*
 * Special pool, as Driver Verifier has it: each allocation gets pages of
 * its own in vmalloc space and ends exactly at a page boundary, so the
 * byte after it is in the unmapped guard page that follows every vmalloc
 * area (underrun mode: it starts at the area's first byte, after the
 * unmapped page before it). A free unmaps the pages at once, so a use
 * after free faults too.
 *
 * Which allocations: POOL_FLAG_SPECIAL_POOL, or the special_pool parameter
 * ("*" for all, or tags as shown, comma-separated: "Raid,Tst1"). Mapping
 * pages may sleep: paged pool's callers may, so their blocks, of any size,
 * are mapped at the call; non-paged pool's may not, so a non-paged block of
 * up to a page takes one of a reserve of pages mapped ahead by a worker
 * (as Windows' special pool serves only blocks up to a page). A non-paged
 * request bigger than that, or met with the reserve empty, is served by the
 * normal pool, as Windows' is when special pool runs out. Headers are kept
 * apart (pool.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <ntmm/wdm.h>

#include "internal.h"

#define NTMM_SPECIAL_TAGS	16

/* Pages mapped ahead for non-paged special pool; refilled below half. */
#define NTMM_SPECIAL_RESERVE	32

static char *special_pool = "";
module_param(special_pool, charp, 0444);
MODULE_PARM_DESC(special_pool, "pool tags for special pool, comma-separated, or * for all");

static bool special_pool_underrun;
module_param(special_pool_underrun, bool, 0644);
MODULE_PARM_DESC(special_pool_underrun, "special pool catches underruns instead of overruns");

/* The special_pool parameter, parsed at load: all tags, or these. */
static bool ntmm_special_all;
static u32 ntmm_special_tags[NTMM_SPECIAL_TAGS];
static unsigned int ntmm_special_nr;
/* Does the parameter name any tag? Read inline on every allocation. */
bool ntmm_pool_special_listed;

/**
 * ntmm_pool_special_parse() - Set which tags go to special pool.
 * @list: "*" for all, or up to 16 tags as shown, comma-separated ("" for none).
 *
 * Called at load with the special_pool parameter (and by the KUnit suite);
 * not while allocations run.
 *
 * Return: 0, or -EINVAL (nothing changed) for an entry that is not four
 * characters, or too many entries.
 */
int ntmm_pool_special_parse(const char *list)
{
	u32 tags[NTMM_SPECIAL_TAGS];
	unsigned int nr = 0;
	const char *s;
	size_t n;

	if (!strcmp(list, "*")) {
		ntmm_special_all = true;
		ntmm_special_nr = 0;
		WRITE_ONCE(ntmm_pool_special_listed, true);
		return 0;
	}
	for (s = list; *s; s += n + (s[n] == ',')) {
		n = strcspn(s, ",");
		if (n != 4 || nr == NTMM_SPECIAL_TAGS) {
			pr_err("special_pool: '%s' is not up to %d four-character tags\n",
			       list, NTMM_SPECIAL_TAGS);
			return -EINVAL;
		}
		/* As shown: the first character is the tag's lowest byte. */
		tags[nr++] = (u8)s[0] | (u8)s[1] << 8 | (u8)s[2] << 16 | (u32)(u8)s[3] << 24;
	}
	memcpy(ntmm_special_tags, tags, sizeof(tags));
	ntmm_special_nr = nr;
	ntmm_special_all = false;
	WRITE_ONCE(ntmm_pool_special_listed, nr > 0);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_pool_special_parse);

/*
 * The reserve: vmalloc'd single pages, each followed by vmalloc's unmapped
 * guard page, linked through their first bytes. Taken in any context, so
 * its lock is irq-safe; refilled by a worker, which may sleep.
 */
static DEFINE_SPINLOCK(ntmm_special_lock);
static struct llist_head ntmm_special_pages;	/* under ntmm_special_lock */
static unsigned int ntmm_special_depth;		/* under ntmm_special_lock */

static void ntmm_special_refill(struct work_struct *work)
{
	unsigned long flags;
	void *page;

	for (;;) {
		spin_lock_irqsave(&ntmm_special_lock, flags);
		if (ntmm_special_depth >= NTMM_SPECIAL_RESERVE) {
			spin_unlock_irqrestore(&ntmm_special_lock, flags);
			return;
		}
		spin_unlock_irqrestore(&ntmm_special_lock, flags);
		page = vmalloc(PAGE_SIZE);
		if (!page)
			return;
		spin_lock_irqsave(&ntmm_special_lock, flags);
		__llist_add(page, &ntmm_special_pages);
		ntmm_special_depth++;
		spin_unlock_irqrestore(&ntmm_special_lock, flags);
	}
}

static DECLARE_WORK(ntmm_special_refill_work, ntmm_special_refill);

/* A page of the reserve, or NULL; a low reserve is refilled. */
static void *ntmm_special_take(void)
{
	struct llist_node *page;
	unsigned long flags;
	bool low;

	spin_lock_irqsave(&ntmm_special_lock, flags);
	page = llist_del_first(&ntmm_special_pages);
	if (page)
		ntmm_special_depth--;
	low = ntmm_special_depth < NTMM_SPECIAL_RESERVE / 2;
	spin_unlock_irqrestore(&ntmm_special_lock, flags);
	if (low)
		schedule_work(&ntmm_special_refill_work);
	return page;
}

/**
 * ntmm_pool_special_init() - Read the special_pool parameter; map the reserve.
 *
 * Return: 0 or -EINVAL.
 */
int ntmm_pool_special_init(void)
{
	int ret = ntmm_pool_special_parse(special_pool);

	if (!ret)
		ntmm_special_refill(NULL);
	return ret;
}

/**
 * ntmm_pool_special_exit() - Free the reserve.
 */
void ntmm_pool_special_exit(void)
{
	struct llist_node *page, *next;

	cancel_work_sync(&ntmm_special_refill_work);
	llist_for_each_safe(page, next, __llist_del_all(&ntmm_special_pages))
		vfree(page);
	ntmm_special_depth = 0;
}

/**
 * ntmm_pool_special_match() - ntmm_pool_special_wanted()'s slow path.
 * @flags: the allocation's POOL_FLAG_*.
 * @tag: its tag.
 *
 * Return: true for POOL_FLAG_SPECIAL_POOL or a tag the parameter names.
 */
bool ntmm_pool_special_match(u64 flags, u32 tag)
{
	unsigned int i;

	if ((flags & POOL_FLAG_SPECIAL_POOL) || ntmm_special_all)
		return true;
	for (i = 0; i < ntmm_special_nr; i++)
		if (ntmm_special_tags[i] == tag)
			return true;
	return false;
}

/**
 * ntmm_pool_special_set_underrun() - Switch special pool's mode (for tests).
 * @underrun: true to catch underruns, false for overruns.
 */
void ntmm_pool_special_set_underrun(bool underrun)
{
	WRITE_ONCE(special_pool_underrun, underrun);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_pool_special_set_underrun);

/**
 * ntmm_pool_special_alloc() - Pages of its own for one allocation.
 * @a: its header, with @a->h.size set; gets @block, @mem and the special flag.
 * @gfp: the allocation's flags (zeroing included).
 * @may_sleep: paged pool's caller, who may sleep: map pages now.
 *
 * Return: the memory to hand out, or NULL if special pool cannot serve it.
 */
void *ntmm_pool_special_alloc(struct ntmm_pool_apart *a, gfp_t gfp, bool may_sleep)
{
	size_t span = PAGE_ALIGN(a->h.size);

	if (may_sleep) {
		a->block = __vmalloc(span, gfp);
	} else {
		a->block = span == PAGE_SIZE ? ntmm_special_take() : NULL;
		if (a->block && (gfp & __GFP_ZERO))
			memset(a->block, 0, PAGE_SIZE);
	}
	if (!a->block)
		return NULL;
	a->mem = READ_ONCE(special_pool_underrun) ? a->block : a->block + span - a->h.size;
	a->h.flags |= NTMM_POOL_H_SPECIAL | NTMM_POOL_H_VMALLOC;
	return a->mem;
}
