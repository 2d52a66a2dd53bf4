/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NT's argument rules for virtual memory, as pure functions: which type and
 * protection combinations NtAllocateVirtualMemory, NtFreeVirtualMemory and
 * NtProtectVirtualMemory accept, how ranges round, and what a protection
 * allows. They use nothing of the kernel but its types, so the same source
 * also builds into the host tests (tests/host/, with shims for those types).
 */
#ifndef NTMM_VM_NT_RULES_H
#define NTMM_VM_NT_RULES_H

#include <linux/types.h>
#include <linux/ntmm.h>

#include "../ntstatus.h"

/* A protection's base value, and the modifiers that may go with it. */
#define NT_PAGE_BASE_MASK	0xffU
#define NT_PAGE_MODIFIERS	(NTMM_PAGE_GUARD | NTMM_PAGE_NOCACHE | NTMM_PAGE_WRITECOMBINE)
/* The caching modifiers, which belong to the allocation (item 45). */
#define NT_PAGE_CACHING		(NTMM_PAGE_NOCACHE | NTMM_PAGE_WRITECOMBINE)

#define NT_PAGE_SIZE		((u64)NTMM_PAGE_SIZE)
#define NT_GRANULARITY		((u64)NTMM_ALLOCATION_GRANULARITY)
#define NT_LARGE_PAGE_SIZE	((u64)NTMM_LARGE_PAGE_SIZE)

/* What a page's protection lets through (x86 cannot refuse reads of executable pages). */
#define NT_ACCESS_READ		0x1U
#define NT_ACCESS_WRITE		0x2U
#define NT_ACCESS_EXECUTE	0x4U

ntstatus_t nt_check_private_protect(u32 protect);
ntstatus_t nt_check_alloc_type(u32 type, u64 address);
ntstatus_t nt_check_free_type(u32 type, u64 size);
unsigned int nt_protect_access(u32 protect);
u32 nt_protect_keep_caching(u32 protect, u32 alloc_protect);
bool nt_round_range(u64 address, u64 size, u64 base_align, u64 *start, u64 *end);
ntstatus_t nt_check_section(u32 protect, u32 *attributes);
u32 nt_section_rights(u32 protect);
bool nt_section_granted(u32 have, u32 need);
u32 nt_section_allows(u32 protect);
ntstatus_t nt_check_view_protect(u32 protect);
ntstatus_t nt_view_page_protect(u32 view, u32 protect);

#endif /* NTMM_VM_NT_RULES_H */
