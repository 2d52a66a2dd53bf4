/* SPDX-License-Identifier: GPL-2.0 */
/* QueryWorkingSetEx for private memory (working_set.c). */
#ifndef NTMM_VM_WORKING_SET_H
#define NTMM_VM_WORKING_SET_H

struct ntmm_process;
struct ntmm_ws_entry;

void ntmm_ws_query(struct ntmm_process *proc, struct ntmm_ws_entry *entries, unsigned int n);

#endif /* NTMM_VM_WORKING_SET_H */
