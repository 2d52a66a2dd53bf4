/* SPDX-License-Identifier: GPL-2.0 */
/* The ioctl layer (ioctl.c): dispatch, and the user structs in and out. */
#ifndef NTMM_IOCTL_H
#define NTMM_IOCTL_H

#include <linux/compiler_types.h>
#include <linux/types.h>

struct file;
struct ntmm_process;

long ntmm_ioctl(struct file *file, struct ntmm_process *proc,
		unsigned int cmd, void __user *arg);
int ntmm_copy_struct_in(void *dst, size_t ksize, size_t min_size,
			const void __user *src);

#endif /* NTMM_IOCTL_H */
