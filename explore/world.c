#include "explore/world.h"

#include <string.h>

/* world_canon() rebuilds struct actor field by field, so a field added to
 * struct actor must be added there too: this catches the change. */
_Static_assert(sizeof(struct actor) == 296,
	       "struct actor changed: update actor_canon() in explore/world.c");

void world_shape_init(struct world_shape *ws, size_t vm_bytes,
		      uint32_t n_actors)
{
	ws->vm_bytes = vm_bytes;
	ws->actors_off = (vm_bytes + 7) & ~(size_t)7;
	ws->flags_off = ws->actors_off + (size_t)n_actors * sizeof(struct actor);
	ws->rec_bytes = ws->flags_off + sizeof(uint64_t);
	ws->n_actors = n_actors;
}

uint64_t world_warnings(const struct vm_state *st)
{
	uint64_t n = 0;

	for (int i = 0; i < WARN_COUNT; i++)
		n += st->tracker.warnings[i];
	return n;
}

/* Struct assignment inside the model (a plan copied from a local) may copy
 * indeterminate padding bytes, which would make equal actors hash apart.
 * Copying field by field into a zeroed struct leaves the padding zero. */
static void actor_canon(struct actor *a)
{
	struct actor c;

	memset(&c, 0, sizeof(c));
	c.kind = a->kind;
	c.id = a->id;
	c.pc = a->pc;
	c.wait = a->wait;
	c.rng = a->rng;
	c.has_fault = a->has_fault;
	c.fault.slot = a->fault.slot;
	c.fault.gfn = a->fault.gfn;
	c.seq_snapshot = a->seq_snapshot;
	c.gen_snapshot = a->gen_snapshot;
	/* cur stays zero: a cache into this process's map, not state. */
	c.inval.kind = a->inval.kind;
	c.inval.as_id = a->inval.as_id;
	c.inval.start = a->inval.start;
	c.inval.end = a->inval.end;
	c.inval.gap_steps = a->inval.gap_steps;
	c.inval.phase2_steps = a->inval.phase2_steps;
	c.inval.yield = a->inval.yield;
	c.inval.to_private = a->inval.to_private;
	c.handle = a->handle;
	c.began = a->began;
	c.walk_added = a->walk_added;
	c.holds = a->holds;
	c.walk_slot = a->walk_slot;
	c.walk_gfn = a->walk_gfn;
	c.n_ranges = a->n_ranges;
	for (uint32_t i = 0; i < ORACLE_MAX_RANGES; i++)
		c.ranges[i] = i < a->n_ranges ? a->ranges[i]
					      : (struct host_range){ 0, 0 };
	memcpy(a, &c, sizeof(c));
}

static void vm_state_canon(struct vm_state *st)
{
	size_t pad = offsetof(struct vm_state, next_handle) +
		     sizeof(st->next_handle);

	/* Warn-once hits are counted per transition by the explorer; kept in
	 * the state they would split equal worlds by history. */
	memset(st->tracker.warnings, 0, sizeof(st->tracker.warnings));
	memset((unsigned char *)st + pad, 0, offsetof(struct vm_state, data) - pad);
	/* The tracker's private block is state and kept whole: clearing what
	 * it frees is the tracker's job (model/tracker.h). */
	for (int i = 0; i < ORACLE_MAX_INFLIGHT; i++)
		if (!st->oracle.inflight[i].handle)
			memset(&st->oracle.inflight[i], 0,
			       sizeof(st->oracle.inflight[i]));
}

void world_canon(const struct world_shape *ws, void *rec, int stepped)
{
	struct actor *a = world_actors(ws, rec);

	vm_state_canon(world_vm(ws, rec));
	for (uint32_t i = 0; i < ws->n_actors; i++)
		if (stepped < 0 || (uint32_t)stepped == i)
			actor_canon(&a[i]);
	/* Bytes between the VM block and the actors (alignment). */
	memset((unsigned char *)rec + ws->vm_bytes, 0,
	       ws->actors_off - ws->vm_bytes);
}

static size_t n_words(const struct world_shape *ws)
{
	return ws->rec_bytes / sizeof(uint64_t);
}

size_t world_encoded_max(const struct world_shape *ws)
{
	return (n_words(ws) + 7) / 8 + ws->rec_bytes;
}

/* Both loops are branch-free per word (write, then advance by 0 or 8):
 * they run once per transition and once per state and dominated the
 * explorer's profile when they branched on every word. */
uint32_t world_encode(const struct world_shape *ws, const void *rec,
		      unsigned char *out)
{
	const unsigned char *b = rec;
	size_t words = n_words(ws), map = (words + 7) / 8;
	unsigned char *p = out + map;

	for (size_t m = 0; m < map; m++) {
		unsigned bits = 0;

		for (size_t i = m * 8; i < m * 8 + 8 && i < words; i++) {
			uint64_t w;
			unsigned nz;

			memcpy(&w, b + i * 8, 8);
			nz = w != 0;
			bits |= nz << (i % 8);
			memcpy(p, &w, 8);
			p += 8 * nz;
		}
		out[m] = (unsigned char)bits;
	}
	return (uint32_t)(p - out);
}

void world_decode(const struct world_shape *ws, const unsigned char *enc,
		  void *rec)
{
	unsigned char *b = rec;
	size_t words = n_words(ws);
	const unsigned char *p = enc + (words + 7) / 8;

	for (size_t i = 0; i < words; i++) {
		unsigned nz = (enc[i / 8] >> (i % 8)) & 1;
		uint64_t w;

		memcpy(&w, p, 8);
		w &= -(uint64_t)nz;
		memcpy(b + i * 8, &w, 8);
		p += 8 * nz;
	}
}
