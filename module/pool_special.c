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
 * ("*" for all, or tags as shown, comma-separated: "Raid,Tst1"). Only where
 * the caller may sleep (mapping pages may); elsewhere allocations are
 * normal. Their headers are kept apart (pool.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <ntmm/wdm.h>

#include "pool.h"
#include "ntmm.h"

#define NTMM_SPECIAL_TAGS	16

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

/**
 * ntmm_pool_special_init() - Read the special_pool parameter.
 *
 * Return: 0 or -EINVAL.
 */
int ntmm_pool_special_init(void)
{
	return ntmm_pool_special_parse(special_pool);
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
 * @gfp: the allocation's flags (zeroing included); the caller may sleep.
 *
 * Return: the memory to hand out, or NULL.
 */
void *ntmm_pool_special_alloc(struct ntmm_pool_apart *a, gfp_t gfp)
{
	size_t span = PAGE_ALIGN(a->h.size);

	a->block = __vmalloc(span, gfp);
	if (!a->block)
		return NULL;
	a->mem = READ_ONCE(special_pool_underrun) ? a->block : a->block + span - a->h.size;
	a->h.flags |= NTMM_POOL_H_SPECIAL | NTMM_POOL_H_VMALLOC;
	return a->mem;
}
