// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 12, "memory the kernel can move": move_pages(2) (the system call,
 * no libnuma) moves ntmm 4 KiB pages to the other node of a 2-node VM with
 * their contents and protection intact: a PAGE_READONLY page still refuses
 * a write, a PAGE_EXECUTE_READ page still executes, a PAGE_READWRITE one
 * still refuses execution, and QueryWorkingSetEx reports the new node.
 * Refused: reserved and PAGE_NOACCESS pages are not found (-ENOENT or
 * -EFAULT in their status) and keep their state and contents.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <psapi.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <windows.h>

#include "linux_mm.h"
#include "probe.h"
#include "tap.h"

#define PAGE		0x1000UL
#define NPAGES		8	/* 0-3 RW, 4 RO, 5 EXECUTE_READ, 6 NOACCESS, 7 reserved */
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE	(1 << 1)
#endif

static long move_pages(unsigned long count, void **pages, const int *nodes, int *status)
{
	return syscall(SYS_move_pages, 0, count, pages, nodes, status, MPOL_MF_MOVE);
}

static unsigned int count_nodes(void)
{
	DIR *d = opendir("/sys/devices/system/node");
	unsigned int n = 0, id;
	struct dirent *e;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "node%u", &id) == 1)
			n++;
	closedir(d);
	return n;
}

int main(void)
{
	void *pages[NPAGES];
	int status[NPAGES], target[NPAGES], before[NPAGES], i, ok, moved;
	PSAPI_WORKING_SET_EX_INFORMATION ws[NPAGES];
	MEMORY_BASIC_INFORMATION mbi;
	unsigned int nodes = count_nodes();
	DWORD old;
	long r;
	char *p;

	if (!tap_ok(nodes >= 2, "a VM with two NUMA nodes or more (%u)", nodes))
		return tap_done();
	p = VirtualAlloc(NULL, NPAGES * PAGE, MEM_RESERVE, PAGE_READWRITE);
	if (!p || VirtualAlloc(p, 7 * PAGE, MEM_COMMIT, PAGE_READWRITE) != p)
		return tap_ok(0, "an allocation"), tap_done();
	pattern_fill(p, 7 * PAGE, 21);
	p[5 * PAGE] = (char)0xC3;	/* ret */
	p[3 * PAGE] = (char)0xC3;	/* ret, in a read-write page */
	VirtualProtect(p + 4 * PAGE, PAGE, PAGE_READONLY, &old);
	VirtualProtect(p + 5 * PAGE, PAGE, PAGE_EXECUTE_READ, &old);
	VirtualProtect(p + 6 * PAGE, PAGE, PAGE_NOACCESS, &old);
	tap_ok(!faults(p + 5 * PAGE, PROBE_EXEC), "the PAGE_EXECUTE_READ page executes before the move");
	/* A protection change unmaps a page: a read maps it again, for move_pages to find. */
	tap_eq(p[4 * PAGE], (char)pattern_byte(21, 4 * PAGE), "the PAGE_READONLY page reads");

	for (i = 0; i < NPAGES; i++)
		pages[i] = p + i * PAGE;
	r = syscall(SYS_move_pages, 0, 6, pages, NULL, before, 0);
	for (ok = r == 0, i = 0; i < 6; i++)
		ok &= before[i] >= 0 && before[i] < (int)nodes;
	tap_ok(ok, "move_pages reports the node of each touched page (ret %ld, status %d %d %d %d %d %d)",
	       r, before[0], before[1], before[2], before[3], before[4], before[5]);

	for (i = 0; i < NPAGES; i++) {
		target[i] = (before[i < 6 ? i : 0] + 1) % nodes;
		if (target[i] < 0)
			target[i] = 1;
		status[i] = -1000;
	}
	r = move_pages(6, pages, target, status);
	for (ok = r == 0, i = 0; i < 6; i++)
		ok &= status[i] == target[i];
	tap_ok(ok, "move_pages moves six pages (read-write, read-only, execute-read) to the other node "
	       "(ret %ld errno %d, status %d %d %d %d %d %d)", r, errno, status[0], status[1],
	       status[2], status[3], status[4], status[5]);
	moved = ok;
	r = syscall(SYS_move_pages, 0, 6, pages, NULL, status, 0);
	for (ok = r == 0, i = 0; i < 6; i++)
		ok &= status[i] == target[i];
	tap_ok(ok, "and they are there now (status %d %d %d %d %d %d)", status[0], status[1],
	       status[2], status[3], status[4], status[5]);
	for (i = 0; i < 6; i++)
		ws[i].VirtualAddress = pages[i];
	ok = moved && QueryWorkingSetEx(GetCurrentProcess(), ws, 6 * sizeof(ws[0]));
	for (i = 0; ok && i < 6; i++)
		ok &= ws[i].VirtualAttributes.Valid &&
		      (int)ws[i].VirtualAttributes.Node == target[i];
	tap_ok(ok, "QueryWorkingSetEx reports each page valid on its new node");

	{
		char want[7 * PAGE];

		pattern_fill(want, 7 * PAGE, 21);
		want[5 * PAGE] = (char)0xC3;
		want[3 * PAGE] = (char)0xC3;
		tap_ok(!memcmp(p, want, 6 * PAGE), "the moved pages kept their contents");
	}
	tap_ok(faults(p + 4 * PAGE, PROBE_WRITE) && !faults(p + 4 * PAGE, PROBE_READ),
	       "the moved PAGE_READONLY page still refuses a write and takes a read");
	tap_ok(!faults(p + 5 * PAGE, PROBE_EXEC) && faults(p + 5 * PAGE, PROBE_WRITE),
	       "the moved PAGE_EXECUTE_READ page still executes and refuses a write");
	tap_ok(faults(p + 3 * PAGE, PROBE_EXEC) && !faults(p + 3 * PAGE, PROBE_WRITE),
	       "the moved PAGE_READWRITE page still refuses execution and takes a write");
	r = VirtualQuery(p + 4 * PAGE, &mbi, sizeof(mbi));
	tap_ok(r == sizeof(mbi) && mbi.Protect == PAGE_READONLY && mbi.RegionSize == PAGE &&
	       mbi.State == MEM_COMMIT, "VirtualQuery: still PAGE_READONLY (%#x)", mbi.Protect);
	p[0] = 42;
	tap_ok(p[0] == 42 && !faults(p + PAGE, PROBE_WRITE), "and the read-write pages still take writes");

	/* Refused: nothing to move where no page is mapped. */
	status[0] = status[1] = -1000;
	target[0] = target[1] = 0;
	r = move_pages(2, pages + 6, target, status);
	tap_ok((status[0] == -ENOENT || status[0] == -EFAULT) &&
	       (status[1] == -ENOENT || status[1] == -EFAULT),
	       "refused: a PAGE_NOACCESS page and a reserved one are not found (ret %ld, status %d %d)",
	       r, status[0], status[1]);
	r = VirtualQuery(p + 6 * PAGE, &mbi, sizeof(mbi));
	ok = r == sizeof(mbi) && mbi.Protect == PAGE_NOACCESS && mbi.State == MEM_COMMIT;
	r = VirtualQuery(p + 7 * PAGE, &mbi, sizeof(mbi));
	tap_ok(ok && r == sizeof(mbi) && mbi.State == MEM_RESERVE && mbi.RegionSize == PAGE,
	       "and both keep their state (no-access committed, reserved)");
	VirtualProtect(p + 6 * PAGE, PAGE, PAGE_READWRITE, &old);
	for (ok = 1, i = 0; i < (int)PAGE; i++)
		ok &= (unsigned char)p[6 * PAGE + i] == pattern_byte(21, 6 * PAGE + i);
	tap_ok(ok, "the no-access page kept its contents");
	VirtualFree(p, 0, MEM_RELEASE);
	return tap_done();
}
