// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of module/core/range_tree.c, built with ASan and UBSan against
 * liburcu: unit cases, a randomized run checked against a brute-force model,
 * allocation failures, and concurrent RCU readers against a writer.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "range_tree.h"
#include "../tap.h"

/* Fail the Nth allocation from now when alloc_fail_in reaches 1. */
static int alloc_fail_in;

void *core_host_alloc(size_t size)
{
	if (alloc_fail_in > 0 && --alloc_fail_in == 0)
		return NULL;
	return malloc(size);
}

/* What the kernel's __GFP_NOFAIL promises; injected failures do not apply. */
void *core_host_alloc_nofail(size_t size)
{
	void *p = malloc(size);

	if (!p)
		abort();
	return p;
}

#define GRAN 0x10000ULL

static void test_basic(void)
{
	struct ntmm_range_tree t;
	const struct ntmm_range *r;
	int owner_a, owner_b;

	ntmm_range_tree_init(&t);
	tap_ok(ntmm_range_tree_find(&t, 0x1000) == NULL, "empty tree finds nothing");
	tap_eq(ntmm_range_tree_insert(&t, 0x20000, 0x30000, &owner_a), 0, "insert a");
	tap_eq(ntmm_range_tree_insert(&t, 0x50000, 0x70000, &owner_b), 0, "insert b");
	tap_eq(ntmm_range_tree_insert(&t, 0x2f000, 0x31000, NULL), -EEXIST,
	       "overlap with a's end refused");
	tap_eq(ntmm_range_tree_insert(&t, 0x10000, 0x20001, NULL), -EEXIST,
	       "overlap with a's start refused");
	tap_eq(ntmm_range_tree_insert(&t, 0x40000, 0x80000, NULL), -EEXIST,
	       "range covering b refused");
	tap_eq(ntmm_range_tree_insert(&t, 0x60000, 0x60000, NULL), -EINVAL,
	       "empty range refused");
	tap_eq(t.count, 2, "count after refusals");
	r = ntmm_range_tree_find(&t, 0x2ffff);
	tap_ok(r && r->owner == &owner_a, "last byte of a finds a");
	tap_ok(ntmm_range_tree_find(&t, 0x30000) == NULL, "end of a is outside a");
	r = ntmm_range_tree_next(&t, 0x30000);
	tap_ok(r && r->start == 0x50000, "next after a is b");
	tap_ok(ntmm_range_tree_next(&t, 0x70000) == NULL, "nothing after b");
	tap_eq(ntmm_range_tree_insert(&t, 0x30000, 0x50000, NULL), 0,
	       "range filling the hole exactly fits");
	tap_eq(ntmm_range_tree_remove(&t, 0x30001), -ENOENT, "remove needs the exact start");
	tap_eq(ntmm_range_tree_remove(&t, 0x30000), 0, "remove the filler");
	tap_ok(ntmm_range_tree_find(&t, 0x40000) == NULL, "filler gone");
	ntmm_range_tree_destroy(&t, NULL);
	tap_eq(t.count, 0, "destroy empties");
}

static void test_gap_rules(void)
{
	struct ntmm_range_tree t;
	struct ntmm_gap_request req = { .size = GRAN, .align = GRAN, .lo = GRAN,
					 .hi = 0x100000 };
	u64 a = 0;

	ntmm_range_tree_init(&t);
	tap_eq(ntmm_range_tree_find_gap(&t, &req, &a), 0, "gap in empty tree");
	tap_eq(a, GRAN, "bottom-up starts at lo");
	req.top_down = true;
	tap_eq(ntmm_range_tree_find_gap(&t, &req, &a), 0, "top-down gap in empty tree");
	tap_eq(a, 0xF0000, "top-down ends at hi");
	ntmm_range_tree_insert(&t, 0x10000, 0x100000, NULL);
	req.top_down = false;
	tap_eq(ntmm_range_tree_find_gap(&t, &req, &a), -ENOMEM, "full bounds have no gap");
	req.lo = 0;
	req.align = 0x20000;
	tap_eq(ntmm_range_tree_find_gap(&t, &req, &a), 0, "gap below the range");
	tap_eq(a, 0, "aligned gap at 0");
	req.lo = 0x1000;
	tap_eq(ntmm_range_tree_find_gap(&t, &req, &a), -ENOMEM,
	       "alignment pushes past the hole");
	req.align = 3;
	tap_eq(ntmm_range_tree_find_gap(&t, &req, &a), -EINVAL, "align not a power of two");
	req.align = 0;
	tap_eq(ntmm_range_tree_find_gap(&t, &req, &a), -EINVAL, "align 0");
	req.align = GRAN;
	req.size = 0;
	tap_eq(ntmm_range_tree_find_gap(&t, &req, &a), -EINVAL, "size 0");
	req.size = 0x200000;
	tap_eq(ntmm_range_tree_find_gap(&t, &req, &a), -EINVAL, "size beyond bounds");
	req = (struct ntmm_gap_request){ .size = GRAN, .align = GRAN,
					  .lo = ~0ULL - 3 * GRAN, .hi = ~0ULL };
	tap_eq(ntmm_range_tree_find_gap(&t, &req, &a), 0, "gap near the top of u64");
	tap_eq(a, ~0ULL - 3 * GRAN + 1, "aligned without overflow");
	ntmm_range_tree_destroy(&t, NULL);
}

static void test_alloc_failure(void)
{
	struct ntmm_range_tree t;
	const struct ntmm_range *r;
	int i, failures = 0, ok = 1;

	ntmm_range_tree_init(&t);
	for (i = 0; i < 64; i++)
		ntmm_range_tree_insert(&t, i * 2 * GRAN, i * 2 * GRAN + GRAN, NULL);
	for (i = 1; i < 12; i++) {
		int ret;

		alloc_fail_in = i;
		ret = ntmm_range_tree_insert(&t, 33 * GRAN, 34 * GRAN, NULL);
		alloc_fail_in = 0;
		if (ret == -ENOMEM)
			failures++;
		else if (ret || ntmm_range_tree_remove(&t, 33 * GRAN))
			ok = 0;
		alloc_fail_in = i;
		ret = ntmm_range_tree_remove(&t, 40 * GRAN);
		alloc_fail_in = 0;
		/* Removal never fails for memory. */
		if (ret || ntmm_range_tree_insert(&t, 40 * GRAN, 41 * GRAN, NULL))
			ok = 0;
	}
	tap_ok(failures > 0, "allocation failures were injected (%d)", failures);
	for (i = 0; i < 64; i++) {
		r = ntmm_range_tree_find(&t, i * 2 * GRAN);
		ok &= r && r->start == i * 2 * GRAN && r->end == i * 2 * GRAN + GRAN;
	}
	ok &= ntmm_range_tree_find(&t, 33 * GRAN) == NULL;
	tap_ok(ok && t.count == 64, "failed inserts leave the tree unchanged; removals never fail");
	ntmm_range_tree_destroy(&t, NULL);
}

/* The model: a bitmap of 64 KiB slots in a small space, owners per slot. */
#define SLOTS 512
static int model_owner[SLOTS];	/* 0 free, else id of the range covering it */
static int model_start[SLOTS];	/* 1 where a range starts */

static int model_fits(u64 slot, u64 n)
{
	u64 i;

	for (i = slot; i < slot + n; i++)
		if (i >= SLOTS || model_owner[i])
			return 0;
	return 1;
}

static void test_model(void)
{
	struct ntmm_range_tree t;
	unsigned int seed = 12345;
	int i, ok_find = 1, ok_next = 1, ok_gap = 1, ok_ret = 1, ok_order = 1, next_id = 1;
	unsigned long live = 0;

	ntmm_range_tree_init(&t);
	memset(model_owner, 0, sizeof(model_owner));
	memset(model_start, 0, sizeof(model_start));
	for (i = 0; i < 20000; i++) {
		u64 slot = rand_r(&seed) % SLOTS, n = 1 + rand_r(&seed) % 8, s;
		int op = rand_r(&seed) % 3;

		if (op < 2) {
			int want = model_fits(slot, n) ? 0 : (slot + n > SLOTS ? -2 : -EEXIST);
			int got;

			if (want == -2)
				continue;
			got = ntmm_range_tree_insert(&t, slot * GRAN, (slot + n) * GRAN,
						      (void *)(long)next_id);
			ok_ret &= got == want;
			if (!got) {
				for (s = slot; s < slot + n; s++)
					model_owner[s] = next_id;
				model_start[slot] = 1;
				next_id++;
				live++;
			}
		} else {
			int want = model_start[slot] ? 0 : -ENOENT;
			int got = ntmm_range_tree_remove(&t, slot * GRAN);
			int id = model_owner[slot];

			ok_ret &= got == want;
			if (!got) {
				for (s = slot; s < SLOTS && model_owner[s] == id; s++)
					model_owner[s] = 0;
				model_start[slot] = 0;
				live--;
			}
		}
		/* Probe a few addresses against the model. */
		for (s = 0; s < 4; s++) {
			u64 probe = rand_r(&seed) % (SLOTS * GRAN);
			const struct ntmm_range *r = ntmm_range_tree_find(&t, probe);
			int id = model_owner[probe / GRAN];
			u64 k;

			ok_find &= id ? (r && (long)r->owner == id) : !r;
			r = ntmm_range_tree_next(&t, probe);
			for (k = probe / GRAN; k < SLOTS && !model_owner[k]; k++)
				;
			ok_next &= k == SLOTS ? !r : (r && (long)r->owner == model_owner[k]);
		}
		/* And a gap search in both directions. */
		{
			struct ntmm_gap_request req = {
				.size = (1 + rand_r(&seed) % 6) * GRAN,
				.align = GRAN << (rand_r(&seed) % 3),
				.lo = (rand_r(&seed) % (SLOTS / 2)) * GRAN,
				.hi = SLOTS * GRAN,
			};
			u64 a, want_lo = ~0ULL, want_hi = ~0ULL, k;
			int got_lo, got_hi;

			k = (req.lo + req.align - 1) & ~(req.align - 1);
			for (; k + req.size <= req.hi; k += req.align)
				if (model_fits(k / GRAN, req.size / GRAN)) {
					if (want_lo == ~0ULL)
						want_lo = k;
					want_hi = k;
				}
			got_lo = ntmm_range_tree_find_gap(&t, &req, &a);
			ok_gap &= want_lo == ~0ULL ? got_lo == -ENOMEM : (!got_lo && a == want_lo);
			req.top_down = true;
			got_hi = ntmm_range_tree_find_gap(&t, &req, &a);
			ok_gap &= want_hi == ~0ULL ? got_hi == -ENOMEM : (!got_hi && a == want_hi);
		}
	}
	{
		const struct ntmm_range *r;
		u64 prev_end = 0;
		unsigned long seen = 0;

		for (r = ntmm_range_tree_next(&t, 0); r; r = ntmm_range_tree_next(&t, r->end)) {
			ok_order &= r->start >= prev_end && r->start < r->end;
			prev_end = r->end;
			seen++;
		}
		ok_order &= seen == live && t.count == live;
	}
	tap_ok(ok_ret, "insert/remove results match the model over 20000 operations");
	tap_ok(ok_find, "find matches the model");
	tap_ok(ok_next, "next matches the model");
	tap_ok(ok_gap, "gap search (both directions, 3 alignments) matches the model");
	tap_ok(ok_order, "in-order iteration is sorted, disjoint and complete (%lu ranges)", live);
	ntmm_range_tree_destroy(&t, NULL);
}

/*
 * Concurrency: pinned ranges at even slots never move; the writer inserts and
 * removes ranges at odd slots. Readers must always find every pinned range
 * with its owner, and see an ordered, disjoint tree.
 */
#define PINNED 64
static struct ntmm_range_tree shared_tree;
static atomic_int writer_done;
static atomic_long reader_errors, reader_rounds;
static int pinned_owner[PINNED];

static void *reader_main(void *arg)
{
	unsigned int seed = (unsigned int)(long)arg;

	rcu_register_thread();
	while (!atomic_load(&writer_done)) {
		const struct ntmm_range *r;
		u64 prev_end = 0;
		int p = rand_r(&seed) % PINNED;

		rcu_read_lock();
		r = ntmm_range_tree_find(&shared_tree, (u64)p * 2 * GRAN + 123);
		if (!r || r->owner != &pinned_owner[p] || r->start != (u64)p * 2 * GRAN)
			atomic_fetch_add(&reader_errors, 1);
		for (r = ntmm_range_tree_next(&shared_tree, 0); r;
		     r = ntmm_range_tree_next(&shared_tree, r->end)) {
			if (r->start < prev_end || r->end <= r->start)
				atomic_fetch_add(&reader_errors, 1);
			prev_end = r->end;
		}
		rcu_read_unlock();
		atomic_fetch_add(&reader_rounds, 1);
	}
	rcu_unregister_thread();
	return NULL;
}

static void test_concurrent(void)
{
	pthread_t readers[3];
	unsigned int seed = 7;
	int i, writer_errors = 0;

	ntmm_range_tree_init(&shared_tree);
	rcu_register_thread();
	for (i = 0; i < PINNED; i++)
		ntmm_range_tree_insert(&shared_tree, (u64)i * 2 * GRAN,
					(u64)i * 2 * GRAN + GRAN, &pinned_owner[i]);
	for (i = 0; i < 3; i++)
		pthread_create(&readers[i], NULL, reader_main, (void *)(long)(i + 1));
	for (i = 0; i < 200000; i++) {
		u64 slot = 2 * (rand_r(&seed) % PINNED) + 1;

		if (ntmm_range_tree_insert(&shared_tree, slot * GRAN, slot * GRAN + GRAN, NULL) &&
		    ntmm_range_tree_remove(&shared_tree, slot * GRAN))
			writer_errors++;
	}
	atomic_store(&writer_done, 1);
	for (i = 0; i < 3; i++)
		pthread_join(readers[i], NULL);
	tap_eq(writer_errors, 0, "writer's inserts and removes all succeed");
	tap_ok(atomic_load(&reader_rounds) > 0, "readers ran (%ld rounds)",
	       atomic_load(&reader_rounds));
	tap_eq(atomic_load(&reader_errors), 0,
	       "readers always saw pinned ranges and an ordered tree");
	synchronize_rcu();
	ntmm_range_tree_destroy(&shared_tree, NULL);
	rcu_barrier();
	rcu_unregister_thread();
}

int main(void)
{
	test_basic();
	test_gap_rules();
	test_alloc_failure();
	test_model();
	test_concurrent();
	return tap_done();
}
