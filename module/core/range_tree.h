/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A per-process map of disjoint address ranges [start, end), each with an
 * owner pointer, searchable for free gaps.
 *
 * Locking: writers (insert, remove, destroy) are serialized by the caller.
 * Readers (find, next, find_gap) run either under that same lock or inside
 * rcu_read_lock(); a returned range stays valid until the reader leaves its
 * RCU read-side section. The tree is persistent: a writer never changes a
 * node a reader can see, it copies the path it changes and publishes a new
 * root with rcu_assign_pointer(), then frees the replaced nodes after a grace
 * period (call_rcu). Insert and remove allocate everything they need before
 * changing anything, so a failure leaves the tree as it was.
 */
#ifndef NTMM_CORE_RANGE_TREE_H
#define NTMM_CORE_RANGE_TREE_H

#include "core_compat.h"

struct ntmm_range {
	u64 start;
	u64 end;
	void *owner;
};

struct ntmm_range_node;

struct ntmm_range_tree {
	struct ntmm_range_node __rcu *root;
	unsigned long count;		/* writer-side only */
	u64 prio_state;			/* writer-side only: next priority's seed */
};

/* A gap request: size bytes at a multiple of align, inside [lo, hi). */
struct ntmm_gap_request {
	u64 size;
	u64 align;			/* a power of two */
	u64 lo;
	u64 hi;
	bool top_down;
};

void ntmm_range_tree_init(struct ntmm_range_tree *tree);
int ntmm_range_tree_insert(struct ntmm_range_tree *tree, u64 start, u64 end,
			    void *owner);
int ntmm_range_tree_remove(struct ntmm_range_tree *tree, u64 start);
const struct ntmm_range *ntmm_range_tree_find(struct ntmm_range_tree *tree,
						u64 addr);
const struct ntmm_range *ntmm_range_tree_next(struct ntmm_range_tree *tree,
						u64 addr);
int ntmm_range_tree_find_gap(struct ntmm_range_tree *tree,
			      const struct ntmm_gap_request *req, u64 *addr);
void ntmm_range_tree_destroy(struct ntmm_range_tree *tree,
			      void (*release)(void *owner));

#endif /* NTMM_CORE_RANGE_TREE_H */
