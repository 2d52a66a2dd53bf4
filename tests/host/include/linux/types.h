/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host shim: the kernel's <linux/types.h> on top of the uapi one, as far as
 * the module sources the host tests build need it (the tools/testing/shared
 * pattern: shims live with the tests, never as #ifdefs in the module).
 */
#ifndef NTMM_HOST_LINUX_TYPES_H
#define NTMM_HOST_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;

#ifndef __force
#define __force
#endif

#endif /* NTMM_HOST_LINUX_TYPES_H */
