// SPDX-License-Identifier: GPL-2.0
/*
 * Four threads, a fixed number of mixed operations each. Disjoint work: each
 * thread allocates, commits, protects, queries, touches, decommits and frees
 * in its own zone, checking every result against an exact model of that
 * zone; a slot of the zone holds a private allocation, a view of the
 * thread's section (all its views share the section's bytes), or a
 * placeholder, which a view replaces and gets back. Overlapping work: all threads commit, decommit, protect and query one
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

/* What a slot holds. */
enum { FREE, PRIVATE, VIEW, PLACEHOLDER, PLACED_VIEW };

struct slot_model {
	int kind;
	DWORD prot[PAGES];	/* 0: reserved only */
	unsigned char byte[PAGES];	/* a private slot's bytes */
};

struct worker {
	pthread_t thread;
	char *zone;
	char *shared;
	unsigned int seed;
	int mismatches;
	long ops;
	HANDLE section;			/* GRAN bytes, which every view of the thread maps */
	unsigned char section_byte[PAGES];
	struct slot_model slot[SLOTS];
};

static int is_view(const struct slot_model *m)
{
	return m->kind == VIEW || m->kind == PLACED_VIEW;
}

/* May a view's page take @p? Not execution: views are mapped FILE_MAP_WRITE. */
static int view_allows(DWORD p)
{
	return p == PAGE_NOACCESS || p == PAGE_READONLY || p == PAGE_READWRITE;
}

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

/* A slot's byte at page @i: its own, or the section's for a view. */
static unsigned char *model_byte(struct worker *w, struct slot_model *m, int i)
{
	return is_view(m) ? &w->section_byte[i] : &m->byte[i];
}

/* A slot becomes a view: every page READWRITE. */
static void model_view(struct slot_model *m, int kind)
{
	int i;

	m->kind = kind;
	for (i = 0; i < PAGES; i++)
		m->prot[i] = PAGE_READWRITE;
}

/* Reserve the free slot at its fixed address, as one of the three kinds. */
static void slot_reserve(struct worker *w, struct slot_model *m, char *slot, int s)
{
	int kind = 1 + rand_r(&w->seed) % 3, ok;

	if (kind == PRIVATE)
		ok = VirtualAlloc(slot, GRAN, MEM_RESERVE, PAGE_READWRITE) == slot;
	else if (kind == VIEW)
		ok = MapViewOfFileEx(w->section, FILE_MAP_WRITE, 0, 0, 0, slot) == slot;
	else
		ok = VirtualAlloc2(NULL, slot, GRAN, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER,
				   PAGE_NOACCESS, NULL, 0) == slot;
	CHECK(w, ok == (m->kind == FREE), "reserve slot %d as %d over %d: %d (error %u)", s,
	      kind, m->kind, ok, GetLastError());
	if (!ok)
		return;
	memset(m, 0, sizeof(*m));
	if (kind == VIEW)
		model_view(m, VIEW);
	else
		m->kind = kind;
}

/* Release what the slot holds, each kind its way; a placeholder may take a view instead. */
static void slot_release(struct worker *w, struct slot_model *m, char *slot, int s)
{
	int ok;

	switch (m->kind) {
	case PLACEHOLDER:
		if (rand_r(&w->seed) % 2) {
			ok = MapViewOfFile3(w->section, NULL, slot, 0, GRAN, MEM_REPLACE_PLACEHOLDER,
					    PAGE_READWRITE, NULL, 0) == slot;
			CHECK(w, ok, "view into placeholder %d: error %u", s, GetLastError());
			if (ok)
				model_view(m, PLACED_VIEW);
			return;
		}
		ok = VirtualFree(slot, 0, MEM_RELEASE);
		break;
	case PLACED_VIEW:
		if (rand_r(&w->seed) % 2) {
			ok = UnmapViewOfFile2(GetCurrentProcess(), slot, MEM_PRESERVE_PLACEHOLDER);
			CHECK(w, ok, "view back to placeholder %d: error %u", s, GetLastError());
			if (ok) {
				memset(m, 0, sizeof(*m));
				m->kind = PLACEHOLDER;
			}
			return;
		}
		ok = UnmapViewOfFile(slot);
		break;
	case VIEW:
		ok = UnmapViewOfFile(slot);
		break;
	case PRIVATE:
		ok = VirtualFree(slot, 0, MEM_RELEASE);
		break;
	default:
		ok = !VirtualFree(slot, 0, MEM_RELEASE) && !UnmapViewOfFile(slot);
		CHECK(w, ok, "release of free slot %d succeeded", s);
		return;
	}
	CHECK(w, ok, "release slot %d (kind %d): error %u", s, m->kind, GetLastError());
	if (ok)
		memset(m, 0, sizeof(*m));
}

static void disjoint_op(struct worker *w)
{
	int s = rand_r(&w->seed) % SLOTS, a = rand_r(&w->seed) % PAGES;
	int n = 1 + rand_r(&w->seed) % (PAGES - a), i, ok, want;
	struct slot_model *m = &w->slot[s];
	char *slot = w->zone + s * GRAN, *p = slot + a * PAGE;
	DWORD prot = protections[rand_r(&w->seed) % 5], old, state, mprot;
	MEMORY_BASIC_INFORMATION mbi;
	SIZE_T size;

	switch (rand_r(&w->seed) % 7) {
	case 0:		/* reserve the slot at its fixed address */
		if (m->kind == FREE || rand_r(&w->seed) % 8 == 0)
			slot_reserve(w, m, slot, s);
		break;
	case 1:		/* commit pages: in a view, the section's are committed already */
		ok = VirtualAlloc(p, n * PAGE, MEM_COMMIT, prot) == p;
		want = m->kind == PRIVATE || (is_view(m) && view_allows(prot));
		CHECK(w, ok == want, "commit %d+%d in kind %d: %d", a, n, m->kind, ok);
		for (i = a; ok && i < a + n; i++) {
			if (!m->prot[i])
				m->byte[i] = 0;
			m->prot[i] = prot;
		}
		break;
	case 2:		/* protect pages */
		for (ok = m->kind == PRIVATE || (is_view(m) && view_allows(prot)), i = a;
		     i < a + n; i++)
			ok &= m->prot[i] != 0;
		old = 0;
		i = VirtualProtect(p, n * PAGE, prot, &old);
		CHECK(w, i == ok && (!ok || old == m->prot[a]),
		      "protect %d+%d: %d (want %d), old %#x (want %#x)", a, n, i, ok, old, m->prot[a]);
		for (i = a; ok && i < a + n; i++)
			m->prot[i] = prot;
		break;
	case 3:		/* decommit pages: only private ones */
		ok = VirtualFree(p, n * PAGE, MEM_DECOMMIT);
		CHECK(w, ok == (m->kind == PRIVATE), "decommit %d+%d in kind %d: %d", a, n,
		      m->kind, ok);
		for (i = a; ok && i < a + n; i++)
			m->prot[i] = 0;
		break;
	case 4:		/* release, rarely */
		if (rand_r(&w->seed) % 4 == 0)
			slot_release(w, m, slot, s);
		break;
	case 5:		/* query */
		ok = VirtualQuery(p, &mbi, sizeof(mbi)) == sizeof(mbi);
		if (m->kind == FREE) {
			CHECK(w, ok && mbi.State == MEM_FREE, "query free slot %d: %#x", s, mbi.State);
			break;
		}
		model_query(m, a, &state, &mprot, &size);
		CHECK(w, ok && mbi.State == state && mbi.Protect == mprot && mbi.RegionSize == size &&
		      mbi.AllocationBase == slot &&
		      mbi.Type == (is_view(m) ? MEM_MAPPED : MEM_PRIVATE),
		      "query %d/%d (kind %d): state %#x/%#x prot %#x/%#x size %#zx/%#zx type %#x", s,
		      a, m->kind, mbi.State, state, mbi.Protect, mprot, (size_t)mbi.RegionSize,
		      (size_t)size, mbi.Type);
		break;
	default:	/* touch: check the contents, write if allowed */
		if (m->kind == FREE || !readable(m->prot[a]))
			break;
		CHECK(w, *(volatile unsigned char *)p == *model_byte(w, m, a),
		      "page %d/%d (kind %d) holds %u, want %u", s, a, m->kind,
		      *(volatile unsigned char *)p, *model_byte(w, m, a));
		if (writable(m->prot[a])) {
			*model_byte(w, m, a) = (unsigned char)rand_r(&w->seed);
			*(volatile unsigned char *)p = *model_byte(w, m, a);
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
	for (s = 0; s < SLOTS; s++) {
		if (is_view(&w->slot[s]))
			UnmapViewOfFile(w->zone + s * GRAN);
		else if (w->slot[s].kind != FREE)
			VirtualFree(w->zone + s * GRAN, 0, MEM_RELEASE);
	}
	return NULL;
}

int main(void)
{
	long commit0 = ntmm_debugfs("commit"), frames0 = ntmm_debugfs("frames");
	long sections0 = ntmm_debugfs("sections");
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
		w[t].section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, GRAN,
						  NULL);
		pthread_create(&w[t].thread, NULL, worker_main, &w[t]);
	}
	for (t = 0; t < THREADS; t++) {
		pthread_join(w[t].thread, NULL);
		bad += w[t].mismatches;
		ops += w[t].ops;
		CloseHandle(w[t].section);
	}
	tap_eq(ops, THREADS * OPS, "every thread ran its operations");
	tap_eq(bad, 0, "every result matched the model");
	tap_ok(VirtualFree(shared, 0, MEM_RELEASE), "release the shared reservation");
	tap_eq(ntmm_debugfs("commit"), commit0, "the commit charge is back where it started");
	tap_eq(ntmm_debugfs("frames"), frames0, "and so are the module's frames");
	tap_eq(ntmm_debugfs("sections"), sections0, "and the sections");
	return tap_done();
}
