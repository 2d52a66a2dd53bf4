// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: libntmm's heaps against glibc's malloc and mimalloc, in one VM
 * run (the three timed in turn, best of 5):
 *
 *  (a) one thread, 10^6 free+alloc pairs of random sizes 16 B - 1 KiB with
 *      10^4 blocks live: HeapAlloc/HeapFree vs malloc/free vs mi_malloc/mi_free
 *  (b) the same work split over 2 threads: throughput over 1 thread
 *  (c) memory for (a): the heap's peak commit charge vs glibc's peak RSS
 *  (d) 1 MiB HeapAlloc+HeapFree pairs (the VirtualAlloc path) vs glibc
 *      malloc+free of 1 MiB (its mmap path), and the floor under the first:
 *      VirtualAlloc+VirtualFree of the same size alone
 *
 * mimalloc is Debian's libmimalloc.so.2, opened with RTLD_LOCAL so that it
 * takes over neither malloc nor __libc_malloc (as it would linked in); the
 * program is linked dynamically, and vm-run carries its libraries and that
 * one (--with) into the guest.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <windows.h>
#include "seconds.h"

#define OPS	1000000
#define LIVE	10000
#define REPS	5

static void *(*mi_malloc)(size_t size);
static void (*mi_free)(void *p);

struct allocator {
	const char *name;
	void *(*alloc)(void *ctx, size_t n);
	void (*free)(void *ctx, void *p);
	void *ctx;
};

static void *heap_alloc(void *ctx, size_t n)
{
	return HeapAlloc(ctx, 0, n);
}

static void heap_free(void *ctx, void *p)
{
	HeapFree(ctx, 0, p);
}

static void *glibc_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return malloc(n);
}

static void glibc_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static void *mi_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return mi_malloc(n);
}

static void mi_release(void *ctx, void *p)
{
	(void)ctx;
	mi_free(p);
}

static unsigned int sizes[OPS + LIVE], slots[OPS];

/* The work of one thread: @live blocks, then @ops frees+allocs; @probe every 4096. */
struct work {
	const struct allocator *a;
	unsigned int live, ops, first;
	void (*probe)(void);
	double seconds;
};

static void *run(void *arg)
{
	struct work *w = arg;
	void **live = calloc(w->live, sizeof(*live));
	double start;
	unsigned int i;

	for (i = 0; i < w->live; i++) {
		live[i] = w->a->alloc(w->a->ctx, sizes[w->first + i]);
		*(char *)live[i] = 1;
	}
	start = now();
	for (i = 0; i < w->ops; i++) {
		unsigned int k = slots[w->first + i] % w->live;

		w->a->free(w->a->ctx, live[k]);
		live[k] = w->a->alloc(w->a->ctx, sizes[LIVE + w->first + i]);
		*(char *)live[k] = 1;
		if (w->probe && !(i & 4095))
			w->probe();
	}
	w->seconds = now() - start;
	for (i = 0; i < w->live; i++)
		w->a->free(w->a->ctx, live[i]);
	free(live);
	return NULL;
}

/* Seconds of the free+alloc loop over @threads threads (the slowest one's). */
static double work(const struct allocator *a, int threads)
{
	struct work w[2];
	pthread_t t[2];
	double slowest = 0;
	int i;

	for (i = 0; i < threads; i++) {
		w[i] = (struct work){ a, LIVE / threads, OPS / threads,
				      (unsigned int)i * (OPS / 2), NULL, 0 };
		pthread_create(&t[i], NULL, run, &w[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		slowest = w[i].seconds > slowest ? w[i].seconds : slowest;
	}
	return slowest;
}

/*
 * Best of REPS for each allocator and 1 and 2 threads, the runs interleaved
 * so that a busy host slows them all alike.
 */
static void best(const struct allocator *a[3], double one[3], double two[3])
{
	double t;
	int r, i;

	for (i = 0; i < 3; i++)
		one[i] = two[i] = 1e9;
	for (r = 0; r < REPS; r++) {
		for (i = 0; i < 3; i++) {
			t = work(a[i], 1);
			one[i] = t < one[i] ? t : one[i];
			t = work(a[i], 2);
			two[i] = t < two[i] ? t : two[i];
		}
	}
}

/* --- memory ---------------------------------------------------------------------------- */

static ULONGLONG commit_base, commit_peak;

static ULONGLONG commit_charge(void)
{
	MEMORYSTATUSEX ms = { .dwLength = sizeof(ms) };

	GlobalMemoryStatusEx(&ms);
	return ms.ullTotalPageFile - ms.ullAvailPageFile;
}

static void commit_probe(void)
{
	ULONGLONG c = commit_charge();

	if (c > commit_peak)
		commit_peak = c;
}

static long status_kb(const char *field)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			kb = atol(line + strlen(field));
	if (f)
		fclose(f);
	return kb;
}

/* glibc's peak RSS growth for (a), in a child of its own (bytes). */
static long glibc_peak_rss(const struct allocator *a)
{
	int fd[2], status;
	long bytes = -1;
	pid_t pid;

	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct work w = { a, LIVE, OPS, 0, NULL, 0 };
		long before = status_kb("VmRSS:"), peak;

		run(&w);
		peak = (status_kb("VmHWM:") - before) * 1024;
		if (write(fd[1], &peak, sizeof(peak)) != sizeof(peak))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], &bytes, sizeof(bytes)) != sizeof(bytes))
		bytes = -1;
	close(fd[0]);
	waitpid(pid, &status, 0);
	return bytes;
}

/* --- 1 MiB ---------------------------------------------------------------------------------- */

/* Alloc+free pairs of 1 MiB, best of REPS: us a pair. */
static double pairs_1m(int which, int n)
{
	double b = 1e9;
	int r, i;

	for (r = 0; r < REPS; r++) {
		double start = now(), t;

		for (i = 0; i < n; i++) {
			void *p;

			if (which == 0) {
				p = HeapAlloc(GetProcessHeap(), 0, 1 << 20);
				HeapFree(GetProcessHeap(), 0, p);
			} else if (which == 1) {
				p = malloc(1 << 20);
				/* the compiler may drop a malloc+free pair nothing uses */
				__asm__ volatile("" : : "r"(p) : "memory");
				free(p);
			} else {
				p = VirtualAlloc(NULL, 1 << 20, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
				VirtualFree(p, 0, MEM_RELEASE);
			}
		}
		t = (now() - start) / n;
		b = t < b ? t : b;
	}
	return b * 1e6;
}

int main(void)
{
	struct allocator heap = { "HeapAlloc", heap_alloc, heap_free, NULL };
	struct allocator glibc = { "glibc", glibc_alloc, glibc_free, NULL };
	struct allocator mim = { "mimalloc", mi_alloc, mi_release, NULL };
	const struct allocator *all[3] = { &heap, &glibc, &mim };
	double one[3], two[3], h1m, g1m, v1m;
	struct work w = { &heap, LIVE, OPS, 0, commit_probe, 0 };
	long rss;
	unsigned int i, seed = 42;
	void *mi;

	mi = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);
	if (!mi)
		mi = dlopen("/bin/libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);
	if (mi) {
		mi_malloc = (void *(*)(size_t))dlsym(mi, "mi_malloc");
		mi_free = (void (*)(void *))dlsym(mi, "mi_free");
	}
	if (!mi_malloc || !mi_free) {
		printf("libmimalloc.so.2 cannot be opened: %s\n", dlerror());
		return 1;
	}
	for (i = 0; i < OPS + LIVE; i++)
		sizes[i] = 16 + (unsigned int)rand_r(&seed) % (1024 - 16 + 1);
	for (i = 0; i < OPS; i++)
		slots[i] = (unsigned int)rand_r(&seed);

	/* (c) first, on a heap of its own, before anything else grows the commit charge */
	commit_base = commit_peak = commit_charge();
	heap.ctx = HeapCreate(0, 0, 0);
	run(&w);
	HeapDestroy(heap.ctx);
	rss = glibc_peak_rss(&glibc);

	heap.ctx = HeapCreate(0, 0, 0);
	best(all, one, two);
	printf("(a) 10^6 free+alloc pairs, 16 B - 1 KiB, 10^4 live: HeapAlloc %.1f ns, glibc %.1f ns, "
	       "mimalloc %.1f ns a pair; vs glibc %.2f (goal <= 1.0), vs mimalloc %.2f (goal <= 1.3)\n",
	       one[0] / OPS * 1e9, one[1] / OPS * 1e9, one[2] / OPS * 1e9, one[0] / one[1],
	       one[0] / one[2]);
	printf("(b) the same over 2 threads: speedup HeapAlloc %.2f (goal >= 1.7), glibc %.2f, "
	       "mimalloc %.2f\n", one[0] / two[0], one[1] / two[1], one[2] / two[2]);
	HeapDestroy(heap.ctx);
	printf("(c) memory for (a): heap peak commit %.1f MiB, glibc peak RSS %.1f MiB: ratio %.2f "
	       "(goal <= 1.2)\n", (commit_peak - commit_base) / 1048576.0, rss / 1048576.0,
	       (double)(commit_peak - commit_base) / (double)rss);

	mallopt(M_MMAP_THRESHOLD, 128 * 1024);	/* glibc's mmap path for 1 MiB, every time */
	h1m = pairs_1m(0, 2000);
	g1m = pairs_1m(1, 2000);
	v1m = pairs_1m(2, 2000);
	printf("(d) 1 MiB alloc+free pairs: HeapAlloc %.1f us, glibc (mmap) %.1f us: ratio %.2f "
	       "(goal <= 1.2); floor VirtualAlloc+VirtualFree alone %.1f us (%.2f)\n",
	       h1m, g1m, h1m / g1m, v1m, v1m / g1m);
	return 0;
}
