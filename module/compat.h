/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels ntmm supports (Debian's 6.1 and
 * 6.12) lives here, keyed on LINUX_VERSION_CODE, so the rest of the module
 * reads as if there were one kernel.
 */
#ifndef NTMM_COMPAT_H
#define NTMM_COMPAT_H

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/version.h>

/*
 * The top of the address range handed to a process. x86-64 keeps 47-bit
 * addresses unless the process asks for more (DEFAULT_MAP_WINDOW); Windows
 * programs expect the same 128 TiB layout.
 */
#ifdef DEFAULT_MAP_WINDOW
#define NTMM_USER_ADDRESS_END	DEFAULT_MAP_WINDOW
#else
#define NTMM_USER_ADDRESS_END	TASK_SIZE
#endif

/* vm_flags became read-only behind vm_flags_set() in 6.3. */
#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
static inline void ntmm_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#else
static inline void ntmm_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vm_flags_set(vma, flags);
}
#endif

/* Per-VMA locks (6.4+): a change to a live VMA waits for faults under its lock. */
static inline void ntmm_vma_start_write(struct vm_area_struct *vma)
{
#if KERNEL_VERSION(6, 4, 0) <= LINUX_VERSION_CODE
	vma_start_write(vma);
#endif
}

/*
 * KUnit's static stubs (6.2+) let a test replace a function for its own
 * thread only; elsewhere, and without KUnit, the hook compiles to nothing.
 */
#if IS_ENABLED(CONFIG_KUNIT) && KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#include <kunit/static_stub.h>
#define NTMM_KUNIT_STUB(fn, args...)	KUNIT_STATIC_STUB_REDIRECT(fn, args)
#else
#define NTMM_KUNIT_STUB(fn, args...)	((void)(fn))
#endif

/* Page cache lookups returned NULL for a miss before 6.3, an ERR_PTR after. */
static inline struct folio *ntmm_filemap_lock_folio(struct address_space *mapping, pgoff_t idx)
{
	struct folio *folio = __filemap_get_folio(mapping, idx, FGP_LOCK, 0);

	return IS_ERR_OR_NULL(folio) ? NULL : folio;
}

static inline struct folio *ntmm_filemap_get_folio(struct address_space *mapping, pgoff_t idx)
{
	struct folio *folio = __filemap_get_folio(mapping, idx, 0, 0);

	return IS_ERR_OR_NULL(folio) ? NULL : folio;
}

/* The page cache's folio swap: the page version before 6.2 (FUSE's API). */
#if KERNEL_VERSION(6, 2, 0) > LINUX_VERSION_CODE
static inline void ntmm_replace_page_cache_folio(struct folio *old, struct folio *new)
{
	replace_page_cache_page(&old->page, &new->page);
}
#else
static inline void ntmm_replace_page_cache_folio(struct folio *old, struct folio *new)
{
	replace_page_cache_folio(old, new);
}
#endif

/*
 * How many PTEs map @page's folio (QueryWorkingSetEx's ShareCount): 6.1
 * exports no folio_mapcount(), and 6.12 has no page_mapcount().
 */
static inline int ntmm_mapcount(struct page *page)
{
#if KERNEL_VERSION(6, 12, 0) > LINUX_VERSION_CODE
	return page_mapcount(page);
#else
	return folio_mapcount(page_folio(page));
#endif
}

/* pin_user_pages() lost its vmas argument in 6.5. */
static inline long ntmm_pin_user_page(unsigned long addr, struct page **page)
{
#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
	return pin_user_pages(addr, 1, FOLL_LONGTERM, page, NULL);
#else
	return pin_user_pages(addr, 1, FOLL_LONGTERM, page);
#endif
}

/* Pin pages of another address space, its mmap_lock held for read (*@locked 1). */
static inline long ntmm_pin_user_pages_remote(struct mm_struct *mm, unsigned long addr,
					      unsigned long n, unsigned int gup_flags,
					      struct page **pages, int *locked)
{
#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
	return pin_user_pages_remote(mm, addr, n, gup_flags, pages, NULL, locked);
#else
	return pin_user_pages_remote(mm, addr, n, gup_flags, pages, locked);
#endif
}

/*
 * How a page of the address space file (vm/space.c) is got, and so which
 * folio size it may have. From 6.12 shmem_get_folio() takes the end of the
 * write the folio is for, and on a huge=within_size mount that end decides
 * the size per call: the file stays empty (i_size 0), every get is a write
 * past it (SGP_WRITE, whose fresh folios the caller zeroes), and a get that
 * may be huge says its write ends with the page's 2 MiB block. Before 6.12
 * shmem_get_folio() is not exported: the file is as large as the address
 * range, pages are read from it, and a huge=never mount keeps them small.
 */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE && IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE)
#define NTMM_HAVE_HUGE_SPACE	1
#define NTMM_SPACE_HUGE_OPTION	"within_size"
#define NTMM_SPACE_SIZE		0

/*
 * A split of a large folio (truncation of part of it, swap-out) drops its
 * pages past the file's end, which for shmem is the furthest of i_size and
 * fallocate's reach (fallocend). The file's pages all lie past i_size, so
 * fallocend is put past the address range, as a FALLOC_FL_KEEP_SIZE
 * fallocate of it would, without allocating; no punch reaches that far.
 */
static inline void ntmm_shmem_keep_all(struct file *file)
{
	struct inode *inode = file_inode(file);

	inode_lock(inode);
	SHMEM_I(inode)->fallocend = (NTMM_USER_ADDRESS_END >> PAGE_SHIFT) + 1;
	inode_unlock(inode);
}

static inline struct folio *ntmm_shmem_folio(struct file *file, pgoff_t idx, bool huge)
{
	loff_t end = huge ? (loff_t)ALIGN(idx + 1, HPAGE_PMD_NR) << PAGE_SHIFT : 0;
	struct folio *folio;
	int err;

	err = shmem_get_folio(file_inode(file), idx, end, &folio, SGP_WRITE);
	if (err)
		return ERR_PTR(err);
	if (!folio_test_uptodate(folio)) {
		folio_zero_range(folio, 0, folio_size(folio));
		flush_dcache_folio(folio);
		folio_mark_uptodate(folio);
	}
	return folio;
}
#else
#define NTMM_HAVE_HUGE_SPACE	0
#define NTMM_SPACE_HUGE_OPTION	"never"
#define NTMM_SPACE_SIZE		NTMM_USER_ADDRESS_END

static inline void ntmm_shmem_keep_all(struct file *file)
{
}

static inline struct folio *ntmm_shmem_folio(struct file *file, pgoff_t idx, bool huge)
{
	struct address_space *mapping = file->f_mapping;
	struct folio *folio;
	struct page *page;

	for (;;) {
		page = shmem_read_mapping_page_gfp(mapping, idx, mapping_gfp_mask(mapping));
		if (IS_ERR(page))
			return ERR_CAST(page);
		folio = page_folio(page);
		folio_lock(folio);
		/* Truncated between the lookup and the lock: look again. */
		if (likely(folio->mapping == mapping))
			return folio;
		folio_unlock(folio);
		folio_put(folio);
	}
}
#endif

#endif /* NTMM_COMPAT_H */
