// SPDX-License-Identifier: GPL-2.0
/* libntmm without ntmm.ko loaded: a clear error, and GetSystemInfo still answers. */
#include <unistd.h>
#include <windows.h>
#include <libntmm.h>

#include "tap.h"

int main(void)
{
	SYSTEM_INFO si;
	DWORD abi = 0;

	if (access("/dev/ntmm", F_OK) == 0) {
		printf("# /dev/ntmm exists: run this test without the module\n");
		return 77;
	}
	tap_ok(!NtmmGetVersion(&abi, NULL), "no module: the handshake fails");
	tap_eq(GetLastError(), ERROR_DEVICE_NOT_AVAILABLE, "with ERROR_DEVICE_NOT_AVAILABLE");
	GetSystemInfo(&si);
	tap_eq(si.dwPageSize, 4096, "GetSystemInfo still reports the page size");
	tap_eq(si.dwNumberOfProcessors, sysconf(_SC_NPROCESSORS_ONLN), "and the processors");
	return tap_done();
}
