// SPDX-License-Identifier: LGPL-2.1-or-later
/* psapi.h's working-set queries, answered by ntmm.ko. */
#include <psapi.h>

#include "internal.h"

NTMM_EXPORT BOOL WINAPI QueryWorkingSetEx(HANDLE hProcess, PVOID pv, DWORD cb)
{
	/* PSAPI_WORKING_SET_EX_INFORMATION is struct ntmm_ws_entry, field for field. */
	struct ntmm_working_set_ex w = {
		.size = sizeof(w),
		.count = cb / sizeof(PSAPI_WORKING_SET_EX_INFORMATION),
		.entries = (ULONG_PTR)pv,
	};

	_Static_assert(sizeof(PSAPI_WORKING_SET_EX_INFORMATION) == sizeof(struct ntmm_ws_entry),
		       "one layout for both");
	if (!w.count) {
		SetLastError(ERROR_BAD_LENGTH);
		return FALSE;
	}
	if (!pv) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	return !ntmm_process_call(hProcess, NTMM_IOC_WORKING_SET_EX, &w) &&
	       ntmm_status(w.status);
}
