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
	void *n = t->root, *c;
	unsigned l = t->levels;
	uint32_t sum = 0;

	/* Path first, then the sum: every counter read below is one the
	 * page's bumps land on from now on. The existing part of the path
	 * is found without the arena's mutex; the missing part is made as
	 * one zeroed block, linked, and published with one release store. */
	for (; l > 1; l--, n = c) {
		c = __atomic_load_n(&((struct gt_node *)n)->slot[radix_digit(page, l)].child,
				    __ATOMIC_ACQUIRE);
		if (!c)
			break;
	}
	if (l > 1) {
		arena_lock(&t->arena);
		for (; l > 1; l--, n = c) { /* made meanwhile by another thread? */
			c = __atomic_load_n(&((struct gt_node *)n)->slot[radix_digit(page, l)].child,
					    __ATOMIC_RELAXED);
			if (!c)
				break;
		}
		if (l > 1) {
			void **slot = &((struct gt_node *)n)->slot[radix_digit(page, l)].child;
			unsigned char *p = arena_alloc_locked(
				&t->arena,
				(l - 2) * sizeof(struct gt_node) + sizeof(struct gt_leaf));
			void *top = p;

			for (l--; l > 1; l--, p += sizeof(struct gt_node))
				((struct gt_node *)p)->slot[radix_digit(page, l)].child =
					p + sizeof(struct gt_node);
			__atomic_store_n(slot, top, __ATOMIC_RELEASE);
		}
		arena_unlock(&t->arena);
	}
	n = t->root;
	for (l = t->levels; l > 1; l--) {
		struct gt_slot *sl = &((struct gt_node *)n)->slot[radix_digit(page, l)];

		n = __atomic_load_n(&sl->child, __ATOMIC_ACQUIRE);
		sum += READ_ONCE(sl->add);
	}
	return sum + READ_ONCE(((struct gt_leaf *)n)->v[radix_digit(page, 1)]);
}

/* A counter is added to only over an existing child: a page under a
 * missing one is not tracked yet, and counts only the bumps after its
 * tracking anyway (gen_tree.h), so a bump touches what exists. */
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
		void *c = __atomic_load_n(&node->slot[i].child, __ATOMIC_ACQUIRE);

		if (!c)
			continue;
		if (lo <= cb && cb + span <= hi)
			__atomic_fetch_add(&node->slot[i].add, 1, __ATOMIC_RELAXED);
		else
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

	for (unsigned i = 0; i < RADIX_FAN; i++) {
		uint64_t cb = base + i * span;
		void *c = node->slot[i].child;

		node->slot[i].add = 0;
		if (cb >= count && !c)
			continue;
		if (!c)
			c = arena_child(&t->arena, &node->slot[i].child,
					node_size(level - 1));
		load(t, c, level - 1, cb, in, count);
	}
}

void gen_tree_load(struct gen_tree *t, const uint64_t *in, uint64_t n)
{
	load(t, t->root, t->levels, 0, in, n);
}
