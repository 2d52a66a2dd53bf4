// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA (item 41) and QueryWorkingSetEx (item 29): the topology calls
 * against sysfs, frames on the faulting CPU's node or on the preferred one
 * (VirtualAllocExNuma, VirtualAlloc2), the fallback when the preferred node
 * is full, and VirtualAlloc2's address requirements. Runs on VMs with 1, 2
 * and 4 nodes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <psapi.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <windows.h>

#include "fails_with.h"
#include "tap.h"

#define PAGE	0x1000UL
#define NPAGES	64

static unsigned int nodes;

/* Nodes as sysfs lists them, counted independently of libntmm. */
static unsigned int count_nodes(void)
{
	DIR *d = opendir("/sys/devices/system/node");
	unsigned int n = 0, id;
	struct dirent *e;

	if (!d)
		return 1;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "node%u", &id) == 1)
			n++;
	closedir(d);
	return n ? n : 1;
}

static int pin(unsigned int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

static void unpin(void)
{
	cpu_set_t set;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), i;

	CPU_ZERO(&set);
	for (i = 0; i < cpus; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static unsigned int first_cpu(unsigned int node)
{
	ULONGLONG mask = 0;

	GetNumaNodeProcessorMask((UCHAR)node, &mask);
	return mask ? (unsigned int)__builtin_ctzll(mask) : 0;
}

/* Pages of [p, p + n pages) whose frame is not on @node (or not valid). */
static unsigned long pages_off_node(char *p, unsigned long n, unsigned int node,
				    unsigned long *per_node)
{
	PSAPI_WORKING_SET_EX_INFORMATION *ws = calloc(n, sizeof(*ws));
	unsigned long i, off = 0;

	for (i = 0; i < n; i++)
		ws[i].VirtualAddress = p + i * PAGE;
	if (!QueryWorkingSetEx(GetCurrentProcess(), ws, n * sizeof(*ws)))
		off = n;
	for (i = 0; i < n && off < n; i++) {
		if (!ws[i].VirtualAttributes.Valid || ws[i].VirtualAttributes.Node != node)
			off++;
		if (per_node && ws[i].VirtualAttributes.Valid)
			per_node[ws[i].VirtualAttributes.Node]++;
	}
	free(ws);
	return off;
}

static void touch(char *p, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		((volatile char *)p)[i * PAGE] = 1;
}

static void test_topology(void)
{
	ULONGLONG all = 0, mask, bytes;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	PROCESSOR_NUMBER pn;
	unsigned int n, c;
	ULONG highest = 99;
	UCHAR node;
	USHORT node16;
	int ok = 1;

	ok = GetNumaHighestNodeNumber(&highest);
	tap_ok(ok && highest == nodes - 1, "GetNumaHighestNodeNumber: %lu with %u nodes",
	       (unsigned long)highest, nodes);
	for (n = 0; n < nodes; n++) {
		GROUP_AFFINITY ga;

		mask = 0;
		ok &= GetNumaNodeProcessorMask((UCHAR)n, &mask) && mask && !(mask & all);
		ok &= GetNumaNodeProcessorMaskEx((USHORT)n, &ga) && ga.Mask == mask && ga.Group == 0;
		all |= mask;
		ok &= GetNumaAvailableMemoryNode((UCHAR)n, &bytes) && bytes > 0;
		ok &= GetNumaAvailableMemoryNodeEx((USHORT)n, &bytes) && bytes > 0;
	}
	tap_ok(ok, "every node has its own processors and free memory");
	tap_eq(all, (1ULL << cpus) - 1, "the nodes' processors are all the processors");
	fails_with(GetNumaNodeProcessorMask((UCHAR)nodes, &mask), ERROR_INVALID_PARAMETER,
		   "a node past the highest");
	fails_with(GetNumaAvailableMemoryNodeEx((USHORT)nodes, &bytes), ERROR_INVALID_PARAMETER,
		   "its memory");
	ok = 1;
	for (c = 0; c < cpus; c++) {
		ok &= GetNumaProcessorNode((UCHAR)c, &node) &&
		      (first_cpu(node) <= c) && pin(c) && GetCurrentProcessorNumber() == c;
		pn.Group = 0;
		pn.Number = (BYTE)c;
		ok &= GetNumaProcessorNodeEx(&pn, &node16) && node16 == node;
		GetCurrentProcessorNumberEx(&pn);
		ok &= pn.Group == 0 && pn.Number == c && pn.Reserved == 0;
	}
	unpin();
	tap_ok(ok, "every processor's node; GetCurrentProcessorNumber(Ex) where the thread is pinned");
	tap_ok(!GetNumaProcessorNode(63, &node) && node == 0xff && GetLastError() == ERROR_INVALID_PARAMETER,
	       "GetNumaProcessorNode of a missing processor: 0xff, E87");
}

static void test_placement(void)
{
	unsigned int n, last = nodes - 1;
	MEM_EXTENDED_PARAMETER param = { 0 };
	unsigned long off = 0;
	char *p;

	for (n = 0; n < nodes; n++) {
		pin(first_cpu(n));
		p = VirtualAlloc(NULL, NPAGES * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		touch(p, NPAGES);
		off += pages_off_node(p, NPAGES, n, NULL);
		VirtualFree(p, 0, MEM_RELEASE);
	}
	tap_eq(off, 0, "without a preferred node, frames come from the touching CPU's node");

	pin(first_cpu(0));
	p = VirtualAllocExNuma(GetCurrentProcess(), NULL, NPAGES * PAGE, MEM_RESERVE | MEM_COMMIT,
			       PAGE_READWRITE, last);
	touch(p, NPAGES);
	tap_eq(pages_off_node(p, NPAGES, last, NULL), 0,
	       "41: VirtualAllocExNuma: frames on the preferred node, touched from node 0");
	VirtualFree(p, 0, MEM_RELEASE);

	param.Type = MemExtendedParameterNumaNode;
	param.ULong = last;
	p = VirtualAlloc2(NULL, NULL, NPAGES * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE,
			  &param, 1);
	touch(p, NPAGES);
	tap_eq(pages_off_node(p, NPAGES, last, NULL), 0,
	       "VirtualAlloc2 with MemExtendedParameterNumaNode: the same");
	VirtualFree(p, 0, MEM_RELEASE);

	p = VirtualAllocExNuma(GetCurrentProcess(), NULL, 0x200000, MEM_RESERVE | MEM_COMMIT |
			       MEM_LARGE_PAGES, PAGE_READWRITE, last);
	tap_ok(p && pages_off_node(p, 512, last, NULL) == 0,
	       "large pages on the preferred node, before any touch");
	VirtualFree(p, 0, MEM_RELEASE);
	unpin();

	fails_with(VirtualAllocExNuma(GetCurrentProcess(), NULL, PAGE, MEM_RESERVE | MEM_COMMIT,
				      PAGE_READWRITE, nodes) != NULL,
		   ERROR_INVALID_PARAMETER, "41: an invalid node number");
	p = VirtualAllocExNuma(GetCurrentProcess(), NULL, PAGE, MEM_RESERVE | MEM_COMMIT,
			       PAGE_READWRITE, NUMA_NO_PREFERRED_NODE);
	tap_ok(p != NULL, "NUMA_NO_PREFERRED_NODE");
	VirtualFree(p, 0, MEM_RELEASE);
	param.ULong = 200;
	fails_with(VirtualAlloc2(NULL, NULL, PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE,
				 &param, 1) != NULL, ERROR_INVALID_PARAMETER,
		   "VirtualAlloc2: an invalid node number");
}

/*
 * MapViewOfFileNuma2: a pagefile section's fresh frames come from the
 * view's preferred node, whoever touches them; pages another view touched
 * first stay where they are.
 */
static void test_views(void)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
				      2 * NPAGES * PAGE, NULL);
	unsigned int last = nodes - 1;
	MEM_EXTENDED_PARAMETER param = { 0 };
	char *v, *w;

	pin(first_cpu(0));
	v = MapViewOfFileNuma2(h, GetCurrentProcess(), 0, NULL, NPAGES * PAGE, 0, PAGE_READWRITE,
			       last);
	tap_ok(v != NULL, "MapViewOfFileNuma2 with node %u (error %u)", last, GetLastError());
	if (v) {
		touch(v, NPAGES);
		tap_eq(pages_off_node(v, NPAGES, last, NULL), 0,
		       "its fresh frames come from the preferred node, touched from node 0");
	}
	param.Type = MemExtendedParameterNumaNode;
	param.ULong = last;
	w = MapViewOfFile3(h, NULL, NULL, NPAGES * PAGE, NPAGES * PAGE, 0, PAGE_READWRITE,
			   &param, 1);
	tap_ok(w != NULL, "MapViewOfFile3 with MemExtendedParameterNumaNode");
	if (w) {
		touch(w, NPAGES);
		tap_eq(pages_off_node(w, NPAGES, last, NULL), 0, "the same");
		UnmapViewOfFile(w);
	}
	fails_with(MapViewOfFileNuma2(h, GetCurrentProcess(), 0, NULL, PAGE, 0, PAGE_READWRITE,
				      nodes) != NULL, ERROR_INVALID_PARAMETER,
		   "41: an invalid node number");
	unpin();
	UnmapViewOfFile(v);
	CloseHandle(h);
}

/* The preferred node full: frames come from another, and the true node is reported. */
static void test_fallback(void)
{
	unsigned long per_node[64] = { 0 }, pages, off;
	unsigned int last = nodes - 1;
	ULONGLONG free_bytes = 0;
	char *p;

	if (nodes < 2)
		return;
	GetNumaAvailableMemoryNode((UCHAR)last, &free_bytes);
	pages = (free_bytes + (64ULL << 20)) / PAGE;
	p = VirtualAllocExNuma(GetCurrentProcess(), NULL, pages * PAGE, MEM_RESERVE | MEM_COMMIT,
			       PAGE_READWRITE, last);
	if (!tap_ok(p != NULL, "an allocation 64 MiB larger than node %u's free memory", last))
		return;
	touch(p, pages);
	off = pages_off_node(p, pages, last, per_node);
	tap_ok(per_node[last] > pages / 2 && off > 0 && off < pages,
	       "41: most frames on the preferred node, the rest elsewhere (%lu of %lu)", off, pages);
	tap_eq(per_node[last] + off, pages, "every page is valid, with its true node");
	VirtualFree(p, 0, MEM_RELEASE);
}

static void test_address_requirements(void)
{
	MEM_ADDRESS_REQUIREMENTS req = {
		.LowestStartingAddress = (PVOID)0x40000000,
		.HighestEndingAddress = (PVOID)0x7fffffff,
		.Alignment = 0x100000,
	};
	MEM_EXTENDED_PARAMETER param = {
		.Type = MemExtendedParameterAddressRequirements,
		.Pointer = &req,
	};
	char *p;

	p = VirtualAlloc2(NULL, NULL, 0x30000, MEM_RESERVE, PAGE_READWRITE, &param, 1);
	tap_ok(p && (unsigned long)p >= 0x40000000 && (unsigned long)p + 0x30000 <= 0x80000000 &&
	       !((unsigned long)p & 0xfffff),
	       "VirtualAlloc2: in [Lowest, Highest], aligned to 1 MiB (%p)", (void *)p);
	VirtualFree(p, 0, MEM_RELEASE);
	req.Alignment = 0x30000;
	fails_with(VirtualAlloc2(NULL, NULL, PAGE, MEM_RESERVE, PAGE_READWRITE, &param, 1) != NULL,
		   ERROR_INVALID_PARAMETER, "an alignment that is not a power of two");
	req.Alignment = 0;
	fails_with(VirtualAlloc2(NULL, (PVOID)0x50000000, PAGE, MEM_RESERVE, PAGE_READWRITE,
				 &param, 1) != NULL,
		   ERROR_INVALID_PARAMETER, "address requirements with a fixed address");
	req.HighestEndingAddress = (PVOID)0x40000000;
	fails_with(VirtualAlloc2(NULL, NULL, PAGE, MEM_RESERVE, PAGE_READWRITE, &param, 1) != NULL,
		   ERROR_INVALID_PARAMETER, "a highest end not just under 64 KiB");
	param.Type = 99;
	fails_with(VirtualAlloc2(NULL, NULL, PAGE, MEM_RESERVE, PAGE_READWRITE, &param, 1) != NULL,
		   ERROR_INVALID_PARAMETER, "an unknown parameter type");
	param.Type = MemExtendedParameterPartitionHandle;
	fails_with(VirtualAlloc2(NULL, NULL, PAGE, MEM_RESERVE, PAGE_READWRITE, &param, 1) != NULL,
		   ERROR_CALL_NOT_IMPLEMENTED, "memory partitions are not offered");
}

static void test_working_set_ex(void)
{
	PSAPI_WORKING_SET_EX_INFORMATION ws[4];
	char *p = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	DWORD old;
	int i;

	fails_with(QueryWorkingSetEx(GetCurrentProcess(), ws, 0), ERROR_BAD_LENGTH, "29: cb 0");
	p[PAGE] = 1;
	p[2 * PAGE] = 1;
	VirtualProtect(p + 2 * PAGE, PAGE, PAGE_NOACCESS, &old);
	VirtualLock(p + 3 * PAGE, PAGE);
	/* In reverse order: the input need not be sorted. */
	for (i = 0; i < 4; i++)
		ws[i].VirtualAddress = p + (3 - i) * PAGE;
	tap_ok(QueryWorkingSetEx(GetCurrentProcess(), ws, sizeof(ws)), "QueryWorkingSetEx");
	tap_eq(ws[3].VirtualAttributes.Flags, 0, "29: an untouched committed page is not valid");
	tap_ok(ws[2].VirtualAttributes.Valid && ws[2].VirtualAttributes.Win32Protection == PAGE_READWRITE &&
	       !ws[2].VirtualAttributes.Shared && !ws[2].VirtualAttributes.LargePage,
	       "29: a touched page: Valid 1, Win32Protection 4");
	tap_eq(ws[1].VirtualAttributes.Valid, 0, "29: after PAGE_NOACCESS: Valid 0");
	tap_ok(ws[0].VirtualAttributes.Valid && ws[0].VirtualAttributes.Locked,
	       "29: after VirtualLock: Valid 1, Locked 1");
	VirtualFree(p, 0, MEM_RELEASE);
	tap_ok(QueryWorkingSetEx(GetCurrentProcess(), ws, sizeof(ws[0])) &&
	       !ws[0].VirtualAttributes.Valid, "29: after release: Valid 0");
	fails_with(QueryWorkingSetEx((HANDLE)(LONG_PTR)-2, ws, sizeof(ws)), ERROR_INVALID_HANDLE,
		   "the thread pseudo-handle is no process's: E6");
}

int main(void)
{
	nodes = count_nodes();
	printf("# %u NUMA node(s), %ld processors\n", nodes, sysconf(_SC_NPROCESSORS_ONLN));
	test_topology();
	test_placement();
	test_address_requirements();
	test_working_set_ex();
	test_views();
	test_fallback();
	return tap_done();
}
