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
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "vm/fault_reason.h"

struct mm_struct;
struct ntmm_pool_quota;
struct ntmm_vad;
struct task_struct;

/**
 * struct ntmm_process - the ntmm context of one address space.
 * @mm:		the address space, held by mmgrab(): the key of the context
 *		and the one mm allowed to use it.
 * @ref:	one reference per open file of the process (and per caller of
 *		ntmm_process_get()); the context dies with the last.
 * @hash:	in process.c's table, under its lock.
 * @lock:	serializes the NT calls that change the address space, each a
 *		check followed by a change. Taken before mmap_lock.
 * @vads:	the allocations, by address range (a maple tree in RCU mode).
 *		Written only with mmap_lock held for write (the device's
 *		->mmap and the VMAs' ->close), read under RCU or mmap_lock.
 * @commit:	pages this process has committed (atomic: faults never touch it).
 * @bottom_up_base: where bottom-up searches start (randomized at creation).
 * @mmap_vad:	the VAD an allocating call is mapping, for ->mmap to adopt;
 *		only @mmap_task's mmap may take it. Both written under @lock.
 * @mmap_task:	the task inside vm_mmap() for @mmap_vad.
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
	atomic_long_t commit;
	unsigned long bottom_up_base;
	struct ntmm_vad *mmap_vad;
	struct task_struct *mmap_task;
	struct ntmm_fault_reasons faults;
	struct ntmm_pool_quota *pool_quota;
	struct rcu_head rcu;
};

struct ntmm_process *ntmm_process_get(struct mm_struct *mm);
void ntmm_process_put(struct ntmm_process *proc);
unsigned int ntmm_process_count(void);
struct ntmm_pool_quota *ntmm_process_pool_quota(struct mm_struct *mm);

#endif /* NTMM_PROCESS_H */
