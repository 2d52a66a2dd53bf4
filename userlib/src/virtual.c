// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * memoryapi.h: VirtualAlloc, VirtualFree, VirtualProtect, VirtualQuery and
 * their -Ex forms (on any process a handle names: process.c), and
 * GlobalMemoryStatusEx.
 * The module applies NT's rules; this file makes the checks Windows makes in
 * user mode (a missing output pointer, a short buffer) and turns statuses
 * into last errors.
 */
#include <stdio.h>
#include <unistd.h>

#include "internal.h"

/* windows.h spells out Windows' values; the module's header has the same. */
#define SAME_AS_UAPI(name)	_Static_assert(name == NTMM_##name, #name " differs")
SAME_AS_UAPI(MEM_COMMIT);
SAME_AS_UAPI(MEM_RESERVE);
SAME_AS_UAPI(MEM_DECOMMIT);
SAME_AS_UAPI(MEM_RELEASE);
SAME_AS_UAPI(MEM_FREE);
SAME_AS_UAPI(MEM_PRIVATE);
SAME_AS_UAPI(MEM_MAPPED);
SAME_AS_UAPI(MEM_RESET);
SAME_AS_UAPI(MEM_TOP_DOWN);
SAME_AS_UAPI(MEM_WRITE_WATCH);
SAME_AS_UAPI(MEM_PHYSICAL);
SAME_AS_UAPI(MEM_RESET_UNDO);
SAME_AS_UAPI(MEM_LARGE_PAGES);
SAME_AS_UAPI(PAGE_NOACCESS);
SAME_AS_UAPI(PAGE_READONLY);
SAME_AS_UAPI(PAGE_READWRITE);
SAME_AS_UAPI(PAGE_WRITECOPY);
SAME_AS_UAPI(PAGE_EXECUTE);
SAME_AS_UAPI(PAGE_EXECUTE_READ);
SAME_AS_UAPI(PAGE_EXECUTE_READWRITE);
SAME_AS_UAPI(PAGE_EXECUTE_WRITECOPY);
SAME_AS_UAPI(PAGE_GUARD);
SAME_AS_UAPI(PAGE_NOCACHE);
SAME_AS_UAPI(PAGE_WRITECOMBINE);

NTMM_EXPORT HANDLE WINAPI GetCurrentProcess(void)
{
	return CURRENT_PROCESS;
}

NTMM_EXPORT DWORD WINAPI GetCurrentProcessId(void)
{
	return (DWORD)getpid();
}

/* The request of every VirtualAlloc form, before what VirtualAlloc2 and -ExNuma add. */
static struct ntmm_alloc alloc_request(LPVOID address, SIZE_T size, DWORD type, DWORD protect)
{
	return (struct ntmm_alloc){
		.size = sizeof(struct ntmm_alloc),
		.type = type,
		.protect = protect,
		.address = (ULONG_PTR)address,
		.length = size,
	};
}

/* NtAllocateVirtualMemory(Ex) in @process. */
static LPVOID allocate(HANDLE process, struct ntmm_alloc *a)
{
	if (ntmm_process_call(process, NTMM_IOC_ALLOCATE, a) || !ntmm_status(a->status))
		return NULL;
	return (LPVOID)(ULONG_PTR)a->address;
}

NTMM_EXPORT LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize,
				       DWORD flAllocationType, DWORD flProtect)
{
	struct ntmm_alloc a = alloc_request(lpAddress, dwSize, flAllocationType, flProtect);

	return allocate(CURRENT_PROCESS, &a);
}

NTMM_EXPORT LPVOID WINAPI VirtualAllocExNuma(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
					     DWORD flAllocationType, DWORD flProtect,
					     DWORD nndPreferred)
{
	struct ntmm_alloc a = alloc_request(lpAddress, dwSize, flAllocationType, flProtect);

	if (nndPreferred != NUMA_NO_PREFERRED_NODE) {
		a.flags = NTMM_ALLOC_NODE;
		a.node = nndPreferred;
	}
	return allocate(hProcess, &a);
}

/* Apply one MEM_EXTENDED_PARAMETER to @a; FALSE (last error set) if it cannot be. */
static BOOL extended_parameter(const MEM_EXTENDED_PARAMETER *p, struct ntmm_alloc *a)
{
	const MEM_ADDRESS_REQUIREMENTS *r;

	if (p->Reserved)
		goto invalid;
	switch (p->Type) {
	case MemExtendedParameterAddressRequirements:
		r = p->Pointer;
		if (!r)
			goto invalid;
		a->lowest = (ULONG_PTR)r->LowestStartingAddress;
		a->highest = (ULONG_PTR)r->HighestEndingAddress;
		a->alignment = r->Alignment;
		return TRUE;
	case MemExtendedParameterNumaNode:
		if (p->ULong == NUMA_NO_PREFERRED_NODE)
			return TRUE;
		a->flags |= NTMM_ALLOC_NODE;
		a->node = p->ULong;
		return TRUE;
	case MemExtendedParameterPartitionHandle:
	case MemExtendedParameterUserPhysicalHandle:
	case MemExtendedParameterAttributeFlags:
	case MemExtendedParameterImageMachine:
		/* Memory partitions, AWE, placeholder attributes and images: not in ntmm. */
		SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
		return FALSE;
	default:
		goto invalid;
	}
invalid:
	SetLastError(ERROR_INVALID_PARAMETER);
	return FALSE;
}

NTMM_EXPORT PVOID WINAPI VirtualAlloc2(HANDLE Process, PVOID BaseAddress, SIZE_T Size,
				       ULONG AllocationType, ULONG PageProtection,
				       MEM_EXTENDED_PARAMETER *ExtendedParameters,
				       ULONG ParameterCount)
{
	struct ntmm_alloc a = alloc_request(BaseAddress, Size, AllocationType, PageProtection);
	ULONG i;

	if (ParameterCount && !ExtendedParameters) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	for (i = 0; i < ParameterCount; i++)
		if (!extended_parameter(&ExtendedParameters[i], &a))
			return NULL;
	/* NULL stands for the calling process here. */
	return allocate(Process ? Process : CURRENT_PROCESS, &a);
}

NTMM_EXPORT LPVOID WINAPI VirtualAllocEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
					 DWORD flAllocationType, DWORD flProtect)
{
	struct ntmm_alloc a = alloc_request(lpAddress, dwSize, flAllocationType, flProtect);

	return allocate(hProcess, &a);
}

NTMM_EXPORT BOOL WINAPI VirtualFreeEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
				      DWORD dwFreeType)
{
	struct ntmm_free f = {
		.size = sizeof(f),
		.type = dwFreeType,
		.address = (ULONG_PTR)lpAddress,
		.length = dwSize,
	};

	return !ntmm_process_call(hProcess, NTMM_IOC_FREE, &f) && ntmm_status(f.status);
}

NTMM_EXPORT BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType)
{
	return VirtualFreeEx(CURRENT_PROCESS, lpAddress, dwSize, dwFreeType);
}

NTMM_EXPORT BOOL WINAPI VirtualProtectEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
					 DWORD flNewProtect, PDWORD lpflOldProtect)
{
	struct ntmm_protect p = {
		.size = sizeof(p),
		.protect = flNewProtect,
		.address = (ULONG_PTR)lpAddress,
		.length = dwSize,
	};

	/* Windows' kernel would fault writing the old protection. */
	if (!lpflOldProtect) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	if (ntmm_process_call(hProcess, NTMM_IOC_PROTECT, &p) || !ntmm_status(p.status))
		return FALSE;
	*lpflOldProtect = p.old_protect;
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
				       PDWORD lpflOldProtect)
{
	return VirtualProtectEx(CURRENT_PROCESS, lpAddress, dwSize, flNewProtect, lpflOldProtect);
}

NTMM_EXPORT SIZE_T WINAPI VirtualQueryEx(HANDLE hProcess, LPCVOID lpAddress,
					 PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength)
{
	struct ntmm_query q = { .size = sizeof(q), .address = (ULONG_PTR)lpAddress };

	if (dwLength < sizeof(*lpBuffer)) {
		SetLastError(ERROR_BAD_LENGTH);
		return 0;
	}
	/* Windows' kernel would fault writing the answer. */
	if (!lpBuffer) {
		SetLastError(ERROR_NOACCESS);
		return 0;
	}
	if (ntmm_process_call(hProcess, NTMM_IOC_QUERY, &q) || !ntmm_status(q.status))
		return 0;
	lpBuffer->BaseAddress = (PVOID)(ULONG_PTR)q.base_address;
	lpBuffer->AllocationBase = (PVOID)(ULONG_PTR)q.allocation_base;
	lpBuffer->AllocationProtect = q.allocation_protect;
	lpBuffer->PartitionId = 0;
	lpBuffer->RegionSize = q.region_size;
	lpBuffer->State = q.state;
	lpBuffer->Protect = q.protect;
	lpBuffer->Type = q.type;
	return sizeof(*lpBuffer);
}

NTMM_EXPORT SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer,
				       SIZE_T dwLength)
{
	return VirtualQueryEx(CURRENT_PROCESS, lpAddress, lpBuffer, dwLength);
}

static BOOL lock_pages(LPVOID lpAddress, SIZE_T dwSize, __u32 op)
{
	struct ntmm_lock l = {
		.size = sizeof(l),
		.op = op,
		.address = (ULONG_PTR)lpAddress,
		.length = dwSize,
	};

	return !ntmm_ioctl(NTMM_IOC_LOCK, &l) && ntmm_status(l.status);
}

NTMM_EXPORT BOOL WINAPI VirtualLock(LPVOID lpAddress, SIZE_T dwSize)
{
	return lock_pages(lpAddress, dwSize, NTMM_LOCK_PAGES);
}

NTMM_EXPORT BOOL WINAPI VirtualUnlock(LPVOID lpAddress, SIZE_T dwSize)
{
	return lock_pages(lpAddress, dwSize, NTMM_UNLOCK_PAGES);
}

/* Windows' GetWriteWatch and ResetWriteWatch return 0, or (UINT)-1 on failure. */
#define WRITE_WATCH_FAILED	((UINT)-1)

NTMM_EXPORT UINT WINAPI GetWriteWatch(DWORD dwFlags, PVOID lpBaseAddress, SIZE_T dwRegionSize,
				      PVOID *lpAddresses, ULONG_PTR *lpdwCount,
				      LPDWORD lpdwGranularity)
{
	struct ntmm_write_watch w = {
		.size = sizeof(w),
		.address = (ULONG_PTR)lpBaseAddress,
		.length = dwRegionSize,
		.addresses = (ULONG_PTR)lpAddresses,
	};

	_Static_assert(sizeof(PVOID) == sizeof(__u64), "the module fills a PVOID array");
	if (dwFlags & ~WRITE_WATCH_FLAG_RESET) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return WRITE_WATCH_FAILED;
	}
	/* Windows' kernel would fault on these: item 46. */
	if (!lpdwCount || !lpdwGranularity || (!lpAddresses && *lpdwCount)) {
		SetLastError(ERROR_NOACCESS);
		return WRITE_WATCH_FAILED;
	}
	w.flags = dwFlags & WRITE_WATCH_FLAG_RESET ? NTMM_WRITE_WATCH_RESET : 0;
	w.count = *lpdwCount;
	if (ntmm_ioctl(NTMM_IOC_WRITE_WATCH, &w) || !ntmm_status(w.status))
		return WRITE_WATCH_FAILED;
	*lpdwCount = w.count;
	*lpdwGranularity = NTMM_PAGE_SIZE;
	return 0;
}

NTMM_EXPORT UINT WINAPI ResetWriteWatch(LPVOID lpBaseAddress, SIZE_T dwRegionSize)
{
	struct ntmm_write_watch w = {
		.size = sizeof(w),
		.flags = NTMM_WRITE_WATCH_RESET_ONLY,
		.address = (ULONG_PTR)lpBaseAddress,
		.length = dwRegionSize,
	};

	if (ntmm_ioctl(NTMM_IOC_WRITE_WATCH, &w) || !ntmm_status(w.status))
		return WRITE_WATCH_FAILED;
	return 0;
}

/* Bytes of address space the process has mapped, ntmm's and Linux's. */
static ULONGLONG mapped_bytes(void)
{
	unsigned long long pages = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%llu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return pages * (ULONGLONG)sysconf(_SC_PAGESIZE);
}

NTMM_EXPORT BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX lpBuffer)
{
	ULONGLONG mapped;
	struct ntmm_memory_status m = { .size = sizeof(m) };
	struct ntmm_system_info si = { .size = sizeof(si) };

	if (lpBuffer->dwLength != sizeof(*lpBuffer)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if (ntmm_ioctl(NTMM_IOC_MEMORY_STATUS, &m) || ntmm_ioctl(NTMM_IOC_SYSTEM_INFO, &si))
		return FALSE;
	lpBuffer->ullTotalPhys = m.total_phys;
	lpBuffer->ullAvailPhys = m.avail_phys;
	lpBuffer->dwMemoryLoad = m.total_phys ?
		(DWORD)(100 - m.avail_phys * 100 / m.total_phys) : 0;
	/* Windows reports the commit limit and what is left of it as "page file". */
	lpBuffer->ullTotalPageFile = m.commit_limit;
	lpBuffer->ullAvailPageFile = m.commit_limit > m.commit_total ?
				     m.commit_limit - m.commit_total : 0;
	lpBuffer->ullTotalVirtual = si.max_address + 1 - si.min_address;
	mapped = mapped_bytes();
	lpBuffer->ullAvailVirtual = lpBuffer->ullTotalVirtual > mapped ?
				    lpBuffer->ullTotalVirtual - mapped : 0;
	lpBuffer->ullAvailExtendedVirtual = 0;
	return TRUE;
}
