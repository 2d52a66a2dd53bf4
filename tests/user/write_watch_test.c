// SPDX-License-Identifier: GPL-2.0
/*
 * Write watch (windows-semantics.md items 24, 25, 46 and 47): GetWriteWatch
 * and ResetWriteWatch, what they report and reset, their errors, and the
 * cost of recording a write: one minor fault.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <windows.h>

#include "fails_with.h"
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

/* Item 46: NULL pointers, and the entries past the count the call reports. */
static void test_pointers(char *base)
{
	PVOID addrs[16], *unmapped;
	ULONG_PTR count = 16;
	DWORD gran = 0;
	unsigned int i;
	int kept = 1;

	ResetWriteWatch(base, 16 * PAGE);
	wr(base + 2 * PAGE, 1);
	wr(base + 4 * PAGE, 1);
	fails_with(GetWriteWatch(0, base, 16 * PAGE, addrs, NULL, &gran) != (UINT)-1,
		   ERROR_NOACCESS, "46: NULL lpdwCount");
	fails_with(GetWriteWatch(0, base, 16 * PAGE, addrs, &count, NULL) != (UINT)-1,
		   ERROR_NOACCESS, "46: NULL lpdwGranularity");
	fails_with(GetWriteWatch(0, base, 16 * PAGE, NULL, &count, &gran) != (UINT)-1,
		   ERROR_NOACCESS, "46: NULL lpAddresses with a count");
	for (i = 0; i < 16; i++)
		addrs[i] = (PVOID)(ULONG_PTR)(0x5e5e0000 + i);
	count = 16;
	tap_ok(GetWriteWatch(0, base, 16 * PAGE, addrs, &count, &gran) == 0 && count == 2 &&
	       addrs[0] == base + 2 * PAGE && addrs[1] == base + 4 * PAGE,
	       "two pages written, two reported (count %lu)", (unsigned long)count);
	for (i = 2; i < 16; i++)
		kept &= addrs[i] == (PVOID)(ULONG_PTR)(0x5e5e0000 + i);
	tap_ok(kept, "46: the entries past the count are left as the caller set them");

	/* An array that faults: the call fails and resets nothing. */
	unmapped = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	count = 16;
	fails_with(GetWriteWatch(WRITE_WATCH_FLAG_RESET, base, 16 * PAGE, unmapped, &count,
				 &gran) != (UINT)-1, ERROR_NOACCESS,
		   "an address array the caller cannot write");
	count = 16;
	tap_ok(GetWriteWatch(0, base, 16 * PAGE, addrs, &count, &gran) == 0 && count == 2,
	       "and the reset it asked for did not happen (count %lu)", (unsigned long)count);
	munmap(unmapped, PAGE);
}

/* Item 47: decommitting part of a write-watched range forgets its writes. */
static void test_decommit(char *base)
{
	PVOID addrs[16];
	ULONG_PTR count = 16;
	DWORD gran;

	ResetWriteWatch(base, 16 * PAGE);
	wr(base + 6 * PAGE, 1);
	wr(base + 7 * PAGE, 1);
	tap_ok(VirtualFree(base + 6 * PAGE, PAGE, MEM_DECOMMIT), "decommit a written page");
	tap_ok(VirtualAlloc(base + 6 * PAGE, PAGE, MEM_COMMIT, PAGE_READWRITE) == base + 6 * PAGE,
	       "and commit it again");
	tap_ok(GetWriteWatch(0, base, 16 * PAGE, addrs, &count, &gran) == 0 && count == 1 &&
	       addrs[0] == base + 7 * PAGE,
	       "47: only the page still committed is reported (count %lu)", (unsigned long)count);
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
	count = 0;
	FAILS(GetWriteWatch(0, base, 16 * PAGE, NULL, &count, &gran),
	      "count 0 with no address array");
	test_pointers(base);
	test_decommit(base);
	VirtualFree(base, 0, MEM_RELEASE);
	VirtualFree(plain, 0, MEM_RELEASE);
	return tap_done();
}
