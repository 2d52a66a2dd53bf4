// SPDX-License-Identifier: GPL-2.0
/*
 * QueryWorkingSetEx for private memory: for each page asked about, whether
 * it is valid (resident, and a touch would not fault it in: not reserved,
 * no-access, guard or reset) and, if so, its protection, the NUMA node of
 * its frame, and whether it is locked or part of a large page. A committed
 * page that was never touched has no frame yet, and is not valid, as on
 * Windows. Pages ntmm does not manage report not valid.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/ntmm.h>
#include <linux/pagemap.h>

#include "../compat.h"
#include "../process.h"
#include "mm_run.h"
#include "nt_rules.h"
#include "placement.h"
#include "vad.h"
#include "view.h"
#include "working_set.h"

/* PSAPI_WORKING_SET_EX_BLOCK's Node field is 6 bits wide, ShareCount 3. */
#define NTMM_WS_NODE_MASK	0x3fU
#define NTMM_WS_SHARE_MAX	7U

/*
 * A view's page, of protection @prot: valid if the process maps it (its
 * PTE is there, in its own address space: vm/mm_run.c), shared unless it is a
 * copy-on-write view's own copy, its share count the frame's mappings.
 */
static u64 ntmm_ws_view(struct ntmm_vad *vad, unsigned long idx, u32 prot, unsigned long marks)
{
	struct page *page;
	u64 attr;

	page = ntmm_mm_page(vad->proc, vad->start + (idx << PAGE_SHIFT));
	if (!page)
		return 0;
	if (PageAnon(page))
		prot = ntmm_view_written(prot);
	attr = NTMM_WS_VALID | (u64)prot << NTMM_WS_PROTECTION_SHIFT |
	       (u64)(page_to_nid(page) & NTMM_WS_NODE_MASK) << NTMM_WS_NODE_SHIFT;
	if (!PageAnon(page))
		attr |= NTMM_WS_SHARED | (u64)min_t(unsigned int, ntmm_mapcount(page),
						  NTMM_WS_SHARE_MAX) << NTMM_WS_SHARE_COUNT_SHIFT;
	if (marks & PF_LOCKED)
		attr |= NTMM_WS_LOCKED;
	if (vad->flags & NTMM_VAD_LARGE)
		attr |= NTMM_WS_LARGE_PAGE;
	put_page(page);
	return attr;
}

/* The node of the frame holding page @idx of @vad, or -1 if none does. */
static int ntmm_ws_node(struct ntmm_vad *vad, unsigned long idx)
{
	struct folio *folio;
	int nid;

	if (vad->large)
		return folio_nid(vad->large[idx / NTMM_LARGE_NR]);
	folio = ntmm_filemap_get_folio(vad->proc->space->f_mapping,
				       (vad->start >> PAGE_SHIFT) + idx);
	if (!folio)
		return -1;
	nid = folio_nid(folio);
	folio_put(folio);
	return nid;
}

/* PSAPI_WORKING_SET_EX_BLOCK of the page of @addr. */
static u64 ntmm_ws_attributes(struct ntmm_process *proc, u64 addr)
{
	struct ntmm_vad *vad;
	unsigned long idx, marks;
	u64 attr = 0;
	int nid;
	u32 prot;

	if (addr > ntmm_user_max())
		return 0;
	vad = ntmm_vad_get(proc, addr);
	if (!vad)
		return 0;
	idx = ntmm_vad_index(vad, addr);
	down_read(&vad->lock);
	prot = vad->dead ? 0 : ntmm_vad_protection(vad, idx);
	marks = ntmm_vad_marks(vad, idx);
	/* Valid: resident, and accessible, so a touch would not fault it in. */
	if (!nt_protect_access(prot) || (prot & NTMM_PAGE_GUARD) || (marks & PF_RESET))
		goto out_unlock;
	if (vad->flags & NTMM_VAD_VIEW) {
		attr = ntmm_ws_view(vad, idx, prot, marks);
		goto out_unlock;
	}
	nid = ntmm_ws_node(vad, idx);
	if (nid < 0)
		goto out_unlock;
	attr = NTMM_WS_VALID | (u64)prot << NTMM_WS_PROTECTION_SHIFT |
	       (u64)(nid & NTMM_WS_NODE_MASK) << NTMM_WS_NODE_SHIFT;
	if (marks & PF_LOCKED)
		attr |= NTMM_WS_LOCKED;
	if (vad->flags & NTMM_VAD_LARGE)
		attr |= NTMM_WS_LARGE_PAGE;
out_unlock:
	up_read(&vad->lock);
	ntmm_vad_put(vad);
	return attr;
}

/**
 * ntmm_ws_query() - QueryWorkingSetEx: the attributes of pages.
 * @proc: the caller's context.
 * @entries: the pages asked about, in any order; their attributes are set.
 * @n: how many.
 */
void ntmm_ws_query(struct ntmm_process *proc, struct ntmm_ws_entry *entries, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		entries[i].attributes = ntmm_ws_attributes(proc, entries[i].address);
}
