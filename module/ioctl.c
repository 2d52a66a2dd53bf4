// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl entry: command dispatch, size-prefixed structs in and out, and
 * the handlers that answer without touching the address space.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/cpumask.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/ntmm.h>

#include "ntmm.h"

#define NTMM_FEATURES	(NTMM_FEATURE_SYSTEM_INFO | NTMM_FEATURE_VIRTUAL_MEMORY | \
			 NTMM_FEATURE_FAULT_REASON | NTMM_FEATURE_LOCK | \
			 NTMM_FEATURE_WRITE_WATCH | NTMM_FEATURE_RESET | \
			 NTMM_FEATURE_RESET_UNDO | NTMM_FEATURE_LARGE_PAGES | \
			 NTMM_FEATURE_NUMA | NTMM_FEATURE_WORKING_SET_EX | \
			 NTMM_FEATURE_POOL_TAGS)

/**
 * ntmm_copy_struct_in() - Read a size-prefixed ioctl struct.
 * @dst: the kernel's copy, @ksize bytes.
 * @ksize: the size of the struct this kernel knows.
 * @min_size: the size of its first version (*_SIZE_VER0).
 * @src: the user's struct, whose first __u32 is its size.
 *
 * A smaller user struct is zero-extended; a larger one must be zero past
 * @ksize (copy_struct_from_user()), so a newer caller that uses nothing this
 * kernel lacks still works.
 *
 * Return: 0, -EFAULT, or -EINVAL for a size below @min_size, above a page,
 * or with non-zero bytes this kernel does not know.
 */
int ntmm_copy_struct_in(void *dst, size_t ksize, size_t min_size,
			 const void __user *src)
{
	u32 usize;
	int ret;

	if (get_user(usize, (const u32 __user *)src))
		return -EFAULT;
	if (usize < min_size || usize > PAGE_SIZE)
		return -EINVAL;
	ret = copy_struct_from_user(dst, ksize, src, usize);
	return ret == -E2BIG ? -EINVAL : ret;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_copy_struct_in);

/**
 * ntmm_copy_struct_out() - Write back an ioctl struct read by ntmm_copy_struct_in().
 * @dst: the user's struct.
 * @src: the kernel's copy, whose first field still holds the caller's size.
 * @ksize: the size of the struct this kernel knows.
 *
 * Return: 0 or -EFAULT.
 */
int ntmm_copy_struct_out(void __user *dst, const void *src, size_t ksize)
{
	size_t usize = *(const u32 *)src;

	return copy_to_user(dst, src, min(usize, ksize)) ? -EFAULT : 0;
}

static long ntmm_ioctl_version(void __user *arg)
{
	struct ntmm_version v;
	int ret;

	ret = ntmm_copy_struct_in(&v, sizeof(v), NTMM_VERSION_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (v.__pad0)
		return -EINVAL;
	v.status = NTMM_STATUS_SUCCESS;
	v.abi_version = NTMM_ABI_VERSION;
	v.features = NTMM_FEATURES;
	return ntmm_copy_struct_out(arg, &v, sizeof(v));
}

static long ntmm_ioctl_system_info(void __user *arg)
{
	struct ntmm_system_info si;
	unsigned int cpu;
	int ret;

	ret = ntmm_copy_struct_in(&si, sizeof(si), NTMM_SYSTEM_INFO_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (si.__pad0)
		return -EINVAL;
	si.status = NTMM_STATUS_SUCCESS;
	si.page_size = NTMM_PAGE_SIZE;
	si.allocation_granularity = NTMM_ALLOCATION_GRANULARITY;
	si.min_address = ntmm_user_min();
	si.max_address = ntmm_user_max();
	si.active_processor_mask = 0;
	for_each_online_cpu(cpu) {
		if (cpu < 64)
			si.active_processor_mask |= 1ULL << cpu;
	}
	si.processor_count = num_online_cpus();
	return ntmm_copy_struct_out(arg, &si, sizeof(si));
}

/**
 * ntmm_ioctl() - Dispatch one ioctl of a ntmm file.
 * @file: the file, which new allocations map.
 * @proc: the file's context.
 * @cmd: the command; matched on type, number and direction, not size.
 * @arg: the user's struct.
 *
 * Return: 0 (the outcome is in the struct's status), -ENOTTY for an unknown
 * command, -EACCES from any mm but the context's, or the copy's error.
 */
long ntmm_ioctl(struct file *file, struct ntmm_process *proc,
		 unsigned int cmd, void __user *arg)
{
	if (_IOC_TYPE(cmd) != NTMM_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	/* A descriptor inherited over fork or exec must not reach this context. */
	if (current->mm != proc->mm)
		return -EACCES;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(NTMM_IOC_VERSION):
		return ntmm_ioctl_version(arg);
	case _IOC_NR(NTMM_IOC_SYSTEM_INFO):
		return ntmm_ioctl_system_info(arg);
	case _IOC_NR(NTMM_IOC_ALLOCATE):
		return ntmm_ioctl_allocate(file, proc, arg);
	case _IOC_NR(NTMM_IOC_FREE):
		return ntmm_ioctl_free(proc, arg);
	case _IOC_NR(NTMM_IOC_PROTECT):
		return ntmm_ioctl_protect(proc, arg);
	case _IOC_NR(NTMM_IOC_QUERY):
		return ntmm_ioctl_query(proc, arg);
	case _IOC_NR(NTMM_IOC_MEMORY_STATUS):
		return ntmm_ioctl_memory_status(proc, arg);
	case _IOC_NR(NTMM_IOC_FAULT_REASON):
		return ntmm_ioctl_fault_reason(proc, arg);
	case _IOC_NR(NTMM_IOC_LOCK):
		return ntmm_ioctl_lock(proc, arg);
	case _IOC_NR(NTMM_IOC_WRITE_WATCH):
		return ntmm_ioctl_write_watch(proc, arg);
	case _IOC_NR(NTMM_IOC_WORKING_SET_EX):
		return ntmm_ioctl_working_set_ex(proc, arg);
	case _IOC_NR(NTMM_IOC_POOL_TAGS):
		return ntmm_ioctl_pool_tags(arg);
	default:
		return -ENOTTY;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_ioctl);
