// SPDX-License-Identifier: GPL-2.0
/*
 * Write watch (windows-semantics.md items 24 and 25): GetWriteWatch and
 * ResetWriteWatch, what they report and reset, their errors, and the cost
 * of recording a write: one minor fault.
 */
#include <sys/resource.h>
#include <windows.h>

#include "tap.h"

#define PAGE 0x1000UL

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static void wr(char *p, char v)
{
	*(volatile char *)p = v;
}

int main(void)
{
	char *base = VirtualAlloc(NULL, 16 * PAGE, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH,
				  PAGE_READWRITE);
	char *plain = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	PVOID addrs[16];
	ULONG_PTR count = 16;
	DWORD gran = 0, old;
	long faults;

	tap_ok(base != NULL, "MEM_RESERVE|MEM_COMMIT|MEM_WRITE_WATCH allocates");
	tap_ok(GetWriteWatch(0, base, 16 * PAGE, addrs, &count, &gran) == 0 && count == 0,
	       "24: nothing written yet: count 0");
	wr(base + PAGE + 1, 1);
	count = 16;
	tap_ok(GetWriteWatch(0, base, 16 * PAGE, addrs, &count, &gran) == 0 && count == 1 &&
	       addrs[0] == base + PAGE && gran == 4096,
	       "24: after writing base+page+1: count 1, addr[0] = base+page, granularity 4096");
	(void)*(volatile char *)(base + 7 * PAGE);
	wr(base + 5 * PAGE, 1);
	wr(base + 3 * PAGE, 1);
	count = 16;
	tap_ok(GetWriteWatch(0, base, 16 * PAGE, addrs, &count, &gran) == 0 && count == 3 &&
	       addrs[0] == base + PAGE && addrs[1] == base + 3 * PAGE && addrs[2] == base + 5 * PAGE,
	       "24: addresses ascend, and a read is not a write (count %lu)", (unsigned long)count);

	count = 2;
	tap_ok(GetWriteWatch(WRITE_WATCH_FLAG_RESET, base, 16 * PAGE, addrs, &count, &gran) == 0 &&
	       count == 2 && addrs[1] == base + 3 * PAGE,
	       "24: WRITE_WATCH_FLAG_RESET with room for 2 reports 2");
	count = 16;
	tap_ok(GetWriteWatch(0, base, 16 * PAGE, addrs, &count, &gran) == 0 && count == 1 &&
	       addrs[0] == base + 5 * PAGE, "24: the reset cleared only the pages it reported");

	faults = minor_faults();
	wr(base + PAGE, 2);
	tap_eq(minor_faults() - faults, 1, "a write to a reset page costs one minor fault");
	count = 16;
	GetWriteWatch(0, base, 16 * PAGE, addrs, &count, &gran);
	tap_ok(count == 2 && addrs[0] == base + PAGE, "and is recorded again");

	/* Read first (the page maps read-only), then write: the write upgrades it. */
	(void)*(volatile char *)(base + 11 * PAGE);
	faults = minor_faults();
	wr(base + 11 * PAGE, 1);
	tap_eq(minor_faults() - faults, 1, "a write after a read costs one more fault");
	count = 16;
	GetWriteWatch(0, base + 11 * PAGE, PAGE, addrs, &count, &gran);
	tap_ok(count == 1 && addrs[0] == base + 11 * PAGE,
	       "24: a write to a page mapped by an earlier read is recorded");

	wr(base + 9 * PAGE, 1);
	VirtualProtect(base + 9 * PAGE, PAGE, PAGE_READONLY, &old);
	VirtualProtect(base + 9 * PAGE, PAGE, PAGE_READWRITE, &old);
	count = 16;
	GetWriteWatch(0, base + 9 * PAGE, PAGE, addrs, &count, &gran);
	tap_ok(count == 1 && addrs[0] == base + 9 * PAGE, "24: VirtualProtect does not clear watches");

	tap_ok(ResetWriteWatch(base, 16 * PAGE) == 0, "ResetWriteWatch");
	count = 16;
	tap_ok(GetWriteWatch(0, base, 16 * PAGE, addrs, &count, &gran) == 0 && count == 0,
	       "after ResetWriteWatch nothing is reported");

	faults = minor_faults();
	wr(plain, 1);
	tap_eq(minor_faults() - faults, 1, "a first write to a read-write page maps it writable in one fault");

#define FAILS(call, what) do {							\
		SetLastError(0);						\
		tap_ok((call) == (UINT)-1 && GetLastError() == ERROR_INVALID_PARAMETER, \
		       "25: %s: (UINT)-1, E87 (error %u)", what, GetLastError()); \
	} while (0)
	count = 0;
	FAILS(GetWriteWatch(0, base, 16 * PAGE, addrs, &count, &gran), "count 0");
	count = 16;
	FAILS(GetWriteWatch(2, base, 16 * PAGE, addrs, &count, &gran), "flags 2");
	FAILS(GetWriteWatch(0, base, 0, addrs, &count, &gran), "size 0");
	FAILS(GetWriteWatch(0, base, 17 * PAGE, addrs, &count, &gran), "range past the region");
	FAILS(GetWriteWatch(0, plain, PAGE, addrs, &count, &gran), "memory without write watch");
	FAILS(ResetWriteWatch(base, 0), "ResetWriteWatch size 0");
	VirtualFree(base, 0, MEM_RELEASE);
	VirtualFree(plain, 0, MEM_RELEASE);
	return tap_done();
}
