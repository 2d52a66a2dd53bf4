// SPDX-License-Identifier: GPL-2.0
/*
 * The refusals the fault handler records and libntmm's signal handler
 * takes back (see fault_reason.h).
 */
#include <linux/mm.h>
#include <linux/ntmm.h>
#include <linux/sched.h>

#include "fault_reason.h"

static struct ntmm_fault_slot *ntmm_fault_slot(struct ntmm_fault_reasons *fr)
{
	return &fr->slots[current->pid % NTMM_FAULT_SLOTS];
}

/**
 * ntmm_fault_reasons_init() - No refusal on record yet.
 * @fr: a new process's reasons.
 */
void ntmm_fault_reasons_init(struct ntmm_fault_reasons *fr)
{
	spin_lock_init(&fr->lock);
}

/**
 * ntmm_fault_record() - Note that the module refused the current thread an access.
 * @fr: the faulting process's reasons.
 * @address: the faulting address.
 * @reason: NTMM_FAULT_ACCESS_VIOLATION or NTMM_FAULT_GUARD_PAGE.
 * @access: NTMM_ACCESS_*.
 */
void ntmm_fault_record(struct ntmm_fault_reasons *fr, unsigned long address,
		       u32 reason, u32 access)
{
	struct ntmm_fault_slot *slot = ntmm_fault_slot(fr);

	spin_lock(&fr->lock);
	slot->tid = current->pid;
	slot->page = address & PAGE_MASK;
	slot->reason = reason;
	slot->access = access;
	spin_unlock(&fr->lock);
}

/**
 * ntmm_fault_reason_take() - The current thread's last refusal at a page.
 * @fr: the process's reasons.
 * @address: the faulting address (siginfo's si_addr).
 * @reason: set to NTMM_FAULT_*, NTMM_FAULT_UNKNOWN without a record.
 * @access: set to that access's NTMM_ACCESS_*.
 *
 * A record is taken once: the next ask finds NTMM_FAULT_UNKNOWN.
 */
void ntmm_fault_reason_take(struct ntmm_fault_reasons *fr, u64 address,
			    u32 *reason, u32 *access)
{
	struct ntmm_fault_slot *slot = ntmm_fault_slot(fr);

	*reason = NTMM_FAULT_UNKNOWN;
	*access = NTMM_ACCESS_READ;
	spin_lock(&fr->lock);
	if (slot->tid == current->pid && slot->page == (address & PAGE_MASK) &&
	    slot->reason != NTMM_FAULT_UNKNOWN) {
		*reason = slot->reason;
		*access = slot->access;
		slot->reason = NTMM_FAULT_UNKNOWN;
	}
	spin_unlock(&fr->lock);
}
