// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 12's Linux-side rules: mremap of ntmm memory stays refused, also
 * when it would move a whole region (the /proc/self/maps entry around an
 * allocation) elsewhere, and the refusal changes nothing: the allocation is
 * still there for every Windows call, with its contents, and is released
 * as usual.
 *
 * With one VMA per allocation, the refused move left the VMA without its
 * VAD and freed the VAD twice at exit (KASAN on the debug kernel; slab
 * corruption that took the guest down on the stock ones).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <windows.h>

#include "linux_mm.h"
#include "ntmm_debugfs.h"
#include "tap.h"

#define GRAN	0x10000UL
#define AWAY	0x6f0000000000UL	/* Linux-free: far from every mapping */

int main(void)
{
	long commit0 = ntmm_debugfs("commit");
	char *a = VirtualAlloc(NULL, 2 * GRAN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	MEMORY_BASIC_INFORMATION m;
	struct maps_entry r, r2;
	void *q;
	int ok;

	if (!tap_ok(a && maps_find(a, &r), "a 128 KiB committed allocation and its region"))
		return tap_done();
	pattern_fill(a, 2 * GRAN, 41);
	printf("# its region: %lx-%lx %s %s\n", r.start, r.end, r.perms, r.name);
	tap_ok(!maps_find((void *)AWAY, &r2), "nothing is mapped at %#lx", AWAY);
	errno = 0;
	q = mremap((void *)r.start, r.end - r.start, r.end - r.start, MREMAP_MAYMOVE | MREMAP_FIXED,
		   (void *)AWAY);
	tap_ok(q == MAP_FAILED, "refused: mremap moving the whole region (errno %d)", errno);
	tap_ok(!maps_find((void *)AWAY, &r2), "nothing was mapped where it would have gone");
	ok = maps_find(a, &r2);
	tap_ok(ok && r2.start == r.start && r2.end == r.end && !strcmp(r2.perms, r.perms),
	       "the region is where it was (%lx-%lx %s)", r2.start, r2.end, r2.perms);
	tap_ok(!pattern_diff(a, 2 * GRAN, 41), "with its contents");
	memset(&m, 0xcc, sizeof(m));
	ok = VirtualQuery(a, &m, sizeof(m)) == sizeof(m);
	tap_ok(ok && m.BaseAddress == a && m.AllocationBase == a && m.RegionSize == 2 * GRAN &&
	       m.State == MEM_COMMIT && m.Protect == PAGE_READWRITE &&
	       m.AllocationProtect == PAGE_READWRITE && m.Type == MEM_PRIVATE,
	       "VirtualQuery: still the allocation (base %p alloc %p size %#zx state %#x prot %#x "
	       "type %#x)", m.BaseAddress, m.AllocationBase, (size_t)m.RegionSize, m.State,
	       m.Protect, m.Type);
	ok = VirtualFree(a, 0, MEM_RELEASE);
	tap_ok(ok, "and it is released as usual (error %u)", ok ? 0 : GetLastError());
	ok = VirtualQuery(a, &m, sizeof(m)) == sizeof(m);
	tap_ok(ok && m.State == MEM_FREE, "free after that");
	tap_eq(ntmm_debugfs("commit"), commit0, "its commit charge is returned");
	return tap_done();
}
