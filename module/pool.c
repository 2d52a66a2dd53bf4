// SPDX-License-Identifier: GPL-2.0
/*
 * The executive pools for other kernel modules: ExAllocatePool2 and its
 * older forms, ExFreePoolWithTag and ExFreePool (declared in
 * include/winmm/wdm.h, exported GPL).
 *
 * Each allocation carries a header just before the memory it returns: its
 * tag, pool, size and caller, and a magic that tells a live block from a
 * freed one (the free poisons it) or from memory the pool never gave. Frees are checked as Driver
 * Verifier checks them; a bad free is reported once per caller and the
 * block is left alone, so memory is never corrupted. Counters per tag and
 * caller (pool_tags.c) let unload name leaks without any lock shared on
 * the allocation path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/cache.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <winmm/wdm.h>

#include "pool.h"
#include "winmm.h"

/* Flags of the low 32 bits that Windows defines. */
#define WINMM_POOL_KNOWN_FLAGS	(POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | \
				 POOL_FLAG_SESSION | POOL_FLAG_CACHE_ALIGNED | \
				 POOL_FLAG_RAISE_ON_FAILURE | POOL_FLAG_NON_PAGED | \
				 POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)
#define WINMM_POOL_TYPE_FLAGS	(POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | \
				 POOL_FLAG_PAGED)

/* What a once-per-caller warning is about. */
enum {
	WINMM_POOL_WARN_RAISE,
	WINMM_POOL_WARN_EXECUTE,
	WINMM_POOL_WARN_PAGED_ATOMIC,
	WINMM_POOL_WARN_BAD_FREE,
	WINMM_POOL_WARN_KINDS,
};

/* Could this context sleep? Non-paged pool must also serve those that cannot. */
static bool winmm_pool_atomic(void)
{
	return !preemptible() || in_interrupt() || irqs_disabled();
}

/* vmalloc'd blocks freed where vfree() may not sleep, for a worker to free. */
static LLIST_HEAD(winmm_pool_deferred);

static void winmm_pool_deferred_work(struct work_struct *work)
{
	struct llist_node *node, *next;

	llist_for_each_safe(node, next, llist_del_all(&winmm_pool_deferred))
		vfree(node);
	/* Special pool's pages must not stay reachable through stale TLB entries. */
	vm_unmap_aliases();
}

static DECLARE_WORK(winmm_pool_deferred_free, winmm_pool_deferred_work);

/**
 * winmm_pool_vfree() - vfree() a block from any context.
 * @block: vmalloc'd memory nobody uses any more.
 *
 * Where the caller may sleep the block goes now and the TLB is flushed of
 * it; elsewhere a worker does both soon after.
 */
void winmm_pool_vfree(void *block)
{
	if (winmm_pool_atomic()) {
		/* The block's first bytes are free to link it with. */
		if (llist_add(block, &winmm_pool_deferred))
			schedule_work(&winmm_pool_deferred_free);
		return;
	}
	vfree(block);
	vm_unmap_aliases();
}

/* Callers already warned, by (caller, what): xarray of value entries. */
static DEFINE_XARRAY_FLAGS(winmm_pool_warned, XA_FLAGS_LOCK_IRQ);

/**
 * winmm_pool_warn_once() - Should this caller be warned about @what?
 * @caller: the return address into the caller.
 * @what: a WINMM_POOL_WARN_* kind.
 *
 * Return: true the first time for a caller and kind (or without memory to
 * remember it), false after.
 */
bool winmm_pool_warn_once(const void *caller, unsigned int what)
{
	unsigned long key = (unsigned long)caller * WINMM_POOL_WARN_KINDS + what;
	unsigned long flags;
	int ret;

	/* Callers come from any context: the set's lock is irq-safe. */
	xa_lock_irqsave(&winmm_pool_warned, flags);
	ret = __xa_insert(&winmm_pool_warned, key, xa_mk_value(1), GFP_ATOMIC);
	xa_unlock_irqrestore(&winmm_pool_warned, flags);
	return ret != -EBUSY;
}

/* The header of a normal (not special pool) block. */
static struct winmm_pool_header *winmm_pool_header(const void *p)
{
	return (struct winmm_pool_header *)p - 1;
}

/*
 * Memory for @size bytes and the header that stands for it, in *@hp: special
 * pool's pages (which take a context that may sleep), or a block of the
 * allocator's with the header just before the memory.
 */
static void *winmm_pool_memory(u64 flags, size_t size, u32 tag, gfp_t gfp, bool atomic,
			       struct winmm_pool_header **hp)
{
	size_t align = flags & POOL_FLAG_CACHE_ALIGNED ? L1_CACHE_BYTES : 16;
	struct winmm_pool_header *h;
	size_t total;
	void *block, *p;

	if (!atomic && winmm_pool_special_wanted(flags, tag)) {
		h = kzalloc(sizeof(*h), GFP_KERNEL);
		if (!h)
			return NULL;
		h->size = size;
		p = winmm_pool_special_alloc(h, gfp);
		if (!p)
			kfree(h);
		*hp = h;
		return p;
	}
	if (check_add_overflow(size, sizeof(*h) + align, &total))
		return NULL;
	block = flags & POOL_FLAG_PAGED ? kvmalloc(total, gfp) : kmalloc(total, gfp);
	if (!block)
		return NULL;
	p = PTR_ALIGN(block + sizeof(*h), align);
	h = winmm_pool_header(p);
	h->block = block;
	h->flags = 0;
	*hp = h;
	return p;
}

static void *winmm_pool_alloc(u64 flags, size_t size, u32 tag, void *caller)
{
	bool paged = flags & POOL_FLAG_PAGED, atomic = winmm_pool_atomic();
	enum winmm_pool_kind kind = paged ? WINMM_POOL_PAGED : WINMM_POOL_NONPAGED;
	gfp_t gfp = atomic ? GFP_ATOMIC : GFP_KERNEL;
	struct winmm_pool_quota *quota = NULL;
	struct winmm_pool_header *h;
	struct winmm_pool_tag *stats;
	void *p;

	if (!size || !tag || (flags & POOL_FLAG_REQUIRED_MASK & ~WINMM_POOL_KNOWN_FLAGS) ||
	    hweight64(flags & WINMM_POOL_TYPE_FLAGS) != 1)
		return NULL;
	if (flags & POOL_FLAG_RAISE_ON_FAILURE) {
		if (winmm_pool_warn_once(caller, WINMM_POOL_WARN_RAISE))
			pr_warn("pool: %pS asked for POOL_FLAG_RAISE_ON_FAILURE: there is no SEH here, refused\n",
				caller);
		return NULL;
	}
	if (flags & POOL_FLAG_NON_PAGED_EXECUTE) {
		if (winmm_pool_warn_once(caller, WINMM_POOL_WARN_EXECUTE))
			pr_warn("pool: %pS asked for executable pool: refused\n", caller);
		return NULL;
	}
	if (paged && atomic) {
		if (winmm_pool_warn_once(caller, WINMM_POOL_WARN_PAGED_ATOMIC))
			pr_warn("pool: %pS: paged pool in atomic context refused\n", caller);
		return NULL;
	}
	stats = winmm_pool_tag_get(tag, caller, gfp);
	if (!stats)
		return NULL;
	if (!(flags & POOL_FLAG_UNINITIALIZED))
		gfp |= __GFP_ZERO;
	if (flags & POOL_FLAG_USE_QUOTA)
		quota = winmm_pool_quota_get(current->mm);
	p = winmm_pool_memory(flags, size, tag, gfp, atomic, &h);
	if (!p) {
		if (quota)
			winmm_pool_quota_put(quota);
		return NULL;
	}
	h->magic = WINMM_POOL_LIVE;
	h->tag = tag;
	h->kind = kind;
	h->size = size;
	h->caller = caller;
	h->stats = stats;
	h->quota = quota;
	winmm_pool_tag_count(stats, kind, size);
	if (quota)
		winmm_pool_quota_charge(quota, kind, size);
	return p;
}

/* Report a free the verifier refuses; the block is left as it is. */
static void winmm_pool_bad_free(const void *p, const char *why, u32 tag, u32 found,
				const void *caller)
{
	char want[5], have[5];

	if (!winmm_pool_warn_once(caller, WINMM_POOL_WARN_BAD_FREE))
		return;
	winmm_pool_tag_name(tag, want);
	winmm_pool_tag_name(found, have);
	pr_err("pool: BAD_POOL_CALLER: %s: %p freed by %pS with tag '%s', block tag '%s'; not freed\n",
	       why, p, caller, want, found ? have : "?");
}

static void winmm_pool_free(void *p, u32 tag, bool check_tag, void *caller)
{
	struct winmm_pool_header *h;
	u32 magic;

	if (!p) {
		winmm_pool_bad_free(p, "NULL", tag, 0, caller);
		return;
	}
	h = winmm_pool_special_find(p);
	if (!h)
		h = winmm_pool_header(p);
	/* Read where a header's magic would be without trusting that one is there. */
	if (get_kernel_nofault(magic, &h->magic))
		magic = 0;
	if (magic != WINMM_POOL_LIVE) {
		winmm_pool_bad_free(p, magic == WINMM_POOL_FREED ? "double free" :
				    "not a live pool allocation", tag, 0, caller);
		return;
	}
	if (check_tag && tag != h->tag) {
		winmm_pool_bad_free(p, "wrong tag", tag, h->tag, caller);
		return;
	}
	/* Two racing frees of one block: only one gets past this. */
	if (cmpxchg(&h->magic, WINMM_POOL_LIVE, WINMM_POOL_FREED) != WINMM_POOL_LIVE) {
		winmm_pool_bad_free(p, "double free", tag, 0, caller);
		return;
	}
	winmm_pool_tag_count(h->stats, h->kind, -(long)h->size);
	if (h->quota) {
		winmm_pool_quota_charge(h->quota, h->kind, -(long)h->size);
		winmm_pool_quota_put(h->quota);
	}
	if (h->flags & WINMM_POOL_H_SPECIAL) {
		winmm_pool_special_free(h);
		return;
	}
	if (is_vmalloc_addr(h->block))
		winmm_pool_vfree(h->block);
	else
		kfree(h->block);
}

/**
 * ExAllocatePool2() - Allocate pool memory (Windows 10 2004 and later).
 * @Flags: POOL_FLAG_*: exactly one of NON_PAGED, PAGED (NON_PAGED_EXECUTE is
 *	refused); UNINITIALIZED, CACHE_ALIGNED, USE_QUOTA, SESSION; special pool
 *	with POOL_FLAG_SPECIAL_POOL or the special_pool parameter.
 * @NumberOfBytes: bytes, not 0.
 * @Tag: the pool tag, not 0.
 *
 * Context: any for non-paged pool; paged pool only where the caller may
 * sleep (it is refused, with a warning, elsewhere).
 * Return: the memory (zeroed unless POOL_FLAG_UNINITIALIZED), or NULL.
 */
PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
	return winmm_pool_alloc(Flags, NumberOfBytes, Tag, __builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(ExAllocatePool2);

/* The POOL_FLAGS of a legacy POOL_TYPE, 0 for types winmm does not take. */
static u64 winmm_pool_type_flags(POOL_TYPE type)
{
	switch ((int)type) {
	case NonPagedPool:
	case NonPagedPoolNx:
	case NonPagedPoolMustSucceed:
	case NonPagedPoolSessionNx:
		return POOL_FLAG_NON_PAGED;
	case NonPagedPoolCacheAligned:
	case NonPagedPoolNxCacheAligned:
	case NonPagedPoolCacheAlignedMustS:
		return POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED;
	case PagedPool:
		return POOL_FLAG_PAGED;
	case PagedPoolCacheAligned:
		return POOL_FLAG_PAGED | POOL_FLAG_CACHE_ALIGNED;
	default:
		return 0;
	}
}

/**
 * ExAllocatePoolWithTag() - Allocate uninitialized pool memory (legacy).
 * @PoolType: NonPagedPool(Nx), PagedPool, their CacheAligned forms.
 * @NumberOfBytes: bytes, not 0.
 * @Tag: the pool tag, not 0.
 *
 * Return: the memory, not zeroed, or NULL.
 */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
	u64 flags = winmm_pool_type_flags(PoolType);

	if (!flags)
		return NULL;
	return winmm_pool_alloc(flags | POOL_FLAG_UNINITIALIZED, NumberOfBytes, Tag,
				__builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(ExAllocatePoolWithTag);

/**
 * ExAllocatePoolZero() - Allocate zeroed pool memory (legacy types).
 * @PoolType: as for ExAllocatePoolWithTag().
 * @NumberOfBytes: bytes, not 0.
 * @Tag: the pool tag, not 0.
 *
 * Return: the zeroed memory, or NULL.
 */
PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
	u64 flags = winmm_pool_type_flags(PoolType);

	if (!flags)
		return NULL;
	return winmm_pool_alloc(flags, NumberOfBytes, Tag, __builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(ExAllocatePoolZero);

/**
 * ExFreePoolWithTag() - Free pool memory allocated with @Tag.
 * @P: what an ExAllocatePool* call returned.
 * @Tag: its tag. A different tag, a second free, or a pointer the pool never
 *	gave is reported (once per caller) and nothing is freed.
 */
void ExFreePoolWithTag(PVOID P, ULONG Tag)
{
	winmm_pool_free(P, Tag, true, __builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(ExFreePoolWithTag);

/**
 * ExFreePool() - Free pool memory, whatever its tag.
 * @P: what an ExAllocatePool* call returned.
 */
void ExFreePool(PVOID P)
{
	winmm_pool_free(P, 0, false, __builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(ExFreePool);

/**
 * winmm_pool_init() - Read the special_pool parameter; make /proc/winmm/pooltags.
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int winmm_pool_init(void)
{
	int ret = winmm_pool_special_init();

	if (ret)
		return ret;
	return winmm_pool_tags_init();
}

/**
 * winmm_pool_exit() - Report leaks and free the pools' own state.
 *
 * Modules using the pools depend on winmm, so they are gone: what they did
 * not free is reported by tag and caller, and stays leaked, as any module's
 * leak does.
 */
void winmm_pool_exit(void)
{
	flush_work(&winmm_pool_deferred_free);
	winmm_pool_special_exit();
	winmm_pool_tags_exit();
	xa_destroy(&winmm_pool_warned);
}
