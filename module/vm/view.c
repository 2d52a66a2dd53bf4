// SPDX-License-Identifier: GPL-2.0
/*
 * Views: NtMapViewOfSection, NtUnmapViewOfSection, NtFlushVirtualMemory,
 * and what the virtual-memory calls do inside a view.
 *
 * A view is a VAD (NTMM_VAD_VIEW, MEM_MAPPED to Windows) and one VMA of
 * its own that maps the section's file: made by vm_mmap() of the file
 * itself, so that Linux checks the mapping as it checks any (the file's
 * mode, its seals, noexec mounts, the LSMs), and then given ntmm's vm_ops,
 * which hold the view's per-page protection and delegate to the file's own
 * (shmem's, or the filesystem's). The frames are the file's page cache:
 * the same in every view of the section, in every process, and the same
 * that read() and write() of the file see. FILE_MAP_COPY views are private
 * mappings, whose writes the kernel copies on first write.
 *
 * Per-page protection is as in regions (region.c): no PTE where a page may
 * not be read, write-notify (->page_mkwrite) where it may not be written;
 * a change that takes a right away settles the section's file, which
 * takes the PTEs of every view of the range (the others fault theirs back
 * under their own protection). Execution is the VMA's: a view mapped
 * FILE_MAP_EXECUTE executes in every page it may read.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/nodemask.h>
#include <linux/ntmm.h>
#include <linux/numa.h>
#include <linux/pagemap.h>
#include <linux/sched.h>

#include "../compat.h"
#include "../process.h"
#include "exit.h"
#include "mm_run.h"
#include "nt_rules.h"
#include "placeholder.h"
#include "placement.h"
#include "region.h"
#include "section.h"
#include "space.h"
#include "vad.h"
#include "view.h"

/* Views lost to a racing mmap before one sticks. */
#define NTMM_VIEW_TRIES	8

static const struct vm_operations_struct ntmm_view_ops;

/* Is @protect a copy-on-write view's (FILE_MAP_COPY)? */
static bool ntmm_view_copy_protect(u32 protect)
{
	u32 base = protect & NT_PAGE_BASE_MASK;

	return base == NTMM_PAGE_WRITECOPY || base == NTMM_PAGE_EXECUTE_WRITECOPY;
}

/* Is @vad a copy-on-write view? */
static bool ntmm_view_copy(const struct ntmm_vad *vad)
{
	return ntmm_view_copy_protect(vad->alloc_protect);
}

/* The file page of page @idx of view @vad. */
static pgoff_t ntmm_view_pgoff(const struct ntmm_vad *vad, unsigned long idx)
{
	return (vad->offset >> PAGE_SHIFT) + idx;
}

/*
 * May the fault at page @idx of view @vad have @access? The VAD's lock is
 * held for read. A guard page answers through ntmm_region_unguard(), which
 * needs the lock dropped: *@guard says so. A page ->page_mkwrite asks about
 * is mapped, so committed: only a fault asks the section.
 */
static vm_fault_t ntmm_view_check(struct ntmm_vad *vad, struct vm_fault *vmf,
				  unsigned long idx, unsigned int access, bool *guard)
{
	unsigned long address = vmf->address & PAGE_MASK;
	u32 prot;

	lockdep_assert_held_read(&vad->lock);
	*guard = false;
	prot = vad->dead ? 0 : ntmm_vad_protection(vad, idx);
	if (prot & NTMM_PAGE_GUARD) {
		/* Another process's access (a debugger's) leaves the guard. */
		if (vmf->flags & FAULT_FLAG_REMOTE)
			return VM_FAULT_SIGSEGV;
		*guard = true;
		return 0;
	}
	if (!(nt_protect_access(prot) & access) ||
	    (!vmf->page && !ntmm_section_committed(vad->section, vmf->pgoff, vmf->pgoff + 1)))
		return ntmm_region_refuse(vad->proc, address, NTMM_FAULT_ACCESS_VIOLATION, access);
	return 0;
}

/*
 * ->fault of a view: the page's state decides, then the file's own
 * ->fault brings the page in and returns it locked, which orders it
 * against a change of state as in regions.
 */
static vm_fault_t ntmm_view_fault(struct vm_fault *vmf)
{
	struct ntmm_vad *vad = vmf->vma->vm_private_data;
	unsigned long idx = ntmm_vad_index(vad, vmf->address & PAGE_MASK);
	unsigned int access = ntmm_region_access(vmf);
	vm_fault_t ret;
	bool guard;

	down_read(&vad->lock);
	ret = ntmm_view_check(vad, vmf, idx, access, &guard);
	if (!ret && !guard) {
		ret = vad->section->file_ops->fault(vmf);
		/* A preferred node: the pagefile section's fresh page comes from it. */
		if ((ret & VM_FAULT_LOCKED) && vad->node != NUMA_NO_NODE)
			vmf->page = folio_file_page(ntmm_folio_on_node(page_folio(vmf->page),
								       vad->node), vmf->pgoff);
	}
	up_read(&vad->lock);
	if (guard)
		ret = ntmm_region_unguard(vad, idx, vmf->address & PAGE_MASK, access);
	return ret;
}

/*
 * ->page_mkwrite of a shared view: only a page that may be written may
 * become writable; the file's own ->page_mkwrite (a filesystem's: blocks,
 * timestamps) then has its say, or the folio is locked as the kernel
 * does for files without one.
 */
static vm_fault_t ntmm_view_mkwrite(struct vm_fault *vmf)
{
	struct ntmm_vad *vad = vmf->vma->vm_private_data;
	unsigned long idx = ntmm_vad_index(vad, vmf->address & PAGE_MASK);
	struct folio *folio = page_folio(vmf->page);
	vm_fault_t ret;
	bool guard;

	down_read(&vad->lock);
	ret = ntmm_view_check(vad, vmf, idx, NT_ACCESS_WRITE, &guard);
	if (ret || guard) {
		/* No PTE maps a guard page: this one was made before it became one. */
		if (guard)
			ret = VM_FAULT_NOPAGE;
		goto out_unlock;
	}
	if (vad->section->file_ops->page_mkwrite) {
		ret = vad->section->file_ops->page_mkwrite(vmf);
		goto out_unlock;
	}
	folio_lock(folio);
	if (folio->mapping != vmf->vma->vm_file->f_mapping) {
		folio_unlock(folio);
		ret = VM_FAULT_NOPAGE;
		goto out_unlock;
	}
	ret = VM_FAULT_LOCKED;
out_unlock:
	up_read(&vad->lock);
	return ret;
}

/*
 * ->map_pages: map the file's pages around a read fault, as Linux does for
 * any file, while every page of the view reads alike; after a change of
 * protection, faults map one page each. Called (or running) under RCU,
 * which a revoke waits out after clearing fault_around.
 */
static vm_fault_t ntmm_view_map_pages(struct vm_fault *vmf, pgoff_t start, pgoff_t end)
{
	struct ntmm_vad *vad = vmf->vma->vm_private_data;
	vm_fault_t ret = 0;

	rcu_read_lock();
	if (READ_ONCE(vad->fault_around) && vad->section->file_ops->map_pages)
		ret = vad->section->file_ops->map_pages(vmf, start, end);
	rcu_read_unlock();
	return ret;
}

/* A copy of the VMA (a split, which ntmm never makes, or a fork's, which DONTCOPY stops). */
static void ntmm_view_open(struct vm_area_struct *vma)
{
	struct ntmm_vad *vad = vma->vm_private_data;

	refcount_inc(&vad->ref);
	ntmm_process_hold(vad->proc);
}

/*
 * The view's VMA goes: from ntmm's unmap, all is done; from the process's
 * munmap or its end, the view goes with it.
 */
static void ntmm_view_close(struct vm_area_struct *vma)
{
	struct ntmm_vad *vad = vma->vm_private_data;
	struct ntmm_process *proc = vad->proc;

	if (READ_ONCE(proc->map_task) != current)
		ntmm_vad_release(vad);
	ntmm_vad_put(vad);
	ntmm_process_put(proc);
}

static int ntmm_view_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static const struct vm_operations_struct ntmm_view_ops = {
	.fault		= ntmm_view_fault,
	.map_pages	= ntmm_view_map_pages,
	.page_mkwrite	= ntmm_view_mkwrite,
	.open		= ntmm_view_open,
	.close		= ntmm_view_close,
	.may_split	= ntmm_view_may_split,
	.mremap		= ntmm_region_mremap,
	.mprotect	= ntmm_region_mprotect,
};

/*
 * The same without write-notify, while no page of the view may be read
 * but not written (or the VMA cannot write at all): a write fault then
 * costs what it costs in any shared mapping of the file. Only for files
 * that have no ->page_mkwrite of their own (shmem's).
 */
static const struct vm_operations_struct ntmm_view_rw_ops = {
	.fault		= ntmm_view_fault,
	.map_pages	= ntmm_view_map_pages,
	.open		= ntmm_view_open,
	.close		= ntmm_view_close,
	.may_split	= ntmm_view_may_split,
	.mremap		= ntmm_region_mremap,
	.mprotect	= ntmm_region_mprotect,
};

/*
 * ->fault of a large-page section's view: the section's 2 MiB folio, which
 * the kernel maps with one PMD where it can. The VMA has the view's
 * protection, which all its pages keep.
 */
static vm_fault_t ntmm_view_large_fault(struct vm_fault *vmf)
{
	struct ntmm_vad *vad = vmf->vma->vm_private_data;
	pgoff_t idx = ntmm_view_pgoff(vad, ntmm_vad_index(vad, vmf->address & PAGE_MASK));
	vm_fault_t ret = VM_FAULT_SIGSEGV;
	struct folio *folio;

	down_read(&vad->lock);
	if (!vad->dead) {
		folio = vad->section->large[idx / NTMM_LARGE_NR];
		folio_get(folio);
		folio_lock(folio);
		vmf->page = folio_page(folio, idx % NTMM_LARGE_NR);
		ret = VM_FAULT_LOCKED;
	}
	up_read(&vad->lock);
	return ret;
}

/* Nothing is mapped around a fault; the hook lets 6.12 fault under the VMA's lock. */
static vm_fault_t ntmm_view_large_map_pages(struct vm_fault *vmf, pgoff_t start, pgoff_t end)
{
	return 0;
}

static const struct vm_operations_struct ntmm_view_large_ops = {
	.fault		= ntmm_view_large_fault,
	.map_pages	= ntmm_view_large_map_pages,
	.open		= ntmm_view_open,
	.close		= ntmm_view_close,
	.may_split	= ntmm_view_may_split,
	.mremap		= ntmm_region_mremap,
	.mprotect	= ntmm_region_mprotect,
};

/* The large-page region kind of a view's protection. */
static enum ntmm_region_kind ntmm_view_large_kind(u32 protect)
{
	unsigned int access = nt_protect_access(protect);

	if (access & NT_ACCESS_EXECUTE)
		return access & NT_ACCESS_WRITE ? NTMM_REGION_LARGE_RWX : NTMM_REGION_LARGE_RX;
	return access & NT_ACCESS_WRITE ? NTMM_REGION_LARGE_RW : NTMM_REGION_LARGE_R;
}

/* What the view's VMA is mapped with. */
static unsigned long ntmm_view_prot(u32 protect)
{
	unsigned int access = nt_protect_access(protect);

	return PROT_READ | (access & NT_ACCESS_WRITE ? PROT_WRITE : 0) |
	       (access & NT_ACCESS_EXECUTE ? PROT_EXEC : 0);
}

/*
 * Make the view's VMA write-notify: pages are mapped read-only until
 * ->page_mkwrite lets a write in. mmap_lock held for write.
 */
static void ntmm_view_notify(struct ntmm_vad *vad, struct vm_area_struct *vma)
{
	mmap_assert_write_locked(vma->vm_mm);
	ntmm_vma_start_write(vma);
	vma->vm_ops = &ntmm_view_ops;
	WRITE_ONCE(vma->vm_page_prot, vm_get_page_prot(vma->vm_flags & ~VM_SHARED));
	vad->notify = true;
}

/**
 * ntmm_view_prepare() - Get a view ready for pages of @protect.
 * @vad: the view; proc->lock and mmap_lock held for read, which this
 *	drops and takes again.
 * @protect: the protection some of its pages are to take.
 *
 * A page of a writable shared view that may be read but not written
 * needs write-notify: the first one turns it on (the VMA's ops and
 * vm_page_prot change, under mmap_lock for write); its writable PTEs are
 * then write-protected by the change's revoke, as for private memory.
 *
 * Return: STATUS_SUCCESS, or STATUS_MEMORY_NOT_ALLOCATED if the view went
 * meanwhile (mmap_lock held for read either way).
 */
ntstatus_t ntmm_view_prepare(struct ntmm_vad *vad, u32 protect)
{
	unsigned int access = nt_protect_access(protect);
	struct mm_struct *mm = vad->proc->mm;
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	/* A guard page becomes its base protection at its first touch: that decides. */
	if (READ_ONCE(vad->notify) || ntmm_view_copy(vad) || (vad->flags & NTMM_VAD_LARGE) ||
	    !(nt_protect_access(vad->alloc_protect) & NT_ACCESS_WRITE) ||
	    (access & NT_ACCESS_WRITE) || !(access & NT_ACCESS_READ))
		return STATUS_SUCCESS;
	mmap_read_unlock(mm);
	mmap_write_lock(mm);
	vma = vma_lookup(mm, vad->start);
	if (vma && vma->vm_ops == &ntmm_view_rw_ops && vma->vm_private_data == vad)
		ntmm_view_notify(vad, vma);
	mmap_write_downgrade(mm);
	return vad->dead ? STATUS_MEMORY_NOT_ALLOCATED : STATUS_SUCCESS;
}

/*
 * Give the file's VMA just mapped at [@start, @end) to the view: ntmm's
 * vm_ops, the file's kept for delegation, write-notify where the file asks
 * for it (a filesystem's ->page_mkwrite), no fork, no growth.
 * Until now the VMA was the file's plain mapping of the view's protection,
 * which every page of the view still has.
 */
static ntstatus_t ntmm_view_adopt(struct ntmm_vad *vad, unsigned long start, unsigned long end)
{
	struct ntmm_section *section = vad->section;
	struct mm_struct *mm = vad->proc->mm;
	const struct vm_operations_struct *ops;
	struct vm_area_struct *vma;
	ntstatus_t status = STATUS_CONFLICTING_ADDRESSES;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, start);
	/* A thread of the process may have unmapped it meanwhile. */
	if (!vma || vma->vm_start != start || vma->vm_end != end ||
	    vma->vm_file != section->file)
		goto out_unlock;
	ops = vma->vm_ops;
	status = STATUS_INVALID_FILE_FOR_SECTION;
	if (!ops || !ops->fault || ops == &ntmm_view_ops ||
	    (section->file_ops && section->file_ops != ops))
		goto out_unlock;
	WRITE_ONCE(section->file_ops, ops);
	ntmm_vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND);
	vma->vm_private_data = vad;
	refcount_inc(&vad->ref);
	ntmm_process_hold(vad->proc);
	if (ops->page_mkwrite && (vma->vm_flags & VM_SHARED))
		ntmm_view_notify(vad, vma);
	else
		vma->vm_ops = &ntmm_view_rw_ops;
	status = STATUS_SUCCESS;
out_unlock:
	mmap_write_unlock(mm);
	return status;
}

/* The status for vm_mmap()'s error. */
static ntstatus_t ntmm_view_mmap_status(long err)
{
	switch (err) {
	case -EEXIST:
		return STATUS_CONFLICTING_ADDRESSES;
	case -EACCES:
	case -EPERM:
	case -ETXTBSY:
		return STATUS_ACCESS_DENIED;
	case -ENODEV:
	case -EOPNOTSUPP:
		return STATUS_INVALID_FILE_FOR_SECTION;
	default:
		return STATUS_NO_MEMORY;
	}
}

/*
 * Map the view's VMA at [@start, @end): over region pieces there with
 * @replace (free space to Windows), else only where nothing is. @file is
 * the process's /dev/ntmm, which maps large pages. proc->lock held,
 * mmap_lock not.
 */
static ntstatus_t ntmm_view_vma(struct file *file, struct ntmm_vad *vad, unsigned long start,
				unsigned long end, bool replace)
{
	struct ntmm_process *proc = vad->proc;
	unsigned long addr, flags;
	ntstatus_t status;

	lockdep_assert_held(&proc->lock);
	/* Large pages are no file's: the device maps them, as private large pages. */
	if (vad->flags & NTMM_VAD_LARGE)
		return ntmm_region_map_ops(file, proc, start, end,
					   ntmm_view_large_kind(vad->alloc_protect), replace,
					   &ntmm_view_large_ops, vad);
	flags = (ntmm_view_copy(vad) ? MAP_PRIVATE : MAP_SHARED) |
		(replace ? MAP_FIXED : MAP_FIXED_NOREPLACE);
	/* Region pieces it replaces go quietly: they hold no allocation. */
	addr = ntmm_mm_mmap(proc, vad->section->file, start, end - start,
			    ntmm_view_prot(vad->alloc_protect), flags, vad->offset);
	if (IS_ERR_VALUE(addr))
		return ntmm_view_mmap_status((long)addr);
	status = ntmm_view_adopt(vad, start, end);
	/* A file whose mapping ntmm cannot hold goes again; a VMA gone meanwhile is not ours. */
	if (status == STATUS_INVALID_FILE_FOR_SECTION)
		/* As ntmm's own call: its VMA's ->close releases nothing. */
		ntmm_mm_munmap(proc, start, end - start);
	return status;
}

/*
 * Where a view of @len bytes goes: @v->address if given (free to Windows:
 * no VAD, and nothing Linux mapped but empty region pieces, which *@replace
 * says to map over), else a gap of the mm chosen as for allocations, at a
 * multiple of @align.
 */
static ntstatus_t ntmm_view_place(struct ntmm_process *proc, const struct ntmm_view *v,
				  unsigned long len, unsigned long align, unsigned long *start,
				  bool *replace)
{
	bool ok;

	*replace = false;
	if (!v->address) {
		*start = ntmm_place(proc, len, v->type & NTMM_MEM_TOP_DOWN, align,
				    ntmm_user_min(), ntmm_user_max() + 1);
		return *start ? STATUS_SUCCESS : STATUS_NO_MEMORY;
	}
	*start = v->address;
	if (*start < ntmm_user_min() || len - 1 > ntmm_user_max() - *start)
		return STATUS_INVALID_PARAMETER;
	if (ntmm_vad_any(proc, *start, *start + len))
		return STATUS_CONFLICTING_ADDRESSES;
	mmap_read_lock(proc->mm);
	ok = ntmm_region_only(proc, *start, *start + len);
	*replace = ok && find_vma_intersection(proc->mm, *start, *start + len);
	mmap_read_unlock(proc->mm);
	return ok ? STATUS_SUCCESS : STATUS_CONFLICTING_ADDRESSES;
}

/* A new view's VAD, all of it with the view's protection. */
static struct ntmm_vad *ntmm_view_vad(struct ntmm_process *proc, struct ntmm_section *section,
				      u64 offset, unsigned long start, unsigned long len,
				      u32 protect, u32 flags, int node)
{
	struct ntmm_vad *vad;
	int err;

	if (section->large)
		flags |= NTMM_VAD_LARGE;
	vad = ntmm_vad_create(proc, start, start + len, protect, NTMM_VAD_VIEW | flags, node);
	if (!vad)
		return NULL;
	vad->section = section;
	kref_get(&section->ref);
	vad->offset = offset;
	vad->fault_around = (section->attributes & NTMM_SEC_COMMIT) && !section->large;
	down_write(&vad->lock);
	err = ntmm_vad_set(vad, 0, len >> PAGE_SHIFT, protect);
	up_write(&vad->lock);
	if (err) {
		ntmm_vad_put(vad);
		return NULL;
	}
	return vad;
}

/* The caching a view's pages report: its section's (item 32). */
static u32 ntmm_view_caching(const struct ntmm_section *section)
{
	if (section->attributes & NTMM_SEC_NOCACHE)
		return NTMM_PAGE_NOCACHE;
	if (section->attributes & NTMM_SEC_WRITECOMBINE)
		return NTMM_PAGE_WRITECOMBINE;
	return 0;
}

/**
 * ntmm_view_section() - Check a view's request and find its section.
 * @v: the request (NtMapViewOfSectionEx's arguments).
 * @status: set to NT's answer to a request it refuses.
 *
 * What can be checked before the view has a place, in NT's order; the
 * section handle is resolved here, in the caller's file table, so that
 * ntmm_view_map() may run in another process's address space.
 *
 * Return: the section with a reference, or NULL.
 */
struct ntmm_section *ntmm_view_section(const struct ntmm_view *v, ntstatus_t *status)
{
	bool placeholder = v->type & NTMM_MEM_REPLACE_PLACEHOLDER;

	*status = STATUS_INVALID_PARAMETER;
	if ((v->type & ~(NTMM_MEM_TOP_DOWN | NTMM_MEM_REPLACE_PLACEHOLDER)) ||
	    (placeholder && (!v->address || (v->type & NTMM_MEM_TOP_DOWN))) ||
	    (v->flags & ~NTMM_VIEW_NODE))
		return NULL;
	/* item 41 */
	if ((v->flags & NTMM_VIEW_NODE) && (v->node >= MAX_NUMNODES || !node_online(v->node)))
		return NULL;
	*status = nt_check_view_protect(v->protect);
	if (*status)
		return NULL;
	/* A placeholder may start at any page (item 40). */
	*status = STATUS_MAPPED_ALIGNMENT;
	if (!IS_ALIGNED(v->offset, NT_GRANULARITY) ||
	    !IS_ALIGNED(v->address, placeholder ? NT_PAGE_SIZE : NT_GRANULARITY))
		return NULL;
	*status = STATUS_SUCCESS;
	return ntmm_section_from_handle(v->handle, nt_section_rights(v->protect), status);
}

/**
 * ntmm_view_map() - NtMapViewOfSectionEx.
 * @file: the process's /dev/ntmm, which maps large-page sections' views.
 * @proc: the context the view goes in.
 * @v: the request, checked by ntmm_view_section(); on success @v->address
 *	and @v->length are the view.
 * @section: its section, found by ntmm_view_section(); the caller's
 *	reference, which a view takes one of its own from.
 *
 * With MEM_REPLACE_PLACEHOLDER the view takes the place of the placeholder
 * spanning exactly its range (MapViewOfFile3), which comes back if the
 * mapping fails.
 *
 * Return: NT's status.
 */
ntstatus_t ntmm_view_map(struct file *file, struct ntmm_process *proc, struct ntmm_view *v,
			 struct ntmm_section *section)
{
	bool placeholder = v->type & NTMM_MEM_REPLACE_PLACEHOLDER;
	int node = v->flags & NTMM_VIEW_NODE ? v->node : NUMA_NO_NODE;
	unsigned long start = 0, len, align = NT_GRANULARITY;
	struct ntmm_vad *vad = NULL;
	ntstatus_t status;
	bool replace;
	int tries;

	if (v->offset >= section->size || (v->length && v->length > section->size - v->offset))
		return STATUS_INVALID_VIEW_SIZE;
	len = PAGE_ALIGN(v->length ? v->length : section->size - v->offset);
	/* A file's pages are its page cache's, large pages the section's: only fresh ones move. */
	if (node != NUMA_NO_NODE && (section->file_backed || section->large))
		return STATUS_NOT_IMPLEMENTED;
	if (section->large) {
		/* Whole large pages at large-page boundaries (item 26); no copies (not built). */
		align = NT_LARGE_PAGE_SIZE;
		if (!IS_ALIGNED(v->offset | v->address, align) || !IS_ALIGNED(len, align))
			return STATUS_MAPPED_ALIGNMENT;
		if (placeholder || ntmm_view_copy_protect(v->protect))
			return STATUS_NOT_IMPLEMENTED;
	}

	mutex_lock(&proc->lock);
	status = ntmm_exit_watch(proc) ? STATUS_NO_MEMORY : STATUS_SUCCESS;
	if (!status && placeholder)
		status = ntmm_placeholder_take(proc, v->address, v->address + len);
	for (tries = 0; !status; tries++) {
		status = ntmm_view_place(proc, v, len, align, &start, &replace);
		if (status)
			break;
		vad = ntmm_view_vad(proc, section, v->offset, start, len,
				    v->protect | ntmm_view_caching(section),
				    placeholder ? NTMM_VAD_REPLACED : 0, node);
		if (!vad) {
			status = STATUS_NO_MEMORY;
			break;
		}
		/*
		 * In the VAD tree before its VMA exists, so that a munmap racing
		 * the mapping (->close) takes it out again; the tree holds the
		 * creator's reference, the mapping one of its own.
		 */
		status = ntmm_vad_insert(vad);
		if (!status) {
			refcount_inc(&vad->ref);
			status = ntmm_view_vma(file, vad, start, start + len, replace);
			if (status)
				ntmm_vad_release(vad);
		}
		ntmm_vad_put(vad);
		if (!status)
			break;
		vad = NULL;
		/* Another thread mapped there meanwhile: look again. */
		if (status != STATUS_CONFLICTING_ADDRESSES || v->address ||
		    tries >= NTMM_VIEW_TRIES) {
			if (placeholder)
				ntmm_placeholder_put(proc, v->address, v->address + len);
			break;
		}
		status = STATUS_SUCCESS;
	}
	mutex_unlock(&proc->lock);
	if (!status) {
		v->address = start;
		v->length = len;
	}
	return status;
}

/* The view holding @address, with a reference, or NULL. */
static struct ntmm_vad *ntmm_view_get(struct ntmm_process *proc, u64 address)
{
	struct ntmm_vad *vad;

	if (address > ntmm_user_max())
		return NULL;
	vad = ntmm_vad_get(proc, address);
	if (vad && !(vad->flags & NTMM_VAD_VIEW)) {
		ntmm_vad_put(vad);
		vad = NULL;
	}
	return vad;
}

/**
 * ntmm_view_unmap() - NtUnmapViewOfSectionEx.
 * @file: the process's /dev/ntmm, for a placeholder's region.
 * @proc: the caller's context.
 * @address: any address in the view (item 37).
 * @flags: MEM_PRESERVE_PLACEHOLDER, or 0.
 *
 * With MEM_PRESERVE_PLACEHOLDER the view's range becomes a placeholder, a
 * region mapped over the view's VMA in one step.
 *
 * Return: STATUS_SUCCESS, STATUS_NOT_MAPPED_VIEW, STATUS_INVALID_PARAMETER
 * or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_view_unmap(struct file *file, struct ntmm_process *proc, u64 address, u32 flags)
{
	ntstatus_t status = STATUS_NOT_MAPPED_VIEW;
	struct ntmm_vad *vad;

	if (flags & ~NTMM_MEM_PRESERVE_PLACEHOLDER)
		return STATUS_INVALID_PARAMETER;
	mutex_lock(&proc->lock);
	vad = ntmm_view_get(proc, address);
	if (vad) {
		ntmm_vad_release(vad);
		if (flags) {
			status = ntmm_region_over(file, proc, vad->start, vad->end);
			if (!status)
				status = ntmm_placeholder_put(proc, vad->start, vad->end);
		} else {
			ntmm_mm_munmap(proc, vad->start, vad->end - vad->start);
			status = STATUS_SUCCESS;
		}
		ntmm_vad_put(vad);
	}
	mutex_unlock(&proc->lock);
	return status;
}

/**
 * ntmm_view_flush() - NtFlushVirtualMemory: FlushViewOfFile.
 * @proc: the caller's context.
 * @address: an address in a view.
 * @length: bytes from it, 0 for the rest of the view.
 *
 * A file's dirty pages of the range are written back, and waited for; a
 * pagefile section has nothing to write.
 *
 * Return: STATUS_SUCCESS, STATUS_NOT_MAPPED_VIEW, STATUS_INVALID_PARAMETER
 * (a range past the view) or STATUS_UNSUCCESSFUL (the write failed).
 */
ntstatus_t ntmm_view_flush(struct ntmm_process *proc, u64 address, u64 length)
{
	struct ntmm_vad *vad = ntmm_view_get(proc, address);
	ntstatus_t status = STATUS_SUCCESS;
	u64 start, end;
	loff_t pos;

	if (!vad)
		return STATUS_NOT_MAPPED_VIEW;
	start = address & PAGE_MASK;
	end = length ? PAGE_ALIGN(address + length) : vad->end;
	if (end < start || end > vad->end) {
		status = STATUS_INVALID_PARAMETER;
	} else if (vad->section->file_backed) {
		pos = vad->offset + (start - vad->start);
		if (filemap_write_and_wait_range(vad->section->file->f_mapping, pos,
						 pos + (end - start) - 1))
			status = STATUS_UNSUCCESSFUL;
	}
	ntmm_vad_put(vad);
	return status;
}

/**
 * ntmm_view_reads_ptes() - Does a query of view @vad look at its page tables?
 * @vad: the view.
 *
 * A copy-on-write view's pages are told apart by their PTEs, which a
 * lockless lookup finds only in the current address space: a query of
 * another process's such view is made in its (vm/mm_run.c).
 *
 * Return: true for a FILE_MAP_COPY view.
 */
bool ntmm_view_reads_ptes(const struct ntmm_vad *vad)
{
	return ntmm_view_copy(vad);
}

/* A copy-on-write view's page @idx: has it its own copy? Present and anonymous. */
static bool ntmm_view_copied(struct ntmm_vad *vad, unsigned long idx)
{
	struct page *page;
	bool copied;

	/* Under RCU: ntmm_virtual_query() came to the view's address space first. */
	if (WARN_ON_ONCE(current->mm != vad->proc->mm) ||
	    get_user_pages_fast_only(vad->start + (idx << PAGE_SHIFT), 1, 0, &page) != 1)
		return false;
	copied = PageAnon(page);
	put_page(page);
	return copied;
}

/**
 * ntmm_view_written() - A copy-on-write view's protection, as a written page shows it.
 * @protect: the page's protection.
 *
 * Return: READWRITE for WRITECOPY, EXECUTE_READWRITE for EXECUTE_WRITECOPY
 * (item 38), anything else as it is.
 */
u32 ntmm_view_written(u32 protect)
{
	switch (protect & NT_PAGE_BASE_MASK) {
	case NTMM_PAGE_WRITECOPY:
		return (protect & ~NT_PAGE_BASE_MASK) | NTMM_PAGE_READWRITE;
	case NTMM_PAGE_EXECUTE_WRITECOPY:
		return (protect & ~NT_PAGE_BASE_MASK) | NTMM_PAGE_EXECUTE_READWRITE;
	default:
		return protect;
	}
}

/**
 * ntmm_view_query() - The run of pages of a view like page @idx.
 * @vad: the view; the caller holds rcu_read_lock().
 * @idx: a page index inside it.
 * @state: set to MEM_COMMIT or MEM_RESERVE (the section's, item 34).
 * @protect: set to the run's protection (0 when reserved).
 * @pages: set to the run's length in pages.
 *
 * A copy-on-write view's pages written since show READWRITE, the others
 * WRITECOPY: each page's PTE says which it is.
 */
void ntmm_view_query(struct ntmm_vad *vad, unsigned long idx, u32 *state, u32 *protect,
		     unsigned long *pages)
{
	unsigned long n, end;
	bool committed, copied;
	u32 p;

	ntmm_vad_query(vad, idx, state, protect, &n);
	n = ntmm_section_run(vad->section, ntmm_view_pgoff(vad, idx), n, &committed);
	if (!committed) {
		*state = NTMM_MEM_RESERVE;
		*protect = 0;
	} else if (ntmm_view_copy(vad) && ntmm_view_written(*protect) != *protect) {
		p = *protect;
		copied = ntmm_view_copied(vad, idx);
		for (end = 1; end < n && ntmm_view_copied(vad, idx + end) == copied; end++)
			;
		n = end;
		*protect = copied ? ntmm_view_written(p) : p;
	}
	*pages = n;
}

/*
 * May pages of view @vad take @protect (already checked as private memory
 * would be, or as a view's)? A copy-on-write view's pages keep its own:
 * the kernel copies a page on its first write without asking, so neither
 * a read-only nor a no-access page could be held to it. A large-page view
 * keeps its own too: its VMA's protection is its pages' (not built: README).
 */
static ntstatus_t ntmm_view_may(struct ntmm_vad *vad, unsigned long first, unsigned long last,
				u32 protect)
{
	ntstatus_t status;

	status = nt_view_page_protect(vad->alloc_protect & NT_PAGE_BASE_MASK,
				      protect & ~NT_PAGE_CACHING);
	if (status)
		return status;
	if ((ntmm_view_copy(vad) || (vad->flags & NTMM_VAD_LARGE)) &&
	    (protect & ~NT_PAGE_CACHING) != (vad->alloc_protect & NT_PAGE_BASE_MASK))
		return STATUS_NOT_IMPLEMENTED;
	return STATUS_SUCCESS;
}

/**
 * ntmm_view_commit() - MEM_COMMIT inside a view.
 * @vad: the view; proc->lock and mmap_lock (read) held.
 * @first: first page index.
 * @last: one past the last.
 * @protect: the protection the pages take in this view.
 *
 * Commits the section's pages (a SEC_RESERVE section's), which every view
 * of it then shows committed (item 34); here they take @protect.
 *
 * Return: NT's status.
 */
ntstatus_t ntmm_view_commit(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			    u32 protect)
{
	ntstatus_t status;
	u32 old;

	status = ntmm_view_may(vad, first, last, protect);
	if (!status)
		status = ntmm_section_commit(vad->section, ntmm_view_pgoff(vad, first),
					     ntmm_view_pgoff(vad, last));
	if (!status)
		status = ntmm_vad_protect(vad, first, last,
					  nt_protect_keep_caching(protect, vad->alloc_protect),
					  &old);
	return status;
}

/**
 * ntmm_view_protect() - VirtualProtect inside a view.
 * @vad: the view; proc->lock and mmap_lock (read) held.
 * @first: first page index.
 * @last: one past the last.
 * @protect: the new protection.
 * @old_protect: set to the first page's protection before.
 *
 * Return: NT's status: STATUS_NOT_COMMITTED for a SEC_RESERVE section's
 * pages not committed, STATUS_INVALID_PAGE_PROTECTION for one the view's
 * rights do not allow.
 */
ntstatus_t ntmm_view_protect(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			     u32 protect, u32 *old_protect)
{
	ntstatus_t status;

	status = ntmm_view_may(vad, first, last, protect);
	if (status)
		return status;
	if (!ntmm_section_committed(vad->section, ntmm_view_pgoff(vad, first),
				    ntmm_view_pgoff(vad, last)))
		return STATUS_NOT_COMMITTED;
	return ntmm_vad_protect(vad, first, last,
				nt_protect_keep_caching(protect, vad->alloc_protect), old_protect);
}

/**
 * ntmm_view_lock() - VirtualLock or VirtualUnlock inside a view.
 * @vad: the view; proc->lock and mmap_lock (read) held.
 * @first: first page index.
 * @last: one past the last.
 * @lock: true to lock.
 *
 * As for private memory (ntmm_vad_lock()): the pages are faulted in and
 * their frames pinned. A copy-on-write view's page would change frames at
 * its first write, so those are not locked (not built: README).
 *
 * Return: NT's status.
 */
ntstatus_t ntmm_view_lock(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			  bool lock)
{
	if (ntmm_view_copy(vad))
		return STATUS_NOT_IMPLEMENTED;
	if (!ntmm_section_committed(vad->section, ntmm_view_pgoff(vad, first),
				    ntmm_view_pgoff(vad, last)))
		return STATUS_NOT_COMMITTED;
	return ntmm_vad_lock(vad, first, last, lock);
}
