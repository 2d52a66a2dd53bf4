// SPDX-License-Identifier: GPL-2.0
/*
 * The range tree: a treap (a binary search tree on start, heap-ordered on a
 * random priority, so its expected depth is O(log n) whatever addresses the
 * process picks) made persistent by path copying for RCU readers.
 *
 * Each node also carries the bounds of its subtree and the widest hole
 * between two of its ranges, so a gap search skips every subtree that cannot
 * hold the request.
 */
#include "range_tree.h"

struct ntmm_range_node {
	struct ntmm_range range;	/* first: lookups return &node->range */
	/* Children never change once the node is published. */
	struct ntmm_range_node *left;
	struct ntmm_range_node *right;
	u64 prio;
	u64 min_start;			/* lowest start in this subtree */
	u64 max_end;			/* highest end in this subtree */
	u64 max_gap;			/* widest hole between its ranges */
	/* Writer-only: the update's spare/fresh/stale lists, fresh flag. */
	struct ntmm_range_node *link;
	bool fresh;
	struct rcu_head rcu;
};

/*
 * One insert or remove: nodes allocated up front (spare), nodes built by this
 * update and not yet published (fresh, changed in place), and published nodes
 * replaced by copies (stale, freed after a grace period).
 */
struct range_update {
	struct ntmm_range_node *spare;
	struct ntmm_range_node *fresh;
	struct ntmm_range_node *stale;
};

static u64 max_u64(u64 a, u64 b)
{
	return a > b ? a : b;
}

static void range_node_update(struct ntmm_range_node *n)
{
	u64 gap = 0;

	n->min_start = n->left ? n->left->min_start : n->range.start;
	n->max_end = n->right ? n->right->max_end : n->range.end;
	if (n->left)
		gap = max_u64(n->left->max_gap, n->range.start - n->left->max_end);
	if (n->right) {
		gap = max_u64(gap, n->right->max_gap);
		gap = max_u64(gap, n->right->min_start - n->range.end);
	}
	n->max_gap = gap;
}

static void range_update_free_list(struct ntmm_range_node *n)
{
	while (n) {
		struct ntmm_range_node *next = n->link;

		core_free(n);
		n = next;
	}
}

static int range_update_reserve(struct range_update *u, unsigned int nodes,
				bool nofail)
{
	u->spare = NULL;
	u->fresh = NULL;
	u->stale = NULL;
	while (nodes--) {
		struct ntmm_range_node *n = nofail ? core_alloc_nofail(sizeof(*n)) :
						      core_alloc(sizeof(*n));

		if (!n) {
			range_update_free_list(u->spare);
			return -ENOMEM;
		}
		n->link = u->spare;
		u->spare = n;
	}
	return 0;
}

static struct ntmm_range_node *range_update_take(struct range_update *u)
{
	struct ntmm_range_node *n = u->spare;

	/* The reservation counted every node the update copies. */
	u->spare = n->link;
	n->link = u->fresh;
	u->fresh = n;
	n->fresh = true;
	return n;
}

/* Return a node of this update that stands for @n and may be changed. */
static struct ntmm_range_node *range_update_own(struct range_update *u,
						 struct ntmm_range_node *n)
{
	struct ntmm_range_node *copy;

	if (n->fresh)
		return n;
	copy = range_update_take(u);
	copy->range = n->range;
	copy->left = n->left;
	copy->right = n->right;
	copy->prio = n->prio;
	n->link = u->stale;
	u->stale = n;
	return copy;
}

static void range_node_free_rcu(struct rcu_head *head)
{
	core_free(container_of(head, struct ntmm_range_node, rcu));
}

static void range_update_publish(struct ntmm_range_tree *tree,
				 struct range_update *u,
				 struct ntmm_range_node *root)
{
	struct ntmm_range_node *n;

	for (n = u->fresh; n; n = n->link)
		n->fresh = false;
	/* Pairs with core_deref() in readers: they see initialized nodes. */
	rcu_assign_pointer(tree->root, root);
	while (u->stale) {
		n = u->stale;
		u->stale = n->link;
		call_rcu(&n->rcu, range_node_free_rcu);
	}
	range_update_free_list(u->spare);
}

/* Split @n into ranges starting below @key (*l) and at or above it (*r). */
static void range_split(struct range_update *u, struct ntmm_range_node *n,
			u64 key, struct ntmm_range_node **l,
			struct ntmm_range_node **r)
{
	if (!n) {
		*l = NULL;
		*r = NULL;
		return;
	}
	n = range_update_own(u, n);
	if (n->range.start < key) {
		range_split(u, n->right, key, &n->right, r);
		*l = n;
	} else {
		range_split(u, n->left, key, l, &n->left);
		*r = n;
	}
	range_node_update(n);
}

/* Join two treaps, every range of @a below every range of @b. */
static struct ntmm_range_node *range_merge(struct range_update *u,
					    struct ntmm_range_node *a,
					    struct ntmm_range_node *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (a->prio > b->prio) {
		a = range_update_own(u, a);
		a->right = range_merge(u, a->right, b);
		range_node_update(a);
		return a;
	}
	b = range_update_own(u, b);
	b->left = range_merge(u, a, b->left);
	range_node_update(b);
	return b;
}

static struct ntmm_range_node *range_delete(struct range_update *u,
					     struct ntmm_range_node *n,
					     u64 start)
{
	if (n->range.start == start) {
		n->link = u->stale;
		u->stale = n;
		return range_merge(u, n->left, n->right);
	}
	n = range_update_own(u, n);
	if (start < n->range.start)
		n->left = range_delete(u, n->left, start);
	else
		n->right = range_delete(u, n->right, start);
	range_node_update(n);
	return n;
}

/*
 * A new node's priority: splitmix64 over a per-tree secret seed. Priorities
 * need to be independent of the addresses, not secret to the kernel's
 * standard, and get_random_u64() was a quarter of a VirtualAlloc's time.
 */
static u64 range_next_prio(struct ntmm_range_tree *tree)
{
	u64 z = tree->prio_state += 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/**
 * ntmm_range_tree_init() - Make an empty tree.
 * @tree: the tree.
 */
void ntmm_range_tree_init(struct ntmm_range_tree *tree)
{
	core_init_pointer(tree->root, NULL);
	tree->count = 0;
	tree->prio_state = core_random_u64();
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_range_tree_init);

/**
 * ntmm_range_tree_insert() - Add the range [@start, @end).
 * @tree: the tree; the caller holds its writer lock.
 * @start: first byte.
 * @end: one past the last byte.
 * @owner: returned by lookups of the range.
 *
 * Return: 0, -EINVAL for an empty range, -EEXIST if it overlaps a range
 * already present, -ENOMEM. On error the tree is unchanged.
 */
int ntmm_range_tree_insert(struct ntmm_range_tree *tree, u64 start, u64 end,
			    void *owner)
{
	struct ntmm_range_node *root = core_deref_writer(tree->root);
	struct ntmm_range_node *n, *below = NULL, *l, *r, *node;
	struct range_update u;
	unsigned int path = 0;
	int ret;

	if (start >= end)
		return -EINVAL;
	/* The last range starting below @end is the only one that can overlap. */
	for (n = root; n; n = n->range.start < end ? n->right : n->left) {
		if (n->range.start < end)
			below = n;
	}
	if (below && below->range.end > start)
		return -EEXIST;
	/* Splitting at @start copies its search path; plus the new node. */
	for (n = root; n; n = n->range.start < start ? n->right : n->left)
		path++;
	ret = range_update_reserve(&u, path + 1, false);
	if (ret)
		return ret;

	range_split(&u, root, start, &l, &r);
	node = range_update_take(&u);
	node->range.start = start;
	node->range.end = end;
	node->range.owner = owner;
	node->left = NULL;
	node->right = NULL;
	node->prio = range_next_prio(tree);
	range_node_update(node);
	range_update_publish(tree, &u, range_merge(&u, range_merge(&u, l, node), r));
	tree->count++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_range_tree_insert);

/**
 * ntmm_range_tree_remove() - Remove the range that starts at @start.
 * @tree: the tree; the caller holds its writer lock.
 * @start: the start of the range, exactly.
 *
 * Readers inside an RCU read-side section may still see the range until they
 * leave it; its owner must outlive them. Removal cannot fail for memory: it
 * runs where failure is not an option (a VMA's close), and its few dozen
 * small nodes are allocated with __GFP_NOFAIL.
 *
 * Return: 0, or -ENOENT if no range starts there.
 */
int ntmm_range_tree_remove(struct ntmm_range_tree *tree, u64 start)
{
	struct ntmm_range_node *root = core_deref_writer(tree->root);
	struct ntmm_range_node *n = root, *s;
	struct range_update u;
	unsigned int copies = 0;

	while (n && n->range.start != start) {
		copies++;
		n = start < n->range.start ? n->left : n->right;
	}
	if (!n)
		return -ENOENT;
	/* Joining the children copies the spines that meet. */
	for (s = n->left; s; s = s->right)
		copies++;
	for (s = n->right; s; s = s->left)
		copies++;
	range_update_reserve(&u, copies, true);
	range_update_publish(tree, &u, range_delete(&u, root, start));
	tree->count--;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_range_tree_remove);

/**
 * ntmm_range_tree_find() - The range that contains @addr.
 * @tree: the tree; the caller holds rcu_read_lock() or the writer lock.
 * @addr: an address.
 *
 * Return: the range, or NULL.
 */
const struct ntmm_range *ntmm_range_tree_find(struct ntmm_range_tree *tree,
						u64 addr)
{
	struct ntmm_range_node *n = core_deref(tree->root);

	while (n) {
		if (addr < n->range.start)
			n = n->left;
		else if (addr >= n->range.end)
			n = n->right;
		else
			return &n->range;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_range_tree_find);

/**
 * ntmm_range_tree_next() - The first range that ends above @addr.
 * @tree: the tree; the caller holds rcu_read_lock() or the writer lock.
 * @addr: an address.
 *
 * That is the range containing @addr if there is one, else the next range
 * above it. Iterate in order with next(0), then next(previous->end).
 *
 * Return: the range, or NULL if none ends above @addr.
 */
const struct ntmm_range *ntmm_range_tree_next(struct ntmm_range_tree *tree,
						u64 addr)
{
	struct ntmm_range_node *n = core_deref(tree->root), *best = NULL;

	while (n) {
		if (n->range.end > addr) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best ? &best->range : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_range_tree_next);

/* Place the request in the hole [@lo, @hi) if it fits there. */
static bool range_gap_fit(const struct ntmm_gap_request *req, u64 lo, u64 hi,
			  u64 *addr)
{
	u64 mask = req->align - 1, a;

	lo = max_u64(lo, req->lo);
	hi = hi < req->hi ? hi : req->hi;
	if (lo >= hi || hi - lo < req->size)
		return false;
	if (req->top_down) {
		a = (hi - req->size) & ~mask;
		if (a < lo)
			return false;
	} else {
		if (lo > ~0ULL - mask)
			return false;
		a = (lo + mask) & ~mask;
		if (a > hi || hi - a < req->size)
			return false;
	}
	*addr = a;
	return true;
}

/* Search the holes of @n's subtree, which lies in the free span [@lo, @hi). */
static bool range_gap_search(const struct ntmm_range_node *n, u64 lo, u64 hi,
			     const struct ntmm_gap_request *req, u64 *addr)
{
	u64 widest;

	if (!n)
		return range_gap_fit(req, lo, hi, addr);
	if (hi <= req->lo || lo >= req->hi)
		return false;
	widest = max_u64(n->min_start - lo, hi - n->max_end);
	if (max_u64(widest, n->max_gap) < req->size)
		return false;
	if (req->top_down)
		return range_gap_search(n->right, n->range.end, hi, req, addr) ||
		       range_gap_search(n->left, lo, n->range.start, req, addr);
	return range_gap_search(n->left, lo, n->range.start, req, addr) ||
	       range_gap_search(n->right, n->range.end, hi, req, addr);
}

/**
 * ntmm_range_tree_find_gap() - Find room for @req->size bytes.
 * @tree: the tree; the caller holds rcu_read_lock() or the writer lock.
 * @req: size, alignment, bounds [lo, hi) and direction of the search.
 * @addr: set to the lowest (or, top-down, highest) aligned free address.
 *
 * Return: 0, -EINVAL for a malformed request, -ENOMEM if nothing fits.
 */
int ntmm_range_tree_find_gap(struct ntmm_range_tree *tree,
			      const struct ntmm_gap_request *req, u64 *addr)
{
	if (!req->size || !req->align || (req->align & (req->align - 1)) ||
	    req->lo >= req->hi || req->hi - req->lo < req->size)
		return -EINVAL;
	if (!range_gap_search(core_deref(tree->root), 0, ~0ULL, req, addr))
		return -ENOMEM;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_range_tree_find_gap);

static void range_node_destroy(struct ntmm_range_node *n,
			       void (*release)(void *owner))
{
	if (!n)
		return;
	range_node_destroy(n->left, release);
	range_node_destroy(n->right, release);
	if (release)
		release(n->range.owner);
	core_free(n);
}

/**
 * ntmm_range_tree_destroy() - Empty the tree at once.
 * @tree: the tree; no reader may still be inside it.
 * @release: called with each range's owner, or NULL.
 */
void ntmm_range_tree_destroy(struct ntmm_range_tree *tree,
			      void (*release)(void *owner))
{
	struct ntmm_range_node *root = core_deref_writer(tree->root);

	core_init_pointer(tree->root, NULL);
	tree->count = 0;
	range_node_destroy(root, release);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_range_tree_destroy);
