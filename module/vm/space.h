/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process's address space file (space.c): the shmem file whose folios
 * back all of its private ntmm memory, at file offset == virtual address.
 */
#ifndef NTMM_VM_SPACE_H
#define NTMM_VM_SPACE_H

#include <linux/types.h>

struct address_space;
struct folio;
struct ntmm_process;

int ntmm_space_init(void);
void ntmm_space_exit(void);
int ntmm_space_open(struct ntmm_process *proc);
void ntmm_space_close(struct ntmm_process *proc);
struct folio *ntmm_space_folio(struct ntmm_process *proc, pgoff_t idx, int node, bool huge);
struct folio *ntmm_folio_on_node(struct folio *folio, int node);
struct folio *ntmm_space_find(struct ntmm_process *proc, pgoff_t idx);
bool ntmm_space_present(struct ntmm_process *proc, pgoff_t idx);
bool ntmm_space_any(struct ntmm_process *proc, unsigned long start, unsigned long end);
void ntmm_space_unmap(struct ntmm_process *proc, unsigned long start, unsigned long end);
void ntmm_space_settle(struct ntmm_process *proc, unsigned long start, unsigned long end);
void ntmm_space_wrprotect(struct ntmm_process *proc, unsigned long start, unsigned long end);
void ntmm_space_punch(struct ntmm_process *proc, unsigned long start, unsigned long end);
unsigned long ntmm_space_pages(struct ntmm_process *proc);
void ntmm_mapping_settle(struct address_space *mapping, pgoff_t first, pgoff_t last);
void ntmm_mapping_wrprotect(struct address_space *mapping, pgoff_t first, pgoff_t last);

#endif /* NTMM_VM_SPACE_H */
