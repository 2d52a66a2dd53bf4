// SPDX-License-Identifier: GPL-2.0
/*
 * Why the module refused an access: a guard page (which only the module
 * knows, having just cleared the guard bit) or an access violation. The
 * fault handler records its refusal per thread; libwinmm's SIGSEGV handler,
 * running in that thread right after, reads it back to raise
 * STATUS_GUARD_PAGE_VIOLATION or STATUS_ACCESS_VIOLATION as Windows would.
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/winmm.h>

#include "winmm.h"

static struct winmm_fault_slot *winmm_fault_slot(struct winmm_process *proc)
{
	return &proc->faults[current->pid % WINMM_FAULT_SLOTS];
}

/**
 * winmm_fault_record() - Note that the module refused an access.
 * @proc: the faulting process.
 * @address: the faulting address.
 * @reason: WINMM_FAULT_ACCESS_VIOLATION or WINMM_FAULT_GUARD_PAGE.
 * @access: WINMM_ACCESS_*.
 */
void winmm_fault_record(struct winmm_process *proc, unsigned long address,
			u32 reason, u32 access)
{
	struct winmm_fault_slot *slot = winmm_fault_slot(proc);

	spin_lock(&proc->faults_lock);
	slot->tid = current->pid;
	slot->page = address & PAGE_MASK;
	slot->reason = reason;
	slot->access = access;
	spin_unlock(&proc->faults_lock);
}

/**
 * winmm_ioctl_fault_reason() - WINMM_IOC_FAULT_REASON.
 * @proc: the context.
 * @arg: the user's struct winmm_fault_reason.
 *
 * Return: 0 (outcome in the struct), or the copy's error.
 */
long winmm_ioctl_fault_reason(struct winmm_process *proc, void __user *arg)
{
	struct winmm_fault_reason fr;
	struct winmm_fault_slot *slot;
	int ret;

	ret = winmm_copy_struct_in(&fr, sizeof(fr), WINMM_FAULT_REASON_SIZE_VER0, arg);
	if (ret)
		return ret;
	fr.status = WINMM_STATUS_SUCCESS;
	fr.reason = WINMM_FAULT_UNKNOWN;
	fr.access = WINMM_ACCESS_READ;
	slot = winmm_fault_slot(proc);
	spin_lock(&proc->faults_lock);
	if (slot->tid == current->pid && slot->page == (fr.address & PAGE_MASK) &&
	    slot->reason != WINMM_FAULT_UNKNOWN) {
		fr.reason = slot->reason;
		fr.access = slot->access;
		slot->reason = WINMM_FAULT_UNKNOWN;
	}
	spin_unlock(&proc->faults_lock);
	return winmm_copy_struct_out(arg, &fr, sizeof(fr));
}
