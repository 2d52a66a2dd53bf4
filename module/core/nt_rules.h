/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NT's argument rules for virtual memory, as pure functions: which type and
 * protection combinations NtAllocateVirtualMemory, NtFreeVirtualMemory and
 * NtProtectVirtualMemory accept, how ranges round, and what a protection
 * allows. Shared by the module and the host tests.
 */
#ifndef NTMM_CORE_NT_RULES_H
#define NTMM_CORE_NT_RULES_H

#include "core_compat.h"

/* Windows' constants, as in winnt.h. */
#define NT_MEM_COMMIT			0x00001000U
#define NT_MEM_RESERVE			0x00002000U
#define NT_MEM_DECOMMIT			0x00004000U
#define NT_MEM_RELEASE			0x00008000U
#define NT_MEM_FREE			0x00010000U
#define NT_MEM_PRIVATE			0x00020000U
#define NT_MEM_MAPPED			0x00040000U
#define NT_MEM_RESET			0x00080000U
#define NT_MEM_TOP_DOWN			0x00100000U
#define NT_MEM_WRITE_WATCH		0x00200000U
#define NT_MEM_PHYSICAL			0x00400000U
#define NT_MEM_RESET_UNDO		0x01000000U
#define NT_MEM_LARGE_PAGES		0x20000000U

#define NT_PAGE_NOACCESS		0x01U
#define NT_PAGE_READONLY		0x02U
#define NT_PAGE_READWRITE		0x04U
#define NT_PAGE_WRITECOPY		0x08U
#define NT_PAGE_EXECUTE			0x10U
#define NT_PAGE_EXECUTE_READ		0x20U
#define NT_PAGE_EXECUTE_READWRITE	0x40U
#define NT_PAGE_EXECUTE_WRITECOPY	0x80U
#define NT_PAGE_GUARD			0x100U
#define NT_PAGE_NOCACHE			0x200U
#define NT_PAGE_WRITECOMBINE		0x400U
#define NT_PAGE_MODIFIERS	(NT_PAGE_GUARD | NT_PAGE_NOCACHE | NT_PAGE_WRITECOMBINE)

#define NT_PAGE_SIZE			0x1000ULL
#define NT_GRANULARITY			0x10000ULL
#define NT_LARGE_PAGE_SIZE		0x200000ULL

/* What a page's protection lets through (x86 cannot refuse reads of executable pages). */
#define NT_ACCESS_READ			0x1U
#define NT_ACCESS_WRITE			0x2U
#define NT_ACCESS_EXECUTE		0x4U

/* A type/protection check's outcome: 0, or the NTSTATUS Windows returns. */
u32 nt_check_private_protect(u32 protect);
u32 nt_check_alloc_type(u32 type, u64 address);
u32 nt_check_free_type(u32 type, u64 size);
unsigned int nt_protect_access(u32 protect);

/*
 * Round [address, address + size) as NtAllocateVirtualMemory does: a new
 * reservation starts on a 64 KiB boundary, a commit on a page, and the end
 * covers every page the range touches. Returns false on overflow.
 */
bool nt_round_range(u64 address, u64 size, u64 base_align, u64 *start, u64 *end);

#endif /* NTMM_CORE_NT_RULES_H */
