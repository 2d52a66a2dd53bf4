/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one header module/core/ includes: it maps what the core needs onto the
 * kernel (linux/rcupdate.h, kmalloc) or onto userspace with liburcu, so the
 * same source builds into ntmm.ko and into the host tests.
 */
#ifndef NTMM_CORE_COMPAT_H
#define NTMM_CORE_COMPAT_H

#ifdef __KERNEL__

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/types.h>

/* Core writers run under the owner's mutex: they may sleep. */
#define core_alloc(size)	kmalloc(size, GFP_KERNEL_ACCOUNT)
/* For paths that cannot fail (a VMA's close): small sizes only. */
#define core_alloc_nofail(size)	kmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_NOFAIL)
#define core_free(ptr)		kfree(ptr)
#define core_random_u64()	get_random_u64()
/*
 * Core readers run under rcu_read_lock() or under the writer's lock, which the
 * core cannot name for lockdep; the callers' wrappers carry the assertions.
 */
#define core_deref(p)		rcu_dereference_raw(p)
#define core_deref_writer(p)	rcu_dereference_protected(p, 1)
#define core_init_pointer(p, v)	RCU_INIT_POINTER(p, v)
/* EXPORT_SYMBOL_IF_KUNIT: the KUnit suites are a module of their own. */

#else /* host tests */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <linux/types.h>
#include <urcu.h>

typedef __u64 u64;
typedef __u32 u32;

#define __rcu
/* Defined by the host test harness, which can make it fail on purpose. */
void *core_host_alloc(size_t size);
void *core_host_alloc_nofail(size_t size);
#define core_alloc(size)	core_host_alloc(size)
#define core_alloc_nofail(size)	core_host_alloc_nofail(size)
#define core_free(ptr)		free(ptr)
#define core_random_u64()	(((u64)random() << 33) ^ ((u64)random() << 11) ^ (u64)random())
#define core_deref(p)		rcu_dereference(p)
#define core_deref_writer(p)	(p)
#define core_init_pointer(p, v)	((p) = (v))
/* Nothing to export in a host test: declare something harmless instead. */
#define EXPORT_SYMBOL_IF_KUNIT(sym)	struct ntmm_core_unexported_##sym
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#endif /* __KERNEL__ */

#endif /* NTMM_CORE_COMPAT_H */
