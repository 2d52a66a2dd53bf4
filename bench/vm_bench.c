// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: ntmm's virtual memory against native Linux, in one VM run.
 *
 *  (a) reserve+commit, touch every page, release 64 MiB  vs  mmap+touch+munmap
 *  (b) VirtualAlloc(64 KiB)+VirtualFree pairs             vs  mmap+munmap pairs
 *      (and, for reference, a mapping with a VMA of its own, which cannot merge)
 *  (c) VirtualProtect RW<->RO flips on a touched page     vs  mprotect flips
 *  (d) VirtualQuery rate with 10,000 live allocations     vs  with 10
 *  (e) 4000 cycles of alloc+touch+free of 256 KiB from one thread vs two:
 *      the speedup, beside native mmap's
 *  (f) 1 GiB commit+touch with large pages vs 4 KiB pages: faults and time
 *  (g) share of frames on the preferred node (VirtualAllocExNuma)
 *  (h) a pointer chase over 512 MiB with both page sizes (TCG models no
 *      TLB, so this shows page-walk savings only as far as QEMU's softmmu does)
 *
 * Each figure is the best of several runs (TCG timing is noisy). Ratios are
 * ntmm time / native time, except (d) (rate ratio) and (e) (speedups).
 */
#define _GNU_SOURCE
#include <psapi.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>
#include <windows.h>

#define PAGE	4096UL
#define REPS	5

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void touch(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += PAGE)
		((volatile char *)p)[i] = 1;
}

static void *ntmm_alloc(size_t len)
{
	return VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
}

static void ntmm_free(void *p, size_t len)
{
	(void)len;
	VirtualFree(p, 0, MEM_RELEASE);
}

static void *native_alloc(size_t len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* Native with 4 KiB pages only, as VirtualAlloc without MEM_LARGE_PAGES. */
static void *native_alloc_4k(size_t len)
{
	void *p = native_alloc(len);

	if (p != MAP_FAILED)
		madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static void native_free(void *p, size_t len)
{
	munmap(p, len);
}

struct api {
	void *(*alloc)(size_t len);
	void (*free)(void *p, size_t len);
};

static const struct api ntmm = { ntmm_alloc, ntmm_free };
static const struct api native = { native_alloc, native_free };
static const struct api native_4k = { native_alloc_4k, native_free };

static double cycle(const struct api *api, size_t len, int n, int do_touch)
{
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		char *p = api->alloc(len);

		if (do_touch)
			touch(p, len);
		api->free(p, len);
	}
	return now() - t;
}

static double best(const struct api *api, size_t len, int n, int do_touch)
{
	double b = 1e9, t;
	int r;

	for (r = 0; r < REPS; r++) {
		t = cycle(api, len, n, do_touch);
		if (t < b)
			b = t;
	}
	return b;
}

/* Where (a)'s time goes: allocate, touch, release, each timed (best of REPS). */
static void phases(const struct api *api, const char *name, size_t len)
{
	double a = 1e9, t = 1e9, f = 1e9, t0, t1, t2, t3;
	int r;

	for (r = 0; r < REPS; r++) {
		char *p;

		t0 = now();
		p = api->alloc(len);
		t1 = now();
		touch(p, len);
		t2 = now();
		api->free(p, len);
		t3 = now();
		a = t1 - t0 < a ? t1 - t0 : a;
		t = t2 - t1 < t ? t2 - t1 : t;
		f = t3 - t2 < f ? t3 - t2 : f;
	}
	printf("    %-6s allocate %.1f ms, touch %.1f ms (%.2f us/page), release %.1f ms\n", name,
	       a * 1e3, t * 1e3, t * 1e6 / (len / PAGE), f * 1e3);
}

/*
 * (b)'s floor: what Linux pays for a 64 KiB mapping with a VMA of its own, at
 * a fixed address in a gap (no neighbour to merge with), anonymous or of a
 * file shared, as a ntmm allocation is. Microseconds a pair, best of REPS.
 */
static double own_vma_pairs(int fd, int n)
{
	void *at = (void *)0x200000000UL;
	double b = 1e9, t;
	int r, i;

	for (r = 0; r < REPS; r++) {
		t = now();
		for (i = 0; i < n; i++) {
			void *p = fd < 0 ?
				mmap(at, 64 << 10, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) :
				mmap(at, 64 << 10, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);

			if (p != at)
				return -1;
			munmap(p, 64 << 10);
		}
		t = now() - t;
		b = t < b ? t : b;
	}
	return b / n * 1e6;
}

static double flips_ntmm(int n)
{
	char *p = ntmm_alloc(PAGE);
	double t, b = 1e9;
	DWORD old;
	int r, i;

	touch(p, PAGE);
	for (r = 0; r < REPS; r++) {
		t = now();
		for (i = 0; i < n; i++) {
			VirtualProtect(p, PAGE, PAGE_READONLY, &old);
			VirtualProtect(p, PAGE, PAGE_READWRITE, &old);
		}
		t = now() - t;
		b = t < b ? t : b;
	}
	ntmm_free(p, PAGE);
	return b;
}

static double flips_native(int n)
{
	char *p = native_alloc(PAGE);
	double t, b = 1e9;
	int r, i;

	touch(p, PAGE);
	for (r = 0; r < REPS; r++) {
		t = now();
		for (i = 0; i < n; i++) {
			mprotect(p, PAGE, PROT_READ);
			mprotect(p, PAGE, PROT_READ | PROT_WRITE);
		}
		t = now() - t;
		b = t < b ? t : b;
	}
	native_free(p, PAGE);
	return b;
}

/* Queries per second over @live allocations of 64 KiB (reserved only). */
static double query_rate(int live, int n)
{
	char **a = malloc(live * sizeof(*a));
	MEMORY_BASIC_INFORMATION mbi;
	double t, b = 1e9;
	unsigned int seed = 1;
	int i, r;

	for (i = 0; i < live; i++)
		a[i] = VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE);
	for (r = 0; r < REPS; r++) {
		t = now();
		for (i = 0; i < n; i++)
			VirtualQuery(a[rand_r(&seed) % live] + 0x1000, &mbi, sizeof(mbi));
		t = now() - t;
		b = t < b ? t : b;
	}
	for (i = 0; i < live; i++)
		VirtualFree(a[i], 0, MEM_RELEASE);
	free(a);
	return n / b;
}

struct scale_arg {
	const struct api *api;
	int n;
};

static void *scale_thread(void *arg)
{
	struct scale_arg *s = arg;

	cycle(s->api, 256 << 10, s->n, 1);
	return NULL;
}

/* Time for @total cycles split over @threads threads. */
static double scale(const struct api *api, int total, int threads)
{
	struct scale_arg s = { api, total / threads };
	pthread_t t[2];
	double start = now(), b;
	int i;

	for (i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, scale_thread, &s);
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	b = now() - start;
	return b;
}

static double best_scale(const struct api *api, int total, int threads)
{
	double b = 1e9, t;
	int r;

	for (r = 0; r < 3; r++) {
		t = scale(api, total, threads);
		b = t < b ? t : b;
	}
	return b;
}

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/*
 * 4 KiB pages only, or back to the system's THP policy: with THP "always",
 * ntmm backs whole 2 MiB blocks of ordinary allocations with transparent
 * large frames, as Linux does anonymous memory, unless the process opts out.
 */
static void small_pages_only(int on)
{
	prctl(PR_SET_THP_DISABLE, on, 0, 0, 0);
}

/* Commit and touch @len with or without large pages: seconds, and faults in @faults. */
static double commit_touch(size_t len, int large, long *faults)
{
	DWORD type = MEM_RESERVE | MEM_COMMIT | (large ? MEM_LARGE_PAGES : 0);
	double t;
	long f;
	char *p;

	small_pages_only(!large);
	t = now();
	f = minor_faults();
	p = VirtualAlloc(NULL, len, type, PAGE_READWRITE);
	if (!p)
		return -1;
	touch(p, len);
	t = now() - t;
	*faults = minor_faults() - f;
	VirtualFree(p, 0, MEM_RELEASE);
	small_pages_only(0);
	return t;
}

/* Nanoseconds per step of a random walk over the pages of @len. */
static double chase(size_t len, int large)
{
	DWORD type = MEM_RESERVE | MEM_COMMIT | (large ? MEM_LARGE_PAGES : 0);
	size_t pages = len / PAGE, i, j, steps = 1 << 21;
	size_t *order = malloc(pages * sizeof(*order));
	unsigned int seed = 7;
	void **q;
	double t;
	char *p;

	small_pages_only(!large);
	p = VirtualAlloc(NULL, len, type, PAGE_READWRITE);
	if (!p || !order)
		return -1;
	for (i = 0; i < pages; i++)
		order[i] = i;
	for (i = pages - 1; i > 0; i--) {
		j = rand_r(&seed) % (i + 1);
		size_t tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	/* One pointer per page, at a varying offset, linking the pages in random order. */
	for (i = 0; i < pages; i++)
		*(void **)(p + order[i] * PAGE + (i % 64) * 64) =
			p + order[(i + 1) % pages] * PAGE + ((i + 1) % 64) * 64;
	q = (void **)(p + order[0] * PAGE);
	t = now();
	for (i = 0; i < steps; i++)
		q = *q;
	t = now() - t;
	if (!q)
		printf("unreachable\n");
	free(order);
	VirtualFree(p, 0, MEM_RELEASE);
	small_pages_only(0);
	return t / steps * 1e9;
}

/* Percent of 256 MiB's frames on the preferred (last) node. */
static double node_share(void)
{
	size_t len = 256UL << 20, pages = len / PAGE, i, on = 0;
	PSAPI_WORKING_SET_EX_INFORMATION *ws = calloc(pages, sizeof(*ws));
	ULONG last = 0;
	char *p;

	GetNumaHighestNodeNumber(&last);
	p = VirtualAllocExNuma(GetCurrentProcess(), NULL, len, MEM_RESERVE | MEM_COMMIT,
			       PAGE_READWRITE, last);
	if (!p || !ws)
		return -1;
	touch(p, len);
	for (i = 0; i < pages; i++)
		ws[i].VirtualAddress = p + i * PAGE;
	QueryWorkingSetEx(GetCurrentProcess(), ws, pages * sizeof(*ws));
	for (i = 0; i < pages; i++)
		on += ws[i].VirtualAttributes.Valid && ws[i].VirtualAttributes.Node == last;
	VirtualFree(p, 0, MEM_RELEASE);
	free(ws);
	return 100.0 * on / pages;
}

static void bench_large_numa(void)
{
	double tl = 1e9, ts = 1e9, t;
	long fl = 0, fs = 0;
	int r;

	/*
	 * Best of 3, alternating: the first touch of guest memory also pays
	 * QEMU's own first touch of host memory, whichever variant runs first.
	 */
	for (r = 0; r < 3; r++) {
		t = commit_touch(1UL << 30, 1, &fl);
		tl = t < tl ? t : tl;
		t = commit_touch(1UL << 30, 0, &fs);
		ts = t < ts ? t : ts;
	}
	printf("(f) 1 GiB commit+touch: large pages %.0f ms, %ld faults; 4 KiB pages %.0f ms, "
	       "%ld faults: %.0fx fewer faults, time ratio %.2f (goal <= 0.25)\n",
	       tl * 1e3, fl, ts * 1e3, fs, (double)fs / (fl ? fl : 1), tl / ts);
	printf("(g) frames on the preferred node (256 MiB, room to spare): %.1f%% (goal >= 99%%)\n",
	       node_share());
	printf("(h) pointer chase over 512 MiB, one line per page: large pages %.1f ns/step, "
	       "4 KiB pages %.1f ns/step (TCG does not model the TLB)\n",
	       chase(512UL << 20, 1), chase(512UL << 20, 0));
}

/*
 * QEMU backs guest memory on its first touch, at about 3 s a GiB: a
 * measurement whose frames land on guest memory not touched before pays for
 * that too, whichever side it is. Touch nine tenths of what is free first.
 */
static void warm_guest_memory(void)
{
	struct sysinfo si;
	size_t len;
	void *p;

	if (sysinfo(&si))
		return;
	len = (size_t)si.freeram * si.mem_unit / 10 * 9;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		 -1, 0);
	if (p != MAP_FAILED)
		munmap(p, len);
}

int main(void)
{
	double w, n, n4, w1, w2, n1, n2, q10, q10k, own_anon, own_file;
	int fd;

	warm_guest_memory();
	/* Warm both paths: page tables, libntmm's device, the allocator. */
	cycle(&ntmm, 64 << 20, 1, 1);
	cycle(&native, 64 << 20, 1, 1);

	w = best(&ntmm, 64 << 20, 1, 1);
	n = best(&native, 64 << 20, 1, 1);
	n4 = best(&native_4k, 64 << 20, 1, 1);
	printf("(a) 64 MiB reserve+commit+touch+release: ntmm %.1f ms, mmap %.1f ms, ratio %.2f (goal <= 1.3)\n",
	       w * 1e3, n * 1e3, w / n);
	printf("    against mmap with 4 KiB pages (MADV_NOHUGEPAGE) %.1f ms: ratio %.2f\n",
	       n4 * 1e3, w / n4);
	small_pages_only(1);
	w = best(&ntmm, 64 << 20, 1, 1);
	small_pages_only(0);
	printf("    both with 4 KiB pages only (PR_SET_THP_DISABLE) ntmm %.1f ms: ratio %.2f\n",
	       w * 1e3, w / n4);
	phases(&ntmm, "ntmm", 64 << 20);
	phases(&native, "mmap", 64 << 20);
	phases(&native_4k, "mmap4k", 64 << 20);

	w = best(&ntmm, 64 << 10, 2000, 0);
	n = best(&native, 64 << 10, 2000, 0);
	printf("(b) 2000 x 64 KiB alloc+free: ntmm %.1f us/pair, mmap %.1f us/pair, ratio %.2f (goal <= 1.5)\n",
	       w / 2000 * 1e6, n / 2000 * 1e6, w / n);
	fd = open("/proc/self/exe", O_RDONLY);
	own_anon = own_vma_pairs(-1, 2000);
	own_file = fd >= 0 ? own_vma_pairs(fd, 2000) : -1;
	printf("    a VMA of its own costs Linux: anonymous %.1f us/pair (%.2f), shared file %.1f (%.2f)\n",
	       own_anon, own_anon / (n / 2000 * 1e6), own_file, own_file / (n / 2000 * 1e6));
	if (fd >= 0)
		close(fd);

	w = flips_ntmm(5000);
	n = flips_native(5000);
	printf("(c) 5000 RW<->RO flip pairs: ntmm %.1f us/pair, mprotect %.1f us/pair, ratio %.2f (goal <= 1.5)\n",
	       w / 5000 * 1e6, n / 5000 * 1e6, w / n);

	q10 = query_rate(10, 20000);
	q10k = query_rate(10000, 20000);
	printf("(d) VirtualQuery: %.0f/s with 10 allocations, %.0f/s with 10000, ratio %.2f (goal >= 0.5)\n",
	       q10, q10k, q10k / q10);

	w1 = best_scale(&ntmm, 4000, 1);
	w2 = best_scale(&ntmm, 4000, 2);
	n1 = best_scale(&native, 4000, 1);
	n2 = best_scale(&native, 4000, 2);
	printf("(e) 4000 x 256 KiB alloc+touch+free: ntmm 1 thread %.2f s, 2 threads %.2f s, speedup %.2f; "
	       "mmap %.2f s / %.2f s, speedup %.2f\n", w1, w2, w1 / w2, n1, n2, n1 / n2);
	bench_large_numa();
	return 0;
}
