// SPDX-License-Identifier: GPL-2.0
/*
 * Four threads, a fixed number of mixed operations each. Disjoint work: each
 * thread allocates, commits, protects, queries, touches, decommits and frees
 * in its own zone, checking every result against an exact model of that
 * zone. Overlapping work: all threads commit, decommit, protect and query one
 * shared reservation at once, where only legitimate outcomes are checked.
 * At the end the commit charge and the module's frames are back where they
 * started, and the kernel (debug build) has reported nothing.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "tap.h"
#include "ntmm_debugfs.h"

#define PAGE		0x1000UL
#define GRAN		0x10000UL
#define THREADS		4
#define SLOTS		8	/* 64 KiB allocations per thread zone */
#define PAGES		16	/* pages per slot */
#define OPS		3000

static const DWORD protections[] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE,
				     PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE };

struct slot_model {
	int reserved;
	DWORD prot[PAGES];	/* 0: reserved only */
	unsigned char byte[PAGES];
};

struct worker {
	pthread_t thread;
	char *zone;
	char *shared;
	unsigned int seed;
	int mismatches;
	long ops;
	struct slot_model slot[SLOTS];
};

static int writable(DWORD p)
{
	return p == PAGE_READWRITE || p == PAGE_EXECUTE_READWRITE;
}

static int readable(DWORD p)
{
	return p && p != PAGE_NOACCESS;
}

/* The model's answer to VirtualQuery at page @pg of slot @s. */
static void model_query(struct slot_model *m, int pg, DWORD *state, DWORD *prot, SIZE_T *size)
{
	int i = pg;

	*prot = m->prot[pg];
	*state = *prot ? MEM_COMMIT : MEM_RESERVE;
	while (i < PAGES && m->prot[i] == *prot)
		i++;
	*size = (i - pg) * PAGE;
}

#define CHECK(w, cond, ...) do {					\
		if (!(cond)) {						\
			if ((w)->mismatches++ < 5)			\
				printf("# " __VA_ARGS__), printf("\n");	\
		}							\
	} while (0)

static void disjoint_op(struct worker *w)
{
	int s = rand_r(&w->seed) % SLOTS, a = rand_r(&w->seed) % PAGES;
	int n = 1 + rand_r(&w->seed) % (PAGES - a), i, ok;
	struct slot_model *m = &w->slot[s];
	char *slot = w->zone + s * GRAN, *p = slot + a * PAGE;
	DWORD prot = protections[rand_r(&w->seed) % 5], old, state, mprot;
	MEMORY_BASIC_INFORMATION mbi;
	SIZE_T size;

	switch (rand_r(&w->seed) % 7) {
	case 0:		/* reserve the slot at its fixed address */
		ok = VirtualAlloc(slot, GRAN, MEM_RESERVE, PAGE_READWRITE) == slot;
		CHECK(w, ok == !m->reserved, "reserve slot %d: %d", s, ok);
		if (ok)
			m->reserved = 1;
		break;
	case 1:		/* commit pages */
		ok = VirtualAlloc(p, n * PAGE, MEM_COMMIT, prot) == p;
		CHECK(w, ok == m->reserved, "commit %d+%d: %d", a, n, ok);
		for (i = a; ok && i < a + n; i++) {
			if (!m->prot[i])
				m->byte[i] = 0;
			m->prot[i] = prot;
		}
		break;
	case 2:		/* protect pages */
		for (ok = m->reserved, i = a; i < a + n; i++)
			ok &= m->prot[i] != 0;
		old = 0;
		i = VirtualProtect(p, n * PAGE, prot, &old);
		CHECK(w, i == ok && (!ok || old == m->prot[a]),
		      "protect %d+%d: %d (want %d), old %#x (want %#x)", a, n, i, ok, old, m->prot[a]);
		for (i = a; ok && i < a + n; i++)
			m->prot[i] = prot;
		break;
	case 3:		/* decommit pages */
		ok = VirtualFree(p, n * PAGE, MEM_DECOMMIT);
		CHECK(w, ok == m->reserved, "decommit %d+%d: %d", a, n, ok);
		for (i = a; ok && i < a + n; i++)
			m->prot[i] = 0;
		break;
	case 4:		/* release, rarely */
		if (rand_r(&w->seed) % 4)
			break;
		ok = VirtualFree(slot, 0, MEM_RELEASE);
		CHECK(w, ok == m->reserved, "release slot %d: %d", s, ok);
		if (ok)
			memset(m, 0, sizeof(*m));
		break;
	case 5:		/* query */
		ok = VirtualQuery(p, &mbi, sizeof(mbi)) == sizeof(mbi);
		if (!m->reserved) {
			CHECK(w, ok && mbi.State == MEM_FREE, "query free slot %d: %#x", s, mbi.State);
			break;
		}
		model_query(m, a, &state, &mprot, &size);
		CHECK(w, ok && mbi.State == state && mbi.Protect == mprot && mbi.RegionSize == size &&
		      mbi.AllocationBase == slot,
		      "query %d/%d: state %#x/%#x prot %#x/%#x size %#zx/%#zx", s, a, mbi.State,
		      state, mbi.Protect, mprot, (size_t)mbi.RegionSize, (size_t)size);
		break;
	default:	/* touch: check the contents, write if allowed */
		if (!m->reserved || !readable(m->prot[a]))
			break;
		CHECK(w, *(volatile unsigned char *)p == m->byte[a], "page %d/%d holds %u, want %u",
		      s, a, *(volatile unsigned char *)p, m->byte[a]);
		if (writable(m->prot[a])) {
			m->byte[a] = (unsigned char)rand_r(&w->seed);
			*(volatile unsigned char *)p = m->byte[a];
		}
		break;
	}
}

/* Overlapping calls on the shared reservation: any interleaving is legal. */
static void shared_op(struct worker *w)
{
	int a = rand_r(&w->seed) % PAGES, n = 1 + rand_r(&w->seed) % (PAGES - a);
	char *p = w->shared + a * PAGE;
	DWORD prot = protections[rand_r(&w->seed) % 5], old;
	MEMORY_BASIC_INFORMATION mbi;

	switch (rand_r(&w->seed) % 4) {
	case 0:
		CHECK(w, VirtualAlloc(p, n * PAGE, MEM_COMMIT, prot) == p, "shared commit failed");
		break;
	case 1:
		CHECK(w, VirtualFree(p, n * PAGE, MEM_DECOMMIT), "shared decommit failed");
		break;
	case 2:
		/* Fails only because another thread decommitted part of the range. */
		if (!VirtualProtect(p, n * PAGE, prot, &old))
			CHECK(w, GetLastError() == ERROR_INVALID_ADDRESS, "shared protect: %u",
			      GetLastError());
		break;
	default:
		CHECK(w, VirtualQuery(p, &mbi, sizeof(mbi)) == sizeof(mbi) &&
		      (mbi.State == MEM_COMMIT || mbi.State == MEM_RESERVE) &&
		      mbi.AllocationBase == w->shared && mbi.RegionSize >= PAGE &&
		      (char *)mbi.BaseAddress + mbi.RegionSize <= w->shared + GRAN,
		      "shared query: state %#x size %#zx", mbi.State, (size_t)mbi.RegionSize);
		break;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int i, s;

	for (i = 0; i < OPS; i++, w->ops++) {
		if (rand_r(&w->seed) % 4)
			disjoint_op(w);
		else
			shared_op(w);
	}
	for (s = 0; s < SLOTS; s++)
		if (w->slot[s].reserved)
			VirtualFree(w->zone + s * GRAN, 0, MEM_RELEASE);
	return NULL;
}

int main(void)
{
	long commit0 = ntmm_debugfs("commit"), frames0 = ntmm_debugfs("frames");
	struct worker w[THREADS];
	long ops = 0;
	int t, bad = 0;
	char *zones, *shared;

	/*
	 * Find room for the zones and the shared reservation after them, then
	 * give the zones back: threads map at fixed addresses in them.
	 */
	zones = VirtualAlloc(NULL, (THREADS * SLOTS + 1) * GRAN, MEM_RESERVE, PAGE_NOACCESS);
	VirtualFree(zones, 0, MEM_RELEASE);
	shared = VirtualAlloc(zones + THREADS * SLOTS * GRAN, GRAN, MEM_RESERVE, PAGE_READWRITE);
	tap_ok(zones && shared, "zones at %p, shared reservation at %p", zones, shared);
	memset(w, 0, sizeof(w));
	for (t = 0; t < THREADS; t++) {
		w[t].zone = zones + t * SLOTS * GRAN;
		w[t].shared = shared;
		w[t].seed = 1000 + t;
		pthread_create(&w[t].thread, NULL, worker_main, &w[t]);
	}
	for (t = 0; t < THREADS; t++) {
		pthread_join(w[t].thread, NULL);
		bad += w[t].mismatches;
		ops += w[t].ops;
	}
	tap_eq(ops, THREADS * OPS, "every thread ran its operations");
	tap_eq(bad, 0, "every result matched the model");
	tap_ok(VirtualFree(shared, 0, MEM_RELEASE), "release the shared reservation");
	tap_eq(ntmm_debugfs("commit"), commit0, "the commit charge is back where it started");
	tap_eq(ntmm_debugfs("frames"), frames0, "and so are the module's frames");
	return tap_done();
}
