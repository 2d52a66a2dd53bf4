// SPDX-License-Identifier: GPL-2.0
/*
 * A process's ntmm memory goes as soon as its address space is torn down:
 * at the start of exit_mmap(), through an mmu notifier's ->release. Its
 * pages are the address space file's, which neither unmapping nor the OOM
 * reaper frees; left to its regions' ->close, they would go only after
 * exit_mmap() had told the OOM killer the victim's memory was freed
 * (MMF_OOM_SKIP), and the killer would pick a second victim meanwhile.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mmu_notifier.h>
#include <linux/slab.h>

#include "../process.h"
#include "exit.h"
#include "vad.h"

struct ntmm_exit {
	struct mmu_notifier mn;
	struct ntmm_process *proc;
};

static struct mmu_notifier *ntmm_exit_alloc(struct mm_struct *mm)
{
	struct ntmm_exit *e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);

	return e ? &e->mn : ERR_PTR(-ENOMEM);
}

static void ntmm_exit_free(struct mmu_notifier *mn)
{
	kfree(container_of(mn, struct ntmm_exit, mn));
}

/*
 * The mm's last user is gone. Its regions still hold the context (their
 * ->close comes later in exit_mmap()), and no thread is left to race.
 */
static void ntmm_exit_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct ntmm_process *proc = READ_ONCE(container_of(mn, struct ntmm_exit, mn)->proc);

	if (proc)
		ntmm_vad_release_range(proc, 0, ULONG_MAX);
}

static const struct mmu_notifier_ops ntmm_exit_ops = {
	.release	= ntmm_exit_release,
	.alloc_notifier	= ntmm_exit_alloc,
	.free_notifier	= ntmm_exit_free,
};

/**
 * ntmm_exit_watch() - Free @proc's memory when its mm is torn down.
 * @proc: the context; its lock held, mmap_lock not. Called as it makes its
 *	first region.
 *
 * Return: 0 or a negative errno.
 */
int ntmm_exit_watch(struct ntmm_process *proc)
{
	struct mmu_notifier *mn;

	lockdep_assert_held(&proc->lock);
	if (proc->exit)
		return 0;
	mn = mmu_notifier_get(&ntmm_exit_ops, proc->mm);
	if (IS_ERR(mn))
		return PTR_ERR(mn);
	WRITE_ONCE(container_of(mn, struct ntmm_exit, mn)->proc, proc);
	proc->exit = mn;
	return 0;
}

/**
 * ntmm_exit_unwatch() - Stop watching, as the context goes.
 * @proc: the dying context.
 */
void ntmm_exit_unwatch(struct ntmm_process *proc)
{
	if (proc->exit)
		mmu_notifier_put(proc->exit);
}

/** ntmm_exit_sync() - Wait for notifiers put to be freed, before the module goes. */
void ntmm_exit_sync(void)
{
	mmu_notifier_synchronize();
}
