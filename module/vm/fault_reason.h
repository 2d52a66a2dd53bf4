/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why the module refused a thread's access: a guard page (which only the
 * module knows, having just cleared the guard bit) or an access violation.
 * The fault handler records its refusal per thread; libntmm's SIGSEGV
 * handler, running in that thread right after, takes it back to raise
 * STATUS_GUARD_PAGE_VIOLATION or STATUS_ACCESS_VIOLATION as Windows would.
 */
#ifndef NTMM_VM_FAULT_REASON_H
#define NTMM_VM_FAULT_REASON_H

#include <linux/spinlock.h>
#include <linux/types.h>

/* Refused accesses remembered per process, by thread id modulo this. */
#define NTMM_FAULT_SLOTS	16

/**
 * struct ntmm_fault_slot - the last access the module refused to a thread.
 * @tid:	the thread.
 * @page:	the page of the faulting address.
 * @reason:	NTMM_FAULT_*; NTMM_FAULT_UNKNOWN once taken.
 * @access:	NTMM_ACCESS_*.
 */
struct ntmm_fault_slot {
	pid_t tid;
	unsigned long page;
	u32 reason;
	u32 access;
};

/**
 * struct ntmm_fault_reasons - a process's refused accesses.
 * @lock:	guards @slots; taken in the fault path, never nested.
 * @slots:	one per thread id modulo NTMM_FAULT_SLOTS.
 */
struct ntmm_fault_reasons {
	spinlock_t lock;	/* guards @slots */
	struct ntmm_fault_slot slots[NTMM_FAULT_SLOTS];
};

void ntmm_fault_reasons_init(struct ntmm_fault_reasons *fr);
void ntmm_fault_record(struct ntmm_fault_reasons *fr, unsigned long address,
		       u32 reason, u32 access);
void ntmm_fault_reason_take(struct ntmm_fault_reasons *fr, u64 address,
			    u32 *reason, u32 *access);

#endif /* NTMM_VM_FAULT_REASON_H */
