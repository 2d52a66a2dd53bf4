// SPDX-License-Identifier: GPL-2.0
/*
 * Pool accounting, as poolmon shows it: for each tag and pool, allocations,
 * frees and bytes outstanding. Counters are kept per allocation site (tag
 * and caller), so unload can name what leaked by tag and caller, and per
 * CPU, so the allocation path takes no shared lock: a site's entry is made
 * on its first use (under ntmm_pool_tags_lock) and lives until unload.
 * Readers sum the CPUs and a tag's sites: /proc/ntmm/pooltags, and
 * NTMM_IOC_POOL_TAGS for libntmm (ntmm_pool_tags_for_each()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/hashtable.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/ntmm.h>
#include <linux/slab.h>

#include "internal.h"

/*
 * ntmm_pool_tags_lock serializes additions to ntmm_pool_tags (irq-safe:
 * tags are first used in any context). Entries are published with
 * hash_add_rcu() and never removed before unload, when no module that
 * allocates is left: the allocation path reads them without even RCU's
 * read lock, and a reader may drop RCU between entries.
 */
static DEFINE_SPINLOCK(ntmm_pool_tags_lock);
DEFINE_HASHTABLE(ntmm_pool_tags, NTMM_POOL_TAG_BITS);
static struct proc_dir_entry *ntmm_proc_dir;

/**
 * ntmm_pool_tag_add() - ntmm_pool_tag_get()'s slow path: a site's first use.
 * @tag: a non-zero tag.
 * @caller: the allocating code.
 * @gfp: how the caller may allocate.
 *
 * Return: the site's counters (new, or another caller's that came first),
 * or NULL without memory.
 */
struct ntmm_pool_tag *ntmm_pool_tag_add(u32 tag, const void *caller, gfp_t gfp)
{
	struct ntmm_pool_tag *t, *old;
	unsigned long flags;

	t = kzalloc(sizeof(*t), gfp);
	if (!t)
		return NULL;
	t->tag = tag;
	t->caller = caller;
	t->counts = alloc_percpu_gfp(struct ntmm_pool_counts, gfp);
	if (!t->counts) {
		kfree(t);
		return NULL;
	}
	spin_lock_irqsave(&ntmm_pool_tags_lock, flags);
	old = ntmm_pool_tag_find(tag, caller);
	if (!old)
		hash_add_rcu(ntmm_pool_tags, &t->node, ntmm_pool_site_key(tag, caller));
	spin_unlock_irqrestore(&ntmm_pool_tags_lock, flags);
	if (old) {
		free_percpu(t->counts);
		kfree(t);
		t = old;
	}
	return t;
}

/**
 * ntmm_pool_tag_name() - A tag as Windows shows it: its bytes in memory order.
 * @tag: the tag ('diaR' shows as "Raid").
 * @name: filled with four characters, '.' for unprintable ones, and a NUL.
 */
void ntmm_pool_tag_name(u32 tag, char name[5])
{
	int i;

	for (i = 0; i < 4; i++) {
		char c = (tag >> (8 * i)) & 0xff;

		name[i] = c >= 0x20 && c < 0x7f ? c : '.';
	}
	name[4] = '\0';
}

/* Add a site's counters, summed over the CPUs, to @sum. */
static void ntmm_pool_tag_sum(struct ntmm_pool_tag *t, struct ntmm_pool_counts *sum)
{
	int cpu, k;

	for_each_possible_cpu(cpu) {
		struct ntmm_pool_counts *c = per_cpu_ptr(t->counts, cpu);

		for (k = 0; k < NTMM_POOL_KINDS; k++) {
			sum->allocs[k] += READ_ONCE(c->allocs[k]);
			sum->frees[k] += READ_ONCE(c->frees[k]);
			sum->bytes[k] += READ_ONCE(c->bytes[k]);
		}
	}
}

/**
 * ntmm_pool_tag_counts() - One tag's counters for one pool, summed.
 * @tag: the tag.
 * @kind: enum ntmm_pool_kind.
 * @allocs: set to the allocations so far.
 * @frees: set to the frees so far.
 * @bytes: set to the bytes outstanding.
 *
 * Return: false if the tag was never used.
 */
bool ntmm_pool_tag_counts(u32 tag, unsigned int kind, unsigned long *allocs,
			  unsigned long *frees, long *bytes)
{
	struct ntmm_pool_counts sum = {};
	struct ntmm_pool_tag *t;
	bool found = false;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(ntmm_pool_tags, bkt, t, node) {
		if (t->tag == tag) {
			ntmm_pool_tag_sum(t, &sum);
			found = true;
		}
	}
	rcu_read_unlock();
	if (!found)
		return false;
	*allocs = sum.allocs[kind];
	*frees = sum.frees[kind];
	*bytes = sum.bytes[kind];
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_pool_tag_counts);

static const char *const ntmm_pool_kind_names[NTMM_POOL_KINDS] = { "nonpaged", "paged" };

/*
 * Is @t the first site of its tag in hash order? Each tag is reported once,
 * from its first site, with all its sites summed. Under RCU.
 */
static bool ntmm_pool_tag_first(struct ntmm_pool_tag *t, struct ntmm_pool_counts *sum)
{
	struct ntmm_pool_tag *o;
	bool seen = false;
	int bkt;

	memset(sum, 0, sizeof(*sum));
	hash_for_each_rcu(ntmm_pool_tags, bkt, o, node) {
		if (o->tag != t->tag)
			continue;
		if (!seen && o != t)
			return false;
		seen = true;
		ntmm_pool_tag_sum(o, sum);
	}
	return true;
}

/* /proc/ntmm/pooltags: one line per tag and pool that was ever used. */
static int ntmm_pooltags_show(struct seq_file *m, void *unused)
{
	struct ntmm_pool_counts sum;
	struct ntmm_pool_tag *t;
	char name[5];
	int bkt, k;

	seq_puts(m, "# ntmm pool tags v1\n# tag type allocs frees bytes\n");
	rcu_read_lock();
	hash_for_each_rcu(ntmm_pool_tags, bkt, t, node) {
		if (!ntmm_pool_tag_first(t, &sum))
			continue;
		ntmm_pool_tag_name(t->tag, name);
		for (k = 0; k < NTMM_POOL_KINDS; k++)
			if (sum.allocs[k])
				seq_printf(m, "%s %s %lu %lu %ld\n", name, ntmm_pool_kind_names[k],
					   sum.allocs[k], sum.frees[k], sum.bytes[k]);
	}
	rcu_read_unlock();
	return 0;
}

/**
 * ntmm_pool_tags_for_each() - Every tag's counters, as SYSTEM_POOLTAG has them.
 * @fn: called once per tag, outside RCU (it may copy to user memory).
 * @ctx: for @fn.
 *
 * Sites are never removed before unload, so the walk may leave RCU between
 * entries and go on.
 *
 * Return: 0, or the first non-zero return of @fn.
 */
int ntmm_pool_tags_for_each(ntmm_pool_tag_fn fn, void *ctx)
{
	struct ntmm_pool_tag_info info;
	struct ntmm_pool_counts sum;
	struct ntmm_pool_tag *t;
	int bkt, ret;

	rcu_read_lock();
	hash_for_each_rcu(ntmm_pool_tags, bkt, t, node) {
		if (!ntmm_pool_tag_first(t, &sum))
			continue;
		memset(&info, 0, sizeof(info));
		info.tag = t->tag;
		info.nonpaged_allocs = sum.allocs[NTMM_POOL_NONPAGED];
		info.nonpaged_frees = sum.frees[NTMM_POOL_NONPAGED];
		info.nonpaged_bytes = sum.bytes[NTMM_POOL_NONPAGED];
		info.paged_allocs = sum.allocs[NTMM_POOL_PAGED];
		info.paged_frees = sum.frees[NTMM_POOL_PAGED];
		info.paged_bytes = sum.bytes[NTMM_POOL_PAGED];
		rcu_read_unlock();
		ret = fn(ctx, &info);
		if (ret)
			return ret;
		rcu_read_lock();
	}
	rcu_read_unlock();
	return 0;
}

/**
 * ntmm_pool_tags_init() - Create /proc/ntmm/pooltags.
 *
 * Return: 0 or -ENOMEM.
 */
int ntmm_pool_tags_init(void)
{
	ntmm_proc_dir = proc_mkdir("ntmm", NULL);
	if (!ntmm_proc_dir)
		return -ENOMEM;
	if (!proc_create_single("pooltags", 0444, ntmm_proc_dir, ntmm_pooltags_show)) {
		proc_remove(ntmm_proc_dir);
		return -ENOMEM;
	}
	return 0;
}

/**
 * ntmm_pool_tags_exit() - Report what was never freed, by tag and caller;
 * remove /proc/ntmm and free the counters.
 */
void ntmm_pool_tags_exit(void)
{
	struct ntmm_pool_counts sum;
	struct ntmm_pool_tag *t;
	struct hlist_node *next;
	char name[5];
	int bkt, k;

	proc_remove(ntmm_proc_dir);
	hash_for_each_safe(ntmm_pool_tags, bkt, next, t, node) {
		memset(&sum, 0, sizeof(sum));
		ntmm_pool_tag_sum(t, &sum);
		ntmm_pool_tag_name(t->tag, name);
		/* Modules using the pools depend on ntmm: they are gone, this is their leak. */
		for (k = 0; k < NTMM_POOL_KINDS; k++)
			if (sum.allocs[k] != sum.frees[k])
				pr_err("pool: leak: %lu %s allocations (%ld bytes) of tag '%s' from %pS\n",
				       sum.allocs[k] - sum.frees[k], ntmm_pool_kind_names[k],
				       sum.bytes[k], name, t->caller);
		hash_del(&t->node);
		free_percpu(t->counts);
		kfree(t);
	}
}
