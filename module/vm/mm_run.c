// SPDX-License-Identifier: GPL-2.0
/*
 * Work in a context's address space from any process.
 *
 * The memory manager names the address space it works on (proc->mm) in
 * every lock it takes and every walk it makes, so an NT call on another
 * process runs in the caller. Two things Linux does only to the current
 * address space: mmap and munmap (vm_mmap(), vm_munmap()), and the
 * lockless page-table lookups of the queries (get_user_pages_fast_only()).
 * Those run here in a kernel worker that takes the target's address space
 * as its own (kthread_use_mm()) for the while; the caller, which holds the
 * address space (mmget()) and the context's lock, waits for it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "../process.h"
#include "mm_run.h"

static struct workqueue_struct *ntmm_mm_wq;

/* A call to run in another address space, as the worker runs it. */
struct ntmm_mm_work {
	struct work_struct work;
	struct mm_struct *mm;
	ntmm_mm_fn_t fn;
	void *arg;
	long ret;
};

static void ntmm_mm_work_fn(struct work_struct *work)
{
	struct ntmm_mm_work *w = container_of(work, struct ntmm_mm_work, work);

	kthread_use_mm(w->mm);
	w->ret = w->fn(w->arg);
	kthread_unuse_mm(w->mm);
}

/* Hand @w, initialized, to the worker and wait for it. */
static long ntmm_mm_wait(struct ntmm_mm_work *w)
{
	queue_work(ntmm_mm_wq, &w->work);
	flush_work(&w->work);
	destroy_work_on_stack(&w->work);
	return w->ret;
}

/**
 * ntmm_mm_run() - Run @fn with @proc's address space as current's.
 * @proc: the context; its address space held by the caller (mmget()) if
 *	it is another process's.
 * @fn: the function.
 * @arg: its argument.
 *
 * In the caller if the address space is its own, else in the worker.
 *
 * Context: sleeps until @fn is done; may hold proc->lock, not mmap_lock.
 * Return: what @fn returns.
 */
long ntmm_mm_run(struct ntmm_process *proc, ntmm_mm_fn_t fn, void *arg)
{
	struct ntmm_mm_work w = { .mm = proc->mm, .fn = fn, .arg = arg };

	if (proc->mm == current->mm)
		return fn(arg);
	INIT_WORK_ONSTACK(&w.work, ntmm_mm_work_fn);
	return ntmm_mm_wait(&w);
}

/* ntmm's own mmap or munmap in a context's address space. */
struct ntmm_mm_map {
	struct ntmm_process *proc;
	struct file *file;	/* NULL: munmap */
	unsigned long start;
	unsigned long len;
	unsigned long prot;
	unsigned long flags;
	unsigned long offset;
};

/*
 * The task that runs it is proc->map_task for the while: the VMAs' ->mmap,
 * ->close and ->may_split know ntmm's own changes by it.
 */
static long ntmm_mm_map_fn(void *arg)
{
	struct ntmm_mm_map *m = arg;
	long ret = 0;

	WRITE_ONCE(m->proc->map_task, current);
	if (m->file)
		ret = (long)vm_mmap(m->file, m->start, m->len, m->prot, m->flags, m->offset);
	else
		vm_munmap(m->start, m->len);
	WRITE_ONCE(m->proc->map_task, NULL);
	return ret;
}

/**
 * ntmm_mm_mmap() - ntmm's own vm_mmap() in a context's address space.
 * @proc: the context; its lock held.
 * @file: the file to map.
 * @start: the address (with MAP_FIXED or MAP_FIXED_NOREPLACE in @flags).
 * @len: bytes.
 * @prot: PROT_*.
 * @flags: MAP_*.
 * @offset: the file offset, in bytes, page aligned.
 *
 * Return: the address, or a negative errno as vm_mmap() returns it.
 */
unsigned long ntmm_mm_mmap(struct ntmm_process *proc, struct file *file, unsigned long start,
			   unsigned long len, unsigned long prot, unsigned long flags,
			   unsigned long offset)
{
	struct ntmm_mm_map m = { proc, file, start, len, prot, flags, offset };

	lockdep_assert_held(&proc->lock);
	return (unsigned long)ntmm_mm_run(proc, ntmm_mm_map_fn, &m);
}

/**
 * ntmm_mm_munmap() - ntmm's own vm_munmap() in a context's address space.
 * @proc: the context; its lock held.
 * @start: first byte.
 * @len: bytes.
 */
void ntmm_mm_munmap(struct ntmm_process *proc, unsigned long start, unsigned long len)
{
	struct ntmm_mm_map m = { .proc = proc, .start = start, .len = len };

	lockdep_assert_held(&proc->lock);
	ntmm_mm_run(proc, ntmm_mm_map_fn, &m);
}

/* A page mapped at an address, looked up without faulting. */
struct ntmm_mm_page {
	unsigned long address;
	struct page *page;
};

static long ntmm_mm_page_fn(void *arg)
{
	struct ntmm_mm_page *p = arg;

	return get_user_pages_fast_only(p->address, 1, 0, &p->page) == 1;
}

/**
 * ntmm_mm_page() - The page a context's address space maps at @address.
 * @proc: the context; its address space held if it is another process's.
 * @address: the user address.
 *
 * A lockless page-table lookup (get_user_pages_fast_only()): no fault,
 * nothing mapped or changed.
 *
 * Context: may sleep (for another process's); no spinlock held.
 * Return: the page with a reference (put_page() it), or NULL if none is
 * mapped there.
 */
struct page *ntmm_mm_page(struct ntmm_process *proc, unsigned long address)
{
	struct ntmm_mm_page p = { .address = address };
	struct ntmm_mm_work w = { .mm = proc->mm, .fn = ntmm_mm_page_fn, .arg = &p };

	if (proc->mm == current->mm)
		return ntmm_mm_page_fn(&p) ? p.page : NULL;
	/*
	 * Its own work class for lockdep: a lookup takes no lock, so it may be
	 * waited for under a VAD's lock, where a mapping (mmap_lock) may not.
	 */
	INIT_WORK_ONSTACK(&w.work, ntmm_mm_work_fn);
	return ntmm_mm_wait(&w) ? p.page : NULL;
}

/**
 * ntmm_mm_run_init() - Make the worker.
 *
 * Return: 0 or -ENOMEM.
 */
int ntmm_mm_run_init(void)
{
	ntmm_mm_wq = alloc_workqueue("ntmm_mm", WQ_UNBOUND, 0);
	return ntmm_mm_wq ? 0 : -ENOMEM;
}

/**
 * ntmm_mm_run_exit() - Free the worker; no call is in flight (each holds the module).
 */
void ntmm_mm_run_exit(void)
{
	destroy_workqueue(ntmm_mm_wq);
}
