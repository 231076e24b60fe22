/* Host-page generations (SPEC section 3) as range-bumped counters: a page's
 * generation moves each time the host changes the page (phase 2 of an
 * invalidation), and a fault compares the generation it resolved against
 * the current one. Only equality between two reads of one page matters.
 *
 * Stored as a radix tree (model/radix.h) whose nodes carry an add counter
 * per child: bumping [lo, hi) adds 1 to the counters of the O(16 x levels)
 * existing children that tile the range (a segment tree without push-down),
 * and a
 * page's generation is the sum of the counters on its path plus its leaf
 * entry. A bump costs O(levels), whatever the range's size or the number of
 * pages under it.
 *
 * Only tracked pages exist: gen_tree_track() creates a page's path before
 * anyone reads it. A bump passes over missing parts of the tree (nor does it
 * add to a missing child's counter), so a page
 * counts the bumps after it was tracked, and its generation is that count
 * plus a constant; every read of a page happens after its tracking (a fault
 * tracks the page before it snapshots the generation, and SPTEs are only
 * installed from snapshots), so the equalities the model tests come out as
 * with one counter per page from the start. Memory grows with the pages
 * ever tracked.
 *
 * Concurrency (phase 2 bumps with no lock, faults read and track with the
 * read lock or none): counters change only by atomic adds and nodes are
 * only ever added (model/arena.h), so a read never loses a bump it saw. A
 * bump adds to exactly one counter on each covered tracked page's path, so
 * a read that overlaps bumps returns a count between the count at its start
 * and at its end; counts move by one, so that value was the count at some
 * instant of the read: reads and bumps are linearisable as one counter per
 * page. A bump that passes a page's missing path before track() publishes
 * it is ordered before the tracking, which the page does not count. A
 * split (path compression, below) puts inner nodes with zero counters
 * above a leaf that stays in place: a bump still lands on exactly one
 * counter of the page's path as it is at that moment, so the same holds.
 */
#ifndef MODEL_GEN_TREE_H
#define MODEL_GEN_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/arena.h"
#include "model/radix.h"

struct gen_tree {
	struct arena arena;
	void *root;
	unsigned levels;
	uint64_t n_keys; /* pages are [0, n_keys) */
};

/* Nodes (here for the inline lookups below; only gen_tree.c writes them).
 * A child's pointer and its add counter sit side by side, and an inner
 * node is 64-byte aligned (model/arena.h): a lookup reads one cache line
 * per level, a bump four children per line. A leaf's pointer is tagged
 * and a leaf may hang above level 2 (model/radix.h: path compression);
 * the add counters above it cover it all the same, and a split gives it
 * new inner nodes whose counters start at zero, so its pages' sums do not
 * move. */
struct gt_leaf {
	uint64_t base; /* its first page */
	uint32_t v[RADIX_FAN];
};

struct gt_slot {
	void *child;
	uint32_t add; /* bumps covering all of the child */
};

struct gt_node {
	struct gt_slot slot[RADIX_FAN];
};

void gen_tree_init(struct gen_tree *t, uint64_t n_keys);
void gen_tree_destroy(struct gen_tree *t);

/* Sum of the counters on page's path; *complete is false when the path
 * stops at a missing node or another page's leaf (the page is not
 * tracked). Inline: every fault reads generations several times. */
static inline uint32_t gen_tree_sum_(const struct gen_tree *t, uint64_t page,
				     bool *complete)
{
	const void *n = t->root;
	const struct gt_leaf *leaf;
	uint32_t sum = 0;

	if (t->levels > 1) {
		for (unsigned shift = RADIX_BITS * (t->levels - 1);; shift -= RADIX_BITS) {
			const struct gt_slot *sl =
				&((const struct gt_node *)n)->slot[(page >> shift) & (RADIX_FAN - 1)];

			n = __atomic_load_n(&sl->child, __ATOMIC_ACQUIRE);
			sum += __atomic_load_n(&sl->add, __ATOMIC_RELAXED);
			if (radix_is_leaf(n))
				break;
			if (!n) {
				*complete = false;
				return sum;
			}
		}
		n = radix_untag(n);
	}
	leaf = n;
	if (leaf->base != radix_leaf_base(page)) {
		*complete = false;
		return sum;
	}
	*complete = true;
	return sum + __atomic_load_n(&leaf->v[page & (RADIX_FAN - 1)], __ATOMIC_RELAXED);
}

/* The page's generation (pages never tracked read as a partial sum). */
static inline uint32_t gen_tree_get(const struct gen_tree *t, uint64_t page)
{
	bool complete;

	return gen_tree_sum_(t, page, &complete);
}

uint32_t gen_tree_track_slow_(struct gen_tree *t, uint64_t page);

/* Tracks the page (creates its path), then returns its generation. A page
 * already tracked costs one lookup. */
static inline uint32_t gen_tree_track(struct gen_tree *t, uint64_t page)
{
	bool complete;
	uint32_t g = gen_tree_sum_(t, page, &complete);

	return complete ? g : gen_tree_track_slow_(t, page);
}
/* The host changed pages [lo, hi): their generations move by one. */
void gen_tree_bump(struct gen_tree *t, uint64_t lo, uint64_t hi);

/* Dense image of pages [0, n) (n <= n_keys), for the explorer's canonical
 * state: save writes every generation; load tracks every page and sets it
 * to the image's value, clearing all range counters. Not concurrent. */
void gen_tree_save(const struct gen_tree *t, uint64_t *out, uint64_t n);
void gen_tree_load(struct gen_tree *t, const uint64_t *in, uint64_t n);

size_t gen_tree_bytes(const struct gen_tree *t);

#endif
