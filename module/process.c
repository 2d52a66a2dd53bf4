// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space contexts: one per mm that opened /dev/winmm.
 *
 * Threads share an mm, so they share the context; a second open in the same
 * process finds it again; a forked child has its own mm and gets its own.
 * The context holds its mm with mmgrab(), so an mm's address cannot be
 * reused by another process while a context is keyed on it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "winmm.h"

/*
 * winmm_processes_lock protects winmm_processes and winmm_nr_processes. The
 * last reference is dropped with kref_put_mutex(), under the lock, so a
 * lookup never finds a context that is being freed. Only open and release
 * take it: it is never on a fault or ioctl path.
 */
static DEFINE_MUTEX(winmm_processes_lock);
static DEFINE_HASHTABLE(winmm_processes, 6);
static unsigned int winmm_nr_processes;

/**
 * winmm_process_get() - Find or create the context of an address space.
 * @mm: the address space, normally current->mm.
 *
 * Return: the context with a new reference, or ERR_PTR(-ENOMEM).
 */
struct winmm_process *winmm_process_get(struct mm_struct *mm)
{
	struct winmm_process *proc;

	mutex_lock(&winmm_processes_lock);
	hash_for_each_possible(winmm_processes, proc, hash, (unsigned long)mm) {
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
	mmgrab(mm);
	proc->mm = mm;
	kref_init(&proc->ref);
	mutex_init(&proc->lock);
	winmm_range_tree_init(&proc->vads);
	atomic_long_set(&proc->commit, 0);
	winmm_placement_init(proc);
	spin_lock_init(&proc->faults_lock);
	hash_add(winmm_processes, &proc->hash, (unsigned long)mm);
	winmm_nr_processes++;
out_unlock:
	mutex_unlock(&winmm_processes_lock);
	return proc;
}
EXPORT_SYMBOL_IF_KUNIT(winmm_process_get);

/* Called by kref_put_mutex() with winmm_processes_lock held; drops it. */
static void winmm_process_release(struct kref *ref)
{
	struct winmm_process *proc = container_of(ref, struct winmm_process, ref);

	hash_del(&proc->hash);
	winmm_nr_processes--;
	mutex_unlock(&winmm_processes_lock);
	/* Every VMA, and so every VAD, went before the last file reference. */
	WARN_ON_ONCE(proc->vads.count || atomic_long_read(&proc->commit));
	winmm_range_tree_destroy(&proc->vads, NULL);
	mutex_destroy(&proc->lock);
	mmdrop(proc->mm);
	kfree(proc);
}

/**
 * winmm_process_put() - Drop a reference; the last one frees the context.
 * @proc: the context.
 */
void winmm_process_put(struct winmm_process *proc)
{
	kref_put_mutex(&proc->ref, winmm_process_release, &winmm_processes_lock);
}
EXPORT_SYMBOL_IF_KUNIT(winmm_process_put);

/**
 * winmm_process_count() - The number of live contexts.
 *
 * Return: that number, as debugfs shows it.
 */
unsigned int winmm_process_count(void)
{
	unsigned int n;

	mutex_lock(&winmm_processes_lock);
	n = winmm_nr_processes;
	mutex_unlock(&winmm_processes_lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(winmm_process_count);
