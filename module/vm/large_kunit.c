// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ntmm_large: a large-page allocation that cannot get all its
 * 2 MiB folios fails whole, holding nothing and charging nothing. Once
 * with the folio allocator stubbed to fail after one folio, and once for
 * real, with memory fragmented on purpose so that no free 2 MiB block is
 * left while most memory is free. The test thread (a kernel thread: it
 * has CAP_IPC_LOCK) allocates through the ioctl, as a process does.
 */
#include <kunit/static_stub.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/vmstat.h>

#include "commit.h"
#include "vm_kunit.h"

#define LARGE	(2UL << 20)

/*
 * A large-page allocation of @pages large pages, released again if it
 * succeeds; either way nothing is held afterwards. Return: its status.
 */
static u32 large_alloc_try(struct kunit *test, unsigned long pages)
{
	struct vm_fixture *f = vm_fixture(test);
	struct ntmm_alloc a = { .size = sizeof(a), .type = 0x20003000, .protect = 0x04,
				.length = pages * LARGE };
	unsigned long commit = ntmm_commit_total();
	long frames = vm_frames();
	struct ntmm_free fr = { .size = sizeof(fr), .type = 0x8000 };
	u32 status = vm_call(test, f, NTMM_IOC_ALLOCATE, &a, sizeof(a));

	if (status) {
		KUNIT_EXPECT_EQ_MSG(test, vm_frames(), frames, "a failed allocation holds nothing");
		KUNIT_EXPECT_EQ_MSG(test, ntmm_commit_total(), commit, "and charges nothing");
		return status;
	}
	KUNIT_EXPECT_EQ(test, vm_frames(), frames + (long)(pages * LARGE / PAGE_SIZE));
	fr.address = a.address;
	KUNIT_EXPECT_EQ(test, vm_call(test, f, NTMM_IOC_FREE, &fr, sizeof(fr)), 0U);
	KUNIT_EXPECT_EQ(test, vm_frames(), frames);
	KUNIT_EXPECT_EQ(test, ntmm_commit_total(), commit);
	return status;
}

/* The same, expecting @status. */
static void large_alloc_expect(struct kunit *test, unsigned long pages, u32 status)
{
	KUNIT_EXPECT_EQ(test, large_alloc_try(test, pages), status);
}

static int large_alloc_calls;

/* The folio allocator, failing from its second call on. */
static struct folio *large_alloc_once(int node)
{
	if (large_alloc_calls++)
		return NULL;
	return folio_alloc(GFP_HIGHUSER | __GFP_ZERO, NTMM_LARGE_ORDER);
}

static void large_partial_failure_test(struct kunit *test)
{
	large_alloc_calls = 0;
	kunit_activate_static_stub(test, ntmm_large_folio, large_alloc_once);
	large_alloc_expect(test, 3, NTMM_STATUS_INSUFFICIENT_RESOURCES);
	KUNIT_EXPECT_EQ(test, large_alloc_calls, 2);
	kunit_deactivate_static_stub(test, ntmm_large_folio);
	large_alloc_expect(test, 2, NTMM_STATUS_SUCCESS);
}

/*
 * Take every 2 MiB block the allocator can give, trying as hard as
 * ntmm_large_alloc() does (reclaim, compaction, draining the per-CPU
 * lists), keep its first page and free the other 511: memory stays free,
 * but no block can merge back to 2 MiB, and compaction cannot move the
 * kept (unmovable) pages.
 */
static unsigned long large_fragment(struct list_head *kept)
{
	unsigned long blocks = 0, i;
	struct page *page;

	while ((page = alloc_pages(GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN,
				   NTMM_LARGE_ORDER))) {
		split_page(page, NTMM_LARGE_ORDER);
		for (i = 1; i < NTMM_LARGE_NR; i++)
			__free_page(page + i);
		list_add(&page->lru, kept);
		blocks++;
		cond_resched();
	}
	return blocks;
}

static void large_fragmented_test(struct kunit *test)
{
	struct page *page, *next;
	unsigned long blocks;
	LIST_HEAD(kept);
	u32 status;
	int tries;

	blocks = large_fragment(&kept);
	kunit_info(test, "%lu blocks fragmented, %lu MiB free", blocks,
		   global_zone_page_state(NR_FREE_PAGES) >> (20 - PAGE_SHIFT));
	KUNIT_EXPECT_GT(test, blocks, 0UL);
	/* Most of the fragmented memory is free: the failure is fragmentation alone. */
	KUNIT_EXPECT_GT(test, global_zone_page_state(NR_FREE_PAGES), blocks * NTMM_LARGE_NR / 2);
	/*
	 * Blocks freed meanwhile (another CPU's cached pages, an earlier
	 * test's memory on its way back) may still serve it: fragment them
	 * too, and try again.
	 */
	for (tries = 1; tries < 4; tries++) {
		status = large_alloc_try(test, 2);
		if (status)
			break;
		blocks += large_fragment(&kept);
	}
	kunit_info(test, "%d tries", tries);
	KUNIT_EXPECT_EQ(test, status, NTMM_STATUS_INSUFFICIENT_RESOURCES);
	list_for_each_entry_safe(page, next, &kept, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

static struct kunit_case large_cases[] = {
	KUNIT_CASE(large_partial_failure_test),
	KUNIT_CASE_SLOW(large_fragmented_test),
	{}
};

static struct kunit_suite large_suite = {
	.name = "ntmm_large",
	.test_cases = large_cases,
};

kunit_test_suite(large_suite);
