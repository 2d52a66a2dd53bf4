// SPDX-License-Identifier: GPL-2.0
/*
 * The NT virtual-memory calls on private memory: NtAllocateVirtualMemory,
 * NtFreeVirtualMemory, NtProtectVirtualMemory, NtQueryVirtualMemory,
 * NtLockVirtualMemory, NtGetWriteWatch, and the commit totals
 * GlobalMemoryStatusEx reports. Each takes the kernel's copy of its ioctl
 * struct (ioctl.c reads and writes the caller's), checks its arguments with
 * NT's rules (nt_rules.c) and answers with NT's status.
 *
 * Calls are serialized by the context's lock. Those that act on VADs hold
 * mmap_lock for read, so that no region is unmapped under them; only a
 * call that needs a new region, or a region of another kind for some
 * pages, takes it for write (inside vm_mmap()), with no VAD in hand.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/log2.h>
#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/nodemask.h>
#include <linux/ntmm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "../process.h"
#include "commit.h"
#include "large.h"
#include "mm_run.h"
#include "nt_rules.h"
#include "placeholder.h"
#include "placement.h"
#include "region.h"
#include "reset.h"
#include "space.h"
#include "vad.h"
#include "view.h"
#include "virtual.h"

/* Allocations lost to a racing mmap before one sticks. */
#define NTMM_PLACE_TRIES	8

/*
 * Regions made for small allocations are this big; an allocation of more
 * than half of it gets a region of its own, which its release unmaps, page
 * tables and all.
 */
#define NTMM_REGION_SIZE	(64UL << 20)

/**
 * struct ntmm_span - the pages of one allocation a call's range covers.
 * @vad:	the allocation, with a reference.
 * @start:	the range rounded out to pages.
 * @end:	its end.
 * @first:	@start as a page index in @vad.
 * @last:	@end as a page index in @vad.
 */
struct ntmm_span {
	struct ntmm_vad *vad;
	u64 start;
	u64 end;
	unsigned long first;
	unsigned long last;
};

static void ntmm_span_end(struct ntmm_process *proc, struct ntmm_span *s)
{
	if (s->vad)
		ntmm_vad_put(s->vad);
	mmap_read_unlock(proc->mm);
	mutex_unlock(&proc->lock);
}

/*
 * Round [@address, @address + @length) out to pages and find the one
 * allocation holding it. On success, returns STATUS_SUCCESS with
 * proc->lock and mmap_lock (read) held until ntmm_span_end(); else the
 * status to answer: @unmapped if no allocation holds the start,
 * @past_end if the range runs past it.
 */
static ntstatus_t ntmm_span_begin(struct ntmm_process *proc, u64 address, u64 length,
				  ntstatus_t unmapped, ntstatus_t past_end, struct ntmm_span *s)
{
	if (!nt_round_range(address, length, NT_PAGE_SIZE, &s->start, &s->end) ||
	    s->end - 1 > ntmm_user_max())
		return STATUS_INVALID_PARAMETER;
	mutex_lock(&proc->lock);
	mmap_read_lock(proc->mm);
	s->vad = ntmm_vad_get(proc, s->start);
	if (!s->vad || s->end > s->vad->end) {
		ntstatus_t status = s->vad ? past_end : unmapped;

		ntmm_span_end(proc, s);
		return status;
	}
	/* Large pages change whole, as on Windows. */
	if (s->vad->flags & NTMM_VAD_LARGE) {
		s->start = round_down(s->start, NT_LARGE_PAGE_SIZE);
		s->end = round_up(s->end, NT_LARGE_PAGE_SIZE);
	}
	s->first = ntmm_vad_index(s->vad, s->start);
	s->last = ntmm_vad_index(s->vad, s->end);
	return STATUS_SUCCESS;
}

/* Drop the span's locks; on success, report the rounded range back. */
static ntstatus_t ntmm_span_done(struct ntmm_process *proc, struct ntmm_span *s,
				 ntstatus_t status, u64 *address, u64 *length)
{
	if (!status) {
		*address = s->start;
		*length = s->end - s->start;
	}
	ntmm_span_end(proc, s);
	return status;
}

/*
 * The protection pages of the span take for @protect, a valid private one:
 * the allocation's caching modifier, if it has one (item 45), and no
 * modifier at all on large pages.
 */
static ntstatus_t ntmm_span_protection(const struct ntmm_span *s, u32 protect, u32 *stored)
{
	if ((s->vad->flags & NTMM_VAD_LARGE) && (protect & NT_PAGE_MODIFIERS))
		return STATUS_INVALID_PAGE_PROTECTION;
	*stored = nt_protect_keep_caching(protect, s->vad->alloc_protect);
	return STATUS_SUCCESS;
}

/* The region pages of protection @protect want, in a VAD with @flags. */
static enum ntmm_region_kind ntmm_kind_for(u32 protect, u32 flags)
{
	unsigned int access = nt_protect_access(protect);

	if (!(flags & NTMM_VAD_LARGE))
		return access & NT_ACCESS_EXECUTE ? NTMM_REGION_CODE : NTMM_REGION_DATA;
	if (!access)
		return NTMM_REGION_LARGE_NONE;
	if (access & NT_ACCESS_EXECUTE)
		return access & NT_ACCESS_WRITE ? NTMM_REGION_LARGE_RWX : NTMM_REGION_LARGE_RX;
	return access & NT_ACCESS_WRITE ? NTMM_REGION_LARGE_RW : NTMM_REGION_LARGE_R;
}

/*
 * Make the region pieces of the span's pages [@start, @end) right for
 * @protect, before the pages take it: execution is the VMA's (region.c).
 * Called with the span's locks held; they are dropped and taken again
 * around the re-windowing, which needs mmap_lock for write. A page that
 * cannot execute either way (no access) goes where it is.
 *
 * Return: STATUS_SUCCESS with the locks held, or a failure with them
 * dropped (the VAD may be gone meanwhile: STATUS_MEMORY_NOT_ALLOCATED).
 */
static ntstatus_t ntmm_span_rewindow(struct file *file, struct ntmm_process *proc,
				     struct ntmm_span *s, u32 protect)
{
	enum ntmm_region_kind kind = ntmm_kind_for(protect, s->vad->flags);
	ntstatus_t status;

	if (!(s->vad->flags & NTMM_VAD_LARGE) && !nt_protect_access(protect))
		return STATUS_SUCCESS;
	mmap_read_unlock(proc->mm);
	status = ntmm_region_rewindow(file, proc, s->start, s->end, kind);
	mmap_read_lock(proc->mm);
	/* The region may have been unmapped meanwhile, and the VAD with it. */
	if (!status && s->vad->dead)
		status = STATUS_MEMORY_NOT_ALLOCATED;
	if (status)
		ntmm_span_end(proc, s);
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
static ntstatus_t ntmm_alloc_where(const struct ntmm_alloc *a, struct ntmm_where *w)
{
	w->align = a->alignment ? a->alignment : NT_GRANULARITY;
	w->lo = a->lowest ? a->lowest : ntmm_user_min();
	w->hi = a->highest ? a->highest + 1 : ntmm_user_max() + 1;
	if ((a->alignment || a->lowest || a->highest) && a->address)
		return STATUS_INVALID_PARAMETER;
	if (!is_power_of_2(w->align) || w->align < NT_GRANULARITY ||
	    w->lo < ntmm_user_min() || !IS_ALIGNED(w->lo, NT_GRANULARITY) ||
	    w->hi - 1 > ntmm_user_max() || !IS_ALIGNED(w->hi, NT_GRANULARITY) ||
	    w->lo >= w->hi)
		return STATUS_INVALID_PARAMETER;
	if (a->type & NTMM_MEM_LARGE_PAGES)
		w->align = max_t(unsigned long, w->align, NT_LARGE_PAGE_SIZE);
	return STATUS_SUCCESS;
}

/* MEM_LARGE_PAGES: whole large pages, no modifiers, and the privilege. */
static ntstatus_t ntmm_check_large(const struct ntmm_alloc *a)
{
	if (a->protect & NT_PAGE_MODIFIERS)
		return STATUS_INVALID_PAGE_PROTECTION;
	if (!IS_ALIGNED(a->address, NT_LARGE_PAGE_SIZE) ||
	    !IS_ALIGNED(a->length, NT_LARGE_PAGE_SIZE))
		return STATUS_INVALID_PARAMETER;
	if (!ntmm_large_privileged())
		return STATUS_PRIVILEGE_NOT_HELD;
	return STATUS_SUCCESS;
}

/*
 * Commit all of a VAD fresh from ntmm_vad_create(), as the allocation asks:
 * large pages with their folios now, as Windows backs them at once.
 */
static ntstatus_t ntmm_commit_fresh(struct ntmm_vad *vad, const struct ntmm_alloc *a)
{
	unsigned long pages = ntmm_vad_pages(vad), i, n = pages / NTMM_LARGE_NR;
	ntstatus_t status;

	if (!(a->type & NTMM_MEM_COMMIT))
		return STATUS_SUCCESS;
	if (!(vad->flags & NTMM_VAD_LARGE))
		return ntmm_vad_commit(vad, 0, pages, a->protect);
	vad->large = kcalloc(n, sizeof(*vad->large), GFP_KERNEL_ACCOUNT);
	if (!vad->large)
		return STATUS_NO_MEMORY;
	for (i = 0; i < n; i++) {
		vad->large[i] = ntmm_large_alloc(vad->node);
		if (!vad->large[i]) {
			status = STATUS_INSUFFICIENT_RESOURCES;
			goto err_free;
		}
	}
	status = ntmm_vad_commit(vad, 0, pages, a->protect);
	if (!status)
		return STATUS_SUCCESS;
err_free:
	/* Back to nothing held: the VAD was never in the tree. */
	while (i--)
		ntmm_large_free(vad->large[i]);
	kfree(vad->large);
	vad->large = NULL;
	return status;
}

/*
 * Room for @len bytes in the regions of @kind, where Windows would look:
 * above the randomized base (bottom-up) or anywhere (top-down), then
 * anywhere allowed. 2 MiB or more goes on a 2 MiB boundary if it can, so
 * that its whole blocks may have 2 MiB folios (region.c).
 */
static unsigned long ntmm_reserve_in_regions(struct ntmm_process *proc, unsigned long len,
					     bool top_down, enum ntmm_region_kind kind,
					     const struct ntmm_where *w)
{
	unsigned long lo = top_down ? w->lo : max(w->lo, proc->bottom_up_base), addr = 0;
	unsigned long align = w->align;

	mmap_read_lock(proc->mm);
	if (len >= NT_LARGE_PAGE_SIZE)
		align = max_t(unsigned long, align, NT_LARGE_PAGE_SIZE);
	for (;;) {
		addr = ntmm_region_place(proc, len, top_down, align, lo, w->hi, kind);
		if (!addr && lo != w->lo)
			addr = ntmm_region_place(proc, len, top_down, align, w->lo, w->hi, kind);
		if (addr || align == w->align)
			break;
		align = w->align;
	}
	mmap_read_unlock(proc->mm);
	return addr;
}

/*
 * Is @a, where a new allocation could go, a better place than @b? As
 * Windows searches: bottom-up from the randomized base, then below it;
 * top-down from the top. 0 is no place at all.
 */
static bool ntmm_reserve_better(struct ntmm_process *proc, bool top_down, unsigned long a,
				unsigned long b)
{
	bool a_above, b_above;

	if (!a || !b)
		return a;
	if (top_down)
		return a > b;
	a_above = a >= proc->bottom_up_base;
	b_above = b >= proc->bottom_up_base;
	if (a_above != b_above)
		return a_above;
	return a < b;
}

/*
 * Where a new allocation of @len bytes goes: room in an existing region of
 * @kind, or a new region (one made for small allocations, or one of its
 * own for a big one), whichever Windows' search order would reach first.
 * The caller holds proc->lock and no mmap_lock.
 */
static ntstatus_t ntmm_reserve_place(struct file *file, struct ntmm_process *proc,
				     unsigned long len, bool top_down, enum ntmm_region_kind kind,
				     const struct ntmm_where *w, unsigned long *start)
{
	unsigned long region, addr = 0, fresh, fresh_start = 0;
	ntstatus_t status;

	if (!ntmm_region_large(kind))
		addr = ntmm_reserve_in_regions(proc, len, top_down, kind, w);
	region = ntmm_region_large(kind) || len > NTMM_REGION_SIZE / 2 ? len : NTMM_REGION_SIZE;
	fresh = ntmm_place(proc, region, top_down, w->align, w->lo, w->hi);
	if (fresh) {
		fresh_start = fresh;
		if (top_down) {
			fresh_start = round_down(fresh + region - len, NT_LARGE_PAGE_SIZE);
			if (fresh_start < fresh || len < NT_LARGE_PAGE_SIZE)
				fresh_start = round_down(fresh + region - len, w->align);
		}
	}
	if (!ntmm_reserve_better(proc, top_down, fresh_start, addr)) {
		*start = addr;
		return addr ? STATUS_SUCCESS : STATUS_NO_MEMORY;
	}
	status = ntmm_region_make(file, proc, fresh, fresh + region, kind);
	if (!status)
		*start = fresh_start;
	return status;
}

/* A new allocation: reserve, and commit too if asked. */
static ntstatus_t ntmm_reserve(struct file *file, struct ntmm_process *proc,
			       struct ntmm_alloc *a, int node)
{
	bool fixed = a->address != 0, top_down = a->type & NTMM_MEM_TOP_DOWN;
	bool replace = a->type & NTMM_MEM_REPLACE_PLACEHOLDER;
	u32 flags = a->type & NTMM_MEM_WRITE_WATCH ? NTMM_VAD_WRITE_WATCH : 0;
	u64 start = 0, end = 0, len;
	enum ntmm_region_kind kind;
	struct ntmm_vad *vad = NULL;
	struct ntmm_where where;
	unsigned long addr;
	ntstatus_t status;
	int tries;

	status = ntmm_alloc_where(a, &where);
	if (status)
		return status;
	if (a->type & NTMM_MEM_LARGE_PAGES) {
		status = ntmm_check_large(a);
		if (status)
			return status;
		flags |= NTMM_VAD_LARGE;
	}
	if (a->type & NTMM_MEM_RESERVE_PLACEHOLDER) {
		if (a->protect != NTMM_PAGE_NOACCESS)
			return STATUS_INVALID_PAGE_PROTECTION;
		flags |= NTMM_VAD_PLACEHOLDER;
	}
	if (replace)
		flags |= NTMM_VAD_REPLACED;
	if (fixed) {
		/* A placeholder may start at any page (item 40). */
		if (!nt_round_range(a->address, a->length, replace ? NT_PAGE_SIZE : NT_GRANULARITY,
				    &start, &end) ||
		    start < ntmm_user_min() || end - 1 > ntmm_user_max())
			return STATUS_INVALID_PARAMETER;
		len = end - start;
	} else {
		if (a->length > ntmm_user_max() - ntmm_user_min())
			return STATUS_NO_MEMORY;
		len = PAGE_ALIGN(a->length);
	}
	/* A reservation that is not committed can execute later: a data region will do. */
	kind = ntmm_kind_for(a->type & NTMM_MEM_COMMIT ? a->protect : NTMM_PAGE_READWRITE, flags);

	mutex_lock(&proc->lock);
	/* MEM_REPLACE_PLACEHOLDER: the placeholder spanning it goes, or comes back. */
	if (replace) {
		status = ntmm_placeholder_take(proc, start, start + len);
		if (status)
			goto out_unlock;
	}
	for (tries = 0;; tries++) {
		if (fixed)
			status = ntmm_region_prepare(file, proc, start, start + len, kind);
		else
			status = ntmm_reserve_place(file, proc, len, top_down, kind, &where, &addr);
		if (!status) {
			if (!fixed)
				start = addr;
			vad = ntmm_vad_create(proc, start, start + len, a->protect, flags, node);
			status = vad ? ntmm_commit_fresh(vad, a) : STATUS_NO_MEMORY;
		}
		if (!status) {
			mmap_read_lock(proc->mm);
			/* A munmap may have taken the region meanwhile. */
			if (!ntmm_region_covers(proc, start, start + len, kind))
				status = STATUS_CONFLICTING_ADDRESSES;
			else
				status = ntmm_vad_insert(vad);
			mmap_read_unlock(proc->mm);
			if (!status)
				break;
		}
		if (vad)
			ntmm_vad_discard(vad);
		vad = NULL;
		/* Another thread mapped there meanwhile: look again. */
		if (status != STATUS_CONFLICTING_ADDRESSES || fixed || tries >= NTMM_PLACE_TRIES) {
			if (replace)
				ntmm_placeholder_put(proc, start, start + len);
			goto out_unlock;
		}
	}
	a->address = start;
	a->length = len;
out_unlock:
	mutex_unlock(&proc->lock);
	return status;
}

/*
 * MEM_COMMIT inside an existing reservation. A preferred node given now
 * applies to every page of the allocation not yet backed.
 */
static ntstatus_t ntmm_commit_existing(struct file *file, struct ntmm_process *proc,
				       struct ntmm_alloc *a, int node)
{
	struct ntmm_span s;
	ntstatus_t status;
	u32 protect;

	if (a->alignment || a->lowest || a->highest)
		return STATUS_INVALID_PARAMETER;
	status = ntmm_span_begin(proc, a->address, a->length,
				 STATUS_CONFLICTING_ADDRESSES,
				 STATUS_CONFLICTING_ADDRESSES, &s);
	if (status)
		return status;
	if (s.vad->flags & NTMM_VAD_VIEW) {
		status = ntmm_view_prepare(s.vad, a->protect);
		if (!status)
			status = ntmm_view_commit(s.vad, s.first, s.last, a->protect);
		return ntmm_span_done(proc, &s, status, &a->address, &a->length);
	}
	/* Nothing commits a placeholder: it is replaced (item 40). */
	if (s.vad->flags & NTMM_VAD_PLACEHOLDER)
		return ntmm_span_done(proc, &s, STATUS_CONFLICTING_ADDRESSES, &a->address,
				      &a->length);
	status = ntmm_span_protection(&s, a->protect, &protect);
	if (!status) {
		status = ntmm_span_rewindow(file, proc, &s, protect);
		if (status)
			return status;
	}
	if (!status) {
		if (node != NUMA_NO_NODE)
			WRITE_ONCE(s.vad->node, node);
		status = ntmm_vad_commit(s.vad, s.first, s.last, protect);
	}
	return ntmm_span_done(proc, &s, status, &a->address, &a->length);
}

/* MEM_RESET (contents may go) or MEM_RESET_UNDO (contents wanted back). */
static ntstatus_t ntmm_reset(struct ntmm_process *proc, struct ntmm_alloc *a)
{
	struct ntmm_span s;
	ntstatus_t status;

	status = ntmm_span_begin(proc, a->address, a->length,
				 STATUS_CONFLICTING_ADDRESSES,
				 STATUS_CONFLICTING_ADDRESSES, &s);
	if (status)
		return status;
	/* MEM_RESET of a view's pages is not built (README). */
	if (s.vad->flags & NTMM_VAD_VIEW)
		status = STATUS_NOT_IMPLEMENTED;
	else if (a->type & NTMM_MEM_RESET_UNDO)
		status = ntmm_reset_undo(s.vad, s.first, s.last);
	else
		status = ntmm_reset_range(s.vad, s.first, s.last);
	return ntmm_span_done(proc, &s, status, &a->address, &a->length);
}

/* The preferred node asked for: an online node, or NUMA_NO_NODE. */
static ntstatus_t ntmm_alloc_node(const struct ntmm_alloc *a, int *node)
{
	*node = NUMA_NO_NODE;
	if (a->flags & ~NTMM_ALLOC_NODE)
		return STATUS_INVALID_PARAMETER;
	if (!(a->flags & NTMM_ALLOC_NODE))
		return STATUS_SUCCESS;
	if (a->node >= MAX_NUMNODES || !node_online(a->node))
		return STATUS_INVALID_PARAMETER;
	*node = a->node;
	return STATUS_SUCCESS;
}

/**
 * ntmm_virtual_allocate() - NtAllocateVirtualMemory(Ex).
 * @file: the process's /dev/ntmm, which new regions map.
 * @proc: its context.
 * @a: the request; on success @a->address and @a->length are the range.
 *
 * Return: NT's status.
 */
ntstatus_t ntmm_virtual_allocate(struct file *file, struct ntmm_process *proc,
				 struct ntmm_alloc *a)
{
	ntstatus_t status;
	int node;

	/* AWE (MEM_PHYSICAL without large pages) is not in ntmm. */
	if ((a->type & NTMM_MEM_PHYSICAL) && !(a->type & NTMM_MEM_LARGE_PAGES))
		return STATUS_NOT_IMPLEMENTED;
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
		return STATUS_INVALID_PARAMETER;
	if (a->type & (NTMM_MEM_RESET | NTMM_MEM_RESET_UNDO))
		return ntmm_reset(proc, a);
	/* MEM_COMMIT with no address reserves too, as on Windows. */
	if ((a->type & NTMM_MEM_RESERVE) || !a->address)
		return ntmm_reserve(file, proc, a, node);
	return ntmm_commit_existing(file, proc, a, node);
}

/*
 * NtFreeVirtualMemory with MEM_PRESERVE_PLACEHOLDER (split a placeholder,
 * or give an allocation that replaced one back to a placeholder) or
 * MEM_COALESCE_PLACEHOLDERS (join placeholders), on their exact spans.
 */
static ntstatus_t ntmm_free_placeholder(struct file *file, struct ntmm_process *proc,
					struct ntmm_free *f)
{
	bool had_pages = false, released = false;
	struct ntmm_vad *vad;
	ntstatus_t status;
	u64 start, end;

	if (!nt_round_range(f->address, f->length, NT_PAGE_SIZE, &start, &end) ||
	    start != f->address || end - 1 > ntmm_user_max())
		return STATUS_CONFLICTING_ADDRESSES;
	mutex_lock(&proc->lock);
	mmap_read_lock(proc->mm);
	if (f->type & NTMM_MEM_COALESCE_PLACEHOLDERS) {
		status = ntmm_placeholder_coalesce(proc, start, end);
		goto out_unlock;
	}
	vad = ntmm_vad_get(proc, start);
	status = STATUS_CONFLICTING_ADDRESSES;
	if (!vad)
		goto out_unlock;
	if (vad->flags & NTMM_VAD_PLACEHOLDER) {
		status = ntmm_placeholder_split(vad, start, end);
	} else if ((vad->flags & NTMM_VAD_REPLACED) && !(vad->flags & NTMM_VAD_VIEW) &&
		   vad->start == start && vad->end == end) {
		had_pages = ntmm_space_any(proc, start, end);
		ntmm_vad_release(vad);
		released = true;
		status = ntmm_placeholder_put(proc, start, end);
	}
	ntmm_vad_put(vad);
out_unlock:
	mmap_read_unlock(proc->mm);
	if (released)
		ntmm_region_released(file, proc, start, end, had_pages);
	mutex_unlock(&proc->lock);
	if (!status) {
		f->address = start;
		f->length = end - start;
	}
	return status;
}

/**
 * ntmm_virtual_free() - NtFreeVirtualMemory.
 * @file: the process's /dev/ntmm, for giving back page tables.
 * @proc: the context.
 * @f: the request; on success @f->address and @f->length are the range.
 *
 * Return: NT's status.
 */
ntstatus_t ntmm_virtual_free(struct file *file, struct ntmm_process *proc, struct ntmm_free *f)
{
	unsigned long addr = f->address & PAGE_MASK;
	bool had_pages = false;
	struct ntmm_vad *vad;
	ntstatus_t status;
	u64 start, end;

	status = nt_check_free_type(f->type, f->length);
	if (status)
		return status;
	if (f->address > ntmm_user_max())
		return STATUS_INVALID_PARAMETER;

	if (f->type != NTMM_MEM_RELEASE && (f->type & NTMM_MEM_RELEASE))
		return ntmm_free_placeholder(file, proc, f);

	mutex_lock(&proc->lock);
	mmap_read_lock(proc->mm);
	vad = ntmm_vad_get(proc, addr);
	if (!vad) {
		status = STATUS_MEMORY_NOT_ALLOCATED;
		goto out_unlock;
	}
	start = vad->start;
	end = vad->end;
	if (vad->flags & NTMM_VAD_VIEW) {
		/* A view goes with UnmapViewOfFile (item 15). */
		status = STATUS_UNABLE_TO_DELETE_SECTION;
		goto out_put;
	}
	if (f->type == NTMM_MEM_RELEASE || !f->length) {
		/* The whole allocation, named by an address in its first page. */
		if (addr != vad->start) {
			status = STATUS_FREE_VM_NOT_AT_BASE;
			goto out_put;
		}
	} else if (!nt_round_range(f->address, f->length, NT_PAGE_SIZE, &start, &end) ||
		   end > vad->end) {
		status = STATUS_UNABLE_TO_FREE_VM;
		goto out_put;
	}
	if (f->type == NTMM_MEM_RELEASE) {
		had_pages = ntmm_space_any(proc, start, end);
		ntmm_vad_release(vad);
	} else if (vad->flags & NTMM_VAD_LARGE) {
		/* Large pages are committed and released whole, never paged or trimmed. */
		status = STATUS_INVALID_PARAMETER;
	} else if (vad->flags & NTMM_VAD_PLACEHOLDER) {
		/* Nothing is committed in a placeholder, so nothing is decommitted (item 40). */
		status = STATUS_CONFLICTING_ADDRESSES;
	} else {
		status = ntmm_vad_decommit(vad, ntmm_vad_index(vad, start),
					   ntmm_vad_index(vad, end));
	}
	if (!status) {
		f->address = start;
		f->length = end - start;
	}
out_put:
	ntmm_vad_put(vad);
out_unlock:
	mmap_read_unlock(proc->mm);
	if (!status && f->type == NTMM_MEM_RELEASE)
		ntmm_region_released(file, proc, start, end, had_pages);
	mutex_unlock(&proc->lock);
	return status;
}

/**
 * ntmm_virtual_protect() - NtProtectVirtualMemory.
 * @file: the process's /dev/ntmm, for re-windowing.
 * @proc: the context.
 * @p: the request; on success @p->old_protect is the first page's former
 *	protection, @p->address and @p->length the range.
 *
 * Return: NT's status.
 */
ntstatus_t ntmm_virtual_protect(struct file *file, struct ntmm_process *proc,
				struct ntmm_protect *p)
{
	ntstatus_t status, valid;
	struct ntmm_span s;
	u32 protect;

	/* A view's pages may be WRITECOPY: its own rules decide for them. */
	valid = nt_check_private_protect(p->protect);
	if (valid && nt_check_private_protect(ntmm_view_written(p->protect)))
		return valid;
	status = ntmm_span_begin(proc, p->address, p->length,
				 STATUS_MEMORY_NOT_ALLOCATED,
				 STATUS_NOT_COMMITTED, &s);
	if (status)
		return status;
	if (s.vad->flags & NTMM_VAD_VIEW) {
		status = ntmm_view_prepare(s.vad, p->protect);
		if (!status)
			status = ntmm_view_protect(s.vad, s.first, s.last, p->protect,
						   &p->old_protect);
		return ntmm_span_done(proc, &s, status, &p->address, &p->length);
	}
	if (valid)
		return ntmm_span_done(proc, &s, valid, &p->address, &p->length);
	status = ntmm_span_protection(&s, p->protect, &protect);
	if (!status && ntmm_vad_committed(s.vad, s.first, s.last)) {
		status = ntmm_span_rewindow(file, proc, &s, protect);
		if (status)
			return status;
	}
	if (!status)
		status = ntmm_vad_protect(s.vad, s.first, s.last, protect, &p->old_protect);
	return ntmm_span_done(proc, &s, status, &p->address, &p->length);
}

/* A mapping Linux made (program, libraries, stacks), as Windows would show it. */
static void ntmm_query_foreign(struct vm_area_struct *vma, struct ntmm_query *q)
{
	static const u32 prot[8] = {
		[0] = 0,
		[VM_READ] = NTMM_PAGE_READONLY,
		[VM_WRITE] = NTMM_PAGE_READWRITE,
		[VM_READ | VM_WRITE] = NTMM_PAGE_READWRITE,
		[VM_EXEC] = NTMM_PAGE_EXECUTE,
		[VM_EXEC | VM_READ] = NTMM_PAGE_EXECUTE_READ,
		[VM_EXEC | VM_WRITE] = NTMM_PAGE_EXECUTE_READWRITE,
		[VM_EXEC | VM_READ | VM_WRITE] = NTMM_PAGE_EXECUTE_READWRITE,
	};
	u32 p = prot[vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)];

	q->allocation_base = vma->vm_start;
	q->allocation_protect = p ? p : NTMM_PAGE_NOACCESS;
	q->region_size = vma->vm_end - q->base_address;
	/* An inaccessible mapping is address space held, not memory. */
	q->state = p ? NTMM_MEM_COMMIT : NTMM_MEM_RESERVE;
	q->protect = p;
	q->type = vma->vm_file ? NTMM_MEM_MAPPED : NTMM_MEM_PRIVATE;
}

/*
 * Free space from @addr: up to the next allocation or the next mapping
 * Linux made, whichever is first; regions are free space to Windows.
 * mmap_lock held.
 */
static unsigned long ntmm_query_free_end(struct ntmm_process *proc, unsigned long addr)
{
	VMA_ITERATOR(vmi, proc->mm, addr);
	unsigned long end = ntmm_user_max() + 1, index = addr;
	struct vm_area_struct *vma;
	struct ntmm_vad *next;

	rcu_read_lock();
	next = mt_find(&proc->vads, &index, end - 1);
	if (next)
		end = next->start;
	rcu_read_unlock();
	for_each_vma_range(vmi, vma, end) {
		if (!ntmm_region_vma(proc, vma)) {
			end = max(vma->vm_start, addr);
			break;
		}
	}
	return end;
}

/* A query made in the process's own address space (vm/mm_run.c). */
struct ntmm_query_in_mm {
	struct ntmm_process *proc;
	struct ntmm_query *q;
};

static long ntmm_virtual_query_in_mm(void *arg)
{
	struct ntmm_query_in_mm *in = arg;

	return (__force long)ntmm_virtual_query(in->proc, in->q);
}

/**
 * ntmm_virtual_query() - NtQueryVirtualMemory, basic information.
 * @proc: the context.
 * @q: the request; the answer is filled in.
 *
 * ntmm's allocations are read under RCU alone; memory Linux mapped, and
 * free space (inside regions or not), under mmap_lock. Another process's
 * copy-on-write view is read in its own address space (its PTEs say which
 * pages were copied).
 *
 * Return: NT's status.
 */
ntstatus_t ntmm_virtual_query(struct ntmm_process *proc, struct ntmm_query *q)
{
	struct ntmm_query_in_mm in_mm = { proc, q };
	struct vm_area_struct *vma;
	struct ntmm_vad *vad;
	unsigned long pages;

	if (q->address > ntmm_user_max())
		return STATUS_INVALID_PARAMETER;
	q->base_address = q->address & PAGE_MASK;

	rcu_read_lock();
	vad = mtree_load(&proc->vads, q->base_address);
	if (vad && (vad->flags & NTMM_VAD_VIEW) && ntmm_view_reads_ptes(vad) &&
	    current->mm != proc->mm) {
		rcu_read_unlock();
		return (__force ntstatus_t)ntmm_mm_run(proc, ntmm_virtual_query_in_mm, &in_mm);
	}
	if (vad) {
		if (vad->flags & NTMM_VAD_VIEW)
			ntmm_view_query(vad, ntmm_vad_index(vad, q->base_address),
					&q->state, &q->protect, &pages);
		else
			ntmm_vad_query(vad, ntmm_vad_index(vad, q->base_address),
				       &q->state, &q->protect, &pages);
		q->allocation_base = vad->start;
		q->allocation_protect = vad->alloc_protect;
		q->region_size = pages << PAGE_SHIFT;
		q->type = vad->flags & NTMM_VAD_VIEW ? NTMM_MEM_MAPPED : NTMM_MEM_PRIVATE;
		rcu_read_unlock();
		return STATUS_SUCCESS;
	}
	rcu_read_unlock();

	mmap_read_lock(proc->mm);
	vma = find_vma(proc->mm, q->base_address);
	if (vma && vma->vm_start <= q->base_address && !ntmm_region_vma(proc, vma)) {
		ntmm_query_foreign(vma, q);
	} else {
		q->allocation_base = 0;
		q->allocation_protect = 0;
		q->region_size = ntmm_query_free_end(proc, q->base_address) - q->base_address;
		q->state = NTMM_MEM_FREE;
		q->protect = NTMM_PAGE_NOACCESS;
		q->type = 0;
	}
	mmap_read_unlock(proc->mm);
	return STATUS_SUCCESS;
}

/**
 * ntmm_virtual_memory_status() - The commit and memory totals.
 * @proc: the context.
 * @m: filled in.
 */
void ntmm_virtual_memory_status(struct ntmm_process *proc, struct ntmm_memory_status *m)
{
	m->commit_limit = (u64)ntmm_commit_limit() << PAGE_SHIFT;
	m->commit_total = (u64)ntmm_commit_total() << PAGE_SHIFT;
	m->process_commit = (u64)atomic_long_read(&proc->commit) << PAGE_SHIFT;
	m->total_phys = (u64)totalram_pages() << PAGE_SHIFT;
	m->avail_phys = (u64)si_mem_available() << PAGE_SHIFT;
}

/**
 * ntmm_virtual_lock() - NtLockVirtualMemory or NtUnlockVirtualMemory.
 * @proc: the context.
 * @l: the request; on success @l->address and @l->length are the range.
 *
 * Return: NT's status.
 */
ntstatus_t ntmm_virtual_lock(struct ntmm_process *proc, struct ntmm_lock *l)
{
	struct ntmm_span s;
	ntstatus_t status;

	status = ntmm_span_begin(proc, l->address, l->length, STATUS_NOT_COMMITTED,
				 STATUS_NOT_COMMITTED, &s);
	if (status)
		return status;
	if (s.vad->flags & NTMM_VAD_VIEW)
		status = ntmm_view_lock(s.vad, s.first, s.last, l->op == NTMM_LOCK_PAGES);
	else
		status = ntmm_vad_lock(s.vad, s.first, s.last, l->op == NTMM_LOCK_PAGES);
	return ntmm_span_done(proc, &s, status, &l->address, &l->length);
}

/* Written pages found per pass, gathered under the VAD's lock, emitted after. */
#define WW_CHUNK	64

/*
 * The write-watched allocation holding [@start, @end), with a reference;
 * NULL if there is none: Windows answers STATUS_INVALID_PARAMETER.
 */
static struct ntmm_vad *ntmm_ww_vad(struct ntmm_process *proc, u64 start, u64 end)
{
	struct ntmm_vad *vad = ntmm_vad_get(proc, start);

	if (vad && (end > vad->end || !(vad->flags & NTMM_VAD_WRITE_WATCH))) {
		ntmm_vad_put(vad);
		vad = NULL;
	}
	return vad;
}

/**
 * ntmm_virtual_write_watch() - NtGetWriteWatch.
 * @proc: the context.
 * @address: start of the range, in one MEM_WRITE_WATCH allocation.
 * @length: bytes.
 * @reset: clear what is reported (WRITE_WATCH_FLAG_RESET).
 * @max: room for addresses, not 0.
 * @emit: called with each chunk of written pages' addresses, ascending,
 *	and how many came before it; its non-zero return ends the call.
 * @ctx: for @emit.
 * @count: set to the addresses emitted.
 * @status: set to NT's status.
 *
 * @emit runs with no lock but @proc->lock held: its buffer may be ntmm
 * memory, whose faults take mmap_lock and VAD locks. A chunk is reset
 * only once it was emitted, so a buffer that faults resets nothing of its
 * chunk; a write meanwhile to a page just reported is seen by whoever
 * reads the page after this call.
 *
 * Return: 0, or @emit's error.
 */
int ntmm_virtual_write_watch(struct ntmm_process *proc, u64 address, u64 length, bool reset,
			     u64 max, ntmm_ww_emit_t emit, void *ctx, u64 *count,
			     ntstatus_t *status)
{
	struct {
		unsigned long found[WW_CHUNK];
		u64 addrs[WW_CHUNK];
	} *chunk;
	unsigned long idx, last, n, i;
	struct ntmm_vad *vad;
	u64 start, end;
	int ret = 0;

	*count = 0;
	*status = STATUS_INVALID_PARAMETER;
	if (!max || !nt_round_range(address, length, NT_PAGE_SIZE, &start, &end) ||
	    end - 1 > ntmm_user_max())
		return 0;
	chunk = kmalloc(sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	mutex_lock(&proc->lock);
	vad = ntmm_ww_vad(proc, start, end);
	if (!vad)
		goto out_unlock;
	idx = ntmm_vad_index(vad, start);
	last = ntmm_vad_index(vad, end);
	*status = STATUS_SUCCESS;
	while (*count < max) {
		n = ntmm_vad_write_watch(vad, &idx, last, chunk->found,
					 min_t(u64, WW_CHUNK, max - *count));
		for (i = 0; i < n; i++)
			chunk->addrs[i] = vad->start + (chunk->found[i] << PAGE_SHIFT);
		ret = n ? emit(ctx, chunk->addrs, *count, n) : 0;
		if (ret)
			break;
		*count += n;
		if (reset)
			ntmm_vad_reset_watch(vad, chunk->found, n);
		if (idx >= last)
			break;
	}
	ntmm_vad_put(vad);
out_unlock:
	mutex_unlock(&proc->lock);
	kfree(chunk);
	return ret;
}

/**
 * ntmm_virtual_write_watch_reset() - NtResetWriteWatch.
 * @proc: the context.
 * @address: start of the range, in one MEM_WRITE_WATCH allocation.
 * @length: bytes.
 *
 * Return: NT's status.
 */
ntstatus_t ntmm_virtual_write_watch_reset(struct ntmm_process *proc, u64 address, u64 length)
{
	struct ntmm_vad *vad;
	u64 start, end;

	if (!nt_round_range(address, length, NT_PAGE_SIZE, &start, &end) ||
	    end - 1 > ntmm_user_max())
		return STATUS_INVALID_PARAMETER;
	mutex_lock(&proc->lock);
	vad = ntmm_ww_vad(proc, start, end);
	if (vad) {
		ntmm_vad_reset_watch_range(vad, ntmm_vad_index(vad, start),
					   ntmm_vad_index(vad, end));
		ntmm_vad_put(vad);
	}
	mutex_unlock(&proc->lock);
	return vad ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}
