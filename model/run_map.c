#include "model/run_map.h"

#include <stdbool.h>
#include <string.h>

/* Writers store every field a reader loads this way (run_map.h). */
#define PUT(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELEASE)

static uint32_t prio_of(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	key *= 0xc4ceb9fe1a85ec53ULL;
	key ^= key >> 33;
	return (uint32_t)key;
}

/* Heap order: a above b. Ties (equal hashes) go by key, so the shape
 * stays a function of the boundaries. */
static bool above(const struct run_node *a, const struct run_node *b)
{
	return a->prio != b->prio ? a->prio > b->prio : a->key < b->key;
}

int run_map_init(struct run_map *m, uint64_t n_keys)
{
	memset(m, 0, sizeof(*m));
	arena_init(&m->arena);
	m->n_keys = n_keys;
	return pthread_mutex_init(&m->lock, NULL) ? -1 : 0;
}

void run_map_destroy(struct run_map *m)
{
	arena_destroy(&m->arena);
	pthread_mutex_destroy(&m->lock);
	memset(m, 0, sizeof(*m));
}

static struct run_node *node_new(struct run_map *m, uint64_t key, uint32_t val)
{
	struct run_node *n = m->free;

	if (n) {
		m->free = n->kid[0];
	} else {
		/* Arena memory lives until run_map_destroy: a lock-free
		 * reader may still hold a node a writer just recycled. */
		n = arena_alloc(&m->arena, sizeof(*n));
		PUT(m->n_alloc, m->n_alloc + 1);
	}
	PUT(n->key, key);
	PUT(n->val, val);
	n->prio = prio_of(key); /* read by writers only */
	PUT(n->kid[0], NULL);
	PUT(n->kid[1], NULL);
	m->n_runs++;
	return n;
}

/* Recycles every node of subtree t: the runs a set covers. */
static void release(struct run_map *m, struct run_node *t)
{
	while (t) {
		struct run_node *right = t->kid[1];

		release(m, t->kid[0]);
		PUT(t->kid[0], m->free);
		m->free = t;
		m->n_runs--;
		t = right;
	}
}

/* *l gets t's keys below k, *r the rest. O(depth). */
static void split(struct run_node *t, uint64_t k, struct run_node **l,
		  struct run_node **r)
{
	struct run_node *a, *b;

	if (!t) {
		*l = *r = NULL;
	} else if (t->key < k) {
		split(t->kid[1], k, &a, &b);
		PUT(t->kid[1], a);
		*l = t;
		*r = b;
	} else {
		split(t->kid[0], k, &a, &b);
		PUT(t->kid[0], b);
		*l = a;
		*r = t;
	}
}

/* Every key of a below every key of b. O(depth). */
static struct run_node *merge(struct run_node *a, struct run_node *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (above(a, b)) {
		PUT(a->kid[1], merge(a->kid[1], b));
		return a;
	}
	PUT(b->kid[0], merge(a, b->kid[0]));
	return b;
}

/* The value at key, for the lock holder. */
static uint32_t value_at(const struct run_node *n, uint64_t key)
{
	uint32_t val = 0;

	while (n) {
		if (n->key <= key)
			val = n->val;
		n = n->kid[n->key <= key];
	}
	return val;
}

uint32_t run_map_get_locked_(struct run_map *m, uint64_t key)
{
	uint32_t val;

	pthread_mutex_lock(&m->lock);
	val = value_at(m->root, key);
	pthread_mutex_unlock(&m->lock);
	return val;
}

/* Cut out the boundaries in [lo, hi], then put back the at most two that
 * keep the runs maximal: one at lo if the value before it differs, one at
 * hi if the value there (before the set) differs from val. */
void run_map_set(struct run_map *m, uint64_t lo, uint64_t hi, uint32_t val)
{
	struct run_node *a, *bc, *b, *c, *mid = NULL, *t;
	uint32_t at_hi, before = 0;

	if (lo >= hi)
		return;
	pthread_mutex_lock(&m->lock);
	__atomic_store_n(&m->seq, m->seq + 1, __ATOMIC_RELAXED);
	at_hi = hi < m->n_keys ? value_at(m->root, hi) : val;
	split(m->root, lo, &a, &bc);
	split(bc, hi + 1, &b, &c);
	release(m, b);
	for (t = a; t; t = t->kid[1])
		before = t->val;
	if (before != val)
		mid = node_new(m, lo, val);
	if (at_hi != val)
		mid = merge(mid, node_new(m, hi, at_hi));
	PUT(m->root, merge(merge(a, mid), c));
	__atomic_store_n(&m->seq, m->seq + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&m->lock);
}

uint64_t run_map_count(const struct run_map *m)
{
	return m->n_runs;
}

size_t run_map_bytes(const struct run_map *m)
{
	return m->n_alloc * sizeof(struct run_node);
}
