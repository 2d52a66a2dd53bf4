// SPDX-License-Identifier: GPL-2.0
/*
 * The NT virtual-memory calls on private memory: NtAllocateVirtualMemory,
 * NtFreeVirtualMemory, NtProtectVirtualMemory, NtQueryVirtualMemory, and the
 * commit totals GlobalMemoryStatusEx reports. Each checks its arguments with
 * NT's rules (core/nt_rules.c) and answers with NT's status.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/log2.h>
#include <linux/nodemask.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/ntmm.h>

#include "core/nt_rules.h"
#include "ntmm.h"

/* Allocations lost to a racing mmap before one sticks. */
#define NTMM_PLACE_TRIES	8

/* The VAD and VMA that hold @addr, if ntmm maps it; mmap_lock held. */
static struct ntmm_vad *ntmm_vad_at(struct ntmm_process *proc,
				      unsigned long addr,
				      struct vm_area_struct **vmap)
{
	const struct ntmm_range *r = ntmm_range_tree_find(&proc->vads, addr);
	struct ntmm_vad *vad = r ? r->owner : NULL;

	*vmap = vad ? ntmm_vad_vma(vad) : NULL;
	return *vmap ? vad : NULL;
}

/**
 * struct ntmm_span - the pages of one allocation a call's range covers.
 * @vad:	the allocation.
 * @vma:	its VMA.
 * @start:	the range rounded out to pages.
 * @end:	its end.
 * @first:	@start as a page index in @vad.
 * @last:	@end as a page index in @vad.
 */
struct ntmm_span {
	struct ntmm_vad *vad;
	struct vm_area_struct *vma;
	u64 start;
	u64 end;
	unsigned long first;
	unsigned long last;
};

static void ntmm_span_end(struct ntmm_process *proc)
{
	mmap_read_unlock(proc->mm);
	mutex_unlock(&proc->lock);
}

/*
 * Round [@address, @address + @length) out to pages and find the one
 * allocation holding it. On success, returns 0 with proc->lock and mmap_lock
 * (read) held until ntmm_span_end(); else the status to answer: @unmapped
 * if no allocation holds the start, @past_end if the range runs past it.
 */
static u32 ntmm_span_begin(struct ntmm_process *proc, u64 address, u64 length,
			    u32 unmapped, u32 past_end, struct ntmm_span *s)
{
	if (!nt_round_range(address, length, NT_PAGE_SIZE, &s->start, &s->end) ||
	    s->end - 1 > ntmm_user_max())
		return NTMM_STATUS_INVALID_PARAMETER;
	mutex_lock(&proc->lock);
	mmap_read_lock(proc->mm);
	s->vad = ntmm_vad_at(proc, s->start, &s->vma);
	if (!s->vad || s->end > s->vad->end) {
		ntmm_span_end(proc);
		return s->vad ? past_end : unmapped;
	}
	/* Large pages change whole, as on Windows. */
	if (s->vad->flags & NTMM_VAD_LARGE) {
		s->start = round_down(s->start, NT_LARGE_PAGE_SIZE);
		s->end = round_up(s->end, NT_LARGE_PAGE_SIZE);
	}
	s->first = (s->start - s->vad->start) >> PAGE_SHIFT;
	s->last = (s->end - s->vad->start) >> PAGE_SHIFT;
	return NTMM_STATUS_SUCCESS;
}

/* Drop the span's locks; on success, report the rounded range back. */
static u32 ntmm_span_done(struct ntmm_process *proc, const struct ntmm_span *s,
			   u32 status, u64 *address, u64 *length)
{
	ntmm_span_end(proc);
	if (!status) {
		*address = s->start;
		*length = s->end - s->start;
	}
	return status;
}

/* Where the module may place a new allocation. */
struct ntmm_where {
	unsigned long align;
	unsigned long lo;
	unsigned long hi;
};

/*
 * VirtualAlloc2's address requirements: a power-of-two alignment of at least
 * 64 KiB, a 64 KiB aligned lowest start and a highest last byte just under a
 * 64 KiB boundary, all for the module's choice only (no fixed address).
 */
static u32 ntmm_alloc_where(const struct ntmm_alloc *a, struct ntmm_where *w)
{
	w->align = a->alignment ? a->alignment : NT_GRANULARITY;
	w->lo = a->lowest ? a->lowest : ntmm_user_min();
	w->hi = a->highest ? a->highest + 1 : ntmm_user_max() + 1;
	if ((a->alignment || a->lowest || a->highest) && a->address)
		return NTMM_STATUS_INVALID_PARAMETER;
	if (!is_power_of_2(w->align) || w->align < NT_GRANULARITY ||
	    w->lo < ntmm_user_min() || !IS_ALIGNED(w->lo, NT_GRANULARITY) ||
	    w->hi - 1 > ntmm_user_max() || !IS_ALIGNED(w->hi, NT_GRANULARITY) ||
	    w->lo >= w->hi)
		return NTMM_STATUS_INVALID_PARAMETER;
	if (a->type & NT_MEM_LARGE_PAGES)
		w->align = max_t(unsigned long, w->align, NT_LARGE_PAGE_SIZE);
	return NTMM_STATUS_SUCCESS;
}

/* MEM_LARGE_PAGES: whole large pages, no modifiers, and the privilege. */
static u32 ntmm_check_large(const struct ntmm_alloc *a)
{
	if (a->protect & NT_PAGE_MODIFIERS)
		return NTMM_STATUS_INVALID_PAGE_PROTECTION;
	if (!IS_ALIGNED(a->address, NT_LARGE_PAGE_SIZE) ||
	    !IS_ALIGNED(a->length, NT_LARGE_PAGE_SIZE))
		return NTMM_STATUS_INVALID_PARAMETER;
	if (!ntmm_large_privileged())
		return NTMM_STATUS_PRIVILEGE_NOT_HELD;
	return NTMM_STATUS_SUCCESS;
}

/* Commit all of a fresh VAD as the allocation asks. */
static u32 ntmm_commit_fresh(struct ntmm_vad *vad, const struct ntmm_alloc *a)
{
	if (vad->flags & NTMM_VAD_LARGE)
		return ntmm_vad_commit_large(vad, a->protect);
	if (a->type & NT_MEM_COMMIT)
		return ntmm_vad_commit_new(vad, a->protect);
	return NTMM_STATUS_SUCCESS;
}

/* A new allocation: reserve, and commit too if asked. */
static u32 ntmm_reserve(struct file *file, struct ntmm_process *proc,
			 struct ntmm_alloc *a, int node)
{
	bool fixed = a->address != 0, top_down = a->type & NT_MEM_TOP_DOWN;
	u32 flags = a->type & NT_MEM_WRITE_WATCH ? NTMM_VAD_WRITE_WATCH : 0;
	u64 start = 0, end = 0, len;
	struct ntmm_where where;
	struct ntmm_vad *vad;
	unsigned long addr;
	int tries;
	u32 status;

	status = ntmm_alloc_where(a, &where);
	if (status)
		return status;
	if (a->type & NT_MEM_LARGE_PAGES) {
		status = ntmm_check_large(a);
		if (status)
			return status;
		flags |= NTMM_VAD_LARGE;
	}
	if (fixed) {
		if (!nt_round_range(a->address, a->length, NT_GRANULARITY, &start, &end) ||
		    start < ntmm_user_min() || end - 1 > ntmm_user_max())
			return NTMM_STATUS_INVALID_PARAMETER;
		len = end - start;
	} else {
		if (a->length > ntmm_user_max() - ntmm_user_min())
			return NTMM_STATUS_NO_MEMORY;
		len = PAGE_ALIGN(a->length);
	}

	mutex_lock(&proc->lock);
	for (tries = 0;; tries++) {
		if (!fixed) {
			start = ntmm_place(proc, len, top_down, where.align, where.lo, where.hi);
			if (!start) {
				status = NTMM_STATUS_NO_MEMORY;
				goto out_unlock;
			}
		}
		vad = ntmm_vad_create(proc, start, start + len, a->protect, flags, node);
		if (!vad) {
			status = NTMM_STATUS_NO_MEMORY;
			goto out_unlock;
		}
		status = ntmm_commit_fresh(vad, a);
		if (status) {
			ntmm_vad_destroy(vad);
			goto out_unlock;
		}
		/* ntmm_vad_mmap() adopts the VAD for this thread's mmap only. */
		WRITE_ONCE(proc->mmap_task, current);
		WRITE_ONCE(proc->mmap_vad, vad);
		addr = vm_mmap(file, start, len, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_FIXED_NOREPLACE, 0);
		if (!IS_ERR_VALUE(addr))
			break;
		/* Not adopted: still ours. Adopted and failed: the VMA's close freed it. */
		if (READ_ONCE(proc->mmap_vad))
			ntmm_vad_destroy(vad);
		WRITE_ONCE(proc->mmap_vad, NULL);
		if (addr == -EEXIST && !fixed && tries < NTMM_PLACE_TRIES)
			continue;	/* another thread mapped there meanwhile */
		status = addr == -EEXIST ? NTMM_STATUS_CONFLICTING_ADDRESSES :
					   NTMM_STATUS_NO_MEMORY;
		goto out_unlock;
	}
	a->address = start;
	a->length = len;
	status = NTMM_STATUS_SUCCESS;
out_unlock:
	WRITE_ONCE(proc->mmap_task, NULL);
	mutex_unlock(&proc->lock);
	return status;
}

/*
 * MEM_COMMIT inside an existing reservation. A preferred node given now
 * applies to every page of the allocation not yet backed.
 */
static u32 ntmm_commit_existing(struct ntmm_process *proc, struct ntmm_alloc *a,
				 int node)
{
	struct ntmm_span s;
	u32 status;

	if (a->alignment || a->lowest || a->highest)
		return NTMM_STATUS_INVALID_PARAMETER;
	status = ntmm_span_begin(proc, a->address, a->length,
				  NTMM_STATUS_CONFLICTING_ADDRESSES,
				  NTMM_STATUS_CONFLICTING_ADDRESSES, &s);
	if (status)
		return status;
	if ((s.vad->flags & NTMM_VAD_LARGE) && (a->protect & NT_PAGE_MODIFIERS))
		return ntmm_span_done(proc, &s, NTMM_STATUS_INVALID_PAGE_PROTECTION,
				       &a->address, &a->length);
	if (node != NUMA_NO_NODE)
		WRITE_ONCE(s.vad->node, node);
	status = ntmm_vad_commit(s.vad, s.vma, s.first, s.last, a->protect);
	return ntmm_span_done(proc, &s, status, &a->address, &a->length);
}

/* MEM_RESET (contents may go) or MEM_RESET_UNDO (contents wanted back). */
static u32 ntmm_reset(struct ntmm_process *proc, struct ntmm_alloc *a)
{
	struct ntmm_span s;
	u32 status;

	status = ntmm_span_begin(proc, a->address, a->length,
				  NTMM_STATUS_CONFLICTING_ADDRESSES,
				  NTMM_STATUS_CONFLICTING_ADDRESSES, &s);
	if (status)
		return status;
	if (a->type & NT_MEM_RESET_UNDO) {
		status = ntmm_vad_reset_undo(s.vad, s.first, s.last);
	} else {
		ntmm_vad_reset(s.vad, s.vma, s.first, s.last);
		status = NTMM_STATUS_SUCCESS;
	}
	return ntmm_span_done(proc, &s, status, &a->address, &a->length);
}

/* The preferred node asked for: an online node, or NUMA_NO_NODE. */
static u32 ntmm_alloc_node(const struct ntmm_alloc *a, int *node)
{
	*node = NUMA_NO_NODE;
	if (a->flags & ~NTMM_ALLOC_NODE)
		return NTMM_STATUS_INVALID_PARAMETER;
	if (!(a->flags & NTMM_ALLOC_NODE))
		return NTMM_STATUS_SUCCESS;
	if (a->node >= MAX_NUMNODES || !node_online(a->node))
		return NTMM_STATUS_INVALID_PARAMETER;
	*node = a->node;
	return NTMM_STATUS_SUCCESS;
}

static u32 ntmm_allocate(struct file *file, struct ntmm_process *proc,
			  struct ntmm_alloc *a)
{
	u32 status;
	int node;

	/* AWE (MEM_PHYSICAL without large pages) is not in ntmm. */
	if ((a->type & NT_MEM_PHYSICAL) && !(a->type & NT_MEM_LARGE_PAGES))
		return NTMM_STATUS_NOT_IMPLEMENTED;
	status = nt_check_alloc_type(a->type, a->address);
	if (status)
		return status;
	status = ntmm_alloc_node(a, &node);
	if (status)
		return status;
	status = nt_check_private_protect(a->protect);
	if (status)
		return status;
	if (!a->length || a->address > ntmm_user_max())
		return NTMM_STATUS_INVALID_PARAMETER;
	if (a->type & (NT_MEM_RESET | NT_MEM_RESET_UNDO))
		return ntmm_reset(proc, a);
	/* MEM_COMMIT with no address reserves too, as on Windows. */
	if ((a->type & NT_MEM_RESERVE) || !a->address)
		return ntmm_reserve(file, proc, a, node);
	return ntmm_commit_existing(proc, a, node);
}

/**
 * ntmm_ioctl_allocate() - NTMM_IOC_ALLOCATE.
 * @file: the process's /dev/ntmm, which new VMAs map.
 * @proc: its context.
 * @arg: the user's struct ntmm_alloc.
 *
 * Return: 0 (outcome in status), or the copy's error.
 */
long ntmm_ioctl_allocate(struct file *file, struct ntmm_process *proc,
			  void __user *arg)
{
	struct ntmm_alloc a;
	int ret;

	ret = ntmm_copy_struct_in(&a, sizeof(a), NTMM_ALLOC_SIZE_VER0, arg);
	if (ret)
		return ret;
	a.status = ntmm_allocate(file, proc, &a);
	return ntmm_copy_struct_out(arg, &a, sizeof(a));
}

static u32 ntmm_free(struct ntmm_process *proc, struct ntmm_free *f)
{
	unsigned long addr = f->address & PAGE_MASK;
	struct vm_area_struct *vma;
	struct ntmm_vad *vad;
	u64 start, end;
	u32 status;

	status = nt_check_free_type(f->type, f->length);
	if (status)
		return status;
	if (f->address > ntmm_user_max())
		return NTMM_STATUS_INVALID_PARAMETER;

	mutex_lock(&proc->lock);
	mmap_read_lock(proc->mm);
	vad = ntmm_vad_at(proc, addr, &vma);
	if (!vad) {
		status = NTMM_STATUS_MEMORY_NOT_ALLOCATED;
		goto out_unlock;
	}
	start = vad->start;
	end = vad->end;
	if (f->type == NT_MEM_RELEASE || !f->length) {
		/* The whole allocation, named by an address in its first page. */
		if (addr != vad->start) {
			status = NTMM_STATUS_FREE_VM_NOT_AT_BASE;
			goto out_unlock;
		}
	} else if (!nt_round_range(f->address, f->length, NT_PAGE_SIZE, &start, &end) ||
		   end > vad->end) {
		status = NTMM_STATUS_UNABLE_TO_FREE_VM;
		goto out_unlock;
	}
	if (f->type == NT_MEM_RELEASE) {
		mmap_read_unlock(proc->mm);
		/* The VMA's close frees the VAD, its frames and its charge. */
		vm_munmap(start, end - start);
		mutex_unlock(&proc->lock);
		goto out_done;
	}
	/* Large pages are committed and released whole, never paged or trimmed. */
	if (vad->flags & NTMM_VAD_LARGE) {
		status = NTMM_STATUS_INVALID_PARAMETER;
		goto out_unlock;
	}
	ntmm_vad_decommit(vad, vma, (start - vad->start) >> PAGE_SHIFT,
			   (end - vad->start) >> PAGE_SHIFT);
	mmap_read_unlock(proc->mm);
	mutex_unlock(&proc->lock);
out_done:
	f->address = start;
	f->length = end - start;
	return NTMM_STATUS_SUCCESS;

out_unlock:
	mmap_read_unlock(proc->mm);
	mutex_unlock(&proc->lock);
	return status;
}

/**
 * ntmm_ioctl_free() - NTMM_IOC_FREE.
 * @proc: the context.
 * @arg: the user's struct ntmm_free.
 *
 * Return: 0 (outcome in status), -EINVAL for non-zero padding, or the
 * copy's error.
 */
long ntmm_ioctl_free(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_free f;
	int ret;

	ret = ntmm_copy_struct_in(&f, sizeof(f), NTMM_FREE_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (f.__pad0)
		return -EINVAL;
	f.status = ntmm_free(proc, &f);
	return ntmm_copy_struct_out(arg, &f, sizeof(f));
}

static u32 ntmm_protect(struct ntmm_process *proc, struct ntmm_protect *p)
{
	struct ntmm_span s;
	u32 status;

	status = nt_check_private_protect(p->protect);
	if (status)
		return status;
	status = ntmm_span_begin(proc, p->address, p->length,
				  NTMM_STATUS_MEMORY_NOT_ALLOCATED,
				  NTMM_STATUS_NOT_COMMITTED, &s);
	if (status)
		return status;
	if ((s.vad->flags & NTMM_VAD_LARGE) && (p->protect & NT_PAGE_MODIFIERS))
		status = NTMM_STATUS_INVALID_PAGE_PROTECTION;
	else
		status = ntmm_vad_protect(s.vad, s.vma, s.first, s.last, p->protect,
					   &p->old_protect);
	return ntmm_span_done(proc, &s, status, &p->address, &p->length);
}

/**
 * ntmm_ioctl_protect() - NTMM_IOC_PROTECT.
 * @proc: the context.
 * @arg: the user's struct ntmm_protect.
 *
 * Return: 0 (outcome in status), or the copy's error.
 */
long ntmm_ioctl_protect(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_protect p;
	int ret;

	ret = ntmm_copy_struct_in(&p, sizeof(p), NTMM_PROTECT_SIZE_VER0, arg);
	if (ret)
		return ret;
	p.old_protect = 0;
	p.status = ntmm_protect(proc, &p);
	return ntmm_copy_struct_out(arg, &p, sizeof(p));
}

/* A mapping Linux made (program, libraries, stacks), as Windows would show it. */
static void ntmm_query_foreign(struct vm_area_struct *vma, struct ntmm_query *q)
{
	static const u32 prot[8] = {
		[0] = 0,
		[VM_READ] = NT_PAGE_READONLY,
		[VM_WRITE] = NT_PAGE_READWRITE,
		[VM_READ | VM_WRITE] = NT_PAGE_READWRITE,
		[VM_EXEC] = NT_PAGE_EXECUTE,
		[VM_EXEC | VM_READ] = NT_PAGE_EXECUTE_READ,
		[VM_EXEC | VM_WRITE] = NT_PAGE_EXECUTE_READWRITE,
		[VM_EXEC | VM_READ | VM_WRITE] = NT_PAGE_EXECUTE_READWRITE,
	};
	u32 p = prot[vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)];

	q->allocation_base = vma->vm_start;
	q->allocation_protect = p ? p : NT_PAGE_NOACCESS;
	q->region_size = vma->vm_end - q->base_address;
	/* An inaccessible mapping is address space held, not memory. */
	q->state = p ? NT_MEM_COMMIT : NT_MEM_RESERVE;
	q->protect = p;
	q->type = vma->vm_file ? NT_MEM_MAPPED : NT_MEM_PRIVATE;
}

static u32 ntmm_query(struct ntmm_process *proc, struct ntmm_query *q)
{
	const struct ntmm_range *r;
	struct vm_area_struct *vma;
	unsigned long pages;

	if (q->address > ntmm_user_max())
		return NTMM_STATUS_INVALID_PARAMETER;
	q->base_address = q->address & PAGE_MASK;

	/* ntmm's own memory: RCU only, no lock of the process. */
	rcu_read_lock();
	r = ntmm_range_tree_find(&proc->vads, q->base_address);
	if (r) {
		struct ntmm_vad *vad = r->owner;

		ntmm_vad_query(vad, (q->base_address - vad->start) >> PAGE_SHIFT,
				&q->state, &q->protect, &pages);
		q->allocation_base = vad->start;
		q->allocation_protect = vad->alloc_protect;
		q->region_size = pages << PAGE_SHIFT;
		q->type = NT_MEM_PRIVATE;
		rcu_read_unlock();
		return NTMM_STATUS_SUCCESS;
	}
	rcu_read_unlock();

	mmap_read_lock(proc->mm);
	vma = find_vma(proc->mm, q->base_address);
	if (vma && vma->vm_start <= q->base_address) {
		ntmm_query_foreign(vma, q);
	} else {
		q->allocation_base = 0;
		q->allocation_protect = 0;
		q->region_size = (vma ? min(vma->vm_start, ntmm_user_max() + 1) :
				  ntmm_user_max() + 1) - q->base_address;
		q->state = NT_MEM_FREE;
		q->protect = NT_PAGE_NOACCESS;
		q->type = 0;
	}
	mmap_read_unlock(proc->mm);
	return NTMM_STATUS_SUCCESS;
}

/**
 * ntmm_ioctl_query() - NTMM_IOC_QUERY.
 * @proc: the context.
 * @arg: the user's struct ntmm_query.
 *
 * Return: 0 (outcome in status), or the copy's error.
 */
long ntmm_ioctl_query(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_query q;
	int ret;

	ret = ntmm_copy_struct_in(&q, sizeof(q), NTMM_QUERY_SIZE_VER0, arg);
	if (ret)
		return ret;
	q.status = ntmm_query(proc, &q);
	return ntmm_copy_struct_out(arg, &q, sizeof(q));
}

/**
 * ntmm_ioctl_memory_status() - NTMM_IOC_MEMORY_STATUS.
 * @proc: the context.
 * @arg: the user's struct ntmm_memory_status.
 *
 * Return: 0, or the copy's error.
 */
long ntmm_ioctl_memory_status(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_memory_status m;
	int ret;

	ret = ntmm_copy_struct_in(&m, sizeof(m), NTMM_MEMORY_STATUS_SIZE_VER0, arg);
	if (ret)
		return ret;
	m.status = NTMM_STATUS_SUCCESS;
	m.commit_limit = (u64)ntmm_commit_limit() << PAGE_SHIFT;
	m.commit_total = (u64)ntmm_commit_total() << PAGE_SHIFT;
	m.process_commit = (u64)atomic_long_read(&proc->commit) << PAGE_SHIFT;
	m.total_phys = (u64)totalram_pages() << PAGE_SHIFT;
	m.avail_phys = (u64)si_mem_available() << PAGE_SHIFT;
	return ntmm_copy_struct_out(arg, &m, sizeof(m));
}

static u32 ntmm_lock_pages(struct ntmm_process *proc, struct ntmm_lock *l)
{
	struct ntmm_span s;
	u32 status;

	status = ntmm_span_begin(proc, l->address, l->length, NTMM_STATUS_NOT_COMMITTED,
				  NTMM_STATUS_NOT_COMMITTED, &s);
	if (status)
		return status;
	status = ntmm_vad_lock(s.vad, s.first, s.last, l->op == NTMM_LOCK_PAGES);
	return ntmm_span_done(proc, &s, status, &l->address, &l->length);
}

/**
 * ntmm_ioctl_lock() - NTMM_IOC_LOCK.
 * @proc: the context.
 * @arg: the user's struct ntmm_lock.
 *
 * Return: 0 (outcome in status), -EINVAL for an unknown op or non-zero
 * padding, or the copy's error.
 */
long ntmm_ioctl_lock(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_lock l;
	int ret;

	ret = ntmm_copy_struct_in(&l, sizeof(l), NTMM_LOCK_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (l.__pad0 || l.op > NTMM_UNLOCK_PAGES)
		return -EINVAL;
	l.status = ntmm_lock_pages(proc, &l);
	return ntmm_copy_struct_out(arg, &l, sizeof(l));
}

/* Written pages found per pass, gathered under the VAD's lock, copied out after. */
#define WW_CHUNK	256

static int ntmm_write_watch(struct ntmm_process *proc, struct ntmm_write_watch *w,
			     u32 *status)
{
	bool reset_only = w->flags & NTMM_WRITE_WATCH_RESET_ONLY;
	u64 __user *out = u64_to_user_ptr(w->addresses);
	unsigned long *found, idx, last, n, i;
	u64 start, end, done = 0, buf[WW_CHUNK / 4];
	struct vm_area_struct *vma;
	struct ntmm_vad *vad;
	int ret = 0;

	*status = NTMM_STATUS_INVALID_PARAMETER;
	if ((w->flags & ~(NTMM_WRITE_WATCH_RESET | NTMM_WRITE_WATCH_RESET_ONLY)) ||
	    (reset_only && (w->flags & NTMM_WRITE_WATCH_RESET)) ||
	    !nt_round_range(w->address, w->length, NT_PAGE_SIZE, &start, &end) ||
	    end - 1 > ntmm_user_max() ||
	    (!reset_only && (!w->count || w->count > ULONG_MAX / sizeof(u64))))
		return 0;
	/* A bad buffer fails before anything is reset. */
	if (!reset_only && clear_user(out, w->count * sizeof(u64)))
		return -EFAULT;
	found = kmalloc_array(WW_CHUNK, sizeof(*found), GFP_KERNEL);
	if (!found)
		return -ENOMEM;

	mutex_lock(&proc->lock);
	for (idx = 0;;) {
		mmap_read_lock(proc->mm);
		vad = ntmm_vad_at(proc, start, &vma);
		if (!vad || end > vad->end || !(vad->flags & NTMM_VAD_WRITE_WATCH)) {
			mmap_read_unlock(proc->mm);
			break;	/* STATUS_INVALID_PARAMETER, as Windows */
		}
		if (!idx)
			idx = (start - vad->start) >> PAGE_SHIFT;
		last = (end - vad->start) >> PAGE_SHIFT;
		if (reset_only) {
			ntmm_vad_reset_watch(vad, vma, idx, last);
			mmap_read_unlock(proc->mm);
			*status = NTMM_STATUS_SUCCESS;
			break;
		}
		n = ntmm_vad_write_watch(vad, vma, &idx, last,
					  w->flags & NTMM_WRITE_WATCH_RESET, found,
					  min_t(u64, WW_CHUNK, w->count - done));
		start = vad->start;
		mmap_read_unlock(proc->mm);
		/* Copy out with no lock held: the buffer may be ntmm memory. */
		for (i = 0; i < n && !ret; i += ARRAY_SIZE(buf)) {
			unsigned long j, k = min_t(unsigned long, n - i, ARRAY_SIZE(buf));

			for (j = 0; j < k; j++)
				buf[j] = start + (found[i + j] << PAGE_SHIFT);
			if (copy_to_user(out + done + i, buf, k * sizeof(u64)))
				ret = -EFAULT;
		}
		done += n;
		if (ret || idx >= last || done == w->count) {
			*status = NTMM_STATUS_SUCCESS;
			break;
		}
		start = start + (idx << PAGE_SHIFT);
		end = start + ((last - idx) << PAGE_SHIFT);
		idx = 0;
	}
	mutex_unlock(&proc->lock);
	kfree(found);
	w->count = done;
	return ret;
}

/**
 * ntmm_ioctl_write_watch() - NTMM_IOC_WRITE_WATCH.
 * @proc: the context.
 * @arg: the user's struct ntmm_write_watch.
 *
 * Return: 0 (outcome in status), -EINVAL for non-zero padding, -EFAULT for
 * a bad address array, -ENOMEM.
 */
long ntmm_ioctl_write_watch(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_write_watch w;
	int ret;

	ret = ntmm_copy_struct_in(&w, sizeof(w), NTMM_WRITE_WATCH_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (w.__pad0)
		return -EINVAL;
	ret = ntmm_write_watch(proc, &w, &w.status);
	if (ret)
		return ret;
	return ntmm_copy_struct_out(arg, &w, sizeof(w));
}
