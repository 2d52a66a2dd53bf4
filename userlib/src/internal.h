/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libntmm's private interfaces. */
#ifndef LIBNTMM_INTERNAL_H
#define LIBNTMM_INTERNAL_H

#include <windows.h>
#include <linux/ntmm.h>

#define NTMM_EXPORT __attribute__((visibility("default")))

/* GetCurrentProcess()'s pseudo-handle. */
#define CURRENT_PROCESS	((HANDLE)(LONG_PTR)-1)

/*
 * Issue one ioctl on this process's /dev/ntmm, opening it on first use.
 * Return 0 when the call reached the module (the outcome is the struct's
 * status), or -1 with the Win32 last error set.
 */
int ntmm_ioctl(unsigned long cmd, void *arg);

/* The device's descriptor if it is open, else -1: safe in a signal handler. */
int ntmm_device_fd(void);

/*
 * Set the last error from an NTSTATUS the module returned; TRUE for success.
 * STATUS_NOT_IMPLEMENTED from the module means a feature ntmm does not
 * have yet, reported as ERROR_CALL_NOT_IMPLEMENTED.
 */
BOOL ntmm_status(ULONG status);

/* End the process as Windows ends it on @status: a line on stderr, then SIGABRT. */
__attribute__((noreturn)) void ntmm_terminate(DWORD status, const char *why);

/*
 * A moveable Global/Local block, as heap.c's HeapWalk reports it: its heap
 * block starts with its handle, the data follows at this offset.
 */
#define NTMM_MOVEABLE_HEADER	16

/* Mark a block of @heap moveable (or not), for HeapWalk; FALSE if it is no busy block. */
BOOL ntmm_heap_set_moveable(HANDLE heap, void *p, BOOL on);

/*
 * The descriptor of file handle @h (libntmm.h's encoding), or -1 if @h is no
 * descriptor's handle; NtmmFdFromHandle without the last error.
 */
int ntmm_handle_fd(HANDLE h);

/*
 * ioctl @cmd on the process of handle @process: the caller's own for
 * GetCurrentProcess's pseudo-handle, else through NTMM_IOC_REMOTE.
 * Return: 0 if the call ran (its status is in @arg), else -1 with the last
 * error set.
 */
int ntmm_process_call(HANDLE process, unsigned long cmd, void *arg);

/* A process handle from @source (/proc/@pid/mem, or a process handle and 0); -1 on failure. */
int ntmm_process_open(int source, DWORD pid, DWORD access, BOOL inherit);

/* The Win32 error for a Linux errno: the one table (errno.c), for every file. */
DWORD ntmm_errno_to_win32(int err);

/* SetLastError(ntmm_errno_to_win32(@err)). */
void ntmm_set_errno_error(int err);

/*
 * @s as a malloc'd UTF-8 string, surrogate pairs joined. NULL with
 * ERROR_INVALID_PARAMETER for NULL or an unpaired surrogate, or with
 * ERROR_NOT_ENOUGH_MEMORY; the last error is left alone on success.
 */
char *ntmm_utf16_to_utf8(LPCWSTR s);

#endif /* LIBNTMM_INTERNAL_H */
