/* SPDX-License-Identifier: GPL-2.0 */
/* MEM_RESET and MEM_RESET_UNDO (reset.c). */
#ifndef NTMM_VM_RESET_H
#define NTMM_VM_RESET_H

#include "../ntstatus.h"

struct ntmm_vad;

ntstatus_t ntmm_reset_range(struct ntmm_vad *vad, unsigned long first, unsigned long last);
ntstatus_t ntmm_reset_undo(struct ntmm_vad *vad, unsigned long first, unsigned long last);

#endif /* NTMM_VM_RESET_H */
