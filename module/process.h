/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address-space contexts: one per mm that opened /dev/ntmm, shared by its
 * threads, holding what the memory manager keeps for that process.
 */
#ifndef NTMM_PROCESS_H
#define NTMM_PROCESS_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/maple_tree.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "vm/fault_reason.h"

/* Released allocations noted before their page tables are given back in one go. */
#define NTMM_STALE_RANGES	32

struct file;
struct mm_struct;
struct mmu_notifier;
struct ntmm_pool_quota;
struct task_struct;

/**
 * struct ntmm_process - the ntmm context of one address space.
 * @mm:		the address space, held by mmgrab(): the key of the context
 *		and the one mm allowed to use it.
 * @ref:	one reference per open file of the process, per VMA of its
 *		regions, and per caller of ntmm_process_get(); the context
 *		dies with the last.
 * @hash:	in process.c's table, under its lock.
 * @lock:	serializes the NT calls that change the address space, each a
 *		check followed by a change. Taken before mmap_lock.
 * @vads:	the allocations (VADs), by address range: a maple tree in RCU
 *		mode, with gaps tracked for placement. Written by NT calls
 *		under @lock, and by a region's ->close; read under RCU.
 * @space:	the address space file whose folios back every allocation
 *		(vm/space.c), made with the first region; NULL before.
 * @vehicle:	the file through which calls from other processes map this
 *		one's regions, as its own /dev/ntmm does (remote.c); made at
 *		the first, set once; NULL before. It holds no reference.
 * @commit:	pages this process has committed (atomic: faults never touch it).
 * @bottom_up_base: where bottom-up searches start (randomized at creation).
 * @map_task:	the task inside ntmm's own vm_mmap() or vm_munmap() of a
 *		region: ->mmap adopts only its mapping, ->close and
 *		->may_split let only it change regions without releasing.
 * @map_start:	the range @map_task is mapping.
 * @map_end:	its end.
 * @map_kind:	what for (enum ntmm_region_kind).
 * @map_ops:	or, for a VMA of another kind (a large-page section's view),
 *		its vm_ops, with @map_private its vm_private_data. All six
 *		under @lock.
 * @map_private: see @map_ops.
 * @spare_start: the empty region kept for the next allocations (vm/region.c).
 * @spare_end:	its end; under @lock.
 * @stale:	starts of released allocations whose page tables may be left
 *		(vm/region.c gives them back in batches).
 * @nr_stale:	how many; both under @lock.
 * @exit:	the mmu notifier that frees the memory as the mm goes
 *		(vm/exit.c), set with the first region; under @lock.
 * @faults:	refused accesses, for libntmm's exception handling.
 * @pool_quota:	kernel pool bytes charged to this process (POOL_FLAG_USE_QUOTA).
 * @rcu:	frees the context after the pools' RCU lookups are done.
 */
struct ntmm_process {
	struct mm_struct *mm;
	struct kref ref;
	struct hlist_node hash;
	struct mutex lock;		/* see above: one NT call at a time */
	struct maple_tree vads;
	struct file *space;
	struct file *vehicle;
	atomic_long_t commit;
	unsigned long bottom_up_base;
	struct task_struct *map_task;
	unsigned long map_start;
	unsigned long map_end;
	unsigned int map_kind;
	const struct vm_operations_struct *map_ops;
	void *map_private;
	unsigned long spare_start;
	unsigned long spare_end;
	unsigned long stale[NTMM_STALE_RANGES];
	unsigned int nr_stale;
	struct mmu_notifier *exit;
	struct ntmm_fault_reasons faults;
	struct ntmm_pool_quota *pool_quota;
	struct rcu_head rcu;
};

struct ntmm_process *ntmm_process_get(struct mm_struct *mm);
void ntmm_process_hold(struct ntmm_process *proc);
void ntmm_process_put(struct ntmm_process *proc);
unsigned long ntmm_process_frames(void);
unsigned int ntmm_process_count(void);
struct ntmm_pool_quota *ntmm_process_pool_quota(struct mm_struct *mm);

#endif /* NTMM_PROCESS_H */
