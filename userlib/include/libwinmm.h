/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What libwinmm offers beyond the Win32 API: the handshake with winmm.ko.
 */
#ifndef LIBWINMM_H
#define LIBWINMM_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The kernel module's ABI version and feature bits (WINMM_FEATURE_* in
 * <linux/winmm.h>). FALSE with GetLastError() = ERROR_DEVICE_NOT_AVAILABLE
 * when /dev/winmm cannot be opened (module not loaded), or ERROR_NOT_SUPPORTED
 * when the module's ABI is not the one this library was built for.
 */
BOOL WINAPI WinmmGetVersion(DWORD *AbiVersion, ULONGLONG *Features);

#ifdef __cplusplus
}
#endif

#endif /* LIBWINMM_H */
