// SPDX-License-Identifier: GPL-2.0
/*
 * Commit charge: every committed page is charged to its process and to the
 * system-wide total when it is committed, not when it is touched, against a
 * commit limit; a commit past the limit fails with STATUS_COMMITMENT_LIMIT
 * and changes nothing. Reservations charge nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/ntmm.h>

#include "../process.h"
#include "commit.h"

static unsigned long commit_limit_mb;
module_param(commit_limit_mb, ulong, 0644);
MODULE_PARM_DESC(commit_limit_mb,
		 "commit limit in MiB; 0 (default): RAM plus pagefile_mb");

static unsigned long pagefile_mb = 1024;
module_param(pagefile_mb, ulong, 0644);
MODULE_PARM_DESC(pagefile_mb, "pagefile size in MiB, part of the default commit limit");

/* MiB to pages. */
#define MB_PAGES(mb)	((mb) << (20 - PAGE_SHIFT))

/* Pages committed by all processes. */
static atomic_long_t ntmm_committed = ATOMIC_LONG_INIT(0);

/**
 * ntmm_commit_limit() - The system-wide commit limit.
 *
 * Return: the limit in pages.
 */
unsigned long ntmm_commit_limit(void)
{
	unsigned long mb = READ_ONCE(commit_limit_mb);

	if (mb)
		return MB_PAGES(mb);
	return totalram_pages() + MB_PAGES(READ_ONCE(pagefile_mb));
}

/**
 * ntmm_commit_total() - Pages committed system-wide.
 *
 * Return: that number.
 */
unsigned long ntmm_commit_total(void)
{
	return atomic_long_read(&ntmm_committed);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_commit_total);

/**
 * ntmm_commit_charge_system() - Charge @pages to the system alone.
 * @pages: how many.
 *
 * For pages no process owns: a pagefile-backed section's, which outlive
 * the process that committed them, as Windows charges them.
 *
 * Return: STATUS_SUCCESS, or STATUS_COMMITMENT_LIMIT with nothing
 * charged.
 */
ntstatus_t ntmm_commit_charge_system(unsigned long pages)
{
	/* A racing charge may see the total briefly over: both back out or one wins. */
	if (atomic_long_add_return(pages, &ntmm_committed) > ntmm_commit_limit()) {
		atomic_long_sub(pages, &ntmm_committed);
		return STATUS_COMMITMENT_LIMIT;
	}
	return STATUS_SUCCESS;
}

/**
 * ntmm_commit_uncharge_system() - Give back what ntmm_commit_charge_system() took.
 * @pages: how many.
 */
void ntmm_commit_uncharge_system(unsigned long pages)
{
	atomic_long_sub(pages, &ntmm_committed);
}

/**
 * ntmm_commit_charge() - Charge @pages newly committed pages to @proc.
 * @proc: the committing process.
 * @pages: how many.
 *
 * Return: STATUS_SUCCESS, or STATUS_COMMITMENT_LIMIT with nothing
 * charged.
 */
ntstatus_t ntmm_commit_charge(struct ntmm_process *proc, unsigned long pages)
{
	ntstatus_t status = ntmm_commit_charge_system(pages);

	if (!status)
		atomic_long_add(pages, &proc->commit);
	return status;
}

/**
 * ntmm_commit_uncharge() - Return the charge of @pages decommitted pages.
 * @proc: the process they were charged to.
 * @pages: how many.
 */
void ntmm_commit_uncharge(struct ntmm_process *proc, unsigned long pages)
{
	atomic_long_sub(pages, &proc->commit);
	atomic_long_sub(pages, &ntmm_committed);
}
