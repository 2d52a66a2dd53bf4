/* SPDX-License-Identifier: GPL-2.0 */
/* MEM_LARGE_PAGES and transparent large frames: 2 MiB frames (large.c). */
#ifndef NTMM_VM_LARGE_H
#define NTMM_VM_LARGE_H

#include <linux/bits.h>
#include <linux/mm_types.h>

/* A large page: an order-9 frame, 512 small pages. */
#define NTMM_LARGE_ORDER	9
#define NTMM_LARGE_NR		BIT(NTMM_LARGE_ORDER)

bool ntmm_large_privileged(void);
struct page *ntmm_large_alloc(int node);
struct page *ntmm_large_alloc_transparent(int node);
void ntmm_large_split(struct page *frame);
long ntmm_large_transparent_count(bool split);
long ntmm_large_maps(bool pmd);
vm_fault_t ntmm_large_map_ptes(struct vm_fault *vmf, unsigned long pfn, pgprot_t prot);
vm_fault_t ntmm_large_map_pmd(struct vm_fault *vmf, unsigned long pfn, pgprot_t prot);

#endif /* NTMM_VM_LARGE_H */
