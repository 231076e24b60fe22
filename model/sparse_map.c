#include "model/sparse_map.h"

#include "model/radix.h"
#include "model/types.h"

void sparse_map_init(struct sparse_map *m, uint64_t n_keys)
{
	arena_init(&m->arena);
	m->n_keys = n_keys;
	m->levels = radix_levels(n_keys);
	m->root = arena_alloc(&m->arena, m->levels == 1 ? sizeof(struct sm_leaf)
							: sizeof(struct sm_node));
}

void sparse_map_destroy(struct sparse_map *m)
{
	arena_destroy(&m->arena);
	m->root = NULL;
}

size_t sparse_map_bytes(const struct sparse_map *m)
{
	return m->arena.bytes;
}

/* Follows key's path from node n at level *l while it exists: stops at the
 * slot that is empty or holds another key's leaf (returns NULL, n and *l
 * its node), or returns key's leaf (*l its parent's level). path[] gets
 * the nodes passed. The arena's lock is held (every node was published
 * under it: relaxed loads see them). */
static struct sm_leaf *follow(uint64_t key, void **n, unsigned *l,
			      struct sm_node **path)
{
	for (;; --*l) {
		void *c = __atomic_load_n(&((struct sm_node *)*n)->child[radix_digit(key, *l)],
					  __ATOMIC_RELAXED);

		path[*l] = *n;
		if (!radix_is_node(c)) {
			struct sm_leaf *leaf = c;

			return leaf && leaf->base == radix_leaf_base(key) ? leaf : NULL;
		}
		*n = radix_node(c);
	}
}

/* The leaf of key, created if missing; path[l] = the node at level l for
 * l from *top (the leaf's parent) up. Callers come here when a lookup
 * without the lock found no leaf, so the path is followed once, under the
 * arena's lock. A missing leaf goes in the empty slot where its path
 * stops, or, when another key's leaf sits there, splits it: inner nodes
 * down to the level where the two keys part, the old leaf hung from the
 * last one. Made as one zeroed block, linked, published with one release
 * store. */
static struct sm_leaf *make_leaf(struct sparse_map *m, uint64_t key,
				 struct sm_node **path, unsigned *top)
{
	void *n = m->root;
	unsigned l = m->levels;
	struct sm_leaf *leaf;
	void **slot, *old;

	*top = 1;
	if (l == 1)
		return n;
	arena_lock(&m->arena);
	leaf = follow(key, &n, &l, path);
	if (!leaf) {
		uint64_t base = radix_leaf_base(key), old_base = 0;
		unsigned split = l;
		struct sm_node *in;

		slot = &((struct sm_node *)n)->child[radix_digit(key, l)];
		old = __atomic_load_n(slot, __ATOMIC_RELAXED);
		if (old) {
			old_base = ((struct sm_leaf *)old)->base;
			split = radix_split_level(old_base, base);
		}
		/* Inner nodes for levels l-1 .. split (none without an old
		 * leaf), then the new leaf. */
		in = arena_alloc_locked(&m->arena, (l - split) * sizeof(struct sm_node) +
							   sizeof(struct sm_leaf));
		leaf = (struct sm_leaf *)(in + (l - split));
		leaf->base = base;
		for (unsigned k = l - 1; k >= split; k--, in++) {
			path[k] = in;
			if (k > split) {
				in->child[radix_digit(key, k)] = radix_node_ref(in + 1);
				/* The old leaf is below: its entries may be
				 * present (a mask bit may be set over empty). */
				in->live = 1u << radix_digit(key, k);
			} else {
				in->child[radix_digit(key, k)] = leaf;
				in->child[radix_digit(old_base, k)] = old;
				in->live = 1u << radix_digit(old_base, k);
			}
		}
		__atomic_store_n(slot, split < l ? radix_node_ref(path[l - 1]) : (void *)leaf,
				 __ATOMIC_RELEASE);
		l = split;
	}
	arena_unlock(&m->arena);
	*top = l;
	return leaf;
}

/* Sets the presence bit of key's entry, then its ancestors' mask bits
 * (path[top .. levels]). */
static void mark_present(struct sparse_map *m, struct sm_leaf *leaf,
			 struct sm_node **path, unsigned top, uint64_t key)
{
	uint32_t bit = 1u << radix_digit(key, 1);

	if (READ_ONCE(leaf->present) & bit)
		return;
	__atomic_fetch_or(&leaf->present, bit, __ATOMIC_RELAXED);
	for (unsigned l = top > 2 ? top : 2; l <= m->levels; l++) {
		bit = 1u << radix_digit(key, l);
		if (!(READ_ONCE(path[l]->live) & bit))
			__atomic_fetch_or(&path[l]->live, bit, __ATOMIC_RELAXED);
	}
}

bool sparse_map_set_slow_(struct sparse_map *m, uint64_t key, uint32_t val,
			  uint32_t *old)
{
	struct sm_node *path[RADIX_MAX_LEVELS + 1];
	unsigned top;
	struct sm_leaf *leaf = make_leaf(m, key, path, &top);
	unsigned d = radix_digit(key, 1);
	bool had = READ_ONCE(leaf->present) & (1u << d);

	if (had)
		*old = READ_ONCE(leaf->v[d]);
	WRITE_ONCE(leaf->v[d], val);
	if (!had)
		mark_present(m, leaf, path, top, key);
	return had;
}

void sparse_map_add(struct sparse_map *m, uint64_t key, uint32_t delta)
{
	struct sm_node *path[RADIX_MAX_LEVELS + 1];
	unsigned top, d = radix_digit(key, 1);
	struct sm_leaf *leaf = sparse_map_leaf_(m, key);

	if (leaf && (READ_ONCE(leaf->present) & (1u << d))) {
		__atomic_fetch_add(&leaf->v[d], delta, __ATOMIC_RELAXED);
		return;
	}
	leaf = make_leaf(m, key, path, &top);
	__atomic_fetch_add(&leaf->v[d], delta, __ATOMIC_RELAXED);
	mark_present(m, leaf, path, top, key);
}

void sparse_map_remove(struct sparse_map *m, uint64_t key)
{
	struct sm_leaf *leaf = sparse_map_leaf_(m, key);
	unsigned d = radix_digit(key, 1);

	if (!leaf)
		return;
	__atomic_fetch_and(&leaf->present, ~(1u << d), __ATOMIC_RELAXED);
	WRITE_ONCE(leaf->v[d], 0);
}

/* A leaf's part of a walk. Returns whether it may still hold present
 * entries. */
static bool walk_leaf(struct sm_leaf *leaf, uint64_t lo, uint64_t hi,
		      bool clear, sparse_map_fn fn, void *ctx)
{
	uint64_t base = leaf->base;
	uint32_t present = READ_ONCE(leaf->present), want;

	if (base >= hi || base + RADIX_FAN <= lo) /* a compressed leaf */
		return present != 0;
	want = radix_range_mask(base, 1, lo, hi);
	for (uint32_t m = present & want; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctz(m);

		fn(ctx, base + i, READ_ONCE(leaf->v[i]));
		if (clear) /* absent entries read 0 (counters restart) */
			WRITE_ONCE(leaf->v[i], 0);
	}
	if (clear && (present & want)) {
		present &= ~want;
		WRITE_ONCE(leaf->present, present);
	}
	return present != 0;
}

/* Walks the inner node at `level` whose first key is base; `all` when the
 * node lies wholly inside [lo, hi) (then so do its children, and no mask
 * needs computing). Returns whether it may still hold present entries (so
 * a clearing walk can drop its mask bit). */
static bool walk(struct sm_node *node, unsigned level, uint64_t base,
		 uint64_t lo, uint64_t hi, bool all, bool clear,
		 sparse_map_fn fn, void *ctx)
{
	uint32_t want = all ? RADIX_FAN_MASK : radix_range_mask(base, level, lo, hi);
	unsigned shift = RADIX_BITS * (level - 1);
	uint32_t live = READ_ONCE(node->live);

	for (uint32_t m = live & want; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctz(m);
		uint64_t cb = base + ((uint64_t)i << shift);
		void *c = __atomic_load_n(&node->child[i], __ATOMIC_ACQUIRE);
		bool call = all || (lo <= cb && cb + (1ULL << shift) <= hi);
		bool more;

		if (!c)
			more = false;
		else if (!radix_is_node(c))
			more = walk_leaf(c, lo, hi, clear, fn, ctx);
		else
			more = walk(radix_node(c), level - 1, cb, lo, hi, call, clear, fn, ctx);
		if (!more && (clear || !c))
			live &= ~(1u << i);
	}
	if (clear && live != READ_ONCE(node->live))
		WRITE_ONCE(node->live, live);
	return live != 0;
}

void sparse_map_walk(struct sparse_map *m, uint64_t lo, uint64_t hi,
		     bool clear, sparse_map_fn fn, void *ctx)
{
	if (hi > m->n_keys)
		hi = m->n_keys;
	if (lo >= hi)
		return;
	if (m->levels == 1)
		walk_leaf(m->root, lo, hi, clear, fn, ctx);
	else
		walk(m->root, m->levels, 0, lo, hi, false, clear, fn, ctx);
}

static void count_one(void *ctx, uint64_t key, uint32_t val)
{
	(void)key;
	(void)val;
	++*(uint64_t *)ctx;
}

uint64_t sparse_map_count(struct sparse_map *m)
{
	uint64_t n = 0;

	sparse_map_walk(m, 0, m->n_keys, false, count_one, &n);
	return n;
}
