// SPDX-License-Identifier: GPL-2.0
/*
 * Regions: the VMAs that hold ntmm memory. Each is a window, MAP_SHARED, on
 * the process's address space file (space.c) at file offset == address, so
 * that a region's pages are the file's folios, served by ->fault below and
 * mapped by the kernel's own fault path (finish_fault()): refcounts, rmap,
 * RSS, GUP, migration and reclaim all work as for any shmem mapping.
 *
 * A region holds many allocations (VADs live in the process's VAD tree,
 * independent of VMAs); an allocation that needs no new region touches no
 * VMA. Windows never sees regions: free space inside one queries as free.
 *
 * A page's protection is its VAD's; the VMA allows the union, and:
 * - reserved, no-access and guard pages get no PTE (->fault refuses them);
 * - read-only pages: the VMA has ->page_mkwrite, so the kernel maps pages
 *   read-only and asks ->page_mkwrite before any write (write-notify), which
 *   refuses writes to read-only pages and records write-watched ones;
 * - execute: the PTE's NX bit comes from the VMA (vm_page_prot), and the
 *   kernel rebuilds PTEs from it after migration and NUMA hinting, so a
 *   VMA's pages all execute or none do: a protection change that crosses
 *   that line re-windows the pages' range (ntmm_region_rewindow(): the same
 *   file range mapped again MAP_FIXED with the other protection; the data
 *   stays in the file, only PTEs go);
 * - large pages have VMAs of their own, with their protection (no
 *   write-notify, so the kernel's fault path maps a whole 2 MiB folio with
 *   one PMD where the kernel can).
 * Only ntmm's own calls make, split or unmap its VMAs; a user's partial
 * munmap, mprotect and mremap are refused, and a user's munmap of a whole
 * region releases every allocation in it. A forked child gets none of it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/ntmm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>

#include "../compat.h"
#include "../process.h"
#include "exit.h"
#include "mm_run.h"
#include "nt_rules.h"
#include "placement.h"
#include "region.h"
#include "space.h"
#include "vad.h"

static const struct vm_operations_struct ntmm_region_ops;
static const struct vm_operations_struct ntmm_large_ops;

/* Is @vma a region's (a piece of one)? */
static bool ntmm_is_region(const struct vm_area_struct *vma)
{
	return vma->vm_ops == &ntmm_region_ops || vma->vm_ops == &ntmm_large_ops;
}

/* The kind of the region piece @vma. */
static enum ntmm_region_kind ntmm_vma_kind(const struct vm_area_struct *vma)
{
	vm_flags_t f = vma->vm_flags;

	if (vma->vm_ops == &ntmm_region_ops)
		return f & VM_EXEC ? NTMM_REGION_CODE : NTMM_REGION_DATA;
	if (!(f & (VM_READ | VM_WRITE | VM_EXEC)))
		return NTMM_REGION_LARGE_NONE;
	if (f & VM_EXEC)
		return f & VM_WRITE ? NTMM_REGION_LARGE_RWX : NTMM_REGION_LARGE_RX;
	return f & VM_WRITE ? NTMM_REGION_LARGE_RW : NTMM_REGION_LARGE_R;
}

/**
 * ntmm_region_access() - The access a fault asks for.
 * @vmf: the fault.
 *
 * Return: NT_ACCESS_WRITE, NT_ACCESS_EXECUTE or NT_ACCESS_READ.
 */
unsigned int ntmm_region_access(const struct vm_fault *vmf)
{
	if (vmf->flags & FAULT_FLAG_WRITE)
		return NT_ACCESS_WRITE;
	if (vmf->flags & FAULT_FLAG_INSTRUCTION)
		return NT_ACCESS_EXECUTE;
	return NT_ACCESS_READ;
}

/**
 * ntmm_region_refuse() - Refuse an access, and say why for libntmm's exceptions.
 * @proc: the faulting process's context.
 * @address: the page.
 * @reason: NTMM_FAULT_*.
 * @access: NT_ACCESS_* asked.
 *
 * Return: VM_FAULT_SIGSEGV.
 */
vm_fault_t ntmm_region_refuse(struct ntmm_process *proc, unsigned long address,
			      u32 reason, unsigned int access)
{
	u32 code = access == NT_ACCESS_WRITE ? NTMM_ACCESS_WRITE :
		   access == NT_ACCESS_EXECUTE ? NTMM_ACCESS_EXECUTE : NTMM_ACCESS_READ;

	ntmm_fault_record(&proc->faults, address, reason, code);
	return VM_FAULT_SIGSEGV;
}

/**
 * ntmm_region_unguard() - A touch of a guard page.
 * @vad: its VAD (a view's too), with a reference; its lock not held.
 * @idx: the page.
 * @address: its address.
 * @access: NT_ACCESS_* asked.
 *
 * The guard goes (once: the state is read again under the VAD's lock held
 * for write) and the access is refused, as Windows raises
 * STATUS_GUARD_PAGE_VIOLATION once per guard page.
 *
 * Return: the fault's answer.
 */
vm_fault_t ntmm_region_unguard(struct ntmm_vad *vad, unsigned long idx,
			       unsigned long address, unsigned int access)
{
	u32 prot;

	down_write(&vad->lock);
	prot = ntmm_vad_protection(vad, idx);
	if (!vad->dead && (prot & NTMM_PAGE_GUARD) &&
	    ntmm_vad_set(vad, idx, idx + 1, prot & ~NTMM_PAGE_GUARD)) {
		up_write(&vad->lock);
		return VM_FAULT_OOM;
	}
	up_write(&vad->lock);
	/* Another thread cleared it first: its access was the one refused. */
	if (!(prot & NTMM_PAGE_GUARD))
		return VM_FAULT_NOPAGE;
	return ntmm_region_refuse(vad->proc, address, NTMM_FAULT_GUARD_PAGE, access);
}

/*
 * The first touch of a reset page ends its reset: its data stays if
 * memory pressure left it (the folio is dirty again, so reclaim writes it
 * out rather than dropping it), else it reads as zero and MEM_RESET_UNDO
 * will say so. VAD lock held for write, @folio locked.
 */
static void ntmm_region_unreset(struct ntmm_vad *vad, unsigned long idx, struct folio *folio,
				bool present)
{
	lockdep_assert_held_write(&vad->lock);
	folio_mark_dirty(folio);
	/* Clearing a flag never allocates; PF_LOST may not fit: then it is not kept. */
	if (ntmm_vad_mark(vad, idx, present ? 0 : PF_LOST, PF_RESET))
		ntmm_vad_mark(vad, idx, 0, PF_RESET);
}

static bool transparent_large = true;
module_param(transparent_large, bool, 0644);
MODULE_PARM_DESC(transparent_large,
		 "Back a 2 MiB block one allocation commits whole with a 2 MiB folio and PMD (6.12+)");

/*
 * May a fault in @vma bring in a 2 MiB folio? ntmm's parameter says, and
 * the process and region may refuse as they refuse THP: PR_SET_THP_DISABLE
 * and MADV_NOHUGEPAGE.
 */
static bool ntmm_region_thp(struct vm_area_struct *vma)
{
	return NTMM_HAVE_HUGE_SPACE && READ_ONCE(transparent_large) &&
	       !(vma->vm_flags & VM_NOHUGEPAGE) && !test_bit(MMF_DISABLE_THP, &vma->vm_mm->flags);
}

/* apply_to_page_range()'s callback: the PTE table is all that is wanted. */
static int ntmm_region_pte_table(pte_t *pte, unsigned long addr, void *data)
{
	return 0;
}

/*
 * A page of a 2 MiB folio whose block may not be mapped whole: where its
 * PMD slot is empty, finish_fault() would map the folio with one PMD, each
 * page as the faulting one. A PTE table put there first makes it map this
 * page alone. No PMD can appear meanwhile: the block is not uniform, and a
 * fault from before it stopped being so held the folio, which we now hold.
 */
static int ntmm_region_map_small(struct vm_fault *vmf, struct folio *folio)
{
	if (!folio_test_large(folio) || !pmd_none(READ_ONCE(*vmf->pmd)))
		return 0;
	return apply_to_page_range(vmf->vma->vm_mm, vmf->address & PAGE_MASK, PAGE_SIZE,
				   ntmm_region_pte_table, NULL);
}

/*
 * ->fault of a region: the page's folio, locked, for the kernel to map
 * under the VMA's protection, if the page's state allows the access. The
 * VAD's lock is held for read from reading the state to taking the folio:
 * a change of state, made under the lock held for write, then settles the
 * range (ntmm_space_settle()), which waits for the folio lock and zaps.
 * A block that one allocation commits whole, alike, may have a 2 MiB folio
 * (its first touch brings it in), which the kernel maps with one PMD.
 */
static vm_fault_t ntmm_region_fault(struct vm_fault *vmf)
{
	struct ntmm_process *proc = vmf->vma->vm_private_data;
	unsigned int access = ntmm_region_access(vmf);
	unsigned long address = vmf->address & PAGE_MASK, idx, marks;
	struct ntmm_vad *vad;
	struct folio *folio;
	bool present = true, uniform;
	vm_fault_t ret;
	int err;
	u32 prot;

	/* A copy of the VMA that fork made (after MADV_DOFORK) reaches nothing. */
	if (vmf->vma->vm_mm != proc->mm)
		return VM_FAULT_SIGSEGV;
	vad = ntmm_vad_get(proc, address);
	if (!vad)
		return ntmm_region_refuse(proc, address, NTMM_FAULT_ACCESS_VIOLATION, access);
	idx = ntmm_vad_index(vad, address);
	down_read(&vad->lock);
	prot = vad->dead ? 0 : ntmm_vad_protection(vad, idx);
	if (prot & NTMM_PAGE_GUARD) {
		/*
		 * The process's own touch spends a guard, the kernel's on its
		 * behalf too; another process's (process_vm_readv, /proc/PID/mem,
		 * a debugger) is refused and leaves it.
		 */
		if (vmf->flags & FAULT_FLAG_REMOTE) {
			ret = VM_FAULT_SIGSEGV;
			goto out_unlock;
		}
		up_read(&vad->lock);
		ret = ntmm_region_unguard(vad, idx, address, access);
		goto out_put;
	}
	if (!(nt_protect_access(prot) & access)) {
		ret = ntmm_region_refuse(proc, address, NTMM_FAULT_ACCESS_VIOLATION, access);
		goto out_unlock;
	}
	marks = ntmm_vad_marks(vad, idx);
	if (marks & PF_RESET) {
		/* Rare: a touch of a reset page changes its state, under the write lock. */
		up_read(&vad->lock);
		down_write(&vad->lock);
		folio = ntmm_space_find(proc, vmf->pgoff);
		present = folio;
		if (!folio)
			folio = ntmm_space_folio(proc, vmf->pgoff, READ_ONCE(vad->node), false);
		if (!IS_ERR(folio) && !vad->dead &&
		    (ntmm_vad_marks(vad, idx) & PF_RESET))
			ntmm_region_unreset(vad, idx, folio, present);
		downgrade_write(&vad->lock);
		uniform = false;
	} else {
		uniform = ntmm_vad_block_uniform(vad, idx);
		folio = ntmm_space_folio(proc, vmf->pgoff, READ_ONCE(vad->node),
					 uniform && ntmm_region_thp(vmf->vma));
	}
	if (IS_ERR(folio)) {
		ret = vmf_error(PTR_ERR(folio));
		goto out_unlock;
	}
	err = uniform ? 0 : ntmm_region_map_small(vmf, folio);
	if (err) {
		folio_unlock(folio);
		folio_put(folio);
		ret = vmf_error(err);
		goto out_unlock;
	}
	vmf->page = folio_file_page(folio, vmf->pgoff);
	ret = VM_FAULT_LOCKED;
out_unlock:
	up_read(&vad->lock);
out_put:
	ntmm_vad_put(vad);
	return ret;
}

/*
 * ->page_mkwrite: a page is about to become writable, on a write fault or
 * a write to a read-only PTE. Only a page whose protection allows writing
 * may, and write watch records the write here: a page is mapped writable
 * only from its first write after each reset.
 */
static vm_fault_t ntmm_region_mkwrite(struct vm_fault *vmf)
{
	struct ntmm_process *proc = vmf->vma->vm_private_data;
	struct folio *folio = page_folio(vmf->page);
	unsigned long address = vmf->address & PAGE_MASK, idx;
	struct ntmm_vad *vad;
	vm_fault_t ret;

	vad = ntmm_vad_get(proc, address);
	if (!vad)
		return ntmm_region_refuse(proc, address, NTMM_FAULT_ACCESS_VIOLATION,
					  NT_ACCESS_WRITE);
	idx = ntmm_vad_index(vad, address);
	down_read(&vad->lock);
	if (vad->dead || !(nt_protect_access(ntmm_vad_protection(vad, idx)) & NT_ACCESS_WRITE)) {
		ret = ntmm_region_refuse(proc, address, NTMM_FAULT_ACCESS_VIOLATION,
					 NT_ACCESS_WRITE);
		goto out_unlock;
	}
	if (!READ_ONCE(vad->write_mapped))
		WRITE_ONCE(vad->write_mapped, true);
	if ((vad->flags & NTMM_VAD_WRITE_WATCH) && !(ntmm_vad_marks(vad, idx) & PF_WRITTEN)) {
		up_read(&vad->lock);
		down_write(&vad->lock);
		if (ntmm_vad_mark(vad, idx, PF_WRITTEN, 0)) {
			up_write(&vad->lock);
			ntmm_vad_put(vad);
			return VM_FAULT_OOM;
		}
		downgrade_write(&vad->lock);
	}
	folio_lock(folio);
	if (folio->mapping != proc->space->f_mapping) {
		/* Truncated meanwhile: the fault starts over and sees why. */
		folio_unlock(folio);
		ret = VM_FAULT_NOPAGE;
		goto out_unlock;
	}
	ret = VM_FAULT_LOCKED;
out_unlock:
	up_read(&vad->lock);
	ntmm_vad_put(vad);
	return ret;
}

/*
 * ->fault of a large-page VMA: the 2 MiB folio of the large page, which
 * the kernel maps with one PMD where the VMA allows it, else with PTEs. The
 * VMA's protection is the large page's own (re-windowed when it changes),
 * so the state need not be read: only the folio.
 */
static vm_fault_t ntmm_large_fault(struct vm_fault *vmf)
{
	struct ntmm_process *proc = vmf->vma->vm_private_data;
	unsigned long address = vmf->address & PAGE_MASK, idx;
	struct ntmm_vad *vad;
	struct folio *folio;
	vm_fault_t ret = VM_FAULT_SIGSEGV;

	if (vmf->vma->vm_mm != proc->mm)
		return VM_FAULT_SIGSEGV;
	vad = ntmm_vad_get(proc, address);
	if (!vad)
		return ntmm_region_refuse(proc, address, NTMM_FAULT_ACCESS_VIOLATION,
				   ntmm_region_access(vmf));
	idx = ntmm_vad_index(vad, address);
	down_read(&vad->lock);
	if (!vad->dead && vad->large) {
		folio = vad->large[idx / NTMM_LARGE_NR];
		folio_get(folio);
		folio_lock(folio);
		vmf->page = folio_page(folio, idx % NTMM_LARGE_NR);
		ret = VM_FAULT_LOCKED;
	}
	up_read(&vad->lock);
	ntmm_vad_put(vad);
	return ret;
}

/*
 * Map nothing around a fault: Windows shows an untouched committed page as
 * not valid. Having the hook lets 6.12 run ->fault under the per-VMA lock
 * instead of retrying every fault under mmap_lock; ->fault never relies on
 * mmap_lock.
 */
static vm_fault_t ntmm_region_map_pages(struct vm_fault *vmf, pgoff_t start, pgoff_t end)
{
	return 0;
}

/* A VMA of a region is made by a split (or a fork): it holds its context too. */
static void ntmm_region_open(struct vm_area_struct *vma)
{
	ntmm_process_hold(vma->vm_private_data);
}

/*
 * A VMA goes. If ntmm's own call did it (re-windowing, trimming), that is
 * all; if the process unmapped it (munmap of a whole region, or its exit),
 * every allocation in it goes too, charge and all.
 */
static void ntmm_region_close(struct vm_area_struct *vma)
{
	struct ntmm_process *proc = vma->vm_private_data;

	if (vma->vm_mm == proc->mm && READ_ONCE(proc->map_task) != current)
		ntmm_vad_release_range(proc, vma->vm_start, vma->vm_end);
	ntmm_process_put(proc);
}

/* Only ntmm's own calls split a region: a partial munmap is refused. */
static int ntmm_region_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	struct ntmm_process *proc = vma->vm_private_data;

	return READ_ONCE(proc->map_task) == current ? 0 : -EINVAL;
}

/**
 * ntmm_region_mremap() - ->mremap of ntmm's VMAs (regions and views): refused.
 * @vma: the VMA.
 *
 * Return: -EINVAL.
 */
int ntmm_region_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

/**
 * ntmm_region_mprotect() - ->mprotect of ntmm's VMAs: refused, VirtualProtect decides.
 * @vma: the VMA.
 * @start: first byte asked.
 * @end: one past the last.
 * @newflags: the flags asked.
 *
 * Return: -EACCES.
 */
int ntmm_region_mprotect(struct vm_area_struct *vma, unsigned long start,
			 unsigned long end, unsigned long newflags)
{
	return -EACCES;
}

static const struct vm_operations_struct ntmm_region_ops = {
	.fault		= ntmm_region_fault,
	.map_pages	= ntmm_region_map_pages,
	.page_mkwrite	= ntmm_region_mkwrite,
	.open		= ntmm_region_open,
	.close		= ntmm_region_close,
	.may_split	= ntmm_region_may_split,
	.mremap		= ntmm_region_mremap,
	.mprotect	= ntmm_region_mprotect,
};

static const struct vm_operations_struct ntmm_large_ops = {
	.fault		= ntmm_large_fault,
	.map_pages	= ntmm_region_map_pages,
	.open		= ntmm_region_open,
	.close		= ntmm_region_close,
	.may_split	= ntmm_region_may_split,
	.mremap		= ntmm_region_mremap,
	.mprotect	= ntmm_region_mprotect,
};

/* Does a region of @kind execute? */
static bool ntmm_region_exec(enum ntmm_region_kind kind)
{
	return kind == NTMM_REGION_CODE || kind == NTMM_REGION_LARGE_RX ||
	       kind == NTMM_REGION_LARGE_RWX;
}

/**
 * ntmm_region_mmap() - The device's mmap: adopt the region being made.
 * @file: the process's /dev/ntmm.
 * @vma: the new VMA, mmap_lock held for write.
 *
 * Only ntmm's own call maps ntmm memory: the thread inside it, for exactly
 * the range it asked for. The VMA becomes a window on the address space
 * file, at its own addresses. A plain mmap() of the device fails.
 *
 * Return: 0, or -EINVAL for any other mmap.
 */
int ntmm_region_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ntmm_process *proc = file->private_data;
	enum ntmm_region_kind kind = READ_ONCE(proc->map_kind);

	mmap_assert_write_locked(vma->vm_mm);
	if (READ_ONCE(proc->map_task) != current || vma->vm_mm != proc->mm ||
	    vma->vm_start != proc->map_start || vma->vm_end != proc->map_end ||
	    vma->vm_pgoff != vma->vm_start >> PAGE_SHIFT)
		return -EINVAL;
	vma_set_file(vma, proc->space);
	if (proc->map_ops) {
		/* Another kind's: it holds what it needs (its ->open). */
		ntmm_vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_MAYEXEC | VM_HUGEPAGE |
				  (ntmm_region_exec(kind) ? VM_EXEC : 0));
		vma->vm_ops = proc->map_ops;
		vma->vm_private_data = proc->map_private;
		vma->vm_ops->open(vma);
		return 0;
	}
	/* A forked child gets nothing; the VMA never grows. */
	ntmm_vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_MAYEXEC |
			  (ntmm_region_exec(kind) ? VM_EXEC : 0) |
			  (ntmm_region_large(kind) ? VM_HUGEPAGE : 0));
	vma->vm_ops = ntmm_region_large(kind) ? &ntmm_large_ops : &ntmm_region_ops;
	vma->vm_private_data = proc;
	ntmm_process_hold(proc);
	return 0;
}

/*
 * What a region of @kind is mapped with. Execution is added by ->mmap, not
 * asked of mmap: a /dev mounted noexec must not keep ntmm code from running.
 */
static unsigned long ntmm_region_prot(enum ntmm_region_kind kind)
{
	switch (kind) {
	case NTMM_REGION_LARGE_NONE:
		return PROT_NONE;
	case NTMM_REGION_LARGE_R:
	case NTMM_REGION_LARGE_RX:
		return PROT_READ;
	default:
		return PROT_READ | PROT_WRITE;
	}
}

/*
 * Map [@start, @end) of the address space file as a region of @kind; with
 * @replace, over what is there (ntmm's own region pieces only). The caller
 * holds proc->lock and no mmap_lock.
 */
static ntstatus_t ntmm_region_map(struct file *file, struct ntmm_process *proc,
				  unsigned long start, unsigned long end,
				  enum ntmm_region_kind kind, bool replace)
{
	unsigned long addr;
	int ret;

	lockdep_assert_held(&proc->lock);
	ret = ntmm_space_open(proc);
	if (!ret)
		ret = ntmm_exit_watch(proc);
	if (ret)
		return STATUS_NO_MEMORY;
	WRITE_ONCE(proc->map_start, start);
	WRITE_ONCE(proc->map_end, end);
	WRITE_ONCE(proc->map_kind, kind);
	addr = ntmm_mm_mmap(proc, file, start, end - start, ntmm_region_prot(kind),
			    MAP_SHARED | (replace ? MAP_FIXED : MAP_FIXED_NOREPLACE), start);
	if (!IS_ERR_VALUE(addr))
		return STATUS_SUCCESS;
	return addr == -EEXIST ? STATUS_CONFLICTING_ADDRESSES : STATUS_NO_MEMORY;
}

/**
 * ntmm_region_map_ops() - Map [@start, @end) of the device as a VMA of another kind.
 * @file: the process's /dev/ntmm.
 * @proc: the context; its lock held, mmap_lock not.
 * @start: first byte, page aligned.
 * @end: one past the last.
 * @kind: the large-page region kind whose protection it has.
 * @replace: over ntmm's empty region pieces there, else where nothing is.
 * @ops: its vm_operations; ->open takes the references its VMA holds.
 * @private: its vm_private_data.
 *
 * For a large-page section's view: frames of no file, mapped as large
 * pages are, by a VMA that windows the address space file.
 *
 * Return: STATUS_SUCCESS, STATUS_CONFLICTING_ADDRESSES or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_region_map_ops(struct file *file, struct ntmm_process *proc,
			       unsigned long start, unsigned long end,
			       enum ntmm_region_kind kind, bool replace,
			       const struct vm_operations_struct *ops, void *private)
{
	ntstatus_t status;

	lockdep_assert_held(&proc->lock);
	WRITE_ONCE(proc->map_ops, ops);
	WRITE_ONCE(proc->map_private, private);
	status = ntmm_region_map(file, proc, start, end, kind, replace);
	WRITE_ONCE(proc->map_ops, NULL);
	WRITE_ONCE(proc->map_private, NULL);
	return status;
}

/**
 * ntmm_region_make() - A new region over [@start, @end), where nothing is mapped.
 * @file: the process's /dev/ntmm.
 * @proc: the context; its lock held, mmap_lock not.
 * @start: first byte, page aligned.
 * @end: one past the last.
 * @kind: what it is for.
 *
 * Return: STATUS_SUCCESS, STATUS_CONFLICTING_ADDRESSES if anything is mapped
 * there (another thread may have mapped it meanwhile), or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_region_make(struct file *file, struct ntmm_process *proc,
			    unsigned long start, unsigned long end,
			    enum ntmm_region_kind kind)
{
	return ntmm_region_map(file, proc, start, end, kind, false);
}

/**
 * ntmm_region_over() - A data region over [@start, @end), replacing what ntmm mapped there.
 * @file: the process's /dev/ntmm.
 * @proc: the context; its lock held, mmap_lock not.
 * @start: first byte, page aligned.
 * @end: one past the last.
 *
 * For a view given back to a placeholder: the range stays held, by a
 * region again, in one step.
 *
 * Return: STATUS_SUCCESS or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_region_over(struct file *file, struct ntmm_process *proc,
			    unsigned long start, unsigned long end)
{
	return ntmm_region_map(file, proc, start, end, NTMM_REGION_DATA, true);
}

/**
 * ntmm_region_cover() - Make sure regions cover [@start, @end).
 * @file: the process's /dev/ntmm.
 * @proc: the context; its lock held, mmap_lock not.
 * @start: first byte, page aligned.
 * @end: one past the last.
 * @kind: what the regions made for the gaps are for.
 *
 * For a fixed-address allocation: the parts already in regions stay as
 * they are (it may span several), and a region is made for each gap, which
 * Linux must have nothing mapped in.
 *
 * Return: STATUS_SUCCESS, STATUS_CONFLICTING_ADDRESSES if something other
 * than a region is mapped in the range, or STATUS_NO_MEMORY. Regions made
 * before a failure stay; they are empty, and trimmed with the next release.
 */
ntstatus_t ntmm_region_cover(struct file *file, struct ntmm_process *proc,
			     unsigned long start, unsigned long end,
			     enum ntmm_region_kind kind)
{
	unsigned long addr = start, gap_end;
	struct vm_area_struct *vma;
	ntstatus_t status;

	while (addr < end) {
		mmap_read_lock(proc->mm);
		vma = find_vma(proc->mm, addr);
		if (vma && vma->vm_start <= addr) {
			gap_end = vma->vm_end;
			status = ntmm_is_region(vma) ? STATUS_SUCCESS :
							 STATUS_CONFLICTING_ADDRESSES;
			mmap_read_unlock(proc->mm);
			if (status)
				return status;
			addr = gap_end;
			continue;
		}
		gap_end = vma ? min(vma->vm_start, end) : end;
		mmap_read_unlock(proc->mm);
		status = ntmm_region_make(file, proc, addr, gap_end, kind);
		if (status)
			return status;
		addr = gap_end;
	}
	return STATUS_SUCCESS;
}

/* Does a VAD hold any of [@start, @start + @len)? If so, *@vad is the first. RCU held. */
static bool ntmm_region_taken(struct ntmm_process *proc, unsigned long start, unsigned long len,
			      struct ntmm_vad **vad)
{
	unsigned long idx = start;

	*vad = mt_find(&proc->vads, &idx, start + len - 1);
	return *vad;
}

/*
 * The lowest (or, @top_down, highest) start of @len bytes at a multiple of
 * @align inside [@lo, @hi) where no VAD is: first fit in the VAD tree's
 * gaps. A gap that is long enough may still hold no aligned start (VADs
 * end on pages): the search then goes on past the VAD that bounds it, so
 * an exact fit, such as a region made for one allocation, is found too.
 * mmap_lock held, so that the regions scanned stay.
 */
static unsigned long ntmm_region_gap(struct ntmm_process *proc, unsigned long len,
				     bool top_down, unsigned long align, unsigned long lo,
				     unsigned long hi)
{
	MA_STATE(mas, &proc->vads, 0, 0);
	unsigned long addr = 0, from = lo, to = hi, a;
	struct ntmm_vad *vad;

	rcu_read_lock();
	while (to > from && to - from >= len) {
		mas_reset(&mas);
		if (top_down ? mas_empty_area_rev(&mas, from, to - 1, len) :
			       mas_empty_area(&mas, from, to - 1, len))
			break;
		if (top_down) {
			a = round_down(mas.last + 1 - len, align);
			if (a >= from && !ntmm_region_taken(proc, a, len, &vad)) {
				addr = a;
				break;
			}
			if (a < from)
				break;
			to = vad->start;	/* below the VAD that ends the gap */
		} else {
			a = ALIGN(mas.index, align);
			if (a < mas.index || a > to - len)
				break;
			if (!ntmm_region_taken(proc, a, len, &vad)) {
				addr = a;
				break;
			}
			from = vad->end;	/* past the VAD that ends the gap */
		}
	}
	rcu_read_unlock();
	return addr;
}

/**
 * ntmm_region_place() - Room for @len bytes inside the regions of @kind.
 * @proc: the context; its lock held, and mmap_lock for read.
 * @len: bytes, page aligned.
 * @top_down: MEM_TOP_DOWN: the highest room.
 * @align: the start's alignment: a power of two, at least 64 KiB.
 * @lo: the lowest start allowed.
 * @hi: one past the highest end allowed.
 * @kind: the regions that may hold it.
 *
 * Regions are scanned from the preferred end; in each, the VAD tree's gaps.
 *
 * Return: the address, or 0 if no region has room.
 */
unsigned long ntmm_region_place(struct ntmm_process *proc, unsigned long len,
				bool top_down, unsigned long align, unsigned long lo,
				unsigned long hi, enum ntmm_region_kind kind)
{
	VMA_ITERATOR(vmi, proc->mm, top_down ? 0 : lo);
	unsigned long span_lo = 0, span_hi = 0, addr, best = 0;
	struct vm_area_struct *vma;
	bool ours;

	lockdep_assert_held(&proc->lock);
	mmap_assert_locked(proc->mm);
	/* Adjacent pieces of one kind make a span; each span's VAD gaps are searched. */
	for (;;) {
		vma = vma_next(&vmi);
		if (vma && vma->vm_start >= hi)
			vma = NULL;
		ours = vma && ntmm_is_region(vma) && ntmm_vma_kind(vma) == kind;
		if (ours && span_hi > span_lo && vma->vm_start == span_hi) {
			span_hi = vma->vm_end;
			continue;
		}
		if (span_hi > span_lo) {
			addr = ntmm_region_gap(proc, len, top_down, align, max(span_lo, lo),
					       min(span_hi, hi));
			if (addr && !top_down)
				return addr;
			if (addr)
				best = addr;	/* spans ascend: the last found is the highest */
		}
		if (!vma)
			return best;
		span_lo = ours ? vma->vm_start : 0;
		span_hi = ours ? vma->vm_end : 0;
	}
}

/**
 * ntmm_region_rewindow() - Map [@start, @end) again as a region of @kind.
 * @file: the process's /dev/ntmm.
 * @proc: the context; its lock held, mmap_lock not.
 * @start: first byte, page aligned, inside regions.
 * @end: one past the last.
 * @kind: the new kind: code for pages that may now execute, data for
 *	pages that no longer may, or a large page's new protection.
 *
 * The pages stay in the file with their data and states; their PTEs go,
 * and the next touch maps them under the new VMA's protection. Pieces
 * already of @kind are left alone.
 *
 * Return: STATUS_SUCCESS, or STATUS_NO_MEMORY (pieces done so far stay).
 */
ntstatus_t ntmm_region_rewindow(struct file *file, struct ntmm_process *proc,
				unsigned long start, unsigned long end,
				enum ntmm_region_kind kind)
{
	unsigned long addr = start, piece_end;
	struct vm_area_struct *vma;
	bool same;
	ntstatus_t status;

	while (addr < end) {
		mmap_read_lock(proc->mm);
		vma = find_vma(proc->mm, addr);
		if (!vma || vma->vm_start > addr || !ntmm_is_region(vma)) {
			mmap_read_unlock(proc->mm);
			return STATUS_CONFLICTING_ADDRESSES;	/* unmapped behind ntmm's back */
		}
		piece_end = min(vma->vm_end, end);
		same = ntmm_vma_kind(vma) == kind;
		mmap_read_unlock(proc->mm);
		if (!same) {
			status = ntmm_region_map(file, proc, addr, piece_end, kind, true);
			if (status)
				return status;
		}
		addr = piece_end;
	}
	return STATUS_SUCCESS;
}

/**
 * ntmm_region_vma() - Is @vma a piece of one of @proc's regions?
 * @proc: the context.
 * @vma: a VMA of its mm.
 *
 * Return: true if it is.
 */
bool ntmm_region_vma(struct ntmm_process *proc, const struct vm_area_struct *vma)
{
	return ntmm_is_region(vma) && vma->vm_private_data == proc;
}

/**
 * ntmm_region_only() - Is all Linux maps in [@start, @end) @proc's region pieces?
 * @proc: the context; mmap_lock held.
 * @start: first byte.
 * @end: one past the last.
 *
 * Then a view may be mapped over them, where no VAD is: to Windows the
 * range is free.
 *
 * Return: true if it is (or nothing is mapped there).
 */
bool ntmm_region_only(struct ntmm_process *proc, unsigned long start, unsigned long end)
{
	VMA_ITERATOR(vmi, proc->mm, start);
	struct vm_area_struct *vma;

	mmap_assert_locked(proc->mm);
	for_each_vma_range(vmi, vma, end)
		if (!ntmm_region_vma(proc, vma))
			return false;
	return true;
}

/**
 * ntmm_region_covers() - Do pieces of @kind cover all of [@start, @end)?
 * @proc: the context; mmap_lock held.
 * @start: first byte.
 * @end: one past the last.
 * @kind: the kind every piece must be.
 *
 * Return: true if they do.
 */
bool ntmm_region_covers(struct ntmm_process *proc, unsigned long start, unsigned long end,
			enum ntmm_region_kind kind)
{
	VMA_ITERATOR(vmi, proc->mm, start);
	struct vm_area_struct *vma;
	unsigned long next = start;

	mmap_assert_locked(proc->mm);
	for_each_vma_range(vmi, vma, end) {
		if (vma->vm_start > next || !ntmm_region_vma(proc, vma) ||
		    ntmm_vma_kind(vma) != kind)
			return false;
		next = vma->vm_end;
	}
	return next >= end;
}

/**
 * ntmm_region_prepare() - Regions of @kind over [@start, @end), for a new allocation there.
 * @file: the process's /dev/ntmm.
 * @proc: the context; its lock held, mmap_lock not.
 * @start: first byte, 64 KiB aligned.
 * @end: one past the last.
 * @kind: what the allocation's pages want.
 *
 * For a fixed-address allocation: gaps get regions, and region pieces of
 * another kind in the range are re-windowed, where no allocation is.
 *
 * Return: STATUS_SUCCESS, STATUS_CONFLICTING_ADDRESSES if an allocation or
 * a mapping Linux made is in the range, or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_region_prepare(struct file *file, struct ntmm_process *proc,
			       unsigned long start, unsigned long end,
			       enum ntmm_region_kind kind)
{
	ntstatus_t status;

	if (ntmm_vad_any(proc, start, end))
		return STATUS_CONFLICTING_ADDRESSES;
	status = ntmm_region_cover(file, proc, start, end, kind);
	if (!status)
		status = ntmm_region_rewindow(file, proc, start, end, kind);
	return status;
}

/**
 * ntmm_region_kind_at() - The kind of the region piece holding @addr.
 * @proc: the context; mmap_lock held.
 * @addr: an address inside a region.
 *
 * Return: the kind (NTMM_REGION_DATA if no region holds @addr).
 */
enum ntmm_region_kind ntmm_region_kind_at(struct ntmm_process *proc, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_assert_locked(proc->mm);
	vma = find_vma(proc->mm, addr);
	if (vma && vma->vm_start <= addr && ntmm_is_region(vma))
		return ntmm_vma_kind(vma);
	return NTMM_REGION_DATA;
}

/*
 * The region pieces of [@start, @end) without any VAD: the lowest, its
 * bounds in *@empty_start and *@empty_end. mmap_lock held.
 */
static bool ntmm_region_empty_piece(struct ntmm_process *proc, unsigned long start,
				    unsigned long end, unsigned long *empty_start,
				    unsigned long *empty_end)
{
	VMA_ITERATOR(vmi, proc->mm, start);
	struct vm_area_struct *vma;

	for_each_vma_range(vmi, vma, end) {
		if (!ntmm_is_region(vma) || ntmm_vad_any(proc, vma->vm_start, vma->vm_end))
			continue;
		*empty_start = vma->vm_start;
		*empty_end = vma->vm_end;
		return true;
	}
	return false;
}

/*
 * Unmap the region pieces of [@start, @end) left empty.
 * @proc: the context; its lock held, mmap_lock not.
 * @start: first byte of what was just released.
 * @end: one past the last.
 *
 * Unmapping a region frees its page tables, which zapping its PTEs does not:
 * page tables of released memory do not pile up. One empty piece is kept,
 * the newest, so that a program allocating and freeing in turn does not
 * make and unmap a VMA each time; the one kept before it goes.
 */
static void ntmm_region_trim(struct ntmm_process *proc, unsigned long start, unsigned long end)
{
	unsigned long empty_start, empty_end, old_start, old_end;
	bool found;

	lockdep_assert_held(&proc->lock);
	mmap_read_lock(proc->mm);
	found = ntmm_region_empty_piece(proc, start, end, &empty_start, &empty_end);
	mmap_read_unlock(proc->mm);
	if (!found)
		return;
	old_start = proc->spare_start;
	old_end = proc->spare_end;
	proc->spare_start = empty_start;
	proc->spare_end = empty_end;
	if (old_end <= old_start || (old_start == empty_start && old_end == empty_end))
		return;
	/* The old spare may have been filled, unmapped or re-windowed since. */
	mmap_read_lock(proc->mm);
	found = ntmm_region_empty_piece(proc, old_start, old_end, &old_start, &old_end);
	mmap_read_unlock(proc->mm);
	if (!found)
		return;
	ntmm_mm_munmap(proc, old_start, old_end - old_start);
}

/*
 * Give back the page tables of the released ranges noted: each region
 * piece still holding one is mapped anew over itself, which frees its page
 * tables as munmap would. Its pages stay in the file, with their states;
 * the live ones cost a minor fault at their next touch.
 */
static void ntmm_region_sweep(struct file *file, struct ntmm_process *proc)
{
	unsigned long done[NTMM_STALE_RANGES], start = 0, end = 0;
	enum ntmm_region_kind kind = NTMM_REGION_DATA;
	struct vm_area_struct *vma;
	unsigned int i, j, n = 0;
	bool again;

	lockdep_assert_held(&proc->lock);
	for (i = 0; i < proc->nr_stale; i++) {
		mmap_read_lock(proc->mm);
		vma = vma_lookup(proc->mm, proc->stale[i]);
		/* Gone, or a large page's VMA, which releasing unmaps whole. */
		again = vma && vma->vm_ops == &ntmm_region_ops;
		if (again) {
			start = vma->vm_start;
			end = vma->vm_end;
			kind = ntmm_vma_kind(vma);
		}
		mmap_read_unlock(proc->mm);
		for (j = 0; again && j < n; j++)
			again = done[j] != start;
		if (!again)
			continue;
		done[n++] = start;
		/* On failure the page tables stay a while longer: nothing else changed. */
		ntmm_region_map(file, proc, start, end, kind, true);
	}
	proc->nr_stale = 0;
}

/**
 * ntmm_region_released() - An allocation, [@start, @end), was just released.
 * @file: the process's /dev/ntmm.
 * @proc: the context; its lock held, mmap_lock not.
 * @start: its first byte.
 * @end: one past its last.
 * @had_pages: whether any of its pages was in memory, and so may have left
 *	page tables behind.
 *
 * Zapping a released range's PTEs leaves its page tables, which unmapping
 * frees: a region piece left empty is unmapped (but for one spare), and
 * every NTMM_STALE_RANGES releases that had pages, the pieces that held
 * them are mapped anew. So page tables of released memory do not pile up,
 * and VirtualFree takes mmap_lock for write only for those.
 */
void ntmm_region_released(struct file *file, struct ntmm_process *proc, unsigned long start,
			  unsigned long end, bool had_pages)
{
	lockdep_assert_held(&proc->lock);
	ntmm_region_trim(proc, start, end);
	if (!had_pages)
		return;
	proc->stale[proc->nr_stale++] = start;
	if (proc->nr_stale == NTMM_STALE_RANGES)
		ntmm_region_sweep(file, proc);
}
