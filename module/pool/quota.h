/* SPDX-License-Identifier: GPL-2.0 */
/*
 * POOL_FLAG_USE_QUOTA's charge: pool bytes charged to one process, in an
 * object of its own because allocations may outlive the process's context.
 * The lowest layer of the pools: contexts own one, allocations hold it.
 */
#ifndef NTMM_POOL_QUOTA_H
#define NTMM_POOL_QUOTA_H

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>

/* The two pools: what a Windows driver calls non-paged and paged. */
enum ntmm_pool_kind {
	NTMM_POOL_NONPAGED,
	NTMM_POOL_PAGED,
	NTMM_POOL_KINDS,
};

/**
 * struct ntmm_pool_quota - pool memory charged to one process.
 * @ref:	one for the context, one per charged allocation.
 * @used:	bytes per pool (enum ntmm_pool_kind), atomic.
 * @rcu:	frees it after RCU lookups (ntmm_process_pool_quota()) are done.
 */
struct ntmm_pool_quota {
	refcount_t ref;
	atomic_long_t used[NTMM_POOL_KINDS];
	struct rcu_head rcu;
};

struct ntmm_pool_quota *ntmm_pool_quota_new(void);
void ntmm_pool_quota_charge(struct ntmm_pool_quota *q, enum ntmm_pool_kind kind, long bytes);
long ntmm_pool_quota_usage(struct ntmm_pool_quota *q, enum ntmm_pool_kind kind);
void ntmm_pool_quota_put(struct ntmm_pool_quota *q);

#endif /* NTMM_POOL_QUOTA_H */
