/* The explorer's visited set: fixed-size state records, stored in discovery
 * order, deduplicated by content.
 *
 * Records are appended to one arena, so a record's index is also its BFS
 * order (the search queue is just a cursor over the arena) and a parent
 * index per record is all it takes to rebuild the shortest schedule. The
 * index is an open-addressing table of record numbers keyed by a 64-bit hash
 * of the bytes; equality is memcmp, so a hash collision costs time, never a
 * wrong answer.
 */
#ifndef EXPLORE_STATE_SET_H
#define EXPLORE_STATE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATE_NONE UINT32_MAX

struct state_set {
	size_t rec_bytes;   /* bytes per record */
	uint32_t n;         /* records stored */
	uint32_t cap;       /* records the arena holds */
	uint32_t limit;     /* refuse to grow past this many records */
	unsigned char *arena;
	uint32_t *parent;   /* per record: the record it was reached from */
	uint8_t *via;       /* per record: the actor whose step reached it */
	uint64_t *hash;     /* per record */
	uint32_t *slots;    /* hash table of record numbers; STATE_NONE = empty */
	uint64_t n_slots;   /* power of two */
};

/* Returns 0 or -1 (out of memory). `limit` caps the number of records. */
int state_set_init(struct state_set *s, size_t rec_bytes, uint32_t limit);
void state_set_free(struct state_set *s);

enum state_add_result {
	STATE_ADDED,
	STATE_SEEN,
	STATE_FULL,  /* the record limit is reached; not stored */
	STATE_NOMEM, /* not stored */
};

/* Adds `rec` unless an equal record is stored; *idx gets the record's index
 * either way (STATE_NONE when not stored). */
enum state_add_result state_set_add(struct state_set *s, const void *rec,
				    uint32_t parent, uint8_t via, uint32_t *idx);

static inline const void *state_set_get(const struct state_set *s, uint32_t i)
{
	return s->arena + (size_t)i * s->rec_bytes;
}

/* 64-bit hash of n bytes (exposed for the tests). */
uint64_t state_hash(const void *p, size_t n);

#endif
