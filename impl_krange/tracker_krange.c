/* Candidate (docs/design-space.md): union's policy with K = 3 disjoint gfn
 * ranges instead of one. A range that finds no free place is merged where
 * it widens the tracked set least: into the nearest range, or the two
 * nearest ranges are merged and the new one takes the freed place. Like
 * union, the set only grows until the outermost invalidation ends (the
 * next outermost begin starts afresh), and needs no handle.
 *
 * Kernel: 2K words in struct kvm in place of mmu_invalidate_range_start/
 * end (here K = 3: six private words; the shared range stays unused), a
 * loop of K compares in mmu_invalidate_retry_gfn().
 *
 * Private words: start_i, end_i for i < K; end == 0 is a free place (a
 * recorded range is never empty). */
#include <inttypes.h>
#include <stdio.h>

#include "model/tracker.h"

#define K 3

static void krange_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	WRITE_ONCE(t->in_progress, t->in_progress + 1);
	if (t->in_progress == 1)
		for (int i = 0; i < K; i++)
			priv_range_set(t, i, 0, 0);
}

static void krange_range_add(struct tracker_state *t,
			     const struct inval_ctx *inv, uint64_t s, uint64_t e)
{
	uint64_t best;
	int bi = -1, bj = -1;

	(void)inv;
	if (!t->in_progress)
		tracker_warn(t, WARN_ADD_OUTSIDE_BEGIN_END);
	/* Touching or overlapping a range: grow it, nothing is added. */
	for (int i = 0; i < K; i++)
		if (PRIV_END(t, i) && !priv_range_gap(t, i, s, e)) {
			priv_range_merge(t, i, s, e);
			return;
		}
	for (int i = 0; i < K; i++)
		if (!PRIV_END(t, i)) {
			priv_range_set(t, i, s, e);
			return;
		}
	/* Full: the cheapest of "new into range i" and "range i into j". */
	best = UINT64_MAX;
	for (int i = 0; i < K; i++) {
		uint64_t g = priv_range_gap(t, i, s, e);

		if (g < best)
			best = g, bi = i, bj = -1;
		for (int j = i + 1; j < K; j++) {
			g = priv_range_gap(t, i, PRIV_START(t, j), PRIV_END(t, j));
			if (g < best)
				best = g, bi = i, bj = j;
		}
	}
	if (bj < 0) {
		priv_range_merge(t, bi, s, e);
		return;
	}
	/* Widen i first: between the two writes both ranges stay covered. */
	priv_range_merge(t, bi, PRIV_START(t, bj), PRIV_END(t, bj));
	priv_range_set(t, bj, s, e);
}

static void krange_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	tracker_end_common(t);
}

static bool in_ranges(struct tracker_state *t, uint64_t gfn, bool *any)
{
	*any = false;
	for (int i = 0; i < K; i++) {
		uint64_t e = READ_ONCE(PRIV_END(t, i));

		*any |= e != 0;
		if (gfn < e && gfn >= READ_ONCE(PRIV_START(t, i)))
			return true;
	}
	return false;
}

/* The check with invalidations in flight. Out of line, so that the common
 * case (nothing in flight) is union's: one load, one test and the sequence
 * test, with no stack frame (in the kernel: unlikely()). */
static __attribute__((noinline)) enum retry_verdict
krange_retry_inflight(struct tracker_state *t, const struct fault_key *key,
		      uint64_t seq_snapshot)
{
	bool any;

	if (in_ranges(t, key->gfn, &any))
		return RETRY_RANGE;
	/* No range yet while in progress: a KVM bug, retry (as union). */
	if (!any) {
		tracker_warn(t, WARN_RANGE_INVALID_IN_PROGRESS);
		return RETRY_RANGE;
	}
	return tracker_check_seq(t, seq_snapshot);
}

static enum retry_verdict krange_retry(struct tracker_state *t,
				       const struct fault_key *key,
				       uint64_t seq_snapshot)
{
	if (READ_ONCE(t->in_progress))
		return krange_retry_inflight(t, key, seq_snapshot);
	return tracker_check_seq(t, seq_snapshot);
}

static enum retry_verdict krange_retry_unsafe(struct tracker_state *t,
					      const struct fault_key *key,
					      uint64_t seq_snapshot)
{
	bool any;

	if (READ_ONCE(t->in_progress) && in_ranges(t, key->gfn, &any))
		return RETRY_RANGE;
	return tracker_check_seq(t, seq_snapshot);
}

static void krange_describe(const struct tracker_state *t, char *buf,
			    size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < K && n < len; i++) {
		int w;

		if (!t->priv[2 * i + 1])
			continue;
		w = snprintf(buf + n, len - n, "%s[%" PRIu64 ",%" PRIu64 ")",
			     n ? " " : "gfn ", t->priv[2 * i], t->priv[2 * i + 1]);
		n += w > 0 ? (size_t)w : 0;
	}
	if (!n)
		snprintf(buf, len, "none");
}

const struct tracker_ops krange_tracker_ops = {
	.name = "krange",
	.description = "candidate: union with 3 disjoint gfn ranges, merged nearest-first when full",
	.priv_words = 2 * K,
	.candidate = true,
	.begin = krange_begin,
	.range_add = krange_range_add,
	.end = krange_end,
	.retry = krange_retry,
	.retry_unsafe = krange_retry_unsafe,
	.describe = krange_describe,
};
