// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl layer: command dispatch, and the only code that reads and
 * writes the caller's structs. Each handler copies its size-prefixed struct
 * in, checks what is transport (padding, unknown fields: -EINVAL), calls
 * the memory manager with kernel arguments, stores the NTSTATUS it answers
 * and copies the struct back, as udmabuf's ioctls do. The layers below
 * never call back up here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/cpumask.h>
#include <linux/file.h>
#include <linux/ntmm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ioctl.h"
#include "ntstatus.h"
#include "pool/pool.h"
#include "process.h"
#include "remote.h"
#include "vm/fault_reason.h"
#include "vm/placement.h"
#include "vm/section.h"
#include "vm/view.h"
#include "vm/virtual.h"
#include "vm/working_set.h"

#define NTMM_FEATURES	(NTMM_FEATURE_SYSTEM_INFO | NTMM_FEATURE_VIRTUAL_MEMORY | \
			 NTMM_FEATURE_FAULT_REASON | NTMM_FEATURE_LOCK | \
			 NTMM_FEATURE_WRITE_WATCH | NTMM_FEATURE_RESET | \
			 NTMM_FEATURE_RESET_UNDO | NTMM_FEATURE_LARGE_PAGES | \
			 NTMM_FEATURE_NUMA | NTMM_FEATURE_WORKING_SET_EX | \
			 NTMM_FEATURE_POOL_TAGS | NTMM_FEATURE_SECTIONS)

/* GetSystemInfo's processor mask has a bit for each of these. */
#define NTMM_MASK_CPUS	64

/* QueryWorkingSetEx entries read and written per copy. */
#define NTMM_WS_BATCH	32

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

/* Write back a struct read by ntmm_copy_struct_in(): as much as the caller has. */
static int ntmm_copy_struct_out(void __user *dst, const void *src, size_t ksize)
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
	v.status = ntstatus_to_user(STATUS_SUCCESS);
	v.abi_version = NTMM_ABI_VERSION;
	v.features = NTMM_FEATURES | (ntmm_remote_available() ? NTMM_FEATURE_PROCESSES : 0);
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
	si.status = ntstatus_to_user(STATUS_SUCCESS);
	si.page_size = NTMM_PAGE_SIZE;
	si.allocation_granularity = NTMM_ALLOCATION_GRANULARITY;
	si.min_address = ntmm_user_min();
	si.max_address = ntmm_user_max();
	si.active_processor_mask = 0;
	for_each_online_cpu(cpu) {
		if (cpu < NTMM_MASK_CPUS)
			si.active_processor_mask |= 1ULL << cpu;
	}
	si.processor_count = num_online_cpus();
	return ntmm_copy_struct_out(arg, &si, sizeof(si));
}

/* An NT call's core, on a kernel copy of its arguments. */
typedef ntstatus_t (*ntmm_nt_call_t)(struct file *file, struct ntmm_process *proc, void *args);

/*
 * The cores of the NT calls a process handle may make on another process
 * (NTMM_IOC_REMOTE) as well as on the caller's: each runs on a kernel copy
 * of its struct, in the caller, on the target's context.
 */
static ntstatus_t ntmm_run_allocate(struct file *file, struct ntmm_process *proc, void *args)
{
	return ntmm_virtual_allocate(file, proc, args);
}

static bool ntmm_check_free(const void *args)
{
	return !((const struct ntmm_free *)args)->__pad0;
}

static ntstatus_t ntmm_run_free(struct file *file, struct ntmm_process *proc, void *args)
{
	return ntmm_virtual_free(file, proc, args);
}

static ntstatus_t ntmm_run_protect(struct file *file, struct ntmm_process *proc, void *args)
{
	struct ntmm_protect *p = args;

	p->old_protect = 0;
	return ntmm_virtual_protect(file, proc, p);
}

static ntstatus_t ntmm_run_query(struct file *file, struct ntmm_process *proc, void *args)
{
	return ntmm_virtual_query(proc, args);
}

/* A view's request, with its section found in the caller's file table. */
struct ntmm_view_args {
	struct ntmm_view v;
	struct ntmm_section *section;
};

static bool ntmm_check_view(const void *args)
{
	return !((const struct ntmm_view *)args)->__pad1;
}

static ntstatus_t ntmm_prepare_view(void *args)
{
	struct ntmm_view_args *a = args;
	ntstatus_t status;

	a->section = ntmm_view_section(&a->v, &status);
	return status;
}

static ntstatus_t ntmm_run_view(struct file *file, struct ntmm_process *proc, void *args)
{
	struct ntmm_view_args *a = args;

	return ntmm_view_map(file, proc, &a->v, a->section);
}

static void ntmm_finish_view(void *args)
{
	struct ntmm_view_args *a = args;

	if (a->section)
		ntmm_section_put(a->section);
}

static bool ntmm_check_view_op(const void *args)
{
	const struct ntmm_view_op *op = args;

	return op->op == NTMM_VIEW_UNMAP || (op->op == NTMM_VIEW_FLUSH && !op->flags);
}

static ntstatus_t ntmm_run_view_op(struct file *file, struct ntmm_process *proc, void *args)
{
	struct ntmm_view_op *op = args;

	if (op->op == NTMM_VIEW_UNMAP)
		return ntmm_view_unmap(file, proc, op->address, op->flags);
	return ntmm_view_flush(proc, op->address, op->length);
}

/**
 * struct ntmm_nt_call - An NT call on an address space, local or remote.
 * @cmd:	its ioctl.
 * @ksize:	its struct's size in this kernel.
 * @min_size:	its first version's (*_SIZE_VER0).
 * @rights:	the PROCESS_* rights a process handle needs for it.
 * @check:	transport checks of the struct (padding, ops): false is
 *		-EINVAL; NULL for none.
 * @prepare:	what must be done in the caller before: NULL for nothing.
 * @run:	the call.
 * @finish:	undoes @prepare, whatever its outcome.
 */
struct ntmm_nt_call {
	unsigned int cmd;
	size_t ksize;
	size_t min_size;
	u32 rights;
	bool (*check)(const void *args);
	ntstatus_t (*prepare)(void *args);
	ntmm_nt_call_t run;
	void (*finish)(void *args);
};

static const struct ntmm_nt_call ntmm_nt_calls[] = {
	{ NTMM_IOC_ALLOCATE, sizeof(struct ntmm_alloc), NTMM_ALLOC_SIZE_VER0,
	  NTMM_PROCESS_VM_OPERATION, NULL, NULL, ntmm_run_allocate },
	{ NTMM_IOC_FREE, sizeof(struct ntmm_free), NTMM_FREE_SIZE_VER0,
	  NTMM_PROCESS_VM_OPERATION, ntmm_check_free, NULL, ntmm_run_free },
	{ NTMM_IOC_PROTECT, sizeof(struct ntmm_protect), NTMM_PROTECT_SIZE_VER0,
	  NTMM_PROCESS_VM_OPERATION, NULL, NULL, ntmm_run_protect },
	{ NTMM_IOC_QUERY, sizeof(struct ntmm_query), NTMM_QUERY_SIZE_VER0,
	  NTMM_PROCESS_QUERY_INFORMATION, NULL, NULL, ntmm_run_query },
	{ NTMM_IOC_VIEW_MAP, sizeof(struct ntmm_view), NTMM_VIEW_SIZE_VER0,
	  NTMM_PROCESS_VM_OPERATION, ntmm_check_view, ntmm_prepare_view, ntmm_run_view,
	  ntmm_finish_view },
	{ NTMM_IOC_VIEW_OP, sizeof(struct ntmm_view_op), NTMM_VIEW_OP_SIZE_VER0,
	  NTMM_PROCESS_VM_OPERATION, ntmm_check_view_op, NULL, ntmm_run_view_op },
};

/* Every struct's first two fields. */
struct ntmm_nt_header {
	u32 size;
	u32 status;
};

/* The kernel copy of an NT call's struct. */
union ntmm_nt_args {
	struct ntmm_nt_header header;
	struct ntmm_alloc alloc;
	struct ntmm_free free;
	struct ntmm_protect protect;
	struct ntmm_query query;
	struct ntmm_view_args view;
	struct ntmm_view_op view_op;
};

/* Is @cmd the ioctl @known, whatever size the caller's header gave it? */
static bool ntmm_same_cmd(unsigned int cmd, unsigned int known)
{
	return _IOC_TYPE(cmd) == _IOC_TYPE(known) && _IOC_NR(cmd) == _IOC_NR(known) &&
	       _IOC_DIR(cmd) == _IOC_DIR(known);
}

/* The NT call of ioctl @cmd, or NULL. */
static const struct ntmm_nt_call *ntmm_nt_call_of(unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ntmm_nt_calls); i++)
		if (ntmm_same_cmd(cmd, ntmm_nt_calls[i].cmd))
			return &ntmm_nt_calls[i];
	return NULL;
}

/* Make NT call @c on @t with the user's struct @arg. */
static long ntmm_ioctl_nt(const struct ntmm_nt_call *c, struct ntmm_target *t, void __user *arg)
{
	union ntmm_nt_args k;
	ntstatus_t status = STATUS_SUCCESS;
	int ret;

	ret = ntmm_copy_struct_in(&k, c->ksize, c->min_size, arg);
	if (ret)
		return ret;
	if (c->check && !c->check(&k))
		return -EINVAL;
	if (c->prepare)
		status = c->prepare(&k);
	if (!status)
		status = c->run(t->file, t->proc, &k);
	if (c->finish)
		c->finish(&k);
	k.header.status = ntstatus_to_user(status);
	return ntmm_copy_struct_out(arg, &k, c->ksize);
}

static long ntmm_ioctl_memory_status(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_memory_status m;
	int ret;

	ret = ntmm_copy_struct_in(&m, sizeof(m), NTMM_MEMORY_STATUS_SIZE_VER0, arg);
	if (ret)
		return ret;
	ntmm_virtual_memory_status(proc, &m);
	m.status = ntstatus_to_user(STATUS_SUCCESS);
	return ntmm_copy_struct_out(arg, &m, sizeof(m));
}

static long ntmm_ioctl_fault_reason(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_fault_reason fr;
	int ret;

	ret = ntmm_copy_struct_in(&fr, sizeof(fr), NTMM_FAULT_REASON_SIZE_VER0, arg);
	if (ret)
		return ret;
	ntmm_fault_reason_take(&proc->faults, fr.address, &fr.reason, &fr.access);
	fr.status = ntstatus_to_user(STATUS_SUCCESS);
	return ntmm_copy_struct_out(arg, &fr, sizeof(fr));
}

static long ntmm_ioctl_lock(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_lock l;
	int ret;

	ret = ntmm_copy_struct_in(&l, sizeof(l), NTMM_LOCK_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (l.__pad0 || l.op > NTMM_UNLOCK_PAGES)
		return -EINVAL;
	l.status = ntstatus_to_user(ntmm_virtual_lock(proc, &l));
	return ntmm_copy_struct_out(arg, &l, sizeof(l));
}

/* GetWriteWatch's addresses go straight to the caller's array. */
struct ntmm_ww_out {
	u64 __user *addrs;
};

static int ntmm_ww_copy_out(void *ctx, const u64 *addrs, u64 done, unsigned long n)
{
	struct ntmm_ww_out *o = ctx;

	return copy_to_user(o->addrs + done, addrs, n * sizeof(*addrs)) ? -EFAULT : 0;
}

static long ntmm_ioctl_write_watch(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_write_watch w;
	struct ntmm_ww_out out;
	ntstatus_t status;
	int ret;

	ret = ntmm_copy_struct_in(&w, sizeof(w), NTMM_WRITE_WATCH_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (w.__pad0 || (w.flags & ~(NTMM_WRITE_WATCH_RESET | NTMM_WRITE_WATCH_RESET_ONLY)) ||
	    w.flags == (NTMM_WRITE_WATCH_RESET | NTMM_WRITE_WATCH_RESET_ONLY))
		return -EINVAL;
	if (w.flags & NTMM_WRITE_WATCH_RESET_ONLY) {
		w.status = ntstatus_to_user(ntmm_virtual_write_watch_reset(proc, w.address,
									   w.length));
		return ntmm_copy_struct_out(arg, &w, sizeof(w));
	}
	/* Only the entries reported are written; the rest stay as the caller left them. */
	out.addrs = u64_to_user_ptr(w.addresses);
	if (w.count > U64_MAX / sizeof(u64) || !access_ok(out.addrs, w.count * sizeof(u64)))
		return -EFAULT;
	ret = ntmm_virtual_write_watch(proc, w.address, w.length,
				       w.flags & NTMM_WRITE_WATCH_RESET, w.count,
				       ntmm_ww_copy_out, &out, &w.count, &status);
	if (ret)
		return ret;
	w.status = ntstatus_to_user(status);
	return ntmm_copy_struct_out(arg, &w, sizeof(w));
}

static long ntmm_ioctl_working_set_ex(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_ws_entry batch[NTMM_WS_BATCH];
	struct ntmm_ws_entry __user *entries;
	struct ntmm_working_set_ex w;
	u32 done, n;
	int ret;

	ret = ntmm_copy_struct_in(&w, sizeof(w), NTMM_WORKING_SET_EX_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (w.__pad0)
		return -EINVAL;
	entries = u64_to_user_ptr(w.entries);
	for (done = 0; done < w.count; done += n) {
		n = min_t(u32, w.count - done, NTMM_WS_BATCH);
		if (copy_from_user(batch, entries + done, n * sizeof(batch[0])))
			return -EFAULT;
		ntmm_ws_query(proc, batch, n);
		if (copy_to_user(entries + done, batch, n * sizeof(batch[0])))
			return -EFAULT;
		cond_resched();
	}
	w.status = ntstatus_to_user(STATUS_SUCCESS);
	return ntmm_copy_struct_out(arg, &w, sizeof(w));
}

/* Where SystemPoolTagInformation's entries go, and how many fit. */
struct ntmm_pool_tags_out {
	struct ntmm_pool_tag_info __user *entries;
	u32 room;
	u32 n;
};

/* Called outside RCU, one tag at a time: the copy may fault. */
static int ntmm_pool_tag_copy_out(void *ctx, const struct ntmm_pool_tag_info *info)
{
	struct ntmm_pool_tags_out *o = ctx;

	if (o->n < o->room && copy_to_user(o->entries + o->n, info, sizeof(*info)))
		return -EFAULT;
	o->n++;
	return 0;
}

static long ntmm_ioctl_pool_tags(void __user *arg)
{
	struct ntmm_pool_tags_out o = {};
	struct ntmm_pool_tags q;
	int ret;

	ret = ntmm_copy_struct_in(&q, sizeof(q), NTMM_POOL_TAGS_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (q.__pad0)
		return -EINVAL;
	o.entries = u64_to_user_ptr(q.entries);
	o.room = q.count;
	ret = ntmm_pool_tags_for_each(ntmm_pool_tag_copy_out, &o);
	if (ret)
		return ret;
	q.status = ntstatus_to_user(o.n > o.room ? STATUS_INFO_LENGTH_MISMATCH : STATUS_SUCCESS);
	q.count = o.n;
	return ntmm_copy_struct_out(arg, &q, sizeof(q));
}

/*
 * A section name from the caller, into a kernel copy (*@name, to kfree()).
 * Return: 0, or -EINVAL / -EFAULT / -ENOMEM. *@status is the NT answer to
 * a name NT refuses: empty, or with a backslash (libntmm strips Local\
 * and Global\).
 */
static int ntmm_name_in(u64 uname, u32 len, char **name, ntstatus_t *status)
{
	*name = NULL;
	*status = STATUS_SUCCESS;
	if (!uname)
		return len ? -EINVAL : 0;
	if (len > NTMM_NAME_MAX)
		return -EINVAL;
	*name = memdup_user(u64_to_user_ptr(uname), len);
	if (IS_ERR(*name)) {
		int err = PTR_ERR(*name);

		*name = NULL;
		return err;
	}
	if (!len || memchr(*name, '\\', len))
		*status = STATUS_OBJECT_NAME_INVALID;
	return 0;
}

static long ntmm_ioctl_section_create(void __user *arg)
{
	struct ntmm_section_create c;
	struct ntmm_section_args args;
	ntstatus_t status;
	char *name;
	int ret;

	ret = ntmm_copy_struct_in(&c, sizeof(c), NTMM_SECTION_CREATE_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (c.flags & ~(NTMM_HANDLE_INHERIT | NTMM_NAME_GLOBAL) || c.fd < -1)
		return -EINVAL;
	ret = ntmm_name_in(c.name, c.name_length, &name, &status);
	if (ret)
		return ret;
	args = (struct ntmm_section_args){
		.protect = c.protect, .attributes = c.attributes, .max_size = c.max_size,
		.name = name, .name_len = c.name_length, .flags = c.flags,
	};
	c.handle = -1;
	if (!status && c.fd >= 0) {
		args.file = fget(c.fd);
		if (!args.file)
			status = STATUS_INVALID_HANDLE;
	}
	if (!status)
		status = ntmm_section_create(&args, &c.max_size, &c.handle);
	if (args.file)
		fput(args.file);
	kfree(name);
	c.status = ntstatus_to_user(status);
	return ntmm_copy_struct_out(arg, &c, sizeof(c));
}

static long ntmm_ioctl_section_open(void __user *arg)
{
	struct ntmm_section_open o;
	ntstatus_t status;
	char *name;
	int ret, fd = -1;

	ret = ntmm_copy_struct_in(&o, sizeof(o), NTMM_SECTION_OPEN_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (o.flags & ~(NTMM_HANDLE_INHERIT | NTMM_NAME_GLOBAL))
		return -EINVAL;
	ret = ntmm_name_in(o.name, o.name_length, &name, &status);
	if (ret)
		return ret;
	if (!status)
		status = name ? ntmm_section_open(name, o.name_length, o.flags, o.access, &fd) :
				ntmm_section_reopen(o.handle, o.access, o.flags, &fd);
	kfree(name);
	o.handle = fd;
	o.status = ntstatus_to_user(status);
	return ntmm_copy_struct_out(arg, &o, sizeof(o));
}

static long ntmm_ioctl_process_open(void __user *arg)
{
	struct ntmm_process_open o;
	int ret, fd = -1;

	ret = ntmm_copy_struct_in(&o, sizeof(o), NTMM_PROCESS_OPEN_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (o.__pad0 || (o.flags & ~NTMM_HANDLE_INHERIT))
		return -EINVAL;
	o.status = ntstatus_to_user(ntmm_process_open(o.source, o.pid, o.access, o.flags, &fd));
	o.handle = fd;
	return ntmm_copy_struct_out(arg, &o, sizeof(o));
}

static long ntmm_ioctl_process_info(void __user *arg)
{
	struct ntmm_process_info i;
	int ret;

	ret = ntmm_copy_struct_in(&i, sizeof(i), NTMM_PROCESS_INFO_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (i.__pad0)
		return -EINVAL;
	i.pid = 0;
	i.access = 0;
	i.status = ntstatus_to_user(ntmm_process_info(i.handle, &i.pid, &i.access));
	return ntmm_copy_struct_out(arg, &i, sizeof(i));
}

static long ntmm_ioctl_process_copy(void __user *arg)
{
	struct ntmm_process_copy c;
	int ret;

	ret = ntmm_copy_struct_in(&c, sizeof(c), NTMM_PROCESS_COPY_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (c.flags & ~NTMM_COPY_WRITE)
		return -EINVAL;
	c.status = ntstatus_to_user(ntmm_process_copy(c.process, c.flags & NTMM_COPY_WRITE,
						      c.address, u64_to_user_ptr(c.buffer),
						      c.length, &c.copied));
	return ntmm_copy_struct_out(arg, &c, sizeof(c));
}

/* NTMM_IOC_REMOTE: @own is the caller's file, for a handle to its own process. */
static long ntmm_ioctl_remote(struct file *own, void __user *arg)
{
	bool ws = false;
	const struct ntmm_nt_call *c;
	struct ntmm_target t;
	struct ntmm_remote r;
	ntstatus_t status;
	long ret;

	ret = ntmm_copy_struct_in(&r, sizeof(r), NTMM_REMOTE_SIZE_VER0, arg);
	if (ret)
		return ret;
	c = ntmm_nt_call_of(r.cmd);
	if (!c) {
		ws = ntmm_same_cmd(r.cmd, NTMM_IOC_WORKING_SET_EX);
		if (!ws)
			return -EINVAL;
	}
	status = ntmm_target_get(r.process, ws ? NTMM_PROCESS_QUERY_LIMITED_INFORMATION :
				 c->rights, own, &t);
	if (!status) {
		if (ws)
			ret = ntmm_ioctl_working_set_ex(t.proc, u64_to_user_ptr(r.arg));
		else
			ret = ntmm_ioctl_nt(c, &t, u64_to_user_ptr(r.arg));
		ntmm_target_put(&t);
		if (ret)
			return ret;
	}
	r.status = ntstatus_to_user(status);
	return ntmm_copy_struct_out(arg, &r, sizeof(r));
}

/**
 * ntmm_ioctl() - Dispatch one ioctl of an ntmm file.
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
	struct ntmm_target self = { .proc = proc, .file = file };
	const struct ntmm_nt_call *nt;

	if (_IOC_TYPE(cmd) != NTMM_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	/* A descriptor inherited over fork or exec must not reach this context. */
	if (current->mm != proc->mm)
		return -EACCES;

	nt = ntmm_nt_call_of(cmd);
	if (nt)
		return ntmm_ioctl_nt(nt, &self, arg);
	switch (_IOC_NR(cmd)) {
	case _IOC_NR(NTMM_IOC_VERSION):
		return ntmm_ioctl_version(arg);
	case _IOC_NR(NTMM_IOC_SYSTEM_INFO):
		return ntmm_ioctl_system_info(arg);
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
	case _IOC_NR(NTMM_IOC_SECTION_CREATE):
		return ntmm_ioctl_section_create(arg);
	case _IOC_NR(NTMM_IOC_SECTION_OPEN):
		return ntmm_ioctl_section_open(arg);
	case _IOC_NR(NTMM_IOC_PROCESS_OPEN):
		return ntmm_ioctl_process_open(arg);
	case _IOC_NR(NTMM_IOC_PROCESS_INFO):
		return ntmm_ioctl_process_info(arg);
	case _IOC_NR(NTMM_IOC_REMOTE):
		return ntmm_ioctl_remote(file, arg);
	case _IOC_NR(NTMM_IOC_PROCESS_COPY):
		return ntmm_ioctl_process_copy(arg);
	default:
		return -ENOTTY;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_ioctl);
