// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: calls on another process against their native or local
 * equivalents, in one VM run.
 *
 *  (p1) ReadProcessMemory of 1 MiB of a child's committed memory
 *       vs  process_vm_readv of the same 1 MiB: the fastest of READS
 *       single reads of each, side by side
 *  (p2) VirtualAllocEx+VirtualFreeEx of 64 KiB in a child
 *       vs  VirtualAlloc+VirtualFree of 64 KiB in the caller
 *  (p3) VirtualQueryEx of a child vs VirtualQuery: a query runs in the
 *       worker that takes the child's address space (vm/mm_run.c), and
 *       pays the hand-off
 *
 * The other figures are the best of REPS runs, the two sides of a ratio taken in
 * turn, in alternating order (TCG timing is noisy); ratios are the remote
 * call's time / the other's.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>
#include "seconds.h"

#define REPS		7
#define READ_LEN	(1UL << 20)
#define READS		200
#define GRAN		(64UL << 10)
#define PAIRS		2000

static pid_t child;
static HANDLE target;
static char *remote_buf;
static char local_buf[READ_LEN];

/*
 * One read of READ_LEN by each, READS times in turn, alternating which
 * goes first: the fastest of each in *@ta and *@tb. Single reads side by
 * side see the same moments of a noisy host.
 */
static void reads(double *ta, double *tb)
{
	struct iovec local = { local_buf, READ_LEN }, remote = { remote_buf, READ_LEN };
	double t;
	SIZE_T n;
	int i, j;

	*ta = *tb = 1e30;
	for (i = 0; i < READS; i++) {
		for (j = 0; j < 2; j++) {
			t = now();
			if ((i + j) & 1) {
				if (process_vm_readv(child, &local, 1, &remote, 1, 0) != (ssize_t)READ_LEN)
					abort();
				t = now() - t;
				*tb = t < *tb ? t : *tb;
			} else {
				if (!ReadProcessMemory(target, remote_buf, local_buf, READ_LEN, &n))
					abort();
				t = now() - t;
				*ta = t < *ta ? t : *ta;
			}
		}
	}
}

static double pairs(HANDLE process)
{
	double t = now();
	void *p;
	int i;

	for (i = 0; i < PAIRS; i++) {
		p = VirtualAllocEx(process, NULL, GRAN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		if (!p || !VirtualFreeEx(process, p, 0, MEM_RELEASE))
			abort();
	}
	return (now() - t) / PAIRS;
}

static double pairs_remote(void)
{
	return pairs(target);
}

static double pairs_local(void)
{
	return pairs(GetCurrentProcess());
}

static double queries(HANDLE process)
{
	MEMORY_BASIC_INFORMATION mbi;
	double t = now();
	int i;

	for (i = 0; i < PAIRS; i++)
		if (!VirtualQueryEx(process, remote_buf, &mbi, sizeof(mbi)))
			abort();
	return (now() - t) / PAIRS;
}

static double queries_remote(void)
{
	return queries(target);
}

static double queries_local(void)
{
	return queries(GetCurrentProcess());
}

/* Keep in *@best the lower of it and a run of @fn. */
static void run_best(double (*fn)(void), double *best)
{
	double t = fn();

	if (t < *best)
		*best = t;
}

/*
 * The best of REPS runs of each of @a and @b, taken in turn, and in either
 * order every other time, so neither always runs on the other's warm
 * caches: *@ta and *@tb.
 */
static void best_of(double (*a)(void), double (*b)(void), double *ta, double *tb)
{
	int i;

	*ta = *tb = 1e30;
	for (i = 0; i < REPS; i++) {
		if (i & 1) {
			run_best(b, tb);
			run_best(a, ta);
		} else {
			run_best(a, ta);
			run_best(b, tb);
		}
	}
}

int main(void)
{
	double a, b;
	SIZE_T n;

	child = fork();
	if (!child) {
		pause();
		_exit(0);
	}
	target = OpenProcess(PROCESS_ALL_ACCESS, FALSE, child);
	/* The same address is committed here too, for the local queries. */
	remote_buf = target ? VirtualAllocEx(target, NULL, READ_LEN, MEM_RESERVE | MEM_COMMIT,
					     PAGE_READWRITE) : NULL;
	if (!remote_buf || !VirtualAlloc(remote_buf, READ_LEN, MEM_RESERVE | MEM_COMMIT,
					 PAGE_READWRITE) ||
	    !WriteProcessMemory(target, remote_buf, local_buf, READ_LEN, &n)) {
		printf("process_bench: setup failed (error %u)\n", GetLastError());
		kill(child, SIGKILL);
		return 1;
	}
	reads(&a, &b);
	printf("(p1) 1 MiB read from a child: ReadProcessMemory %.1f us, process_vm_readv %.1f us, "
	       "ratio %.2f (goal <= 1.1)\n", a * 1e6, b * 1e6, a / b);
	best_of(pairs_remote, pairs_local, &a, &b);
	printf("(p2) 64 KiB VirtualAllocEx+VirtualFreeEx in a child %.1f us/pair, in the caller "
	       "%.1f us/pair, ratio %.2f (goal <= 1.5)\n", a * 1e6, b * 1e6, a / b);
	best_of(queries_remote, queries_local, &a, &b);
	printf("(p3) VirtualQueryEx of a child %.1f us, VirtualQuery %.1f us, ratio %.2f\n",
	       a * 1e6, b * 1e6, a / b);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
