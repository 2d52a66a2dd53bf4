// SPDX-License-Identifier: GPL-2.0
/*
 * The VMA of a VAD: the device's mmap, which adopts the VAD an allocating
 * call is mapping, and the VMA's operations, which fill its page tables.
 * The VMA allows the union of all accesses; what a page allows is its own
 * protection, enforced by the PTE installed here (no PTE at all for
 * reserved, NOACCESS and guard pages, read-only for READONLY, NX unless
 * executable).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/ntmm.h>
#include <linux/rcupdate.h>

#include "../compat.h"
#include "../process.h"
#include "large.h"
#include "nt_rules.h"
#include "page_state.h"
#include "vad.h"
#include "vma.h"

/*
 * The PTE protection for a page in state @state: its protection, read-only
 * while write watch waits for the page's first write.
 */
static pgprot_t ntmm_vad_pgprot(struct ntmm_vad *vad, unsigned long state)
{
	unsigned int access = nt_protect_access(state & PS_PROT_MASK);
	vm_flags_t flags = VM_SHARED;

	if (access & NT_ACCESS_READ)
		flags |= VM_READ;
	if ((access & NT_ACCESS_WRITE) &&
	    (!(vad->flags & NTMM_VAD_WRITE_WATCH) || (state & PS_WW_DIRTY)))
		flags |= VM_WRITE;
	if (access & NT_ACCESS_EXECUTE)
		flags |= VM_EXEC;
	return vm_get_page_prot(flags);
}

static unsigned int ntmm_fault_access(struct vm_fault *vmf)
{
	if (vmf->flags & FAULT_FLAG_WRITE)
		return NT_ACCESS_WRITE;
	if (vmf->flags & FAULT_FLAG_INSTRUCTION)
		return NT_ACCESS_EXECUTE;
	return NT_ACCESS_READ;
}

/* Refuse the access, and say why for libntmm's exception handling. */
static vm_fault_t ntmm_vad_refuse(struct ntmm_vad *vad, unsigned long address,
				  u32 reason, unsigned int access)
{
	u32 code = access == NT_ACCESS_WRITE ? NTMM_ACCESS_WRITE :
		   access == NT_ACCESS_EXECUTE ? NTMM_ACCESS_EXECUTE : NTMM_ACCESS_READ;

	ntmm_fault_record(&vad->proc->faults, address, reason, code);
	return VM_FAULT_SIGSEGV;
}

/*
 * Map the page at @vmf->address if its state allows @access, giving it a
 * zeroed frame on first touch; a large page is mapped whole, by one PMD
 * entry if @pmd. Called with vad->lock held for read.
 */
static vm_fault_t ntmm_vad_map(struct ntmm_vad *vad, struct vm_fault *vmf,
			       unsigned int access, bool pmd)
{
	unsigned long idx = ntmm_vad_index(vad, vmf->address);
	unsigned long state, new;
	struct page *page;
	void *entry, *old;

	lockdep_assert_held_read(&vad->lock);
	for (;;) {
		entry = xa_load(&vad->pages, idx);
		if (!entry)	/* reserved, not committed */
			return ntmm_vad_refuse(vad, vmf->address, NTMM_FAULT_ACCESS_VIOLATION,
					       access);
		state = xa_to_value(entry);
		if (state & NTMM_PAGE_GUARD) {
			/* The first touch raises once and clears the guard. */
			new = state & ~(unsigned long)NTMM_PAGE_GUARD;
			old = xa_cmpxchg(&vad->pages, idx, entry, ps_entry(new), GFP_NOWAIT);
			if (old == entry)
				return ntmm_vad_refuse(vad, vmf->address, NTMM_FAULT_GUARD_PAGE,
						       access);
			continue;	/* another fault cleared it: look again */
		}
		if (!(nt_protect_access(state & PS_PROT_MASK) & access))
			return ntmm_vad_refuse(vad, vmf->address, NTMM_FAULT_ACCESS_VIOLATION,
					       access);
		/* A touch ends a reset, and a wait for the first touch. */
		new = state & ~(PS_RESET | PS_AHEAD);
		if ((vad->flags & NTMM_VAD_WRITE_WATCH) && access == NT_ACCESS_WRITE)
			new |= PS_WW_DIRTY;
		page = NULL;
		if (!(state & PS_FRAME)) {
			page = ntmm_vad_alloc_frame(vad);
			if (!page)
				return VM_FAULT_OOM;
			new |= PS_FRAME | (page_to_pfn(page) << PS_PFN_SHIFT);
		}
		if (new == state)
			break;
		/* Replacing an entry that exists never allocates. */
		old = xa_cmpxchg(&vad->pages, idx, entry, ps_entry(new), GFP_NOWAIT);
		if (old == entry) {
			if (page)
				ntmm_vad_count_frames(1);
			if (state & PS_RESET)
				ntmm_vad_reset_forget(vad, idx);
			state = new;
			break;
		}
		if (page)
			__free_page(page);	/* another fault changed it first: again */
	}
	/* A transparent frame's pages are mapped one by one here. */
	if ((state & PS_LARGE) && (vad->flags & NTMM_VAD_LARGE)) {
		unsigned long first = round_down(state >> PS_PFN_SHIFT, NTMM_LARGE_NR);

#ifdef NTMM_HAVE_PMD_PFNMAP
		if (pmd)
			return ntmm_large_map_pmd(vmf, first, ntmm_vad_pgprot(vad, state));
#endif
		return ntmm_large_map_ptes(vmf, first, ntmm_vad_pgprot(vad, state));
	}
	return vmf_insert_pfn_prot(vmf->vma, vmf->address & PAGE_MASK,
				   state >> PS_PFN_SHIFT, ntmm_vad_pgprot(vad, state));
}

static vm_fault_t ntmm_vad_fault(struct vm_fault *vmf)
{
	struct ntmm_vad *vad = vmf->vma->vm_private_data;
	vm_fault_t ret;

	down_read(&vad->lock);
	ret = ntmm_vad_map(vad, vmf, ntmm_fault_access(vmf), false);
	up_read(&vad->lock);
	return ret;
}

#ifdef NTMM_HAVE_PMD_PFNMAP
/*
 * Are all 512 pages of the 2 MiB block from page @first in @state? vad->lock
 * held: the xarray's nodes stay put, only values change.
 */
static bool ps_block_alike(struct ntmm_vad *vad, unsigned long first,
			   unsigned long state)
{
	XA_STATE(xas, &vad->pages, first);
	bool alike;
	unsigned long i;

	lockdep_assert_held(&vad->lock);
	rcu_read_lock();
	alike = xas_load(&xas) == ps_entry(state);
	for (i = 1; alike && i < NTMM_LARGE_NR; i++)
		alike = xas_next(&xas) == ps_entry(state);
	rcu_read_unlock();
	return alike;
}

/*
 * Give the block from page @first, all of whose pages are in @state without
 * a frame, the 2 MiB frame @frame, or nothing if a racing fault changed one.
 */
static bool ps_block_install(struct ntmm_vad *vad, unsigned long first,
			     unsigned long state, struct page *frame)
{
	unsigned long new = state | PS_FRAME | PS_LARGE | PS_AHEAD |
			    (page_to_pfn(frame) << PS_PFN_SHIFT);
	XA_STATE(xas, &vad->pages, first);
	unsigned long i;
	void *entry;

	xas_lock(&xas);
	for (i = 0; i < NTMM_LARGE_NR; i++) {
		entry = i ? xas_next(&xas) : xas_load(&xas);
		if (entry != ps_entry(state))
			break;
		/* Replacing an entry never allocates. */
		xas_store(&xas, ps_entry(new + (i << PS_PFN_SHIFT)));
	}
	if (i < NTMM_LARGE_NR) {
		while (i--) {
			xas_prev(&xas);
			xas_store(&xas, ps_entry(state));
		}
		xas_unlock(&xas);
		return false;
	}
	xas_unlock(&xas);
	return true;
}

/* What ntmm_vad_fill_pte() maps: a block's frame, from the block's start. */
struct ntmm_fill {
	struct mm_struct *mm;
	unsigned long start;
	unsigned long pfn;
	unsigned long touched;
	pgprot_t prot;
};

/*
 * Map one page of a block that was just given a transparent frame: special,
 * as every PTE of a PFN map, and old unless it is the page being touched,
 * so that the PTE's accessed bit tells which pages were touched since.
 */
static int ntmm_vad_fill_pte(pte_t *pte, unsigned long addr, void *data)
{
	const struct ntmm_fill *f = data;
	pte_t entry;

	if (!pte_none(ptep_get(pte)))
		return 0;
	entry = pte_mkspecial(pfn_pte(f->pfn + ((addr - f->start) >> PAGE_SHIFT), f->prot));
	if (addr != f->touched)
		entry = pte_mkold(entry);
	set_pte_at(f->mm, addr, pte, entry);
	return 0;
}

/*
 * A PMD fault in an ordinary allocation (THP "always"): if the 512 pages of
 * its 2 MiB block are committed alike, plainly accessible for @access and
 * without frames, give the block one transparent 2 MiB frame and map all of
 * it with PTEs, the touched page young and the others old (PS_AHEAD).
 * Anything else is the 4 KiB path's, which also refuses what must be
 * refused. Called with vad->lock held for read.
 */
static vm_fault_t ntmm_vad_map_block(struct ntmm_vad *vad, struct vm_fault *vmf,
				     unsigned int access)
{
	struct ntmm_fill fill = { .mm = vmf->vma->vm_mm, .touched = vmf->address & PAGE_MASK };
	unsigned long first, state;
	struct page *frame;
	void *entry;
	u32 prot;

	lockdep_assert_held_read(&vad->lock);
	fill.start = vmf->address & PMD_MASK;
	if (fill.start < vad->start || fill.start + PMD_SIZE > vad->end ||
	    (vad->flags & NTMM_VAD_WRITE_WATCH))
		return VM_FAULT_FALLBACK;
	first = (fill.start - vad->start) >> PAGE_SHIFT;
	do {
		/* The first page decides before the walk: refused touches come back. */
		entry = xa_load(&vad->pages, first);
		state = entry ? xa_to_value(entry) : 0;
		prot = state & PS_PROT_MASK;
		if (!state || state != prot || (prot & NT_PAGE_MODIFIERS) ||
		    !(nt_protect_access(prot) & access) || !ps_block_alike(vad, first, state))
			return VM_FAULT_FALLBACK;
		frame = ntmm_large_alloc_transparent(READ_ONCE(vad->node));
		if (!frame)
			return VM_FAULT_FALLBACK;
		if (ps_block_install(vad, first, state, frame))
			break;
		/* A racing fault changed a page first: look again. */
		__free_pages(frame, NTMM_LARGE_ORDER);
	} while (true);
	ntmm_vad_count_frames(NTMM_LARGE_NR);
	WRITE_ONCE(vad->ahead, true);
	fill.pfn = page_to_pfn(frame);
	fill.prot = ntmm_vad_pgprot(vad, state);
	/* Without page tables for it, the 4 KiB path maps what is touched. */
	if (apply_to_page_range(fill.mm, fill.start, PMD_SIZE, ntmm_vad_fill_pte, &fill))
		return VM_FAULT_FALLBACK;
	return VM_FAULT_NOPAGE;
}

/* The kernel offers a PMD entry: large pages take it, so may 2 MiB blocks. */
static vm_fault_t ntmm_vad_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	struct ntmm_vad *vad = vmf->vma->vm_private_data;
	unsigned int access = ntmm_fault_access(vmf);
	vm_fault_t ret;

	if (order != NTMM_LARGE_ORDER)
		return VM_FAULT_FALLBACK;
	down_read(&vad->lock);
	if (vad->flags & NTMM_VAD_LARGE)
		ret = ntmm_vad_map(vad, vmf, access, true);
	else
		ret = ntmm_vad_map_block(vad, vmf, access);
	up_read(&vad->lock);
	return ret;
}
#endif

/*
 * A write to a present read-only PTE. Without this hook the kernel would make
 * a shared PFN mapping writable on its own; only a page whose protection
 * allows writing may become writable, and write watch records it here.
 */
static vm_fault_t ntmm_vad_pfn_mkwrite(struct vm_fault *vmf)
{
	struct ntmm_vad *vad = vmf->vma->vm_private_data;
	unsigned long idx = ntmm_vad_index(vad, vmf->address);
	vm_fault_t ret = 0;
	unsigned long state;
	void *entry, *old;

	down_read(&vad->lock);
	for (;;) {
		entry = xa_load(&vad->pages, idx);
		state = entry ? xa_to_value(entry) : 0;
		if (!entry || !(nt_protect_access(state & PS_PROT_MASK) & NT_ACCESS_WRITE)) {
			ret = ntmm_vad_refuse(vad, vmf->address, NTMM_FAULT_ACCESS_VIOLATION,
					      NT_ACCESS_WRITE);
			break;
		}
		if (!(vad->flags & NTMM_VAD_WRITE_WATCH) || (state & PS_WW_DIRTY))
			break;
		old = xa_cmpxchg(&vad->pages, idx, entry, ps_entry(state | PS_WW_DIRTY),
				 GFP_NOWAIT);
		if (old == entry)
			break;
	}
	up_read(&vad->lock);
	return ret;
}

/*
 * Map nothing ahead of a fault: Windows shows an untouched committed page as
 * not valid. Having the hook lets 6.12 run .fault under the per-VMA lock
 * instead of retrying every fault under mmap_lock; the fault handler never
 * relies on mmap_lock (vad->lock and the xarray order it).
 */
static vm_fault_t ntmm_vad_map_pages(struct vm_fault *vmf, pgoff_t start,
				     pgoff_t end)
{
	return 0;
}

static void ntmm_vad_close(struct vm_area_struct *vma)
{
	struct ntmm_vad *vad = vma->vm_private_data;

	/* Unmapping zapped the PTEs already: the frames can go. */
	mmap_assert_locked(vma->vm_mm);
	mtree_erase(&vad->proc->vads, vad->start);
	ntmm_vad_destroy(vad);
}

/* An allocation is one VMA, whole: no partial munmap, mprotect or mremap. */
static int ntmm_vad_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int ntmm_vad_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static int ntmm_vad_mprotect(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, unsigned long newflags)
{
	return -EACCES;
}

static const struct vm_operations_struct ntmm_vma_ops = {
	.fault		= ntmm_vad_fault,
#ifdef NTMM_HAVE_PMD_PFNMAP
	.huge_fault	= ntmm_vad_huge_fault,
#endif
	.map_pages	= ntmm_vad_map_pages,
	.pfn_mkwrite	= ntmm_vad_pfn_mkwrite,
	.close		= ntmm_vad_close,
	.may_split	= ntmm_vad_may_split,
	.mremap		= ntmm_vad_mremap,
	.mprotect	= ntmm_vad_mprotect,
};

/**
 * ntmm_vma_mmap() - The device's mmap: adopt the VAD being allocated.
 * @file: the process's /dev/ntmm.
 * @vma: the new VMA, mmap_lock held for write.
 *
 * Only ntmm's own allocating call maps ntmm memory: the thread inside it,
 * for exactly the range it placed. A plain mmap() of the device fails.
 *
 * Return: 0, -EINVAL for any other mmap, -ENOMEM.
 */
int ntmm_vma_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ntmm_process *proc = file->private_data;
	struct ntmm_vad *vad = READ_ONCE(proc->mmap_vad);
	int ret;

	if (!vad || READ_ONCE(proc->mmap_task) != current || vma->vm_mm != proc->mm ||
	    vma->vm_start != vad->start || vma->vm_end != vad->end)
		return -EINVAL;
	mmap_assert_write_locked(vma->vm_mm);
	ret = mtree_insert_range(&proc->vads, vad->start, vad->end - 1, vad, GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;
	/*
	 * VM_IO keeps MADV_DOFORK from undoing VM_DONTCOPY. VM_EXEC is the
	 * union of what pages may allow; each PTE carries its own NX bit.
	 */
	ntmm_vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP |
			  VM_DONTCOPY | VM_EXEC | VM_MAYEXEC);
	/* THP "madvise" offers PMD faults only to VM_HUGEPAGE VMAs. */
	if (vad->flags & NTMM_VAD_LARGE)
		ntmm_vm_flags_set(vma, VM_HUGEPAGE);
	vma->vm_ops = &ntmm_vma_ops;
	vma->vm_private_data = vad;
	WRITE_ONCE(proc->mmap_vad, NULL);
	return 0;
}

/**
 * ntmm_vma_of() - The VMA mapping @vad.
 * @vad: a VAD of current->mm; mmap_lock held.
 *
 * Return: the VMA, or NULL if it is gone (unmapped behind ntmm's back).
 */
struct vm_area_struct *ntmm_vma_of(struct ntmm_vad *vad)
{
	struct vm_area_struct *vma;

	mmap_assert_locked(vad->proc->mm);
	vma = find_vma(vad->proc->mm, vad->start);

	if (vma && vma->vm_ops == &ntmm_vma_ops && vma->vm_private_data == vad)
		return vma;
	return NULL;
}
