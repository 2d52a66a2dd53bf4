// SPDX-License-Identifier: GPL-2.0
/*
 * POOL_FLAG_USE_QUOTA's charge object (see quota.h). Contexts find theirs
 * under RCU from any context, so the last reference frees it after a grace
 * period.
 */
#include <kunit/visibility.h>
#include <linux/slab.h>

#include "quota.h"

/**
 * ntmm_pool_quota_new() - A quota with nothing charged, for a new context.
 *
 * Return: the quota, with the context's reference, or NULL.
 */
struct ntmm_pool_quota *ntmm_pool_quota_new(void)
{
	struct ntmm_pool_quota *q = kzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);

	if (q)
		refcount_set(&q->ref, 1);
	return q;
}

/**
 * ntmm_pool_quota_charge() - Charge (@bytes > 0) or return (< 0) pool quota.
 * @q: the quota.
 * @kind: the pool.
 * @bytes: the allocation's size, negative when it is freed.
 */
void ntmm_pool_quota_charge(struct ntmm_pool_quota *q, enum ntmm_pool_kind kind, long bytes)
{
	atomic_long_add(bytes, &q->used[kind]);
}

/**
 * ntmm_pool_quota_usage() - Pool bytes charged.
 * @q: the quota.
 * @kind: the pool.
 *
 * Return: the bytes of @kind its allocations with POOL_FLAG_USE_QUOTA hold.
 */
long ntmm_pool_quota_usage(struct ntmm_pool_quota *q, enum ntmm_pool_kind kind)
{
	return atomic_long_read(&q->used[kind]);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_pool_quota_usage);

/**
 * ntmm_pool_quota_put() - Drop a reference to a quota.
 * @q: the quota; freed after a grace period with its last reference.
 */
void ntmm_pool_quota_put(struct ntmm_pool_quota *q)
{
	if (refcount_dec_and_test(&q->ref))
		kfree_rcu(q, rcu);
}
