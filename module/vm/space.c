// SPDX-License-Identifier: GPL-2.0
/*
 * A process's address space file: one shmem file on ntmm's own tmpfs,
 * created with the first region, whose folios back every page of the
 * process's private ntmm memory at file offset == virtual address. Regions (region.c) are VMAs
 * that window it, so its folios are ordinary page cache to Linux: GUP,
 * migration, compaction, reclaim to swap and RSS all see them, and rmap
 * finds every PTE through the file's i_mmap.
 *
 * What a page may be is the VAD's business (vad.c); this file only holds
 * the data. A page's PTE is installed by the kernel's fault path while the
 * folio is locked (region.c's ->fault returns it locked), so every change
 * that takes a permission away goes through ntmm_space_settle(): the state
 * is changed first, then each folio of the range is locked and unlocked,
 * which waits for a fault that checked the old state to finish, then the
 * range's PTEs are zapped. Truncation does the same by itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/mount.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/rmap.h>
#include <linux/shmem_fs.h>

#include "../compat.h"
#include "../process.h"
#include "placement.h"
#include "space.h"

/* The private tmpfs all address space files live on: its huge= is ntmm's own. */
static struct vfsmount *ntmm_space_mnt;

/**
 * ntmm_space_init() - Mount the tmpfs the address space files live on.
 *
 * A mount of ntmm's own, as i915 has for its objects, so that the size of
 * the files' folios is ntmm's decision (compat.h) and not the system's
 * shmem_enabled, which "always" would turn on for every shmem file: a
 * 2 MiB folio may back only a 2 MiB block that one allocation commits
 * whole. Unlimited, as kernel mounts are: commit charge is the limit.
 *
 * Return: 0 or a negative errno.
 */
int ntmm_space_init(void)
{
	struct file_system_type *type = get_fs_type("tmpfs");
	struct fs_context *fc;
	struct vfsmount *mnt;
	int err;

	if (!type)
		return -ENODEV;
	fc = fs_context_for_mount(type, SB_KERNMOUNT);
	if (IS_ERR(fc))
		return PTR_ERR(fc);
	err = vfs_parse_fs_string(fc, "source", "ntmm", 4);
	if (!err && IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		err = vfs_parse_fs_string(fc, "huge", NTMM_SPACE_HUGE_OPTION,
					  strlen(NTMM_SPACE_HUGE_OPTION));
	if (!err) {
		mnt = fc_mount(fc);
		err = PTR_ERR_OR_ZERO(mnt);
	}
	put_fs_context(fc);
	if (!err)
		ntmm_space_mnt = mnt;
	return err;
}

/** ntmm_space_exit() - Unmount it; every file on it is gone. */
void ntmm_space_exit(void)
{
	kern_unmount(ntmm_space_mnt);
}

/**
 * ntmm_space_open() - Give a context its address space file, once.
 * @proc: the context; its lock held.
 *
 * The file reserves nothing: the commit charge (commit.c) is what limits
 * it. Its size is compat.h's (NTMM_SPACE_SIZE).
 *
 * Return: 0 or a negative errno.
 */
int ntmm_space_open(struct ntmm_process *proc)
{
	struct file *file;

	lockdep_assert_held(&proc->lock);
	if (proc->space)
		return 0;
	file = shmem_file_setup_with_mnt(ntmm_space_mnt, "ntmm", NTMM_SPACE_SIZE, VM_NORESERVE);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ntmm_shmem_keep_all(file);
	proc->space = file;
	return 0;
}

/**
 * ntmm_space_close() - Drop the context's reference to its file.
 * @proc: the dying context; the regions, which hold their own, are gone.
 */
void ntmm_space_close(struct ntmm_process *proc)
{
	if (proc->space)
		fput(proc->space);
}

/**
 * ntmm_folio_on_node() - A shmem file's fresh folio, from @node.
 * @folio: a folio of a shmem file (the address space file, or a section's),
 *	locked and with the caller's reference.
 * @node: the node its frame should be on.
 *
 * A fresh folio shmem took from the local node, for a VAD that prefers
 * @node: a zeroed one from @node takes its place in the page cache, as a
 * first touch there would have given. Only a folio nobody maps or wrote:
 * anything else keeps its place (and its data).
 *
 * Return: the folio to use, locked and with a reference (@folio's went).
 */
struct folio *ntmm_folio_on_node(struct folio *folio, int node)
{
	struct folio *local;

	if (folio_nid(folio) == node || folio_test_large(folio) || folio_mapped(folio) ||
	    folio_test_dirty(folio) || !folio_test_uptodate(folio))
		return folio;
	local = __folio_alloc(GFP_HIGHUSER_MOVABLE | __GFP_ZERO | __GFP_NOWARN, 0, node, NULL);
	if (!local)
		return folio;	/* a full node falls back, as Windows' preference does */
	__folio_set_locked(local);
	__folio_set_swapbacked(local);
	folio_mark_uptodate(local);
	ntmm_replace_page_cache_folio(folio, local);
	folio_add_lru(local);
	folio_unlock(folio);
	folio_put(folio);
	return local;
}

/**
 * ntmm_space_folio() - The folio at @idx, allocated if it is a hole.
 * @proc: the context.
 * @idx: the page (its address >> PAGE_SHIFT).
 * @node: the node a fresh folio comes from, or NUMA_NO_NODE for the
 *	faulting CPU's (shmem's default).
 * @huge: a fresh folio may be the 2 MiB one of @idx's whole block, where
 *	the kernel offers that (compat.h); not with a @node.
 *
 * A folio found is returned whatever its size.
 *
 * Context: may sleep (allocation, swap-in).
 * Return: the folio, locked and with a reference, or an ERR_PTR.
 */
struct folio *ntmm_space_folio(struct ntmm_process *proc, pgoff_t idx, int node, bool huge)
{
	struct folio *folio = ntmm_shmem_folio(proc->space, idx, huge && node == NUMA_NO_NODE);

	if (!IS_ERR(folio) && node != NUMA_NO_NODE)
		folio = ntmm_folio_on_node(folio, node);
	return folio;
}

/**
 * ntmm_space_find() - The folio at @idx if there is one.
 * @proc: the context.
 * @idx: the page.
 *
 * Return: the folio, locked and with a reference, or NULL for a hole (or a
 * page out on swap).
 */
struct folio *ntmm_space_find(struct ntmm_process *proc, pgoff_t idx)
{
	if (!proc->space)
		return NULL;
	return ntmm_filemap_lock_folio(proc->space->f_mapping, idx);
}

/**
 * ntmm_space_present() - Is the page at @idx in memory?
 * @proc: the context.
 * @idx: the page.
 *
 * Return: true if its folio is in the page cache (not a hole, not on swap).
 */
bool ntmm_space_present(struct ntmm_process *proc, pgoff_t idx)
{
	struct folio *folio;

	if (!proc->space)
		return false;
	folio = ntmm_filemap_get_folio(proc->space->f_mapping, idx);
	if (!folio)
		return false;
	folio_put(folio);
	return true;
}

/**
 * ntmm_space_any() - Does the file hold anything in [@start, @end)?
 * @proc: the context.
 * @start: first byte, page aligned.
 * @end: one past the last, page aligned.
 *
 * Return: true if a folio of the range is in memory or a page of it is out
 * on swap.
 */
bool ntmm_space_any(struct ntmm_process *proc, unsigned long start, unsigned long end)
{
	unsigned long idx = start >> PAGE_SHIFT;
	bool any;

	if (!proc->space)
		return false;
	rcu_read_lock();
	any = xa_find(&proc->space->f_mapping->i_pages, &idx, (end >> PAGE_SHIFT) - 1,
		      XA_PRESENT);
	rcu_read_unlock();
	return any;
}

/**
 * ntmm_space_unmap() - Zap every PTE of [@start, @end) in every window.
 * @proc: the context.
 * @start: first byte, page aligned.
 * @end: one past the last, page aligned.
 *
 * The folios stay: the next touch maps them again.
 */
void ntmm_space_unmap(struct ntmm_process *proc, unsigned long start, unsigned long end)
{
	if (proc->space)
		unmap_mapping_range(proc->space->f_mapping, start, end - start, 1);
}

/*
 * Call @fn on each folio of pages [@first, @last) of @mapping with the
 * folio locked: taking the lock waits for a fault that read a page's old
 * state to finish.
 */
static void ntmm_mapping_each_locked(struct address_space *mapping, pgoff_t first,
				     pgoff_t last, void (*fn)(struct folio *folio))
{
	struct folio_batch fbatch;
	unsigned int i;

	folio_batch_init(&fbatch);
	while (filemap_get_folios(mapping, &first, last - 1, &fbatch)) {
		for (i = 0; i < folio_batch_count(&fbatch); i++) {
			folio_lock(fbatch.folios[i]);
			if (fn)
				fn(fbatch.folios[i]);
			folio_unlock(fbatch.folios[i]);
		}
		folio_batch_release(&fbatch);
		cond_resched();
	}
}

/**
 * ntmm_mapping_settle() - Revoke the PTEs of pages [@first, @last) of a file after a state change.
 * @mapping: the file's (the address space file's, or a section's).
 * @first: first page index in the file.
 * @last: one past the last.
 *
 * The states of the range have just been changed. A fault holds its
 * folio's lock from reading the old state to installing the PTE, so each
 * folio of the range is locked and unlocked first, which waits for such a
 * fault to finish; then every PTE of the range goes, in every VMA that
 * maps it, and the next access faults under the new state. A section's
 * other views lose theirs too, and fault them back.
 *
 * Context: may sleep; no folio lock held.
 */
void ntmm_mapping_settle(struct address_space *mapping, pgoff_t first, pgoff_t last)
{
	ntmm_mapping_each_locked(mapping, first, last, NULL);
	unmap_mapping_pages(mapping, first, last - first, false);
}

/* Make @folio's PTEs read-only and clean, keeping its data dirty. Folio locked. */
static void ntmm_space_mkclean(struct folio *folio)
{
	if (folio_mkclean(folio))
		folio_mark_dirty(folio);
}

/**
 * ntmm_mapping_wrprotect() - Write-protect the PTEs of pages [@first, @last) of a file.
 * @mapping: the file's.
 * @first: first page index in the file.
 * @last: one past the last.
 *
 * As ntmm_mapping_settle(), for pages that may still be read: each folio is
 * locked, which waits for a fault that checked the old state, and its
 * PTEs (or PMD) are made read-only and clean, so that the next write asks
 * ->page_mkwrite. The data stays dirty in the folio.
 *
 * Context: may sleep; no folio lock held.
 */
void ntmm_mapping_wrprotect(struct address_space *mapping, pgoff_t first, pgoff_t last)
{
	ntmm_mapping_each_locked(mapping, first, last, ntmm_space_mkclean);
}

/**
 * ntmm_space_settle() - Revoke the PTEs of [@start, @end) after a state change.
 * @proc: the context.
 * @start: first byte, page aligned.
 * @end: one past the last, page aligned.
 *
 * ntmm_mapping_settle() on the address space file.
 */
void ntmm_space_settle(struct ntmm_process *proc, unsigned long start, unsigned long end)
{
	if (proc->space)
		ntmm_mapping_settle(proc->space->f_mapping, start >> PAGE_SHIFT, end >> PAGE_SHIFT);
}

/**
 * ntmm_space_wrprotect() - Write-protect the PTEs of [@start, @end) after a state change.
 * @proc: the context.
 * @start: first byte, page aligned.
 * @end: one past the last, page aligned.
 *
 * ntmm_mapping_wrprotect() on the address space file.
 */
void ntmm_space_wrprotect(struct ntmm_process *proc, unsigned long start, unsigned long end)
{
	if (proc->space)
		ntmm_mapping_wrprotect(proc->space->f_mapping, start >> PAGE_SHIFT,
				       end >> PAGE_SHIFT);
}

/**
 * ntmm_space_punch() - Free the data of [@start, @end): decommit and release.
 * @proc: the context.
 * @start: first byte, page aligned.
 * @end: one past the last, page aligned.
 *
 * The PTEs go first, then the folios (and any copies on swap); a fault in
 * flight holds its folio's lock, which truncation waits for, and its PTE is
 * then zapped with the folio. The range reads as zero when next given.
 */
void ntmm_space_punch(struct ntmm_process *proc, unsigned long start, unsigned long end)
{
	if (!proc->space)
		return;
	ntmm_space_unmap(proc, start, end);
	shmem_truncate_range(file_inode(proc->space), start, end - 1);
}

/**
 * ntmm_space_pages() - Pages the file holds in memory.
 * @proc: the context.
 *
 * Return: that number (not counting pages out on swap).
 */
unsigned long ntmm_space_pages(struct ntmm_process *proc)
{
	return proc->space ? READ_ONCE(proc->space->f_mapping->nrpages) : 0;
}
