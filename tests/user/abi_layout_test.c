// SPDX-License-Identifier: GPL-2.0
/*
 * The ABI and the Windows types, checked at compile time in C and, built
 * again with -x c++, in C++: uapi/linux/ntmm.h against tests/abi/layout.h
 * (the same table the KUnit module checks), and <windows.h> against
 * Windows' own sizes and offsets on x64.
 */
#include <stddef.h>
#include <windows.h>
#include <psapi.h>
#include <linux/ntmm.h>

#include "abi/layout.h"
#include "tap.h"

#ifdef __cplusplus
#define LANG "C++"
#define _Static_assert static_assert
#else
#define LANG "C"
#endif

NTMM_ABI_CHECK_ALL()
NTMM_ABI_CHECK_VER0()

/* Windows x64 (LLP64) sizes, on LP64 Linux. */
_Static_assert(sizeof(DWORD) == 4, "DWORD");
_Static_assert(sizeof(LONG) == 4, "LONG");
_Static_assert(sizeof(ULONG) == 4, "ULONG");
_Static_assert(sizeof(BOOL) == 4, "BOOL");
_Static_assert(sizeof(WORD) == 2, "WORD");
_Static_assert(sizeof(WCHAR) == 2, "WCHAR");
_Static_assert(sizeof(SIZE_T) == 8, "SIZE_T");
_Static_assert(sizeof(ULONG_PTR) == 8, "ULONG_PTR");
_Static_assert(sizeof(DWORD_PTR) == 8, "DWORD_PTR");
_Static_assert(sizeof(HANDLE) == 8, "HANDLE");
_Static_assert(sizeof(LPVOID) == 8, "LPVOID");
_Static_assert(sizeof(NTSTATUS) == 4, "NTSTATUS");
_Static_assert((DWORD)-1 > 0, "DWORD is unsigned");
_Static_assert((LONG)-1 < 0, "LONG is signed");

/* SYSTEM_INFO as Windows x64 lays it out. */
_Static_assert(sizeof(SYSTEM_INFO) == 48, "SYSTEM_INFO");
_Static_assert(offsetof(SYSTEM_INFO, dwPageSize) == 4, "dwPageSize");
_Static_assert(offsetof(SYSTEM_INFO, lpMinimumApplicationAddress) == 8, "lpMin");
_Static_assert(offsetof(SYSTEM_INFO, lpMaximumApplicationAddress) == 16, "lpMax");
_Static_assert(offsetof(SYSTEM_INFO, dwActiveProcessorMask) == 24, "mask");
_Static_assert(offsetof(SYSTEM_INFO, dwNumberOfProcessors) == 32, "nproc");
_Static_assert(offsetof(SYSTEM_INFO, dwProcessorType) == 36, "type");
_Static_assert(offsetof(SYSTEM_INFO, dwAllocationGranularity) == 40, "granularity");
_Static_assert(offsetof(SYSTEM_INFO, wProcessorLevel) == 44, "level");
_Static_assert(offsetof(SYSTEM_INFO, wProcessorRevision) == 46, "revision");

/* PSAPI structures as Windows x64 lays them out. */
_Static_assert(sizeof(PROCESS_MEMORY_COUNTERS) == 72, "PROCESS_MEMORY_COUNTERS");
_Static_assert(sizeof(PROCESS_MEMORY_COUNTERS_EX) == 80, "PROCESS_MEMORY_COUNTERS_EX");
_Static_assert(offsetof(PROCESS_MEMORY_COUNTERS_EX, PrivateUsage) == 72, "PrivateUsage");
_Static_assert(sizeof(PSAPI_WORKING_SET_EX_BLOCK) == 8, "WORKING_SET_EX_BLOCK");
_Static_assert(sizeof(PSAPI_WORKING_SET_EX_INFORMATION) == 16, "WORKING_SET_EX_INFORMATION");

/* The constants of windows-semantics.md, spot-checked against their values. */
_Static_assert(MEM_COMMIT == 0x1000 && MEM_RESERVE == 0x2000 && MEM_RELEASE == 0x8000, "MEM_");
_Static_assert(MEM_TOP_DOWN == 0x100000 && MEM_LARGE_PAGES == 0x20000000, "MEM_ 2");
_Static_assert(PAGE_EXECUTE_WRITECOPY == 0x80 && PAGE_GUARD == 0x100, "PAGE_");
_Static_assert(SEC_LARGE_PAGES == 0x80000000u && FILE_MAP_ALL_ACCESS == 0xF001F, "SEC_/FILE_MAP_");
_Static_assert(STATUS_COMMITMENT_LIMIT == 0xC000012D, "STATUS_COMMITMENT_LIMIT");
_Static_assert(NTMM_STATUS_ACCESS_VIOLATION == STATUS_ACCESS_VIOLATION, "wire = winnt.h");

int main(void)
{
	PSAPI_WORKING_SET_EX_BLOCK b;

	/* Bit-field placement is the compiler's: check it at run time. */
	b.Flags = 0;
	b.Win32Protection = PAGE_READWRITE;
	b.Node = 5;
	b.LargePage = 1;
	tap_eq(b.Flags, (0x4ULL << 4) | (5ULL << 16) | (1ULL << 23),
	       LANG ": PSAPI_WORKING_SET_EX_BLOCK bit layout");
	tap_ok(1, LANG ": uapi layout, Windows types and constants (compile-time checks)");
	return tap_done();
}
