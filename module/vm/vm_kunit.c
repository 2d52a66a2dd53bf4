// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ntmm_vm: the fault handler, driven for real. The test thread
 * gets an mm (kunit_vm_mmap), opens /dev/ntmm, allocates through the ioctl
 * path, and touches the memory with copy_{from,to}_user, whose page faults
 * go through ntmm's fault handler: a refused fault makes the copy fail.
 */
#include "vm_kunit.h"

static void fault_demand_zero_test(struct kunit *test)
{
	struct vm_fixture *f = vm_fixture(test);
	long frames = vm_frames();
	unsigned long p;
	u64 v = ~0ULL;

	p = vm_alloc(test, f, 0, 4 * PAGE_SIZE, 0x3000, 0x04);
	KUNIT_EXPECT_EQ(test, vm_frames(), frames);
	KUNIT_EXPECT_EQ(test, copy_from_user(&v, (void __user *)p + 8, sizeof(v)), 0UL);
	KUNIT_EXPECT_EQ_MSG(test, v, 0ULL, "a committed page reads as zero");
	KUNIT_EXPECT_EQ_MSG(test, vm_frames(), frames + 1, "one frame for the touched page");
	v = 42;
	KUNIT_EXPECT_EQ(test, copy_to_user((void __user *)p + PAGE_SIZE, &v, sizeof(v)), 0UL);
	KUNIT_EXPECT_EQ(test, vm_frames(), frames + 2);
}

static void fault_reserved_refused_test(struct kunit *test)
{
	struct vm_fixture *f = vm_fixture(test);
	unsigned long p = vm_alloc(test, f, 0, PAGE_SIZE, 0x2000, 0x04);
	u32 access;
	u64 v;

	KUNIT_EXPECT_NE_MSG(test, copy_from_user(&v, (void __user *)p, sizeof(v)), 0UL,
			    "a reserved page must not map");
	KUNIT_EXPECT_EQ(test, vm_reason(test, f, p, &access), (u32)NTMM_FAULT_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, access, (u32)NTMM_ACCESS_READ);
	KUNIT_EXPECT_EQ_MSG(test, vm_reason(test, f, p, &access), (u32)NTMM_FAULT_UNKNOWN,
			    "a reason is read once");
}

static void fault_readonly_write_refused_test(struct kunit *test)
{
	struct vm_fixture *f = vm_fixture(test);
	unsigned long p = vm_alloc(test, f, 0, PAGE_SIZE, 0x3000, 0x02);
	u64 v = 7;
	u32 access;

	KUNIT_EXPECT_EQ(test, copy_from_user(&v, (void __user *)p, sizeof(v)), 0UL);
	KUNIT_EXPECT_NE_MSG(test, copy_to_user((void __user *)p, &v, sizeof(v)), 0UL,
			    "a read-only page must not take a write");
	KUNIT_EXPECT_EQ(test, vm_reason(test, f, p, &access), (u32)NTMM_FAULT_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, access, (u32)NTMM_ACCESS_WRITE);
}

static void fault_guard_once_test(struct kunit *test)
{
	struct vm_fixture *f = vm_fixture(test);
	unsigned long p = vm_alloc(test, f, 0, PAGE_SIZE, 0x3000, 0x104);
	u32 access;
	u64 v;

	/*
	 * get_user() is one access; copy_from_user() would retry byte by
	 * byte after the fault and find the guard already gone.
	 */
	KUNIT_EXPECT_EQ(test, get_user(v, (u64 __user *)p), -EFAULT);
	KUNIT_EXPECT_EQ(test, vm_reason(test, f, p, &access), (u32)NTMM_FAULT_GUARD_PAGE);
	v = 1;
	KUNIT_EXPECT_EQ_MSG(test, get_user(v, (u64 __user *)p), 0,
			    "the guard clears after one fault");
	KUNIT_EXPECT_EQ(test, v, 0ULL);
}

static void fault_protect_and_decommit_test(struct kunit *test)
{
	struct vm_fixture *f = vm_fixture(test);
	unsigned long p = vm_alloc(test, f, 0, 2 * PAGE_SIZE, 0x3000, 0x04);
	struct ntmm_free fr = { .size = sizeof(fr), .type = 0x4000, .address = p,
				 .length = PAGE_SIZE };
	long frames;
	u64 v = 99;

	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)p, &v, sizeof(v)), 0UL);
	vm_protect(test, f, p, PAGE_SIZE, 0x02);
	KUNIT_EXPECT_NE_MSG(test, copy_to_user((void __user *)p, &v, sizeof(v)), 0UL,
			    "protect must reach a page mapped writable before");
	v = 0;
	KUNIT_EXPECT_EQ(test, copy_from_user(&v, (void __user *)p, sizeof(v)), 0UL);
	KUNIT_EXPECT_EQ_MSG(test, v, 99ULL, "contents survive a protection change");
	frames = vm_frames();
	KUNIT_ASSERT_EQ(test, vm_call(test, f, NTMM_IOC_FREE, &fr, sizeof(fr)),
			NTMM_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ_MSG(test, vm_frames(), frames - 1, "decommit frees the frame");
	KUNIT_EXPECT_NE_MSG(test, copy_from_user(&v, (void __user *)p, sizeof(v)), 0UL,
			    "a decommitted page must not stay mapped");
	vm_alloc(test, f, p, PAGE_SIZE, 0x1000, 0x04);
	KUNIT_EXPECT_EQ(test, copy_from_user(&v, (void __user *)p, sizeof(v)), 0UL);
	KUNIT_EXPECT_EQ_MSG(test, v, 0ULL, "a recommitted page is zero");
}

static struct kunit_case ntmm_vm_cases[] = {
	KUNIT_CASE(fault_demand_zero_test),
	KUNIT_CASE(fault_reserved_refused_test),
	KUNIT_CASE(fault_readonly_write_refused_test),
	KUNIT_CASE(fault_guard_once_test),
	KUNIT_CASE(fault_protect_and_decommit_test),
	{}
};

static struct kunit_suite ntmm_vm_suite = {
	.name = "ntmm_vm",
	.test_cases = ntmm_vm_cases,
};

kunit_test_suite(ntmm_vm_suite);
