// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NtQuerySystemInformation(SystemPoolTagInformation): the kernel pools'
 * counters by tag, as poolmon reads them on Windows. Other information
 * classes are not offered (STATUS_INVALID_INFO_CLASS).
 */
#include <stddef.h>
#include <stdlib.h>

#include "internal.h"

/* Read every tag's counters from the module into a fresh array. */
static NTSTATUS read_tags(struct ntmm_pool_tag_info **out, ULONG *count)
{
	struct ntmm_pool_tags q = { .size = sizeof(q) };
	struct ntmm_pool_tag_info *info = NULL;

	for (;;) {
		q.entries = (ULONG_PTR)info;
		if (ntmm_ioctl(NTMM_IOC_POOL_TAGS, &q)) {
			free(info);
			return (NTSTATUS)NTMM_STATUS_NOT_IMPLEMENTED;
		}
		if (q.status != NTMM_STATUS_INFO_LENGTH_MISMATCH)
			break;
		/* Tags appeared meanwhile: make room and read again. */
		free(info);
		info = calloc(q.count + 16, sizeof(*info));
		if (!info)
			return (NTSTATUS)NTMM_STATUS_NO_MEMORY;
		q.count += 16;
	}
	*out = info;
	*count = q.count;
	return (NTSTATUS)q.status;
}

NTMM_EXPORT NTSTATUS NTAPI NtQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass,
						    PVOID SystemInformation,
						    ULONG SystemInformationLength,
						    PULONG ReturnLength)
{
	PSYSTEM_POOLTAG_INFORMATION out = SystemInformation;
	struct ntmm_pool_tag_info *info = NULL;
	ULONG count = 0, i, need;
	NTSTATUS status;

	if (SystemInformationClass != SystemPoolTagInformation)
		return STATUS_INVALID_INFO_CLASS;
	status = read_tags(&info, &count);
	if (status)
		return status;
	need = offsetof(SYSTEM_POOLTAG_INFORMATION, TagInfo) + count * sizeof(SYSTEM_POOLTAG);
	if (ReturnLength)
		*ReturnLength = need;
	if (SystemInformationLength < need || !out) {
		free(info);
		return STATUS_INFO_LENGTH_MISMATCH;
	}
	out->Count = count;
	for (i = 0; i < count; i++) {
		PSYSTEM_POOLTAG t = &out->TagInfo[i];

		t->TagUlong = info[i].tag;
		t->PagedAllocs = (ULONG)info[i].paged_allocs;
		t->PagedFrees = (ULONG)info[i].paged_frees;
		t->PagedUsed = info[i].paged_bytes;
		t->NonPagedAllocs = (ULONG)info[i].nonpaged_allocs;
		t->NonPagedFrees = (ULONG)info[i].nonpaged_frees;
		t->NonPagedUsed = info[i].nonpaged_bytes;
	}
	free(info);
	return STATUS_SUCCESS;
}
