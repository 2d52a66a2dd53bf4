// SPDX-License-Identifier: GPL-2.0
/*
 * pool_bench: ExAllocatePool2 + ExFreePoolWithTag pairs against the Linux
 * allocator they stand on, in one boot: non-paged pool against
 * kmalloc/kfree at 64 B, 1 KiB and 16 KiB, paged pool against
 * vmalloc/vfree at 16 KiB, and the speedup of two threads over one, for
 * the pool and for kmalloc.
 * Uninitialized pool memory is compared with kmalloc (neither is zeroed).
 */
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <ntmm/wdm.h>

#define TAG	('hcnB')	/* "Bnch" */
#define PAIRS	20000
#define REPS	5
#define THREADED_PAIRS	(20 * PAIRS)

enum { POOL, LINUX };

/* Nanoseconds per pair, for @n pairs. */
static u64 pairs(int kind, bool paged, size_t size, int n)
{
	u64 type = paged ? POOL_FLAG_PAGED : POOL_FLAG_NON_PAGED;
	u64 t = ktime_get_ns();
	int i;

	for (i = 0; i < n; i++) {
		void *p;

		if (kind == POOL) {
			p = ExAllocatePool2(type | POOL_FLAG_UNINITIALIZED, size, TAG);
			ExFreePoolWithTag(p, TAG);
		} else if (paged) {
			p = vmalloc(size);
			vfree(p);
		} else {
			p = kmalloc(size, GFP_KERNEL);
			kfree(p);
		}
	}
	return (ktime_get_ns() - t) / n;
}

/*
 * Best of REPS for the pool and for Linux, measured in turn so that both
 * see the same moments of a noisy host.
 */
static void compare(bool paged, size_t size, int n, u64 *pool, u64 *lin)
{
	int r;

	*pool = U64_MAX;
	*lin = U64_MAX;
	for (r = 0; r < REPS; r++) {
		*pool = min(*pool, pairs(POOL, paged, size, n));
		*lin = min(*lin, pairs(LINUX, paged, size, n));
		cond_resched();
	}
}

struct worker {
	struct completion done;
	int kind;
	int n;
};

static int worker_fn(void *arg)
{
	struct worker *w = arg;

	pairs(w->kind, false, 64, w->n);
	complete(&w->done);
	return 0;
}

/* Wall time for @total 64 B pairs of @kind split over @threads threads. */
static u64 threaded(int kind, int threads, int total)
{
	struct worker w[2];
	u64 t = ktime_get_ns();
	int i;

	for (i = 0; i < threads; i++) {
		init_completion(&w[i].done);
		w[i].kind = kind;
		w[i].n = total / threads;
		kthread_run(worker_fn, &w[i], "pool_bench/%d", i);
	}
	for (i = 0; i < threads; i++)
		wait_for_completion(&w[i].done);
	return ktime_get_ns() - t;
}

static int __init pool_bench_init(void)
{
	static const size_t sizes[] = { 64, 1024, 16384 };
	u64 pool, lin;
	int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		compare(false, sizes[i], PAIRS, &pool, &lin);
		pr_info("pool_bench: non-paged %zu B: pool %llu ns/pair, kmalloc %llu ns/pair, ratio %llu.%02llu (goal <= 1.15)\n",
			sizes[i], pool, lin, pool / lin, pool * 100 / lin % 100);
	}
	compare(true, 16384, PAIRS / 10, &pool, &lin);
	pr_info("pool_bench: paged 16384 B: pool %llu ns/pair, vmalloc %llu ns/pair, ratio %llu.%02llu\n",
		pool, lin, pool / lin, pool * 100 / lin % 100);
	for (i = 0; i < 2; i++) {
		u64 one = U64_MAX, two = U64_MAX;
		int r;

		for (r = 0; r < 3; r++) {
			one = min(one, threaded(i ? LINUX : POOL, 1, THREADED_PAIRS));
			two = min(two, threaded(i ? LINUX : POOL, 2, THREADED_PAIRS));
		}
		pr_info("pool_bench: %d %s 64 B pairs: 1 thread %llu ms, 2 threads %llu ms, throughput %llu.%02llux (%s)\n",
			THREADED_PAIRS, i ? "kmalloc" : "non-paged", one / 1000000,
			two / 1000000, one / two, one * 100 / two % 100,
			i ? "the host's own limit" : "goal >= 1.7");
	}
	return 0;
}

static void __exit pool_bench_exit(void)
{
}

module_init(pool_bench_init);
module_exit(pool_bench_exit);
MODULE_DESCRIPTION("ntmm's pools against kmalloc and vmalloc");
MODULE_LICENSE("GPL");
