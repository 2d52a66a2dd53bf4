/*
 * Memory code as a Windows program writes it, compiled unchanged with
 *   cc -I userlib/include getsysteminfo_unchanged.c userlib/libntmm.a
 * Prints what GetSystemInfo reports and exits 0 if it is what Windows x64
 * reports on this machine's shape (4 KiB pages, 64 KiB granularity).
 */
#include <windows.h>
#include <stdio.h>

int main(void)
{
	SYSTEM_INFO si;

	GetSystemInfo(&si);
	printf("page size %u, granularity %u, %u processors, %p-%p\n",
	       (unsigned)si.dwPageSize, (unsigned)si.dwAllocationGranularity,
	       (unsigned)si.dwNumberOfProcessors, si.lpMinimumApplicationAddress,
	       si.lpMaximumApplicationAddress);
	return si.dwPageSize == 4096 && si.dwAllocationGranularity == 65536 ? 0 : 1;
}
