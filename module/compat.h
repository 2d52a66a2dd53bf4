/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels ntmm supports (Debian's 6.1 and
 * 6.12) lives here, keyed on LINUX_VERSION_CODE, so the rest of the module
 * reads as if there were one kernel.
 */
#ifndef NTMM_COMPAT_H
#define NTMM_COMPAT_H

#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
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

/*
 * PFN-mapped PMD entries (pmd_mkspecial) came in 6.12; before, the kernel
 * never calls .huge_fault for a PFN-mapped VMA, so large pages take PTEs.
 */
#if defined(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP) && defined(CONFIG_TRANSPARENT_HUGEPAGE)
#define NTMM_HAVE_PMD_PFNMAP
#endif

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

typedef unsigned long (*ntmm_shrink_fn)(struct shrinker *shrinker,
					struct shrink_control *sc);

/* Shrinkers became allocated objects in 6.7. */
#if KERNEL_VERSION(6, 7, 0) > LINUX_VERSION_CODE
static inline struct shrinker *ntmm_shrinker_create(const char *name, ntmm_shrink_fn count,
						    ntmm_shrink_fn scan)
{
	struct shrinker *shrinker = kzalloc(sizeof(*shrinker), GFP_KERNEL);

	if (!shrinker)
		return NULL;
	shrinker->count_objects = count;
	shrinker->scan_objects = scan;
	shrinker->seeks = DEFAULT_SEEKS;
	if (register_shrinker(shrinker, "%s", name)) {
		kfree(shrinker);
		return NULL;
	}
	return shrinker;
}

static inline void ntmm_shrinker_destroy(struct shrinker *shrinker)
{
	unregister_shrinker(shrinker);
	kfree(shrinker);
}
#else
static inline struct shrinker *ntmm_shrinker_create(const char *name, ntmm_shrink_fn count,
						    ntmm_shrink_fn scan)
{
	struct shrinker *shrinker = shrinker_alloc(0, "%s", name);

	if (!shrinker)
		return NULL;
	shrinker->count_objects = count;
	shrinker->scan_objects = scan;
	shrinker_register(shrinker);
	return shrinker;
}

static inline void ntmm_shrinker_destroy(struct shrinker *shrinker)
{
	shrinker_free(shrinker);
}
#endif

#endif /* NTMM_COMPAT_H */
