// SPDX-License-Identifier: GPL-2.0
/*
 * MEM_LARGE_PAGES: who may have them, and their 2 MiB folios.
 *
 * SeLockMemoryPrivilege is CAP_IPC_LOCK here, or membership of the group
 * the large_page_gid parameter names (both of the initial user namespace).
 * A large page is one physically contiguous, zeroed order-9 folio of the
 * module's own, allocated whole when the allocation is made, as Windows
 * backs large pages at once, and never reset, trimmed, paged or moved (it
 * is on no LRU). Large pages are mapped from VMAs of their own, with their
 * protection (region.c): the kernel's fault path maps each with one PMD
 * entry where the VMA allows it, else with PTEs; either way the folio is an
 * ordinary refcounted page to GUP, so O_DIRECT into large pages works.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/capability.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>

#include "../compat.h"
#include "../privilege.h"
#include "large.h"

static kgid_t large_page_gid = INVALID_GID;
module_param_cb(large_page_gid, &ntmm_group_param_ops, &large_page_gid, 0644);
MODULE_PARM_DESC(large_page_gid,
		 "group whose members may allocate large pages without CAP_IPC_LOCK (a gid of the initial user namespace; -1: none)");

/* 4 KiB frames held by large pages, for debugfs and the leak tests. */
static atomic_long_t ntmm_large_nr_frames = ATOMIC_LONG_INIT(0);

/**
 * ntmm_large_privileged() - May the caller allocate large pages?
 *
 * Return: true with CAP_IPC_LOCK or in the large_page_gid group.
 */
bool ntmm_large_privileged(void)
{
	return ntmm_privileged(CAP_IPC_LOCK, READ_ONCE(large_page_gid));
}

/**
 * ntmm_large_folio() - Allocate one zeroed 2 MiB folio.
 * @node: the node to take it from first.
 *
 * Reclaim and compaction are tried in earnest (memory may first need to be
 * moved, as on Windows, where large-page allocations can be slow), but never
 * the OOM killer: a folio that cannot be found is reported, as Windows
 * reports ERROR_NO_SYSTEM_RESOURCES. KUnit replaces it to fail on purpose.
 *
 * Return: the folio, or NULL.
 */
struct folio *ntmm_large_folio(int node)
{
	NTMM_KUNIT_STUB(ntmm_large_folio, node);
	return __folio_alloc(GFP_HIGHUSER | __GFP_ZERO | __GFP_RETRY_MAYFAIL | __GFP_NOWARN |
			     __GFP_ACCOUNT, NTMM_LARGE_ORDER, node, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_large_folio);

/**
 * ntmm_large_alloc() - One zeroed 2 MiB folio for a large page, counted.
 * @node: the node to take it from first, or NUMA_NO_NODE for the caller's.
 *
 * Return: the folio, or NULL.
 */
struct folio *ntmm_large_alloc(int node)
{
	struct folio *folio;

	folio = ntmm_large_folio(node == NUMA_NO_NODE ? numa_node_id() : node);
	if (folio)
		atomic_long_add(NTMM_LARGE_NR, &ntmm_large_nr_frames);
	return folio;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_large_alloc);

/**
 * ntmm_large_free() - Drop the module's reference to a large page's folio.
 * @folio: the folio; the last mapping of it went (GUP may still hold it).
 */
void ntmm_large_free(struct folio *folio)
{
	atomic_long_sub(NTMM_LARGE_NR, &ntmm_large_nr_frames);
	folio_put(folio);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_large_free);

/**
 * ntmm_large_frames() - 4 KiB frames held by large pages.
 *
 * Return: that number.
 */
long ntmm_large_frames(void)
{
	return atomic_long_read(&ntmm_large_nr_frames);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_large_frames);
