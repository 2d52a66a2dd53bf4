/* SPDX-License-Identifier: GPL-2.0 */
/* A process's ntmm memory goes with its address space (exit.c). */
#ifndef NTMM_VM_EXIT_H
#define NTMM_VM_EXIT_H

struct ntmm_process;

int ntmm_exit_watch(struct ntmm_process *proc);
void ntmm_exit_unwatch(struct ntmm_process *proc);
void ntmm_exit_sync(void);

#endif /* NTMM_VM_EXIT_H */
