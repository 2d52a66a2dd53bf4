// SPDX-License-Identifier: GPL-2.0
/*
 * The executive pools for other kernel modules: ExAllocatePool2 and its
 * older forms, ExFreePoolWithTag and ExFreePool (declared in
 * include/ntmm/wdm.h, exported GPL).
 *
 * Each allocation has a header: its tag, pool, size and allocation site,
 * and a magic that tells a live block from a freed one (the free poisons
 * it) or from memory the pool never gave. Small allocations carry it just
 * before the memory they return. Big ones (more than a page with the
 * header) and special pool's keep it apart, found by address, as Windows'
 * big pool does: a power-of-two size then takes no more than itself.
 * Frees are checked as Driver Verifier checks them; a bad free is reported
 * once per caller and the block is left alone, so memory is never
 * corrupted. Counters per tag and caller (pool_tags.c) let unload name
 * leaks without any lock shared on the allocation path.
 *
 * Freed small blocks wait on per-CPU lookaside lists for the next
 * allocation of their size, as on Windows. The allocation and free paths
 * are inlined into the exported functions: once a site has been used and
 * its CPU's list has a block, a pair makes no call at all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/cache.h>
#include <linux/hash.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <asm/vsyscall.h>
#include <ntmm/wdm.h>

#include "../process.h"
#include "internal.h"

/* Flags of the low 32 bits that Windows defines. */
#define NTMM_POOL_KNOWN_FLAGS	(POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | \
				 POOL_FLAG_SESSION | POOL_FLAG_CACHE_ALIGNED | \
				 POOL_FLAG_RAISE_ON_FAILURE | POOL_FLAG_NON_PAGED | \
				 POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)
#define NTMM_POOL_TYPE_FLAGS	(POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | \
				 POOL_FLAG_PAGED)

/* What a once-per-caller warning is about. */
enum {
	NTMM_POOL_WARN_RAISE,
	NTMM_POOL_WARN_EXECUTE,
	NTMM_POOL_WARN_BAD_FREE,
	NTMM_POOL_WARN_KINDS,
};

/* Pool memory is at least this aligned, as on 64-bit Windows. */
#define NTMM_POOL_ALIGN	16

/* Small allocations, with their header inline, are at most this big. */
#define NTMM_POOL_INLINE_MAX	(PAGE_SIZE - sizeof(struct ntmm_pool_header))

static_assert(sizeof(struct ntmm_pool_header) % NTMM_POOL_ALIGN == 0);

/*
 * Headers kept apart (big blocks and special pool's), hashed by the address
 * handed out. Each bucket's lock (irq-safe: frees come from any context)
 * guards its list, and orders frees: a free finds, checks and unlinks the
 * header under it, so of two racing frees one gets it.
 */
#define NTMM_POOL_APART_BITS	8

static struct ntmm_pool_bucket {
	spinlock_t lock;	/* guards head */
	struct hlist_head head;
} ntmm_pool_apart[1 << NTMM_POOL_APART_BITS];

static struct ntmm_pool_bucket *ntmm_pool_bucket(const void *p)
{
	return &ntmm_pool_apart[hash_ptr(p, NTMM_POOL_APART_BITS)];
}

/*
 * Lookaside lists, as Windows keeps per processor: a freed small block
 * waits on its CPU's list of its size class for the next allocation of
 * that class, instead of going back to the slab allocator. Classes are
 * the powers of two from 64 to 2048 bytes of block, header included. A
 * block on a list keeps its header (FREED) and links to the next through
 * the first bytes it handed out. Each CPU's lists are changed by tasks on
 * that CPU alone, with preemption off; interrupts (hard or soft) do not
 * use them, so they need not be turned off. init_on_free turns the lists
 * off; init_on_alloc zeroes what they give out.
 */
#define NTMM_POOL_CLASS_SHIFT	6
#define NTMM_POOL_CLASSES	6
#define NTMM_POOL_CLASS_MAX	(1U << (NTMM_POOL_CLASS_SHIFT + NTMM_POOL_CLASSES - 1))
#define NTMM_POOL_LOOKASIDE_DEPTH	16

/* A header kept apart is a block of the smallest class. */
static_assert(sizeof(struct ntmm_pool_apart) <= 1U << NTMM_POOL_CLASS_SHIFT);

struct ntmm_pool_lookaside {
	void *head[NTMM_POOL_CLASSES];
	unsigned int depth[NTMM_POOL_CLASSES];
};

static DEFINE_PER_CPU(struct ntmm_pool_lookaside, ntmm_pool_lookaside);

/* The size class of a block of @bytes (at most NTMM_POOL_CLASS_MAX). */
static __always_inline unsigned int ntmm_pool_class(size_t bytes)
{
	return max(fls(bytes - 1), NTMM_POOL_CLASS_SHIFT) - NTMM_POOL_CLASS_SHIFT;
}

/* Where a block on a lookaside list keeps the next one. */
static __always_inline void **ntmm_pool_link(void *block)
{
	return block + sizeof(struct ntmm_pool_header);
}

static __always_inline void *ntmm_pool_lookaside_pop(unsigned int class)
{
	struct ntmm_pool_lookaside *l;
	void *block;

	if (!in_task())
		return NULL;
	preempt_disable();
	l = this_cpu_ptr(&ntmm_pool_lookaside);
	block = l->head[class];
	if (block) {
		l->head[class] = *ntmm_pool_link(block);
		l->depth[class]--;
	}
	preempt_enable();
	return block;
}

/* Return: false if the block must go back to the slab allocator instead. */
static __always_inline bool ntmm_pool_lookaside_push(void *block, unsigned int class)
{
	struct ntmm_pool_lookaside *l;
	bool kept = false;

	if (!in_task() || want_init_on_free())
		return false;
	preempt_disable();
	l = this_cpu_ptr(&ntmm_pool_lookaside);
	if (l->depth[class] < NTMM_POOL_LOOKASIDE_DEPTH) {
		*ntmm_pool_link(block) = l->head[class];
		l->head[class] = block;
		l->depth[class]++;
		kept = true;
	}
	preempt_enable();
	return kept;
}

/*
 * A block of a whole size class: kmalloc'd, or from its lookaside list with
 * the @used bytes after the header zeroed if @gfp (or init_on_alloc) asks.
 */
static __always_inline void *ntmm_pool_class_alloc(unsigned int class, size_t used, gfp_t gfp)
{
	void *block = ntmm_pool_lookaside_pop(class);

	if (!block)
		return kmalloc(1U << (class + NTMM_POOL_CLASS_SHIFT), gfp);
	if (want_init_on_alloc(gfp))
		memset(block + sizeof(struct ntmm_pool_header), 0, used);
	return block;
}

/* Give back a block of a whole size class: to its lookaside list, or kfree() it. */
static __always_inline void ntmm_pool_class_free(void *block, unsigned int class)
{
	if (!ntmm_pool_lookaside_push(block, class))
		kfree(block);
}

/* Free every block on every CPU's lists (at unload). */
static void ntmm_pool_lookaside_drain(void)
{
	unsigned int cpu, class;

	for_each_possible_cpu(cpu) {
		struct ntmm_pool_lookaside *l = per_cpu_ptr(&ntmm_pool_lookaside, cpu);

		for (class = 0; class < NTMM_POOL_CLASSES; class++) {
			while (l->head[class]) {
				void *block = l->head[class];

				l->head[class] = *ntmm_pool_link(block);
				kfree(block);
			}
			l->depth[class] = 0;
		}
	}
}

/* Has special pool handed out memory? Its blocks need not be page aligned. */
static bool ntmm_pool_special_used;

/* vmalloc'd blocks freed where vfree() may not sleep, for a worker to free. */
static LLIST_HEAD(ntmm_pool_deferred);

static void ntmm_pool_deferred_work(struct work_struct *work)
{
	struct llist_node *node, *next;

	llist_for_each_safe(node, next, llist_del_all(&ntmm_pool_deferred))
		vfree(node);
	/* Special pool's pages must not stay reachable through stale TLB entries. */
	vm_unmap_aliases();
}

static DECLARE_WORK(ntmm_pool_deferred_free, ntmm_pool_deferred_work);

/*
 * vfree() a block: now if it is paged pool's, whose callers may sleep, or
 * if the kernel can tell that this caller may (it counts preemption);
 * else soon, by a worker, as a non-paged block may be freed in any
 * context. Special pool's blocks (@special) must not stay reachable
 * through stale TLB entries: their lazy aliases are flushed too (the
 * worker flushes for all it frees).
 */
static void ntmm_pool_vfree(void *block, bool special, bool paged)
{
	if (!paged && !(IS_ENABLED(CONFIG_PREEMPT_COUNT) && preemptible())) {
		/* The block's first bytes are free to link it with. */
		if (llist_add(block, &ntmm_pool_deferred))
			schedule_work(&ntmm_pool_deferred_free);
		return;
	}
	might_sleep();
	vfree(block);
	if (special)
		vm_unmap_aliases();
}

/* Callers already warned, by (caller, what): xarray of value entries. */
static DEFINE_XARRAY_FLAGS(ntmm_pool_warned, XA_FLAGS_LOCK_IRQ);

/**
 * ntmm_pool_warn_once() - Should this caller be warned about @what?
 * @caller: the return address into the caller.
 * @what: a NTMM_POOL_WARN_* kind.
 *
 * Return: true the first time for a caller and kind (or without memory to
 * remember it), false after.
 */
static bool ntmm_pool_warn_once(const void *caller, unsigned int what)
{
	unsigned long key = (unsigned long)caller * NTMM_POOL_WARN_KINDS + what;
	unsigned long flags;
	int ret;

	/* Callers come from any context: the set's lock is irq-safe. */
	xa_lock_irqsave(&ntmm_pool_warned, flags);
	ret = __xa_insert(&ntmm_pool_warned, key, xa_mk_value(1), GFP_ATOMIC);
	xa_unlock_irqrestore(&ntmm_pool_warned, flags);
	return ret != -EBUSY;
}

/* What a free reads of a header before it trusts it: its first 8 bytes. */
struct ntmm_pool_stamp {
	u32 magic;
	u32 tag;
};

static_assert(offsetof(struct ntmm_pool_header, magic) == 0);
static_assert(offsetof(struct ntmm_pool_header, tag) == sizeof(u32));

/*
 * The stamp of the header at @h into *@s, or false if nothing is mapped
 * there: copy_from_kernel_nofault() inline, without its two calls. On
 * x86-64 every address from PAGE_OFFSET up is canonical, so a bad one
 * faults and the fault is fixed up; the vsyscall page is left alone, as
 * it does. One read: a racing free may free the block right after it.
 */
static __always_inline bool ntmm_pool_peek(const struct ntmm_pool_header *h,
					   struct ntmm_pool_stamp *s)
{
	u64 v;

	if ((unsigned long)h < PAGE_OFFSET || is_vsyscall_vaddr((unsigned long)h))
		return false;
	pagefault_disable();
	__get_kernel_nofault(&v, h, u64, fault);
	pagefault_enable();
	memcpy(s, &v, sizeof(*s));
	return true;
fault:
	pagefault_enable();
	return false;
}

/* The header of a small block, just before its memory. */
static struct ntmm_pool_header *ntmm_pool_header(const void *p)
{
	return (struct ntmm_pool_header *)p - 1;
}

/*
 * Small: memory with the header @hdr copied just before it, from a
 * lookaside list or kmalloc'd.
 */
static __always_inline void *ntmm_pool_inline(const struct ntmm_pool_header *hdr, u64 flags,
					      gfp_t gfp)
{
	size_t align = flags & POOL_FLAG_CACHE_ALIGNED ? L1_CACHE_BYTES : NTMM_POOL_ALIGN;
	size_t slack = align > NTMM_POOL_ALIGN ? align : 0;
	size_t total = sizeof(*hdr) + hdr->size;
	struct ntmm_pool_header *h;
	void *block, *p;

	/* A whole class: a power of two, which kmalloc aligns naturally. */
	if (likely(!slack && total <= NTMM_POOL_CLASS_MAX)) {
		block = ntmm_pool_class_alloc(ntmm_pool_class(total), hdr->size, gfp);
		if (unlikely(!block))
			return NULL;
		h = block;
		*h = *hdr;
		h->flags = NTMM_POOL_H_LOOKASIDE;
		h->offset = sizeof(*h);
		return block + sizeof(*h);
	}

	/*
	 * kmalloc's blocks are 16-byte aligned in practice but promise only
	 * ARCH_KMALLOC_MINALIGN: one that is not is traded for a bigger one.
	 */
	for (;;) {
		block = kmalloc(sizeof(*h) + hdr->size + slack, gfp);
		if (unlikely(!block))
			return NULL;
		p = PTR_ALIGN(block + sizeof(*h), align);
		if (likely(p - block <= sizeof(*h) + slack))
			break;
		kfree(block);
		slack = align;
	}
	h = ntmm_pool_header(p);
	*h = *hdr;
	h->offset = p - block;
	return p;
}

/*
 * Big or special pool: memory of its own (paged pool's may be vmalloc'd),
 * and the header @hdr in the index.
 */
static noinline void *ntmm_pool_apart_alloc(const struct ntmm_pool_header *hdr, bool special,
					    gfp_t gfp)
{
	struct ntmm_pool_bucket *b;
	struct ntmm_pool_apart *a;
	unsigned long flags;
	void *p;

	/* The header itself is a block of the smallest class. */
	a = ntmm_pool_class_alloc(0, 0, gfp & ~__GFP_ZERO);
	if (!a)
		return NULL;
	a->h = *hdr;
	if (special) {
		p = ntmm_pool_special_alloc(a, gfp, hdr->kind == NTMM_POOL_PAGED);
		if (p)
			WRITE_ONCE(ntmm_pool_special_used, true);
	} else {
		/*
		 * Bigger than a page, so page aligned either way. Linux memory
		 * is all resident: paged pool, whose callers may sleep, may be
		 * vmalloc'd; non-paged pool is kmalloc's, up to its 4 MiB.
		 */
		if (hdr->kind == NTMM_POOL_PAGED) {
			p = kvmalloc(hdr->size, gfp);
			if (is_vmalloc_addr(p))
				a->h.flags |= NTMM_POOL_H_VMALLOC;
		} else {
			p = kmalloc(hdr->size, gfp);
		}
		a->block = p;
		a->mem = p;
	}
	if (!p) {
		ntmm_pool_class_free(a, 0);
		return NULL;
	}
	b = ntmm_pool_bucket(p);
	spin_lock_irqsave(&b->lock, flags);
	hlist_add_head(&a->node, &b->head);
	spin_unlock_irqrestore(&b->lock, flags);
	return p;
}

/* Why an allocation with these flags is refused, once per caller. */
static void __cold ntmm_pool_refuse(u64 flags, const void *caller)
{
	if (flags & POOL_FLAG_RAISE_ON_FAILURE) {
		if (ntmm_pool_warn_once(caller, NTMM_POOL_WARN_RAISE))
			pr_warn("pool: %pS asked for POOL_FLAG_RAISE_ON_FAILURE: there is no SEH here, refused\n",
				caller);
	} else if (ntmm_pool_warn_once(caller, NTMM_POOL_WARN_EXECUTE)) {
		pr_warn("pool: %pS asked for executable pool: refused\n", caller);
	}
}

static __always_inline void *ntmm_pool_alloc(u64 flags, size_t size, u32 tag, void *caller)
{
	u64 type = flags & NTMM_POOL_TYPE_FLAGS;
	bool paged = type == POOL_FLAG_PAGED;
	/*
	 * As Windows, trust the pool the caller names: paged pool may sleep
	 * (asked for where it may not, the debug kernel's might_sleep()
	 * reports the caller, as Driver Verifier would), non-paged pool never
	 * does. A pool that cannot give memory returns NULL and says nothing.
	 */
	gfp_t gfp = (paged ? GFP_KERNEL : GFP_ATOMIC) | __GFP_NOWARN;
	struct ntmm_pool_header hdr = {
		.magic = NTMM_POOL_LIVE,
		.tag = tag,
		.size = size,
		.kind = paged ? NTMM_POOL_PAGED : NTMM_POOL_NONPAGED,
	};
	void *p;

	/* Exactly one pool type: @type has one bit set. */
	if (unlikely(!size || size > NTMM_POOL_MAX_SIZE || !tag || !type || (type & (type - 1)) ||
		     (flags & POOL_FLAG_REQUIRED_MASK & ~NTMM_POOL_KNOWN_FLAGS)))
		return NULL;
	if (unlikely(flags & (POOL_FLAG_RAISE_ON_FAILURE | POOL_FLAG_NON_PAGED_EXECUTE))) {
		ntmm_pool_refuse(flags, caller);
		return NULL;
	}
	if (paged)
		might_sleep();
	hdr.stats = ntmm_pool_tag_get(tag, caller, gfp);
	if (unlikely(!hdr.stats))
		return NULL;
	if (!(flags & POOL_FLAG_UNINITIALIZED))
		gfp |= __GFP_ZERO;
	if (unlikely(flags & POOL_FLAG_USE_QUOTA))
		hdr.quota = ntmm_process_pool_quota(current->mm);
	p = NULL;
	/* What special pool cannot serve (see special.c) comes from the normal pool. */
	if (unlikely(ntmm_pool_special_wanted(flags, tag)))
		p = ntmm_pool_apart_alloc(&hdr, true, gfp);
	if (likely(!p) && likely(size <= NTMM_POOL_INLINE_MAX))
		p = ntmm_pool_inline(&hdr, flags, gfp);
	else if (!p)
		p = ntmm_pool_apart_alloc(&hdr, false, gfp);
	if (unlikely(!p)) {
		if (hdr.quota)
			ntmm_pool_quota_put(hdr.quota);
		return NULL;
	}
	ntmm_pool_tag_count(hdr.stats, hdr.kind, size);
	if (unlikely(hdr.quota))
		ntmm_pool_quota_charge(hdr.quota, hdr.kind, size);
	return p;
}

/* Report a free the verifier refuses; the block is left as it is. */
static void __cold ntmm_pool_bad_free(const void *p, const char *why, u32 tag, u32 found,
				      const void *caller)
{
	char want[5], have[5];

	if (!ntmm_pool_warn_once(caller, NTMM_POOL_WARN_BAD_FREE))
		return;
	ntmm_pool_tag_name(tag, want);
	ntmm_pool_tag_name(found, have);
	pr_err("pool: BAD_POOL_CALLER: %s: %p freed by %pS with tag '%s', block tag '%s'; not freed\n",
	       why, p, caller, want, found ? have : "?");
}

/* Uncount a block being freed and return its quota. */
static __always_inline void ntmm_pool_uncount(struct ntmm_pool_header *h)
{
	ntmm_pool_tag_count(h->stats, h->kind, -(long)h->size);
	if (unlikely(h->quota)) {
		ntmm_pool_quota_charge(h->quota, h->kind, -(long)h->size);
		ntmm_pool_quota_put(h->quota);
	}
}

/*
 * Free @p if its header is kept apart. Return: false if it is not one of
 * those (nothing done), true if it was freed or its free refused.
 */
static noinline bool ntmm_pool_apart_free(void *p, u32 tag, bool check_tag, void *caller)
{
	struct ntmm_pool_bucket *b = ntmm_pool_bucket(p);
	struct ntmm_pool_apart *a;
	unsigned long flags;
	u32 found = 0;

	spin_lock_irqsave(&b->lock, flags);
	hlist_for_each_entry(a, &b->head, node)
		if (a->mem == p)
			break;
	if (a) {
		found = a->h.tag;
		if (check_tag && tag != found)
			a = NULL;
		else
			hlist_del(&a->node);
	}
	spin_unlock_irqrestore(&b->lock, flags);
	if (!a) {
		if (!found)
			return false;
		/* Another free may take the block once the lock is gone: only @found is read. */
		ntmm_pool_bad_free(p, "wrong tag", tag, found, caller);
		return true;
	}
	ntmm_pool_uncount(&a->h);
	if (a->h.flags & NTMM_POOL_H_VMALLOC)
		ntmm_pool_vfree(a->block, a->h.flags & NTMM_POOL_H_SPECIAL,
				a->h.kind == NTMM_POOL_PAGED);
	else
		kfree(a->block);
	ntmm_pool_class_free(a, 0);
	return true;
}

static __always_inline void ntmm_pool_free(void *p, u32 tag, bool check_tag, void *caller)
{
	struct ntmm_pool_stamp stamp;
	struct ntmm_pool_header *h;

	if (unlikely(!p)) {
		ntmm_pool_bad_free(p, "NULL", tag, 0, caller);
		return;
	}
	/* Big blocks are page aligned; special pool's need not be. */
	if ((PAGE_ALIGNED(p) || unlikely(READ_ONCE(ntmm_pool_special_used))) &&
	    ntmm_pool_apart_free(p, tag, check_tag, caller))
		return;
	h = ntmm_pool_header(p);
	/* Read where a header would be without trusting that one is there. */
	if (!ntmm_pool_peek(h, &stamp))
		stamp.magic = 0;
	if (unlikely(stamp.magic != NTMM_POOL_LIVE)) {
		ntmm_pool_bad_free(p, stamp.magic == NTMM_POOL_FREED ? "double free" :
				   "not a live pool allocation", tag, 0, caller);
		return;
	}
	if (unlikely(check_tag && tag != stamp.tag)) {
		ntmm_pool_bad_free(p, "wrong tag", tag, stamp.tag, caller);
		return;
	}
	/*
	 * Two racing frees of one block: only one gets past this. The other
	 * may get here after the first freed the block, so, like the probe,
	 * the claim is not instrumented: it finds FREED (or the allocator's
	 * bytes) there and touches nothing. Only the winner reads on.
	 */
	if (unlikely(arch_cmpxchg(&h->magic, NTMM_POOL_LIVE, NTMM_POOL_FREED) !=
		     NTMM_POOL_LIVE)) {
		ntmm_pool_bad_free(p, "double free", tag, 0, caller);
		return;
	}
	ntmm_pool_uncount(h);
	if (h->flags & NTMM_POOL_H_LOOKASIDE)
		ntmm_pool_class_free(p - h->offset, ntmm_pool_class(sizeof(*h) + h->size));
	else
		kfree(p - h->offset);
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
	return ntmm_pool_alloc(Flags, NumberOfBytes, Tag, __builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(ExAllocatePool2);

/* The POOL_FLAGS of a legacy POOL_TYPE, 0 for types ntmm does not take. */
static u64 ntmm_pool_type_flags(POOL_TYPE type)
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
	u64 flags = ntmm_pool_type_flags(PoolType);

	if (!flags)
		return NULL;
	return ntmm_pool_alloc(flags | POOL_FLAG_UNINITIALIZED, NumberOfBytes, Tag,
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
	u64 flags = ntmm_pool_type_flags(PoolType);

	if (!flags)
		return NULL;
	return ntmm_pool_alloc(flags, NumberOfBytes, Tag, __builtin_return_address(0));
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
	ntmm_pool_free(P, Tag, true, __builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(ExFreePoolWithTag);

/**
 * ExFreePool() - Free pool memory, whatever its tag.
 * @P: what an ExAllocatePool* call returned.
 */
void ExFreePool(PVOID P)
{
	ntmm_pool_free(P, 0, false, __builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(ExFreePool);

/**
 * ntmm_pool_init() - Read the special_pool parameter; make /proc/ntmm/pooltags.
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int ntmm_pool_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(ntmm_pool_apart); i++) {
		spin_lock_init(&ntmm_pool_apart[i].lock);
		INIT_HLIST_HEAD(&ntmm_pool_apart[i].head);
	}
	ret = ntmm_pool_special_init();
	if (ret)
		return ret;
	ret = ntmm_pool_tags_init();
	if (ret)
		ntmm_pool_special_exit();
	return ret;
}

/**
 * ntmm_pool_exit() - Report leaks and free the pools' own state.
 *
 * Modules using the pools depend on ntmm, so they are gone: what they did
 * not free is reported by tag and caller, and stays leaked, as any module's
 * leak does.
 */
void ntmm_pool_exit(void)
{
	flush_work(&ntmm_pool_deferred_free);
	ntmm_pool_special_exit();
	ntmm_pool_lookaside_drain();
	ntmm_pool_tags_exit();
	xa_destroy(&ntmm_pool_warned);
}
