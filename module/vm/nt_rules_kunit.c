// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ntmm_nt_rules: NT's argument rules, every protection value
 * and every combination of allocation-type bits, against an oracle written
 * from windows-semantics.md items 3, 7, 8, 10, 11, 13 and 45 rather than
 * from the code. The same source runs on the host under ASan and UBSan
 * (tests/host/nt_rules_test.c includes it with a KUnit shim), as
 * lib/test_xarray.c runs in both worlds.
 */
#include <kunit/test.h>

#include "nt_rules.h"

/* Item 8: one base value among six, and at most one modifier, none on NOACCESS. */
static bool oracle_protect_ok(u32 p)
{
	static const u32 bases[] = { 0x01, 0x02, 0x04, 0x10, 0x20, 0x40 };
	u32 base = p & 0xff, mods = p & 0x700, i;
	bool ok = false;

	if (p & ~0x7ffU)
		return false;
	for (i = 0; i < 6; i++)
		ok |= base == bases[i];
	if (!ok)
		return false;
	if (mods != 0 && mods != 0x100 && mods != 0x200 && mods != 0x400)
		return false;
	return !(base == 0x01 && mods);
}

static void nt_rules_protect_test(struct kunit *test)
{
	unsigned int bad = 0, valid = 0;
	u32 p;

	for (p = 0; p < 0x1000; p++) {
		ntstatus_t got = nt_check_private_protect(p);
		bool want = oracle_protect_ok(p);

		if (want ? got != STATUS_SUCCESS : got != STATUS_INVALID_PAGE_PROTECTION) {
			if (bad++ < 5)
				kunit_info(test, "protect %#x: got %#x", p, ntstatus_to_user(got));
		}
		valid += want;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "every protection 0..0xfff judged as Windows does");
	KUNIT_EXPECT_EQ_MSG(test, valid, 6U + 5 * 3, "6 bases, 5 of them with each of 3 modifiers");
	KUNIT_EXPECT_EQ_MSG(test, ntstatus_to_user(nt_check_private_protect(0x80000004)),
			    NTMM_STATUS_INVALID_PAGE_PROTECTION, "high bits refused");
	KUNIT_EXPECT_EQ(test, nt_protect_access(NTMM_PAGE_READONLY), NT_ACCESS_READ);
	KUNIT_EXPECT_EQ_MSG(test, nt_protect_access(NTMM_PAGE_READWRITE | NTMM_PAGE_GUARD),
			    NT_ACCESS_READ | NT_ACCESS_WRITE,
			    "modifiers do not change the base access");
	KUNIT_EXPECT_EQ_MSG(test, nt_protect_access(NTMM_PAGE_EXECUTE),
			    NT_ACCESS_READ | NT_ACCESS_EXECUTE, "EXECUTE also reads (x86)");
	KUNIT_EXPECT_EQ(test, nt_protect_access(NTMM_PAGE_EXECUTE_READWRITE),
			NT_ACCESS_READ | NT_ACCESS_WRITE | NT_ACCESS_EXECUTE);
	KUNIT_EXPECT_EQ_MSG(test, nt_protect_access(NTMM_PAGE_NOACCESS), 0U,
			    "NOACCESS allows nothing");
}

/* Item 45: the caching modifiers follow the allocation, whatever is asked. */
static void nt_rules_caching_test(struct kunit *test)
{
	const u32 rw_nc = NTMM_PAGE_READWRITE | NTMM_PAGE_NOCACHE;
	const u32 rw_wc = NTMM_PAGE_READWRITE | NTMM_PAGE_WRITECOMBINE;

	KUNIT_EXPECT_EQ(test, nt_protect_keep_caching(NTMM_PAGE_READONLY, rw_nc),
			NTMM_PAGE_READONLY | NTMM_PAGE_NOCACHE);
	KUNIT_EXPECT_EQ(test, nt_protect_keep_caching(NTMM_PAGE_READWRITE, rw_wc), rw_wc);
	KUNIT_EXPECT_EQ_MSG(test, nt_protect_keep_caching(rw_nc, rw_wc), rw_wc,
			    "the allocation's modifier wins over the one asked for");
	KUNIT_EXPECT_EQ_MSG(test, nt_protect_keep_caching(NTMM_PAGE_READONLY | NTMM_PAGE_NOCACHE,
							  NTMM_PAGE_READWRITE),
			    NTMM_PAGE_READONLY, "asked for on plain memory it is dropped");
	KUNIT_EXPECT_EQ_MSG(test, nt_protect_keep_caching(NTMM_PAGE_NOACCESS, rw_nc),
			    NTMM_PAGE_NOACCESS, "NOACCESS takes no modifier");
	KUNIT_EXPECT_EQ_MSG(test, nt_protect_keep_caching(NTMM_PAGE_READWRITE | NTMM_PAGE_GUARD,
							  NTMM_PAGE_READWRITE),
			    NTMM_PAGE_READWRITE | NTMM_PAGE_GUARD, "a guard is the page's own");
}

static void nt_rules_alloc_type_test(struct kunit *test)
{
	static const u32 bits[] = { NTMM_MEM_COMMIT, NTMM_MEM_RESERVE, NTMM_MEM_RESET,
				    NTMM_MEM_RESET_UNDO, NTMM_MEM_TOP_DOWN, NTMM_MEM_WRITE_WATCH,
				    NTMM_MEM_LARGE_PAGES, NTMM_MEM_PHYSICAL, 0x40000000 };
	unsigned int mask, i, bad = 0;

	for (mask = 0; mask < (1U << 9); mask++) {
		u32 type = 0;
		ntstatus_t got;
		bool ok;

		for (i = 0; i < 9; i++)
			if (mask & (1U << i))
				type |= bits[i];
		/* Items 7, 23 and 26; physical pages are not offered. */
		if (type & (NTMM_MEM_PHYSICAL | 0x40000000))
			ok = false;
		else if (type & NTMM_MEM_LARGE_PAGES)
			ok = (type & ~NTMM_MEM_TOP_DOWN) ==
			     (NTMM_MEM_LARGE_PAGES | NTMM_MEM_COMMIT | NTMM_MEM_RESERVE);
		else if (type & (NTMM_MEM_RESET | NTMM_MEM_RESET_UNDO))
			ok = type == NTMM_MEM_RESET || type == NTMM_MEM_RESET_UNDO;
		else
			ok = (type & (NTMM_MEM_COMMIT | NTMM_MEM_RESERVE)) &&
			     (!(type & NTMM_MEM_WRITE_WATCH) || (type & NTMM_MEM_RESERVE));
		got = nt_check_alloc_type(type, 0x10000);
		if (ok ? got != STATUS_SUCCESS : got != STATUS_INVALID_PARAMETER) {
			if (bad++ < 5)
				kunit_info(test, "type %#x: got %#x", type, ntstatus_to_user(got));
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U,
			    "all 512 combinations of type bits judged as Windows does");
	KUNIT_EXPECT_EQ_MSG(test, ntstatus_to_user(nt_check_alloc_type(NTMM_MEM_RESET, 0)),
			    NTMM_STATUS_INVALID_PARAMETER, "MEM_RESET needs an address");
}

static void nt_rules_free_type_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, ntstatus_to_user(nt_check_free_type(0, 0)),
			    NTMM_STATUS_INVALID_PARAMETER, "10: type 0");
	KUNIT_EXPECT_EQ_MSG(test, ntstatus_to_user(nt_check_free_type(NTMM_MEM_FREE, 0)),
			    NTMM_STATUS_INVALID_PARAMETER, "10: MEM_FREE");
	KUNIT_EXPECT_EQ_MSG(test, ntstatus_to_user(nt_check_free_type(NTMM_MEM_DECOMMIT |
								      NTMM_MEM_RELEASE, 0)),
			    NTMM_STATUS_INVALID_PARAMETER, "10: DECOMMIT|RELEASE");
	KUNIT_EXPECT_EQ_MSG(test, ntstatus_to_user(nt_check_free_type(NTMM_MEM_RELEASE, 1)),
			    NTMM_STATUS_INVALID_PARAMETER, "11: RELEASE with a size");
	KUNIT_EXPECT_EQ(test, ntstatus_to_user(nt_check_free_type(NTMM_MEM_RELEASE, 0)),
			NTMM_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, ntstatus_to_user(nt_check_free_type(NTMM_MEM_DECOMMIT, 12345)),
			NTMM_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ_MSG(test, ntstatus_to_user(nt_check_free_type(NTMM_MEM_RELEASE |
			    NTMM_MEM_PRESERVE_PLACEHOLDER, 0x10000)), NTMM_STATUS_SUCCESS,
			    "40: split a placeholder");
	KUNIT_EXPECT_EQ_MSG(test, ntstatus_to_user(nt_check_free_type(NTMM_MEM_RELEASE |
			    NTMM_MEM_COALESCE_PLACEHOLDERS, 0)), NTMM_STATUS_INVALID_PARAMETER,
			    "40: join needs the span");
	KUNIT_EXPECT_EQ_MSG(test, ntstatus_to_user(nt_check_free_type(NTMM_MEM_DECOMMIT |
			    NTMM_MEM_PRESERVE_PLACEHOLDER, 0x10000)), NTMM_STATUS_INVALID_PARAMETER,
			    "40: placeholders are released, not decommitted");
}

/* Item 40: the allocation types of placeholders. */
static void nt_rules_placeholder_types(struct kunit *test)
{
	const u32 r = NTMM_MEM_RESERVE, c = NTMM_MEM_COMMIT;

	KUNIT_EXPECT_EQ(test, ntstatus_to_user(nt_check_alloc_type(r |
			NTMM_MEM_RESERVE_PLACEHOLDER, 0)), NTMM_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, ntstatus_to_user(nt_check_alloc_type(r | c |
			NTMM_MEM_RESERVE_PLACEHOLDER, 0)), NTMM_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ntstatus_to_user(nt_check_alloc_type(r | c |
			NTMM_MEM_REPLACE_PLACEHOLDER, 0x10000)), NTMM_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, ntstatus_to_user(nt_check_alloc_type(r |
			NTMM_MEM_REPLACE_PLACEHOLDER, 0)), NTMM_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ntstatus_to_user(nt_check_alloc_type(c |
			NTMM_MEM_REPLACE_PLACEHOLDER, 0x10000)), NTMM_STATUS_INVALID_PARAMETER);
}

static void nt_rules_round_test(struct kunit *test)
{
	u64 s = 0, e = 0;

	KUNIT_EXPECT_TRUE(test, nt_round_range(0x1FFF, 2, NT_PAGE_SIZE, &s, &e));
	KUNIT_EXPECT_EQ_MSG(test, s, 0x1000ULL, "13: 2 bytes at 0x1FFF cover two pages");
	KUNIT_EXPECT_EQ(test, e, 0x3000ULL);
	KUNIT_EXPECT_TRUE(test, nt_round_range(0x21234, 0xFFFC, NT_GRANULARITY, &s, &e));
	KUNIT_EXPECT_EQ_MSG(test, s, 0x20000ULL, "3: a reservation starts on 64 KiB");
	KUNIT_EXPECT_EQ_MSG(test, e, 0x32000ULL, "3: and ends on a page");
	KUNIT_EXPECT_FALSE_MSG(test, nt_round_range(0x1000, 0, NT_PAGE_SIZE, &s, &e),
			       "size 0 is refused");
	KUNIT_EXPECT_FALSE_MSG(test, nt_round_range(~0ULL - 10, 100, NT_PAGE_SIZE, &s, &e),
			       "wrap-around is refused");
	KUNIT_EXPECT_FALSE_MSG(test, nt_round_range(~0ULL - 0x800, 1, NT_PAGE_SIZE, &s, &e),
			       "a range in the last page (its end would wrap) is refused");
	KUNIT_EXPECT_TRUE(test, nt_round_range(~0ULL - 0x1000, 1, NT_PAGE_SIZE, &s, &e));
	KUNIT_EXPECT_EQ_MSG(test, e, ~0ULL - 0xFFF, "the page before it still rounds");
}

/* Items 31, 32 and 35: sections' protections and attributes, views' rights. */
static void nt_rules_section_test(struct kunit *test)
{
	static const struct {
		u32 protect, attributes, status;
	} cases[] = {
		{ NTMM_PAGE_EXECUTE, 0, NTMM_STATUS_INVALID_PAGE_PROTECTION },
		{ NTMM_PAGE_READONLY, NTMM_SEC_COMMIT | NTMM_SEC_RESERVE,
		  NTMM_STATUS_INVALID_PARAMETER },
		{ NTMM_PAGE_READONLY, NTMM_SEC_NOCACHE, NTMM_STATUS_INVALID_PARAMETER },
		{ NTMM_PAGE_READONLY, NTMM_SEC_RESERVE | NTMM_SEC_NOCACHE, NTMM_STATUS_SUCCESS },
		{ NTMM_PAGE_READWRITE, NTMM_SEC_RESERVE | NTMM_SEC_LARGE_PAGES,
		  NTMM_STATUS_INVALID_PARAMETER },
		{ NTMM_PAGE_READONLY, NTMM_SEC_IMAGE, NTMM_STATUS_NOT_IMPLEMENTED },
	};
	u32 a, guard = NTMM_PAGE_READONLY | NTMM_PAGE_GUARD;
	unsigned int i;

	a = 0;
	KUNIT_EXPECT_EQ(test, ntstatus_to_user(nt_check_section(NTMM_PAGE_READWRITE, &a)),
			NTMM_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ_MSG(test, a, NTMM_SEC_COMMIT, "no SEC_ flag means SEC_COMMIT");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		a = cases[i].attributes;
		KUNIT_EXPECT_EQ_MSG(test, ntstatus_to_user(nt_check_section(cases[i].protect, &a)),
				    cases[i].status, "case %u", i);
	}
	KUNIT_EXPECT_TRUE(test, nt_section_granted(nt_section_allows(NTMM_PAGE_WRITECOPY),
						   nt_section_rights(NTMM_PAGE_WRITECOPY)));
	KUNIT_EXPECT_FALSE(test, nt_section_granted(nt_section_allows(NTMM_PAGE_WRITECOPY),
						    nt_section_rights(NTMM_PAGE_READWRITE)));
	KUNIT_EXPECT_TRUE(test, nt_section_granted(NTMM_SECTION_MAP_READ |
						   NTMM_SECTION_MAP_EXECUTE_EXPLICIT,
						   nt_section_rights(NTMM_PAGE_EXECUTE_READ)));
	KUNIT_EXPECT_EQ(test, ntstatus_to_user(nt_view_page_protect(NTMM_PAGE_READWRITE, guard)),
			NTMM_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test,
			ntstatus_to_user(nt_view_page_protect(NTMM_PAGE_READONLY,
							      NTMM_PAGE_READWRITE)),
			NTMM_STATUS_INVALID_PAGE_PROTECTION);
	KUNIT_EXPECT_EQ(test,
			ntstatus_to_user(nt_view_page_protect(NTMM_PAGE_READWRITE,
							      NTMM_PAGE_WRITECOPY)),
			NTMM_STATUS_INVALID_PAGE_PROTECTION);
}

static struct kunit_case nt_rules_cases[] = {
	KUNIT_CASE(nt_rules_protect_test),
	KUNIT_CASE(nt_rules_caching_test),
	KUNIT_CASE(nt_rules_alloc_type_test),
	KUNIT_CASE(nt_rules_free_type_test),
	KUNIT_CASE(nt_rules_round_test),
	KUNIT_CASE(nt_rules_placeholder_types),
	KUNIT_CASE(nt_rules_section_test),
	{}
};

static struct kunit_suite nt_rules_suite = {
	.name = "ntmm_nt_rules",
	.test_cases = nt_rules_cases,
};

kunit_test_suite(nt_rules_suite);
