#include "model/gen_tree.h"

#include <string.h>

#include "model/radix.h"
#include "model/types.h"

void gen_tree_init(struct gen_tree *t, uint64_t n_keys)
{
	arena_init(&t->arena);
	t->n_keys = n_keys;
	t->levels = radix_levels(n_keys);
	t->root = arena_alloc(&t->arena, t->levels == 1 ? sizeof(struct gt_leaf)
							: sizeof(struct gt_node));
}

void gen_tree_destroy(struct gen_tree *t)
{
	arena_destroy(&t->arena);
	t->root = NULL;
}

size_t gen_tree_bytes(const struct gen_tree *t)
{
	return t->arena.bytes;
}

/* Follows page's path from node *n at level *l while it exists: true at
 * page's own leaf; false at the slot that is empty or holds another page's
 * leaf (*n and *l its node). The arena's lock is held (every node was
 * published under it: relaxed loads see them). */
static bool follow(uint64_t page, void **n, unsigned *l)
{
	for (;; --*l) {
		void *c = __atomic_load_n(&((struct gt_node *)*n)->slot[radix_digit(page, *l)].child,
					  __ATOMIC_RELAXED);

		if (radix_is_leaf(c))
			return ((struct gt_leaf *)radix_untag(c))->base == radix_leaf_base(page);
		if (!c)
			return false;
		*n = c;
	}
}

/* Makes page's leaf in the slot where its path stops: in the empty slot,
 * or, when another page's leaf sits there, by splitting: inner nodes (add
 * counters zero) down to the level where the two parts, the old leaf hung
 * from the last one. Arena lock held; one release store publishes it. */
static void make_leaf(struct gen_tree *t, uint64_t page, struct gt_node *n,
		      unsigned l)
{
	void **slot = &n->slot[radix_digit(page, l)].child;
	void *old = __atomic_load_n(slot, __ATOMIC_RELAXED);
	uint64_t base = radix_leaf_base(page), old_base = 0;
	unsigned split = l;
	struct gt_leaf *leaf;
	struct gt_node *in = NULL, *first;

	if (old) {
		old_base = ((struct gt_leaf *)radix_untag(old))->base;
		split = radix_split_level(old_base, base);
		/* A block of whole nodes stays 64-byte aligned. */
		in = arena_alloc_locked(&t->arena, (l - split) * sizeof(struct gt_node));
	}
	leaf = arena_alloc_locked(&t->arena, sizeof(*leaf));
	leaf->base = base;
	first = in;
	for (unsigned k = l - 1; k >= split; k--, in++) {
		if (k > split) {
			in->slot[radix_digit(page, k)].child = in + 1;
		} else {
			in->slot[radix_digit(page, k)].child = radix_tag(leaf);
			in->slot[radix_digit(old_base, k)].child = old;
		}
	}
	__atomic_store_n(slot, first ? (void *)first : radix_tag(leaf), __ATOMIC_RELEASE);
}

uint32_t gen_tree_track_slow_(struct gen_tree *t, uint64_t page)
{
	void *n = t->root;
	unsigned l = t->levels;
	bool complete;

	/* Path first, then the sum: every counter read then is one the
	 * page's bumps land on from now on. Callers come here when a lookup
	 * without the lock found no leaf: the path is followed once, under
	 * the arena's lock. */
	if (l > 1) {
		arena_lock(&t->arena);
		if (!follow(page, &n, &l)) /* made meanwhile? */
			make_leaf(t, page, n, l);
		arena_unlock(&t->arena);
	}
	return gen_tree_sum_(t, page, &complete);
}

/* A leaf's part of a bump (it may hang above level 2: check overlap). */
static void bump_leaf(struct gt_leaf *leaf, uint64_t lo, uint64_t hi)
{
	uint64_t base = leaf->base;
	uint32_t want;

	if (base >= hi || base + RADIX_FAN <= lo)
		return;
	for (want = radix_range_mask(base, 1, lo, hi); want; want &= want - 1)
		__atomic_fetch_add(&leaf->v[__builtin_ctz(want)], 1, __ATOMIC_RELAXED);
}

/* A counter is added to only over an existing child: a page under a
 * missing one is not tracked yet, and counts only the bumps after its
 * tracking anyway (gen_tree.h), so a bump touches what exists. */
static void bump(struct gt_node *node, unsigned level, uint64_t base,
		 uint64_t lo, uint64_t hi)
{
	uint32_t want = radix_range_mask(base, level, lo, hi);
	unsigned shift = RADIX_BITS * (level - 1);

	for (; want; want &= want - 1) {
		unsigned i = (unsigned)__builtin_ctz(want);
		uint64_t cb = base + ((uint64_t)i << shift);
		void *c = __atomic_load_n(&node->slot[i].child, __ATOMIC_ACQUIRE);

		if (!c)
			continue;
		if (lo <= cb && cb + (1ULL << shift) <= hi)
			__atomic_fetch_add(&node->slot[i].add, 1, __ATOMIC_RELAXED);
		else if (radix_is_leaf(c))
			bump_leaf(radix_untag(c), lo, hi);
		else
			bump(c, level - 1, cb, lo, hi);
	}
}

void gen_tree_bump(struct gen_tree *t, uint64_t lo, uint64_t hi)
{
	if (hi > t->n_keys)
		hi = t->n_keys;
	if (lo >= hi)
		return;
	if (t->levels == 1)
		bump_leaf(t->root, lo, hi);
	else
		bump(t->root, t->levels, 0, lo, hi);
}

void gen_tree_save(const struct gen_tree *t, uint64_t *out, uint64_t n)
{
	for (uint64_t p = 0; p < n; p++)
		out[p] = gen_tree_get(t, p);
}

static void load_leaf(struct gt_leaf *leaf, uint64_t base, const uint64_t *in,
		      uint64_t count)
{
	leaf->base = base;
	for (unsigned i = 0; i < RADIX_FAN; i++)
		leaf->v[i] = base + i < count ? (uint32_t)in[base + i] : 0;
}

/* Rebuilds the tree uncompressed: every leaf at level 1 (a compressed one
 * is dropped, its pages reloaded from the image like all others). */
static void load(struct gen_tree *t, struct gt_node *node, unsigned level,
		 uint64_t base, const uint64_t *in, uint64_t count)
{
	uint64_t span = radix_child_span(level);

	for (unsigned i = 0; i < RADIX_FAN; i++) {
		uint64_t cb = base + i * span;
		void *c = node->slot[i].child;

		node->slot[i].add = 0;
		if (c && radix_is_leaf(c) && level > 2)
			c = node->slot[i].child = NULL;
		if (cb >= count && !c)
			continue;
		if (level == 2) {
			if (!c) {
				c = radix_tag(arena_alloc(&t->arena, sizeof(struct gt_leaf)));
				node->slot[i].child = c;
			}
			load_leaf(radix_untag(c), cb, in, count);
			continue;
		}
		if (!c)
			c = node->slot[i].child = arena_alloc(&t->arena, sizeof(struct gt_node));
		load(t, c, level - 1, cb, in, count);
	}
}

void gen_tree_load(struct gen_tree *t, const uint64_t *in, uint64_t n)
{
	if (t->levels == 1)
		load_leaf(t->root, 0, in, n);
	else
		load(t, t->root, t->levels, 0, in, n);
}
