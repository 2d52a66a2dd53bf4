/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels winmm supports (Debian's 6.1 and
 * 6.12) lives here, keyed on LINUX_VERSION_CODE, so the rest of the module
 * reads as if there were one kernel.
 */
#ifndef WINMM_COMPAT_H
#define WINMM_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>

/*
 * The top of the address range handed to a process. x86-64 keeps 47-bit
 * addresses unless the process asks for more (DEFAULT_MAP_WINDOW); Windows
 * programs expect the same 128 TiB layout.
 */
#ifdef DEFAULT_MAP_WINDOW
#define WINMM_USER_ADDRESS_END	DEFAULT_MAP_WINDOW
#else
#define WINMM_USER_ADDRESS_END	TASK_SIZE
#endif

#endif /* WINMM_COMPAT_H */
