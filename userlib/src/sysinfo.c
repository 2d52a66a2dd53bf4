// SPDX-License-Identifier: LGPL-2.1-or-later
/* GetSystemInfo: the memory manager's geometry, from ntmm.ko. */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <libntmm.h>

#include "internal.h"

static void sysinfo_processor(LPSYSTEM_INFO si)
{
#if defined(__x86_64__)
	unsigned int eax, ebx, ecx, edx, family, model;

	si->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
	si->dwProcessorType = PROCESSOR_AMD_X8664;
	if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
		/* Windows: level = family, revision = model << 8 | stepping. */
		family = (eax >> 8) & 0xf;
		model = (eax >> 4) & 0xf;
		if (family == 0xf)
			family += (eax >> 20) & 0xff;
		if (family >= 6)
			model |= ((eax >> 16) & 0xf) << 4;
		si->wProcessorLevel = (WORD)family;
		si->wProcessorRevision = (WORD)(model << 8 | (eax & 0xf));
	}
#elif defined(__aarch64__)
	si->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_ARM64;
	si->dwProcessorType = PROCESSOR_ARM;
#else
	si->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_UNKNOWN;
#endif
}

NTMM_EXPORT void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
	struct ntmm_system_info ks = { .size = sizeof(ks) };
	DWORD saved = GetLastError();

	memset(lpSystemInfo, 0, sizeof(*lpSystemInfo));
	sysinfo_processor(lpSystemInfo);
	if (ntmm_ioctl(NTMM_IOC_SYSTEM_INFO, &ks) == 0) {
		lpSystemInfo->dwPageSize = ks.page_size;
		lpSystemInfo->dwAllocationGranularity = ks.allocation_granularity;
		lpSystemInfo->lpMinimumApplicationAddress = (LPVOID)(ULONG_PTR)ks.min_address;
		lpSystemInfo->lpMaximumApplicationAddress = (LPVOID)(ULONG_PTR)ks.max_address;
		lpSystemInfo->dwActiveProcessorMask = ks.active_processor_mask;
		lpSystemInfo->dwNumberOfProcessors = ks.processor_count;
	} else {
		/*
		 * GetSystemInfo cannot fail. Without the module (already
		 * reported on stderr) Linux's own view of the same facts
		 * stands in; nothing can be allocated without it anyway.
		 */
		cpu_set_t set;
		int cpu;

		lpSystemInfo->dwPageSize = NTMM_PAGE_SIZE;
		lpSystemInfo->dwAllocationGranularity = NTMM_ALLOCATION_GRANULARITY;
		lpSystemInfo->lpMinimumApplicationAddress = (LPVOID)(ULONG_PTR)0x10000;
		lpSystemInfo->lpMaximumApplicationAddress = (LPVOID)(ULONG_PTR)0x7ffffffeffff;
		lpSystemInfo->dwNumberOfProcessors = (DWORD)sysconf(_SC_NPROCESSORS_ONLN);
		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			for (cpu = 0; cpu < 64; cpu++)
				if (CPU_ISSET(cpu, &set))
					lpSystemInfo->dwActiveProcessorMask |= 1ULL << cpu;
	}
	/* GetSystemInfo does not touch the last error. */
	SetLastError(saved);
}

NTMM_EXPORT void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
	GetSystemInfo(lpSystemInfo);
}

NTMM_EXPORT SIZE_T WINAPI GetLargePageMinimum(void)
{
	ULONGLONG features;

	/* 0, as Windows answers, where large pages cannot be had. */
	if (!NtmmGetVersion(NULL, &features) || !(features & NTMM_FEATURE_LARGE_PAGES))
		return 0;
	return NTMM_LARGE_PAGE_SIZE;
}
