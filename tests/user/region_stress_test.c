// SPDX-License-Identifier: GPL-2.0
/*
 * The 4-thread model test of stress_test.c, with mixed reserve/release of
 * allocations of every size, so that regions (however ntmm maps its
 * allocations for Linux) are created and emptied under it:
 *
 *  - fixed: each thread owns slots 1 GiB apart in a zone of its own, far
 *    from everything; a slot is reserved (64 KiB to 64 MiB, at its start),
 *    committed, protected, queried, touched, decommitted and released, each
 *    result checked against an exact model, free space included (what a
 *    slot's free tail and a free slot report, up to the next slot);
 *  - placed: each thread keeps up to 8 allocations of 64 KiB to 16 MiB at
 *    addresses ntmm chooses (bottom-up and MEM_TOP_DOWN), all four threads
 *    in the same part of the address space at once; each is stamped with
 *    its thread and serial at both ends and checked exactly by VirtualQuery
 *    and by its stamps until released (an overlap with another thread's
 *    allocation would show as a foreign stamp).
 *
 * At the end the commit charge and the module's frames are back where they
 * started, the zones are free, and the kernel (debug build) reported nothing.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "ntmm_debugfs.h"
#include "tap.h"

#define PAGE		0x1000UL
#define GRAN		0x10000UL
#define GIB		(1UL << 30)
#define THREADS		4
#define SLOTS		8
#define SLOT_SPAN	GIB
#define PAGES		16	/* the pages of a slot the model tracks one by one */
#define PLACED		8
#define OPS		2000
#define ZONE_BASE	0x400000000000UL	/* 64 TiB: far from Linux's mappings */

static const DWORD protections[] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE,
				     PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE };

struct slot_model {
	SIZE_T size;		/* 0: free */
	DWORD prot[PAGES];	/* 0: reserved only; pages past PAGES stay reserved */
	unsigned char byte[PAGES];
};

struct placed {
	char *p;
	SIZE_T size;
	unsigned long stamp;
};

struct worker {
	pthread_t thread;
	int id;
	char *zone;
	unsigned int seed;
	int mismatches;
	long ops, created, released;
	unsigned long serial;
	struct slot_model slot[SLOTS];
	struct placed placed[PLACED];
};

#define CHECK(w, cond, ...) do {					\
		if (!(cond)) {						\
			if ((w)->mismatches++ < 8)			\
				printf("# T%d: ", (w)->id), printf(__VA_ARGS__), printf("\n"); \
		}							\
	} while (0)

static int writable(DWORD p)
{
	return p == PAGE_READWRITE || p == PAGE_EXECUTE_READWRITE;
}

static int readable(DWORD p)
{
	return p && p != PAGE_NOACCESS;
}

static DWORD page_prot(const struct slot_model *m, unsigned long pg)
{
	return pg < PAGES ? m->prot[pg] : 0;
}

static void check_fixed_query(struct worker *w, int s, unsigned long pg)
{
	struct slot_model *m = &w->slot[s];
	char *slot = w->zone + s * SLOT_SPAN, *at = slot + pg * PAGE;
	MEMORY_BASIC_INFORMATION mbi;
	unsigned long npages = m->size / PAGE, i;
	SIZE_T want_size;
	DWORD prot;
	int ok;

	memset(&mbi, 0xcc, sizeof(mbi));
	ok = VirtualQuery(at + 0x123, &mbi, sizeof(mbi)) == sizeof(mbi);
	if (pg >= npages) {
		/* Free: up to the next slot if it is reserved (in this zone), else further. */
		int next_known = s + 1 < SLOTS && w->slot[s + 1].size;

		want_size = slot + SLOT_SPAN - at;
		CHECK(w, ok && mbi.State == MEM_FREE && mbi.BaseAddress == at &&
		      mbi.AllocationBase == NULL && mbi.Type == 0 && mbi.Protect == PAGE_NOACCESS &&
		      (next_known ? mbi.RegionSize == want_size : mbi.RegionSize >= want_size),
		      "free query slot %d page %lu: state %#x base %p size %#zx (want %s%#zx)", s, pg,
		      mbi.State, mbi.BaseAddress, (size_t)mbi.RegionSize, next_known ? "" : ">= ",
		      (size_t)want_size);
		return;
	}
	prot = page_prot(m, pg);
	for (i = pg; i < npages && page_prot(m, i) == prot; i++)
		;
	want_size = (i - pg) * PAGE;
	CHECK(w, ok && mbi.BaseAddress == at && mbi.AllocationBase == slot &&
	      mbi.State == (prot ? MEM_COMMIT : MEM_RESERVE) && mbi.Protect == prot &&
	      mbi.RegionSize == want_size && mbi.Type == MEM_PRIVATE &&
	      mbi.AllocationProtect == PAGE_READWRITE,
	      "query slot %d page %lu: state %#x prot %#x (want %#x) size %#zx (want %#zx) alloc %p",
	      s, pg, mbi.State, mbi.Protect, prot, (size_t)mbi.RegionSize, (size_t)want_size,
	      mbi.AllocationBase);
}

static void fixed_op(struct worker *w)
{
	int s = rand_r(&w->seed) % SLOTS, a = rand_r(&w->seed) % PAGES;
	int n = 1 + rand_r(&w->seed) % (PAGES - a), i, ok;
	struct slot_model *m = &w->slot[s];
	char *slot = w->zone + s * SLOT_SPAN, *p = slot + a * PAGE;
	DWORD prot = protections[rand_r(&w->seed) % 5], old;
	SIZE_T size;

	switch (rand_r(&w->seed) % 8) {
	case 0:		/* reserve the slot, 64 KiB to 64 MiB */
		size = (1 + rand_r(&w->seed) % 1024) * GRAN;
		ok = VirtualAlloc(slot, size, MEM_RESERVE, PAGE_READWRITE) == slot;
		CHECK(w, ok == !m->size, "reserve slot %d (%#zx): %d", s, (size_t)size, ok);
		if (ok) {
			memset(m, 0, sizeof(*m));
			m->size = size;
			w->created++;
		}
		break;
	case 1:		/* commit pages */
		ok = VirtualAlloc(p, n * PAGE, MEM_COMMIT, prot) == p;
		CHECK(w, ok == !!m->size, "commit %d+%d: %d", a, n, ok);
		for (i = a; ok && i < a + n; i++) {
			if (!m->prot[i])
				m->byte[i] = 0;
			m->prot[i] = prot;
		}
		break;
	case 2:		/* protect pages */
		for (ok = !!m->size, i = a; i < a + n; i++)
			ok &= m->prot[i] != 0;
		old = 0;
		i = VirtualProtect(p, n * PAGE, prot, &old);
		CHECK(w, i == ok && (!ok || old == m->prot[a]), "protect %d+%d: %d (want %d)", a, n, i, ok);
		for (i = a; ok && i < a + n; i++)
			m->prot[i] = prot;
		break;
	case 3:		/* decommit pages */
		ok = VirtualFree(p, n * PAGE, MEM_DECOMMIT);
		CHECK(w, ok == !!m->size, "decommit %d+%d: %d", a, n, ok);
		for (i = a; ok && i < a + n; i++)
			m->prot[i] = 0;
		break;
	case 4:		/* release */
		ok = VirtualFree(slot, 0, MEM_RELEASE);
		CHECK(w, ok == !!m->size, "release slot %d: %d", s, ok);
		if (ok) {
			memset(m, 0, sizeof(*m));
			w->released++;
		}
		break;
	case 5:		/* query a tracked page, or the free tail */
		check_fixed_query(w, s, a);
		if (m->size)
			check_fixed_query(w, s, m->size / PAGE + rand_r(&w->seed) % 64);
		break;
	default:	/* touch: check the contents, write if allowed */
		if (!m->size || !readable(m->prot[a]))
			break;
		CHECK(w, *(volatile unsigned char *)p == m->byte[a], "slot %d page %d holds %u, want %u",
		      s, a, *(volatile unsigned char *)p, m->byte[a]);
		if (writable(m->prot[a])) {
			m->byte[a] = (unsigned char)rand_r(&w->seed);
			*(volatile unsigned char *)p = m->byte[a];
		}
		break;
	}
}

static void check_placed(struct worker *w, struct placed *pl)
{
	MEMORY_BASIC_INFORMATION mbi;
	int ok;

	memset(&mbi, 0xcc, sizeof(mbi));
	ok = VirtualQuery(pl->p + pl->size / 2, &mbi, sizeof(mbi)) == sizeof(mbi);
	CHECK(w, ok && mbi.AllocationBase == pl->p && mbi.State == MEM_COMMIT &&
	      mbi.Protect == PAGE_READWRITE && mbi.Type == MEM_PRIVATE &&
	      (char *)mbi.BaseAddress + mbi.RegionSize == pl->p + pl->size,
	      "placed %p+%#zx: query alloc %p state %#x base %p size %#zx", pl->p, (size_t)pl->size,
	      mbi.AllocationBase, mbi.State, mbi.BaseAddress, (size_t)mbi.RegionSize);
	CHECK(w, *(unsigned long *)pl->p == pl->stamp &&
	      *(unsigned long *)(pl->p + pl->size - sizeof(long)) == pl->stamp,
	      "placed %p: stamps %#lx %#lx, want %#lx", pl->p, *(unsigned long *)pl->p,
	      *(unsigned long *)(pl->p + pl->size - sizeof(long)), pl->stamp);
}

static void placed_op(struct worker *w)
{
	struct placed *pl = &w->placed[rand_r(&w->seed) % PLACED];
	DWORD type = MEM_RESERVE | MEM_COMMIT;
	int i;

	if (pl->p) {
		check_placed(w, pl);
		CHECK(w, VirtualFree(pl->p, 0, MEM_RELEASE), "release placed %p", pl->p);
		pl->p = NULL;
		w->released++;
		return;
	}
	pl->size = (1 + rand_r(&w->seed) % 256) * GRAN;
	if (rand_r(&w->seed) % 3 == 0)
		type |= MEM_TOP_DOWN;
	pl->p = VirtualAlloc(NULL, pl->size, type, PAGE_READWRITE);
	CHECK(w, pl->p != NULL, "placed allocation of %#zx failed: %u", (size_t)pl->size,
	      GetLastError());
	if (!pl->p)
		return;
	w->created++;
	CHECK(w, !((unsigned long)pl->p & (GRAN - 1)), "placed %p not 64 KiB aligned", pl->p);
	for (i = 0; i < PLACED; i++)
		if (&w->placed[i] != pl && w->placed[i].p)
			CHECK(w, pl->p + pl->size <= w->placed[i].p ||
			      w->placed[i].p + w->placed[i].size <= pl->p,
			      "placed %p overlaps my %p", pl->p, w->placed[i].p);
	CHECK(w, pl->p + pl->size <= (char *)ZONE_BASE ||
	      pl->p >= (char *)ZONE_BASE + THREADS * SLOTS * SLOT_SPAN,
	      "placed %p inside the fixed zones", pl->p);
	pl->stamp = (unsigned long)w->id << 56 | ++w->serial;
	CHECK(w, *(volatile unsigned long *)pl->p == 0, "placed %p not zero", pl->p);
	*(unsigned long *)pl->p = pl->stamp;
	*(unsigned long *)(pl->p + pl->size - sizeof(long)) = pl->stamp;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int i, s;

	for (i = 0; i < OPS; i++, w->ops++) {
		if (rand_r(&w->seed) % 3)
			fixed_op(w);
		else
			placed_op(w);
		if (i % 64 == 0)
			for (s = 0; s < PLACED; s++)
				if (w->placed[s].p)
					check_placed(w, &w->placed[s]);
	}
	for (s = 0; s < SLOTS; s++)
		if (w->slot[s].size)
			VirtualFree(w->zone + s * SLOT_SPAN, 0, MEM_RELEASE);
	for (s = 0; s < PLACED; s++)
		if (w->placed[s].p) {
			check_placed(w, &w->placed[s]);
			VirtualFree(w->placed[s].p, 0, MEM_RELEASE);
		}
	return NULL;
}

int main(void)
{
	long commit0 = ntmm_debugfs("commit"), frames0 = ntmm_debugfs("frames");
	long ops = 0, created = 0, released = 0;
	struct worker w[THREADS];
	MEMORY_BASIC_INFORMATION mbi;
	int t, bad = 0, s, free_ok = 1;

	memset(w, 0, sizeof(w));
	for (t = 0; t < THREADS; t++) {
		w[t].id = t;
		w[t].zone = (char *)ZONE_BASE + t * SLOTS * SLOT_SPAN;
		w[t].seed = 2000 + t;
		pthread_create(&w[t].thread, NULL, worker_main, &w[t]);
	}
	for (t = 0; t < THREADS; t++) {
		pthread_join(w[t].thread, NULL);
		bad += w[t].mismatches;
		ops += w[t].ops;
		created += w[t].created;
		released += w[t].released;
	}
	tap_eq(ops, THREADS * OPS, "every thread ran its operations");
	tap_ok(created > 500, "allocations of 64 KiB to 64 MiB created and released under it "
	       "(%ld created, %ld released during the run)", created, released);
	tap_eq(bad, 0, "every result matched the model");
	for (t = 0; t < THREADS; t++)
		for (s = 0; s < SLOTS; s++)
			free_ok &= VirtualQuery(w[t].zone + s * SLOT_SPAN, &mbi, sizeof(mbi)) &&
				   mbi.State == MEM_FREE;
	tap_ok(free_ok, "the zones are free at the end");
	tap_eq(ntmm_debugfs("commit"), commit0, "the commit charge is back where it started");
	tap_eq(ntmm_debugfs("frames"), frames0, "and so are the module's frames");
	return tap_done();
}
