// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ntmm_core: module/core/ built into the kernel, with real RCU.
 */
#include <kunit/test.h>
#include <linux/random.h>
#include <linux/rcupdate.h>

#include "core/nt_rules.h"
#include "core/range_tree.h"

#define GRAN 0x10000ULL

static void range_tree_lookup_test(struct kunit *test)
{
	struct ntmm_range_tree t;
	const struct ntmm_range *r;
	int a, b;

	ntmm_range_tree_init(&t);
	KUNIT_ASSERT_EQ(test, ntmm_range_tree_insert(&t, 2 * GRAN, 3 * GRAN, &a), 0);
	KUNIT_ASSERT_EQ(test, ntmm_range_tree_insert(&t, 5 * GRAN, 7 * GRAN, &b), 0);
	KUNIT_EXPECT_EQ_MSG(test, ntmm_range_tree_insert(&t, 3 * GRAN - 1, 4 * GRAN, NULL),
			    -EEXIST, "overlap must be refused");
	KUNIT_EXPECT_EQ_MSG(test, ntmm_range_tree_insert(&t, GRAN, GRAN, NULL), -EINVAL,
			    "empty range must be refused");
	/* The writer may read without RCU: it owns the tree. */
	r = ntmm_range_tree_find(&t, 3 * GRAN - 1);
	KUNIT_EXPECT_PTR_EQ(test, r ? r->owner : NULL, (void *)&a);
	KUNIT_EXPECT_NULL(test, ntmm_range_tree_find(&t, 3 * GRAN));
	r = ntmm_range_tree_next(&t, 3 * GRAN);
	KUNIT_EXPECT_PTR_EQ(test, r ? r->owner : NULL, (void *)&b);
	KUNIT_EXPECT_NULL(test, ntmm_range_tree_next(&t, 7 * GRAN));
	KUNIT_EXPECT_EQ(test, ntmm_range_tree_remove(&t, 5 * GRAN + 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, ntmm_range_tree_remove(&t, 5 * GRAN), 0);
	KUNIT_EXPECT_NULL(test, ntmm_range_tree_find(&t, 5 * GRAN));
	KUNIT_EXPECT_EQ(test, t.count, 1UL);
	synchronize_rcu();
	ntmm_range_tree_destroy(&t, NULL);
}

static void range_tree_gap_test(struct kunit *test)
{
	struct ntmm_range_tree t;
	struct ntmm_gap_request req = { .size = 2 * GRAN, .align = GRAN,
					 .lo = GRAN, .hi = 16 * GRAN };
	u64 addr = 0;

	ntmm_range_tree_init(&t);
	KUNIT_ASSERT_EQ(test, ntmm_range_tree_insert(&t, GRAN, 2 * GRAN, NULL), 0);
	KUNIT_ASSERT_EQ(test, ntmm_range_tree_insert(&t, 3 * GRAN, 5 * GRAN, NULL), 0);
	KUNIT_ASSERT_EQ(test, ntmm_range_tree_insert(&t, 14 * GRAN, 15 * GRAN, NULL), 0);
	KUNIT_EXPECT_EQ(test, ntmm_range_tree_find_gap(&t, &req, &addr), 0);
	KUNIT_EXPECT_EQ_MSG(test, addr, 5 * GRAN, "the 1-slot hole at 2 is too small");
	req.top_down = true;
	KUNIT_EXPECT_EQ(test, ntmm_range_tree_find_gap(&t, &req, &addr), 0);
	KUNIT_EXPECT_EQ_MSG(test, addr, 12 * GRAN, "highest fit below the range at 14");
	req.align = 8 * GRAN;
	req.top_down = false;
	KUNIT_EXPECT_EQ(test, ntmm_range_tree_find_gap(&t, &req, &addr), 0);
	KUNIT_EXPECT_EQ(test, addr, 8 * GRAN);
	req.size = 12 * GRAN;
	KUNIT_EXPECT_EQ(test, ntmm_range_tree_find_gap(&t, &req, &addr), -ENOMEM);
	req.align = 3;
	KUNIT_EXPECT_EQ(test, ntmm_range_tree_find_gap(&t, &req, &addr), -EINVAL);
	ntmm_range_tree_destroy(&t, NULL);
}

static int released;

static void count_release(void *owner)
{
	released++;
}

/* Random inserts and removes over 128 slots against a slot map. */
static void range_tree_model_test(struct kunit *test)
{
	static u8 owner[128];
	struct ntmm_range_tree t;
	int i, id = 0, live = 0;
	long found;

	memset(owner, 0, sizeof(owner));
	ntmm_range_tree_init(&t);
	for (i = 0; i < 3000; i++) {
		u32 slot = get_random_u32_below(128), n = 1 + get_random_u32_below(4), s;
		const struct ntmm_range *r;
		bool free = slot + n <= 128;

		for (s = slot; free && s < slot + n; s++)
			free = !owner[s];
		if (get_random_u32_below(2)) {
			u8 next = id % 254 + 1;	/* owners 1..254; 0 is a free slot */
			int ret = ntmm_range_tree_insert(&t, slot * GRAN, (slot + n) * GRAN,
							  (void *)(long)next);

			if (slot + n > 128) {
				if (!ret)
					ntmm_range_tree_remove(&t, slot * GRAN);
				continue;
			}
			KUNIT_ASSERT_EQ(test, ret, free ? 0 : -EEXIST);
			if (!ret) {
				id = next;
				for (s = slot; s < slot + n; s++)
					owner[s] = id;
				live++;
			}
		} else {
			r = ntmm_range_tree_find(&t, slot * GRAN);
			if (r && r->start == slot * GRAN) {
				u8 gone = owner[slot];

				KUNIT_ASSERT_EQ(test, ntmm_range_tree_remove(&t, slot * GRAN), 0);
				for (s = slot; s < 128 && owner[s] == gone; s++)
					owner[s] = 0;
				live--;
			} else {
				KUNIT_ASSERT_EQ(test, ntmm_range_tree_remove(&t, slot * GRAN),
						-ENOENT);
			}
		}
		slot = get_random_u32_below(128);
		/* Look up under RCU, check outside it: a failed assert does not return. */
		rcu_read_lock();
		r = ntmm_range_tree_find(&t, slot * GRAN + 7);
		found = r ? (long)r->owner : 0;
		rcu_read_unlock();
		KUNIT_ASSERT_EQ_MSG(test, found, (long)owner[slot],
				    "find(slot %u) disagrees with the model", slot);
	}
	KUNIT_EXPECT_EQ(test, t.count, (unsigned long)live);
	released = 0;
	synchronize_rcu();
	ntmm_range_tree_destroy(&t, count_release);
	KUNIT_EXPECT_EQ_MSG(test, released, live, "destroy releases every owner once");
}

/* NT's flag rules as built into the module (the host tests check them exhaustively). */
static void nt_rules_test(struct kunit *test)
{
	unsigned int p, valid = 0;

	for (p = 0; p < 0x1000; p++)
		valid += !nt_check_private_protect(p);
	KUNIT_EXPECT_EQ_MSG(test, valid, 21U, "6 bases, 5 of them with each of 3 modifiers");
	KUNIT_EXPECT_EQ(test, nt_check_private_protect(NT_PAGE_WRITECOPY), 0xC0000045U);
	KUNIT_EXPECT_EQ(test, nt_check_private_protect(NT_PAGE_READWRITE | NT_PAGE_GUARD), 0U);
	KUNIT_EXPECT_EQ(test, nt_check_alloc_type(NT_MEM_RESERVE | NT_MEM_COMMIT, 0), 0U);
	KUNIT_EXPECT_EQ(test, nt_check_alloc_type(NT_MEM_COMMIT | NT_MEM_WRITE_WATCH, 0),
			0xC000000DU);
	KUNIT_EXPECT_EQ(test, nt_check_alloc_type(NT_MEM_RESET | NT_MEM_COMMIT, 0x10000),
			0xC000000DU);
	KUNIT_EXPECT_EQ(test, nt_check_free_type(NT_MEM_RELEASE, 1), 0xC000000DU);
	KUNIT_EXPECT_EQ(test, nt_protect_access(NT_PAGE_EXECUTE_READ),
			NT_ACCESS_READ | NT_ACCESS_EXECUTE);
}

static struct kunit_case ntmm_core_cases[] = {
	KUNIT_CASE(nt_rules_test),
	KUNIT_CASE(range_tree_lookup_test),
	KUNIT_CASE(range_tree_gap_test),
	KUNIT_CASE(range_tree_model_test),
	{}
};

static struct kunit_suite ntmm_core_suite = {
	.name = "ntmm_core",
	.test_cases = ntmm_core_cases,
};

kunit_test_suite(ntmm_core_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for ntmm");
MODULE_LICENSE("GPL");
