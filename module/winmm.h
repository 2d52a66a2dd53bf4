/* SPDX-License-Identifier: GPL-2.0 */
/*
 * winmm's internal interfaces, shared by the files of winmm.ko and by its
 * KUnit tests (through EXPORT_SYMBOL_IF_KUNIT).
 */
#ifndef WINMM_INTERNAL_H
#define WINMM_INTERNAL_H

#include <linux/kref.h>
#include <linux/types.h>

struct mm_struct;

/**
 * struct winmm_process - the winmm context of one address space.
 * @mm:		the address space, held by mmgrab(): the key of the context
 *		and the one mm allowed to use it.
 * @ref:	one reference per open file of the process (and per caller of
 *		winmm_process_get()); the context dies with the last.
 * @hash:	in winmm_processes, under winmm_processes_lock.
 */
struct winmm_process {
	struct mm_struct *mm;
	struct kref ref;
	struct hlist_node hash;
};

struct winmm_process *winmm_process_get(struct mm_struct *mm);
void winmm_process_put(struct winmm_process *proc);
unsigned int winmm_process_count(void);

long winmm_ioctl(struct winmm_process *proc, unsigned int cmd,
		 void __user *arg);
int winmm_copy_struct_in(void *dst, size_t ksize, size_t min_size,
			 const void __user *src);

#endif /* WINMM_INTERNAL_H */
