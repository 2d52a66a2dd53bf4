// SPDX-License-Identifier: GPL-2.0
/*
 * Transparent large folios: on 6.12, with ntmm's transparent_large
 * parameter on (its default), the first touch of a 2 MiB block that one
 * ordinary allocation commits whole, alike, brings in one 2 MiB folio of
 * the address space file, which the kernel maps with one PMD. Everything
 * Windows lets a program do to single pages still works on such a block:
 * protect, decommit and reset one page, with the contents of the others
 * kept; the block is then mapped page by page. Elsewhere (6.1, the
 * parameter off, PR_SET_THP_DISABLE, write watch, guard pages, a page left
 * reserved) pages get 4 KiB folios one fault at a time.
 *
 * Last, four threads race on fresh blocks (see test_race()). The test turns
 * the parameter on for its run (and puts back what it found), so the debug
 * kernel's KASAN and lockdep see this path.
 */
#define _GNU_SOURCE
#include <psapi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <windows.h>

#include "linux_mm.h"
#include "probe.h"
#include "tap.h"
#include "ntmm_debugfs.h"

#define PAGE	0x1000UL
#define LARGE	0x200000UL
#define NR	(LARGE / PAGE)
#define PARAM	"/sys/module/ntmm/parameters/transparent_large"

static char param_before[8];

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* The parameter's value ("Y" or "N"), or "" if it cannot be read. */
static const char *param_get(void)
{
	static char value[8];
	FILE *f = fopen(PARAM, "r");

	value[0] = '\0';
	if (f) {
		if (!fgets(value, sizeof(value), f))
			value[0] = '\0';
		value[strcspn(value, "\n")] = '\0';
		fclose(f);
	}
	return value;
}

static void param_set(const char *value)
{
	FILE *f = fopen(PARAM, "w");

	if (f) {
		fputs(value, f);
		fclose(f);
	}
}

/* Does this kernel back a whole block with a 2 MiB folio now? 6.12+, parameter on. */
static int expect_transparent(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	return (major > 6 || (major == 6 && minor >= 12)) && !strcmp(param_get(), "Y");
}

/* ShmemPmdMapped of the mapping holding @addr, in KiB (-1: none). */
static long pmd_mapped_kb(const void *addr)
{
	return smaps_field_kb(addr, "ShmemPmdMapped");
}

/* Valid and LargePage of the page at @p. */
static void ws_bits(void *p, int *valid, int *large)
{
	PSAPI_WORKING_SET_EX_INFORMATION ws = { .VirtualAddress = p };

	*valid = *large = -1;
	if (QueryWorkingSetEx(GetCurrentProcess(), &ws, sizeof(ws))) {
		*valid = ws.VirtualAttributes.Valid;
		*large = ws.VirtualAttributes.LargePage;
	}
}

/* Pages of [p, p + len) whose first byte is not (page index & 0x7f) + 1. */
static unsigned long bad_pattern(const char *p, unsigned long len, unsigned long skip)
{
	unsigned long i, bad = 0;

	for (i = 0; i < len / PAGE; i++)
		if (i != skip && p[i * PAGE] != (char)((i & 0x7f) + 1))
			bad++;
	return bad;
}

static void test_block(int tr)
{
	long frames = ntmm_debugfs("frames"), commit = ntmm_debugfs("commit");
	unsigned long i;
	int valid, large;
	long before;
	DWORD old;
	char *p;

	p = VirtualAlloc(NULL, 2 * LARGE + 0x10000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	if (!tap_ok(p != NULL, "a 4 MiB + 64 KiB allocation (error %u)",
		    (unsigned int)GetLastError()))
		return;
	tap_ok(((unsigned long)p & (LARGE - 1)) == 0,
	       "an allocation of 2 MiB or more starts on a 2 MiB boundary (%p)", (void *)p);

	before = minor_faults();
	p[100] = 1;
	tap_eq(minor_faults() - before, 1, "the first touch takes one fault");
	tap_eq(ntmm_debugfs("frames") - frames, tr ? (long)NR : 1,
	       tr ? "and brings in the whole 2 MiB block" : "and brings in one page");
	tap_eq(pmd_mapped_kb(p), tr ? (long)(LARGE >> 10) : 0,
	       tr ? "one 2 MiB folio, mapped by one PMD" : "no 2 MiB folio on this kernel or setting");
	ws_bits(p, &valid, &large);
	tap_ok(valid == 1 && large == 0, "QueryWorkingSetEx: the touched page is valid, no large page");
	ws_bits(p + 7 * PAGE, &valid, &large);
	tap_ok(valid == tr && large == 0,
	       tr ? "29: so is every page of its block, as every page of a large page is (%d %d)" :
		    "29: a page never touched is not valid (%d %d)", valid, large);
	ws_bits(p + LARGE + PAGE, &valid, &large);
	tap_ok(valid == 0, "a page of the untouched next block is not valid");

	before = minor_faults();
	(void)*(volatile char *)(p + 7 * PAGE);
	tap_eq(minor_faults() - before, tr ? 0 : 1,
	       tr ? "reading a page the PMD maps takes no fault" : "reading a page takes a fault");
	ws_bits(p + 7 * PAGE, &valid, &large);
	tap_ok(valid == 1, "29: after that read the page is valid");

	/* A protection change zaps the block's mapping: what was there stays. */
	tap_ok(VirtualProtect(p + 7 * PAGE, 2 * PAGE, PAGE_READONLY, &old) && old == PAGE_READWRITE &&
	       VirtualProtect(p + 7 * PAGE, 2 * PAGE, PAGE_READWRITE, &old) && old == PAGE_READONLY,
	       "two pages read-only and back");
	ws_bits(p + 7 * PAGE, &valid, &large);
	tap_ok(valid == 1, "the touched one stays valid");
	ws_bits(p + 8 * PAGE, &valid, &large);
	tap_ok(valid == tr, tr ? "the untouched one too: the folio is still there" :
				 "the untouched one stays not valid");

	before = minor_faults();
	for (i = 0; i < NR; i++)
		p[i * PAGE] = (char)((i & 0x7f) + 1);
	tap_eq(minor_faults() - before, tr ? 1 : (long)NR - 1,
	       tr ? "writing every page of the block, alike again, faults once: one PMD again" :
		    "writing every other page of the block takes a fault each");
	tap_eq(pmd_mapped_kb(p), tr ? (long)(LARGE >> 10) : 0, "mapped by a PMD as before");

	/* One page read-only: the others keep their contents and stay writable. */
	tap_ok(VirtualProtect(p + 3 * PAGE, PAGE, PAGE_READONLY, &old) && old == PAGE_READWRITE,
	       "VirtualProtect of one page of the block");
	tap_ok(faults(p + 3 * PAGE, PROBE_WRITE) && !faults(p + 3 * PAGE, PROBE_READ),
	       "that page refuses a write and allows a read");
	tap_ok(!faults(p + 4 * PAGE, PROBE_WRITE) && !faults(p + 2 * PAGE, PROBE_WRITE),
	       "its neighbours still take writes");
	tap_eq(pmd_mapped_kb(p), 0, "the block, no longer alike, is mapped page by page");
	tap_eq(bad_pattern(p, LARGE, ~0UL), 0, "every page of the block kept its contents");
	tap_eq(ntmm_debugfs("frames") - frames, (long)NR, "and its frames");

	/* Decommit one page: its frame goes alone. */
	tap_ok(VirtualFree(p + 5 * PAGE, PAGE, MEM_DECOMMIT), "decommit one page of the block");
	tap_eq(ntmm_debugfs("frames") - frames, (long)NR - 1,
	       tr ? "which splits the 2 MiB folio and frees that page's frame only" :
		    "which frees that page's frame only");
	tap_ok(faults(p + 5 * PAGE, PROBE_READ), "the decommitted page faults");
	tap_eq(bad_pattern(p, LARGE, 5), 0, "the 511 others kept their contents");
	tap_ok(VirtualAlloc(p + 5 * PAGE, PAGE, MEM_COMMIT, PAGE_READWRITE) == p + 5 * PAGE &&
	       p[5 * PAGE] == 0, "committed again, it reads zero");

	/* MEM_RESET of part of a fresh block: its folio stays whole, the rest works. */
	before = ntmm_debugfs("frames");
	for (i = 0; i < NR; i++)
		p[LARGE + i * PAGE] = (char)((i & 0x7f) + 1);
	tap_eq(ntmm_debugfs("frames") - before, (long)NR, "the second block written whole");
	tap_ok(VirtualAlloc(p + LARGE, 16 * PAGE, MEM_RESET, PAGE_READWRITE) == p + LARGE,
	       "MEM_RESET of 16 pages of it");
	ws_bits(p + LARGE, &valid, &large);
	tap_ok(valid == 0, "a reset page is not valid");
	tap_ok(VirtualAlloc(p + LARGE, 16 * PAGE, MEM_RESET_UNDO, PAGE_READWRITE) == p + LARGE,
	       "MEM_RESET_UNDO while memory is plenty succeeds");
	tap_eq(bad_pattern(p + LARGE, LARGE, ~0UL), 0, "and every page kept its contents");

	/* The last 64 KiB is no whole block: 4 KiB pages. */
	before = ntmm_debugfs("frames");
	p[2 * LARGE] = 1;
	tap_eq(ntmm_debugfs("frames") - before, 1, "a page outside any whole block gets 4 KiB");

	tap_ok(VirtualFree(p, 0, MEM_RELEASE), "release");
	tap_eq(ntmm_debugfs("frames"), frames, "every frame is freed, split or whole");
	tap_eq(ntmm_debugfs("commit"), commit, "and the charge returned");
}

/* Pages of the block at @p brought in by touching its first page. */
static long touch_frames(char *p)
{
	long frames = ntmm_debugfs("frames");

	p[0] = 1;
	return ntmm_debugfs("frames") - frames;
}

/* Blocks that must stay 4 KiB: not committed alike, watched, or refused THP. */
static void test_not_alike(int tr)
{
	DWORD old;
	char *p, *w;

	p = VirtualAlloc(NULL, LARGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	w = VirtualAlloc(NULL, LARGE, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	if (!tap_ok(p && w, "two 2 MiB allocations"))
		return;
	tap_ok(VirtualProtect(p + 9 * PAGE, PAGE, PAGE_READWRITE | PAGE_GUARD, &old),
	       "a guard page in one");
	tap_eq(touch_frames(p), 1, "a block with a guard page gets 4 KiB folios");
	tap_eq(touch_frames(w), 1, "so does a write-watched one");
	tap_ok(faults(p + 9 * PAGE, PROBE_READ), "the guard page still raises");
	VirtualFree(p, 0, MEM_RELEASE);
	VirtualFree(w, 0, MEM_RELEASE);

	p = VirtualAlloc(NULL, LARGE, MEM_RESERVE, PAGE_READWRITE);
	if (p && VirtualAlloc(p, LARGE - PAGE, MEM_COMMIT, PAGE_READWRITE)) {
		tap_eq(touch_frames(p), 1, "so does one with a page left reserved");
		tap_ok(faults(p + LARGE - PAGE, PROBE_READ), "which still faults");
	}
	VirtualFree(p, 0, MEM_RELEASE);

	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	p = VirtualAlloc(NULL, LARGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	tap_eq(p ? touch_frames(p) : -1, 1, "and any block of a process with PR_SET_THP_DISABLE");
	VirtualFree(p, 0, MEM_RELEASE);
	prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);

	param_set("N");
	p = VirtualAlloc(NULL, LARGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	tap_eq(p ? touch_frames(p) : -1, 1, "and any block with transparent_large off");
	VirtualFree(p, 0, MEM_RELEASE);
	param_set("Y");

	p = VirtualAlloc(NULL, LARGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	tap_eq(p ? touch_frames(p) : -1, tr ? (long)NR : 1,
	       "back on, a block committed alike gets its 2 MiB folio again");
	VirtualFree(p, 0, MEM_RELEASE);
}

/*
 * Four threads, each owning every fourth page of four fresh 2 MiB blocks:
 * first touches, writes, reads, protection flips, decommits and resets of
 * their own pages, so the blocks' first faults race with each other and with
 * the splits and zaps of other threads' calls. Every read is checked against
 * the owner's model of its pages.
 */
#define RACE_THREADS	4
#define RACE_BLOCKS	4
#define RACE_ROUNDS	12
#define RACE_OPS	400

enum { RACE_GONE, RACE_RW, RACE_RO };

struct racer {
	pthread_t thread;
	pthread_barrier_t *start;
	char *base;
	unsigned int seed;
	int id;
	int bad;
	int bad_valid;
	unsigned char state[RACE_BLOCKS * NR / RACE_THREADS];
	unsigned char value[RACE_BLOCKS * NR / RACE_THREADS];
	unsigned char known[RACE_BLOCKS * NR / RACE_THREADS];
};

static void *race_main(void *arg)
{
	struct racer *r = arg;
	unsigned long n = RACE_BLOCKS * NR / RACE_THREADS, k;
	int valid, large, op, i;
	DWORD old;
	char *p;

	for (k = 0; k < n; k++) {
		r->state[k] = RACE_RW;
		r->value[k] = 0;
		r->known[k] = 1;
	}
	pthread_barrier_wait(r->start);
	for (i = 0; i < RACE_OPS; i++) {
		k = rand_r(&r->seed) % n;
		p = r->base + (k * RACE_THREADS + r->id) * PAGE;
		op = rand_r(&r->seed) % 8;
		if (r->state[k] == RACE_GONE) {
			if (VirtualAlloc(p, PAGE, MEM_COMMIT, PAGE_READWRITE) != p)
				r->bad++;
			r->state[k] = RACE_RW;
			r->value[k] = 0;
			r->known[k] = 1;
			continue;
		}
		switch (op) {
		case 0: case 1: case 2:
			if (r->state[k] == RACE_RW) {
				r->value[k] = (unsigned char)rand_r(&r->seed);
				p[k % 97] = (char)r->value[k];
				r->known[k] = 1;
			}
			break;
		case 3:
			/* A read touches the page: from then on it is valid. */
			if ((unsigned char)p[k % 97] != r->value[k] && r->known[k])
				r->bad++;
			ws_bits(p, &valid, &large);
			if (valid != 1 || large != 0)
				r->bad_valid++;
			break;
		case 4:
			if (!VirtualProtect(p, PAGE, r->state[k] == RACE_RW ? PAGE_READONLY :
					    PAGE_READWRITE, &old))
				r->bad++;
			r->state[k] = r->state[k] == RACE_RW ? RACE_RO : RACE_RW;
			break;
		case 5:
			if (!VirtualFree(p, PAGE, MEM_DECOMMIT))
				r->bad++;
			r->state[k] = RACE_GONE;
			break;
		case 6:
			if (r->state[k] == RACE_RW &&
			    VirtualAlloc(p, PAGE, MEM_RESET, PAGE_READWRITE) == p)
				r->known[k] = 0;	/* contents may go */
			break;
		default:
			(void)*(volatile char *)p;
			break;
		}
	}
	return NULL;
}

static void test_race(void)
{
	long frames = ntmm_debugfs("frames"), commit = ntmm_debugfs("commit");
	struct racer r[RACE_THREADS];
	pthread_barrier_t start;
	int round, t, bad = 0, bad_valid = 0;
	char *base;

	for (round = 0; round < RACE_ROUNDS; round++) {
		base = VirtualAlloc(NULL, RACE_BLOCKS * LARGE, MEM_RESERVE | MEM_COMMIT,
				    PAGE_READWRITE);
		if (!base) {
			bad++;
			break;
		}
		pthread_barrier_init(&start, NULL, RACE_THREADS);
		for (t = 0; t < RACE_THREADS; t++) {
			r[t].start = &start;
			r[t].base = base;
			r[t].seed = round * RACE_THREADS + t + 1;
			r[t].id = t;
			r[t].bad = 0;
			r[t].bad_valid = 0;
			pthread_create(&r[t].thread, NULL, race_main, &r[t]);
		}
		for (t = 0; t < RACE_THREADS; t++) {
			pthread_join(r[t].thread, NULL);
			bad += r[t].bad;
			bad_valid += r[t].bad_valid;
		}
		pthread_barrier_destroy(&start);
		if (!VirtualFree(base, 0, MEM_RELEASE))
			bad++;
	}
	tap_eq(bad, 0, "4 threads x 12 rounds on fresh 2 MiB blocks: every call and read as modelled");
	tap_eq(bad_valid, 0, "and every page just read is valid to QueryWorkingSetEx");
	tap_eq(ntmm_debugfs("frames"), frames, "after it every frame is freed");
	tap_eq(ntmm_debugfs("commit"), commit, "and every page's charge returned");
}

int main(void)
{
	int tr;

	snprintf(param_before, sizeof(param_before), "%s", param_get());
	param_set("Y");
	tr = expect_transparent();
	printf("# transparent_large was \"%s\", now \"%s\": 2 MiB folios %sexpected\n",
	       param_before, param_get(), tr ? "" : "not ");
	test_block(tr);
	test_not_alike(tr);
	test_race();
	if (param_before[0])
		param_set(param_before);
	return tap_done();
}
