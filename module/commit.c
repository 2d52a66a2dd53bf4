// SPDX-License-Identifier: GPL-2.0
/*
 * Commit charge: every committed page is charged to its process and to the
 * system-wide total when it is committed, not when it is touched, against a
 * commit limit; a commit past the limit fails with STATUS_COMMITMENT_LIMIT
 * and changes nothing. Reservations charge nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/winmm.h>

#include "winmm.h"

static unsigned long commit_limit_mb;
module_param(commit_limit_mb, ulong, 0644);
MODULE_PARM_DESC(commit_limit_mb,
		 "commit limit in MiB; 0 (default): RAM plus pagefile_mb");

static unsigned long pagefile_mb = 1024;
module_param(pagefile_mb, ulong, 0644);
MODULE_PARM_DESC(pagefile_mb, "pagefile size in MiB, part of the default commit limit");

/* Pages committed by all processes. */
static atomic_long_t winmm_committed = ATOMIC_LONG_INIT(0);

/**
 * winmm_commit_limit() - The system-wide commit limit.
 *
 * Return: the limit in pages.
 */
unsigned long winmm_commit_limit(void)
{
	unsigned long mb = READ_ONCE(commit_limit_mb);

	if (mb)
		return mb << (20 - PAGE_SHIFT);
	return totalram_pages() + (READ_ONCE(pagefile_mb) << (20 - PAGE_SHIFT));
}

/**
 * winmm_commit_total() - Pages committed system-wide.
 *
 * Return: that number.
 */
unsigned long winmm_commit_total(void)
{
	return atomic_long_read(&winmm_committed);
}
EXPORT_SYMBOL_IF_KUNIT(winmm_commit_total);

/**
 * winmm_commit_charge() - Charge @pages newly committed pages to @proc.
 * @proc: the committing process.
 * @pages: how many.
 *
 * Return: WINMM_STATUS_SUCCESS, or WINMM_STATUS_COMMITMENT_LIMIT with nothing
 * charged.
 */
u32 winmm_commit_charge(struct winmm_process *proc, unsigned long pages)
{
	/* A racing charge may see the total briefly over: both back out or one wins. */
	if (atomic_long_add_return(pages, &winmm_committed) > winmm_commit_limit()) {
		atomic_long_sub(pages, &winmm_committed);
		return WINMM_STATUS_COMMITMENT_LIMIT;
	}
	atomic_long_add(pages, &proc->commit);
	return WINMM_STATUS_SUCCESS;
}

/**
 * winmm_commit_uncharge() - Return the charge of @pages decommitted pages.
 * @proc: the process they were charged to.
 * @pages: how many.
 */
void winmm_commit_uncharge(struct winmm_process *proc, unsigned long pages)
{
	atomic_long_sub(pages, &proc->commit);
	atomic_long_sub(pages, &winmm_committed);
}
