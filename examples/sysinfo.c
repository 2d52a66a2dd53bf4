// SPDX-License-Identifier: GPL-2.0
/*
 * make demo: what ntmm.ko and libntmm do today, seen from a program.
 * The handshake with the module, then the memory manager's geometry as
 * GetSystemInfo reports it to a Windows program.
 */
#include <stdio.h>
#include <windows.h>
#include <libntmm.h>
#include <linux/ntmm.h>

int main(void)
{
	ULONGLONG features = 0;
	DWORD abi = 0;
	SYSTEM_INFO si;

	if (!NtmmGetVersion(&abi, &features)) {
		printf("ntmm handshake failed: error %u\n", GetLastError());
		return 1;
	}
	printf("ntmm.ko: ABI %u, features %#llx%s\n", abi, (unsigned long long)features,
	       features & NTMM_FEATURE_SYSTEM_INFO ? " (system info)" : "");

	GetSystemInfo(&si);
	printf("GetSystemInfo:\n");
	printf("  dwPageSize                   %u\n", si.dwPageSize);
	printf("  dwAllocationGranularity      %u\n", si.dwAllocationGranularity);
	printf("  lpMinimumApplicationAddress  %p\n", si.lpMinimumApplicationAddress);
	printf("  lpMaximumApplicationAddress  %p\n", si.lpMaximumApplicationAddress);
	printf("  dwNumberOfProcessors         %u (mask %#llx)\n", si.dwNumberOfProcessors,
	       (unsigned long long)si.dwActiveProcessorMask);
	printf("  wProcessorArchitecture       %u, level %u, revision %#x\n",
	       si.wProcessorArchitecture, si.wProcessorLevel, si.wProcessorRevision);
	return 0;
}
