/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The page heap (Windows' gflags /p): every block has pages of its own and
 * ends exactly at a page boundary, before a PAGE_NOACCESS page; a freed
 * block's pages become PAGE_NOACCESS and stay so for a while (the last
 * PH_FREED_KEPT frees). An overrun or a use after free faults at the guilty
 * access and reaches the vectored handlers as STATUS_ACCESS_VIOLATION.
 * Blocks are aligned as their size leaves them (as /p /unaligned), so that
 * even a one-byte overrun faults. Results and walk entries as heap_core's.
 */
#ifndef LIBNTMM_HEAP_PAGE_H
#define LIBNTMM_HEAP_PAGE_H

#include "heap_core.h"

#define PH_FREED_KEPT	256

struct ph_heap;

struct ph_heap *ph_create(int exec);
void ph_destroy(struct ph_heap *ph);
void *ph_alloc(struct ph_heap *ph, size_t size, enum hc_result *res);
enum hc_result ph_free(struct ph_heap *ph, void *p);
void *ph_realloc(struct ph_heap *ph, void *p, size_t size, unsigned int flags,
		 enum hc_result *res);
size_t ph_size(struct ph_heap *ph, const void *p);
int ph_set_user_flag(struct ph_heap *ph, void *p, int on);
int ph_validate(struct ph_heap *ph, const void *p);
int ph_walk(struct ph_heap *ph, struct hc_entry *e);
void ph_summary(struct ph_heap *ph, struct hc_summary *s);
void ph_lock(struct ph_heap *ph);
void ph_unlock(struct ph_heap *ph);

#endif /* LIBNTMM_HEAP_PAGE_H */
