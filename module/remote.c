// SPDX-License-Identifier: GPL-2.0
/*
 * Other processes: OpenProcess's handles, the -Ex calls, and
 * ReadProcessMemory / WriteProcessMemory.
 *
 * Who may act on a process is Linux's rule for debuggers: the caller shows
 * a descriptor of /proc/PID/mem, whose open made ptrace's access check
 * (PTRACE_MODE_ATTACH: credentials, capabilities in the target's user
 * namespace, dumpability, Yama and the other LSMs). The module cannot
 * make that check itself (ptrace_may_access() is not exported), so it
 * takes the open's word, as a debugger does. A process handle is then a
 * descriptor of its own, holding the process's address space and pid and
 * the rights asked for (PROCESS_*), which each call checks as Windows does.
 *
 * An NT call on another process runs in the caller, on the target's
 * context: the memory manager names the address space it works on in
 * every lock and walk, and hands what Linux does only to the current one
 * (mmap, munmap, lockless page-table lookups) to vm/mm_run.c's worker, so
 * the target's threads see the result at once. The address space is held
 * (mmget()) for the call: one whose process has gone answers
 * STATUS_PROCESS_IS_TERMINATING.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/ntmm.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "process.h"
#include "remote.h"
#include "vm/region.h"

/* Pages pinned and copied at a time by ntmm_process_copy(): a page of pointers. */
#define NTMM_COPY_BATCH	(PAGE_SIZE / sizeof(struct page *))

/* A handle with PROCESS_QUERY_INFORMATION has the limited right too, as in Windows. */
#define NTMM_QUERY_RIGHTS	(NTMM_PROCESS_QUERY_INFORMATION | \
				 NTMM_PROCESS_QUERY_LIMITED_INFORMATION)

/* /proc/PID/mem's file operations (set at load); NULL without procfs. */
static const struct file_operations *ntmm_proc_mem_fops;

/**
 * struct ntmm_process_handle - what a process handle's descriptor holds.
 * @mm:		the process's address space (mmgrab()): the process, for
 *		as long as it lives, whatever its pid becomes.
 * @pid:	its pid, for GetProcessId.
 * @access:	the rights the handle was opened with (PROCESS_*).
 */
struct ntmm_process_handle {
	struct mm_struct *mm;
	struct pid *pid;
	u32 access;
};

static int ntmm_process_handle_release(struct inode *inode, struct file *file)
{
	struct ntmm_process_handle *h = file->private_data;

	mmdrop(h->mm);
	put_pid(h->pid);
	kfree(h);
	return 0;
}

static const struct file_operations ntmm_process_fops = {
	.owner		= THIS_MODULE,
	.release	= ntmm_process_handle_release,
};

/* The process handle @fd, with its file (to fput()) in *@file, or NULL. */
static struct ntmm_process_handle *ntmm_process_handle_get(int fd, struct file **file)
{
	*file = fget(fd);
	if (!*file)
		return NULL;
	if ((*file)->f_op != &ntmm_process_fops) {
		fput(*file);
		return NULL;
	}
	return (*file)->private_data;
}

/* A new handle to the process of @mm and @pid with @access, as descriptor *@fd. */
static ntstatus_t ntmm_process_handle_new(struct mm_struct *mm, struct pid *pid, u32 access,
					  u32 flags, int *fd)
{
	struct ntmm_process_handle *h;
	int ret;

	h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (!h)
		return STATUS_NO_MEMORY;
	mmgrab(mm);
	h->mm = mm;
	h->pid = get_pid(pid);
	h->access = access & NTMM_PROCESS_QUERY_INFORMATION ? access | NTMM_QUERY_RIGHTS : access;
	ret = anon_inode_getfd("[ntmm-process]", &ntmm_process_fops, h,
			       O_RDWR | (flags & NTMM_HANDLE_INHERIT ? 0 : O_CLOEXEC));
	if (ret < 0) {
		mmdrop(mm);
		put_pid(pid);
		kfree(h);
		return ret == -EMFILE ? STATUS_INSUFFICIENT_RESOURCES : STATUS_NO_MEMORY;
	}
	*fd = ret;
	return STATUS_SUCCESS;
}

/*
 * OpenProcess(@pid) with the caller's open /proc/@pid/mem @mem: the pid,
 * looked up in the caller's pid namespace, must be a process whose address
 * space is the one the open was allowed.
 */
static ntstatus_t ntmm_process_from_mem(struct file *mem, u32 pid, u32 access, u32 flags,
					int *fd)
{
	ntstatus_t status = STATUS_INVALID_PARAMETER;
	struct task_struct *task = NULL;
	struct mm_struct *mm = NULL;
	struct pid *p;

	p = find_get_pid(pid);
	if (p)
		task = get_pid_task(p, PIDTYPE_TGID);
	if (task)
		mm = get_task_mm(task);
	/* Only compared: @mem's private_data is the address space its open took. */
	if (mm && mm == mem->private_data)
		status = ntmm_process_handle_new(mm, p, access, flags, fd);
	if (mm)
		mmput(mm);
	if (task)
		put_task_struct(task);
	put_pid(p);
	return status;
}

/**
 * ntmm_process_open() - OpenProcess, or DuplicateHandle of a process handle.
 * @source: a descriptor of /proc/PID/mem, or a process handle.
 * @pid: with /proc/PID/mem, the process's id in the caller's namespace.
 * @access: the rights wanted (PROCESS_*); from a handle, a subset of its.
 * @flags: NTMM_HANDLE_INHERIT or 0.
 * @handle: set to the new handle's descriptor.
 *
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE (@source is neither),
 * STATUS_INVALID_PARAMETER (no such process, or not @source's),
 * STATUS_ACCESS_DENIED (rights a duplicate may not gain),
 * STATUS_NOT_IMPLEMENTED (no procfs when the module loaded), or a lack of
 * memory or descriptors.
 */
ntstatus_t ntmm_process_open(int source, u32 pid, u32 access, u32 flags, int *handle)
{
	struct ntmm_process_handle *h;
	struct file *file;
	ntstatus_t status;

	if (!ntmm_proc_mem_fops)
		return STATUS_NOT_IMPLEMENTED;
	if (access & ~NTMM_PROCESS_ALL_ACCESS)
		return STATUS_ACCESS_DENIED;
	file = fget(source);
	if (!file)
		return STATUS_INVALID_HANDLE;
	if (file->f_op == &ntmm_process_fops) {
		h = file->private_data;
		if (pid)
			status = STATUS_INVALID_PARAMETER;
		else if (access & ~h->access)
			status = STATUS_ACCESS_DENIED;
		else
			status = ntmm_process_handle_new(h->mm, h->pid, access, flags, handle);
	} else if (file->f_op == ntmm_proc_mem_fops) {
		status = ntmm_process_from_mem(file, pid, access, flags, handle);
	} else {
		status = STATUS_INVALID_HANDLE;
	}
	fput(file);
	return status;
}

/**
 * ntmm_process_info() - A process handle's pid (GetProcessId) and rights.
 * @handle: the process handle.
 * @pid: set to the pid in the caller's namespace (0 if not seen there).
 * @access: set to the handle's rights.
 *
 * Return: STATUS_SUCCESS or STATUS_INVALID_HANDLE.
 */
ntstatus_t ntmm_process_info(int handle, u32 *pid, u32 *access)
{
	struct ntmm_process_handle *h;
	struct file *file;

	h = ntmm_process_handle_get(handle, &file);
	if (!h)
		return STATUS_INVALID_HANDLE;
	*pid = pid_vnr(h->pid);
	*access = h->access;
	fput(file);
	return STATUS_SUCCESS;
}

/* The file a context's regions are mapped through by other processes: ->mmap finds it there. */
static const struct file_operations ntmm_vehicle_fops = {
	.owner		= THIS_MODULE,
	.mmap		= ntmm_region_mmap,
};

/* @proc's vehicle (struct ntmm_process), made at the first call from another process. */
static struct file *ntmm_vehicle(struct ntmm_process *proc)
{
	struct file *file = READ_ONCE(proc->vehicle);

	if (file)
		return file;
	file = anon_inode_getfile("[ntmm]", &ntmm_vehicle_fops, proc, O_RDWR);
	if (IS_ERR(file))
		return NULL;
	/* Two first calls at once: one file stays, the other goes. */
	if (cmpxchg(&proc->vehicle, NULL, file)) {
		fput(file);
		file = proc->vehicle;
	}
	return file;
}

/*
 * The address space of process handle @handle, held (mmget()) in *@mm,
 * if the handle has all of @rights and its process lives.
 */
static ntstatus_t ntmm_process_mm(int handle, u32 rights, struct mm_struct **mm)
{
	struct ntmm_process_handle *h;
	ntstatus_t status = STATUS_SUCCESS;
	struct file *file;

	h = ntmm_process_handle_get(handle, &file);
	if (!h)
		return STATUS_INVALID_HANDLE;
	if ((h->access & rights) != rights)
		status = STATUS_ACCESS_DENIED;
	else if (!mmget_not_zero(h->mm))
		status = STATUS_PROCESS_IS_TERMINATING;
	else
		*mm = h->mm;
	fput(file);
	return status;
}

/**
 * ntmm_target_get() - Begin an NT call on the process of a handle.
 * @handle: the process handle.
 * @rights: the PROCESS_* rights the call needs, all of them.
 * @own: the caller's /dev/ntmm, which maps regions of its own process.
 * @t: set to the target, for the call and ntmm_target_put().
 *
 * A process that never opened /dev/ntmm gets its context here.
 *
 * Return: STATUS_SUCCESS, STATUS_INVALID_HANDLE, STATUS_ACCESS_DENIED,
 * STATUS_PROCESS_IS_TERMINATING or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_target_get(int handle, u32 rights, struct file *own, struct ntmm_target *t)
{
	ntstatus_t status;

	status = ntmm_process_mm(handle, rights, &t->mm);
	if (status)
		return status;
	t->proc = ntmm_process_get(t->mm);
	if (IS_ERR(t->proc))
		goto out_mmput;
	t->file = t->mm != current->mm ? ntmm_vehicle(t->proc) : own;
	if (t->file)
		return STATUS_SUCCESS;
	ntmm_process_put(t->proc);
out_mmput:
	mmput(t->mm);
	return STATUS_NO_MEMORY;
}

/**
 * ntmm_target_put() - End an NT call begun by ntmm_target_get().
 * @t: the target.
 */
void ntmm_target_put(struct ntmm_target *t)
{
	ntmm_process_put(t->proc);
	mmput(t->mm);
}

/*
 * Copy between pinned @page of the target, from byte @off, and the
 * caller's @buf: @len bytes. Return: bytes not copied.
 */
static unsigned long ntmm_copy_page(struct page *page, unsigned int off, void __user *buf,
				    unsigned int len, bool write)
{
	void *kaddr = kmap_local_page(page);
	unsigned long left;

	if (write)
		left = copy_from_user(kaddr + off, buf, len);
	else
		left = copy_to_user(buf, kaddr + off, len);
	kunmap_local(kaddr);
	return left;
}

/* Copy up to NTMM_COPY_BATCH pages at @address, pinned into @pages; *@status on a shortfall. */
static u64 ntmm_copy_batch(struct mm_struct *mm, u64 address, void __user *buf, u64 length,
			   bool write, struct page **pages, ntstatus_t *status)
{
	unsigned int off = offset_in_page(address), len;
	unsigned long n, left;
	u64 done = 0;
	int locked = 1;
	long i, pinned;

	n = min_t(u64, NTMM_COPY_BATCH, DIV_ROUND_UP(off + length, PAGE_SIZE));
	mmap_read_lock(mm);
	pinned = ntmm_pin_user_pages_remote(mm, address & PAGE_MASK, n,
					    write ? FOLL_WRITE : 0, pages, &locked);
	if (locked)
		mmap_read_unlock(mm);
	if (pinned <= 0) {
		*status = STATUS_PARTIAL_COPY;
		return 0;
	}
	for (i = 0; i < pinned && done < length; i++, off = 0) {
		len = min_t(u64, PAGE_SIZE - off, length - done);
		left = ntmm_copy_page(pages[i], off, buf + done, len, write);
		done += len - left;
		if (left) {
			*status = STATUS_ACCESS_VIOLATION;
			break;
		}
	}
	if (write)
		unpin_user_pages_dirty_lock(pages, pinned, true);
	else
		unpin_user_pages(pages, pinned);
	if (!*status && pinned < n)
		*status = STATUS_PARTIAL_COPY;
	return done;
}

/**
 * ntmm_process_copy() - NtReadVirtualMemory / NtWriteVirtualMemory.
 * @handle: the process handle.
 * @write: write the target's memory from @buf, else read it into @buf.
 * @address: where in the target.
 * @buf: the caller's buffer.
 * @length: bytes.
 * @copied: set to the bytes copied, from the start.
 *
 * The pages are the target's as a debugger's access finds them, but not
 * forced: a write needs a page the target could write itself, so
 * PAGE_READONLY memory and Linux's read-only mappings (program text)
 * refuse it; a guard page refuses and stays a guard page.
 *
 * Return: STATUS_SUCCESS, STATUS_PARTIAL_COPY (the target's memory ended),
 * STATUS_ACCESS_VIOLATION (the caller's buffer did), or
 * ntmm_target_get()'s refusals.
 */
ntstatus_t ntmm_process_copy(int handle, bool write, u64 address, void __user *buf,
			     u64 length, u64 *copied)
{
	u32 rights = write ? NTMM_PROCESS_VM_WRITE | NTMM_PROCESS_VM_OPERATION :
			     NTMM_PROCESS_VM_READ;
	struct mm_struct *mm;
	struct page **pages;
	ntstatus_t status;

	*copied = 0;
	status = ntmm_process_mm(handle, rights, &mm);
	if (status)
		return status;
	pages = kmalloc_array(NTMM_COPY_BATCH, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		status = STATUS_NO_MEMORY;
	else if (address + length < address)
		status = STATUS_PARTIAL_COPY;
	while (!status && *copied < length) {
		*copied += ntmm_copy_batch(mm, address + *copied, buf + *copied,
					   length - *copied, write, pages, &status);
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	kfree(pages);
	mmput(mm);
	return status;
}

/**
 * ntmm_remote_available() - Whether process handles can be made.
 *
 * Return: true if procfs was there when the module loaded.
 */
bool ntmm_remote_available(void)
{
	return ntmm_proc_mem_fops;
}

/**
 * ntmm_remote_init() - Find /proc/PID/mem's file operations.
 *
 * Without procfs, process handles are not made (ntmm_remote_available()).
 */
void ntmm_remote_init(void)
{
	struct file *mem;

	/* The loader's own, which its open always allows. */
	mem = filp_open("/proc/self/mem", O_RDONLY, 0);
	if (IS_ERR(mem)) {
		pr_info("no /proc/self/mem (%ld): OpenProcess is not available\n", PTR_ERR(mem));
		return;
	}
	ntmm_proc_mem_fops = mem->f_op;
	filp_close(mem, NULL);
}
