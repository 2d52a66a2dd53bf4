// SPDX-License-Identifier: GPL-2.0
/*
 * Why the module refused an access: a guard page (which only the module
 * knows, having just cleared the guard bit) or an access violation. The
 * fault handler records its refusal per thread; libntmm's SIGSEGV handler,
 * running in that thread right after, reads it back to raise
 * STATUS_GUARD_PAGE_VIOLATION or STATUS_ACCESS_VIOLATION as Windows would.
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/ntmm.h>

#include "ntmm.h"

static struct ntmm_fault_slot *ntmm_fault_slot(struct ntmm_process *proc)
{
	return &proc->faults[current->pid % NTMM_FAULT_SLOTS];
}

/**
 * ntmm_fault_record() - Note that the module refused an access.
 * @proc: the faulting process.
 * @address: the faulting address.
 * @reason: NTMM_FAULT_ACCESS_VIOLATION or NTMM_FAULT_GUARD_PAGE.
 * @access: NTMM_ACCESS_*.
 */
void ntmm_fault_record(struct ntmm_process *proc, unsigned long address,
			u32 reason, u32 access)
{
	struct ntmm_fault_slot *slot = ntmm_fault_slot(proc);

	spin_lock(&proc->faults_lock);
	slot->tid = current->pid;
	slot->page = address & PAGE_MASK;
	slot->reason = reason;
	slot->access = access;
	spin_unlock(&proc->faults_lock);
}

/**
 * ntmm_ioctl_fault_reason() - NTMM_IOC_FAULT_REASON.
 * @proc: the context.
 * @arg: the user's struct ntmm_fault_reason.
 *
 * Return: 0 (outcome in the struct), or the copy's error.
 */
long ntmm_ioctl_fault_reason(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_fault_reason fr;
	struct ntmm_fault_slot *slot;
	int ret;

	ret = ntmm_copy_struct_in(&fr, sizeof(fr), NTMM_FAULT_REASON_SIZE_VER0, arg);
	if (ret)
		return ret;
	fr.status = NTMM_STATUS_SUCCESS;
	fr.reason = NTMM_FAULT_UNKNOWN;
	fr.access = NTMM_ACCESS_READ;
	slot = ntmm_fault_slot(proc);
	spin_lock(&proc->faults_lock);
	if (slot->tid == current->pid && slot->page == (fr.address & PAGE_MASK) &&
	    slot->reason != NTMM_FAULT_UNKNOWN) {
		fr.reason = slot->reason;
		fr.access = slot->access;
		slot->reason = NTMM_FAULT_UNKNOWN;
	}
	spin_unlock(&proc->faults_lock);
	return ntmm_copy_struct_out(arg, &fr, sizeof(fr));
}
