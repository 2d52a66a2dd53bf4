// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NUMA topology and processor numbers, as Windows reports them, from what
 * Linux publishes in sysfs (/sys/devices/system/node). One processor group
 * (group 0) of at most 64 processors; a kernel without NUMA is one node, 0.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

#include "internal.h"

#define NODE_DIR	"/sys/devices/system/node"
#define MAX_BITS	64

/* Read a small sysfs file into @buf; FALSE if it is not there. */
static BOOL read_text(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return FALSE;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return TRUE;
}

/* A sysfs list ("0-3,6") as a mask of its first 64 numbers. */
static ULONGLONG parse_list(const char *s)
{
	ULONGLONG mask = 0;
	unsigned long lo, hi;
	char *end;

	while (*s >= '0' && *s <= '9') {
		lo = hi = strtoul(s, &end, 10);
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		for (; lo <= hi && lo < MAX_BITS; lo++)
			mask |= 1ULL << lo;
		s = *end == ',' ? end + 1 : end;
	}
	return mask;
}

/* The online nodes; node 0 alone when the kernel has no NUMA. */
static ULONGLONG online_nodes(void)
{
	char buf[256];

	if (!read_text(NODE_DIR "/online", buf, sizeof(buf)))
		return 1;
	return parse_list(buf);
}

static BOOL node_exists(unsigned int node)
{
	if (node < MAX_BITS && (online_nodes() & (1ULL << node)))
		return TRUE;
	SetLastError(ERROR_INVALID_PARAMETER);
	return FALSE;
}

/* The processors of an online @node. */
static ULONGLONG node_processors(unsigned int node)
{
	char path[64], buf[1024];

	snprintf(path, sizeof(path), NODE_DIR "/node%u/cpulist", node);
	if (read_text(path, buf, sizeof(buf)))
		return parse_list(buf);
	if (read_text("/sys/devices/system/cpu/online", buf, sizeof(buf)))
		return parse_list(buf);
	return 1;
}

/* Free bytes of an online @node. */
static ULONGLONG node_free_bytes(unsigned int node)
{
	char path[64], buf[4096], *line;
	unsigned long long kb;
	struct sysinfo si;

	snprintf(path, sizeof(path), NODE_DIR "/node%u/meminfo", node);
	if (read_text(path, buf, sizeof(buf)) && (line = strstr(buf, "MemFree:")) &&
	    sscanf(line, "MemFree: %llu kB", &kb) == 1)
		return kb * 1024;
	if (sysinfo(&si))
		return 0;
	return (ULONGLONG)si.freeram * si.mem_unit;
}

NTMM_EXPORT BOOL WINAPI GetNumaHighestNodeNumber(PULONG HighestNodeNumber)
{
	ULONGLONG nodes = online_nodes();

	if (!HighestNodeNumber) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	*HighestNodeNumber = 63 - __builtin_clzll(nodes | 1);
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI GetNumaNodeProcessorMaskEx(USHORT Node, PGROUP_AFFINITY ProcessorMask)
{
	if (!ProcessorMask) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if (!node_exists(Node))
		return FALSE;
	memset(ProcessorMask, 0, sizeof(*ProcessorMask));
	ProcessorMask->Mask = node_processors(Node);
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI GetNumaNodeProcessorMask(UCHAR Node, PULONGLONG ProcessorMask)
{
	GROUP_AFFINITY affinity;

	if (!ProcessorMask) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if (!GetNumaNodeProcessorMaskEx(Node, &affinity))
		return FALSE;
	*ProcessorMask = affinity.Mask;
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI GetNumaAvailableMemoryNodeEx(USHORT Node, PULONGLONG AvailableBytes)
{
	if (!AvailableBytes) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if (!node_exists(Node))
		return FALSE;
	*AvailableBytes = node_free_bytes(Node);
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI GetNumaAvailableMemoryNode(UCHAR Node, PULONGLONG AvailableBytes)
{
	return GetNumaAvailableMemoryNodeEx(Node, AvailableBytes);
}

NTMM_EXPORT BOOL WINAPI GetNumaProcessorNodeEx(PPROCESSOR_NUMBER Processor, PUSHORT NodeNumber)
{
	ULONGLONG nodes = online_nodes();
	unsigned int node;

	if (!Processor || !NodeNumber) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	for (node = 0; Processor->Group == 0 && node < MAX_BITS; node++) {
		if ((nodes & (1ULL << node)) &&
		    Processor->Number < MAX_BITS &&
		    (node_processors(node) & (1ULL << Processor->Number))) {
			*NodeNumber = (USHORT)node;
			return TRUE;
		}
	}
	/* No such processor, as Windows answers it. */
	*NodeNumber = 0xffff;
	SetLastError(ERROR_INVALID_PARAMETER);
	return FALSE;
}

NTMM_EXPORT BOOL WINAPI GetNumaProcessorNode(UCHAR Processor, PUCHAR NodeNumber)
{
	PROCESSOR_NUMBER number = { .Group = 0, .Number = Processor };
	USHORT node;
	BOOL ok;

	if (!NodeNumber) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	ok = GetNumaProcessorNodeEx(&number, &node);
	*NodeNumber = ok ? (UCHAR)node : 0xff;
	return ok;
}

NTMM_EXPORT DWORD WINAPI GetCurrentProcessorNumber(void)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : (DWORD)cpu;
}

NTMM_EXPORT void WINAPI GetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber)
{
	ProcNumber->Group = 0;
	ProcNumber->Number = (BYTE)GetCurrentProcessorNumber();
	ProcNumber->Reserved = 0;
}
