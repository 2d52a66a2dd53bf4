/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VADs: one allocation (a VirtualAlloc reservation) each, inside regions
 * (region.c), with the state of each page: its protection, as runs in a
 * maple tree (a committed page has one, a reserved page none), and the
 * flags a page can carry on its own (locked, written since the write watch
 * was reset, reset by MEM_RESET), in an xarray.
 *
 * Locking, outermost first:
 *   ntmm_process.lock   one NT call that changes the address space at a time
 *   mmap_lock           held for read by NT calls that act on VADs (a region
 *                       cannot be unmapped under them), for write to make,
 *                       re-window or unmap regions
 *   ntmm_vad.lock       a VAD's states: faults hold it for read from reading
 *                       a page's state to taking its folio, and for write to
 *                       change a state; every other change holds it for write
 *   folio lock          taken under a VAD's lock by faults, and by
 *                       ntmm_space_settle() and truncation after a change,
 *                       which so wait for a fault that read the old state
 *   maple tree / xarray locks (innermost, their own)
 * VirtualQuery reads the VAD tree and the states under RCU. A VAD's memory
 * lives as long as a reference: the VAD tree holds one, and every NT call
 * or fault using it takes one (ntmm_vad_get()).
 */
#ifndef NTMM_VM_VAD_H
#define NTMM_VM_VAD_H

#include <linux/maple_tree.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "../ntstatus.h"
#include "large.h"

struct folio;
struct ntmm_process;
struct ntmm_section;

/* Flags of a VAD. */
#define NTMM_VAD_WRITE_WATCH	BIT(0)
#define NTMM_VAD_LARGE		BIT(1)	/* MEM_LARGE_PAGES: 2 MiB folios */
#define NTMM_VAD_VIEW		BIT(2)	/* a view of a section (view.c): MEM_MAPPED */
#define NTMM_VAD_PLACEHOLDER	BIT(3)	/* MEM_RESERVE_PLACEHOLDER (placeholder.c) */
#define NTMM_VAD_REPLACED	BIT(4)	/* made in a placeholder's place: may give it back */

/* Flags of a page (ntmm_vad.marks). */
#define PF_LOCKED	BIT(0)	/* VirtualLock: its folio pinned */
#define PF_WRITTEN	BIT(1)	/* written since the write watch was reset */
#define PF_RESET	BIT(2)	/* MEM_RESET: its data may go under memory pressure */
#define PF_LOST		BIT(3)	/* reset, and its data went: MEM_RESET_UNDO fails */

/**
 * struct ntmm_vad - one allocation.
 * @proc:	the owning context; it outlives the VAD.
 * @ref:	the VAD tree's reference, and one per user (ntmm_vad_get()).
 * @start:	first byte, 64 KiB aligned.
 * @end:	one past the last byte, page aligned.
 * @alloc_protect: the protection given at allocation (AllocationProtect).
 * @flags:	NTMM_VAD_*.
 * @node:	the NUMA node fresh pages come from, or NUMA_NO_NODE for the
 *		node of the CPU that first touches the page.
 * @lock:	orders state changes against faults (see above).
 * @dead:	released: no page is accessible any more. Set under @lock.
 * @prot:	page index -> PAGE_* protection, as runs, for committed pages;
 *		a hole is a reserved page. RCU mode: VirtualQuery reads it
 *		unlocked. Written under @lock held for write.
 * @marks:	page index -> PF_* for pages that have any (value entries).
 *		Written under @lock held for write.
 * @committed:	pages committed, under @lock: their charge.
 * @write_mapped: a PTE of the VAD may be writable. ->page_mkwrite sets it,
 *		holding @lock for read, before it lets a write through; a
 *		revoke of every committed page's write clears it after the
 *		PTEs are write-protected (or gone). While it is clear, taking
 *		write away needs no page-table walk.
 * @large:	with NTMM_VAD_LARGE, the 2 MiB folio of each large page.
 * @section:	with NTMM_VAD_VIEW, the section viewed, with a reference.
 * @offset:	with NTMM_VAD_VIEW, where in the section the view starts.
 * @fault_around: a view whose pages all read alike: faults may map the
 *		pages around them (the file's ->map_pages, under RCU).
 *		Cleared, then an RCU grace period, before a right is revoked.
 * @pins:	with NTMM_VAD_VIEW, the pinned page of each locked page.
 * @notify:	a writable shared view's VMA asks ->page_mkwrite (write-notify):
 *		from the first page that may be read but not written. Set
 *		under mmap_lock held for write.
 * @rcu:	frees the VAD after RCU readers are done.
 */
struct ntmm_vad {
	struct ntmm_process *proc;
	refcount_t ref;
	unsigned long start;
	unsigned long end;
	u32 alloc_protect;
	u32 flags;
	int node;
	struct rw_semaphore lock;
	bool dead;
	struct maple_tree prot;
	struct xarray marks;
	unsigned long committed;
	bool write_mapped;
	struct folio **large;
	struct ntmm_section *section;
	u64 offset;
	bool fault_around;
	struct xarray pins;
	bool notify;
	struct rcu_head rcu;
};

/* The page index of @addr in @vad. */
static inline unsigned long ntmm_vad_index(const struct ntmm_vad *vad, unsigned long addr)
{
	return (addr - vad->start) >> PAGE_SHIFT;
}

/* The pages of @vad. */
static inline unsigned long ntmm_vad_pages(const struct ntmm_vad *vad)
{
	return (vad->end - vad->start) >> PAGE_SHIFT;
}

struct ntmm_vad *ntmm_vad_create(struct ntmm_process *proc,
				 unsigned long start, unsigned long end,
				 u32 protect, u32 flags, int node);
void ntmm_vad_put(struct ntmm_vad *vad);
struct ntmm_vad *ntmm_vad_get(struct ntmm_process *proc, unsigned long addr);
bool ntmm_vad_any(struct ntmm_process *proc, unsigned long start, unsigned long end);
void ntmm_vad_discard(struct ntmm_vad *vad);
ntstatus_t ntmm_vad_insert(struct ntmm_vad *vad);
bool ntmm_vad_committed(struct ntmm_vad *vad, unsigned long first, unsigned long last);
void ntmm_vad_release(struct ntmm_vad *vad);
void ntmm_vad_release_range(struct ntmm_process *proc, unsigned long start,
			    unsigned long end);

int ntmm_vad_set(struct ntmm_vad *vad, unsigned long first, unsigned long last, u32 protect);
u32 ntmm_vad_protection(struct ntmm_vad *vad, unsigned long idx);
unsigned long ntmm_vad_marks(struct ntmm_vad *vad, unsigned long idx);
int ntmm_vad_mark(struct ntmm_vad *vad, unsigned long idx, unsigned long set,
		  unsigned long clear);

ntstatus_t ntmm_vad_commit(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			   u32 protect);
ntstatus_t ntmm_vad_decommit(struct ntmm_vad *vad, unsigned long first, unsigned long last);
ntstatus_t ntmm_vad_protect(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			    u32 protect, u32 *old_protect);
bool ntmm_vad_block_uniform(struct ntmm_vad *vad, unsigned long idx);
void ntmm_vad_query(struct ntmm_vad *vad, unsigned long idx,
		    u32 *state, u32 *protect, unsigned long *pages);
ntstatus_t ntmm_vad_lock(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			 bool lock);
unsigned long ntmm_vad_write_watch(struct ntmm_vad *vad, unsigned long *first,
				   unsigned long last, unsigned long *found, unsigned long max);
void ntmm_vad_reset_watch(struct ntmm_vad *vad, const unsigned long *found, unsigned long n);
void ntmm_vad_reset_watch_range(struct ntmm_vad *vad, unsigned long first, unsigned long last);

#endif /* NTMM_VM_VAD_H */
