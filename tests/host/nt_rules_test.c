// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of module/core/nt_rules.c: every protection value and every
 * combination of allocation-type bits, against an oracle written from
 * windows-semantics.md items 7, 8, 10 and 11 rather than from the code.
 */
#include "nt_rules.h"
#include "../tap.h"

#define ST_INVALID_PARAMETER		0xC000000DU
#define ST_INVALID_PAGE_PROTECTION	0xC0000045U

void *core_host_alloc(size_t size)
{
	return malloc(size);
}

void *core_host_alloc_nofail(size_t size)
{
	return malloc(size);
}

/* Item 8: one base value among six, and at most one modifier, none on NOACCESS. */
static int oracle_protect_ok(unsigned int p)
{
	static const unsigned int bases[] = { 0x01, 0x02, 0x04, 0x10, 0x20, 0x40 };
	unsigned int base = p & 0xff, mods = p & 0x700, i, ok = 0;

	if (p & ~0x7ffU)
		return 0;
	for (i = 0; i < 6; i++)
		ok |= base == bases[i];
	if (!ok)
		return 0;
	if (mods != 0 && mods != 0x100 && mods != 0x200 && mods != 0x400)
		return 0;
	return !(base == 0x01 && mods);
}

static void test_protect(void)
{
	unsigned int p, bad = 0, valid = 0;

	for (p = 0; p < 0x1000; p++) {
		u32 got = nt_check_private_protect(p);
		int want = oracle_protect_ok(p);

		if (want ? got != 0 : got != ST_INVALID_PAGE_PROTECTION) {
			if (bad++ < 5)
				printf("# protect %#x: got %#x\n", p, got);
		}
		valid += want;
	}
	tap_eq(bad, 0, "every protection 0..0xfff judged as Windows does");
	tap_eq(valid, 6 + 5 * 3, "6 bases, and 5 of them with each of 3 modifiers");
	tap_eq(nt_check_private_protect(0x80000004), ST_INVALID_PAGE_PROTECTION, "high bits refused");
	tap_eq(nt_protect_access(NT_PAGE_READONLY), NT_ACCESS_READ, "READONLY reads");
	tap_eq(nt_protect_access(NT_PAGE_READWRITE | NT_PAGE_GUARD), NT_ACCESS_READ | NT_ACCESS_WRITE,
	       "modifiers do not change the base access");
	tap_eq(nt_protect_access(NT_PAGE_EXECUTE), NT_ACCESS_READ | NT_ACCESS_EXECUTE,
	       "EXECUTE also reads (x86)");
	tap_eq(nt_protect_access(NT_PAGE_NOACCESS), 0, "NOACCESS allows nothing");
}

static void test_alloc_type(void)
{
	static const u32 bits[] = { NT_MEM_COMMIT, NT_MEM_RESERVE, NT_MEM_RESET, NT_MEM_RESET_UNDO,
				    NT_MEM_TOP_DOWN, NT_MEM_WRITE_WATCH, NT_MEM_LARGE_PAGES,
				    NT_MEM_PHYSICAL, 0x40000000 };
	unsigned int mask, i, bad = 0;

	for (mask = 0; mask < (1U << 9); mask++) {
		u32 type = 0, got;
		int ok;

		for (i = 0; i < 9; i++)
			if (mask & (1U << i))
				type |= bits[i];
		/* Items 7, 23 and 26; physical pages are not offered. */
		if (type & (NT_MEM_PHYSICAL | 0x40000000))
			ok = 0;
		else if (type & NT_MEM_LARGE_PAGES)
			ok = (type & ~NT_MEM_TOP_DOWN) ==
			     (NT_MEM_LARGE_PAGES | NT_MEM_COMMIT | NT_MEM_RESERVE);
		else if (type & (NT_MEM_RESET | NT_MEM_RESET_UNDO))
			ok = type == NT_MEM_RESET || type == NT_MEM_RESET_UNDO;
		else
			ok = (type & (NT_MEM_COMMIT | NT_MEM_RESERVE)) &&
			     (!(type & NT_MEM_WRITE_WATCH) || (type & NT_MEM_RESERVE));
		got = nt_check_alloc_type(type, 0x10000);
		if (ok ? got != 0 : got != ST_INVALID_PARAMETER) {
			if (bad++ < 5)
				printf("# type %#x: got %#x\n", type, got);
		}
	}
	tap_eq(bad, 0, "all 512 combinations of type bits judged as Windows does");
	tap_eq(nt_check_alloc_type(NT_MEM_RESET, 0), ST_INVALID_PARAMETER, "MEM_RESET needs an address");
}

static void test_free_type(void)
{
	tap_eq(nt_check_free_type(0, 0), ST_INVALID_PARAMETER, "10: type 0");
	tap_eq(nt_check_free_type(NT_MEM_FREE, 0), ST_INVALID_PARAMETER, "10: MEM_FREE");
	tap_eq(nt_check_free_type(NT_MEM_DECOMMIT | NT_MEM_RELEASE, 0), ST_INVALID_PARAMETER,
	       "10: DECOMMIT|RELEASE");
	tap_eq(nt_check_free_type(NT_MEM_RELEASE, 1), ST_INVALID_PARAMETER, "11: RELEASE with size");
	tap_eq(nt_check_free_type(NT_MEM_RELEASE, 0), 0, "RELEASE");
	tap_eq(nt_check_free_type(NT_MEM_DECOMMIT, 12345), 0, "DECOMMIT with size");
}

static void test_round(void)
{
	u64 s, e;

	tap_ok(nt_round_range(0x1FFF, 2, NT_PAGE_SIZE, &s, &e) && s == 0x1000 && e == 0x3000,
	       "13: 2 bytes at 0x1FFF cover two pages");
	tap_ok(nt_round_range(0x21234, 0xFFFC, NT_GRANULARITY, &s, &e) && s == 0x20000 &&
	       e == 0x32000, "3: a reservation starts on 64 KiB and ends on a page");
	tap_ok(!nt_round_range(0x1000, 0, NT_PAGE_SIZE, &s, &e), "size 0 is refused");
	tap_ok(!nt_round_range(~0ULL - 10, 100, NT_PAGE_SIZE, &s, &e), "wrap-around is refused");
	tap_ok(!nt_round_range(~0ULL - 0x800, 1, NT_PAGE_SIZE, &s, &e),
	       "a range in the last page (its end would wrap) is refused");
	tap_ok(nt_round_range(~0ULL - 0x1000, 1, NT_PAGE_SIZE, &s, &e) && e == ~0ULL - 0xFFF,
	       "the page before it still rounds");
}

int main(void)
{
	test_protect();
	test_alloc_type();
	test_free_type();
	test_round();
	return tap_done();
}
