// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ntmm_pool: the ExAllocatePool2 family's rules (item 42), its
 * atomic-context behaviour, per-tag accounting (also under four threads),
 * the verifier's refusals (item 43), lookaside lists, big blocks, special
 * pool's guard pages, and quota.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mman.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <ntmm/wdm.h>

#include "../process.h"
#include "pool.h"
#include "quota.h"

#define TAG(a, b, c, d)	((u32)(a) | (u32)(b) << 8 | (u32)(c) << 16 | (u32)(d) << 24)

static void expect_counts(struct kunit *test, u32 tag, unsigned int kind,
			  unsigned long allocs, unsigned long frees, long bytes)
{
	unsigned long a = 0, f = 0;
	long b = 0;

	KUNIT_ASSERT_TRUE(test, ntmm_pool_tag_counts(tag, kind, &a, &f, &b));
	KUNIT_EXPECT_EQ(test, a, allocs);
	KUNIT_EXPECT_EQ(test, f, frees);
	KUNIT_EXPECT_EQ(test, b, bytes);
}

static void pool_rules_test(struct kunit *test)
{
	const u32 tag = TAG('K', 'r', 'u', 'l');
	u8 *p;
	int i;

	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_NON_PAGED, 0, tag));
	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 0));
	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RESERVED1, 16,
						tag));
	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_NON_PAGED | 0x200, 16, tag));
	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_USE_QUOTA, 16, tag));
	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, 16, tag));
	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RAISE_ON_FAILURE,
						16, tag));
	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_NON_PAGED_EXECUTE, 16, tag));
	KUNIT_EXPECT_NULL(test, ExAllocatePoolWithTag(DontUseThisType, 16, tag));

	/* Unknown high (optional) bits are ignored, as on Windows. */
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED | (1ULL << 40), 100, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, p[i], 0);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, 16));
	ExFreePoolWithTag(p, tag);

	p = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_CACHE_ALIGNED, 3000, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, L1_CACHE_BYTES));
	KUNIT_EXPECT_EQ(test, p[2999], 0);
	ExFreePool(p);

	p = ExAllocatePoolZero(NonPagedPoolNx, 64, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, p[63], 0);
	ExFreePoolWithTag(p, tag);
	p = ExAllocatePoolWithTag(PagedPoolCacheAligned, 1 << 20, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, L1_CACHE_BYTES));
	ExFreePoolWithTag(p, tag);
	expect_counts(test, tag, NTMM_POOL_NONPAGED, 2, 2, 0);
	expect_counts(test, tag, NTMM_POOL_PAGED, 2, 2, 0);
}

struct pool_atomic {
	struct timer_list timer;
	struct completion done;
	void *nonpaged;
	u8 *special;
	bool special_end;
};

/*
 * A timer runs in softirq context: non-paged pool works there, special pool
 * included (a page mapped ahead), and so do its frees. Paged pool there is
 * the caller's bug, which might_sleep() reports on the debug kernel.
 */
static void pool_atomic_timer(struct timer_list *t)
{
	struct pool_atomic *a = from_timer(a, t, timer);

	a->nonpaged = ExAllocatePool2(POOL_FLAG_NON_PAGED, 200, TAG('K', 'a', 't', 'm'));
	a->special = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_SPECIAL_POOL, 200,
				     TAG('K', 'a', 't', 's'));
	a->special_end = a->special && IS_ALIGNED((unsigned long)(a->special + 200), PAGE_SIZE);
	if (a->nonpaged)
		ExFreePoolWithTag(a->nonpaged, TAG('K', 'a', 't', 'm'));
	if (a->special)
		ExFreePoolWithTag(a->special, TAG('K', 'a', 't', 's'));
	complete(&a->done);
}

static void pool_atomic_test(struct kunit *test)
{
	struct pool_atomic a = {};

	init_completion(&a.done);
	timer_setup_on_stack(&a.timer, pool_atomic_timer, 0);
	mod_timer(&a.timer, jiffies + 1);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&a.done, 10 * HZ), 0UL);
	del_timer_sync(&a.timer);
	destroy_timer_on_stack(&a.timer);
	KUNIT_EXPECT_NOT_NULL(test, a.nonpaged);
	KUNIT_EXPECT_NOT_NULL(test, a.special);
	KUNIT_EXPECT_TRUE_MSG(test, a.special_end, "special pool in softirq: ends at a page");
	expect_counts(test, TAG('K', 'a', 't', 'm'), NTMM_POOL_NONPAGED, 1, 1, 0);
	expect_counts(test, TAG('K', 'a', 't', 's'), NTMM_POOL_NONPAGED, 1, 1, 0);
}

static void pool_verifier_test(struct kunit *test)
{
	const u32 tag = TAG('K', 'v', 'f', 'y');
	u8 *p, *not_pool;

	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 48, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	/* The wrong tag: reported, and the block stays live and usable. */
	ExFreePoolWithTag(p, TAG('W', 'r', 'n', 'g'));
	expect_counts(test, tag, NTMM_POOL_NONPAGED, 1, 0, 48);
	p[47] = 0x5a;
	KUNIT_EXPECT_EQ(test, p[47], 0x5a);
	ExFreePoolWithTag(p, tag);
	expect_counts(test, tag, NTMM_POOL_NONPAGED, 1, 1, 0);
	/* A second free: reported, nothing freed or counted. */
	ExFreePoolWithTag(p, tag);
	expect_counts(test, tag, NTMM_POOL_NONPAGED, 1, 1, 0);
	/* Memory the pool never gave: reported, left alone. */
	not_pool = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, not_pool);
	ExFreePool(not_pool);
	ExFreePool(NULL);
	kfree(not_pool);
}

/*
 * Freed small blocks wait on their CPU's lookaside list: the next
 * allocation of the class on that CPU gets the block back, zeroed if asked.
 * A double free must not put a block on the list twice.
 */
static void pool_lookaside_test(struct kunit *test)
{
	const u32 tag = TAG('K', 'l', 'k', 'a');
	u8 *p, *q, *a, *b;
	int i;

	/* One CPU throughout (non-paged pool is fine with preemption off). */
	preempt_disable();
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 40, tag);
	if (p) {
		memset(p, 0xa5, 40);
		ExFreePoolWithTag(p, tag);
	}
	q = ExAllocatePool2(POOL_FLAG_NON_PAGED, 40, tag);
	preempt_enable();
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_EQ(test, q, p);
	for (i = 0; i < 40; i++)
		KUNIT_EXPECT_EQ(test, q[i], 0);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)q, 16));

	preempt_disable();
	ExFreePoolWithTag(q, tag);
	ExFreePoolWithTag(q, tag);
	a = ExAllocatePool2(POOL_FLAG_NON_PAGED, 40, tag);
	b = ExAllocatePool2(POOL_FLAG_NON_PAGED, 40, tag);
	preempt_enable();
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_PTR_NE(test, a, b);
	ExFreePoolWithTag(a, tag);
	ExFreePoolWithTag(b, tag);
	expect_counts(test, tag, NTMM_POOL_NONPAGED, 4, 4, 0);
}

#define POOL_RACE_ROUNDS	2000

struct pool_race {
	struct completion done;
	atomic_t go;		/* the round the freeing threads may start */
	atomic_t freed;		/* frees tried so far, by both */
	void *p[POOL_RACE_ROUNDS];
};

/* Free the round's block as soon as the round starts, as the other thread does. */
static int pool_race_fn(void *arg)
{
	struct pool_race *r = arg;
	int round, spins = 0;

	for (round = 1; round <= POOL_RACE_ROUNDS; round++) {
		while (atomic_read_acquire(&r->go) < round) {
			cpu_relax();
			if (++spins % 4096 == 0)
				cond_resched();
		}
		ExFreePoolWithTag(r->p[round - 1], TAG('K', 'r', 'c', 'e'));
		if (atomic_inc_return(&r->freed) == 2 * round)
			complete(&r->done);
	}
	return 0;
}

/* Two threads free each block at once: exactly one free goes through. */
static void pool_race_test(struct kunit *test)
{
	const u32 tag = TAG('K', 'r', 'c', 'e');
	struct pool_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	int round, i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < POOL_RACE_ROUNDS; i++) {
		r->p[i] = ExAllocatePool2(POOL_FLAG_NON_PAGED, 40, tag);
		KUNIT_ASSERT_NOT_NULL(test, r->p[i]);
	}
	init_completion(&r->done);
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(pool_race_fn, r, "ntmm-race-%d", i)));
	for (round = 1; round <= POOL_RACE_ROUNDS; round++) {
		reinit_completion(&r->done);
		atomic_set_release(&r->go, round);
		wait_for_completion(&r->done);
	}
	expect_counts(test, tag, NTMM_POOL_NONPAGED, POOL_RACE_ROUNDS, POOL_RACE_ROUNDS, 0);
}

/*
 * Big blocks (more than a page with the header) keep their header apart:
 * a power of two takes only itself, page aligned; the verifier's checks
 * hold for them too. Sizes no allocator gives fail quietly.
 */
static void pool_big_test(struct kunit *test)
{
	const u32 tag = TAG('K', 'b', 'i', 'g');
	u8 *p, *v;

	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16384, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, ksize(p), 16384UL);
	KUNIT_EXPECT_EQ(test, p[0], 0);
	KUNIT_EXPECT_EQ(test, p[16383], 0);
	ExFreePoolWithTag(p, TAG('W', 'r', 'n', 'g'));
	expect_counts(test, tag, NTMM_POOL_NONPAGED, 1, 0, 16384);
	p[16383] = 0x5a;
	ExFreePoolWithTag(p, tag);
	expect_counts(test, tag, NTMM_POOL_NONPAGED, 1, 1, 0);

	/*
	 * Beyond what kmalloc gives: paged pool, whose caller may sleep, is
	 * vmalloc'd; non-paged pool, which never sleeps, has no more to give.
	 */
	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_NON_PAGED, KMALLOC_MAX_SIZE + PAGE_SIZE,
						tag));
	v = ExAllocatePool2(POOL_FLAG_PAGED, KMALLOC_MAX_SIZE + PAGE_SIZE, tag);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(v));
	KUNIT_EXPECT_EQ(test, v[KMALLOC_MAX_SIZE + PAGE_SIZE - 1], 0);
	ExFreePool(v);
	/* A second free of a big block: refused, nothing counted. */
	ExFreePool(v);
	expect_counts(test, tag, NTMM_POOL_NONPAGED, 1, 1, 0);
	expect_counts(test, tag, NTMM_POOL_PAGED, 1, 1, 0);

	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_PAGED, (size_t)INT_MAX + 1, tag));
	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_NON_PAGED, SIZE_MAX, tag));
	/* More than the machine has: NULL, and no allocation-failure splat. */
	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_PAGED, INT_MAX, tag));
	expect_counts(test, tag, NTMM_POOL_PAGED, 1, 1, 0);
}

/* Does reading the byte at @p fault? Probed, not touched for real. */
static bool pool_faults(const void *p)
{
	u8 c;

	return copy_from_kernel_nofault(&c, p, 1) != 0;
}

static void pool_special_test(struct kunit *test)
{
	const u32 tag = TAG('K', 's', 'p', 'l');
	u8 *p;

	p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_SPECIAL_POOL, 100, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, pool_faults(p));
	KUNIT_EXPECT_FALSE(test, pool_faults(p + 99));
	KUNIT_EXPECT_TRUE(test, pool_faults(p + 100));
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)(p + 100), PAGE_SIZE));
	ExFreePoolWithTag(p, TAG('W', 'r', 'n', 'g'));
	KUNIT_EXPECT_FALSE(test, pool_faults(p));
	ExFreePoolWithTag(p, tag);
	KUNIT_EXPECT_TRUE(test, pool_faults(p));
	KUNIT_EXPECT_TRUE(test, pool_faults(p + 99));
	ExFreePoolWithTag(p, tag);
	expect_counts(test, tag, NTMM_POOL_NONPAGED, 1, 1, 0);

	ntmm_pool_special_set_underrun(true);
	p = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_SPECIAL_POOL, 100, tag);
	ntmm_pool_special_set_underrun(false);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, pool_faults(p));
	KUNIT_EXPECT_TRUE(test, pool_faults(p - 1));
	ExFreePool(p);
	KUNIT_EXPECT_TRUE(test, pool_faults(p));
}

/* The special_pool parameter's tag list, as it is parsed at load. */
static void pool_special_list_test(struct kunit *test)
{
	const u32 listed = TAG('K', 'l', 's', 't'), other = TAG('K', 'o', 't', 'h');
	u8 *p, *q;

	KUNIT_EXPECT_EQ(test, ntmm_pool_special_parse("Kabc,Kdefg"), -EINVAL);
	KUNIT_ASSERT_EQ(test, ntmm_pool_special_parse("Kabc,Klst"), 0);
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 40, listed);
	q = ExAllocatePool2(POOL_FLAG_NON_PAGED, 40, other);
	KUNIT_EXPECT_EQ(test, ntmm_pool_special_parse(""), 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)(p + 40), PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, pool_faults(p + 40));
	KUNIT_EXPECT_FALSE(test, pool_faults(q + 40));
	ExFreePoolWithTag(p, listed);
	ExFreePoolWithTag(q, other);
	KUNIT_EXPECT_TRUE(test, pool_faults(p));
}

static void pool_quota_test(struct kunit *test)
{
	const u32 tag = TAG('K', 'q', 't', 'a');
	struct ntmm_process *proc;
	void *p, *q;

	KUNIT_ASSERT_NE(test, kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ,
					    MAP_ANONYMOUS | MAP_PRIVATE, 0), 0UL);
	proc = ntmm_process_get(current->mm);
	KUNIT_ASSERT_FALSE(test, IS_ERR(proc));
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_USE_QUOTA, 1000, tag);
	q = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_USE_QUOTA, 5000, tag);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, ntmm_pool_quota_usage(proc->pool_quota, NTMM_POOL_NONPAGED), 1000L);
	KUNIT_EXPECT_EQ(test, ntmm_pool_quota_usage(proc->pool_quota, NTMM_POOL_PAGED), 5000L);
	ExFreePoolWithTag(p, tag);
	KUNIT_EXPECT_EQ(test, ntmm_pool_quota_usage(proc->pool_quota, NTMM_POOL_NONPAGED), 0L);
	/* A charge outlives the context it was charged to. */
	ntmm_process_put(proc);
	ExFreePoolWithTag(q, tag);
}

#define POOL_THREADS	4
#define POOL_ROUNDS	3000
#define POOL_KEEP	64

struct pool_worker {
	struct completion done;
	void *kept[POOL_KEEP];
	size_t kept_size[POOL_KEEP];
	u32 kept_tag[POOL_KEEP];
	bool failed;
};

static const u32 pool_mt_tags[] = {
	TAG('K', 'm', 't', '0'), TAG('K', 'm', 't', '1'),
	TAG('K', 'm', 't', '2'), TAG('K', 'm', 't', '3'),
};

/* Allocate and free across four tags; keep the last POOL_KEEP live. */
static int pool_worker_fn(void *arg)
{
	struct pool_worker *w = arg;
	int i;

	for (i = 0; i < POOL_ROUNDS; i++) {
		u32 tag = pool_mt_tags[get_random_u32_below(ARRAY_SIZE(pool_mt_tags))];
		size_t size = 1 + get_random_u32_below(2000);
		void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, size, tag);
		int slot = i % POOL_KEEP;

		if (!p) {
			w->failed = true;
			break;
		}
		if (w->kept[slot])
			ExFreePoolWithTag(w->kept[slot], w->kept_tag[slot]);
		w->kept[slot] = p;
		w->kept_size[slot] = size;
		w->kept_tag[slot] = tag;
	}
	complete(&w->done);
	return 0;
}

static void pool_concurrency_test(struct kunit *test)
{
	struct pool_worker *w = kunit_kcalloc(test, POOL_THREADS, sizeof(*w), GFP_KERNEL);
	unsigned long allocs = 0, frees = 0, a, f;
	long bytes = 0, kept_bytes = 0, b;
	unsigned int i, j, t;

	KUNIT_ASSERT_NOT_NULL(test, w);
	for (t = 0; t < ARRAY_SIZE(pool_mt_tags); t++)
		if (ntmm_pool_tag_counts(pool_mt_tags[t], NTMM_POOL_NONPAGED, &a, &f, &b)) {
			allocs += a;
			frees += f;
			bytes += b;
		}
	for (i = 0; i < POOL_THREADS; i++)
		init_completion(&w[i].done);
	for (i = 0; i < POOL_THREADS; i++) {
		struct task_struct *k = kthread_run(pool_worker_fn, &w[i], "ntmm-pool-%u", i);

		KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	}
	for (i = 0; i < POOL_THREADS; i++)
		wait_for_completion(&w[i].done);
	for (t = 0; t < ARRAY_SIZE(pool_mt_tags); t++)
		if (ntmm_pool_tag_counts(pool_mt_tags[t], NTMM_POOL_NONPAGED, &a, &f, &b)) {
			allocs -= a;
			frees -= f;
			bytes -= b;
		}
	for (i = 0; i < POOL_THREADS; i++) {
		KUNIT_EXPECT_FALSE(test, w[i].failed);
		for (j = 0; j < POOL_KEEP; j++)
			kept_bytes += w[i].kept_size[j];
	}
	/* The counters moved by exactly what the threads did. */
	KUNIT_EXPECT_EQ(test, -allocs, (unsigned long)POOL_THREADS * POOL_ROUNDS);
	KUNIT_EXPECT_EQ(test, -frees, (unsigned long)POOL_THREADS * (POOL_ROUNDS - POOL_KEEP));
	KUNIT_EXPECT_EQ(test, -bytes, kept_bytes);
	for (i = 0; i < POOL_THREADS; i++)
		for (j = 0; j < POOL_KEEP; j++)
			ExFreePoolWithTag(w[i].kept[j], w[i].kept_tag[j]);
}

static struct kunit_case pool_cases[] = {
	KUNIT_CASE(pool_rules_test),
	KUNIT_CASE(pool_atomic_test),
	KUNIT_CASE(pool_verifier_test),
	KUNIT_CASE(pool_lookaside_test),
	KUNIT_CASE_SLOW(pool_race_test),
	KUNIT_CASE(pool_big_test),
	KUNIT_CASE(pool_special_test),
	KUNIT_CASE(pool_special_list_test),
	KUNIT_CASE(pool_quota_test),
	KUNIT_CASE(pool_concurrency_test),
	{}
};

static struct kunit_suite pool_suite = {
	.name = "ntmm_pool",
	.test_cases = pool_cases,
};

kunit_test_suite(pool_suite);
