#include "explore/state_set.h"

#include <stdlib.h>
#include <string.h>

uint64_t state_hash(const void *p, size_t n)
{
	/* 8 bytes at a time with a multiply-xorshift mix: a byte-wise FNV is
	 * several times slower on records of hundreds of bytes. */
	const unsigned char *b = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return h;
}

static int grow(void **p, size_t n, size_t size)
{
	void *q = realloc(*p, n * size);

	if (!q)
		return -1;
	*p = q;
	return 0;
}

#define RECORD_BYTES (sizeof(uint64_t) + sizeof(uint32_t) * 2 + 1 + \
		      sizeof(uint64_t))

/* Bytes the memory limit still allows (SIZE_MAX when there is none). */
static size_t room(const struct state_set *s)
{
	size_t used = state_set_bytes(s);

	if (!s->mem_limit)
		return SIZE_MAX;
	return used < s->mem_limit ? s->mem_limit - used : 0;
}

/* Doubles, but never past the record limit or the memory limit: near the
 * memory limit the arrays grow by what is left, so the search uses the
 * memory it was given instead of stopping at the last power of two. */
static int grow_records(struct state_set *s)
{
	uint32_t cap = s->cap ? s->cap * 2 : 1024;
	size_t fit = s->cap + room(s) / RECORD_BYTES;

	if (cap > s->limit)
		cap = s->limit;
	if (cap > fit)
		cap = (uint32_t)fit;
	if (cap <= s->cap)
		return 1;
	if (grow((void **)&s->off, cap, sizeof(*s->off)) < 0 ||
	    grow((void **)&s->len, cap, sizeof(*s->len)) < 0 ||
	    grow((void **)&s->parent, cap, sizeof(*s->parent)) < 0 ||
	    grow((void **)&s->via, cap, sizeof(*s->via)) < 0 ||
	    grow((void **)&s->hash, cap, sizeof(*s->hash)) < 0)
		return -1;
	s->cap = cap;
	return 0;
}

static int grow_table(struct state_set *s)
{
	uint64_t n_slots = s->n_slots ? s->n_slots * 2 : 4096;
	uint32_t *slots = malloc(n_slots * sizeof(*slots));

	if (!slots)
		return -1;
	memset(slots, 0xff, n_slots * sizeof(*slots)); /* STATE_NONE */
	for (uint32_t i = 0; i < s->n; i++) {
		uint64_t j = s->hash[i] & (n_slots - 1);

		while (slots[j] != STATE_NONE)
			j = (j + 1) & (n_slots - 1);
		slots[j] = i;
	}
	free(s->slots);
	s->slots = slots;
	s->n_slots = n_slots;
	return 0;
}

int state_set_init(struct state_set *s, uint32_t limit, size_t mem_limit)
{
	memset(s, 0, sizeof(*s));
	s->mem_limit = mem_limit;
	s->limit = limit && limit < STATE_NONE ? limit : STATE_NONE - 1;
	if (grow_table(s) < 0) {
		state_set_free(s);
		return -1;
	}
	return 0;
}

void state_set_free(struct state_set *s)
{
	free(s->arena);
	free(s->off);
	free(s->len);
	free(s->parent);
	free(s->via);
	free(s->hash);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

size_t state_set_bytes(const struct state_set *s)
{
	return s->arena_cap + (size_t)s->cap * (sizeof(*s->off) +
		sizeof(*s->len) + sizeof(*s->parent) + sizeof(*s->via) +
		sizeof(*s->hash)) + s->n_slots * sizeof(*s->slots);
}

enum state_add_result state_set_add(struct state_set *s, const void *rec,
				    uint32_t len, uint32_t parent, uint8_t via,
				    uint32_t *idx)
{
	uint64_t h = state_hash(rec, len);
	uint64_t j = h & (s->n_slots - 1);

	*idx = STATE_NONE;
	for (; s->slots[j] != STATE_NONE; j = (j + 1) & (s->n_slots - 1)) {
		uint32_t i = s->slots[j];

		if (s->hash[i] == h && s->len[i] == len &&
		    memcmp(s->arena + s->off[i], rec, len) == 0) {
			*idx = i;
			return STATE_SEEN;
		}
	}
	if (s->n >= s->limit)
		return STATE_FULL;
	if (s->n == s->cap) {
		int g = grow_records(s);

		if (g)
			return g < 0 ? STATE_NOMEM : STATE_MEMCAP;
	}
	if (s->arena_used + len > s->arena_cap) {
		size_t cap = s->arena_cap ? s->arena_cap * 2 : 1 << 20;
		size_t max = s->arena_cap + room(s);

		while (cap < s->arena_used + len)
			cap *= 2;
		if (cap > max)
			cap = max;
		if (cap < s->arena_used + len)
			return STATE_MEMCAP;
		if (grow((void **)&s->arena, cap, 1) < 0)
			return STATE_NOMEM;
		s->arena_cap = cap;
	}
	/* Keep the table at most half full so probes stay short. */
	if ((uint64_t)(s->n + 1) * 2 > s->n_slots) {
		if (s->n_slots * sizeof(*s->slots) > room(s))
			return STATE_MEMCAP;
		if (grow_table(s) < 0)
			return STATE_NOMEM;
		j = h & (s->n_slots - 1);
		while (s->slots[j] != STATE_NONE)
			j = (j + 1) & (s->n_slots - 1);
	}
	uint32_t i = s->n++;

	memcpy(s->arena + s->arena_used, rec, len);
	s->off[i] = s->arena_used;
	s->len[i] = len;
	s->arena_used += len;
	s->parent[i] = parent;
	s->via[i] = via;
	s->hash[i] = h;
	s->slots[j] = i;
	*idx = i;
	return STATE_ADDED;
}
