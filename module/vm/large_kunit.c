// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ntmm_large: a large-page allocation that cannot get all its
 * 2 MiB frames fails whole. Once with the frame allocator stubbed to fail
 * after one frame, and once for real, with memory fragmented on purpose so
 * that no free 2 MiB block is left while most memory is free.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/vmstat.h>
#include <linux/ntmm.h>

#include "../process.h"
#include "commit.h"
#include "large.h"
#include "vad.h"

#define LARGE	(2UL << 20)

/* A context for the test thread, which kunit_vm_mmap() gives an mm. */
static struct ntmm_process *large_proc(struct kunit *test)
{
	struct ntmm_process *proc;
	unsigned long addr;

	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ, MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, addr, 0UL);
	proc = ntmm_process_get(current->mm);
	KUNIT_ASSERT_FALSE(test, IS_ERR(proc));
	return proc;
}

/* Commit a fresh, unmapped large-page VAD of @pages large pages; expect @status. */
static void large_commit_expect(struct kunit *test, struct ntmm_process *proc,
				unsigned long pages, u32 status)
{
	long frames = ntmm_frames();
	unsigned long commit = ntmm_commit_total();
	struct ntmm_vad *vad;

	vad = ntmm_vad_create(proc, 0x40000000UL, 0x40000000UL + pages * LARGE,
			      0x04, NTMM_VAD_LARGE, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, vad);
	KUNIT_EXPECT_EQ(test, ntstatus_to_user(ntmm_vad_commit_large(vad, 0x04)), status);
	if (status) {
		KUNIT_EXPECT_EQ(test, ntmm_frames(), frames);
		KUNIT_EXPECT_EQ(test, ntmm_commit_total(), commit);
		KUNIT_EXPECT_TRUE(test, xa_empty(&vad->pages));
	} else {
		KUNIT_EXPECT_EQ(test, ntmm_frames(), frames + (long)(pages * LARGE / PAGE_SIZE));
	}
	ntmm_vad_destroy(vad);
	KUNIT_EXPECT_EQ(test, ntmm_frames(), frames);
	KUNIT_EXPECT_EQ(test, ntmm_commit_total(), commit);
}

static int large_alloc_calls;

/* The frame allocator, failing from its second call on. */
static struct page *large_alloc_once(int node)
{
	if (large_alloc_calls++)
		return NULL;
	return alloc_pages_node(node, GFP_HIGHUSER | __GFP_ZERO, NTMM_LARGE_ORDER);
}

static void large_partial_failure_test(struct kunit *test)
{
	struct ntmm_process *proc = large_proc(test);

	large_alloc_calls = 0;
	kunit_activate_static_stub(test, ntmm_large_alloc, large_alloc_once);
	large_commit_expect(test, proc, 3, NTMM_STATUS_INSUFFICIENT_RESOURCES);
	KUNIT_EXPECT_EQ(test, large_alloc_calls, 2);
	kunit_deactivate_static_stub(test, ntmm_large_alloc);
	ntmm_process_put(proc);
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
	struct ntmm_process *proc = large_proc(test);
	struct page *page, *next;
	unsigned long blocks;
	LIST_HEAD(kept);

	blocks = large_fragment(&kept);
	kunit_info(test, "%lu blocks fragmented, %lu MiB free", blocks,
		   global_zone_page_state(NR_FREE_PAGES) >> (20 - PAGE_SHIFT));
	KUNIT_EXPECT_GT(test, blocks, 0UL);
	/* Most of the fragmented memory is free: the failure is fragmentation alone. */
	KUNIT_EXPECT_GT(test, global_zone_page_state(NR_FREE_PAGES), blocks * NTMM_LARGE_NR / 2);
	large_commit_expect(test, proc, 2, NTMM_STATUS_INSUFFICIENT_RESOURCES);
	list_for_each_entry_safe(page, next, &kept, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	ntmm_process_put(proc);
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
