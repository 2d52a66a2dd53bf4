// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: ntmm's virtual memory against native Linux, in one VM run.
 *
 *  (a) reserve+commit, touch every page, release 64 MiB  vs  mmap+touch+munmap
 *  (b) VirtualAlloc(64 KiB)+VirtualFree pairs             vs  mmap+munmap pairs
 *      (and, for reference, a mapping with a VMA of its own, which cannot merge)
 *  (c) VirtualProtect RW<->RO flips on a touched page     vs  mprotect flips
 *  (d) VirtualQuery rate with 10,000 live allocations     vs  with 10
 *  (b2) reserve+release of 64 GiB                        vs  mmap(PROT_NONE, MAP_NORESERVE)+munmap
 *  (e) 4000 cycles of alloc+touch+free of 256 KiB from one thread vs two:
 *      the speedup, beside native mmap's (`vm_bench e4`, in a VM with 4 CPUs:
 *      one, two and four threads, and nothing else)
 *  (f) 1 GiB commit+touch with large pages vs 4 KiB pages: faults and time
 *  (g) share of frames on the preferred node (VirtualAllocExNuma)
 *  (h) a pointer chase over 512 MiB with both page sizes (TCG models no
 *      TLB, so this shows page-walk savings only as far as QEMU's softmmu does)
 *  (i) O_DIRECT read of a 64 MiB file (on vm-run --disk's /mnt) into
 *      VirtualAlloc memory                                vs  into malloc memory
 *  (j) write watch: one byte written in each page of 16 MiB, then
 *      GetWriteWatch(WRITE_WATCH_FLAG_RESET)              vs  the same writes to plain memory
 *
 * Each figure is the best of several runs (TCG timing is noisy). Ratios are
 * ntmm time / native time, except (d) (rate ratio), (e) (speedups) and (i)
 * (throughput ratio).
 */
#define _GNU_SOURCE
#include <psapi.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <stdlib.h>
#include <fcntl.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>
#include <windows.h>
#include "seconds.h"

#define PAGE	4096UL
#define REPS	5

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
	pthread_t t[4];
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

/* (b2): reserve+release pairs of 64 GiB, microseconds a pair (best of REPS). */
static double huge_reserve_pairs(int use_ntmm, int n)
{
	size_t len = 64UL << 30;
	double b = 1e9, t;
	int r, i;

	for (r = 0; r < REPS; r++) {
		t = now();
		for (i = 0; i < n; i++) {
			void *p;

			if (use_ntmm) {
				p = VirtualAlloc(NULL, len, MEM_RESERVE, PAGE_READWRITE);
				if (!p)
					return -1;
				VirtualFree(p, 0, MEM_RELEASE);
			} else {
				p = mmap(NULL, len, PROT_NONE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
				if (p == MAP_FAILED)
					return -1;
				munmap(p, len);
			}
		}
		t = now() - t;
		b = t < b ? t : b;
	}
	return b / n * 1e6;
}

#define DIO_LEN		(64UL << 20)
#define DIO_FILE	"/mnt/vm_bench.dat"

/* (i): MiB/s of O_DIRECT reads of the 64 MiB file into @buf, 1 MiB a read (best of REPS). */
static double dio_read_rate(char *buf, int *err)
{
	double b = 1e9, t;
	int r, fd = open(DIO_FILE, O_RDONLY | O_DIRECT);
	size_t off;

	*err = 0;
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	for (r = 0; r < REPS; r++) {
		t = now();
		for (off = 0; off < DIO_LEN; off += 1 << 20)
			if (pread(fd, buf + off, 1 << 20, off) != 1 << 20) {
				*err = errno ? errno : EIO;
				close(fd);
				return -1;
			}
		t = now() - t;
		b = t < b ? t : b;
	}
	close(fd);
	return (DIO_LEN >> 20) / b;
}

static void bench_o_direct(void)
{
	char *w, *m = NULL, *chunk;
	double rw, rm;
	int fd, ew, em;
	size_t off;

	fd = open(DIO_FILE, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	chunk = malloc(1 << 20);
	if (fd < 0 || !chunk) {
		printf("(i) O_DIRECT read of 64 MiB: skipped, no file system at /mnt (vm-run --disk)\n");
		free(chunk);
		return;
	}
	memset(chunk, 0x5a, 1 << 20);
	for (off = 0; off < DIO_LEN; off += 1 << 20)
		if (write(fd, chunk, 1 << 20) != 1 << 20)
			break;
	fsync(fd);
	close(fd);
	free(chunk);
	w = ntmm_alloc(DIO_LEN);
	if (posix_memalign((void **)&m, PAGE, DIO_LEN))
		m = NULL;
	if (!w || !m) {
		printf("(i) O_DIRECT read of 64 MiB: buffers failed\n");
		return;
	}
	/* Both buffers touched before timing. */
	touch(w, DIO_LEN);
	touch(m, DIO_LEN);
	rw = dio_read_rate(w, &ew);
	rm = dio_read_rate(m, &em);
	if (rw < 0 || rm < 0)
		printf("(i) O_DIRECT read of 64 MiB: into VirtualAlloc memory %s%s, into malloc memory "
		       "%.0f MiB/s (goal: ratio >= 0.9)\n", rw < 0 ? "failed: " : "",
		       rw < 0 ? strerror(ew) : "", rm);
	else
		printf("(i) O_DIRECT read of 64 MiB: into VirtualAlloc memory %.0f MiB/s, into malloc "
		       "memory %.0f MiB/s, ratio %.2f (goal >= 0.9)\n", rw, rm, rw / rm);
	ntmm_free(w, DIO_LEN);
	free(m);
	unlink(DIO_FILE);
}

#define WW_LEN		(16UL << 20)
#define WW_ROUNDS	10

/*
 * (j)'s reference: the same writes tracked by Linux itself, with soft-dirty
 * bits (what CRIU uses): write a byte per page, read which pages are dirty
 * from /proc/self/pagemap, clear them with /proc/self/clear_refs. Seconds a
 * round, best of REPS x WW_ROUNDS; -1 where the kernel lacks it.
 */
static double soft_dirty_round(char *p, size_t len)
{
	size_t pages = len / PAGE, i, dirty;
	uint64_t *map = malloc(pages * sizeof(*map));
	int pm = open("/proc/self/pagemap", O_RDONLY), cr = open("/proc/self/clear_refs", O_WRONLY);
	double b = 1e9, t;
	int r, k;

	if (!map || pm < 0 || cr < 0 || write(cr, "4", 1) != 1)
		goto fail;
	for (r = 0; r < REPS; r++) {
		t = now();
		for (k = 0; k < WW_ROUNDS; k++) {
			for (i = 0; i < len; i += PAGE)
				((volatile char *)p)[i] = (char)k;
			if (pread(pm, map, pages * sizeof(*map),
				  (uintptr_t)p / PAGE * sizeof(*map)) != (ssize_t)(pages * sizeof(*map)))
				goto fail;
			for (i = 0, dirty = 0; i < pages; i++)
				dirty += map[i] >> 55 & 1;
			if (dirty != pages || write(cr, "4", 1) != 1)
				goto fail;
		}
		t = (now() - t) / WW_ROUNDS;
		b = t < b ? t : b;
	}
	close(pm);
	close(cr);
	free(map);
	return b;
fail:
	if (pm >= 0)
		close(pm);
	if (cr >= 0)
		close(cr);
	free(map);
	return -1;
}

/* (j): write one byte in each page of 16 MiB, then GetWriteWatch with reset. */
static void bench_write_watch(void)
{
	size_t pages = WW_LEN / PAGE, i;
	void **addrs = malloc(pages * sizeof(*addrs));
	double bw = 1e9, bn = 1e9, t;
	ULONG_PTR count;
	DWORD gran;
	int r, k, wrong = 0;
	char *w = VirtualAlloc(NULL, WW_LEN, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH,
			       PAGE_READWRITE);
	char *n = native_alloc_4k(WW_LEN);

	if (!w || n == MAP_FAILED || !addrs) {
		printf("(j) write watch: allocation failed\n");
		return;
	}
	/* Pages touched before timing, on both sides. */
	touch(w, WW_LEN);
	touch(n, WW_LEN);
	count = pages;
	GetWriteWatch(WRITE_WATCH_FLAG_RESET, w, WW_LEN, addrs, &count, &gran);
	for (r = 0; r < REPS; r++) {
		t = now();
		for (k = 0; k < WW_ROUNDS; k++) {
			for (i = 0; i < WW_LEN; i += PAGE)
				((volatile char *)w)[i] = (char)k;
			count = pages;
			if (GetWriteWatch(WRITE_WATCH_FLAG_RESET, w, WW_LEN, addrs, &count, &gran) ||
			    count != pages)
				wrong++;
		}
		t = now() - t;
		bw = t < bw ? t : bw;
		t = now();
		for (k = 0; k < WW_ROUNDS; k++)
			for (i = 0; i < WW_LEN; i += PAGE)
				((volatile char *)n)[i] = (char)k;
		t = now() - t;
		bn = t < bn ? t : bn;
	}
	printf("(j) write watch, 16 MiB, a byte per page then GetWriteWatch(RESET): ntmm %.2f ms a "
	       "round, plain writes %.2f ms, ratio %.1f (goal <= 2.0)%s\n", bw / WW_ROUNDS * 1e3,
	       bn / WW_ROUNDS * 1e3, bw / bn, wrong ? " (GetWriteWatch missed pages!)" : "");
	t = soft_dirty_round(n, WW_LEN);
	if (t > 0)
		printf("    Linux's own write tracking (soft-dirty: the writes, clear_refs 4, pagemap read) "
		       "%.2f ms a round, ratio %.1f\n", t * 1e3, t / (bn / WW_ROUNDS));
	VirtualFree(w, 0, MEM_RELEASE);
	native_free(n, WW_LEN);
	free(addrs);
}

/* `vm_bench e4`: (e) with one, two and four threads, in a VM with 4 CPUs. */
static int bench_scaling4(void)
{
	double w1, w2, w4, n1, n2, n4;

	warm_guest_memory();
	cycle(&ntmm, 256 << 10, 100, 1);
	w1 = best_scale(&ntmm, 4000, 1);
	w2 = best_scale(&ntmm, 4000, 2);
	w4 = best_scale(&ntmm, 4000, 4);
	n1 = best_scale(&native, 4000, 1);
	n2 = best_scale(&native, 4000, 2);
	n4 = best_scale(&native, 4000, 4);
	printf("(e) %ld CPUs, 4000 x 256 KiB alloc+touch+free: ntmm 1 thread %.2f s, 2 threads %.2f s "
	       "(%.2f), 4 threads %.2f s (%.2f); mmap %.2f / %.2f (%.2f) / %.2f s (%.2f)\n",
	       sysconf(_SC_NPROCESSORS_ONLN), w1, w2, w1 / w2, w4, w1 / w4, n1, n2, n1 / n2, n4,
	       n1 / n4);
	return 0;
}

static void bench_a(void)
{
	double w = best(&ntmm, 64 << 20, 1, 1), n, n4;

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
}

static void bench_b(void)
{
	double w = best(&ntmm, 64 << 10, 2000, 0), n, own_anon, own_file;
	int fd;

	n = best(&native, 64 << 10, 2000, 0);
	printf("(b) 2000 x 64 KiB alloc+free: ntmm %.1f us/pair, mmap %.1f us/pair, ratio %.2f (goal <= 1.0)\n",
	       w / 2000 * 1e6, n / 2000 * 1e6, w / n);
	fd = open("/proc/self/exe", O_RDONLY);
	own_anon = own_vma_pairs(-1, 2000);
	own_file = fd >= 0 ? own_vma_pairs(fd, 2000) : -1;
	printf("    a VMA of its own costs Linux: anonymous %.1f us/pair (%.2f), shared file %.1f (%.2f)\n",
	       own_anon, own_anon / (n / 2000 * 1e6), own_file, own_file / (n / 2000 * 1e6));
	if (fd >= 0)
		close(fd);
}

static void bench_b2(void)
{
	double w = huge_reserve_pairs(1, 200), n = huge_reserve_pairs(0, 200);

	printf("(b2) 200 x reserve+release of 64 GiB: ntmm %.1f us/pair, mmap(PROT_NONE, "
	       "MAP_NORESERVE)+munmap %.1f us/pair, ratio %.2f (goal <= 1.0)\n", w, n, w / n);
}

static void bench_c(void)
{
	double w = flips_ntmm(5000), n = flips_native(5000);

	printf("(c) 5000 RW<->RO flip pairs: ntmm %.1f us/pair, mprotect %.1f us/pair, ratio %.2f (goal <= 1.2)\n",
	       w / 5000 * 1e6, n / 5000 * 1e6, w / n);
}

static void bench_d(void)
{
	double q10 = query_rate(10, 20000), q10k = query_rate(10000, 20000);

	printf("(d) VirtualQuery: %.0f/s with 10 allocations, %.0f/s with 10000, ratio %.2f (goal >= 0.8)\n",
	       q10, q10k, q10k / q10);
}

static void bench_e(void)
{
	double w1 = best_scale(&ntmm, 4000, 1), w2 = best_scale(&ntmm, 4000, 2), n1, n2;

	n1 = best_scale(&native, 4000, 1);
	n2 = best_scale(&native, 4000, 2);
	printf("(e) 4000 x 256 KiB alloc+touch+free: ntmm 1 thread %.2f s, 2 threads %.2f s, speedup %.2f "
	       "(goal >= 1.6); mmap %.2f s / %.2f s, speedup %.2f\n", w1, w2, w1 / w2, n1, n2, n1 / n2);
}

static const char *only;

/* Is row @name to run? All are, unless one was named (`vm_bench b2`, for perf). */
static int row(const char *name)
{
	return !only || !strcmp(only, name);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "e4"))
		return bench_scaling4();
	only = argc > 1 ? argv[1] : NULL;
	/* A row named alone is for a profile: only (f) needs the guest's memory backed first. */
	if (row("f"))
		warm_guest_memory();
	/* Warm both paths: page tables, libntmm's device, the allocator. */
	cycle(&ntmm, 64 << 20, 1, 1);
	cycle(&native, 64 << 20, 1, 1);

	if (row("a"))
		bench_a();
	if (row("b"))
		bench_b();
	if (row("b2"))
		bench_b2();
	if (row("c"))
		bench_c();
	if (row("d"))
		bench_d();
	if (row("e"))
		bench_e();
	if (row("f"))
		bench_large_numa();
	if (row("i"))
		bench_o_direct();
	if (row("j"))
		bench_write_watch();
	return 0;
}
