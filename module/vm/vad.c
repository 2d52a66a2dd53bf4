// SPDX-License-Identifier: GPL-2.0
/*
 * VADs: an allocation's range, its pages' states, and every change to them
 * (see vad.h for the locking). The data of the pages is in the process's
 * address space file (space.c); a state change that takes a permission
 * away settles the range (ntmm_space_settle()) once the state is stored,
 * so no PTE outlives what it was made under.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/ntmm.h>
#include <linux/pagemap.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "../compat.h"
#include "../process.h"
#include "commit.h"
#include "large.h"
#include "nt_rules.h"
#include "section.h"
#include "space.h"
#include "vad.h"

/**
 * ntmm_vad_set() - Give pages [@first, @last) protection @protect.
 * @vad: the VAD; its lock held for write.
 * @first: first page index.
 * @last: one past the last page index.
 * @protect: the protection; 0 makes the pages reserved.
 *
 * The protection tree keeps protections as value entries and reserved pages
 * as its holes. A run is widened over neighbours of the same protection, so
 * that one run is one entry: the tree stays small however often a page flips
 * and back, and a query reports the run whole. The maple tree merges holes.
 *
 * Return: 0, or -ENOMEM with nothing changed.
 */
int ntmm_vad_set(struct ntmm_vad *vad, unsigned long first, unsigned long last, u32 protect)
{
	MA_STATE(mas, &vad->prot, 0, 0);
	void *entry = protect ? xa_mk_value(protect) : NULL;

	lockdep_assert_held_write(&vad->lock);
	if (entry) {
		/* Writers hold the VAD's lock; RCU is for the tree's own checks. */
		rcu_read_lock();
		mas_set(&mas, first - 1);
		if (first && mas_walk(&mas) == entry)
			first = mas.index;
		mas_set(&mas, last);
		if (mas_walk(&mas) == entry)
			last = mas.last + 1;
		rcu_read_unlock();
	}
	return mtree_store_range(&vad->prot, first, last - 1, entry, GFP_KERNEL_ACCOUNT);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_vad_set);

/**
 * ntmm_vad_create() - A VAD for [@start, @end), nothing committed yet.
 * @proc: the owning context.
 * @start: first byte.
 * @end: one past the last byte.
 * @protect: AllocationProtect.
 * @flags: NTMM_VAD_*.
 * @node: the preferred NUMA node, or NUMA_NO_NODE.
 *
 * Return: the VAD with the caller's reference, or NULL.
 */
struct ntmm_vad *ntmm_vad_create(struct ntmm_process *proc,
				 unsigned long start, unsigned long end,
				 u32 protect, u32 flags, int node)
{
	struct ntmm_vad *vad = kzalloc(sizeof(*vad), GFP_KERNEL_ACCOUNT);

	if (!vad)
		return NULL;
	vad->proc = proc;
	refcount_set(&vad->ref, 1);
	vad->start = start;
	vad->end = end;
	vad->alloc_protect = protect;
	vad->flags = flags;
	vad->node = node;
	init_rwsem(&vad->lock);
	/*
	 * Range nodes, though no gap is ever searched: the RCU-deferred free of
	 * a large subtree of plain range nodes, replaced in one store (a
	 * release of 64 MiB with every other page decommitted), faults on 6.1
	 * and 6.12 (mt_free_walk()); the kernel's VMA tree, an ALLOC_RANGE
	 * tree, does not hit it.
	 */
	mt_init_flags(&vad->prot, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU);
	xa_init(&vad->marks);
	xa_init(&vad->pins);
	return vad;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_vad_create);

/**
 * ntmm_vad_put() - Drop a reference; the last frees the VAD's memory.
 * @vad: the VAD. Released first (ntmm_vad_release()) if it was ever in the tree.
 */
void ntmm_vad_put(struct ntmm_vad *vad)
{
	if (!refcount_dec_and_test(&vad->ref))
		return;
	mtree_destroy(&vad->prot);
	xa_destroy(&vad->marks);
	xa_destroy(&vad->pins);
	kfree(vad->large);
	if (vad->section)
		ntmm_section_put(vad->section);
	/* VirtualQuery may still be reading it under RCU. */
	kfree_rcu(vad, rcu);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_vad_put);

/**
 * ntmm_vad_get() - The VAD holding @addr, with a reference.
 * @proc: the context.
 * @addr: an address.
 *
 * Return: the VAD, or NULL if no live allocation holds @addr.
 */
struct ntmm_vad *ntmm_vad_get(struct ntmm_process *proc, unsigned long addr)
{
	struct ntmm_vad *vad;

	rcu_read_lock();
	vad = mtree_load(&proc->vads, addr);
	if (vad && !refcount_inc_not_zero(&vad->ref))
		vad = NULL;
	rcu_read_unlock();
	return vad;
}

/**
 * ntmm_vad_any() - Does an allocation hold any of [@start, @end)?
 * @proc: the context.
 * @start: first byte.
 * @end: one past the last.
 *
 * Return: true if one does.
 */
bool ntmm_vad_any(struct ntmm_process *proc, unsigned long start, unsigned long end)
{
	unsigned long index = start;
	bool any;

	rcu_read_lock();
	any = mt_find(&proc->vads, &index, end - 1);
	rcu_read_unlock();
	return any;
}

/**
 * ntmm_vad_discard() - Free a VAD that never made it into the tree.
 * @vad: the VAD, with its creator's reference only; no fault ever found it.
 */
void ntmm_vad_discard(struct ntmm_vad *vad)
{
	unsigned long i;

	if (vad->large)
		for (i = 0; i < ntmm_vad_pages(vad) / NTMM_LARGE_NR; i++)
			ntmm_large_free(vad->large[i]);
	if (vad->committed)
		ntmm_commit_uncharge(vad->proc, vad->committed);
	ntmm_vad_put(vad);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_vad_discard);

/**
 * ntmm_vad_insert() - Put a new VAD in its context's tree.
 * @vad: the VAD, whose creator's reference the tree takes over.
 *
 * Return: STATUS_SUCCESS, STATUS_CONFLICTING_ADDRESSES if the range holds
 * an allocation already, or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_vad_insert(struct ntmm_vad *vad)
{
	int ret;

	lockdep_assert_held(&vad->proc->lock);
	ret = mtree_insert_range(&vad->proc->vads, vad->start, vad->end - 1, vad,
				 GFP_KERNEL_ACCOUNT);
	if (ret == -EEXIST)
		return STATUS_CONFLICTING_ADDRESSES;
	return ret ? STATUS_NO_MEMORY : STATUS_SUCCESS;
}

/* Unpin the folios of locked pages in [@first, @last): their lock ends. Lock held for write. */
static void ntmm_vad_unpin(struct ntmm_vad *vad, unsigned long first, unsigned long last)
{
	unsigned long idx, pgoff = vad->start >> PAGE_SHIFT;
	struct folio *folio;
	void *entry;

	lockdep_assert_held_write(&vad->lock);
	if (vad->flags & NTMM_VAD_LARGE)
		return;	/* their locks are marks alone */
	if (vad->flags & NTMM_VAD_VIEW) {
		/* A view's page may be a file's, which truncation can take: its pin was kept. */
		xa_for_each_range(&vad->pins, idx, entry, first, last - 1) {
			unpin_user_page(entry);
			xa_erase(&vad->pins, idx);
		}
		return;
	}
	xa_for_each_range(&vad->marks, idx, entry, first, last - 1) {
		if (!(xa_to_value(entry) & PF_LOCKED))
			continue;
		/* A pinned folio is neither reclaimed, moved nor truncated: it is there. */
		folio = ntmm_space_find(vad->proc, pgoff + idx);
		if (WARN_ON_ONCE(!folio))
			continue;
		unpin_user_page(folio_file_page(folio, pgoff + idx));
		folio_unlock(folio);
		folio_put(folio);
	}
}

/**
 * ntmm_vad_release() - Free an allocation: its pages, their charge, its place.
 * @vad: the VAD; the caller holds a reference of its own.
 *
 * Once only: a VirtualFree and the munmap of its region may race to it.
 * Faults that come after find it dead and refuse; one in flight holds its
 * folio's lock, which truncation waits for before it zaps the PTE.
 */
void ntmm_vad_release(struct ntmm_vad *vad)
{
	unsigned long committed, i;
	bool dead;

	down_write(&vad->lock);
	dead = vad->dead;
	vad->dead = true;
	committed = vad->committed;
	vad->committed = 0;
	if (!dead)
		ntmm_vad_unpin(vad, 0, ntmm_vad_pages(vad));
	up_write(&vad->lock);
	if (dead)
		return;
	mtree_erase(&vad->proc->vads, vad->start);
	if (vad->large) {
		ntmm_space_unmap(vad->proc, vad->start, vad->end);
		for (i = 0; i < ntmm_vad_pages(vad) / NTMM_LARGE_NR; i++)
			ntmm_large_free(vad->large[i]);
	} else if (!(vad->flags & NTMM_VAD_VIEW) &&
		   ntmm_space_any(vad->proc, vad->start, vad->end)) {
		/* A page never touched has no PTE and no folio: nothing to free. */
		ntmm_space_punch(vad->proc, vad->start, vad->end);
	}
	if (committed)
		ntmm_commit_uncharge(vad->proc, committed);
	ntmm_vad_put(vad);	/* the tree's */
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_vad_release);

/**
 * ntmm_vad_release_range() - Release every allocation [@start, @end) touches.
 * @proc: the context.
 * @start: first byte.
 * @end: one past the last.
 *
 * For a region that goes (munmap of it, or the process's end): an
 * allocation that spans into another region goes whole.
 */
void ntmm_vad_release_range(struct ntmm_process *proc, unsigned long start,
			    unsigned long end)
{
	unsigned long index = start;
	struct ntmm_vad *vad;

	for (;;) {
		rcu_read_lock();
		vad = mt_find(&proc->vads, &index, end - 1);
		if (vad && !refcount_inc_not_zero(&vad->ref))
			vad = NULL;
		rcu_read_unlock();
		if (!vad)
			break;
		ntmm_vad_release(vad);
		ntmm_vad_put(vad);
		cond_resched();
	}
}

/**
 * ntmm_vad_protection() - A page's protection, 0 if it is not committed.
 * @vad: the VAD; under its lock or RCU.
 * @idx: the page.
 *
 * Return: the PAGE_* protection.
 */
u32 ntmm_vad_protection(struct ntmm_vad *vad, unsigned long idx)
{
	void *entry = mtree_load(&vad->prot, idx);

	return entry ? xa_to_value(entry) : 0;
}

/**
 * ntmm_vad_marks() - A page's PF_* flags.
 * @vad: the VAD; under its lock or RCU.
 * @idx: the page.
 *
 * Return: the flags.
 */
unsigned long ntmm_vad_marks(struct ntmm_vad *vad, unsigned long idx)
{
	void *entry = xa_load(&vad->marks, idx);

	return entry ? xa_to_value(entry) : 0;
}

/**
 * ntmm_vad_mark() - Set and clear PF_* flags of a page.
 * @vad: the VAD; its lock held for write.
 * @idx: the page.
 * @set: flags to set.
 * @clear: flags to clear.
 *
 * Return: 0, or -ENOMEM (nothing changed).
 */
int ntmm_vad_mark(struct ntmm_vad *vad, unsigned long idx, unsigned long set,
		  unsigned long clear)
{
	unsigned long old = ntmm_vad_marks(vad, idx), new = (old | set) & ~clear;

	lockdep_assert_held_write(&vad->lock);
	if (new == old)
		return 0;
	if (!new) {
		xa_erase(&vad->marks, idx);
		return 0;
	}
	return xa_err(xa_store(&vad->marks, idx, xa_mk_value(new), GFP_KERNEL_ACCOUNT));
}

/* Forget the flags of pages [@first, @last). Lock held for write. */
static void ntmm_vad_clear_marks(struct ntmm_vad *vad, unsigned long first, unsigned long last)
{
	unsigned long idx;
	void *entry;

	lockdep_assert_held_write(&vad->lock);
	xa_for_each_range(&vad->marks, idx, entry, first, last - 1)
		xa_erase(&vad->marks, idx);
}

/**
 * ntmm_vad_committed() - Are all pages [@first, @last) committed?
 * @vad: the VAD.
 * @first: first page index.
 * @last: one past the last page index.
 *
 * Return: true if they are.
 */
bool ntmm_vad_committed(struct ntmm_vad *vad, unsigned long first, unsigned long last)
{
	MA_STATE(mas, &vad->prot, first, first);
	unsigned long next = first;
	void *entry;

	rcu_read_lock();
	mas_for_each(&mas, entry, last - 1) {
		if (mas.index > next)
			break;
		next = mas.last + 1;
	}
	rcu_read_unlock();
	return next >= last;
}

/*
 * Pages of [@first, @last) committed; @uniform set if they all have
 * @protect, and @lost to the accesses (NT_ACCESS_*) some of them lose by
 * going to @protect: all of them for a guard page, which has no PTE.
 */
static unsigned long ntmm_vad_count(struct ntmm_vad *vad, unsigned long first,
				    unsigned long last, u32 protect, bool *uniform,
				    unsigned int *lost)
{
	MA_STATE(mas, &vad->prot, first, first);
	unsigned int keep = protect & NTMM_PAGE_GUARD ? 0 : nt_protect_access(protect);
	unsigned long n = 0;
	void *entry;

	*uniform = true;
	*lost = 0;
	rcu_read_lock();
	mas_for_each(&mas, entry, last - 1) {
		n += min(mas.last, last - 1) - max(mas.index, first) + 1;
		if (xa_to_value(entry) != protect) {
			*uniform = false;
			*lost |= nt_protect_access(xa_to_value(entry)) & ~keep;
		}
	}
	rcu_read_unlock();
	return n;
}

/* The start and end of pages [@first, @last) of @vad, as addresses. */
static void ntmm_vad_span(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			  unsigned long *start, unsigned long *end)
{
	*start = vad->start + (first << PAGE_SHIFT);
	*end = vad->start + (last << PAGE_SHIFT);
}

/*
 * ntmm_vad_revoke() for a view: its pages are the section's file's, whose
 * every mapping loses the PTEs (other views fault theirs back). Faults
 * around a fault, which map pages without asking, stop first, and the
 * grace period lets one that began before finish, so the settling that
 * follows sees its PTEs.
 */
static void ntmm_vad_revoke_view(struct ntmm_vad *vad, unsigned long first, unsigned long last,
				 unsigned int lost)
{
	struct address_space *mapping = vad->section->file->f_mapping;
	pgoff_t base = vad->offset >> PAGE_SHIFT;

	if (lost & (NT_ACCESS_READ | NT_ACCESS_EXECUTE)) {
		if (READ_ONCE(vad->fault_around)) {
			WRITE_ONCE(vad->fault_around, false);
			synchronize_rcu();
		}
		ntmm_mapping_settle(mapping, base + first, base + last);
	} else if (lost & NT_ACCESS_WRITE) {
		ntmm_mapping_wrprotect(mapping, base + first, base + last);
	}
}

/*
 * Take from the PTEs of pages [@first, @last) the accesses @lost: a page
 * that may no longer be read (or run) loses its PTE; one that may no longer
 * be written is write-protected, and its next write asks ->page_mkwrite.
 * With @every, the range holds every committed page of @vad, none of which
 * can be made writable meanwhile (proc->lock is held), so afterwards no
 * PTE of @vad is writable. Large pages are mapped without ->page_mkwrite,
 * so write_mapped says nothing of them.
 */
static void ntmm_vad_revoke(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			    unsigned int lost, bool every)
{
	bool tracked = !(vad->flags & (NTMM_VAD_LARGE | NTMM_VAD_VIEW));
	unsigned long start, end;

	lockdep_assert_held(&vad->proc->lock);
	if (vad->flags & NTMM_VAD_VIEW) {
		ntmm_vad_revoke_view(vad, first, last, lost);
		return;
	}
	ntmm_vad_span(vad, first, last, &start, &end);
	if (lost & (NT_ACCESS_READ | NT_ACCESS_EXECUTE))
		ntmm_space_settle(vad->proc, start, end);
	else if ((lost & NT_ACCESS_WRITE) && (!tracked || READ_ONCE(vad->write_mapped)))
		ntmm_space_wrprotect(vad->proc, start, end);
	if (every && tracked)
		WRITE_ONCE(vad->write_mapped, false);
}

/**
 * ntmm_vad_commit() - Commit pages [@first, @last) with @protect.
 * @vad: the VAD.
 * @first: first page index.
 * @last: one past the last page index.
 * @protect: a valid private protection (the allocation's caching applied).
 *
 * Pages already committed keep their contents and take @protect, as on
 * Windows; only newly committed pages are charged.
 *
 * Return: STATUS_SUCCESS, STATUS_COMMITMENT_LIMIT or STATUS_NO_MEMORY, with
 * nothing changed on failure.
 */
ntstatus_t ntmm_vad_commit(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			   u32 protect)
{
	unsigned long committed;
	bool uniform, every = false;
	unsigned int lost;
	ntstatus_t status;

	down_write(&vad->lock);
	committed = ntmm_vad_count(vad, first, last, protect, &uniform, &lost);
	status = ntmm_commit_charge(vad->proc, last - first - committed);
	if (status)
		goto out_unlock;
	if (ntmm_vad_set(vad, first, last, protect)) {
		ntmm_commit_uncharge(vad->proc, last - first - committed);
		status = STATUS_NO_MEMORY;
		goto out_unlock;
	}
	vad->committed += last - first - committed;
	every = vad->committed == last - first;
out_unlock:
	up_write(&vad->lock);
	/* Pages committed before under another protection may be mapped under it. */
	if (!status && lost)
		ntmm_vad_revoke(vad, first, last, lost, every);
	return status;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_vad_commit);

/**
 * ntmm_vad_decommit() - Decommit pages [@first, @last).
 * @vad: the VAD.
 * @first: first page index.
 * @last: one past the last page index.
 *
 * Reserved pages in the range are left as they are. Their data goes, their
 * flags too (a write watch forgets their writes, item 47), and a locked
 * page's lock ends.
 *
 * Return: STATUS_SUCCESS, or STATUS_NO_MEMORY with nothing changed.
 */
ntstatus_t ntmm_vad_decommit(struct ntmm_vad *vad, unsigned long first, unsigned long last)
{
	unsigned long committed, start, end;
	unsigned int lost;
	bool uniform;

	down_write(&vad->lock);
	committed = ntmm_vad_count(vad, first, last, 0, &uniform, &lost);
	if (ntmm_vad_set(vad, first, last, 0)) {
		up_write(&vad->lock);
		return STATUS_NO_MEMORY;
	}
	ntmm_vad_unpin(vad, first, last);
	ntmm_vad_clear_marks(vad, first, last);
	vad->committed -= committed;
	up_write(&vad->lock);
	ntmm_vad_span(vad, first, last, &start, &end);
	if (ntmm_space_any(vad->proc, start, end))
		ntmm_space_punch(vad->proc, start, end);
	if (committed)
		ntmm_commit_uncharge(vad->proc, committed);
	return STATUS_SUCCESS;
}

/**
 * ntmm_vad_protect() - Give pages [@first, @last) protection @protect.
 * @vad: the VAD.
 * @first: first page index.
 * @last: one past the last page index.
 * @protect: a valid private protection (the allocation's caching applied).
 * @old_protect: set to the first page's protection before.
 *
 * Return: STATUS_SUCCESS, STATUS_NOT_COMMITTED (nothing changed) if any
 * page of the range is not committed, or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_vad_protect(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			    u32 protect, u32 *old_protect)
{
	unsigned int lost;
	bool uniform, every;

	down_write(&vad->lock);
	if (ntmm_vad_count(vad, first, last, protect, &uniform, &lost) != last - first) {
		up_write(&vad->lock);
		return STATUS_NOT_COMMITTED;
	}
	*old_protect = ntmm_vad_protection(vad, first);
	if (!uniform && ntmm_vad_set(vad, first, last, protect)) {
		up_write(&vad->lock);
		return STATUS_NO_MEMORY;
	}
	every = vad->committed == last - first;
	up_write(&vad->lock);
	/* Gained accesses come at the next fault; lost ones go now. */
	if (lost)
		ntmm_vad_revoke(vad, first, last, lost, every);
	return STATUS_SUCCESS;
}

/**
 * ntmm_vad_block_uniform() - May the 2 MiB block holding page @idx be mapped whole?
 * @vad: the VAD; its lock held.
 * @idx: a page index inside it.
 *
 * Only if the block lies inside @vad and all its pages are committed with
 * the one protection, none a guard page nor reset, and @vad keeps no write
 * watch: then one PMD grants each page what its own state does.
 *
 * Return: true if it may.
 */
bool ntmm_vad_block_uniform(struct ntmm_vad *vad, unsigned long idx)
{
	MA_STATE(mas, &vad->prot, 0, 0);
	unsigned long addr = vad->start + (idx << PAGE_SHIFT), first, last, i;
	void *entry;

	lockdep_assert_held(&vad->lock);
	addr &= ~(NTMM_LARGE_SIZE - 1);
	if (addr < vad->start || addr + NTMM_LARGE_SIZE > vad->end ||
	    (vad->flags & NTMM_VAD_WRITE_WATCH))
		return false;
	first = ntmm_vad_index(vad, addr);
	last = first + NTMM_LARGE_NR - 1;
	mas_set(&mas, first);
	rcu_read_lock();
	entry = mas_walk(&mas);
	rcu_read_unlock();
	if (!entry || mas.last < last || (xa_to_value(entry) & NTMM_PAGE_GUARD))
		return false;
	xa_for_each_range(&vad->marks, i, entry, first, last)
		if (xa_to_value(entry) & PF_RESET)
			return false;
	return true;
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
	MA_STATE(mas, &vad->prot, idx, idx);
	void *entry;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "page states read without RCU");
	entry = mas_walk(&mas);
	*protect = entry ? xa_to_value(entry) : 0;
	*state = entry ? NTMM_MEM_COMMIT : NTMM_MEM_RESERVE;
	/* A run ends with its entry (an empty tree's ends at ULONG_MAX), or the allocation. */
	*pages = min(mas.last, ntmm_vad_pages(vad) - 1) + 1 - idx;
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
	u32 prot;

	lockdep_assert_held_write(&vad->lock);
	for (idx = first; idx < last; idx++) {
		prot = ntmm_vad_protection(vad, idx);
		if (!nt_protect_access(prot))
			return STATUS_ACCESS_VIOLATION;
		if (prot & NTMM_PAGE_GUARD) {
			/* No PTE maps a guard page: nothing to settle. */
			if (ntmm_vad_set(vad, idx, idx + 1, prot & ~NTMM_PAGE_GUARD))
				return STATUS_NO_MEMORY;
			return STATUS_GUARD_PAGE_VIOLATION;
		}
	}
	return STATUS_SUCCESS;
}

/* Clear @flag on pages [@first, @last). Lock held for write; never allocates. */
static void ntmm_vad_unmark_range(struct ntmm_vad *vad, unsigned long first, unsigned long last,
				  unsigned long flag)
{
	unsigned long idx;
	void *entry;

	xa_for_each_range(&vad->marks, idx, entry, first, last - 1)
		ntmm_vad_mark(vad, idx, 0, flag);
}

/* Pin the folios of pages [@first, @last) of @vad into @pages; how many were. */
static unsigned long ntmm_vad_pin(struct ntmm_vad *vad, unsigned long first, unsigned long last,
				  struct page **pages)
{
	unsigned long start = vad->start + (first << PAGE_SHIFT), n = 0;

	mmap_assert_locked(vad->proc->mm);
	while (first + n < last && ntmm_pin_user_page(start + (n << PAGE_SHIFT), &pages[n]) == 1)
		n++;
	return n;
}

/*
 * Mark pages [@first, @last) locked, all or none. @pages, if given, holds a
 * new pin of each: a page locked before keeps the one pin it has, and its
 * new one is dropped here on success. Slots are reserved first, so that
 * setting the marks cannot fail halfway. Lock held for write.
 */
static ntstatus_t ntmm_vad_mark_locked(struct ntmm_vad *vad, unsigned long first,
				       unsigned long last, struct page **pages)
{
	unsigned long idx;

	/* A view's pins are kept (large pages have none: their mark is their lock). */
	bool view = (vad->flags & NTMM_VAD_VIEW) && pages;

	lockdep_assert_held_write(&vad->lock);
	for (idx = first; idx < last; idx++) {
		if (xa_reserve(&vad->marks, idx, GFP_KERNEL_ACCOUNT) ||
		    (view && xa_reserve(&vad->pins, idx, GFP_KERNEL_ACCOUNT))) {
			xa_release(&vad->marks, idx);
			while (idx-- > first) {
				xa_release(&vad->marks, idx);
				xa_release(&vad->pins, idx);
			}
			return STATUS_NO_MEMORY;
		}
	}
	for (idx = first; idx < last; idx++) {
		if (ntmm_vad_marks(vad, idx) & PF_LOCKED) {
			if (pages)
				unpin_user_page(pages[idx - first]);
			continue;
		}
		ntmm_vad_mark(vad, idx, PF_LOCKED, 0);	/* into its reserved slot */
		if (view)
			xa_store(&vad->pins, idx, pages[idx - first], GFP_NOWAIT);
	}
	return STATUS_SUCCESS;
}

/**
 * ntmm_vad_lock() - Lock or unlock pages [@first, @last).
 * @vad: the VAD; mmap_lock held for read.
 * @first: first page index.
 * @last: one past the last page index.
 * @lock: true to lock, false to unlock.
 *
 * Locking needs every page committed and accessible; each is then faulted
 * in and its folio pinned (pin_user_pages(), FOLL_LONGTERM), so reclaim
 * and migration leave it where it is; a page locked before stays pinned
 * once. Large pages, resident and unmovable already, are only marked.
 * Unlocking needs every page locked. Nothing changes on failure, but
 * for the guard a lock clears.
 *
 * Return: STATUS_SUCCESS, STATUS_NOT_COMMITTED, STATUS_ACCESS_VIOLATION
 * (a no-access page), STATUS_GUARD_PAGE_VIOLATION, STATUS_NOT_LOCKED or
 * STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_vad_lock(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			 bool lock)
{
	unsigned long idx, i, got;
	struct page **pages;
	unsigned int lost;
	ntstatus_t status;
	bool uniform;

	down_write(&vad->lock);
	status = STATUS_NOT_COMMITTED;
	if (ntmm_vad_count(vad, first, last, 0, &uniform, &lost) != last - first)
		goto out_unlock;
	if (!lock) {
		status = STATUS_NOT_LOCKED;
		for (idx = first; idx < last; idx++)
			if (!(ntmm_vad_marks(vad, idx) & PF_LOCKED))
				goto out_unlock;
		ntmm_vad_unpin(vad, first, last);
		ntmm_vad_unmark_range(vad, first, last, PF_LOCKED);
		status = STATUS_SUCCESS;
		goto out_unlock;
	}
	status = ntmm_vad_lockable(vad, first, last);
	/* Large pages are resident and unmovable: their mark is their lock. */
	if (status || (vad->flags & NTMM_VAD_LARGE)) {
		if (!status)
			status = ntmm_vad_mark_locked(vad, first, last, NULL);
		goto out_unlock;
	}
	up_write(&vad->lock);

	/* Faults take the VAD's lock: pin with it dropped, then mark what was pinned. */
	pages = kvmalloc_array(last - first, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return STATUS_NO_MEMORY;
	got = ntmm_vad_pin(vad, first, last, pages);
	down_write(&vad->lock);
	status = STATUS_NO_MEMORY;
	/* A page decommitted meanwhile, or the VAD gone, fails the call. */
	if (got == last - first && !vad->dead &&
	    ntmm_vad_count(vad, first, last, 0, &uniform, &lost) == got) {
		status = ntmm_vad_mark_locked(vad, first, last, pages);
		if (!status)
			got = 0;	/* the pins left are the lock */
	}
	for (i = 0; i < got; i++)
		unpin_user_page(pages[i]);
	kvfree(pages);
out_unlock:
	up_write(&vad->lock);
	return status;
}

/**
 * ntmm_vad_write_watch() - Find pages written since their last reset.
 * @vad: a VAD made with MEM_WRITE_WATCH.
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

	down_read(&vad->lock);
	xa_for_each_range(&vad->marks, idx, entry, *first, last - 1) {
		if (!(xa_to_value(entry) & PF_WRITTEN))
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

/* Forget the write to page @idx of the VAD. Lock held for write; settled after. */
static void ntmm_vad_forget_write(struct ntmm_vad *vad, unsigned long idx)
{
	/* Clearing a flag never allocates. */
	ntmm_vad_mark(vad, idx, 0, PF_WRITTEN);
}

/**
 * ntmm_vad_reset_watch() - Forget the writes to the pages @found.
 * @vad: a VAD made with MEM_WRITE_WATCH.
 * @found: page indexes, as ntmm_vad_write_watch() found them, ascending.
 * @n: how many.
 *
 * Each page's next write faults again to be seen.
 */
void ntmm_vad_reset_watch(struct ntmm_vad *vad, const unsigned long *found, unsigned long n)
{
	unsigned long i;

	if (!n)
		return;
	down_write(&vad->lock);
	for (i = 0; i < n; i++)
		ntmm_vad_forget_write(vad, found[i]);
	up_write(&vad->lock);
	for (i = 0; i < n; i++)
		ntmm_vad_revoke(vad, found[i], found[i] + 1, NT_ACCESS_WRITE, false);
}

/**
 * ntmm_vad_reset_watch_range() - Forget every write in [@first, @last) (ResetWriteWatch).
 * @vad: a VAD made with MEM_WRITE_WATCH.
 * @first: first page index.
 * @last: one past the last page index.
 */
void ntmm_vad_reset_watch_range(struct ntmm_vad *vad, unsigned long first, unsigned long last)
{
	unsigned long idx;
	void *entry;

	down_write(&vad->lock);
	xa_for_each_range(&vad->marks, idx, entry, first, last - 1)
		ntmm_vad_forget_write(vad, idx);
	up_write(&vad->lock);
	ntmm_vad_revoke(vad, first, last, NT_ACCESS_WRITE, false);
}
