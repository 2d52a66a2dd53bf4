/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Placeholders (placeholder.c): reserved address space that allocations
 * and views replace exactly, split and joined by their spans.
 */
#ifndef NTMM_VM_PLACEHOLDER_H
#define NTMM_VM_PLACEHOLDER_H

#include <linux/types.h>

#include "../ntstatus.h"

struct ntmm_process;
struct ntmm_vad;

ntstatus_t ntmm_placeholder_take(struct ntmm_process *proc, unsigned long start,
				 unsigned long end);
ntstatus_t ntmm_placeholder_put(struct ntmm_process *proc, unsigned long start,
				unsigned long end);
ntstatus_t ntmm_placeholder_split(struct ntmm_vad *vad, unsigned long start, unsigned long end);
ntstatus_t ntmm_placeholder_coalesce(struct ntmm_process *proc, unsigned long start,
				     unsigned long end);

#endif /* NTMM_VM_PLACEHOLDER_H */
