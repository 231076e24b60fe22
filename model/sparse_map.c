#include "model/sparse_map.h"

#include "model/radix.h"
#include "model/types.h"

static size_t node_size(unsigned level)
{
	return level == 1 ? sizeof(struct sm_leaf) : sizeof(struct sm_node);
}

void sparse_map_init(struct sparse_map *m, uint64_t n_keys)
{
	arena_init(&m->arena);
	m->n_keys = n_keys;
	m->levels = radix_levels(n_keys);
	m->root = arena_alloc(&m->arena, node_size(m->levels));
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

/* The leaf of key, created with its path; path[l] = the node at level l.
 * The existing part is found without the arena's mutex; the missing part
 * is made as one zeroed block (its nodes never need reading), linked, and
 * published with one release store. */
static struct sm_leaf *make_leaf(struct sparse_map *m, uint64_t key,
				 struct sm_node **path)
{
	void *n = m->root, *c;
	unsigned l = m->levels;

	for (; l > 1; l--, n = c) {
		path[l] = n;
		c = __atomic_load_n(&((struct sm_node *)n)->child[radix_digit(key, l)],
				    __ATOMIC_ACQUIRE);
		if (!c)
			break;
	}
	if (l == 1)
		return n;
	arena_lock(&m->arena);
	for (; l > 1; l--, n = c) { /* made meanwhile by another thread? */
		path[l] = n;
		c = __atomic_load_n(&((struct sm_node *)n)->child[radix_digit(key, l)],
				    __ATOMIC_RELAXED);
		if (!c)
			break;
	}
	if (l > 1) {
		void **slot = &((struct sm_node *)n)->child[radix_digit(key, l)];
		unsigned char *p = arena_alloc_locked(
			&m->arena, (l - 2) * sizeof(struct sm_node) + sizeof(struct sm_leaf));
		void *top = p;

		for (l--; l > 1; l--, p += sizeof(struct sm_node)) {
			path[l] = (struct sm_node *)p;
			path[l]->child[radix_digit(key, l)] = p + sizeof(struct sm_node);
		}
		n = p;
		__atomic_store_n(slot, top, __ATOMIC_RELEASE);
	}
	arena_unlock(&m->arena);
	return n;
}

/* Sets the presence bit of key's entry, then its ancestors' mask bits. */
static void mark_present(struct sparse_map *m, struct sm_leaf *leaf,
			 struct sm_node **path, uint64_t key)
{
	uint32_t bit = 1u << radix_digit(key, 1);

	if (READ_ONCE(leaf->present) & bit)
		return;
	__atomic_fetch_or(&leaf->present, bit, __ATOMIC_RELAXED);
	for (unsigned l = 2; l <= m->levels; l++) {
		bit = 1u << radix_digit(key, l);
		if (!(READ_ONCE(path[l]->live) & bit))
			__atomic_fetch_or(&path[l]->live, bit, __ATOMIC_RELAXED);
	}
}

bool sparse_map_set_slow_(struct sparse_map *m, uint64_t key, uint32_t val,
			  uint32_t *old)
{
	struct sm_node *path[RADIX_MAX_LEVELS + 1];
	struct sm_leaf *leaf = make_leaf(m, key, path);
	unsigned d = radix_digit(key, 1);
	bool had = READ_ONCE(leaf->present) & (1u << d);

	if (had)
		*old = READ_ONCE(leaf->v[d]);
	WRITE_ONCE(leaf->v[d], val);
	if (!had)
		mark_present(m, leaf, path, key);
	return had;
}

void sparse_map_add(struct sparse_map *m, uint64_t key, uint32_t delta)
{
	struct sm_node *path[RADIX_MAX_LEVELS + 1];
	struct sm_leaf *leaf = make_leaf(m, key, path);
	unsigned d = radix_digit(key, 1);

	__atomic_fetch_add(&leaf->v[d], delta, __ATOMIC_RELAXED);
	mark_present(m, leaf, path, key);
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

/* Walks the node at `level` whose first key is base; `all` when the node
 * lies wholly inside [lo, hi) (then so do its children, and no mask needs
 * computing). Returns whether it may still hold present entries (so a
 * clearing walk can drop its mask bit). */
static bool walk(void *n, unsigned level, uint64_t base, uint64_t lo,
		 uint64_t hi, bool all, bool clear, sparse_map_fn fn, void *ctx)
{
	uint32_t want = all ? RADIX_FAN_MASK : radix_range_mask(base, level, lo, hi);

	if (level == 1) {
		struct sm_leaf *leaf = n;
		uint32_t present = READ_ONCE(leaf->present);

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

	struct sm_node *node = n;
	unsigned shift = RADIX_BITS * (level - 1);
	uint32_t live = READ_ONCE(node->live);

	for (uint32_t m = live & want; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctz(m);
		uint64_t cb = base + ((uint64_t)i << shift);
		void *c = __atomic_load_n(&node->child[i], __ATOMIC_ACQUIRE);
		bool call = all || (lo <= cb && cb + (1ULL << shift) <= hi);

		if (!c || (!walk(c, level - 1, cb, lo, hi, call, clear, fn, ctx) &&
			   clear))
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
