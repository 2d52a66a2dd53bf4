/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Work in a context's address space from any process (mm_run.c): ntmm's
 * own mmap and munmap of its VMAs, and calls that need the address space
 * as current's.
 */
#ifndef NTMM_VM_MM_RUN_H
#define NTMM_VM_MM_RUN_H

#include <linux/types.h>

struct file;
struct page;
struct ntmm_process;

typedef long (*ntmm_mm_fn_t)(void *arg);

long ntmm_mm_run(struct ntmm_process *proc, ntmm_mm_fn_t fn, void *arg);
unsigned long ntmm_mm_mmap(struct ntmm_process *proc, struct file *file, unsigned long start,
			   unsigned long len, unsigned long prot, unsigned long flags,
			   unsigned long offset);
void ntmm_mm_munmap(struct ntmm_process *proc, unsigned long start, unsigned long len);
struct page *ntmm_mm_page(struct ntmm_process *proc, unsigned long address);
int ntmm_mm_run_init(void);
void ntmm_mm_run_exit(void);

#endif /* NTMM_VM_MM_RUN_H */
