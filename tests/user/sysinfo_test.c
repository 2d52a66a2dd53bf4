// SPDX-License-Identifier: GPL-2.0
/*
 * libntmm's foundation: GetSystemInfo from the module, the thread-local
 * last error, the NTSTATUS table, and the lazy, thread-safe, fork-aware
 * device open.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>
#include <libntmm.h>

#include "tap.h"
#include "ntmm_debugfs.h"

static pthread_barrier_t start;
static DWORD thread_abi[8];

static void *first_use(void *arg)
{
	DWORD *abi = arg;

	pthread_barrier_wait(&start);
	if (!NtmmGetVersion(abi, NULL))
		*abi = 0;
	return NULL;
}

static void test_lazy_open(void)
{
	int base = ntmm_debugfs("processes"), i, ok = 1;
	pthread_t t[8];

	pthread_barrier_init(&start, NULL, 8);
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, first_use, &thread_abi[i]);
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		ok &= thread_abi[i] == 1;
	}
	tap_ok(ok, "8 threads racing to first use all get the handshake");
	tap_eq(ntmm_debugfs("processes"), base + 1, "and the process opened one context");
}

static void test_system_info(void)
{
	SYSTEM_INFO si;
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	SetLastError(12345);
	GetSystemInfo(&si);
	tap_eq(GetLastError(), 12345, "GetSystemInfo leaves the last error alone");
	tap_eq(si.dwPageSize, 4096, "dwPageSize");
	tap_eq(si.dwAllocationGranularity, 65536, "dwAllocationGranularity");
	tap_eq(si.dwNumberOfProcessors, online, "dwNumberOfProcessors = online CPUs");
	tap_eq(__builtin_popcountll(si.dwActiveProcessorMask), online,
	       "one mask bit per online CPU");
	tap_eq((ULONG_PTR)si.lpMinimumApplicationAddress, 0x10000, "lpMinimumApplicationAddress");
	tap_eq((ULONG_PTR)si.lpMaximumApplicationAddress, 0x7ffffffeffffULL,
	       "lpMaximumApplicationAddress (Windows x64's value on 47-bit addressing)");
	tap_eq(si.wProcessorArchitecture, PROCESSOR_ARCHITECTURE_AMD64, "architecture AMD64");
	tap_eq(si.dwProcessorType, PROCESSOR_AMD_X8664, "processor type 8664");
	tap_ok(si.wProcessorLevel != 0, "processor level from CPUID (%u)", si.wProcessorLevel);
}

static void *other_thread_error(void *arg)
{
	*(DWORD *)arg = GetLastError();
	SetLastError(7);
	return NULL;
}

static void test_last_error(void)
{
	pthread_t t;
	DWORD seen = 99;

	SetLastError(ERROR_INVALID_ADDRESS);
	pthread_create(&t, NULL, other_thread_error, &seen);
	pthread_join(t, NULL);
	tap_eq(seen, 0, "a new thread starts with last error 0");
	tap_eq(GetLastError(), ERROR_INVALID_ADDRESS, "another thread's SetLastError is not ours");
}

static void test_status_table(void)
{
	static const struct { ULONG status, error; } map[] = {
		{ 0x00000000, ERROR_SUCCESS },
		{ 0xC000000D, ERROR_INVALID_PARAMETER },
		{ 0xC0000017, ERROR_NOT_ENOUGH_MEMORY },
		{ 0xC0000018, ERROR_INVALID_ADDRESS },
		{ 0xC000001A, ERROR_INVALID_PARAMETER },
		{ 0xC0000021, ERROR_ACCESS_DENIED },
		{ 0xC000002D, ERROR_INVALID_ADDRESS },
		{ 0xC0000045, ERROR_INVALID_PARAMETER },
		{ 0xC0000061, ERROR_PRIVILEGE_NOT_HELD },
		{ 0xC000009A, ERROR_NO_SYSTEM_RESOURCES },
		{ 0xC000009F, ERROR_INVALID_ADDRESS },
		{ 0xC00000A0, ERROR_INVALID_ADDRESS },
		{ 0xC00000A1, ERROR_WORKING_SET_QUOTA },
		{ 0xC000012D, ERROR_COMMITMENT_LIMIT },
		{ 0xC0000141, ERROR_INVALID_ADDRESS },
		{ 0xC0000220, ERROR_MAPPED_ALIGNMENT },
		{ 0xC0000004, ERROR_BAD_LENGTH },
		{ 0xC0000005, ERROR_NOACCESS },
		{ 0xC0000034, ERROR_FILE_NOT_FOUND },
		{ 0xC0000035, ERROR_ALREADY_EXISTS },
		{ 0xC000002A, ERROR_NOT_LOCKED },
		{ 0xC0000002, ERROR_INVALID_FUNCTION },
		{ 0x80000001, 0x80000001 },	/* guard page maps to itself */
		{ 0xD000000D, ERROR_INVALID_PARAMETER },	/* 0xD... = 0xC... */
		{ 0xE0001234, 0xE0001234 },	/* customer codes pass through */
		{ 0xC0FFEE00, ERROR_MR_MID_NOT_FOUND },
	};
	unsigned int i, ok = 1;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		ULONG got = RtlNtStatusToDosError((NTSTATUS)map[i].status);

		if (got != map[i].error) {
			printf("# %#x -> %u, want %u\n", map[i].status, got, map[i].error);
			ok = 0;
		}
	}
	tap_ok(ok, "RtlNtStatusToDosError maps %u statuses as Windows does", i);
}

static void test_fork(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		DWORD abi = 0;

		/* The parent's descriptor is not valid here: libntmm reopens. */
		_exit(NtmmGetVersion(&abi, NULL) && abi == 1 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "a forked child's first call reopens the device and works");
}

int main(void)
{
	test_lazy_open();
	test_system_info();
	test_last_error();
	test_status_table();
	test_fork();
	return tap_done();
}
