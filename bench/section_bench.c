// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: sections and views against native Linux, in one VM run.
 *
 *  (s1) MapViewOfFile+UnmapViewOfFile of a 64 KiB view of a pagefile section
 *       vs  mmap(MAP_SHARED) of a memfd + munmap
 *  (s2) first touch (a write per page) of a 64 MiB view of a fresh pagefile
 *       section  vs  the same on a fresh memfd's mapping
 *  (s3) sequential read of a 256 MiB file through a view  vs  through
 *       mmap of the same file, page cache warm
 *  (s4) two processes ping-ponging a counter through a view  vs  through a
 *       memfd mapping
 *
 * Each figure is the best of REPS runs (TCG timing is noisy). Ratios are
 * ntmm time / native time, except (s3) and (s4): rate ratios.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <libntmm.h>
#include <linux/ntmm.h>
#include <windows.h>
#include "seconds.h"

#define PAGE		4096UL
#define REPS		5
#define VIEW		(64UL << 10)
#define TOUCH		(64UL << 20)
#define READ_LEN	(256UL << 20)
#define PINGS		200000

static HANDLE section(SIZE_T size)
{
	return CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, (DWORD)(size >> 32),
				  (DWORD)size, NULL);
}

static int memfd(size_t size)
{
	int fd = memfd_create("section_bench", 0);

	if (fd >= 0 && ftruncate(fd, size)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* (s1): seconds for @n map+unmap pairs, ntmm or native. */
static double map_pairs(int use_ntmm, int n)
{
	HANDLE h = use_ntmm ? section(VIEW) : NULL;
	int fd = use_ntmm ? -1 : memfd(VIEW), i;
	double t;
	void *p;

	if (use_ntmm ? !h : fd < 0)
		return -1;
	t = now();
	for (i = 0; i < n; i++) {
		if (use_ntmm) {
			p = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
			UnmapViewOfFile(p);
		} else {
			p = mmap(NULL, VIEW, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			munmap(p, VIEW);
		}
	}
	t = now() - t;
	if (use_ntmm)
		CloseHandle(h);
	else
		close(fd);
	return t;
}

/* (s2): seconds to write a byte in each page of a fresh 64 MiB view or mapping. */
static double first_touch(int use_ntmm)
{
	HANDLE h = use_ntmm ? section(TOUCH) : NULL;
	int fd = use_ntmm ? -1 : memfd(TOUCH);
	volatile char *p;
	double t;
	size_t i;

	if (use_ntmm)
		p = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	else
		p = fd >= 0 ? mmap(NULL, TOUCH, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : NULL;
	if (!p || p == MAP_FAILED)
		return -1;
	t = now();
	for (i = 0; i < TOUCH; i += PAGE)
		p[i] = 1;
	t = now() - t;
	if (use_ntmm) {
		UnmapViewOfFile((void *)p);
		CloseHandle(h);
	} else {
		munmap((void *)p, TOUCH);
		close(fd);
	}
	return t;
}

/* (s3): MiB/s reading every word of the file through a fresh view or mapping. */
static double read_rate(int fd, int use_ntmm)
{
	HANDLE h = use_ntmm ? CreateFileMappingA(NtmmHandleFromFd(fd), NULL, PAGE_READONLY, 0, 0,
						 NULL) : NULL;
	const uint64_t *p;
	uint64_t sum = 0;
	double t;
	size_t i;

	if (use_ntmm)
		p = h ? MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0) : NULL;
	else
		p = mmap(NULL, READ_LEN, PROT_READ, MAP_SHARED, fd, 0);
	if (!p || p == MAP_FAILED)
		return -1;
	t = now();
	for (i = 0; i < READ_LEN / sizeof(*p); i += 8)
		sum += p[i];
	t = now() - t;
	if (sum == 42)
		printf("#\n");	/* keeps the loop */
	if (use_ntmm) {
		UnmapViewOfFile(p);
		CloseHandle(h);
	} else {
		munmap((void *)p, READ_LEN);
	}
	return (READ_LEN >> 20) / t;
}

/*
 * (s4): round trips a second between two processes sharing @p's counter:
 * the child maps @section anew (views, as on Windows, do not cross fork),
 * or keeps the memfd mapping fork gave it.
 */
static double ping_pong(volatile uint64_t *p, HANDLE section)
{
	unsigned long spins = 0;
	pid_t pid;
	double t;
	uint64_t i;

	*p = 0;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		if (section)
			p = MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, 0);
		if (!p)
			_exit(1);
		for (i = 1; i < 2 * PINGS; i += 2) {
			while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != i)
				;
			__atomic_store_n(p, i + 1, __ATOMIC_RELEASE);
		}
		_exit(0);
	}
	/* The clock starts at the child's first answer: after its own setup. */
	t = 0;
	for (i = 0; i <= 2 * PINGS; i += 2) {
		if (i == 2)
			t = now();
		while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != i)
			if (!(++spins & 0xfffff) && waitpid(pid, NULL, WNOHANG) == pid)
				return -1;	/* the child died: no partner */
		if (i < 2 * PINGS)
			__atomic_store_n(p, i + 1, __ATOMIC_RELEASE);
	}
	t = now() - t;
	waitpid(pid, NULL, 0);
	return (PINGS - 1) / t;
}

static double best_of(double (*fn)(int), int arg, int higher)
{
	double b = higher ? 0 : 1e9, t;
	int r;

	for (r = 0; r < REPS; r++) {
		t = fn(arg);
		if (t >= 0 && (higher ? t > b : t < b))
			b = t;
	}
	return b;
}

static double pairs_ntmm(int n)
{
	return map_pairs(1, n);
}

static double pairs_native(int n)
{
	return map_pairs(0, n);
}

/*
 * (s1)'s floor: a view is an mmap and a munmap of the section's file made by
 * the module, each behind an ioctl: the native pair plus two of the
 * cheapest ioctls (NTMM_IOC_VERSION) is what no view can beat.
 */
static double pairs_floor(int n)
{
	struct ntmm_version v = { .size = sizeof(v) };
	int fd = memfd(VIEW), dev = open(NTMM_DEVICE_PATH, O_RDWR | O_CLOEXEC), i;
	double t = -1;
	void *p;

	if (fd >= 0 && dev >= 0) {
		t = now();
		for (i = 0; i < n; i++) {
			ioctl(dev, NTMM_IOC_VERSION, &v);
			p = mmap(NULL, VIEW, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			ioctl(dev, NTMM_IOC_VERSION, &v);
			munmap(p, VIEW);
		}
		t = now() - t;
	}
	if (fd >= 0)
		close(fd);
	if (dev >= 0)
		close(dev);
	return t;
}

static void bench_s1(void)
{
	double w = best_of(pairs_ntmm, 2000, 0), n = best_of(pairs_native, 2000, 0);
	double f = best_of(pairs_floor, 2000, 0);

	printf("(s1) 2000 x 64 KiB view map+unmap: ntmm %.1f us/pair, memfd mmap+munmap %.1f "
	       "us/pair, ratio %.2f (goal <= 1.0); floor (the pair + 2 ioctls) %.1f us, %.2f\n",
	       w / 2000 * 1e6, n / 2000 * 1e6, w / n, f / 2000 * 1e6, f / n);
}

static void bench_s2(void)
{
	double w = best_of(first_touch, 1, 0), n = best_of(first_touch, 0, 0);

	printf("(s2) first touch of a 64 MiB view: ntmm %.1f ms, memfd %.1f ms, ratio %.2f "
	       "(goal <= 1.1)\n", w * 1e3, n * 1e3, w / n);
}

/* The file (s3) reads: on vm-run --disk's /mnt if there is one. */
static int read_file(char *path, size_t len)
{
	char *chunk = malloc(1 << 20);
	size_t off;
	int fd;

	snprintf(path, len, "%s/section_bench.dat", access("/mnt", W_OK) ? "/tmp" : "/mnt");
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (fd < 0 || !chunk) {
		free(chunk);
		return -1;
	}
	memset(chunk, 0x5a, 1 << 20);
	for (off = 0; off < READ_LEN; off += 1 << 20)
		if (write(fd, chunk, 1 << 20) != 1 << 20)
			break;
	free(chunk);
	return fd;
}

static int s3_fd;

static double read_ntmm(int unused)
{
	(void)unused;
	return read_rate(s3_fd, 1);
}

static double read_native(int unused)
{
	(void)unused;
	return read_rate(s3_fd, 0);
}

static void bench_s3(void)
{
	char path[64];
	double w, n;

	s3_fd = read_file(path, sizeof(path));
	if (s3_fd < 0) {
		printf("(s3) sequential read of 256 MiB: no file\n");
		return;
	}
	read_native(0);	/* the page cache warm */
	w = best_of(read_ntmm, 0, 1);
	n = best_of(read_native, 0, 1);
	printf("(s3) sequential read of a 256 MiB file (%s): view %.0f MiB/s, mmap %.0f MiB/s, "
	       "ratio %.2f (goal >= 0.9)\n", path, w, n, w / n);
	close(s3_fd);
	unlink(path);
}

static void bench_s4(void)
{
	HANDLE h = section(PAGE);
	int fd = memfd(PAGE);
	void *v = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	void *m = fd >= 0 ? mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : NULL;
	double w = 0, n = 0, n2 = 0, t;
	int r;

	if (!v || !m || m == MAP_FAILED) {
		printf("(s4) ping-pong: setup failed\n");
		return;
	}
	/* The memfd twice: how far the same code moves between rounds under TCG. */
	for (r = 0; r < REPS; r++) {
		t = ping_pong(v, h);
		w = t > w ? t : w;
		t = ping_pong(m, NULL);
		n = t > n ? t : n;
		t = ping_pong(m, NULL);
		n2 = t > n2 ? t : n2;
	}
	printf("(s4) two processes ping-ponging a counter: view %.0f round trips/s, memfd %.0f/s, "
	       "ratio %.2f (goal >= 0.9); memfd against itself %.2f\n", w, n, w / n, n2 / n);
	UnmapViewOfFile(v);
	CloseHandle(h);
	munmap(m, PAGE);
	close(fd);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;

	/* Warm both paths. */
	map_pairs(1, 10);
	map_pairs(0, 10);
	if (!only || !strcmp(only, "s1"))
		bench_s1();
	if (!only || !strcmp(only, "s2"))
		bench_s2();
	if (!only || !strcmp(only, "s3"))
		bench_s3();
	if (!only || !strcmp(only, "s4"))
		bench_s4();
	return 0;
}
