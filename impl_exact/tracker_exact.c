/* An instrument, not a kernel proposal: records every in-flight gfn range
 * exactly (per invalidation handle and address space) so that its
 * range-caused retries are the floor any tracker could reach. It uses the
 * invalidation handle and far more than the kernel-faithful share of the
 * private block.
 *
 * Private block: word 0 counts ranges that found no entry; then
 * EXACT_ENTRIES entries of three words: (handle << 32 | as_id), start, end.
 * An entry with word 0 == 0 is free, and freeing clears all three words, so
 * equal sets of ranges are equal bytes. No pointers, so the lock-free
 * pre-check stays memory-safe on torn reads. Each invalidation keeps at
 * most EXACT_PER_HANDLE entries; beyond that its ranges are merged min/max,
 * which stays safe. The engines cap concurrent invalidations at
 * EXACT_ENTRIES / EXACT_PER_HANDLE (8 invalidators), so the area does not
 * run out; should it, see exact_range_add. */
#include "model/tracker.h"

#include <inttypes.h>
#include <stdio.h>

#define EXACT_ENTRIES 32
#define EXACT_PER_HANDLE 4
#define EXACT_WORDS (1 + 3 * EXACT_ENTRIES)

_Static_assert(EXACT_WORDS <= TRACKER_PRIV_WORDS, "exact's area must fit");

#define UNRECORDED(t) ((t)->priv[0])
#define ENTRY(t, i) (&(t)->priv[1 + 3 * (i)])

static uint64_t owner(uint32_t handle, uint32_t as_id)
{
	return (uint64_t)handle << 32 | as_id;
}

static void exact_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	WRITE_ONCE(t->in_progress, t->in_progress + 1);
}

static void exact_range_add(struct tracker_state *t, const struct inval_ctx *inv,
			    uint64_t start, uint64_t end)
{
	uint64_t *mine = NULL, *free_slot = NULL, me = owner(inv->handle, inv->as_id);
	int owned = 0;

	if (!t->in_progress)
		tracker_warn(t, WARN_ADD_OUTSIDE_BEGIN_END);
	for (int i = 0; i < EXACT_ENTRIES; i++) {
		uint64_t *e = ENTRY(t, i);

		if (e[0] == me) {
			owned++;
			mine = e;
		} else if (!e[0] && !free_slot) {
			free_slot = e;
		}
	}
	if (free_slot && owned < EXACT_PER_HANDLE) {
		/* Publish the bounds before the owner makes the entry live. */
		WRITE_ONCE(free_slot[1], start);
		WRITE_ONCE(free_slot[2], end);
		WRITE_ONCE(free_slot[0], me);
		return;
	}
	if (!mine) {
		/* Beyond the engines' cap. The range is lost, so every check
		 * retries until nothing is in flight: wasteful, never unsafe. */
		WRITE_ONCE(UNRECORDED(t), UNRECORDED(t) + 1);
		return;
	}
	if (start < mine[1])
		WRITE_ONCE(mine[1], start);
	if (end > mine[2])
		WRITE_ONCE(mine[2], end);
}

static void exact_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	for (int i = 0; i < EXACT_ENTRIES; i++) {
		uint64_t *e = ENTRY(t, i);

		if (e[0] && (uint32_t)(e[0] >> 32) == inv->handle) {
			WRITE_ONCE(e[0], 0);
			WRITE_ONCE(e[1], 0);
			WRITE_ONCE(e[2], 0);
		}
	}
	tracker_end_common(t);
	if (!t->in_progress)
		WRITE_ONCE(UNRECORDED(t), 0);
}

static enum retry_verdict exact_retry(struct tracker_state *t,
				      const struct fault_key *key,
				      uint64_t seq_snapshot)
{
	if (READ_ONCE(UNRECORDED(t)) && READ_ONCE(t->in_progress))
		return RETRY_RANGE;
	for (int i = 0; i < EXACT_ENTRIES; i++) {
		uint64_t *e = ENTRY(t, i);
		uint64_t who = READ_ONCE(e[0]);
		uint32_t as_id = (uint32_t)who;

		if (who && (as_id == key->as_id || as_id == INVAL_ALL_AS) &&
		    key->gfn >= READ_ONCE(e[1]) && key->gfn < READ_ONCE(e[2]))
			return RETRY_RANGE;
	}
	return tracker_check_seq(t, seq_snapshot);
}

/* "gfn as0:[1,2) as0:[16,18)", "none", plus the lost-range count. */
static void exact_describe(const struct tracker_state *t, char *buf, size_t len)
{
	size_t used = 0;
	int n;

	buf[0] = '\0';
	for (int i = 0; i < EXACT_ENTRIES && used < len; i++) {
		const uint64_t *e = &t->priv[1 + 3 * i];

		if (!e[0])
			continue;
		n = snprintf(buf + used, len - used, "%sas%u:[%" PRIu64 ",%"
			     PRIu64 ")", used ? " " : "gfn ", (uint32_t)e[0],
			     e[1], e[2]);
		used += n > 0 ? (size_t)n : 0;
	}
	if (!used)
		n = snprintf(buf, len, "none");
	else
		n = 0;
	used += n > 0 ? (size_t)n : 0;
	if (t->priv[0] && used < len)
		snprintf(buf + used, len - used, " +%" PRIu64 " unrecorded",
			 t->priv[0]);
}

const struct tracker_ops exact_tracker_ops = {
	.name = "exact",
	.description = "instrument: every in-flight gfn range kept separately; the floor for range-caused retries",
	.priv_words = EXACT_WORDS,
	.instrument = true,
	.begin = exact_begin,
	.range_add = exact_range_add,
	.end = exact_end,
	.retry = exact_retry,
	.describe = exact_describe,
	/* Measured against the gfn-keyed era (6.8+), which has the lock-free
	 * pre-check: the same test, safe on torn reads (no pointers). */
	.retry_unsafe = exact_retry,
};
