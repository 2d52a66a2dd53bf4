/* SPDX-License-Identifier: GPL-2.0 */
/* MEM_LARGE_PAGES: who may have them, and their 2 MiB folios (large.c). */
#ifndef NTMM_VM_LARGE_H
#define NTMM_VM_LARGE_H

#include <linux/bits.h>
#include <linux/types.h>

struct folio;

/* A large page (and a block a PMD maps): an order-9 folio, 512 small pages. */
#define NTMM_LARGE_ORDER	9
#define NTMM_LARGE_NR		BIT(NTMM_LARGE_ORDER)
#define NTMM_LARGE_SIZE		(NTMM_LARGE_NR << PAGE_SHIFT)

bool ntmm_large_privileged(void);
struct folio *ntmm_large_folio(int node);
struct folio *ntmm_large_alloc(int node);
void ntmm_large_free(struct folio *folio);
long ntmm_large_frames(void);

#endif /* NTMM_VM_LARGE_H */
