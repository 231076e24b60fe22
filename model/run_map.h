/* A value per key of [0, n_keys), stored as its maximal runs of equal
 * value: the guest_memfd slots' memory attribute (private 1 / shared 0)
 * per SPTE position, which conversions set a range at a time. A run is a
 * boundary (its first key, its value) in a treap ordered by key; before
 * the first boundary the value is 0. Setting a range costs O(log n + runs
 * it covers), a lookup O(log n), memory grows with the runs, never with
 * the span set: converting a 4 TiB slot is one boundary or two.
 *
 * Priorities are a hash of the key, so the tree's shape is a function of
 * its boundaries (runs are maximal: equal maps, equal trees) and the
 * expected depth is O(log n) whatever order conversions come in.
 *
 * Concurrency, as KVM's attribute xarray is used: conversions set ranges
 * (phase 2, outside mmu_lock) concurrently with each other and with faults
 * that read (kvm_mem_is_private(), lock-free).
 *   run_map_set   writers serialise on `lock` and make the sequence count
 *                 odd while they change the tree.
 *   run_map_get   lock-free: walks the tree and keeps the answer if the
 *                 sequence count was even and did not move; otherwise (a
 *                 writer ran meanwhile) reads again under `lock`.
 * Nodes are recycled, never freed before run_map_destroy, so a reader that
 * raced a writer reads stale nodes, never freed memory; every field a
 * reader loads is written with release stores and read with acquire ones
 * (no plain race, and the sequence re-check is ordered after the walk). A
 * walk longer than the nodes ever allocated cannot be a tree: it met a
 * half-done change and retries under the lock.
 */
#ifndef MODEL_RUN_MAP_H
#define MODEL_RUN_MAP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "model/arena.h"

struct run_node {
	uint64_t key;  /* the run's first key */
	uint32_t val;
	uint32_t prio; /* hash of key: the treap's heap order */
	struct run_node *kid[2];
};

struct run_map {
	struct run_node *root;
	uint64_t n_keys;
	uint32_t seq;           /* odd while a writer changes the tree */
	uint64_t n_alloc;       /* nodes ever taken from the arena */
	uint64_t n_runs;        /* boundaries in the tree */
	struct run_node *free;  /* recycled nodes, linked by kid[0] */
	struct arena arena;     /* node memory (model/arena.h) */
	pthread_mutex_t lock;   /* writers; readers that lost a race */
};

/* Every key's value 0. Returns 0, or -1 when the lock cannot be made. */
int run_map_init(struct run_map *m, uint64_t n_keys);
void run_map_destroy(struct run_map *m);

/* Keys [lo, hi) take value val (lo < hi <= n_keys). */
void run_map_set(struct run_map *m, uint64_t lo, uint64_t hi, uint32_t val);

uint32_t run_map_get_locked_(struct run_map *m, uint64_t key);

/* The value at key. */
static inline uint32_t run_map_get(const struct run_map *m, uint64_t key)
{
	uint32_t seq = __atomic_load_n(&m->seq, __ATOMIC_ACQUIRE);
	uint64_t budget = __atomic_load_n(&m->n_alloc, __ATOMIC_ACQUIRE);
	const struct run_node *n = __atomic_load_n(&m->root, __ATOMIC_ACQUIRE);
	uint32_t val = 0;

	if (seq & 1)
		goto locked;
	/* The last boundary at or before key. */
	while (n) {
		uint64_t k = __atomic_load_n(&n->key, __ATOMIC_ACQUIRE);

		if (budget-- == 0)
			goto locked;
		if (k <= key)
			val = __atomic_load_n(&n->val, __ATOMIC_ACQUIRE);
		n = __atomic_load_n(&n->kid[k <= key], __ATOMIC_ACQUIRE);
	}
	if (__atomic_load_n(&m->seq, __ATOMIC_RELAXED) == seq)
		return val;
locked:
	/* The lock is state, not value: a const reader may take it. */
	return run_map_get_locked_((struct run_map *)m, key);
}

/* Boundaries held (runs, less one if key 0 starts at value 0). */
uint64_t run_map_count(const struct run_map *m);

/* Bytes of nodes ever made (grows with the most runs ever held; the
 * arena's chunks round it up). */
size_t run_map_bytes(const struct run_map *m);

#endif
