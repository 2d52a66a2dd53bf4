/* SPDX-License-Identifier: GPL-2.0 */
/* Where new allocations go, and the address range ntmm hands out (placement.c). */
#ifndef NTMM_VM_PLACEMENT_H
#define NTMM_VM_PLACEMENT_H

#include <linux/types.h>

struct ntmm_process;

unsigned long ntmm_placement_base(void);
unsigned long ntmm_place(struct ntmm_process *proc, unsigned long len,
			 bool top_down, unsigned long align, unsigned long lo,
			 unsigned long hi);
unsigned long ntmm_user_min(void);
unsigned long ntmm_user_max(void);

#endif /* NTMM_VM_PLACEMENT_H */
