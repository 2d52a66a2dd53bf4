/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Other processes (remote.c): process handles, NT calls made in another
 * process's address space, and copies to and from its memory.
 */
#ifndef NTMM_REMOTE_H
#define NTMM_REMOTE_H

#include <linux/compiler_types.h>
#include <linux/types.h>

#include "ntstatus.h"

struct file;
struct mm_struct;
struct ntmm_process;

/**
 * struct ntmm_target - the process an NT call acts on, while it does.
 * @proc:	its context, with a reference.
 * @mm:		its address space, which the call keeps alive (mmget()).
 * @file:	the file that maps its new regions: the caller's own
 *		/dev/ntmm, or the target's vehicle (struct ntmm_process).
 */
struct ntmm_target {
	struct ntmm_process *proc;
	struct mm_struct *mm;
	struct file *file;
};

bool ntmm_remote_available(void);
void ntmm_remote_init(void);
ntstatus_t ntmm_process_open(int source, u32 pid, u32 access, u32 flags, int *handle);
ntstatus_t ntmm_process_info(int handle, u32 *pid, u32 *access);
ntstatus_t ntmm_target_get(int handle, u32 rights, struct file *own, struct ntmm_target *t);
void ntmm_target_put(struct ntmm_target *t);
ntstatus_t ntmm_process_copy(int handle, bool write, u64 address, void __user *buf,
			     u64 length, u64 *copied);

#endif /* NTMM_REMOTE_H */
