/* The explorer's visited set: encoded world states (byte strings), stored in
 * discovery order, deduplicated by content.
 *
 * Records are appended to one arena, so a record's index is also its BFS
 * order (the search queue is just a cursor over the records) and a parent
 * index per record is all it takes to rebuild the shortest schedule. The
 * index is an open-addressing table of record numbers keyed by a 64-bit hash
 * of the bytes; equality is length + memcmp, so a hash collision costs time,
 * never a wrong answer (the set is exact, unlike spin's hash compaction).
 */
#ifndef EXPLORE_STATE_SET_H
#define EXPLORE_STATE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATE_NONE UINT32_MAX

struct state_set {
	uint32_t n;         /* records stored */
	uint32_t cap;       /* records the per-record arrays hold */
	uint32_t limit;     /* refuse to grow past this many records */
	size_t mem_limit;   /* ... or past this many bytes (0: no limit) */
	unsigned char *arena;
	size_t arena_used, arena_cap;
	uint64_t *off;      /* per record: offset in the arena */
	uint32_t *len;      /* per record: length in bytes */
	uint32_t *parent;   /* per record: the record it was reached from */
	uint8_t *via;       /* per record: the actor whose step reached it */
	uint64_t *hash;     /* per record */
	uint32_t *slots;    /* hash table of record numbers; STATE_NONE = empty */
	uint64_t n_slots;   /* power of two */
};

/* Returns 0 or -1 (out of memory). `limit` caps the number of records,
 * `mem_limit` the bytes held (state_set_bytes; 0: no cap). */
int state_set_init(struct state_set *s, uint32_t limit, size_t mem_limit);
void state_set_free(struct state_set *s);

enum state_add_result {
	STATE_ADDED,
	STATE_SEEN,
	STATE_FULL,  /* the record limit is reached; not stored */
	STATE_NOMEM, /* not stored */
	STATE_MEMCAP, /* storing it would pass mem_limit; not stored */
};

/* Adds the `len` bytes at `rec` unless an equal record is stored; *idx gets
 * the record's index either way (STATE_NONE when not stored). */
enum state_add_result state_set_add(struct state_set *s, const void *rec,
				    uint32_t len, uint32_t parent, uint8_t via,
				    uint32_t *idx);

static inline const void *state_set_get(const struct state_set *s, uint32_t i,
					uint32_t *len)
{
	*len = s->len[i];
	return s->arena + s->off[i];
}

/* Bytes held, for the report. */
size_t state_set_bytes(const struct state_set *s);

/* 64-bit hash of n bytes (exposed for the tests). */
uint64_t state_hash(const void *p, size_t n);

#endif
