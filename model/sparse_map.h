/* A sparse array of 32-bit values with a presence bit per entry, keyed by a
 * 64-bit index: the SPTEs of a VM (keyed by SPTE index, value = the page
 * generation it was installed from) and per-SPTE counters (numa's retry
 * histogram). Memory grows with the entries ever set, never with the key
 * space; a range operation costs O(levels + entries present in the range),
 * never O(range): every node keeps a mask of the children that may hold
 * present entries, and walks skip the rest.
 *
 * Concurrency, as KVM's SPTEs are used:
 *   sparse_map_set / _add   concurrent with each other (faults install under
 *                           mmu_lock held for READ); presence bits are set
 *                           with atomic OR, leaf then ancestors.
 *   sparse_map_walk (clear) exclusive (mmu_lock held for WRITE).
 *   sparse_map_get          concurrent with set/add (racy like READ_ONCE).
 * Invariant: an entry present => its ancestors' mask bits are set. A mask
 * bit may be set over an empty child (a load, a race or a split left it);
 * walks that clear drop such bits as they pass. Leaves are path-compressed
 * (model/radix.h); a split is made under the arena's lock and published
 * with one release store, the leaf it moves down staying where it is in
 * memory, so a set that found it by the old path still lands in it.
 */
#ifndef MODEL_SPARSE_MAP_H
#define MODEL_SPARSE_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "model/arena.h"
#include "model/radix.h"

struct sparse_map {
	struct arena arena;
	void *root;
	unsigned levels;
	uint64_t n_keys; /* keys are [0, n_keys) */
};

/* Nodes (here for the inline lookups below; only sparse_map.c writes
 * their masks). An inner node's pointer in its parent's slot is tagged
 * (model/radix.h: path compression). */
struct sm_leaf {
	uint32_t present;
	uint64_t base; /* its first key */
	uint32_t v[RADIX_FAN];
};

struct sm_node {
	uint32_t live; /* children that may hold present entries */
	void *child[RADIX_FAN];
};

void sparse_map_init(struct sparse_map *m, uint64_t n_keys);
void sparse_map_destroy(struct sparse_map *m);

/* key's leaf, or NULL when it was never created. */
static inline struct sm_leaf *sparse_map_leaf_(const struct sparse_map *m,
					       uint64_t key)
{
	void *n = radix_node_ref(m->root);
	struct sm_leaf *leaf;

	if (m->levels == 1)
		return m->root;
	for (unsigned shift = RADIX_BITS * (m->levels - 1);; shift -= RADIX_BITS) {
		n = __atomic_load_n(&((struct sm_node *)radix_node(n))->child[(key >> shift) &
									      (RADIX_FAN - 1)],
				    __ATOMIC_ACQUIRE);
		if (!radix_is_node(n))
			break;
	}
	leaf = n;
	return leaf && leaf->base == radix_leaf_base(key) ? leaf : NULL;
}

/* The entry at key: true and *val when present. */
static inline bool sparse_map_get(const struct sparse_map *m, uint64_t key,
				  uint32_t *val)
{
	const struct sm_leaf *leaf = sparse_map_leaf_(m, key);
	unsigned d = radix_digit(key, 1);

	if (!leaf || !(__atomic_load_n(&leaf->present, __ATOMIC_RELAXED) & (1u << d)))
		return false;
	*val = __atomic_load_n(&leaf->v[d], __ATOMIC_RELAXED);
	return true;
}

bool sparse_map_set_slow_(struct sparse_map *m, uint64_t key, uint32_t val,
			  uint32_t *old);

/* Sets the entry (present, value val). Returns whether it was present
 * before, and its old value in *old then. Replacing a present entry (a
 * fault on a mapped page) costs one lookup. */
static inline bool sparse_map_set(struct sparse_map *m, uint64_t key,
				  uint32_t val, uint32_t *old)
{
	struct sm_leaf *leaf = sparse_map_leaf_(m, key);
	unsigned d = radix_digit(key, 1);

	if (!leaf || !(__atomic_load_n(&leaf->present, __ATOMIC_RELAXED) & (1u << d)))
		return sparse_map_set_slow_(m, key, val, old);
	*old = __atomic_load_n(&leaf->v[d], __ATOMIC_RELAXED);
	__atomic_store_n(&leaf->v[d], val, __ATOMIC_RELAXED);
	return true;
}

/* Atomically adds delta to the entry (absent counts as 0) and marks it
 * present: a counter. */
void sparse_map_add(struct sparse_map *m, uint64_t key, uint32_t delta);

/* Makes the entry absent. */
void sparse_map_remove(struct sparse_map *m, uint64_t key);

/* Calls fn for every present entry in [lo, hi), in key order; with `clear`
 * the entries are made absent as they are visited. */
typedef void (*sparse_map_fn)(void *ctx, uint64_t key, uint32_t val);
void sparse_map_walk(struct sparse_map *m, uint64_t lo, uint64_t hi,
		     bool clear, sparse_map_fn fn, void *ctx);

/* Number of present entries (walks them). */
uint64_t sparse_map_count(struct sparse_map *m);

/* Bytes of node memory held (grows with entries ever set). */
size_t sparse_map_bytes(const struct sparse_map *m);

#endif
