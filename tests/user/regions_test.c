// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 12, "regions, invisible to Windows": however ntmm maps allocations
 * for Linux (today one VMA each; in the new design large VMAs of its own
 * holding many), every Windows call sees only allocations, and Linux's
 * rules for those mappings hold. A region is found as Linux shows it: the
 * /proc/self/maps entry around an allocation. Checked, with exact
 * VirtualQuery values (BaseAddress, AllocationBase, RegionSize, State,
 * Protect, Type) throughout:
 *
 *  - allocations at both ends of a region, and just outside it;
 *  - a fixed reservation straddling two regions and the Linux-free gap
 *    between them (refused while Linux has a mapping in the gap);
 *  - a region emptied (free space inside it is MEM_FREE, to the next
 *    mapping) and reused (zeroed);
 *  - munmap of a whole region with live allocations releases them and
 *    returns their commit charge and frames;
 *  - partial munmap, mprotect and mremap refused, nothing changed (moving
 *    a whole region: mremap_test, in a VM of its own);
 *  - fork copies nothing; the child can allocate at the same address;
 *  - Linux's own mmap, with or without a hint, never lands inside ntmm's
 *    mappings; MAP_FIXED_NOREPLACE there fails with EEXIST;
 *  - 1 TiB of reservations (16 x 64 GiB) succeed, cost no commit and go.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <windows.h>

#include "fails_with.h"
#include "linux_mm.h"
#include "ntmm_debugfs.h"
#include "probe.h"
#include "tap.h"

#define PAGE	0x1000UL
#define GRAN	0x10000UL
#define GIB	(1UL << 30)
#define A(p)	((unsigned long)(p))

/* How Linux shows ntmm's mappings: the maps entry of a live allocation. */
static struct maps_entry ntmm_backing;

static int query(const void *p, MEMORY_BASIC_INFORMATION *mbi)
{
	memset(mbi, 0xcc, sizeof(*mbi));
	return VirtualQuery(p, mbi, sizeof(*mbi)) == sizeof(*mbi);
}

/* VirtualQuery at @at: exactly this run of allocation @base. */
static int expect_run(const void *at, const void *base, SIZE_T size, DWORD state, DWORD prot,
		      DWORD aprot, const char *what)
{
	MEMORY_BASIC_INFORMATION m;
	int ok = query(at, &m);
	void *page = (void *)(A(at) & ~(PAGE - 1));

	return tap_ok(ok && m.BaseAddress == page && m.AllocationBase == base &&
		      m.RegionSize == size && m.State == state && m.Protect == prot &&
		      m.AllocationProtect == aprot && m.Type == MEM_PRIVATE,
		      "%s: base %p alloc %p size %#zx state %#x prot %#x aprot %#x type %#x", what,
		      m.BaseAddress, m.AllocationBase, (size_t)m.RegionSize, m.State, m.Protect,
		      m.AllocationProtect, m.Type);
}

/* VirtualQuery at @at: free, @size bytes from its page (0: any size). */
static int expect_free(const void *at, SIZE_T size, const char *what)
{
	MEMORY_BASIC_INFORMATION m;
	int ok = query(at, &m);
	void *page = (void *)(A(at) & ~(PAGE - 1));

	return tap_ok(ok && m.BaseAddress == page && m.AllocationBase == NULL &&
		      (size ? m.RegionSize == size : m.RegionSize >= PAGE) && m.State == MEM_FREE &&
		      m.Protect == PAGE_NOACCESS && m.AllocationProtect == 0 && m.Type == 0,
		      "%s: MEM_FREE, base %p size %#zx (want %#zx) prot %#x alloc %p type %#x", what,
		      m.BaseAddress, (size_t)m.RegionSize, (size_t)size, m.Protect, m.AllocationBase,
		      m.Type);
}

static int is_ntmm(const struct maps_entry *e)
{
	return ntmm_backing.end && maps_same_backing(e, &ntmm_backing);
}

struct span {
	unsigned long start, end, found;
};

static int other_overlap_fn(const struct maps_entry *e, void *arg)
{
	struct span *s = arg;

	if (e->start < s->end && e->end > s->start && !is_ntmm(e)) {
		s->found = e->start;
		return 1;
	}
	return 0;
}

/* Does any mapping but ntmm's overlap [start, end)? */
static int linux_maps(unsigned long start, unsigned long end)
{
	struct span s = { start, end, 0 };

	return maps_each(other_overlap_fn, &s) == 1;
}

static int any_overlap_fn(const struct maps_entry *e, void *arg)
{
	struct span *s = arg;

	return e->start < s->end && e->end > s->start;
}

/* Does any mapping at all overlap [start, end)? */
static int mapped(unsigned long start, unsigned long end)
{
	struct span s = { start, end, 0 };

	return maps_each(any_overlap_fn, &s) == 1;
}

static int ntmm_overlap_fn(const struct maps_entry *e, void *arg)
{
	struct span *s = arg;

	return e->start < s->end && e->end > s->start && is_ntmm(e);
}

/* Does [start, end) overlap any of ntmm's mappings? */
static int in_ntmm(unsigned long start, unsigned long end)
{
	struct span s = { start, end, 0 };

	return maps_each(ntmm_overlap_fn, &s) == 1;
}

static int next_other_fn(const struct maps_entry *e, void *arg)
{
	struct span *s = arg;

	if (e->end > s->start && !is_ntmm(e)) {
		s->found = e->start > s->start ? e->start : s->start;
		return 1;
	}
	return 0;
}

/* Where the first mapping not ntmm's at or after @addr starts. */
static unsigned long next_linux_mapping(unsigned long addr)
{
	struct span s = { addr, 0, 0 };

	return maps_each(next_other_fn, &s) == 1 ? s.found : 0;
}

static void print_region(const char *what, const struct maps_entry *e)
{
	printf("# %s: %lx-%lx (%lu KiB) %s %s %lu %s\n", what, e->start, e->end,
	       (e->end - e->start) >> 10, e->perms, e->dev, e->inode, e->name);
}

static char *alloc(void *at, SIZE_T size, DWORD type)
{
	return VirtualAlloc(at, size, type, PAGE_READWRITE);
}

static void test_region_ends(void)
{
	struct maps_entry r, r2;
	char *a = alloc(NULL, GRAN, MEM_RESERVE | MEM_COMMIT), *first, *last, *lo = NULL, *hi = NULL;
	unsigned long s, e;
	MEMORY_BASIC_INFORMATION m;

	if (!tap_ok(a && maps_find(a, &r), "a 64 KiB allocation and the mapping around it"))
		return;
	ntmm_backing = r;
	print_region("the mapping around a 64 KiB allocation", &r);
	tap_ok(r.start <= A(a) && A(a) + GRAN <= r.end, "it covers the allocation");
	/* The granules a region holds, should its ends not be 64 KiB aligned. */
	s = (r.start + GRAN - 1) & ~(GRAN - 1);
	e = r.end & ~(GRAN - 1);
	first = A(a) == s ? a : alloc((void *)s, GRAN, MEM_RESERVE | MEM_COMMIT);
	last = A(a) == e - GRAN ? a : (e - GRAN == s ? first :
				       alloc((void *)(e - GRAN), GRAN, MEM_RESERVE | MEM_COMMIT));
	tap_ok(A(first) == s, "an allocation at the region's first granule (%p)", first);
	tap_ok(A(last) == e - GRAN, "an allocation in its last granule (%p)", last);
	expect_run(first, first, GRAN, MEM_COMMIT, PAGE_READWRITE, PAGE_READWRITE, "the first one");
	expect_run((char *)e - 1, last, PAGE, MEM_COMMIT, PAGE_READWRITE, PAGE_READWRITE,
		   "the last page of the last granule");
	first[0] = 1;
	((char *)e)[-1] = 2;
	tap_ok(first[0] == 1 && ((char *)e)[-1] == 2, "their first and last bytes hold what was written");
	tap_ok(maps_find(a, &r2) && r2.start == r.start && r2.end == r.end,
	       "allocating inside it left the region as it was (%lx-%lx)", r2.start, r2.end);
	if (s != r.start || e != r.end)
		printf("# the region's ends are not 64 KiB aligned: nothing allocated outside it\n");

	/* Just outside, where Linux has nothing mapped. */
	if (e == r.end && !linux_maps(e, e + GRAN)) {
		expect_free((char *)e, 0, "the granule after the region");
		hi = alloc((void *)e, GRAN, MEM_RESERVE | MEM_COMMIT);
		tap_ok(A(hi) == e, "an allocation right after the region's end (%p)", hi);
		expect_run(last, last, GRAN, MEM_COMMIT, PAGE_READWRITE, PAGE_READWRITE,
			   "the last allocation stays its own run beside an equal neighbour");
		expect_run(hi, hi, GRAN, MEM_COMMIT, PAGE_READWRITE, PAGE_READWRITE,
			   "and so does the neighbour");
	}
	if (s == r.start && !linux_maps(s - GRAN, s)) {
		lo = alloc((void *)(s - GRAN), GRAN, MEM_RESERVE);
		tap_ok(A(lo) == s - GRAN, "an allocation right before the region's start (%p)", lo);
		expect_run(lo, lo, GRAN, MEM_RESERVE, 0, PAGE_READWRITE, "reserved, its own run");
	}
	tap_ok((!hi || query(hi, &m)) && first[0] == 1 && ((char *)e)[-1] == 2,
	       "the region's contents are untouched by its neighbours");
	if (hi)
		VirtualFree(hi, 0, MEM_RELEASE);
	if (lo)
		VirtualFree(lo, 0, MEM_RELEASE);
	if (last != a && last != first)
		VirtualFree(last, 0, MEM_RELEASE);
	if (first != a)
		VirtualFree(first, 0, MEM_RELEASE);
	VirtualFree(a, 0, MEM_RELEASE);
	expect_free(a, 0, "released");
}

/* A gap of Linux-free address space, far from everything, for fixed addresses. */
static unsigned long quiet_address(void)
{
	unsigned long m;

	for (m = 0x500000000000UL; m > 0x100000000000UL; m -= 0x40000000000UL)
		if (!mapped(m - 256 * GIB, m + 256 * GIB))
			return m;
	return 0;
}

static void test_straddle(void)
{
	unsigned long m = quiet_address();
	char *l, *r, *k1 = NULL, *k2 = NULL, *s, *lin;
	struct maps_entry rl, rr;
	int i, ok;

	if (!tap_ok(m != 0, "a quiet part of the address space (%#lx)", m))
		return;
	lin = mmap((void *)m, GRAN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	l = alloc((void *)(m - GRAN), GRAN, MEM_RESERVE);
	r = alloc((void *)(m + GRAN), GRAN, MEM_RESERVE);
	if (!tap_ok(A(lin) == m && A(l) == m - GRAN && A(r) == m + GRAN,
		    "allocations on both sides of a Linux mapping at %#lx", m))
		return;
	tap_ok(maps_find(l, &rl) && maps_find(r, &rr) && rl.end <= m && rr.start >= m + GRAN,
	       "their regions end before the Linux mapping and start after it "
	       "(%lx-%lx, %lx-%lx)", rl.start, rl.end, rr.start, rr.end);
	print_region("the region on the left", &rl);
	print_region("the region on the right", &rr);
	/* Keep both regions alive with allocations of their own, where there is room. */
	if (rl.start + GRAN <= m - 2 * GRAN)
		k1 = alloc((void *)rl.start, GRAN, MEM_RESERVE);
	if (rr.end >= m + 3 * GRAN)
		k2 = alloc((void *)(rr.end - GRAN), GRAN, MEM_RESERVE);
	printf("# keepers: %p %p\n", k1, k2);
	VirtualFree(l, 0, MEM_RELEASE);
	VirtualFree(r, 0, MEM_RELEASE);
	fails_with(alloc((void *)(m - GRAN), 3 * GRAN, MEM_RESERVE) != NULL, ERROR_INVALID_ADDRESS,
		   "refused: a fixed reservation over the Linux mapping between them");
	tap_ok(munmap(lin, GRAN) == 0, "Linux's mapping goes");

	s = alloc((void *)(m - GRAN), 3 * GRAN, MEM_RESERVE);
	tap_ok(A(s) == m - GRAN, "a fixed reservation straddling both regions and the gap (%p)", s);
	if (!s)
		goto out;
	expect_run(s, s, 3 * GRAN, MEM_RESERVE, 0, PAGE_READWRITE, "at its start");
	expect_run((char *)m + GRAN + 0x10, s, GRAN, MEM_RESERVE, 0, PAGE_READWRITE,
		   "in its last granule (in the right-hand region)");
	tap_ok(VirtualAlloc((void *)(m - PAGE), GRAN + 2 * PAGE, MEM_COMMIT, PAGE_READWRITE) ==
	       (void *)(m - PAGE), "a commit across both boundaries");
	expect_run((void *)(m - PAGE), s, GRAN + 2 * PAGE, MEM_COMMIT, PAGE_READWRITE, PAGE_READWRITE,
		   "one committed run");
	for (i = -1; i <= 16; i++)
		((volatile char *)m)[i * (long)PAGE] = (char)i;
	for (ok = 1, i = -1; i <= 16; i++)
		ok &= ((volatile char *)m)[i * (long)PAGE] == (char)i;
	tap_ok(ok, "its pages on each side of both boundaries hold what was written");
	lin = mmap((void *)m, GRAN, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	tap_ok(lin == MAP_FAILED && errno == EEXIST,
	       "refused: Linux's MAP_FIXED_NOREPLACE inside it: EEXIST (errno %d)", errno);
	if (lin != MAP_FAILED)
		munmap(lin, GRAN);
	VirtualFree(s, 0, MEM_RELEASE);
	expect_free((void *)m, 0, "released");
out:
	if (k1)
		VirtualFree(k1, 0, MEM_RELEASE);
	if (k2)
		VirtualFree(k2, 0, MEM_RELEASE);
}

static void test_emptied_reused(void)
{
	long commit0 = ntmm_debugfs("commit"), frames0 = ntmm_debugfs("frames");
	char *a = alloc(NULL, 4 * GRAN, MEM_RESERVE | MEM_COMMIT), *b, *at;
	unsigned long next;
	struct maps_entry r;
	int ok;

	if (!tap_ok(a && maps_find(a, &r), "a 256 KiB allocation, alone in its region"))
		return;
	pattern_fill(a, 4 * GRAN, 31);
	print_region("its region", &r);
	VirtualFree(a, 0, MEM_RELEASE);
	at = a + 0x1234;
	next = next_linux_mapping(A(a));
	printf("# the next mapping not ntmm's starts at %#lx\n", next);
	expect_free(at, next - (A(at) & ~(PAGE - 1)),
		    "the emptied region: free up to the next mapping, whatever ntmm keeps mapped");
	tap_ok(faults(a, PROBE_READ), "and its memory faults");
	tap_eq(ntmm_debugfs("commit"), commit0, "its commit charge is returned");
	tap_eq(ntmm_debugfs("frames"), frames0, "and its frames");

	b = alloc(a, 4 * GRAN, MEM_RESERVE | MEM_COMMIT);
	tap_ok(b == a, "the same address again (%p)", b);
	if (!b)
		return;
	expect_run(b, b, 4 * GRAN, MEM_COMMIT, PAGE_READWRITE, PAGE_READWRITE, "reused");
	ok = b[0] == 0 && !memcmp(b, b + 1, 4 * GRAN - 1);
	tap_ok(ok, "reading as zeros, nothing of what was there before");
	pattern_fill(b, 4 * GRAN, 32);
	tap_ok(!pattern_diff(b, 4 * GRAN, 32), "and holding what is written now");
	VirtualFree(b, 0, MEM_RELEASE);
	b = alloc(NULL, 4 * GRAN, MEM_RESERVE | MEM_COMMIT);
	tap_ok(b && expect_run(b, b, 4 * GRAN, MEM_COMMIT, PAGE_READWRITE, PAGE_READWRITE,
			       "an allocation anywhere after that"), "placement works after emptying");
	VirtualFree(b, 0, MEM_RELEASE);
	tap_eq(ntmm_debugfs("commit"), commit0, "everything returned at the end");
}

static void test_free_inside(void)
{
	char *a = alloc(NULL, GRAN, MEM_RESERVE), *b;
	struct maps_entry r;

	if (!a || !maps_find(a, &r))
		return;
	if (linux_maps(A(a) + GRAN, A(a) + 4 * GRAN))
		return (void)tap_ok(0, "Linux mapped something right after an allocation");
	b = alloc(a + 4 * GRAN, GRAN, MEM_RESERVE);
	tap_ok(b == a + 4 * GRAN, "two allocations 192 KiB apart (%p, %p)", a, b);
	expect_free(a + GRAN + 0x1777, 3 * GRAN - PAGE, "between them, from a page inside the gap");
	expect_free(a + GRAN, 3 * GRAN, "and from the gap's start");
	expect_run(a, a, GRAN, MEM_RESERVE, 0, PAGE_READWRITE, "the first one, exactly");
	expect_run(b, b, GRAN, MEM_RESERVE, 0, PAGE_READWRITE, "the second one, exactly");
	if (r.end > A(a) + GRAN && r.end != A(b) + GRAN && A(b) + GRAN < r.end &&
	    !linux_maps(A(b) + GRAN, r.end))
		expect_free((char *)r.end - PAGE, 0, "the region's last page, holding nothing");
	VirtualFree(a, 0, MEM_RELEASE);
	VirtualFree(b, 0, MEM_RELEASE);
}

static void test_munmap_region(void)
{
	long commit0 = ntmm_debugfs("commit"), frames0 = ntmm_debugfs("frames");
	char *a = alloc(NULL, 4 * GRAN, MEM_RESERVE | MEM_COMMIT), *b = NULL, *c;
	struct maps_entry r;
	long pages = 64;

	if (!tap_ok(a && maps_find(a, &r), "an allocation and its region"))
		return;
	memset(a, 1, 4 * GRAN);
	/* A second live allocation in the same region, where it has room. */
	if (A(a) + 12 * GRAN <= r.end) {
		b = alloc(a + 8 * GRAN, 2 * GRAN, MEM_RESERVE | MEM_COMMIT);
		if (b) {
			memset(b, 2, 2 * GRAN);
			pages += 32;
		}
	}
	print_region("munmap of the whole region", &r);
	tap_eq(ntmm_debugfs("commit") - commit0, pages, "its allocations hold their commit charge");
	tap_ok(munmap((void *)r.start, r.end - r.start) == 0, "munmap of the whole region (errno %d)",
	       errno);
	expect_free(a, 0, "its allocation is released");
	if (b)
		expect_free(b, 0, "and the other one in it too");
	tap_eq(ntmm_debugfs("commit"), commit0, "their commit charge is returned");
	tap_eq(ntmm_debugfs("frames"), frames0, "and their frames");
	tap_ok(faults(a, PROBE_READ), "the memory faults");
	tap_ok(!maps_find(a, &r), "nothing is mapped there any more");
	fails_with(VirtualFree(a, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS,
		   "refused: releasing it again");
	c = alloc(a, GRAN, MEM_RESERVE | MEM_COMMIT);
	tap_ok(c == a && c[0] == 0, "the address can be allocated again, zeroed (%p)", c);
	VirtualFree(c, 0, MEM_RELEASE);
	tap_eq(ntmm_debugfs("commit"), commit0, "and released");
}

static void test_linux_rules(void)
{
	char *a = alloc(NULL, 2 * GRAN, MEM_RESERVE | MEM_COMMIT);
	struct maps_entry r, r2;
	void *q;
	int rc;

	if (!tap_ok(a && maps_find(a, &r), "a 128 KiB committed allocation"))
		return;
	pattern_fill(a, 2 * GRAN, 33);
	errno = 0;
	rc = munmap(a + GRAN, GRAN);
	tap_ok(rc == -1 && errno == EINVAL, "refused: munmap of its second half: EINVAL (errno %d)",
	       errno);
	errno = 0;
	rc = munmap(a, GRAN);
	tap_ok(rc == -1 && errno == EINVAL, "refused: munmap of its first half: EINVAL (errno %d)",
	       errno);
	if (r.end > A(a) + 3 * GRAN) {
		errno = 0;
		rc = munmap(a + 2 * GRAN, GRAN);
		tap_ok(rc == -1 && errno == EINVAL,
		       "refused: munmap of free space inside the region: EINVAL (errno %d)", errno);
	}
	errno = 0;
	rc = mprotect(a, PAGE, PROT_READ);
	tap_ok(rc == -1 && errno == EACCES, "refused: mprotect of a page: EACCES (errno %d)", errno);
	errno = 0;
	rc = mprotect((void *)r.start, r.end - r.start, PROT_READ | PROT_WRITE | PROT_EXEC);
	tap_ok(rc == -1 && errno == EACCES, "refused: mprotect of the whole region: EACCES (errno %d)",
	       errno);
	q = mremap(a, 2 * GRAN, 4 * GRAN, MREMAP_MAYMOVE);
	tap_ok(q == MAP_FAILED, "refused: mremap growing it (errno %d)", errno);
	q = mremap(a, 2 * GRAN, GRAN, 0);
	tap_ok(q == MAP_FAILED, "refused: mremap shrinking it (errno %d)", errno);
	tap_ok(!pattern_diff(a, 2 * GRAN, 33), "the contents survive all of that");
	expect_run(a, a, 2 * GRAN, MEM_COMMIT, PAGE_READWRITE, PAGE_READWRITE, "and so does the allocation");
	tap_ok(maps_find(a, &r2) && r2.start == r.start && r2.end == r.end && !strcmp(r2.perms, r.perms),
	       "and its region (%lx-%lx %s)", r2.start, r2.end, r2.perms);
	VirtualFree(a, 0, MEM_RELEASE);
}

static void test_fork(void)
{
	char *a = alloc(NULL, GRAN, MEM_RESERVE | MEM_COMMIT);
	int status = 0;
	pid_t pid;

	if (!a)
		return;
	pattern_fill(a, GRAN, 34);
	pid = fork();
	if (pid == 0) {
		MEMORY_BASIC_INFORMATION m;
		int bad = 0;
		char *c;

		bad |= !faults(a, PROBE_READ) << 0;
		bad |= !(query(a, &m) && m.State == MEM_FREE) << 1;
		c = alloc(a, GRAN, MEM_RESERVE | MEM_COMMIT);
		bad |= (c != a) << 2;
		if (c == a) {
			bad |= !(c[0] == 0 && !memcmp(c, c + 1, GRAN - 1)) << 3;
			memset(c, 0x77, GRAN);
		}
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 1),
	       "fork copies nothing: the child faults at the parent's allocation (status %#x)", status);
	tap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 2), "and VirtualQuery shows it free there");
	tap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 12),
	       "the child allocates the same address, zeroed, and writes it");
	tap_ok(!pattern_diff(a, GRAN, 34), "the parent's data is untouched");
	VirtualFree(a, 0, MEM_RELEASE);
}

static void test_linux_mmap(void)
{
	static const size_t sizes[] = { PAGE, GRAN, 1UL << 20, (2UL << 20) + PAGE, 64UL << 20, GIB };
	char *a[4], *hinted;
	struct maps_entry r;
	void *q[4 * 6];
	unsigned int i, n = 0, bad = 0;

	a[0] = alloc(NULL, GRAN, MEM_RESERVE | MEM_COMMIT);
	a[1] = alloc(NULL, 2UL << 20, MEM_RESERVE | MEM_COMMIT);
	a[2] = alloc(NULL, 64UL << 20, MEM_RESERVE);
	a[3] = alloc(NULL, GRAN, MEM_RESERVE | MEM_COMMIT | MEM_TOP_DOWN);
	if (!tap_ok(a[0] && a[1] && a[2] && a[3], "four allocations, one top-down"))
		return;
	for (i = 0; i < 4 * 6; i++) {
		size_t len = sizes[i % 6];

		q[i] = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (q[i] == MAP_FAILED)
			continue;
		n++;
		if (in_ntmm(A(q[i]), A(q[i]) + len)) {
			bad++;
			printf("# mmap of %zu at %p is inside ntmm's mapping\n", len, q[i]);
		}
	}
	tap_ok(n == 24 && bad == 0, "24 mmaps of 4 KiB to 1 GiB, none inside ntmm's mappings (%u bad)",
	       bad);
	for (i = 0; i < 4 * 6; i++)
		if (q[i] != MAP_FAILED)
			munmap(q[i], sizes[i % 6]);

	/* A hint inside ntmm's mapping: Linux must look elsewhere. */
	maps_find(a[2], &r);
	hinted = mmap(a[2] + (r.end - A(a[2])) / 2, GRAN, PROT_READ,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tap_ok(hinted != MAP_FAILED && !in_ntmm(A(hinted), A(hinted) + GRAN),
	       "mmap with a hint inside ntmm's mapping lands outside it (%p)", hinted);
	if (hinted != MAP_FAILED)
		munmap(hinted, GRAN);
	maps_find(a[0], &r);
	hinted = mmap((void *)(r.end - GRAN), GRAN, PROT_READ,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	tap_ok(hinted == MAP_FAILED && errno == EEXIST,
	       "refused: MAP_FIXED_NOREPLACE at the last granule of a region: EEXIST (errno %d)", errno);
	if (hinted != MAP_FAILED)
		munmap(hinted, GRAN);
	{
		char *m = malloc(1 << 20);

		tap_ok(m && !in_ntmm(A(m), A(m) + (1 << 20)), "a 1 MiB malloc lands outside too (%p)",
		       m);
		free(m);
	}
	for (i = 0; i < 4; i++)
		VirtualFree(a[i], 0, MEM_RELEASE);
}

/*
 * A region made for one big allocation fits it exactly: emptied, it is
 * kept (the spare), and the same reservation made again goes back into it
 * rather than into a new region while the old one is unmapped.
 */
static void reuse_exact_region(void)
{
	struct maps_entry r, r2;
	char *a = alloc(NULL, 64 * GIB, MEM_RESERVE), *b;

	if (!tap_ok(a && maps_find(a, &r), "a 64 GiB reservation in a region of its own"))
		return;
	VirtualFree(a, 0, MEM_RELEASE);
	b = alloc(NULL, 64 * GIB, MEM_RESERVE);
	tap_ok(b == a && maps_find(b, &r2) && r2.start == r.start && r2.end == r.end,
	       "released and made again, it goes back into the same region (%p, %p)", a, b);
	if (b)
		VirtualFree(b, 0, MEM_RELEASE);
}

static void test_terabyte(void)
{
	long commit0 = ntmm_debugfs("commit"), pte0 = status_kb("VmPTE");
	MEMORY_BASIC_INFORMATION m;
	struct timespec t0, t1;
	char *a[16];
	int i, j, ok = 1, disjoint = 1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 16; i++)
		a[i] = alloc(NULL, 64 * GIB, MEM_RESERVE);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < 16; i++) {
		ok &= a[i] && query(a[i], &m) && m.BaseAddress == a[i] && m.AllocationBase == a[i] &&
		      m.RegionSize == 64 * GIB && m.State == MEM_RESERVE && m.Protect == 0 &&
		      m.Type == MEM_PRIVATE;
		for (j = 0; j < i; j++)
			disjoint &= !a[i] || !a[j] || A(a[i]) + 64 * GIB <= A(a[j]) ||
				    A(a[j]) + 64 * GIB <= A(a[i]);
	}
	tap_ok(ok, "16 reservations of 64 GiB (1 TiB), each exactly as asked (%.1f ms)",
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	tap_ok(disjoint, "none overlapping another");
	tap_eq(ntmm_debugfs("commit"), commit0, "they charge no commit");
	for (i = 0; i < 16; i++)
		if (a[i] && VirtualAlloc(a[i] + 32 * GIB, PAGE, MEM_COMMIT, PAGE_READWRITE))
			a[i][32 * GIB] = (char)i;
	for (ok = 1, i = 0; i < 16; i++)
		ok &= a[i] && a[i][32 * GIB] == (char)i;
	tap_ok(ok, "a page committed in the middle of each holds what was written");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (ok = 1, i = 0; i < 16; i++)
		ok &= a[i] && VirtualFree(a[i], 0, MEM_RELEASE);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	tap_ok(ok, "all released (%.1f ms)",
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	for (ok = 1, i = 0; i < 16; i++)
		ok &= query(a[i] + 32 * GIB, &m) && m.State == MEM_FREE;
	tap_ok(ok, "and free");
	tap_eq(ntmm_debugfs("commit"), commit0, "the commit charge is back");
	tap_ok(status_kb("VmPTE") - pte0 < 1024, "no page tables left behind (VmPTE %+ld kB)",
	       status_kb("VmPTE") - pte0);
	reuse_exact_region();
}

int main(void)
{
	test_region_ends();
	test_straddle();
	test_emptied_reused();
	test_free_inside();
	test_munmap_region();
	test_linux_rules();
	test_fork();
	test_linux_mmap();
	test_terabyte();
	return tap_done();
}
