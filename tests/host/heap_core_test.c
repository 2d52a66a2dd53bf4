// SPDX-License-Identifier: GPL-2.0
/*
 * libntmm's heap allocator (userlib/src/heap_core.c) on the host, under ASan
 * and UBSan, over an mmap page provider that counts what it holds: sizes and
 * sizes asked, realloc, corruption left unchanged, a fixed heap filled to
 * its last byte, the walk against what was allocated, eight threads against
 * a model, HeapLock's exclusion, compaction and destruction giving every
 * page back.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../userlib/src/heap_core.h"
#include "tap.h"

/* --- an mmap provider that counts ------------------------------------------------- */

#define MAX_MAPS 4096
static struct { char *base; size_t size, committed; } maps[MAX_MAPS];
static size_t reserved_bytes, committed_bytes;
static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;

static void *mm_reserve(void *ctx, size_t size, int exec)
{
	char *p, *a;
	int i;

	(void)ctx;
	(void)exec;
	p = mmap(NULL, size + HC_GRANULARITY, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + HC_GRANULARITY - 1) & ~(HC_GRANULARITY - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + size, (size_t)(p + HC_GRANULARITY - a));
	pthread_mutex_lock(&maps_lock);
	for (i = 0; i < MAX_MAPS && maps[i].base; i++)
		;
	maps[i].base = a;
	maps[i].size = size;
	maps[i].committed = 0;
	reserved_bytes += size;
	pthread_mutex_unlock(&maps_lock);
	return a;
}

/* Count @delta committed bytes at @p, in its mapping too. */
static void mm_count(void *p, ssize_t delta)
{
	int i;

	pthread_mutex_lock(&maps_lock);
	for (i = 0; i < MAX_MAPS; i++)
		if ((char *)p >= maps[i].base && (char *)p < maps[i].base + maps[i].size)
			maps[i].committed += (size_t)delta;
	committed_bytes += (size_t)delta;
	pthread_mutex_unlock(&maps_lock);
}

static int mm_commit(void *ctx, void *p, size_t size, int exec)
{
	(void)ctx;
	if (mprotect(p, size, PROT_READ | PROT_WRITE | (exec ? PROT_EXEC : 0)))
		return -1;
	mm_count(p, (ssize_t)size);
	return 0;
}

static void *mm_alloc(void *ctx, size_t size, int exec)
{
	void *p = mm_reserve(ctx, size, exec);

	if (p && mm_commit(ctx, p, size, exec))
		return NULL;
	return p;
}

static void mm_decommit(void *ctx, void *p, size_t size)
{
	(void)ctx;
	madvise(p, size, MADV_DONTNEED);
	mprotect(p, size, PROT_NONE);
	mm_count(p, -(ssize_t)size);
}

static void mm_release(void *ctx, void *p)
{
	int i;

	(void)ctx;
	pthread_mutex_lock(&maps_lock);
	for (i = 0; i < MAX_MAPS && maps[i].base != p; i++)
		;
	if (i < MAX_MAPS) {
		munmap(p, maps[i].size);
		committed_bytes -= maps[i].committed;
		reserved_bytes -= maps[i].size;
		maps[i].base = NULL;
	}
	pthread_mutex_unlock(&maps_lock);
}

static const struct hc_pages pages = {
	NULL, mm_reserve, mm_alloc, mm_commit, mm_decommit, mm_release,
};

/* --- helpers ------------------------------------------------------------------------ */

static size_t busy_entries(struct hc_heap *h, void **ptrs, size_t *sizes, size_t max)
{
	struct hc_entry e = { 0 };
	size_t n = 0;

	while (hc_walk(h, &e) == 1) {
		if (e.kind == HC_ENTRY_BUSY || e.kind == HC_ENTRY_LARGE) {
			if (n < max) {
				ptrs[n] = e.data;
				sizes[n] = e.size;
			}
			n++;
		}
	}
	return n;
}

static void test_basics(void)
{
	struct hc_heap *h = hc_create(&pages, 0, 0, 0);
	static const size_t sizes[] = { 0, 1, 8, 15, 16, 17, 100, 248, 249, 1000, 1024, 1025,
					4000, 70000, 500000, 524288, 524289, 3000000 };
	void *p[sizeof(sizes) / sizeof(sizes[0])];
	enum hc_result r;
	unsigned int i;
	int ok = 1, aligned = 1, zero = 1;

	tap_ok(h != NULL, "a growable heap");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p[i] = hc_alloc(h, sizes[i], HC_ZERO, &r);
		if (!p[i] || r != HC_OK || hc_size(h, p[i], 0) != sizes[i])
			ok = 0;
		if ((uintptr_t)p[i] % 16)
			aligned = 0;
		for (size_t j = 0; p[i] && j < sizes[i]; j++)
			if (((char *)p[i])[j])
				zero = 0;
		if (p[i])
			memset(p[i], 0xab, sizes[i]);
	}
	tap_ok(ok, "every size from 0 to 3 MB: allocated, and its size is the size asked");
	tap_ok(aligned, "every block is 16-byte aligned");
	tap_ok(zero, "HC_ZERO gives zeroed blocks");
	tap_ok(hc_validate(h, NULL, 0), "the heap validates");
	for (i = 0, ok = 1; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ok &= hc_free(h, p[i], 0) == HC_OK;
	tap_ok(ok, "every block frees");
	tap_ok(hc_validate(h, NULL, 0), "the heap validates after");
	hc_destroy(h);
}

static void test_realloc(void)
{
	struct hc_heap *h = hc_create(&pages, 0, 0, 0);
	enum hc_result r;
	char *p = hc_alloc(h, 100, 0, &r), *q;
	int i, ok = 1;

	memset(p, 7, 100);
	q = hc_realloc(h, p, 90, 0, &r);
	tap_ok(q == p && hc_size(h, q, 0) == 90, "a slot shrinks in place");
	q = hc_realloc(h, p, 5000, HC_IN_PLACE_ONLY, &r);
	tap_ok(!q && r == HC_NO_MEMORY && hc_size(h, p, 0) == 90,
	       "in place only: a slot cannot grow past its class, and stays as it was");
	q = hc_realloc(h, p, 5000, HC_ZERO, &r);
	for (i = 0; i < 90; i++)
		ok &= q[i] == 7;
	for (i = 90; i < 5000; i++)
		ok &= q[i] == 0;
	tap_ok(q && q != p && ok, "grown by moving: contents kept, the rest zeroed");
	p = hc_realloc(h, q, 6000, HC_IN_PLACE_ONLY, &r);
	tap_ok(p == q && hc_size(h, p, 0) == 6000, "a back-end block grows in place into free space");
	q = hc_realloc(h, p, 2000000, 0, &r);
	tap_ok(q && hc_size(h, q, 0) == 2000000 && q[5999] == 0 && q[0] == 7,
	       "a block grows into a large block");
	p = hc_realloc(h, q, 1000000, HC_IN_PLACE_ONLY, &r);
	tap_ok(p == q && hc_size(h, p, 0) == 1000000, "a large block shrinks in place");
	tap_ok(hc_realloc(h, q + 16, 10, 0, &r) == NULL && r == HC_CORRUPT,
	       "realloc of a pointer the heap did not give: corrupt");
	hc_free(h, p, 0);
	tap_ok(hc_validate(h, NULL, 0), "the heap validates");
	hc_destroy(h);
}

static void test_corruption(void)
{
	struct hc_heap *h = hc_create(&pages, 0, 0, 0), *g = hc_create(&pages, 0, 0, 0);
	enum hc_result r;
	char *small = hc_alloc(h, 40, 0, &r), *mid = hc_alloc(h, 3000, 0, &r);
	char *big = hc_alloc(h, 1 << 20, 0, &r), *other = hc_alloc(g, 40, 0, &r);
	char *foreign = malloc(64);
	char saved[16];

	tap_ok(hc_free(h, foreign, 0) == HC_CORRUPT, "free of a malloc pointer: corrupt");
	tap_ok(hc_free(h, other, 0) == HC_CORRUPT, "free of another heap's block: corrupt");
	tap_ok(hc_free(h, small + 16, 0) == HC_CORRUPT, "free inside a slot: corrupt");
	tap_ok(hc_free(h, mid + 32, 0) == HC_CORRUPT, "free inside a block: corrupt");
	tap_ok(hc_free(h, big + 4096, 0) == HC_CORRUPT, "free inside a large block: corrupt");
	tap_ok(hc_size(h, foreign, 0) == (size_t)-1, "size of a malloc pointer: -1");
	tap_ok(!hc_validate(h, foreign, 0), "validate of a malloc pointer: false");
	memcpy(saved, mid - 16, 16);
	memset(mid - 16, 0x41, 16);
	tap_ok(hc_free(h, mid, 0) == HC_CORRUPT, "free of a block whose header was overwritten");
	tap_ok(!hc_validate(h, NULL, 0), "validate sees the overwritten header");
	memcpy(mid - 16, saved, 16);
	tap_ok(hc_validate(h, NULL, 0), "restored, the heap validates: nothing changed");
	tap_ok(hc_free(h, mid, 0) == HC_OK, "and the block frees");
	tap_ok(hc_free(h, mid, 0) == HC_CORRUPT, "double free of a block");
	tap_ok(hc_free(h, small, 0) == HC_OK && hc_free(h, small, 0) == HC_CORRUPT,
	       "double free of a slot");
	tap_ok(hc_free(h, big, 0) == HC_OK && hc_free(h, big, 0) == HC_CORRUPT,
	       "double free of a large block");
	tap_ok(hc_validate(h, NULL, 0), "the heap validates after the refused frees");
	free(foreign);
	hc_destroy(g);
	hc_destroy(h);
}

static void test_fixed(void)
{
	struct hc_heap *h = hc_create(&pages, 0, 0, 65536);
	struct hc_entry e = { 0 };
	size_t busy = 0, n = 0, total = 0, free_bytes = 0, size;
	enum hc_result r;
	void *p;

	tap_ok(h && !hc_lfh_enabled(h) && !hc_lfh_possible(h), "a fixed heap has no front end");
	tap_ok(!hc_alloc(h, 600000, 0, &r) && r == HC_NO_MEMORY, "a block above the threshold fails");
	tap_ok(!hc_alloc(h, 70000, 0, &r) && r == HC_NO_MEMORY, "a block above the maximum fails");
	for (size = 1000; size; size /= 2)
		while ((p = hc_alloc(h, size, 0, &r)))
			n++;
	tap_ok(r == HC_NO_MEMORY && n > 60, "filled with %zu blocks down to 1 byte", n);
	while (hc_walk(h, &e) == 1) {
		if (e.kind == HC_ENTRY_REGION)
			total = e.size - e.overhead;
		else if (e.kind == HC_ENTRY_BUSY)
			busy += e.size + e.overhead;
		else if (e.kind == HC_ENTRY_FREE)
			free_bytes += e.size;
		else
			free_bytes += 1 << 30;
	}
	tap_ok(total && busy == total && free_bytes == 0,
	       "to the last byte: busy blocks span the region (%zu of %zu), nothing free or uncommitted",
	       busy, total);
	tap_ok(committed_bytes >= 65536, "all 64 KiB committed");
	hc_destroy(h);
}

static void test_walk(void)
{
	struct hc_heap *h = hc_create(&pages, 0, 0, 0);
	static void *mine[600], *seen[700];
	static size_t sz[600], seen_sz[700];
	struct hc_entry e = { 0 };
	size_t n, i, j, regions = 0, uncommitted = 0, free_seen = 0;
	enum hc_result r;
	int ok = 1;

	srand(1);
	for (i = 0; i < 600; i++) {
		sz[i] = (size_t)(i % 10 == 0 ? rand() % 200000 : i == 7 ? 900000 : rand() % 1500);
		mine[i] = hc_alloc(h, sz[i], 0, &r);
	}
	for (i = 0; i < 600; i += 3) {
		hc_free(h, mine[i], 0);
		mine[i] = NULL;
	}
	n = busy_entries(h, seen, seen_sz, 700);
	for (i = 0; i < 600; i++) {
		if (!mine[i])
			continue;
		for (j = 0; j < n && seen[j] != mine[i]; j++)
			;
		if (j == n || seen_sz[j] != sz[i])
			ok = 0;
	}
	tap_ok(ok && n == 400, "the walk shows each live block with its size and nothing else (%zu)", n);
	while (hc_walk(h, &e) == 1) {
		regions += e.kind == HC_ENTRY_REGION;
		uncommitted += e.kind == HC_ENTRY_UNCOMMITTED;
		free_seen += e.kind == HC_ENTRY_FREE;
	}
	tap_ok(regions >= 1 && uncommitted >= 1 && free_seen >= 1,
	       "regions (%zu), uncommitted ranges (%zu) and free blocks (%zu) appear", regions,
	       uncommitted, free_seen);
	e.data = (char *)mine[1] + 16;
	e.kind = HC_ENTRY_BUSY;
	tap_ok(hc_walk(h, &e) == -1, "a walk from an entry that is not one: -1");
	hc_destroy(h);
}

/* --- threads --------------------------------------------------------------------------- */

#define THREADS 8
#define LIVE 256
static struct hc_heap *shared;
static void *exchange[64];

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i);
}

static int check(const unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i))
			return 0;
	return 1;
}

static void *worker(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg, seed = id * 7919 + 1;
	unsigned char *live[LIVE] = { 0 };
	size_t size[LIVE];
	unsigned int tag[LIVE];
	long bad = 0;
	int i, k;

	for (i = 0; i < 40000; i++) {
		enum hc_result r;

		k = rand_r(&seed) % LIVE;
		if (live[k]) {
			if (!check(live[k], size[k], tag[k]) || hc_size(shared, live[k], 0) != size[k])
				bad++;
			if (rand_r(&seed) % 8 == 0) {
				size_t ns = (size_t)rand_r(&seed) % 3000;
				unsigned char *q = hc_realloc(shared, live[k], ns, 0, &r);

				if (!q) {
					bad++;
					continue;
				}
				if (!check(q, ns < size[k] ? ns : size[k], tag[k]))
					bad++;
				live[k] = q;
				size[k] = ns;
				fill(q, ns, tag[k]);
				continue;
			}
			if (rand_r(&seed) % 16 == 0) {
				/* hand it to another thread, which frees it */
				void *old = __atomic_exchange_n(&exchange[rand_r(&seed) % 64], live[k],
								__ATOMIC_ACQ_REL);

				if (old && hc_free(shared, old, 0) != HC_OK)
					bad++;
			} else if (hc_free(shared, live[k], 0) != HC_OK) {
				bad++;
			}
			live[k] = NULL;
		} else {
			int roll = rand_r(&seed) % 100;

			size[k] = roll < 90 ? (size_t)rand_r(&seed) % 1024 :
				  roll < 99 ? (size_t)rand_r(&seed) % 100000 : 600000;
			tag[k] = (unsigned int)rand_r(&seed);
			live[k] = hc_alloc(shared, size[k], 0, &r);
			if (!live[k])
				bad++;
			else
				fill(live[k], size[k], tag[k]);
		}
	}
	for (k = 0; k < LIVE; k++) {
		if (live[k] && (!check(live[k], size[k], tag[k]) || hc_free(shared, live[k], 0)))
			bad++;
	}
	return (void *)bad;
}

static void test_threads(void)
{
	pthread_t t[THREADS];
	long bad = 0;
	void *rv;
	int i;

	shared = hc_create(&pages, 0, 0, 0);
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &rv);
		bad += (long)rv;
	}
	tap_ok(bad == 0, "8 threads x 40,000 mixed operations: every block kept its contents (%ld bad)",
	       bad);
	for (i = 0; i < 64; i++)
		if (exchange[i] && hc_free(shared, exchange[i], 0) != HC_OK)
			bad++;
	tap_ok(bad == 0 && hc_validate(shared, NULL, 0), "the heap validates after");
	{
		void *p[1];
		size_t s[1];

		tap_ok(busy_entries(shared, p, s, 1) == 0, "and holds no busy block");
	}
	hc_destroy(shared);
}

static volatile int locked_alloc_done;

static void *try_alloc(void *arg)
{
	enum hc_result r;

	hc_free(arg, hc_alloc(arg, 32, 0, &r), 0);
	locked_alloc_done = 1;
	return NULL;
}

static void test_lock(void)
{
	struct hc_heap *h = hc_create(&pages, 0, 0, 0);
	enum hc_result r;
	pthread_t t;
	void *p;

	p = hc_alloc(h, 32, 0, &r);
	hc_lock(h);
	hc_lock(h);
	hc_free(h, p, 0);	/* the owner may use its heap */
	pthread_create(&t, NULL, try_alloc, h);
	usleep(100000);
	tap_ok(!locked_alloc_done, "hc_lock (twice) holds off another thread's allocation");
	hc_unlock(h);
	usleep(50000);
	tap_ok(!locked_alloc_done, "still held after one of two unlocks");
	hc_unlock(h);
	pthread_join(t, NULL);
	tap_ok(locked_alloc_done, "the allocation completes after the last unlock");
	hc_destroy(h);
}

static void test_compact_destroy(void)
{
	size_t reserved0 = reserved_bytes, committed0 = committed_bytes, largest, before;
	struct hc_heap *h = hc_create(&pages, 0, 200000, 0);
	static void *p[4000];
	enum hc_result r;
	int i;

	tap_ok(committed_bytes - committed0 >= 200000, "the initial size is committed at creation");
	for (i = 0; i < 4000; i++)
		p[i] = hc_alloc(h, (size_t)(i % 50) * 40 + 1, 0, &r);
	p[0] = hc_alloc(h, 5 << 20, 0, &r);
	before = committed_bytes;
	for (i = 0; i < 4000; i++)
		hc_free(h, p[i], 0);
	largest = hc_compact(h, 0);
	tap_ok(largest > 0 && committed_bytes < before,
	       "compaction: largest free block %zu, committed %zu -> %zu", largest, before,
	       committed_bytes);
	hc_destroy(h);
	tap_ok(reserved_bytes == reserved0 && committed_bytes == committed0,
	       "destroy gives back every page (reserved +%zd, committed +%zd)",
	       (ssize_t)(reserved_bytes - reserved0), (ssize_t)(committed_bytes - committed0));
}

int main(void)
{
	test_basics();
	test_realloc();
	test_corruption();
	test_fixed();
	test_walk();
	test_threads();
	test_lock();
	test_compact_destroy();
	return tap_done();
}
