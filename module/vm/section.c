// SPDX-License-Identifier: GPL-2.0
/*
 * Sections: NtCreateSection and NtOpenSection. A section's pages are a
 * file's: a shmem file of its own for memory backed by the pagefile
 * (swappable, charged to the commit limit), or the caller's file, whose
 * page cache every view then shares with read() and write() of it.
 *
 * A handle is a file descriptor of an anonymous inode holding the section
 * and the rights it was opened with: it closes with the process, passes
 * over UNIX sockets with SCM_RIGHTS, and is close-on-exec unless
 * inherited. The section lives while a handle or a view holds it; its name
 * lives while a handle does (item 33). Names are Local\ (one namespace per
 * user: the effective kuid) or Global\ (made only with CAP_SYS_ADMIN or
 * membership of the group global_gid names, opened by its creator's user or
 * such a holder, as Windows' default DACL lets the creator and
 * administrators in).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/ntmm.h>
#include <linux/numa.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>

#include "../privilege.h"
#include "commit.h"
#include "large.h"
#include "nt_rules.h"
#include "section.h"

static kgid_t global_gid = INVALID_GID;
module_param_cb(global_gid, &ntmm_group_param_ops, &global_gid, 0644);
MODULE_PARM_DESC(global_gid,
		 "Group whose members may create Global\\ names, as with CAP_SYS_ADMIN (-1: none)");

/**
 * struct ntmm_name - a section's name.
 * @node:	in ntmm_names, under ntmm_names_lock.
 * @section:	the section; the name holds no reference, its handles do.
 * @global:	in Global\, else in @uid's Local\.
 * @uid:	the creator (Local\: the namespace).
 * @len:	bytes of @bytes.
 * @bytes:	the name, case-sensitive as Windows' object names.
 */
struct ntmm_name {
	struct hlist_node node;
	struct ntmm_section *section;
	bool global;
	kuid_t uid;
	u32 len;
	char bytes[];
};

static DEFINE_HASHTABLE(ntmm_names, 8);
static DEFINE_MUTEX(ntmm_names_lock);

/* Sections alive, for tests of teardown. */
static atomic_long_t ntmm_sections = ATOMIC_LONG_INIT(0);

/**
 * struct ntmm_handle - what a section handle's file holds.
 * @section:	the section, with a reference.
 * @access:	SECTION_* rights it was opened with.
 */
struct ntmm_handle {
	struct ntmm_section *section;
	u32 access;
};

static u32 ntmm_name_hash(const char *bytes, u32 len, bool global, kuid_t uid)
{
	return jhash(bytes, len, global ? 0 : __kuid_val(uid) + 1);
}

/* The entry for a name, in Global\ or the caller's Local\. ntmm_names_lock held. */
static struct ntmm_name *ntmm_name_find(const char *bytes, u32 len, bool global)
{
	kuid_t uid = current_euid();
	struct ntmm_name *n;

	lockdep_assert_held(&ntmm_names_lock);
	hash_for_each_possible(ntmm_names, n, node, ntmm_name_hash(bytes, len, global, uid)) {
		if (n->global == global && n->len == len && !memcmp(n->bytes, bytes, len) &&
		    (global || uid_eq(n->uid, uid)))
			return n;
	}
	return NULL;
}

/* Give back the first @n of a large-page section's folios, and their array. */
static void ntmm_section_free_large(struct ntmm_section *section, unsigned long n)
{
	while (n--)
		ntmm_large_free(section->large[n]);
	kfree(section->large);
	section->large = NULL;
}

/*
 * SEC_LARGE_PAGES: every large page now, zeroed, as Windows backs them at
 * once (the pagefile never holds them), or none.
 */
static ntstatus_t ntmm_section_alloc_large(struct ntmm_section *section)
{
	unsigned long n = section->size / NTMM_LARGE_SIZE, i;

	section->large = kcalloc(n, sizeof(*section->large), GFP_KERNEL_ACCOUNT);
	if (!section->large)
		return STATUS_NO_MEMORY;
	for (i = 0; i < n; i++) {
		section->large[i] = ntmm_large_alloc(NUMA_NO_NODE);
		if (!section->large[i]) {
			ntmm_section_free_large(section, i);
			return STATUS_INSUFFICIENT_RESOURCES;
		}
	}
	return STATUS_SUCCESS;
}

static void ntmm_section_free(struct kref *ref)
{
	struct ntmm_section *section = container_of(ref, struct ntmm_section, ref);

	if (section->charged)
		ntmm_commit_uncharge_system(section->charged);
	mtree_destroy(&section->committed);
	if (section->large)
		ntmm_section_free_large(section, section->size / NTMM_LARGE_SIZE);
	else
		fput(section->file);
	mutex_destroy(&section->lock);
	kfree(section);
	atomic_long_dec(&ntmm_sections);
	module_put(THIS_MODULE);
}

/**
 * ntmm_section_put() - Drop a reference to a section.
 * @section: the section.
 */
void ntmm_section_put(struct ntmm_section *section)
{
	kref_put(&section->ref, ntmm_section_free);
}

/* The last handle of a section closed: its name goes, even while views remain. */
static int ntmm_handle_release(struct inode *inode, struct file *file)
{
	struct ntmm_handle *h = file->private_data;
	struct ntmm_section *section = h->section;

	if (atomic_dec_and_mutex_lock(&section->handles, &ntmm_names_lock)) {
		if (section->name) {
			hash_del(&section->name->node);
			kfree(section->name);
			section->name = NULL;
		}
		mutex_unlock(&ntmm_names_lock);
	}
	ntmm_section_put(section);
	kfree(h);
	return 0;
}

static const struct file_operations ntmm_handle_fops = {
	.owner		= THIS_MODULE,
	.release	= ntmm_handle_release,
	.llseek		= noop_llseek,
};

/*
 * A new handle to @section with @access, as a descriptor installed in the
 * caller's table; it takes a reference of the section's. The caller holds
 * ntmm_names_lock if the section is named, so that the name cannot go
 * meanwhile.
 */
static ntstatus_t ntmm_handle_new(struct ntmm_section *section, u32 access, u32 flags, int *fd)
{
	struct ntmm_handle *h;
	struct file *file;
	int nfd;

	h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (!h)
		return STATUS_NO_MEMORY;
	nfd = get_unused_fd_flags(flags & NTMM_HANDLE_INHERIT ? 0 : O_CLOEXEC);
	if (nfd < 0) {
		kfree(h);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	h->section = section;
	h->access = access;
	file = anon_inode_getfile("[ntmm-section]", &ntmm_handle_fops, h, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(nfd);
		kfree(h);
		return STATUS_NO_MEMORY;
	}
	kref_get(&section->ref);
	atomic_inc(&section->handles);
	fd_install(nfd, file);
	*fd = nfd;
	return STATUS_SUCCESS;
}

/* May the caller make names in Global\? */
static bool ntmm_global_privileged(void)
{
	return ntmm_privileged(CAP_SYS_ADMIN, READ_ONCE(global_gid));
}

/*
 * The file of a file-backed section, checked as CreateFileMapping checks
 * its handle: a regular file that can be mapped, opened for reading, and
 * for writing if the protection writes; its size decides the section's.
 * A section larger than the file grows the file if it may write it.
 */
static ntstatus_t ntmm_section_file(struct file *file, u32 protect, u64 *size)
{
	bool writes = nt_section_allows(protect) & NTMM_SECTION_MAP_WRITE;
	u64 file_size;

	if (!S_ISREG(file_inode(file)->i_mode) || !file->f_op->mmap)
		return STATUS_INVALID_FILE_FOR_SECTION;
	if (!(file->f_mode & FMODE_READ) || (writes && !(file->f_mode & FMODE_WRITE)))
		return STATUS_ACCESS_DENIED;
	file_size = i_size_read(file_inode(file));
	if (!*size) {
		if (!file_size)
			return STATUS_MAPPED_FILE_SIZE_ZERO;
		*size = file_size;
		return STATUS_SUCCESS;
	}
	if (*size <= file_size)
		return STATUS_SUCCESS;
	if (!writes)
		return STATUS_SECTION_TOO_BIG;
	if (*size > MAX_LFS_FILESIZE || vfs_truncate(&file->f_path, *size))
		return STATUS_SECTION_TOO_BIG;
	return STATUS_SUCCESS;
}

/* A new section, no handle yet. */
static ntstatus_t ntmm_section_new(const struct ntmm_section_args *args, u32 attributes,
				   struct ntmm_section **out)
{
	struct ntmm_section *section;
	u64 size = args->max_size;
	ntstatus_t status;

	if (args->file) {
		status = ntmm_section_file(args->file, args->protect, &size);
		if (status)
			return status;
		/* SEC_RESERVE means nothing to a file's section. */
		attributes = (attributes & ~NTMM_SEC_RESERVE) | NTMM_SEC_COMMIT;
	} else {
		if (!size)
			return STATUS_INVALID_PARAMETER;
		if (size > MAX_LFS_FILESIZE)
			return STATUS_SECTION_TOO_BIG;
		size = PAGE_ALIGN(size);
	}
	section = kzalloc(sizeof(*section), GFP_KERNEL_ACCOUNT);
	if (!section)
		return STATUS_NO_MEMORY;
	kref_init(&section->ref);
	mutex_init(&section->lock);
	mt_init_flags(&section->committed, MT_FLAGS_USE_RCU);
	section->size = size;
	section->protect = args->protect;
	section->attributes = attributes;
	if (args->file) {
		section->file = get_file(args->file);
		section->file_backed = true;
	} else {
		/* Charged as Windows charges it: all now (SEC_COMMIT), or as committed. */
		if (attributes & NTMM_SEC_COMMIT) {
			status = ntmm_commit_charge_system(size >> PAGE_SHIFT);
			if (status)
				goto err_free;
			section->charged = size >> PAGE_SHIFT;
		}
		if (attributes & NTMM_SEC_LARGE_PAGES) {
			status = ntmm_section_alloc_large(section);
			if (status)
				goto err_uncharge;
		} else {
			section->file = shmem_file_setup("ntmm-section", size, VM_NORESERVE);
			if (IS_ERR(section->file)) {
				status = STATUS_NO_MEMORY;
				goto err_uncharge;
			}
		}
	}
	/* Its views' VMAs run the module's code. */
	__module_get(THIS_MODULE);
	atomic_long_inc(&ntmm_sections);
	*out = section;
	return STATUS_SUCCESS;

err_uncharge:
	if (section->charged)
		ntmm_commit_uncharge_system(section->charged);
err_free:
	mutex_destroy(&section->lock);
	kfree(section);
	return status;
}

/**
 * ntmm_section_create() - NtCreateSection.
 * @args: the arguments, checked here.
 * @size: set to the section's size.
 * @fd: set to the new handle.
 *
 * A name already taken in its namespace gives a handle to that section,
 * with STATUS_OBJECT_NAME_EXISTS, as CreateFileMapping then sets
 * ERROR_ALREADY_EXISTS; the other arguments are not applied to it.
 *
 * Return: NT's status.
 */
ntstatus_t ntmm_section_create(const struct ntmm_section_args *args, u64 *size, int *fd)
{
	bool global = args->flags & NTMM_NAME_GLOBAL;
	u32 attributes = args->attributes;
	struct ntmm_name *name = NULL, *taken;
	struct ntmm_section *section;
	ntstatus_t status;

	status = nt_check_section(args->protect, &attributes);
	if (status)
		return status;
	/* Large pages: the pagefile's only, whole ones, with the privilege (item 26). */
	if (attributes & NTMM_SEC_LARGE_PAGES) {
		if (args->file || !IS_ALIGNED(args->max_size, NTMM_LARGE_SIZE) || !args->max_size)
			return STATUS_INVALID_PARAMETER;
		if (!ntmm_large_privileged())
			return STATUS_PRIVILEGE_NOT_HELD;
	}
	if (args->name && global && !ntmm_global_privileged())
		return STATUS_ACCESS_DENIED;
	if (args->name) {
		name = kmalloc(struct_size(name, bytes, args->name_len), GFP_KERNEL_ACCOUNT);
		if (!name)
			return STATUS_NO_MEMORY;
		name->global = global;
		name->uid = current_euid();
		name->len = args->name_len;
		memcpy(name->bytes, args->name, args->name_len);
		mutex_lock(&ntmm_names_lock);
		taken = ntmm_name_find(name->bytes, name->len, global);
		if (taken) {
			section = taken->section;
			status = ntmm_handle_new(section, NTMM_SECTION_ALL_ACCESS, args->flags, fd);
			mutex_unlock(&ntmm_names_lock);
			kfree(name);
			if (!status)
				*size = section->size;
			return status ? status : STATUS_OBJECT_NAME_EXISTS;
		}
	}
	status = ntmm_section_new(args, attributes, &section);
	if (status)
		goto out_unlock;
	status = ntmm_handle_new(section, NTMM_SECTION_ALL_ACCESS, args->flags, fd);
	if (!status) {
		*size = section->size;
		if (name) {
			name->section = section;
			section->name = name;
			hash_add(ntmm_names, &name->node,
				 ntmm_name_hash(name->bytes, name->len, global, name->uid));
			name = NULL;
		}
	}
	/* The handle holds it now; without one this frees it. */
	ntmm_section_put(section);
out_unlock:
	if (args->name)
		mutex_unlock(&ntmm_names_lock);
	kfree(name);
	return status;
}

/**
 * ntmm_section_open() - NtOpenSection.
 * @name: the name's bytes.
 * @name_len: their count.
 * @flags: NTMM_HANDLE_INHERIT, NTMM_NAME_GLOBAL.
 * @access: the rights wanted (FILE_MAP_*, SECTION_*).
 * @fd: set to the new handle.
 *
 * Rights a section's protection cannot grant are refused (a handle for
 * writing to a read-only section), as is a Global\ name to whoever did
 * not make it and holds no privilege.
 *
 * Return: STATUS_SUCCESS, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_ACCESS_DENIED
 * or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_section_open(const char *name, u32 name_len, u32 flags, u32 access, int *fd)
{
	bool global = flags & NTMM_NAME_GLOBAL;
	struct ntmm_name *n;
	ntstatus_t status;
	u32 allowed;

	if (access & ~NTMM_SECTION_ALL_ACCESS & ~NTMM_SECTION_MAP_EXECUTE_EXPLICIT)
		return STATUS_ACCESS_DENIED;
	mutex_lock(&ntmm_names_lock);
	n = ntmm_name_find(name, name_len, global);
	if (!n) {
		status = STATUS_OBJECT_NAME_NOT_FOUND;
		goto out_unlock;
	}
	allowed = nt_section_allows(n->section->protect) | NTMM_SECTION_QUERY;
	status = STATUS_ACCESS_DENIED;
	if (global && !uid_eq(n->uid, current_euid()) && !ntmm_global_privileged())
		goto out_unlock;
	if (!nt_section_granted(allowed, access & (NTMM_SECTION_MAP_READ |
						   NTMM_SECTION_MAP_WRITE |
						   NTMM_SECTION_MAP_EXECUTE |
						   NTMM_SECTION_MAP_EXECUTE_EXPLICIT)))
		goto out_unlock;
	status = ntmm_handle_new(n->section, access, flags, fd);
out_unlock:
	mutex_unlock(&ntmm_names_lock);
	return status;
}

/* The handle behind descriptor @fd, with a reference to its file in *@file. */
static struct ntmm_handle *ntmm_handle_get(int fd, struct file **file)
{
	*file = fget(fd);
	if (!*file)
		return NULL;
	if ((*file)->f_op != &ntmm_handle_fops) {
		fput(*file);
		return NULL;
	}
	return (*file)->private_data;
}

/**
 * ntmm_section_reopen() - A new handle to the section of @handle, with fewer rights.
 * @handle: a section handle.
 * @access: the rights of the new handle: a subset of @handle's.
 * @flags: NTMM_HANDLE_INHERIT.
 * @fd: set to the new handle.
 *
 * DuplicateHandle without DUPLICATE_SAME_ACCESS: a descriptor of its own,
 * since a dup() would share the rights of the one it copies.
 *
 * Return: STATUS_SUCCESS, STATUS_INVALID_HANDLE, STATUS_ACCESS_DENIED or
 * STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_section_reopen(int handle, u32 access, u32 flags, int *fd)
{
	struct ntmm_handle *h;
	struct file *file;
	ntstatus_t status;

	h = ntmm_handle_get(handle, &file);
	if (!h)
		return STATUS_INVALID_HANDLE;
	status = STATUS_ACCESS_DENIED;
	if (!(access & ~h->access)) {
		/* The name, if any, stays: this handle holds it. */
		mutex_lock(&ntmm_names_lock);
		status = ntmm_handle_new(h->section, access, flags, fd);
		mutex_unlock(&ntmm_names_lock);
	}
	fput(file);
	return status;
}

/**
 * ntmm_section_from_handle() - The section of a handle that has rights @need.
 * @handle: the descriptor.
 * @need: SECTION_MAP_* rights the caller needs (nt_section_rights()).
 * @status: set to STATUS_INVALID_HANDLE or STATUS_ACCESS_DENIED on failure.
 *
 * Return: the section with a reference, or NULL.
 */
struct ntmm_section *ntmm_section_from_handle(int handle, u32 need, ntstatus_t *status)
{
	struct ntmm_section *section = NULL;
	struct ntmm_handle *h;
	struct file *file;

	h = ntmm_handle_get(handle, &file);
	if (!h) {
		*status = STATUS_INVALID_HANDLE;
		return NULL;
	}
	if (!nt_section_granted(h->access, need) ||
	    !nt_section_granted(nt_section_allows(h->section->protect), need)) {
		*status = STATUS_ACCESS_DENIED;
	} else {
		section = h->section;
		kref_get(&section->ref);
	}
	fput(file);
	return section;
}

/**
 * ntmm_section_run() - The run of pages from @first with its commit state.
 * @section: the section; under RCU or not.
 * @first: first page index.
 * @max: the most pages the caller asks about, at least 1.
 * @committed: set to whether page @first is committed.
 *
 * Every page of a SEC_COMMIT section is committed; a SEC_RESERVE section's
 * committed pages are runs in @section->committed, merged as they grow.
 *
 * Return: pages from @first in the same state, at most @max.
 */
unsigned long ntmm_section_run(struct ntmm_section *section, pgoff_t first, unsigned long max,
			       bool *committed)
{
	MA_STATE(mas, &section->committed, first, first);
	unsigned long n;

	*committed = true;
	if (section->attributes & NTMM_SEC_COMMIT)
		return max;
	rcu_read_lock();
	*committed = mas_walk(&mas);
	n = min(mas.last - first, max - 1) + 1;
	rcu_read_unlock();
	return n;
}

/**
 * ntmm_section_committed() - Are pages [@first, @last) of @section committed?
 * @section: the section; under RCU or not.
 * @first: first page index.
 * @last: one past the last.
 *
 * Return: true if they all are.
 */
bool ntmm_section_committed(struct ntmm_section *section, pgoff_t first, pgoff_t last)
{
	bool committed;

	return ntmm_section_run(section, first, last - first, &committed) == last - first &&
	       committed;
}

/* Pages of [@first, @last) committed already. @section->lock held. */
static unsigned long ntmm_section_count(struct ntmm_section *section, pgoff_t first,
					pgoff_t last)
{
	MA_STATE(mas, &section->committed, first, first);
	unsigned long n = 0;
	void *entry;

	lockdep_assert_held(&section->lock);
	rcu_read_lock();
	mas_for_each(&mas, entry, last - 1)
		n += min_t(pgoff_t, mas.last, last - 1) - max_t(pgoff_t, mas.index, first) + 1;
	rcu_read_unlock();
	return n;
}

/*
 * Mark pages [@first, @last) committed, as one run with committed
 * neighbours, so that a run's entry spans it whole. @section->lock held.
 */
static int ntmm_section_mark(struct ntmm_section *section, pgoff_t first, pgoff_t last)
{
	MA_STATE(mas, &section->committed, 0, 0);

	lockdep_assert_held(&section->lock);
	rcu_read_lock();
	mas_set(&mas, first - 1);
	if (first && mas_walk(&mas))
		first = mas.index;
	mas_set(&mas, last);
	if (mas_walk(&mas))
		last = mas.last + 1;
	rcu_read_unlock();
	return mtree_store_range(&section->committed, first, last - 1, xa_mk_value(1),
				 GFP_KERNEL_ACCOUNT);
}

/**
 * ntmm_section_commit() - Commit pages [@first, @last) of a SEC_RESERVE section.
 * @section: the section.
 * @first: first page index.
 * @last: one past the last.
 *
 * Every view of the section sees them committed at once (item 34). The
 * pages newly committed are charged; they stay until the section goes,
 * as a section's pages cannot be decommitted.
 *
 * Return: STATUS_SUCCESS, STATUS_COMMITMENT_LIMIT or STATUS_NO_MEMORY, with
 * nothing changed on failure.
 */
ntstatus_t ntmm_section_commit(struct ntmm_section *section, pgoff_t first, pgoff_t last)
{
	unsigned long fresh;
	ntstatus_t status;

	if (section->attributes & NTMM_SEC_COMMIT)
		return STATUS_SUCCESS;
	mutex_lock(&section->lock);
	fresh = last - first - ntmm_section_count(section, first, last);
	status = ntmm_commit_charge_system(fresh);
	if (status)
		goto out_unlock;
	if (ntmm_section_mark(section, first, last)) {
		ntmm_commit_uncharge_system(fresh);
		status = STATUS_NO_MEMORY;
		goto out_unlock;
	}
	section->charged += fresh;
out_unlock:
	mutex_unlock(&section->lock);
	return status;
}

/**
 * ntmm_sections_alive() - Sections alive.
 *
 * Return: that number.
 */
long ntmm_sections_alive(void)
{
	return atomic_long_read(&ntmm_sections);
}
