// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space contexts: one per mm that opened /dev/ntmm.
 *
 * Threads share an mm, so they share the context; a second open in the same
 * process finds it again; a forked child has its own mm and gets its own.
 * The context holds its mm with mmgrab(), so an mm's address cannot be
 * reused by another process while a context is keyed on it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/file.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "pool/quota.h"
#include "process.h"
#include "vm/exit.h"
#include "vm/placement.h"
#include "vm/space.h"

/* Contexts are hashed by their mm's address. */
#define NTMM_PROCESS_HASH_BITS	6

/*
 * ntmm_processes_lock protects ntmm_processes and ntmm_nr_processes. The
 * last reference is dropped with kref_put_mutex(), under the lock, so a
 * lookup never finds a context that is being freed. Only open and release
 * take it: it is never on a fault or ioctl path. The pools, which may run
 * in atomic context, look contexts up under RCU instead (contexts are freed
 * after a grace period) and take only their quota.
 */
static DEFINE_MUTEX(ntmm_processes_lock);
static DEFINE_HASHTABLE(ntmm_processes, NTMM_PROCESS_HASH_BITS);
static unsigned int ntmm_nr_processes;

/**
 * ntmm_process_get() - Find or create the context of an address space.
 * @mm: the address space, normally current->mm.
 *
 * Return: the context with a new reference, or ERR_PTR(-ENOMEM).
 */
struct ntmm_process *ntmm_process_get(struct mm_struct *mm)
{
	struct ntmm_process *proc;

	mutex_lock(&ntmm_processes_lock);
	hash_for_each_possible(ntmm_processes, proc, hash, (unsigned long)mm) {
		if (proc->mm == mm) {
			kref_get(&proc->ref);
			goto out_unlock;
		}
	}
	proc = kzalloc(sizeof(*proc), GFP_KERNEL_ACCOUNT);
	if (!proc) {
		proc = ERR_PTR(-ENOMEM);
		goto out_unlock;
	}
	proc->pool_quota = ntmm_pool_quota_new();
	if (!proc->pool_quota) {
		kfree(proc);
		proc = ERR_PTR(-ENOMEM);
		goto out_unlock;
	}
	/* Its regions outlive the file that made them: they need the module's code. */
	__module_get(THIS_MODULE);
	mmgrab(mm);
	proc->mm = mm;
	kref_init(&proc->ref);
	mutex_init(&proc->lock);
	mt_init_flags(&proc->vads, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU);
	atomic_long_set(&proc->commit, 0);
	proc->bottom_up_base = ntmm_placement_base();
	ntmm_fault_reasons_init(&proc->faults);
	hash_add_rcu(ntmm_processes, &proc->hash, (unsigned long)mm);
	ntmm_nr_processes++;
out_unlock:
	mutex_unlock(&ntmm_processes_lock);
	return proc;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_process_get);

/* Called by kref_put_mutex() with ntmm_processes_lock held; drops it. */
static void ntmm_process_release(struct kref *ref)
{
	struct ntmm_process *proc = container_of(ref, struct ntmm_process, ref);

	lockdep_assert_held(&ntmm_processes_lock);
	hash_del_rcu(&proc->hash);
	ntmm_nr_processes--;
	mutex_unlock(&ntmm_processes_lock);
	/* Every region held a reference, and released its VADs when it went. */
	WARN_ON_ONCE(!mtree_empty(&proc->vads) || atomic_long_read(&proc->commit));
	mtree_destroy(&proc->vads);
	ntmm_space_close(proc);
	if (proc->vehicle)
		fput(proc->vehicle);
	ntmm_exit_unwatch(proc);
	mutex_destroy(&proc->lock);
	ntmm_pool_quota_put(proc->pool_quota);
	mmdrop(proc->mm);
	/* The pools may be looking at it under RCU. */
	kfree_rcu(proc, rcu);
	module_put(THIS_MODULE);
}

/**
 * ntmm_process_hold() - Take another reference to a context one holds.
 * @proc: the context.
 */
void ntmm_process_hold(struct ntmm_process *proc)
{
	kref_get(&proc->ref);
}

/**
 * ntmm_process_put() - Drop a reference; the last one frees the context.
 * @proc: the context.
 */
void ntmm_process_put(struct ntmm_process *proc)
{
	kref_put_mutex(&proc->ref, ntmm_process_release, &ntmm_processes_lock);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_process_put);

/**
 * ntmm_process_count() - The number of live contexts.
 *
 * Return: that number, as debugfs shows it.
 */
unsigned int ntmm_process_count(void)
{
	unsigned int n;

	mutex_lock(&ntmm_processes_lock);
	n = ntmm_nr_processes;
	mutex_unlock(&ntmm_processes_lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_process_count);

/**
 * ntmm_process_frames() - Pages of memory all contexts' allocations hold.
 *
 * Return: the pages their address space files hold in memory, for debugfs
 * and the leak tests (large pages are counted by large.c).
 */
unsigned long ntmm_process_frames(void)
{
	struct ntmm_process *proc;
	unsigned long n = 0;
	int bkt;

	mutex_lock(&ntmm_processes_lock);
	hash_for_each(ntmm_processes, bkt, proc, hash)
		n += ntmm_space_pages(proc);
	mutex_unlock(&ntmm_processes_lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_process_frames);

/**
 * ntmm_process_pool_quota() - The pool quota of @mm's context, if it has one.
 * @mm: the calling process's address space (NULL for a kernel thread).
 *
 * Context: any; takes no sleeping lock.
 * Return: the quota with a reference, or NULL.
 */
struct ntmm_pool_quota *ntmm_process_pool_quota(struct mm_struct *mm)
{
	struct ntmm_pool_quota *q = NULL;
	struct ntmm_process *proc;

	if (!mm)
		return NULL;
	rcu_read_lock();
	hash_for_each_possible_rcu(ntmm_processes, proc, hash, (unsigned long)mm) {
		if (proc->mm == mm && refcount_inc_not_zero(&proc->pool_quota->ref)) {
			q = proc->pool_quota;
			break;
		}
	}
	rcu_read_unlock();
	return q;
}
