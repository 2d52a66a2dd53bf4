/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NT virtual-memory calls on private memory (virtual.c), on the
 * kernel's copies of their ioctl structs.
 */
#ifndef NTMM_VM_VIRTUAL_H
#define NTMM_VM_VIRTUAL_H

#include <linux/ntmm.h>
#include <linux/types.h>

#include "../ntstatus.h"

struct file;
struct ntmm_process;

/* Takes @n written pages' addresses, @done of them emitted before. */
typedef int (*ntmm_ww_emit_t)(void *ctx, const u64 *addrs, u64 done, unsigned long n);

ntstatus_t ntmm_virtual_allocate(struct file *file, struct ntmm_process *proc,
				 struct ntmm_alloc *a);
ntstatus_t ntmm_virtual_free(struct file *file, struct ntmm_process *proc, struct ntmm_free *f);
ntstatus_t ntmm_virtual_protect(struct file *file, struct ntmm_process *proc,
				struct ntmm_protect *p);
ntstatus_t ntmm_virtual_query(struct ntmm_process *proc, struct ntmm_query *q);
ntstatus_t ntmm_virtual_lock(struct ntmm_process *proc, struct ntmm_lock *l);
void ntmm_virtual_memory_status(struct ntmm_process *proc, struct ntmm_memory_status *m);
int ntmm_virtual_write_watch(struct ntmm_process *proc, u64 address, u64 length, bool reset,
			     u64 max, ntmm_ww_emit_t emit, void *ctx, u64 *count,
			     ntstatus_t *status);
ntstatus_t ntmm_virtual_write_watch_reset(struct ntmm_process *proc, u64 address, u64 length);

#endif /* NTMM_VM_VIRTUAL_H */
