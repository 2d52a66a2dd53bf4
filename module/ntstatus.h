/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTSTATUS inside the module: a type of its own, as blk_status_t is, so
 * that sparse refuses a status mixed with an errno, a count or a bool. The
 * values are the uapi header's NTMM_STATUS_*, the names NT's.
 *
 * The convention: every function of the memory manager that can fail as
 * Windows fails returns an ntstatus_t; the ioctl layer stores it in the
 * caller's struct (ntstatus_to_user()) and returns 0, or a negative errno
 * when the call never reached the memory manager.
 */
#ifndef NTMM_NTSTATUS_H
#define NTMM_NTSTATUS_H

#include <linux/types.h>
#include <linux/ntmm.h>

typedef u32 __bitwise ntstatus_t;

#define NT_STATUS(name)	((__force ntstatus_t)NTMM_STATUS_##name)

#define STATUS_SUCCESS			NT_STATUS(SUCCESS)
#define STATUS_GUARD_PAGE_VIOLATION	NT_STATUS(GUARD_PAGE_VIOLATION)
#define STATUS_UNSUCCESSFUL		NT_STATUS(UNSUCCESSFUL)
#define STATUS_NOT_IMPLEMENTED		NT_STATUS(NOT_IMPLEMENTED)
#define STATUS_INFO_LENGTH_MISMATCH	NT_STATUS(INFO_LENGTH_MISMATCH)
#define STATUS_ACCESS_VIOLATION		NT_STATUS(ACCESS_VIOLATION)
#define STATUS_INVALID_PARAMETER	NT_STATUS(INVALID_PARAMETER)
#define STATUS_NO_MEMORY		NT_STATUS(NO_MEMORY)
#define STATUS_CONFLICTING_ADDRESSES	NT_STATUS(CONFLICTING_ADDRESSES)
#define STATUS_UNABLE_TO_FREE_VM	NT_STATUS(UNABLE_TO_FREE_VM)
#define STATUS_NOT_LOCKED		NT_STATUS(NOT_LOCKED)
#define STATUS_NOT_COMMITTED		NT_STATUS(NOT_COMMITTED)
#define STATUS_INVALID_PAGE_PROTECTION	NT_STATUS(INVALID_PAGE_PROTECTION)
#define STATUS_PRIVILEGE_NOT_HELD	NT_STATUS(PRIVILEGE_NOT_HELD)
#define STATUS_INSUFFICIENT_RESOURCES	NT_STATUS(INSUFFICIENT_RESOURCES)
#define STATUS_FREE_VM_NOT_AT_BASE	NT_STATUS(FREE_VM_NOT_AT_BASE)
#define STATUS_MEMORY_NOT_ALLOCATED	NT_STATUS(MEMORY_NOT_ALLOCATED)
#define STATUS_COMMITMENT_LIMIT		NT_STATUS(COMMITMENT_LIMIT)

/* NT_SUCCESS(): success and informational statuses are not negative. */
static inline bool nt_success(ntstatus_t status)
{
	return (__force s32)status >= 0;
}

/* The value a caller's struct carries. */
static inline u32 ntstatus_to_user(ntstatus_t status)
{
	return (__force u32)status;
}

#endif /* NTMM_NTSTATUS_H */
