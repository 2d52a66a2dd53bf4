// SPDX-License-Identifier: GPL-2.0
/*
 * VADs: one allocation each, its committed pages' states (page_state.h)
 * and its frames. Every state change happens here, under the VAD's lock,
 * and zaps the PTEs it makes stale before the lock is dropped; vma.c maps
 * pages under the same lock held for read.
 *
 * This file also keeps the accounting of every frame a VAD holds, and of
 * the frames of reset pages (MEM_RESET, reset.c), which memory pressure may
 * take: the list of VADs that may hold some, under ntmm_reset_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/ntmm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "../compat.h"
#include "../process.h"
#include "commit.h"
#include "large.h"
#include "nt_rules.h"
#include "page_state.h"
#include "vad.h"

/* Frames the module holds, for debugfs and the leak tests. */
static atomic_long_t ntmm_nr_frames = ATOMIC_LONG_INIT(0);

/*
 * ntmm_reset_lock protects ntmm_reset_vads, the VADs that may hold reset
 * frames (each VAD's reset_node). Taken after a VAD's lock, or before it
 * with a trylock only (the shrinker).
 */
static DEFINE_SPINLOCK(ntmm_reset_lock);
static LIST_HEAD(ntmm_reset_vads);

/* Reset frames the shrinker may take. */
static atomic_long_t ntmm_nr_reset_frames = ATOMIC_LONG_INIT(0);

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
 * ntmm_vad_count_frames() - Frames a VAD took (@frames > 0) or gave back.
 * @frames: how many, in 4 KiB units.
 */
void ntmm_vad_count_frames(long frames)
{
	atomic_long_add(frames, &ntmm_nr_frames);
}

/**
 * ntmm_vad_alloc_frame() - A zeroed frame for a page of @vad.
 * @vad: the VAD; from its preferred node if it has one.
 *
 * Return: the frame, not counted yet, or NULL.
 */
struct page *ntmm_vad_alloc_frame(struct ntmm_vad *vad)
{
	/* MEM_COMMIT with a node may change it under a running fault. */
	return alloc_pages_node(READ_ONCE(vad->node), GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT, 0);
}

/**
 * ntmm_reset_frames() - Frames of reset pages, which memory pressure may take.
 *
 * Return: that number.
 */
long ntmm_reset_frames(void)
{
	return atomic_long_read(&ntmm_nr_reset_frames);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_reset_frames);

/**
 * ntmm_vad_reset_forget() - A page's reset is over; it keeps its frame.
 * @vad: the VAD; its lock held.
 * @idx: the page, whose entry no longer has PS_RESET.
 */
void ntmm_vad_reset_forget(struct ntmm_vad *vad, unsigned long idx)
{
	lockdep_assert_held(&vad->lock);
	xa_clear_mark(&vad->pages, idx, NTMM_PS_MARK_RESET);
	atomic_long_dec(&ntmm_nr_reset_frames);
}

/**
 * ntmm_vad_reset_listed() - @frames more pages of @vad were reset.
 * @vad: the VAD; its lock held for write. It joins the shrinker's list.
 * @frames: how many pages, each keeping its frame, now carry PS_RESET.
 */
void ntmm_vad_reset_listed(struct ntmm_vad *vad, long frames)
{
	lockdep_assert_held_write(&vad->lock);
	atomic_long_add(frames, &ntmm_nr_reset_frames);
	spin_lock(&ntmm_reset_lock);
	if (list_empty(&vad->reset_node))
		list_add_tail(&vad->reset_node, &ntmm_reset_vads);
	spin_unlock(&ntmm_reset_lock);
}

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
static void ps_take_frame(unsigned long state, struct list_head *list, long *frames)
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
		atomic_long_dec(&ntmm_nr_reset_frames);
}

/*
 * Free the frames on @frames (linked by page->lru, order in page->private):
 * their PTEs are gone.
 */
static void ntmm_vad_free_frames(struct list_head *frames, long count)
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

	spin_lock(&ntmm_reset_lock);
	list_del_init(&vad->reset_node);
	spin_unlock(&ntmm_reset_lock);
	committed = ntmm_vad_drop_pages(vad);
	if (committed)
		ntmm_commit_uncharge(vad->proc, committed);
	/* VirtualQuery may still be reading it under RCU. */
	kfree_rcu(vad, rcu);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_vad_destroy);

/*
 * Take up to @max reset frames of @vad onto @list, counting them in @frames.
 * Called with vad->lock held for write: no fault is mapping any of them.
 */
static unsigned long ntmm_vad_reset_discard(struct ntmm_vad *vad, unsigned long max,
					    struct list_head *list, long *frames)
{
	XA_STATE(xas, &vad->pages, 0);
	unsigned long taken = 0;
	void *entry;

	lockdep_assert_held_write(&vad->lock);
	xas_lock(&xas);
	xas_for_each_marked(&xas, entry, ULONG_MAX, NTMM_PS_MARK_RESET) {
		unsigned long state = xa_to_value(entry);

		xas_clear_mark(&xas, NTMM_PS_MARK_RESET);
		ps_take_frame(state, list, frames);
		xas_store(&xas, ps_entry((state & ~(PS_RESET | PS_FRAME_BITS)) | PS_DISCARDED));
		if (++taken == max)
			break;
	}
	xas_unlock(&xas);
	return taken;
}

/**
 * ntmm_vad_reset_reclaim() - Free up to @max frames of reset pages.
 * @max: how many.
 *
 * For the reset shrinker, which reclaim calls in any context: it only ever
 * trylocks a VAD. A page whose frame goes reads as zero when next touched,
 * and MEM_RESET_UNDO reports it (PS_DISCARDED). No PTE maps a reset page
 * (a fault ends the reset before mapping it), so nothing needs a zap.
 *
 * Return: the frames freed.
 */
unsigned long ntmm_vad_reset_reclaim(unsigned long max)
{
	struct ntmm_vad *vad, *next;
	unsigned long taken = 0;
	LIST_HEAD(list);
	long frames = 0;

	spin_lock(&ntmm_reset_lock);
	list_for_each_entry_safe(vad, next, &ntmm_reset_vads, reset_node) {
		if (taken >= max)
			break;
		if (!down_write_trylock(&vad->lock))
			continue;
		taken += ntmm_vad_reset_discard(vad, max - taken, &list, &frames);
		if (!xa_marked(&vad->pages, NTMM_PS_MARK_RESET))
			list_del_init(&vad->reset_node);
		up_write(&vad->lock);
	}
	spin_unlock(&ntmm_reset_lock);
	ntmm_vad_free_frames(&list, frames);
	return taken;
}

/* A young PTE of a page mapped ahead: the page was touched since. */
static int ntmm_vad_harvest_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct ntmm_vad *vad = data;
	unsigned long idx = ntmm_vad_index(vad, addr), state;
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

	lockdep_assert_held_write(&vad->lock);
	if (!vma)
		return;
	mmap_assert_locked(vma->vm_mm);
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

	lockdep_assert_held_write(&vad->lock);
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
 * Return: STATUS_SUCCESS, STATUS_COMMITMENT_LIMIT or
 * STATUS_NO_MEMORY, with nothing committed or charged on failure.
 */
ntstatus_t ntmm_vad_commit_new(struct ntmm_vad *vad, u32 protect)
{
	unsigned long pages = (vad->end - vad->start) >> PAGE_SHIFT;
	ntstatus_t status;

	status = ntmm_commit_charge(vad->proc, pages);
	if (status)
		return status;
	if (ps_store_run(&vad->pages, 0, pages, protect)) {
		/* Back to nothing committed: the charge was for all @pages. */
		ntmm_vad_drop_pages(vad);
		ntmm_commit_uncharge(vad->proc, pages);
		return STATUS_NO_MEMORY;
	}
	return STATUS_SUCCESS;
}

/**
 * ntmm_vad_commit_large() - Commit all of a large-page VAD, frames included.
 * @vad: a NTMM_VAD_LARGE VAD fresh from ntmm_vad_create(), 2 MiB aligned.
 * @protect: a valid private protection without modifiers.
 *
 * Every large page gets its zeroed 2 MiB frame now, from the VAD's node
 * first, as Windows backs large pages when they are allocated.
 *
 * Return: STATUS_SUCCESS, STATUS_COMMITMENT_LIMIT,
 * STATUS_INSUFFICIENT_RESOURCES (no contiguous frame) or
 * STATUS_NO_MEMORY, with nothing committed, charged or held on failure.
 */
ntstatus_t ntmm_vad_commit_large(struct ntmm_vad *vad, u32 protect)
{
	unsigned long pages = (vad->end - vad->start) >> PAGE_SHIFT, idx;
	struct page *frame;
	ntstatus_t status;

	status = ntmm_commit_charge(vad->proc, pages);
	if (status)
		return status;
	for (idx = 0; idx < pages; idx += NTMM_LARGE_NR) {
		frame = ntmm_large_alloc(vad->node);
		if (!frame) {
			status = STATUS_INSUFFICIENT_RESOURCES;
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
			status = STATUS_NO_MEMORY;
			goto undo;
		}
	}
	return STATUS_SUCCESS;

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
 * Return: STATUS_SUCCESS, STATUS_COMMITMENT_LIMIT or
 * STATUS_NO_MEMORY, with nothing changed on failure.
 */
ntstatus_t ntmm_vad_commit(struct ntmm_vad *vad, struct vm_area_struct *vma,
			   unsigned long first, unsigned long last, u32 protect)
{
	unsigned long idx, fresh = last - first;
	bool zap = false;
	void *entry;
	ntstatus_t status;
	int ret = 0;

	if (vma)
		mmap_assert_locked(vma->vm_mm);
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
		status = STATUS_NO_MEMORY;
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

	mmap_assert_locked(vma->vm_mm);
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
 * Return: STATUS_SUCCESS, or STATUS_NOT_COMMITTED (nothing
 * changed) if any page of the range is not committed.
 */
ntstatus_t ntmm_vad_protect(struct ntmm_vad *vad, struct vm_area_struct *vma,
			    unsigned long first, unsigned long last, u32 protect,
		      u32 *old_protect)
{
	unsigned long idx, committed = 0;
	bool zap = false;
	void *entry;

	mmap_assert_locked(vma->vm_mm);
	down_write(&vad->lock);
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1)
		committed++;
	if (committed != last - first) {
		up_write(&vad->lock);
		return STATUS_NOT_COMMITTED;
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
	return STATUS_SUCCESS;
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

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "page states read without RCU");

	/*
	 * The run is the page just read and the like pages after it; a
	 * concurrent change may end it early, never empty it.
	 */
	if (!entry) {
		*state = NTMM_MEM_RESERVE;
		*protect = 0;
		next = idx + 1;
		if (next >= last || !xa_find(&vad->pages, &next, last - 1, XA_PRESENT))
			next = last;
		*pages = next - idx;
		return;
	}
	*state = NTMM_MEM_COMMIT;
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

/*
 * Can pages [@first, @last) be locked? As Windows touches them in order,
 * the first that is not accessible fails the call, and the first guard
 * page also loses its guard, as a touch would (item 44). Lock held for write.
 */
static ntstatus_t ntmm_vad_lockable(struct ntmm_vad *vad, unsigned long first,
				    unsigned long last)
{
	unsigned long idx;
	void *entry;

	lockdep_assert_held_write(&vad->lock);
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		unsigned long state = xa_to_value(entry);
		u32 prot = state & PS_PROT_MASK;

		if (!nt_protect_access(prot))
			return STATUS_ACCESS_VIOLATION;
		if (prot & NTMM_PAGE_GUARD) {
			state &= ~(unsigned long)NTMM_PAGE_GUARD;
			/* Replacing an entry never allocates; no PTE maps a guard page. */
			xa_store(&vad->pages, idx, ps_entry(state), GFP_KERNEL);
			return STATUS_GUARD_PAGE_VIOLATION;
		}
	}
	return STATUS_SUCCESS;
}

/**
 * ntmm_vad_lock() - Lock or unlock pages [@first, @last).
 * @vad: the VAD.
 * @first: first page index.
 * @last: one past the last page index.
 * @lock: true to lock, false to unlock.
 *
 * Locking needs every page committed and accessible, and gives each its
 * frame now (locked pages stay resident). Unlocking needs every page
 * locked. Nothing changes on failure, but for the guard a lock clears.
 *
 * Return: STATUS_SUCCESS, STATUS_NOT_COMMITTED, STATUS_ACCESS_VIOLATION
 * (a no-access page), STATUS_GUARD_PAGE_VIOLATION, STATUS_NOT_LOCKED or
 * STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_vad_lock(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			 bool lock)
{
	ntstatus_t status = STATUS_SUCCESS;
	unsigned long idx, n = 0;
	void *entry;

	down_write(&vad->lock);
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		n++;
		if (!lock && !(xa_to_value(entry) & PS_LOCKED))
			status = STATUS_NOT_LOCKED;
	}
	if (n != last - first)
		status = STATUS_NOT_COMMITTED;
	else if (lock)
		status = ntmm_vad_lockable(vad, first, last);
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
			status = STATUS_NO_MEMORY;
			goto out_unlock;
		}
		state |= PS_FRAME | (page_to_pfn(page) << PS_PFN_SHIFT);
		xa_store(&vad->pages, idx, ps_entry(state), GFP_KERNEL);
		ntmm_vad_count_frames(1);
	}
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		unsigned long state = xa_to_value(entry);

		/* A locked page is in use: a reset of it is over. */
		if (lock && (state & PS_RESET))
			ntmm_vad_reset_forget(vad, idx);
		/* A locked page is in the working set, touched or not. */
		state = lock ? (state | PS_LOCKED) & ~(PS_RESET | PS_AHEAD) : state & ~PS_LOCKED;
		xa_store(&vad->pages, idx, ps_entry(state), GFP_KERNEL);
	}
out_unlock:
	up_write(&vad->lock);
	return status;
}

/**
 * ntmm_vad_write_watch() - Find pages written since their last reset.
 * @vad: a VAD made with MEM_WRITE_WATCH; mmap_lock held.
 * @first: first page index; set to where a next call should go on.
 * @last: one past the last page index.
 * @found: filled with the indexes of written pages, ascending.
 * @max: room in @found.
 *
 * Return: how many indexes were stored.
 */
unsigned long ntmm_vad_write_watch(struct ntmm_vad *vad, unsigned long *first,
				   unsigned long last, unsigned long *found, unsigned long max)
{
	unsigned long idx, n = 0, next = last;
	void *entry;

	mmap_assert_locked(vad->proc->mm);
	/* Faults set the dirty bit under the read lock too, with a cmpxchg. */
	down_read(&vad->lock);
	xa_for_each_range(&vad->pages, idx, entry, *first, last - 1) {
		if (!(xa_to_value(entry) & PS_WW_DIRTY))
			continue;
		if (n == max) {
			next = idx;	/* the first one not reported */
			break;
		}
		found[n++] = idx;
	}
	*first = next;
	up_read(&vad->lock);
	return n;
}

/* Forget the write to page @idx; the next one faults to be seen. Lock held for write. */
static void ntmm_vad_reset_page_watch(struct ntmm_vad *vad, struct vm_area_struct *vma,
				      unsigned long idx)
{
	void *entry = xa_load(&vad->pages, idx);
	unsigned long state = entry ? xa_to_value(entry) : 0;

	lockdep_assert_held_write(&vad->lock);
	if (!(state & PS_WW_DIRTY))
		return;
	/* Replacing an entry never allocates. */
	xa_store(&vad->pages, idx, ps_entry(state & ~PS_WW_DIRTY), GFP_KERNEL);
	ntmm_vad_zap(vad, vma, idx, idx + 1);
}

/**
 * ntmm_vad_reset_watch() - Forget the writes to the pages @found.
 * @vad: a VAD made with MEM_WRITE_WATCH.
 * @vma: its VMA; mmap_lock held.
 * @found: page indexes, as ntmm_vad_write_watch() found them.
 * @n: how many.
 */
void ntmm_vad_reset_watch(struct ntmm_vad *vad, struct vm_area_struct *vma,
			  const unsigned long *found, unsigned long n)
{
	unsigned long i;

	mmap_assert_locked(vma->vm_mm);
	down_write(&vad->lock);
	for (i = 0; i < n; i++)
		ntmm_vad_reset_page_watch(vad, vma, found[i]);
	up_write(&vad->lock);
}

/**
 * ntmm_vad_reset_watch_range() - Forget every write in [@first, @last) (ResetWriteWatch).
 * @vad: a VAD made with MEM_WRITE_WATCH.
 * @vma: its VMA; mmap_lock held.
 * @first: first page index.
 * @last: one past the last page index.
 */
void ntmm_vad_reset_watch_range(struct ntmm_vad *vad, struct vm_area_struct *vma,
				unsigned long first, unsigned long last)
{
	unsigned long idx;
	void *entry;

	mmap_assert_locked(vma->vm_mm);
	down_write(&vad->lock);
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		unsigned long state = xa_to_value(entry);

		if (state & PS_WW_DIRTY)
			xa_store(&vad->pages, idx, ps_entry(state & ~PS_WW_DIRTY), GFP_KERNEL);
	}
	ntmm_vad_zap(vad, vma, first, last);
	up_write(&vad->lock);
}
