// SPDX-License-Identifier: GPL-2.0
/*
 * NtQuerySystemInformation(SystemPoolTagInformation), libntmm's window on
 * the kernel pools' counters: sizes, the length dance, other classes.
 */
#include <stddef.h>
#include <stdlib.h>
#include <windows.h>

#include "tap.h"

int main(void)
{
	ULONG len = 0, len2 = 0, i;
	PSYSTEM_POOLTAG_INFORMATION info;
	NTSTATUS st;
	int sane = 1;

	tap_eq(sizeof(SYSTEM_POOLTAG), 40, "SYSTEM_POOLTAG is Windows x64's 40 bytes");
	tap_eq(offsetof(SYSTEM_POOLTAG_INFORMATION, TagInfo), 8, "TagInfo at offset 8");
	st = NtQuerySystemInformation((SYSTEM_INFORMATION_CLASS)5, NULL, 0, &len);
	tap_eq((ULONG)st, (ULONG)STATUS_INVALID_INFO_CLASS, "another class: STATUS_INVALID_INFO_CLASS");
	st = NtQuerySystemInformation(SystemPoolTagInformation, NULL, 0, &len);
	tap_eq((ULONG)st, (ULONG)STATUS_INFO_LENGTH_MISMATCH, "no buffer: STATUS_INFO_LENGTH_MISMATCH");
	tap_ok(len >= 8 && (len - 8) % sizeof(SYSTEM_POOLTAG) == 0,
	       "... and the length needed (%lu)", (unsigned long)len);
	len += 16 * sizeof(SYSTEM_POOLTAG);	/* room for tags made meanwhile */
	info = malloc(len);
	st = NtQuerySystemInformation(SystemPoolTagInformation, info, len, &len2);
	tap_eq((ULONG)st, 0, "with room: STATUS_SUCCESS");
	tap_eq(len2, 8 + info->Count * sizeof(SYSTEM_POOLTAG), "ReturnLength is what was filled");
	for (i = 0; i < info->Count; i++)
		sane &= info->TagInfo[i].TagUlong != 0 &&
			info->TagInfo[i].PagedFrees <= info->TagInfo[i].PagedAllocs &&
			info->TagInfo[i].NonPagedFrees <= info->TagInfo[i].NonPagedAllocs;
	tap_ok(sane, "%lu tags, each with frees <= allocations", (unsigned long)info->Count);
	free(info);
	return tap_done();
}
