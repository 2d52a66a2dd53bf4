/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What libntmm offers beyond the Win32 API: the handshake with ntmm.ko.
 */
#ifndef LIBNTMM_H
#define LIBNTMM_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The kernel module's ABI version and feature bits (NTMM_FEATURE_* in
 * <linux/ntmm.h>). FALSE with GetLastError() = ERROR_DEVICE_NOT_AVAILABLE
 * when /dev/ntmm cannot be opened (module not loaded), or ERROR_NOT_SUPPORTED
 * when the module's ABI is not the one this library was built for.
 */
BOOL WINAPI NtmmGetVersion(DWORD *AbiVersion, ULONGLONG *Features);

#ifdef __cplusplus
}
#endif

#endif /* LIBNTMM_H */
