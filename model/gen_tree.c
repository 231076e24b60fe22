#include "model/gen_tree.h"

#include <string.h>

#include "model/radix.h"
#include "model/types.h"

static size_t node_size(unsigned level)
{
	return level == 1 ? sizeof(struct gt_leaf) : sizeof(struct gt_node);
}

void gen_tree_init(struct gen_tree *t, uint64_t n_keys)
{
	arena_init(&t->arena);
	t->n_keys = n_keys;
	t->levels = radix_levels(n_keys);
	t->root = arena_alloc(&t->arena, node_size(t->levels));
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

uint32_t gen_tree_track_slow_(struct gen_tree *t, uint64_t page)
{
	void *n = t->root;
	uint32_t sum = 0;

	/* Path first, then the sum: every counter read below is one the
	 * page's bumps land on from now on. */
	for (unsigned l = t->levels; l > 1; l--) {
		struct gt_node *node = n;

		n = arena_child(&t->arena, &node->child[radix_digit(page, l)],
				node_size(l - 1));
	}
	n = t->root;
	for (unsigned l = t->levels; l > 1; l--) {
		struct gt_node *node = n;
		unsigned d = radix_digit(page, l);

		sum += READ_ONCE(node->add[d]);
		n = __atomic_load_n(&node->child[d], __ATOMIC_ACQUIRE);
	}
	return sum + READ_ONCE(((struct gt_leaf *)n)->v[radix_digit(page, 1)]);
}

static void bump(void *n, unsigned level, uint64_t base, uint64_t lo,
		 uint64_t hi)
{
	uint32_t want = radix_range_mask(base, level, lo, hi);

	if (level == 1) {
		struct gt_leaf *leaf = n;

		for (; want; want &= want - 1)
			__atomic_fetch_add(&leaf->v[__builtin_ctz(want)], 1,
					   __ATOMIC_RELAXED);
		return;
	}

	struct gt_node *node = n;
	uint64_t span = radix_child_span(level);

	for (; want; want &= want - 1) {
		unsigned i = (unsigned)__builtin_ctz(want);
		uint64_t cb = base + i * span;
		void *c;

		if (lo <= cb && cb + span <= hi) {
			__atomic_fetch_add(&node->add[i], 1, __ATOMIC_RELAXED);
			continue;
		}
		c = __atomic_load_n(&node->child[i], __ATOMIC_ACQUIRE);
		if (c)
			bump(c, level - 1, cb, lo, hi);
	}
}

void gen_tree_bump(struct gen_tree *t, uint64_t lo, uint64_t hi)
{
	if (hi > t->n_keys)
		hi = t->n_keys;
	if (lo < hi)
		bump(t->root, t->levels, 0, lo, hi);
}

void gen_tree_save(const struct gen_tree *t, uint64_t *out, uint64_t n)
{
	for (uint64_t p = 0; p < n; p++)
		out[p] = gen_tree_get(t, p);
}

static void load(struct gen_tree *t, void *n, unsigned level, uint64_t base,
		 const uint64_t *in, uint64_t count)
{
	if (level == 1) {
		struct gt_leaf *leaf = n;

		for (unsigned i = 0; i < RADIX_FAN; i++)
			leaf->v[i] = base + i < count ? (uint32_t)in[base + i] : 0;
		return;
	}

	struct gt_node *node = n;
	uint64_t span = radix_child_span(level);

	memset(node->add, 0, sizeof(node->add));
	for (unsigned i = 0; i < RADIX_FAN; i++) {
		uint64_t cb = base + i * span;
		void *c = node->child[i];

		if (cb >= count && !c)
			continue;
		if (!c)
			c = arena_child(&t->arena, &node->child[i],
					node_size(level - 1));
		load(t, c, level - 1, cb, in, count);
	}
}

void gen_tree_load(struct gen_tree *t, const uint64_t *in, uint64_t n)
{
	load(t, t->root, t->levels, 0, in, n);
}
