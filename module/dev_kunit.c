// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ntmm_dev: the ioctl entry and address-space contexts, driven
 * with real user memory mapped into the test thread (kunit_vm_mmap).
 */
#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <linux/ntmm.h>

#include "abi/layout.h"
#include "ioctl.h"
#include "process.h"

NTMM_ABI_CHECK_ALL()
NTMM_ABI_CHECK_VER0()

struct dev_test_buf {
	u32 size;
	u32 pad;
	u64 field;
	u8 tail[64];
};

/* A page of user memory in the test thread's own mm. */
static void __user *dev_user_page(struct kunit *test)
{
	unsigned long addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
					   PROT_READ | PROT_WRITE,
					   MAP_ANONYMOUS | MAP_PRIVATE, 0);

	KUNIT_ASSERT_NE_MSG(test, addr, 0UL, "kunit_vm_mmap failed");
	return (void __user *)addr;
}

static void copy_struct_in_test(struct kunit *test)
{
	void __user *u = dev_user_page(test);
	struct dev_test_buf in = { .field = 0x1122334455667788ULL };
	struct { u32 size; u32 pad; u64 field; } k;

	in.size = sizeof(k);
	KUNIT_ASSERT_EQ(test, copy_to_user(u, &in, sizeof(in)), 0UL);
	KUNIT_EXPECT_EQ(test, ntmm_copy_struct_in(&k, sizeof(k), 8, u), 0);
	KUNIT_EXPECT_EQ(test, k.field, 0x1122334455667788ULL);

	in.size = 8;	/* an older, shorter caller: the rest reads as zero */
	KUNIT_ASSERT_EQ(test, copy_to_user(u, &in, sizeof(in)), 0UL);
	KUNIT_EXPECT_EQ(test, ntmm_copy_struct_in(&k, sizeof(k), 8, u), 0);
	KUNIT_EXPECT_EQ_MSG(test, k.field, 0ULL, "short struct must be zero-extended");

	in.size = sizeof(in);	/* a newer caller with zeros past our struct */
	KUNIT_ASSERT_EQ(test, copy_to_user(u, &in, sizeof(in)), 0UL);
	KUNIT_EXPECT_EQ(test, ntmm_copy_struct_in(&k, sizeof(k), 8, u), 0);

	in.tail[63] = 1;	/* ... that sets something we do not know */
	KUNIT_ASSERT_EQ(test, copy_to_user(u, &in, sizeof(in)), 0UL);
	KUNIT_EXPECT_EQ(test, ntmm_copy_struct_in(&k, sizeof(k), 8, u), -EINVAL);

	in.size = 4;
	KUNIT_ASSERT_EQ(test, copy_to_user(u, &in, sizeof(in)), 0UL);
	KUNIT_EXPECT_EQ_MSG(test, ntmm_copy_struct_in(&k, sizeof(k), 8, u), -EINVAL,
			    "size below the first version");
	in.size = PAGE_SIZE + 8;
	KUNIT_ASSERT_EQ(test, copy_to_user(u, &in, sizeof(in)), 0UL);
	KUNIT_EXPECT_EQ(test, ntmm_copy_struct_in(&k, sizeof(k), 8, u), -EINVAL);
	KUNIT_EXPECT_EQ(test, ntmm_copy_struct_in(&k, sizeof(k), 8, NULL), -EFAULT);
	/* The size is readable but the struct runs off the end of the page. */
	in.size = 16;
	KUNIT_ASSERT_EQ(test, copy_to_user(u + PAGE_SIZE - 4, &in, 4), 0UL);
	KUNIT_EXPECT_EQ(test, ntmm_copy_struct_in(&k, sizeof(k), 8, u + PAGE_SIZE - 4),
			-EFAULT);
}

static void process_context_test(struct kunit *test)
{
	struct ntmm_process *a, *b, *other;
	unsigned int before;
	struct mm_struct *mm2;

	dev_user_page(test);	/* gives the test thread an mm */
	before = ntmm_process_count();
	a = ntmm_process_get(current->mm);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	b = ntmm_process_get(current->mm);
	KUNIT_EXPECT_PTR_EQ_MSG(test, a, b, "one mm, one context");
	KUNIT_EXPECT_EQ(test, ntmm_process_count(), before + 1);

	mm2 = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm2);
	other = ntmm_process_get(mm2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	KUNIT_EXPECT_PTR_NE_MSG(test, a, other, "another mm, another context");
	KUNIT_EXPECT_EQ(test, ntmm_process_count(), before + 2);

	ntmm_process_put(other);
	mmput(mm2);	/* the context's mmgrab() kept it valid until now */
	KUNIT_EXPECT_EQ(test, ntmm_process_count(), before + 1);
	ntmm_process_put(b);
	KUNIT_EXPECT_EQ_MSG(test, ntmm_process_count(), before + 1,
			    "a reference remains");
	ntmm_process_put(a);
	KUNIT_EXPECT_EQ(test, ntmm_process_count(), before);
}

static void ioctl_dispatch_test(struct kunit *test)
{
	void __user *u = dev_user_page(test);
	struct ntmm_version v = { .size = sizeof(v) };
	struct ntmm_process *proc, *foreign;
	struct mm_struct *mm2;
	unsigned int cmd;

	proc = ntmm_process_get(current->mm);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, proc);
	KUNIT_ASSERT_EQ(test, copy_to_user(u, &v, sizeof(v)), 0UL);
	KUNIT_EXPECT_EQ(test, ntmm_ioctl(NULL, proc, NTMM_IOC_VERSION, u), 0L);
	KUNIT_ASSERT_EQ(test, copy_from_user(&v, u, sizeof(v)), 0UL);
	KUNIT_EXPECT_EQ(test, v.abi_version, (u32)NTMM_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, v.status, NTMM_STATUS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, v.features & NTMM_FEATURE_SYSTEM_INFO);

	KUNIT_EXPECT_EQ_MSG(test,
			    ntmm_ioctl(NULL, proc, _IOWR('W', 0, struct ntmm_version), u),
			    -ENOTTY, "foreign ioctl type");
	cmd = _IOR(NTMM_IOC_MAGIC, 0, struct ntmm_version);
	KUNIT_EXPECT_EQ_MSG(test, ntmm_ioctl(NULL, proc, cmd, u), -ENOTTY, "wrong direction");
	cmd = _IOWR(NTMM_IOC_MAGIC, 0x7f, struct ntmm_version);
	KUNIT_EXPECT_EQ_MSG(test, ntmm_ioctl(NULL, proc, cmd, u), -ENOTTY, "unknown number");
	KUNIT_EXPECT_EQ(test, ntmm_ioctl(NULL, proc, NTMM_IOC_VERSION, NULL), -EFAULT);
	v.__pad0 = 1;
	KUNIT_ASSERT_EQ(test, copy_to_user(u, &v, sizeof(v)), 0UL);
	KUNIT_EXPECT_EQ_MSG(test, ntmm_ioctl(NULL, proc, NTMM_IOC_VERSION, u), -EINVAL,
			    "non-zero padding");

	mm2 = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm2);
	foreign = ntmm_process_get(mm2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, foreign);
	KUNIT_EXPECT_EQ_MSG(test, ntmm_ioctl(NULL, foreign, NTMM_IOC_VERSION, u), -EACCES,
			    "another mm's context must refuse this thread");
	ntmm_process_put(foreign);
	mmput(mm2);
	ntmm_process_put(proc);
}

static void system_info_test(struct kunit *test)
{
	void __user *u = dev_user_page(test);
	struct ntmm_system_info si = { .size = sizeof(si) };
	struct ntmm_process *proc;

	proc = ntmm_process_get(current->mm);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, proc);
	KUNIT_ASSERT_EQ(test, copy_to_user(u, &si, sizeof(si)), 0UL);
	KUNIT_EXPECT_EQ(test, ntmm_ioctl(NULL, proc, NTMM_IOC_SYSTEM_INFO, u), 0L);
	KUNIT_ASSERT_EQ(test, copy_from_user(&si, u, sizeof(si)), 0UL);
	KUNIT_EXPECT_EQ(test, si.page_size, 4096U);
	KUNIT_EXPECT_EQ(test, si.allocation_granularity, 65536U);
	KUNIT_EXPECT_EQ(test, si.processor_count, num_online_cpus());
	KUNIT_EXPECT_EQ(test, hweight64(si.active_processor_mask),
			(unsigned int)min(num_online_cpus(), 64U));
	KUNIT_EXPECT_EQ(test, si.min_address, 0x10000ULL);
	KUNIT_EXPECT_EQ_MSG(test, si.max_address & 0xffff, 0xffffULL,
			    "max address is the last byte of a 64 KiB unit");
	KUNIT_EXPECT_LT(test, si.max_address, (u64)TASK_SIZE);
	ntmm_process_put(proc);
}

static struct kunit_case ntmm_dev_cases[] = {
	KUNIT_CASE(copy_struct_in_test),
	KUNIT_CASE(process_context_test),
	KUNIT_CASE(ioctl_dispatch_test),
	KUNIT_CASE(system_info_test),
	{}
};

static struct kunit_suite ntmm_dev_suite = {
	.name = "ntmm_dev",
	.test_cases = ntmm_dev_cases,
};

kunit_test_suite(ntmm_dev_suite);
