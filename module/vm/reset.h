/* SPDX-License-Identifier: GPL-2.0 */
/* MEM_RESET and MEM_RESET_UNDO, and the shrinker of reset frames (reset.c). */
#ifndef NTMM_VM_RESET_H
#define NTMM_VM_RESET_H

#include "../ntstatus.h"

struct ntmm_vad;
struct vm_area_struct;

void ntmm_reset_range(struct ntmm_vad *vad, struct vm_area_struct *vma,
		      unsigned long first, unsigned long last);
ntstatus_t ntmm_reset_undo(struct ntmm_vad *vad, unsigned long first, unsigned long last);
int ntmm_reset_init(void);
void ntmm_reset_exit(void);

#endif /* NTMM_VM_RESET_H */
