/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libwinmm's private interfaces. */
#ifndef LIBWINMM_INTERNAL_H
#define LIBWINMM_INTERNAL_H

#include <windows.h>
#include <linux/winmm.h>

#define WINMM_EXPORT __attribute__((visibility("default")))

/*
 * Issue one ioctl on this process's /dev/winmm, opening it on first use.
 * Return 0 when the call reached the module (the outcome is the struct's
 * status), or -1 with the Win32 last error set.
 */
int winmm_ioctl(unsigned long cmd, void *arg);

/* The device's descriptor if it is open, else -1: safe in a signal handler. */
int winmm_device_fd(void);

/*
 * Set the last error from an NTSTATUS the module returned; TRUE for success.
 * STATUS_NOT_IMPLEMENTED from the module means a feature winmm does not
 * have yet, reported as ERROR_CALL_NOT_IMPLEMENTED.
 */
BOOL winmm_status(ULONG status);

#endif /* LIBWINMM_INTERNAL_H */
