/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the VM KUnit suites share: a test thread with an mm (kunit_vm_mmap)
 * and /dev/ntmm open, calling the ioctls through user memory as a process
 * does, and the module's frame count.
 */
#ifndef NTMM_VM_KUNIT_H
#define NTMM_VM_KUNIT_H

#include <kunit/test.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/ntmm.h>
#include <linux/uaccess.h>

#include "../ioctl.h"
#include "../process.h"
#include "large.h"

struct vm_fixture {
	struct file *file;
	struct ntmm_process *proc;
	void __user *scratch;	/* user memory for ioctl structs */
};

static inline void vm_fixture_exit(struct kunit_resource *res)
{
	struct vm_fixture *f = res->data;

	if (!IS_ERR_OR_NULL(f->file))
		fput(f->file);
}

static inline struct vm_fixture *vm_fixture(struct kunit *test)
{
	struct vm_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned long scratch;

	KUNIT_ASSERT_NOT_NULL(test, f);
	scratch = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, scratch, 0UL, "kunit_vm_mmap failed");
	f->scratch = (void __user *)scratch;
	f->file = filp_open(NTMM_DEVICE_PATH, O_RDWR, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(f->file), "open %s: %ld", NTMM_DEVICE_PATH,
			       PTR_ERR(f->file));
	f->proc = f->file->private_data;
	kunit_alloc_resource(test, NULL, vm_fixture_exit, GFP_KERNEL, f);
	return f;
}

/* One ioctl through user memory, as a process makes it; returns the struct's status. */
static inline u32 vm_call(struct kunit *test, struct vm_fixture *f, unsigned int cmd,
			  void *arg, size_t size)
{
	KUNIT_ASSERT_EQ(test, copy_to_user(f->scratch, arg, size), 0UL);
	KUNIT_ASSERT_EQ(test, ntmm_ioctl(f->file, f->proc, cmd, f->scratch), 0L);
	KUNIT_ASSERT_EQ(test, copy_from_user(arg, f->scratch, size), 0UL);
	return ((u32 *)arg)[1];
}

static inline unsigned long vm_alloc(struct kunit *test, struct vm_fixture *f,
				     unsigned long addr, unsigned long len, u32 type,
				     u32 protect)
{
	struct ntmm_alloc a = { .size = sizeof(a), .type = type, .protect = protect,
				 .address = addr, .length = len };

	KUNIT_ASSERT_EQ(test, vm_call(test, f, NTMM_IOC_ALLOCATE, &a, sizeof(a)),
			NTMM_STATUS_SUCCESS);
	return a.address;
}

static inline void vm_protect(struct kunit *test, struct vm_fixture *f, unsigned long addr,
			      unsigned long len, u32 protect)
{
	struct ntmm_protect p = { .size = sizeof(p), .protect = protect, .address = addr,
				   .length = len };

	KUNIT_ASSERT_EQ(test, vm_call(test, f, NTMM_IOC_PROTECT, &p, sizeof(p)),
			NTMM_STATUS_SUCCESS);
}

static inline u32 vm_reason(struct kunit *test, struct vm_fixture *f, unsigned long addr,
			    u32 *access)
{
	struct ntmm_fault_reason r = { .size = sizeof(r), .address = addr };

	vm_call(test, f, NTMM_IOC_FAULT_REASON, &r, sizeof(r));
	*access = r.access;
	return r.reason;
}

/* Frames the module holds: its files' pages in memory, and large pages. */
static inline long vm_frames(void)
{
	return ntmm_process_frames() + ntmm_large_frames();
}

#endif /* NTMM_VM_KUNIT_H */
