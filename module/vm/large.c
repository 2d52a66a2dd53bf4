// SPDX-License-Identifier: GPL-2.0
/*
 * MEM_LARGE_PAGES: who may have them, their 2 MiB frames, and how they are
 * mapped.
 *
 * SeLockMemoryPrivilege is CAP_IPC_LOCK here, or membership of the group
 * the large_page_gid parameter names (both of the initial user namespace).
 * A large page is one physically contiguous, zeroed order-9 frame,
 * allocated whole when the allocation is made and never reset, trimmed or
 * paged. Where the kernel calls
 * .huge_fault for a PFN-mapped VMA (6.12 with THP "always" or "madvise") a
 * large page is mapped by one PMD entry; elsewhere (6.1, THP "never") the
 * first touch maps its 512 PTEs at once.
 *
 * Transparent large frames: where the kernel calls .huge_fault for a VMA
 * without VM_HUGEPAGE (6.12 with THP "always", as it does for native THP),
 * the first touch of a 2 MiB block of an ordinary allocation whose 512
 * pages are all committed alike and have no frame gets one 2 MiB frame, and
 * all 512 pages are mapped at once by PTEs (vad.c). Only the touched page's
 * PTE is young: QueryWorkingSetEx reports the others valid only once their
 * accessed bit shows a touch, as Windows shows untouched pages not valid.
 * The pages stay ordinary pages in every other respect; a call that takes
 * frames from part of the block (decommit, MEM_RESET) first splits the
 * frame into 512 independent 4 KiB ones.
 *
 * Every 2 MiB frame is a non-compound order-9 block, so that split_page()
 * can split it; its order rides in page->private on the way to being freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/capability.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/ntmm.h>

#include "../compat.h"
#include "../privilege.h"
#include "large.h"

static kgid_t large_page_gid = INVALID_GID;
module_param_cb(large_page_gid, &ntmm_group_param_ops, &large_page_gid, 0644);
MODULE_PARM_DESC(large_page_gid,
		 "group whose members may allocate large pages without CAP_IPC_LOCK (a gid of the initial user namespace; -1: none)");

/*
 * 2 MiB frames mapped by one PMD entry, and by 512 PTEs; transparent frames
 * given, and split: for tests and debugfs.
 */
static atomic_long_t ntmm_large_pmd_maps = ATOMIC_LONG_INIT(0);
static atomic_long_t ntmm_large_pte_maps = ATOMIC_LONG_INIT(0);
static atomic_long_t ntmm_large_transparent = ATOMIC_LONG_INIT(0);
static atomic_long_t ntmm_large_splits = ATOMIC_LONG_INIT(0);

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
 * ntmm_large_alloc() - One zeroed 2 MiB frame.
 * @node: the node to take it from first, or NUMA_NO_NODE for the caller's.
 *
 * Reclaim and compaction are tried in earnest (memory may first need to be
 * moved, as on Windows, where large-page allocations can be slow), but never
 * the OOM killer: a frame that cannot be found is reported, as Windows
 * reports ERROR_NO_SYSTEM_RESOURCES.
 *
 * Return: the frame's first page (of a non-compound block), or NULL.
 */
struct page *ntmm_large_alloc(int node)
{
	NTMM_KUNIT_STUB(ntmm_large_alloc, node);
	return alloc_pages_node(node, GFP_HIGHUSER | __GFP_ZERO | __GFP_RETRY_MAYFAIL |
				__GFP_NOWARN | __GFP_ACCOUNT, NTMM_LARGE_ORDER);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_large_alloc);

/**
 * ntmm_large_alloc_transparent() - A zeroed 2 MiB frame if one is at hand.
 * @node: the node it must come from, or NUMA_NO_NODE for the caller's.
 *
 * As native THP without madvise: no reclaim, no compaction, no other node
 * (the 4 KiB fallback keeps the node preference), and quiet failure.
 *
 * Return: the frame's first page (of a non-compound block), or NULL.
 */
struct page *ntmm_large_alloc_transparent(int node)
{
	struct page *frame;

	if (node == NUMA_NO_NODE)
		node = numa_node_id();
	frame = alloc_pages_node(node, (GFP_HIGHUSER | __GFP_ZERO | __GFP_THISNODE |
				 __GFP_NOMEMALLOC | __GFP_NOWARN | __GFP_ACCOUNT) &
				 ~__GFP_RECLAIM, NTMM_LARGE_ORDER);
	if (frame)
		atomic_long_inc(&ntmm_large_transparent);
	return frame;
}

/**
 * ntmm_large_split() - Make a transparent 2 MiB frame 512 4 KiB frames.
 * @frame: its first page.
 */
void ntmm_large_split(struct page *frame)
{
	split_page(frame, NTMM_LARGE_ORDER);
	atomic_long_inc(&ntmm_large_splits);
}

/**
 * ntmm_large_transparent_count() - Transparent frames given, or split.
 * @split: true for the frames split, false for the frames given.
 *
 * Return: that count.
 */
long ntmm_large_transparent_count(bool split)
{
	return atomic_long_read(split ? &ntmm_large_splits : &ntmm_large_transparent);
}

/**
 * ntmm_large_maps() - How large pages have been mapped so far.
 * @pmd: true for PMD mappings, false for PTE mappings.
 *
 * Return: that count.
 */
long ntmm_large_maps(bool pmd)
{
	return atomic_long_read(pmd ? &ntmm_large_pmd_maps : &ntmm_large_pte_maps);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_large_maps);

/**
 * ntmm_large_map_ptes() - Map a whole large page with 512 PTEs.
 * @vmf: the fault, in the large page.
 * @pfn: the frame's first PFN.
 * @prot: the large page's PTE protection.
 *
 * Return: VM_FAULT_NOPAGE, or the error of the first PTE that failed.
 */
vm_fault_t ntmm_large_map_ptes(struct vm_fault *vmf, unsigned long pfn, pgprot_t prot)
{
	unsigned long addr = vmf->address & PMD_MASK;
	vm_fault_t ret;
	unsigned int i;

	for (i = 0; i < NTMM_LARGE_NR; i++) {
		ret = vmf_insert_pfn_prot(vmf->vma, addr + i * PAGE_SIZE, pfn + i, prot);
		if (ret != VM_FAULT_NOPAGE)
			return ret;
	}
	atomic_long_inc(&ntmm_large_pte_maps);
	return VM_FAULT_NOPAGE;
}

#ifdef NTMM_HAVE_PMD_PFNMAP
/**
 * ntmm_large_map_pmd() - Map a whole large page with one PMD entry.
 * @vmf: a huge fault in the large page (2 MiB aligned, as its VMA is).
 * @pfn: the frame's first PFN.
 * @prot: the large page's protection.
 *
 * vmf_insert_pfn_pmd() would take the VMA's protection, the union of what
 * any page may allow; the entry is built here with the page's own, as for
 * PTEs, and marked special as the kernel marks PFN-mapped PMDs.
 *
 * Return: VM_FAULT_NOPAGE (also when another fault mapped it first).
 */
vm_fault_t ntmm_large_map_pmd(struct vm_fault *vmf, unsigned long pfn, pgprot_t prot)
{
	unsigned long addr = vmf->address & PMD_MASK;
	struct mm_struct *mm = vmf->vma->vm_mm;
	spinlock_t *ptl;	/* the PMD's page-table lock */
	pmd_t entry;

	ptl = pmd_lock(mm, vmf->pmd);
	if (pmd_none(*vmf->pmd)) {
		entry = pmd_mkspecial(pmd_mkhuge(pfn_pmd(pfn, prot)));
		entry = pmd_mkyoung(entry);
		if (vmf->flags & FAULT_FLAG_WRITE)
			entry = pmd_mkdirty(entry);
		set_pmd_at(mm, addr, vmf->pmd, entry);
		update_mmu_cache_pmd(vmf->vma, addr, vmf->pmd);
		atomic_long_inc(&ntmm_large_pmd_maps);
	}
	spin_unlock(ptl);
	return VM_FAULT_NOPAGE;
}
#endif
