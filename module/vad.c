// SPDX-License-Identifier: GPL-2.0
/*
 * VADs: one allocation each, mapped by one VMA of /dev/ntmm whose page
 * tables this file fills itself. The VMA allows the union of all accesses;
 * what a page allows is its own protection, enforced by the PTE this file
 * installs (no PTE at all for reserved, NOACCESS and guard pages, read-only
 * for READONLY, NX unless executable).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/ntmm.h>

#include "compat.h"
#include "core/nt_rules.h"
#include "page_state.h"
#include "ntmm.h"

/* Frames the module holds, for debugfs and the leak tests. */
static atomic_long_t ntmm_nr_frames = ATOMIC_LONG_INIT(0);

static const struct vm_operations_struct ntmm_vad_vm_ops;

/**
 * ntmm_frames() - Frames held by all VADs.
 *
 * Return: that number.
 */
long ntmm_frames(void)
{
	return atomic_long_read(&ntmm_nr_frames);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_frames);

/**
 * ntmm_vad_create() - A VAD for [@start, @end), nothing committed yet.
 * @proc: the owning context.
 * @start: first byte.
 * @end: one past the last byte.
 * @protect: AllocationProtect.
 * @flags: NTMM_VAD_*.
 * @node: the preferred NUMA node, or NUMA_NO_NODE.
 *
 * Return: the VAD, or NULL.
 */
struct ntmm_vad *ntmm_vad_create(struct ntmm_process *proc,
				   unsigned long start, unsigned long end,
				   u32 protect, u32 flags, int node)
{
	struct ntmm_vad *vad = kzalloc(sizeof(*vad), GFP_KERNEL_ACCOUNT);

	if (!vad)
		return NULL;
	vad->proc = proc;
	vad->start = start;
	vad->end = end;
	vad->alloc_protect = protect;
	vad->flags = flags;
	vad->node = node;
	init_rwsem(&vad->lock);
	xa_init(&vad->pages);
	INIT_LIST_HEAD(&vad->reset_node);
	return vad;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_vad_create);

/*
 * Move the frame of a page in @state, if it has one, onto @list and count
 * it: the page is going (or, for the reset shrinker, its frame is).
 */
void ps_take_frame(unsigned long state, struct list_head *list, long *frames)
{
	bool large = state & PS_LARGE;

	/* A large frame is taken once, by its first page, for the whole 2 MiB. */
	if ((state & PS_FRAME) && (!large || IS_ALIGNED(state >> PS_PFN_SHIFT, NTMM_LARGE_NR))) {
		struct page *page = ps_page(state);

		set_page_private(page, large ? NTMM_LARGE_ORDER : 0);
		list_add(&page->lru, list);
		*frames += large ? NTMM_LARGE_NR : 1;
	}
	if (state & PS_RESET)
		ntmm_reset_dropped(1);
}

/*
 * Free the frames on @frames (linked by page->lru, order in page->private):
 * their PTEs are gone.
 */
void ntmm_vad_free_frames(struct list_head *frames, long count)
{
	struct page *page, *next;
	unsigned int order;

	list_for_each_entry_safe(page, next, frames, lru) {
		list_del(&page->lru);
		order = page_private(page);
		set_page_private(page, 0);
		__free_pages(page, order);
	}
	atomic_long_sub(count, &ntmm_nr_frames);
}

/*
 * Drop every committed page of @vad, which no PTE maps, and free their
 * frames; the VAD is then all reserved. Returns how many pages were
 * committed: the caller returns their charge.
 */
static unsigned long ntmm_vad_drop_pages(struct ntmm_vad *vad)
{
	XA_STATE(xas, &vad->pages, 0);
	unsigned long committed = 0;
	long frames = 0;
	LIST_HEAD(list);
	void *entry;

	/* One walk under the lock: xa_for_each() would descend once per page. */
	xas_lock(&xas);
	xas_for_each(&xas, entry, ULONG_MAX) {
		ps_take_frame(xa_to_value(entry), &list, &frames);
		committed++;
	}
	xas_unlock(&xas);
	xa_destroy(&vad->pages);
	ntmm_vad_free_frames(&list, frames);
	return committed;
}

/**
 * ntmm_vad_destroy() - Free a VAD, its frames and its commit charge.
 * @vad: a VAD no VMA maps any more (or never did).
 */
void ntmm_vad_destroy(struct ntmm_vad *vad)
{
	unsigned long committed;

	ntmm_reset_unlink(vad);
	committed = ntmm_vad_drop_pages(vad);
	if (committed)
		ntmm_commit_uncharge(vad->proc, committed);
	/* VirtualQuery may still be reading it under RCU. */
	kfree_rcu(vad, rcu);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_vad_destroy);

/* A zeroed frame for a page of @vad, from its preferred node if it has one. */
static struct page *ntmm_vad_alloc_frame(struct ntmm_vad *vad)
{
	/* MEM_COMMIT with a node may change it under a running fault. */
	return alloc_pages_node(READ_ONCE(vad->node), GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT, 0);
}

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

	ntmm_fault_record(vad->proc, address, reason, code);
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
	unsigned long idx = (vmf->address - vad->start) >> PAGE_SHIFT;
	unsigned long state, new;
	struct page *page;
	void *entry, *old;

	for (;;) {
		entry = xa_load(&vad->pages, idx);
		if (!entry)	/* reserved, not committed */
			return ntmm_vad_refuse(vad, vmf->address, NTMM_FAULT_ACCESS_VIOLATION,
						access);
		state = xa_to_value(entry);
		if (state & NT_PAGE_GUARD) {
			/* The first touch raises once and clears the guard. */
			new = state & ~(unsigned long)NT_PAGE_GUARD;
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
				atomic_long_inc(&ntmm_nr_frames);
			if (state & PS_RESET)
				ntmm_reset_forget(vad, idx);
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
	atomic_long_add(NTMM_LARGE_NR, &ntmm_nr_frames);
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
	unsigned long idx = (vmf->address - vad->start) >> PAGE_SHIFT;
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
	ntmm_range_tree_remove(&vad->proc->vads, vad->start);
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

static const struct vm_operations_struct ntmm_vad_vm_ops = {
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
 * ntmm_vad_mmap() - The device's mmap: adopt the VAD being allocated.
 * @file: the process's /dev/ntmm.
 * @vma: the new VMA, mmap_lock held for write.
 *
 * Only ntmm's own allocating call maps ntmm memory: the thread inside it,
 * for exactly the range it placed. A plain mmap() of the device fails.
 *
 * Return: 0, -EINVAL for any other mmap, -ENOMEM.
 */
int ntmm_vad_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ntmm_process *proc = file->private_data;
	struct ntmm_vad *vad = READ_ONCE(proc->mmap_vad);
	int ret;

	if (!vad || READ_ONCE(proc->mmap_task) != current || vma->vm_mm != proc->mm ||
	    vma->vm_start != vad->start || vma->vm_end != vad->end)
		return -EINVAL;
	ret = ntmm_range_tree_insert(&proc->vads, vad->start, vad->end, vad);
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
	vma->vm_ops = &ntmm_vad_vm_ops;
	vma->vm_private_data = vad;
	WRITE_ONCE(proc->mmap_vad, NULL);
	return 0;
}

/**
 * ntmm_vad_vma() - The VMA mapping @vad.
 * @vad: a VAD of current->mm; mmap_lock held.
 *
 * Return: the VMA, or NULL if it is gone (unmapped behind ntmm's back).
 */
struct vm_area_struct *ntmm_vad_vma(struct ntmm_vad *vad)
{
	struct vm_area_struct *vma = find_vma(vad->proc->mm, vad->start);

	if (vma && vma->vm_ops == &ntmm_vad_vm_ops && vma->vm_private_data == vad)
		return vma;
	return NULL;
}

/* A young PTE of a page mapped ahead: the page was touched since. */
static int ntmm_vad_harvest_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct ntmm_vad *vad = data;
	unsigned long idx = (addr - vad->start) >> PAGE_SHIFT, state;
	void *entry;

	if (!pte_young(ptep_get(pte)))
		return 0;
	entry = xa_load(&vad->pages, idx);
	state = entry ? xa_to_value(entry) : 0;
	/* Replacing an entry never allocates. */
	if (state & PS_AHEAD)
		xa_store(&vad->pages, idx, ps_entry(state & ~PS_AHEAD), GFP_NOWAIT);
	return 0;
}

/*
 * Zap [first, last) of @vma if it has one: the next touch maps anew. Its
 * caller holds vad->lock for write. Pages mapped ahead first learn from
 * their PTEs whether they were touched, which the zap would forget.
 */
void ntmm_vad_zap(struct ntmm_vad *vad, struct vm_area_struct *vma,
		   unsigned long first, unsigned long last)
{
	unsigned long addr = vad->start + (first << PAGE_SHIFT);
	unsigned long len = (last - first) << PAGE_SHIFT;

	if (!vma)
		return;
	if (READ_ONCE(vad->ahead))
		apply_to_existing_page_range(vma->vm_mm, addr, len, ntmm_vad_harvest_pte, vad);
	zap_vma_ptes(vma, addr, len);
}

/**
 * ntmm_vad_split_frames() - Split transparent 2 MiB frames of [@first, @last).
 * @vad: the VAD; its lock held for write.
 * @first: first page index.
 * @last: one past the last page index.
 * @all: split every frame the range touches, not only those it covers in part.
 *
 * Before a call takes the frames of some pages (decommit, MEM_RESET): from
 * here on each page of a split frame has a 4 KiB frame of its own, at the
 * same PFN, so the PTEs mapping the block stay as they are.
 */
void ntmm_vad_split_frames(struct ntmm_vad *vad, unsigned long first,
			    unsigned long last, bool all)
{
	unsigned long addr = (vad->start + (first << PAGE_SHIFT)) & PMD_MASK;
	unsigned long end = vad->start + (last << PAGE_SHIFT), idx, state, i;
	XA_STATE(xas, &vad->pages, 0);
	void *entry;

	if (vad->flags & NTMM_VAD_LARGE)
		return;		/* large pages change whole */
	for (; addr < end; addr += PMD_SIZE) {
		if (addr < vad->start || addr + PMD_SIZE > vad->end)
			continue;
		idx = (addr - vad->start) >> PAGE_SHIFT;
		if (!all && idx >= first && idx + NTMM_LARGE_NR <= last)
			continue;	/* goes whole */
		entry = xa_load(&vad->pages, idx);
		state = entry ? xa_to_value(entry) : 0;
		if ((state & (PS_FRAME | PS_LARGE)) != (PS_FRAME | PS_LARGE))
			continue;
		ntmm_large_split(ps_page(state));
		/* One walk under the lock; replacing entries never allocates. */
		xas_set(&xas, idx);
		xas_lock(&xas);
		for (i = 0; i < NTMM_LARGE_NR; i++) {
			entry = i ? xas_next(&xas) : xas_load(&xas);
			xas_store(&xas, ps_entry(xa_to_value(entry) & ~PS_LARGE));
		}
		xas_unlock(&xas);
	}
}

/*
 * Store @n entries from page @first: @state, whose PFN (if it has a frame)
 * advances by one per page. One pass under the xarray's lock.
 */
static int ps_store_run(struct xarray *xa, unsigned long first, unsigned long n,
			unsigned long state)
{
	XA_STATE(xas, xa, first);
	unsigned long i, step = state & PS_FRAME ? 1UL << PS_PFN_SHIFT : 0;

	do {
		xas_lock(&xas);
		for (i = xas.xa_index - first;;) {
			xas_store(&xas, ps_entry(state + i * step));
			if (xas_error(&xas) || ++i == n)
				break;
			xas_next(&xas);
		}
		xas_unlock(&xas);
	} while (xas_nomem(&xas, GFP_KERNEL_ACCOUNT));
	return xas_error(&xas);
}

/**
 * ntmm_vad_commit_new() - Commit all of a VAD that is not mapped yet.
 * @vad: a VAD fresh from ntmm_vad_create(), with no page committed.
 * @protect: a valid private protection.
 *
 * The common VirtualAlloc(MEM_RESERVE | MEM_COMMIT): nothing to count, undo
 * or zap, so one pass under the xarray's lock stores every page.
 *
 * Return: NTMM_STATUS_SUCCESS, NTMM_STATUS_COMMITMENT_LIMIT or
 * NTMM_STATUS_NO_MEMORY, with nothing committed or charged on failure.
 */
u32 ntmm_vad_commit_new(struct ntmm_vad *vad, u32 protect)
{
	unsigned long pages = (vad->end - vad->start) >> PAGE_SHIFT;
	u32 status;

	status = ntmm_commit_charge(vad->proc, pages);
	if (status)
		return status;
	if (ps_store_run(&vad->pages, 0, pages, protect)) {
		/* Back to nothing committed: the charge was for all @pages. */
		ntmm_vad_drop_pages(vad);
		ntmm_commit_uncharge(vad->proc, pages);
		return NTMM_STATUS_NO_MEMORY;
	}
	return NTMM_STATUS_SUCCESS;
}

/**
 * ntmm_vad_commit_large() - Commit all of a large-page VAD, frames included.
 * @vad: a NTMM_VAD_LARGE VAD fresh from ntmm_vad_create(), 2 MiB aligned.
 * @protect: a valid private protection without modifiers.
 *
 * Every large page gets its zeroed 2 MiB frame now, from the VAD's node
 * first, as Windows backs large pages when they are allocated.
 *
 * Return: NTMM_STATUS_SUCCESS, NTMM_STATUS_COMMITMENT_LIMIT,
 * NTMM_STATUS_INSUFFICIENT_RESOURCES (no contiguous frame) or
 * NTMM_STATUS_NO_MEMORY, with nothing committed, charged or held on failure.
 */
u32 ntmm_vad_commit_large(struct ntmm_vad *vad, u32 protect)
{
	unsigned long pages = (vad->end - vad->start) >> PAGE_SHIFT, idx;
	struct page *frame;
	u32 status;

	status = ntmm_commit_charge(vad->proc, pages);
	if (status)
		return status;
	for (idx = 0; idx < pages; idx += NTMM_LARGE_NR) {
		frame = ntmm_large_alloc(vad->node);
		if (!frame) {
			status = NTMM_STATUS_INSUFFICIENT_RESOURCES;
			goto undo;
		}
		atomic_long_add(NTMM_LARGE_NR, &ntmm_nr_frames);
		if (ps_store_run(&vad->pages, idx, NTMM_LARGE_NR,
				 protect | PS_FRAME | PS_LARGE |
				 (page_to_pfn(frame) << PS_PFN_SHIFT))) {
			/* Stores go in order: without the first, the frame is still ours. */
			if (!xa_load(&vad->pages, idx)) {
				__free_pages(frame, NTMM_LARGE_ORDER);
				atomic_long_sub(NTMM_LARGE_NR, &ntmm_nr_frames);
			}
			status = NTMM_STATUS_NO_MEMORY;
			goto undo;
		}
	}
	return NTMM_STATUS_SUCCESS;

undo:
	/* Back to nothing committed or held: the charge was for all @pages. */
	ntmm_vad_drop_pages(vad);
	ntmm_commit_uncharge(vad->proc, pages);
	return status;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_vad_commit_large);

/**
 * ntmm_vad_commit() - Commit pages [@first, @last) with @protect.
 * @vad: the VAD.
 * @vma: its VMA (mmap_lock held), or NULL before it is mapped.
 * @first: first page index.
 * @last: one past the last page index.
 * @protect: a valid private protection.
 *
 * Pages already committed keep their contents and take @protect, as on
 * Windows; only newly committed pages are charged.
 *
 * Return: NTMM_STATUS_SUCCESS, NTMM_STATUS_COMMITMENT_LIMIT or
 * NTMM_STATUS_NO_MEMORY, with nothing changed on failure.
 */
u32 ntmm_vad_commit(struct ntmm_vad *vad, struct vm_area_struct *vma,
		     unsigned long first, unsigned long last, u32 protect)
{
	unsigned long idx, fresh = last - first;
	bool zap = false;
	void *entry;
	u32 status;
	int ret = 0;

	down_write(&vad->lock);
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1)
		fresh--;
	status = ntmm_commit_charge(vad->proc, fresh);
	if (status)
		goto out_unlock;
	/* First add the new pages, marked, so that a failure can take them back. */
	for (idx = first; idx < last && !ret; idx++) {
		ret = xa_insert(&vad->pages, idx, ps_entry(protect | PS_NEW), GFP_KERNEL_ACCOUNT);
		if (ret == -EBUSY)
			ret = 0;	/* committed already */
	}
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		unsigned long state = xa_to_value(entry);

		if (ret) {
			if (state & PS_NEW)
				xa_erase(&vad->pages, idx);
			continue;
		}
		if ((state & PS_FRAME) && (state & PS_PROT_MASK) != protect)
			zap = true;
		state = (state & ~(PS_PROT_MASK | PS_NEW)) | protect;
		xa_store(&vad->pages, idx, ps_entry(state), GFP_KERNEL_ACCOUNT);
	}
	if (ret) {
		ntmm_commit_uncharge(vad->proc, fresh);
		status = NTMM_STATUS_NO_MEMORY;
	} else if (zap) {
		ntmm_vad_zap(vad, vma, first, last);
	}
out_unlock:
	up_write(&vad->lock);
	return status;
}

/**
 * ntmm_vad_decommit() - Decommit pages [@first, @last).
 * @vad: the VAD.
 * @vma: its VMA; mmap_lock held.
 * @first: first page index.
 * @last: one past the last page index.
 *
 * Reserved pages in the range are left as they are. The PTEs go before the
 * frames: no access can reach a freed frame.
 */
void ntmm_vad_decommit(struct ntmm_vad *vad, struct vm_area_struct *vma,
			unsigned long first, unsigned long last)
{
	unsigned long idx, committed = 0;
	long frames = 0;
	LIST_HEAD(list);
	void *entry;

	down_write(&vad->lock);
	ntmm_vad_split_frames(vad, first, last, false);
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		ps_take_frame(xa_to_value(entry), &list, &frames);
		xa_erase(&vad->pages, idx);
		committed++;
	}
	if (frames)
		ntmm_vad_zap(vad, vma, first, last);
	up_write(&vad->lock);
	ntmm_vad_free_frames(&list, frames);
	if (committed)
		ntmm_commit_uncharge(vad->proc, committed);
}

/**
 * ntmm_vad_protect() - Give pages [@first, @last) protection @protect.
 * @vad: the VAD.
 * @vma: its VMA; mmap_lock held.
 * @first: first page index.
 * @last: one past the last page index.
 * @protect: a valid private protection.
 * @old_protect: set to the first page's protection before.
 *
 * Return: NTMM_STATUS_SUCCESS, or NTMM_STATUS_NOT_COMMITTED (nothing
 * changed) if any page of the range is not committed.
 */
u32 ntmm_vad_protect(struct ntmm_vad *vad, struct vm_area_struct *vma,
		      unsigned long first, unsigned long last, u32 protect,
		      u32 *old_protect)
{
	unsigned long idx, committed = 0;
	bool zap = false;
	void *entry;

	down_write(&vad->lock);
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1)
		committed++;
	if (committed != last - first) {
		up_write(&vad->lock);
		return NTMM_STATUS_NOT_COMMITTED;
	}
	*old_protect = xa_to_value(xa_load(&vad->pages, first)) & PS_PROT_MASK;
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		unsigned long state = xa_to_value(entry);

		zap |= !!(state & PS_FRAME);
		state = (state & ~PS_PROT_MASK) | protect;
		xa_store(&vad->pages, idx, ps_entry(state), GFP_KERNEL);
	}
	/* The next touch maps the page again under its new protection. */
	if (zap)
		ntmm_vad_zap(vad, vma, first, last);
	up_write(&vad->lock);
	return NTMM_STATUS_SUCCESS;
}

/**
 * ntmm_vad_query() - The run of pages like page @idx.
 * @vad: the VAD; caller holds rcu_read_lock().
 * @idx: a page index inside it.
 * @state: set to MEM_COMMIT or MEM_RESERVE.
 * @protect: set to the run's protection (0 when reserved).
 * @pages: set to the number of pages from @idx with the same state and
 *	protection, to the end of the allocation at most.
 */
void ntmm_vad_query(struct ntmm_vad *vad, unsigned long idx,
		     u32 *state, u32 *protect, unsigned long *pages)
{
	unsigned long last = (vad->end - vad->start) >> PAGE_SHIFT;
	void *entry = xa_load(&vad->pages, idx);
	XA_STATE(xas, &vad->pages, idx + 1);
	unsigned long next;

	/*
	 * The run is the page just read and the like pages after it; a
	 * concurrent change may end it early, never empty it.
	 */
	if (!entry) {
		*state = NT_MEM_RESERVE;
		*protect = 0;
		next = idx + 1;
		if (next >= last || !xa_find(&vad->pages, &next, last - 1, XA_PRESENT))
			next = last;
		*pages = next - idx;
		return;
	}
	*state = NT_MEM_COMMIT;
	*protect = xa_to_value(entry) & PS_PROT_MASK;
	next = idx + 1;
	if (next < last) {
		xas_for_each(&xas, entry, last - 1) {
			if (xas.xa_index != next ||
			    (xa_to_value(entry) & PS_PROT_MASK) != *protect)
				break;
			next++;
		}
	}
	*pages = next - idx;
}

/**
 * ntmm_vad_lock() - Lock or unlock pages [@first, @last).
 * @vad: the VAD.
 * @first: first page index.
 * @last: one past the last page index.
 * @lock: true to lock, false to unlock.
 *
 * Locking needs every page committed and accessible, and gives each its
 * frame now (locked pages stay resident). Unlocking needs every page locked.
 * Nothing changes on failure.
 *
 * Return: NTMM_STATUS_SUCCESS, NTMM_STATUS_NOT_COMMITTED,
 * NTMM_STATUS_ACCESS_VIOLATION (a no-access or guard page),
 * NTMM_STATUS_NOT_LOCKED or NTMM_STATUS_NO_MEMORY.
 */
u32 ntmm_vad_lock(struct ntmm_vad *vad, unsigned long first, unsigned long last,
		   bool lock)
{
	unsigned long idx, n = 0;
	u32 status = NTMM_STATUS_SUCCESS;
	void *entry;

	down_write(&vad->lock);
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		unsigned long state = xa_to_value(entry);
		u32 prot = state & PS_PROT_MASK;

		n++;
		if (!lock && !(state & PS_LOCKED))
			status = NTMM_STATUS_NOT_LOCKED;
		else if (lock && (!nt_protect_access(prot) || (prot & NT_PAGE_GUARD)))
			status = NTMM_STATUS_ACCESS_VIOLATION;
	}
	if (n != last - first)
		status = NTMM_STATUS_NOT_COMMITTED;
	if (status)
		goto out_unlock;
	/* Frames first: if one cannot be had, no page is marked locked. */
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		unsigned long state = xa_to_value(entry);
		struct page *page;

		if (!lock || (state & PS_FRAME))
			continue;
		page = ntmm_vad_alloc_frame(vad);
		if (!page) {
			status = NTMM_STATUS_NO_MEMORY;
			goto out_unlock;
		}
		state |= PS_FRAME | (page_to_pfn(page) << PS_PFN_SHIFT);
		xa_store(&vad->pages, idx, ps_entry(state), GFP_KERNEL);
		atomic_long_inc(&ntmm_nr_frames);
	}
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		unsigned long state = xa_to_value(entry);

		/* A locked page is in use: a reset of it is over. */
		if (lock && (state & PS_RESET))
			ntmm_reset_forget(vad, idx);
		/* A locked page is in the working set, touched or not. */
		state = lock ? (state | PS_LOCKED) & ~(PS_RESET | PS_AHEAD) : state & ~PS_LOCKED;
		xa_store(&vad->pages, idx, ps_entry(state), GFP_KERNEL);
	}
out_unlock:
	up_write(&vad->lock);
	return status;
}

/**
 * ntmm_vad_write_watch() - Report, and maybe reset, pages written since the last reset.
 * @vad: a VAD made with MEM_WRITE_WATCH.
 * @vma: its VMA; mmap_lock held.
 * @first: first page index; set to where a next call should go on.
 * @last: one past the last page index.
 * @reset: clear what is reported; the next write to each is recorded again.
 * @found: filled with the indexes of written pages, ascending.
 * @max: room in @found.
 *
 * Return: how many indexes were stored.
 */
unsigned long ntmm_vad_write_watch(struct ntmm_vad *vad, struct vm_area_struct *vma,
				    unsigned long *first, unsigned long last, bool reset,
				    unsigned long *found, unsigned long max)
{
	unsigned long idx, n = 0, next = last;
	void *entry;

	down_write(&vad->lock);
	xa_for_each_range(&vad->pages, idx, entry, *first, last - 1) {
		unsigned long state = xa_to_value(entry);

		if (!(state & PS_WW_DIRTY))
			continue;
		if (n == max) {
			next = idx;	/* the first one not reported */
			break;
		}
		found[n++] = idx;
		if (reset) {
			xa_store(&vad->pages, idx, ps_entry(state & ~PS_WW_DIRTY), GFP_KERNEL);
			/* The next write must fault again to be seen. */
			ntmm_vad_zap(vad, vma, idx, idx + 1);
		}
	}
	*first = next;
	up_write(&vad->lock);
	return n;
}

/**
 * ntmm_vad_reset_watch() - Forget every write in [@first, @last) (ResetWriteWatch).
 * @vad: a VAD made with MEM_WRITE_WATCH.
 * @vma: its VMA; mmap_lock held.
 * @first: first page index.
 * @last: one past the last page index.
 */
void ntmm_vad_reset_watch(struct ntmm_vad *vad, struct vm_area_struct *vma,
			   unsigned long first, unsigned long last)
{
	unsigned long idx;
	void *entry;

	down_write(&vad->lock);
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		unsigned long state = xa_to_value(entry);

		if (state & PS_WW_DIRTY)
			xa_store(&vad->pages, idx, ps_entry(state & ~PS_WW_DIRTY), GFP_KERNEL);
	}
	ntmm_vad_zap(vad, vma, first, last);
	up_write(&vad->lock);
}
