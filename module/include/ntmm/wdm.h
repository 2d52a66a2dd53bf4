/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <ntmm/wdm.h>: the executive pool API of Windows' wdm.h for Linux kernel
 * modules ported from Windows drivers, backed by ntmm.ko (GPL exports).
 *
 *   p = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*p), 'diaR');
 *   ...
 *   ExFreePoolWithTag(p, 'diaR');
 *
 * Tags are four-character constants as in Windows source ('diaR' is shown
 * as "Raid", its bytes in memory order). Build with -Wno-multichar.
 *
 * What differs from Windows, because Linux is not Windows:
 * - Linux kernel memory is never paged out. "Paged" pool is memory that may
 *   sleep to allocate (kvmalloc) and must not be touched in atomic context;
 *   "non-paged" pool (kmalloc) may be allocated and used in any context.
 * - There is no SEH: POOL_FLAG_RAISE_ON_FAILURE is refused (NULL, and one
 *   warning per caller); every caller must check for NULL.
 * - POOL_FLAG_NON_PAGED_EXECUTE is refused (NULL, one warning per caller):
 *   ntmm gives no executable kernel memory. NonPagedPool, which Windows
 *   makes executable, gives NX memory here, as NonPagedPoolNx does.
 * - POOL_FLAG_USE_QUOTA charges the calling process if it has a ntmm
 *   context (it opened /dev/ntmm); other callers are not charged.
 * - There is one session: POOL_FLAG_SESSION changes nothing.
 * - Verifier checks (a free with the wrong tag, a double free, a pointer
 *   the pool never gave) are reported in the kernel log instead of a
 *   bugcheck, and the block is leaked rather than freed.
 */
#ifndef _NTMM_WDM_H
#define _NTMM_WDM_H

#include <linux/types.h>

typedef u8 UCHAR;
typedef u16 USHORT;
typedef u32 ULONG;
typedef u64 ULONG64;
typedef s32 LONG;
typedef s32 NTSTATUS;
typedef u8 BOOLEAN;
typedef size_t SIZE_T;
typedef void *PVOID;

typedef ULONG64 POOL_FLAGS;

#define POOL_FLAG_USE_QUOTA		0x0000000000000001ULL
#define POOL_FLAG_UNINITIALIZED		0x0000000000000002ULL
#define POOL_FLAG_SESSION		0x0000000000000004ULL
#define POOL_FLAG_CACHE_ALIGNED		0x0000000000000008ULL
#define POOL_FLAG_RESERVED1		0x0000000000000010ULL
#define POOL_FLAG_RAISE_ON_FAILURE	0x0000000000000020ULL
#define POOL_FLAG_NON_PAGED		0x0000000000000040ULL
#define POOL_FLAG_NON_PAGED_EXECUTE	0x0000000000000080ULL
#define POOL_FLAG_PAGED			0x0000000000000100ULL
#define POOL_FLAG_REQUIRED_MASK		0x00000000FFFFFFFFULL
#define POOL_FLAG_SPECIAL_POOL		0x0000000100000000ULL
#define POOL_FLAG_OPTIONAL_MASK		0xFFFFFFFF00000000ULL

typedef enum _POOL_TYPE {
	NonPagedPool = 0,
	NonPagedPoolExecute = 0,
	PagedPool = 1,
	NonPagedPoolMustSucceed = 2,
	DontUseThisType = 3,
	NonPagedPoolCacheAligned = 4,
	PagedPoolCacheAligned = 5,
	NonPagedPoolCacheAlignedMustS = 6,
	MaxPoolType = 7,
	NonPagedPoolBase = 0,
	NonPagedPoolNx = 512,
	NonPagedPoolNxCacheAligned = 516,
	NonPagedPoolSessionNx = 544,
} POOL_TYPE;

PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
void ExFreePoolWithTag(PVOID P, ULONG Tag);
void ExFreePool(PVOID P);

#endif /* _NTMM_WDM_H */
