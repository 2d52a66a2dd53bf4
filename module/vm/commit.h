/* SPDX-License-Identifier: GPL-2.0 */
/* Commit charge against the commit limit (commit.c). */
#ifndef NTMM_VM_COMMIT_H
#define NTMM_VM_COMMIT_H

#include "../ntstatus.h"

struct ntmm_process;

ntstatus_t ntmm_commit_charge(struct ntmm_process *proc, unsigned long pages);
void ntmm_commit_uncharge(struct ntmm_process *proc, unsigned long pages);
ntstatus_t ntmm_commit_charge_system(unsigned long pages);
void ntmm_commit_uncharge_system(unsigned long pages);
unsigned long ntmm_commit_limit(void);
unsigned long ntmm_commit_total(void);

#endif /* NTMM_VM_COMMIT_H */
