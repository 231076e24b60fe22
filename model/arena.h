/* Node memory for the sparse page maps (model/spte_map.h, model/sparse_map.h).
 *
 * Nodes are only ever added, never freed one by one: a map's memory is the
 * nodes its keys ever needed, released all at once by arena_destroy(). So a
 * bump allocator over large zeroed chunks is enough, and it keeps a map's
 * nodes close together (a small guest's whole map sits in a few pages).
 *
 * A map creates nodes with the arena's lock held: it looks again at the
 * slot it found empty (another thread may have filled it), takes zeroed
 * memory, links it, and publishes it into the slot with a release store.
 * Readers load child slots with acquire, so they see a node only after its
 * zeroing and linking. Creations are rare next to lookups (a new page, not
 * every step).
 */
#ifndef MODEL_ARENA_H
#define MODEL_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	int lock; /* a spinlock: held for a bump of a pointer (rarely an mmap) */
	struct arena_chunk *chunks; /* newest first */
	size_t used;                /* bytes used in the newest chunk */
	size_t bytes;               /* all chunks, for reports and tests */
};

void arena_init(struct arena *a);
void arena_destroy(struct arena *a);

/* Zeroed, 8-byte aligned; 64-byte aligned when size is a multiple of 64
 * (a node laid out in cache lines then costs one line per lookup level),
 * 32-byte aligned when a multiple of 32 (such an object never straddles
 * two lines).
 * Aborts with a message when memory runs out: the model's steps have no
 * error path, and a half-built map is worse. */
void *arena_alloc(struct arena *a, size_t size);

/* With the arena's lock held (arena_lock .. arena_unlock): a new key's
 * missing path is made under one hold, linked, then published with one
 * release store, not node by node. A spinlock, not a mutex: a pthread
 * mutex round trip cost more than the allocation it guards, on the path
 * of every new page. */
void arena_lock_wait_(struct arena *a);
static inline void arena_lock(struct arena *a)
{
	if (__atomic_exchange_n(&a->lock, 1, __ATOMIC_ACQUIRE))
		arena_lock_wait_(a);
}
static inline void arena_unlock(struct arena *a)
{
	__atomic_store_n(&a->lock, 0, __ATOMIC_RELEASE);
}
void *arena_alloc_locked(struct arena *a, size_t size);

#endif
