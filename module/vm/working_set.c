// SPDX-License-Identifier: GPL-2.0
/*
 * QueryWorkingSetEx for private memory: for each page asked about, whether
 * it is valid (has a frame a PTE may map under its protection, and was
 * touched if its frame came ahead of a touch) and, if so,
 * its protection, the NUMA node of its frame, and whether it is locked or
 * part of a large page. Pages ntmm does not manage report not valid.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/ntmm.h>

#include "../process.h"
#include "nt_rules.h"
#include "page_state.h"
#include "placement.h"
#include "vad.h"
#include "working_set.h"

/* PSAPI_WORKING_SET_EX_BLOCK's Node field is 6 bits wide. */
#define NTMM_WS_NODE_MASK	0x3fU

static int ntmm_ws_pte_young(pte_t *pte, unsigned long addr, void *data)
{
	*(bool *)data = pte_young(ptep_get(pte));
	return 0;
}

/*
 * Was the page at @addr, mapped ahead of its first touch, touched since?
 * Its PTE's accessed bit says; no PTE, no touch since the last zap (which
 * learnt of earlier touches, see ntmm_vad_zap()). mmap_lock held.
 */
static bool ntmm_ws_touched(struct mm_struct *mm, unsigned long addr)
{
	bool young = false;

	mmap_assert_locked(mm);
	apply_to_existing_page_range(mm, addr & PAGE_MASK, PAGE_SIZE, ntmm_ws_pte_young, &young);
	return young;
}

/*
 * PSAPI_WORKING_SET_EX_BLOCK of the page of @addr; mmap_lock held, which
 * keeps the VADs (only munmap frees them) and their page tables.
 */
static u64 ntmm_ws_attributes(struct ntmm_process *proc, u64 addr)
{
	struct ntmm_vad *vad;
	unsigned long state;
	void *entry;
	u32 prot;
	u64 attr;

	mmap_assert_locked(proc->mm);
	if (addr > ntmm_user_max())
		return 0;
	vad = mtree_load(&proc->vads, addr);
	if (!vad)
		return 0;
	entry = xa_load(&vad->pages, ntmm_vad_index(vad, addr));
	if (!entry)
		return 0;
	state = xa_to_value(entry);
	prot = state & PS_PROT_MASK;
	/* Valid: backed, and accessible, so a touch would not fault it in. */
	if (!(state & PS_FRAME) || (state & PS_RESET) || (prot & NTMM_PAGE_GUARD) ||
	    !nt_protect_access(prot))
		return 0;
	/* Windows shows a page never touched as not valid, frame or no frame. */
	if ((state & PS_AHEAD) && !ntmm_ws_touched(proc->mm, addr))
		return 0;
	attr = NTMM_WS_VALID | (u64)prot << NTMM_WS_PROTECTION_SHIFT |
	       (u64)(page_to_nid(ps_page(state)) & NTMM_WS_NODE_MASK) << NTMM_WS_NODE_SHIFT;
	if (state & PS_LOCKED)
		attr |= NTMM_WS_LOCKED;
	/* A transparent frame is mapped by 4 KiB PTEs: no large page to Windows. */
	if ((state & PS_LARGE) && (vad->flags & NTMM_VAD_LARGE))
		attr |= NTMM_WS_LARGE_PAGE;
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

	mmap_read_lock(proc->mm);
	for (i = 0; i < n; i++)
		entries[i].attributes = ntmm_ws_attributes(proc, entries[i].address);
	mmap_read_unlock(proc->mm);
}
