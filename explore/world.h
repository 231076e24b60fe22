/* A world state as the explorer stores it: one flat record of
 *   [struct vm_state + page image (vm_save_pages)] [struct actor x n]
 *   [uint64_t flags]
 * compared and hashed as bytes. world_canon() makes equal worlds equal bytes:
 * it clears what is observation rather than state (warn-once counters),
 * padding, and the leftovers of freed table entries. */
#ifndef EXPLORE_WORLD_H
#define EXPLORE_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "model/actor.h"
#include "model/vm.h"

#define WORLD_TAINTED 1u /* a stale SPTE was installed on the way here */

struct world_shape {
	size_t vm_bytes;   /* struct vm_state + its page image */
	size_t actors_off;
	size_t flags_off;
	size_t rec_bytes;
	uint32_t n_actors;
};

void world_shape_init(struct world_shape *ws, size_t vm_bytes,
		      uint32_t n_actors);

static inline struct vm_state *world_vm(const struct world_shape *ws, void *rec)
{
	(void)ws;
	return rec;
}
static inline struct actor *world_actors(const struct world_shape *ws,
					 void *rec)
{
	return (struct actor *)((unsigned char *)rec + ws->actors_off);
}
static inline uint64_t *world_flags(const struct world_shape *ws, void *rec)
{
	return (uint64_t *)((unsigned char *)rec + ws->flags_off);
}

/* Sum of the warn-once counters, before world_canon() clears them. */
uint64_t world_warnings(const struct vm_state *st);

/* Rewrites rec into its canonical bytes (see top). A step changes only the
 * VM block and its own actor, so `stepped` >= 0 limits the actor part to
 * that one; -1 canonicalises every actor. */
void world_canon(const struct world_shape *ws, void *rec, int stepped);

/* The stored form: a bitmap of the record's non-zero 8-byte words, then those
 * words. World records are mostly zeros (idle table entries, unused ranges),
 * so this is several times smaller than the record, and it is a function of
 * the bytes, so equal records still encode equal. */
size_t world_encoded_max(const struct world_shape *ws);
uint32_t world_encode(const struct world_shape *ws, const void *rec,
		      unsigned char *out);
void world_decode(const struct world_shape *ws, const unsigned char *enc,
		  void *rec);

#endif
