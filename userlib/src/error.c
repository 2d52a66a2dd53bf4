// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The thread's last error, and the one table from NTSTATUS to Win32 errors
 * (RtlNtStatusToDosError's mapping for the statuses the memory manager
 * returns, as Windows maps them).
 */
#include <stdlib.h>

#include "internal.h"

static __thread DWORD last_error;

NTMM_EXPORT DWORD WINAPI GetLastError(void)
{
	return last_error;
}

NTMM_EXPORT void WINAPI SetLastError(DWORD dwErrCode)
{
	last_error = dwErrCode;
}

struct status_map {
	ULONG status;
	ULONG error;
};

/*
 * Sorted by status, for bsearch. The module's statuses by their uapi names;
 * the others are statuses a Windows program may hand RtlNtStatusToDosError
 * that the module does not return (yet), by NT's numbers.
 */
static const struct status_map status_map[] = {
	{ NTMM_STATUS_OBJECT_NAME_EXISTS, ERROR_ALREADY_EXISTS },
	{ NTMM_STATUS_GUARD_PAGE_VIOLATION, NTMM_STATUS_GUARD_PAGE_VIOLATION },
	{ NTMM_STATUS_UNSUCCESSFUL, ERROR_GEN_FAILURE },
	{ NTMM_STATUS_NOT_IMPLEMENTED, ERROR_INVALID_FUNCTION },
	{ NTMM_STATUS_INFO_LENGTH_MISMATCH, ERROR_BAD_LENGTH },
	{ NTMM_STATUS_ACCESS_VIOLATION, ERROR_NOACCESS },
	{ NTMM_STATUS_INVALID_HANDLE, ERROR_INVALID_HANDLE },
	{ NTMM_STATUS_INVALID_PARAMETER, ERROR_INVALID_PARAMETER },
	{ 0xC0000011U /* STATUS_END_OF_FILE, ReadFile's OVERLAPPED.Internal */, ERROR_HANDLE_EOF },
	{ NTMM_STATUS_NO_MEMORY, ERROR_NOT_ENOUGH_MEMORY },
	{ NTMM_STATUS_CONFLICTING_ADDRESSES, ERROR_INVALID_ADDRESS },
	{ NTMM_STATUS_NOT_MAPPED_VIEW, ERROR_INVALID_ADDRESS },
	{ NTMM_STATUS_UNABLE_TO_FREE_VM, ERROR_INVALID_PARAMETER },
	{ NTMM_STATUS_UNABLE_TO_DELETE_SECTION, ERROR_INVALID_PARAMETER },
	{ NTMM_STATUS_INVALID_VIEW_SIZE, ERROR_ACCESS_DENIED },
	{ NTMM_STATUS_INVALID_FILE_FOR_SECTION, ERROR_BAD_EXE_FORMAT },
	{ 0xC0000021U /* STATUS_ALREADY_COMMITTED */, ERROR_ACCESS_DENIED },
	{ NTMM_STATUS_ACCESS_DENIED, ERROR_ACCESS_DENIED },
	{ 0xC0000023U /* STATUS_BUFFER_TOO_SMALL */, ERROR_INSUFFICIENT_BUFFER },
	{ NTMM_STATUS_NOT_LOCKED, ERROR_NOT_LOCKED },
	{ NTMM_STATUS_NOT_COMMITTED, ERROR_INVALID_ADDRESS },
	{ NTMM_STATUS_OBJECT_NAME_INVALID, ERROR_INVALID_NAME },
	{ NTMM_STATUS_OBJECT_NAME_NOT_FOUND, ERROR_FILE_NOT_FOUND },
	{ 0xC0000035U /* STATUS_OBJECT_NAME_COLLISION */, ERROR_ALREADY_EXISTS },
	{ NTMM_STATUS_SECTION_TOO_BIG, ERROR_NOT_ENOUGH_MEMORY },
	{ NTMM_STATUS_INVALID_PAGE_PROTECTION, ERROR_INVALID_PARAMETER },
	{ NTMM_STATUS_SECTION_PROTECTION, ERROR_INVALID_PARAMETER },
	{ NTMM_STATUS_PRIVILEGE_NOT_HELD, ERROR_PRIVILEGE_NOT_HELD },
	{ NTMM_STATUS_INSUFFICIENT_RESOURCES, ERROR_NO_SYSTEM_RESOURCES },
	{ NTMM_STATUS_FREE_VM_NOT_AT_BASE, ERROR_INVALID_ADDRESS },
	{ NTMM_STATUS_MEMORY_NOT_ALLOCATED, ERROR_INVALID_ADDRESS },
	{ 0xC00000A1U /* STATUS_WORKING_SET_QUOTA */, ERROR_WORKING_SET_QUOTA },
	{ NTMM_STATUS_MAPPED_FILE_SIZE_ZERO, ERROR_FILE_INVALID },
	{ NTMM_STATUS_COMMITMENT_LIMIT, ERROR_COMMITMENT_LIMIT },
	{ 0xC0000141U /* STATUS_INVALID_ADDRESS */, ERROR_INVALID_ADDRESS },
	{ NTMM_STATUS_MAPPED_ALIGNMENT, ERROR_MAPPED_ALIGNMENT },
};

static int status_cmp(const void *key, const void *entry)
{
	ULONG a = *(const ULONG *)key, b = ((const struct status_map *)entry)->status;

	return a < b ? -1 : a > b;
}

NTMM_EXPORT ULONG NTAPI RtlNtStatusToDosError(NTSTATUS Status)
{
	ULONG s = (ULONG)Status;
	const struct status_map *m;

	/* Success and customer-defined codes pass through, as on Windows. */
	if (!s || (s & 0x20000000))
		return s;
	/* 0xD... is the same as 0xC... */
	if ((s & 0xf0000000) == 0xd0000000)
		s &= ~0x10000000;
	m = bsearch(&s, status_map, sizeof(status_map) / sizeof(status_map[0]),
		    sizeof(status_map[0]), status_cmp);
	return m ? m->error : ERROR_MR_MID_NOT_FOUND;
}

BOOL ntmm_status(ULONG status)
{
	if (status == NTMM_STATUS_NOT_IMPLEMENTED) {
		SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
		return FALSE;
	}
	if ((LONG)status < 0) {
		SetLastError(RtlNtStatusToDosError((NTSTATUS)status));
		return FALSE;
	}
	return TRUE;
}
