/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What libntmm offers beyond the Win32 API: the handshake with ntmm.ko, and
 * the link between file handles and Linux file descriptors.
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

/*
 * File handles (CreateFile, DuplicateHandle) are Linux file descriptors: the
 * handle of descriptor fd is (HANDLE)(((uintptr_t)fd + 1) << 2), so it is
 * never NULL or INVALID_HANDLE_VALUE and is a multiple of 4, as on Windows.
 * A Linux descriptor can be handed to ReadFile, CloseHandle, ... and a
 * handle's descriptor to read(2), mmap(2), ...: the two are one object, so
 * CloseHandle closes the descriptor and close(2) ends the handle.
 */

/* The handle of descriptor @fd; INVALID_HANDLE_VALUE (ERROR_INVALID_HANDLE) for fd < 0. */
HANDLE WINAPI NtmmHandleFromFd(int fd);

/*
 * The descriptor of handle @h, or -1 with ERROR_INVALID_HANDLE when @h is no
 * descriptor's handle: NULL, a pseudo-handle such as GetCurrentProcess()'s
 * (HANDLE)-1, a value not of the form above, or libntmm's own descriptor of
 * /dev/ntmm. Whether the descriptor is open is not checked here: the call
 * that uses it finds out. The last error is left alone on success.
 */
int WINAPI NtmmFdFromHandle(HANDLE h);

#ifdef __cplusplus
}
#endif

#endif /* LIBNTMM_H */
