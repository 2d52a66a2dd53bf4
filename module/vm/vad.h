/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VADs: one allocation (a VirtualAlloc reservation) each, mapped by one VMA
 * of /dev/ntmm, with a state per committed page (page_state.h).
 *
 * Locking, outermost first:
 *   ntmm_process.lock   one NT call that changes the address space at a time
 *   mmap_lock           the mm's; VMAs, and so the VAD tree's writers
 *   ntmm_vad.lock       a VAD's page states against its page tables
 *   PTE lock            taken by the accessed-bit harvest (ntmm_vad_zap()),
 *                       which then reads and stores page states:
 *   xa_lock             a VAD's xarray (the innermost)
 *   ntmm_reset_lock     the list of VADs holding reset frames (vad.c); taken
 *                       after a VAD's lock, or before it with a trylock only
 * Faults come in holding mmap_lock (or, on 6.12, the VMA's lock) and take
 * only ntmm_vad.lock for read. VirtualQuery reads the VAD tree and the page
 * states under RCU.
 */
#ifndef NTMM_VM_VAD_H
#define NTMM_VM_VAD_H

#include <linux/list.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "../ntstatus.h"
#include "large.h"

struct ntmm_process;
struct vm_area_struct;

/* Flags of a VAD. */
#define NTMM_VAD_WRITE_WATCH	BIT(0)
#define NTMM_VAD_LARGE		BIT(1)	/* MEM_LARGE_PAGES: 2 MiB frames */

/**
 * struct ntmm_vad - one allocation (a VirtualAlloc reservation): one VMA.
 * @proc:	the owning context; it outlives the VAD (the VMA holds the file).
 * @start:	first byte, 64 KiB aligned; the VMA's start.
 * @end:	one past the last byte, page aligned; the VMA's end.
 * @alloc_protect: the protection given at allocation (AllocationProtect).
 * @flags:	NTMM_VAD_*.
 * @node:	the NUMA node frames come from first, or NUMA_NO_NODE for the
 *		node of the CPU that first touches the page.
 * @lock:	faults hold it for read from checking a page's state to mapping
 *		it; calls that change states hold it for write and zap the
 *		affected PTEs before dropping it, so no PTE outlives its state.
 * @pages:	page index -> state (a value entry, see page_state.h) for
 *		committed pages; a missing entry is a reserved page. Changed
 *		under @lock held for write, except by faults, which hold it for
 *		read and change an entry only with xa_cmpxchg() (frame, guard).
 * @reset_node: on the list of VADs that may hold reset frames, under
 *		ntmm_reset_lock.
 * @ahead:	some pages were mapped ahead of their first touch (a
 *		transparent frame, large.c); set by faults, never cleared.
 * @rcu:	frees the VAD after RCU readers (VirtualQuery) are done.
 */
struct ntmm_vad {
	struct ntmm_process *proc;
	unsigned long start;
	unsigned long end;
	u32 alloc_protect;
	u32 flags;
	int node;
	struct rw_semaphore lock;
	struct xarray pages;
	struct list_head reset_node;
	bool ahead;
	struct rcu_head rcu;
};

/* The page index of @addr in @vad. */
static inline unsigned long ntmm_vad_index(const struct ntmm_vad *vad, unsigned long addr)
{
	return (addr - vad->start) >> PAGE_SHIFT;
}

struct ntmm_vad *ntmm_vad_create(struct ntmm_process *proc,
				 unsigned long start, unsigned long end,
				 u32 protect, u32 flags, int node);
void ntmm_vad_destroy(struct ntmm_vad *vad);
ntstatus_t ntmm_vad_commit_new(struct ntmm_vad *vad, u32 protect);
ntstatus_t ntmm_vad_commit_large(struct ntmm_vad *vad, u32 protect);
ntstatus_t ntmm_vad_commit(struct ntmm_vad *vad, struct vm_area_struct *vma,
			   unsigned long first, unsigned long last, u32 protect);
void ntmm_vad_decommit(struct ntmm_vad *vad, struct vm_area_struct *vma,
		       unsigned long first, unsigned long last);
ntstatus_t ntmm_vad_protect(struct ntmm_vad *vad, struct vm_area_struct *vma,
			    unsigned long first, unsigned long last, u32 protect,
			    u32 *old_protect);
void ntmm_vad_query(struct ntmm_vad *vad, unsigned long idx,
		    u32 *state, u32 *protect, unsigned long *pages);
ntstatus_t ntmm_vad_lock(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			 bool lock);
unsigned long ntmm_vad_write_watch(struct ntmm_vad *vad, unsigned long *first,
				   unsigned long last, unsigned long *found, unsigned long max);
void ntmm_vad_reset_watch(struct ntmm_vad *vad, struct vm_area_struct *vma,
			  const unsigned long *found, unsigned long n);
void ntmm_vad_reset_watch_range(struct ntmm_vad *vad, struct vm_area_struct *vma,
				unsigned long first, unsigned long last);
void ntmm_vad_zap(struct ntmm_vad *vad, struct vm_area_struct *vma,
		  unsigned long first, unsigned long last);
void ntmm_vad_split_frames(struct ntmm_vad *vad, unsigned long first,
			   unsigned long last, bool all);

/* Frames: every frame a VAD holds is counted, for debugfs and the leak tests. */
struct page *ntmm_vad_alloc_frame(struct ntmm_vad *vad);
void ntmm_vad_count_frames(long frames);
long ntmm_frames(void);

/* Reset frames, which the reset shrinker (reset.c) may take. */
void ntmm_vad_reset_forget(struct ntmm_vad *vad, unsigned long idx);
void ntmm_vad_reset_listed(struct ntmm_vad *vad, long frames);
unsigned long ntmm_vad_reset_reclaim(unsigned long max);
long ntmm_reset_frames(void);

#endif /* NTMM_VM_VAD_H */
