/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sections (section.c): memory that views share, held by handles that
 * are file descriptors, and found by name.
 */
#ifndef NTMM_VM_SECTION_H
#define NTMM_VM_SECTION_H

#include <linux/kref.h>
#include <linux/maple_tree.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "../ntstatus.h"

struct file;
struct folio;
struct ntmm_name;

/**
 * struct ntmm_section - a section object.
 * @ref:	one per handle and one per view; the last frees it.
 * @handles:	the handles alone: the name goes with the last (item 33).
 * @file:	the pages: a shmem file of the section's own (pagefile-backed)
 *		or the file it maps, whose page cache views share; NULL with
 *		SEC_LARGE_PAGES.
 * @large:	with SEC_LARGE_PAGES, its 2 MiB folios, taken at creation.
 * @size:	bytes; views end at the page holding the last.
 * @protect:	the protection it was created with (PAGE_*).
 * @attributes:	SEC_*, with SEC_COMMIT set when SEC_RESERVE is not.
 * @file_backed: a file's section, not the pagefile's.
 * @lock:	orders commits of a SEC_RESERVE section.
 * @committed:	SEC_RESERVE: page index -> committed, as runs. RCU mode:
 *		faults and VirtualQuery read it unlocked; written under @lock.
 * @charged:	pages charged to the commit limit, under @lock.
 * @file_ops:	@file's own vm_operations, which views delegate to; set as
 *		the first view is mapped, the same for every view.
 * @name:	its entry in the name table, NULL if unnamed or unnamed since.
 */
struct ntmm_section {
	struct kref ref;
	atomic_t handles;
	struct file *file;
	struct folio **large;
	u64 size;
	u32 protect;
	u32 attributes;
	bool file_backed;
	struct mutex lock;	/* see above */
	struct maple_tree committed;
	unsigned long charged;
	const struct vm_operations_struct *file_ops;
	struct ntmm_name *name;
};

/**
 * struct ntmm_section_args - NtCreateSection's arguments, kernel copies.
 * @protect:	page protection.
 * @attributes:	SEC_*.
 * @max_size:	bytes, 0 with a file for its size.
 * @file:	the file to map (a reference of the caller's), or NULL.
 * @name:	the name's bytes, or NULL.
 * @name_len:	their count.
 * @flags:	NTMM_HANDLE_INHERIT, NTMM_NAME_GLOBAL.
 */
struct ntmm_section_args {
	u32 protect;
	u32 attributes;
	u64 max_size;
	struct file *file;
	const char *name;
	u32 name_len;
	u32 flags;
};

ntstatus_t ntmm_section_create(const struct ntmm_section_args *args, u64 *size, int *fd);
ntstatus_t ntmm_section_open(const char *name, u32 name_len, u32 flags, u32 access, int *fd);
ntstatus_t ntmm_section_reopen(int handle, u32 access, u32 flags, int *fd);
struct ntmm_section *ntmm_section_from_handle(int handle, u32 need, ntstatus_t *status);
void ntmm_section_put(struct ntmm_section *section);
unsigned long ntmm_section_run(struct ntmm_section *section, pgoff_t first, unsigned long max,
			       bool *committed);
bool ntmm_section_committed(struct ntmm_section *section, pgoff_t first, pgoff_t last);
ntstatus_t ntmm_section_commit(struct ntmm_section *section, pgoff_t first, pgoff_t last);
long ntmm_sections_alive(void);

#endif /* NTMM_VM_SECTION_H */
