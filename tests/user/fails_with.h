/* SPDX-License-Identifier: GPL-2.0 */
/* fails_with(): a Win32 call failed with the last error expected. */
#ifndef NTMM_TESTS_FAILS_WITH_H
#define NTMM_TESTS_FAILS_WITH_H

#include <windows.h>

#include "tap.h"

/* @ok is evaluated before the last error is read, so the message shows it. */
static inline int fails_with_error(int ok, DWORD want, const char *what)
{
	DWORD err = GetLastError();

	return tap_ok(!ok && err == want, "%s: error %u (want %u)", what, err, want);
}

#define fails_with(ok, err, what)	fails_with_error(!!(ok), (DWORD)(err), what)

#endif /* NTMM_TESTS_FAILS_WITH_H */
