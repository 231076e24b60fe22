/* Node memory for the sparse page maps (model/sparse_map.h, model/gen_tree.h).
 *
 * Nodes are only ever added, never freed one by one: a map's memory is the
 * nodes its keys ever needed, released all at once by arena_destroy(). So a
 * bump allocator over large zeroed chunks is enough, and it keeps a map's
 * nodes close together (a small guest's whole map sits in a few pages).
 *
 * arena_child() is the one way a node gets created: it publishes a new,
 * zeroed node into an empty child slot, or returns the node another thread
 * published there first. Readers load child slots with acquire, so they see
 * a node only after its zeroing. Creation takes the arena's mutex; creations
 * are rare next to lookups (a new page's path, not every step).
 */
#ifndef MODEL_ARENA_H
#define MODEL_ARENA_H

#include <pthread.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	pthread_mutex_t lock;
	struct arena_chunk *chunks; /* newest first */
	size_t used;                /* bytes used in the newest chunk */
	size_t bytes;               /* all chunks, for reports and tests */
};

void arena_init(struct arena *a);
void arena_destroy(struct arena *a);

/* Zeroed, 8-byte aligned; 64-byte aligned when size is a multiple of 64
 * (a node laid out in cache lines then costs one line per lookup level).
 * Aborts with a message when memory runs out: the model's steps have no
 * error path, and a half-built map is worse. */
void *arena_alloc(struct arena *a, size_t size);

/* *slot if set, else a new zeroed node of `size` bytes published there. */
void *arena_child(struct arena *a, void **slot, size_t size);

/* With the arena's mutex held (arena_lock .. arena_unlock): a new key's
 * missing path is made as one block under one hold, linked, then
 * published with one release store, not node by node. */
void arena_lock(struct arena *a);
void arena_unlock(struct arena *a);
void *arena_alloc_locked(struct arena *a, size_t size);

#endif
