/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Views of sections (view.c): mapping and unmapping them, and what the
 * virtual-memory calls do inside one.
 */
#ifndef NTMM_VM_VIEW_H
#define NTMM_VM_VIEW_H

#include <linux/ntmm.h>
#include <linux/types.h>

#include "../ntstatus.h"

struct file;
struct ntmm_process;
struct ntmm_section;
struct ntmm_vad;

struct ntmm_section *ntmm_view_section(const struct ntmm_view *v, ntstatus_t *status);
ntstatus_t ntmm_view_map(struct file *file, struct ntmm_process *proc, struct ntmm_view *v,
			 struct ntmm_section *section);
ntstatus_t ntmm_view_unmap(struct file *file, struct ntmm_process *proc, u64 address, u32 flags);
ntstatus_t ntmm_view_flush(struct ntmm_process *proc, u64 address, u64 length);
void ntmm_view_query(struct ntmm_vad *vad, unsigned long idx, u32 *state, u32 *protect,
		     unsigned long *pages);
ntstatus_t ntmm_view_commit(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			    u32 protect);
ntstatus_t ntmm_view_protect(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			     u32 protect, u32 *old_protect);
ntstatus_t ntmm_view_lock(struct ntmm_vad *vad, unsigned long first, unsigned long last,
			  bool lock);
u32 ntmm_view_written(u32 protect);
bool ntmm_view_reads_ptes(const struct ntmm_vad *vad);
ntstatus_t ntmm_view_prepare(struct ntmm_vad *vad, u32 protect);

#endif /* NTMM_VM_VIEW_H */
