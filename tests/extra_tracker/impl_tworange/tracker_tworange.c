/* Test-only tracker (tests/extra_tracker/): union's policy with two disjoint
 * gfn ranges instead of one, kept in the private block. A third range is
 * merged where it widens the tracked set least (into the nearer range, or
 * the two ranges are merged and the new one takes the freed place), so it
 * stays safe with any number of slots. tests/extra_tracker.sh builds a
 * copy of the suite with this folder added and one line in
 * model/trackers.def, and checks that every tool picks it up.
 *
 * Private words: start0, end0, start1, end1; a range with end == 0 is empty
 * (a recorded range is never empty), so the zeroed block means "none". */
#include <inttypes.h>
#include <stdio.h>

#include "model/tracker.h"

static void tworange_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	WRITE_ONCE(t->in_progress, t->in_progress + 1);
	if (t->in_progress == 1) {
		priv_range_set(t, 0, 0, 0);
		priv_range_set(t, 1, 0, 0);
	}
}

static void tworange_range_add(struct tracker_state *t,
			       const struct inval_ctx *inv, uint64_t s,
			       uint64_t e)
{
	uint64_t grow0, grow1, grow01;

	(void)inv;
	if (!t->in_progress)
		tracker_warn(t, WARN_ADD_OUTSIDE_BEGIN_END);
	for (int i = 0; i < 2; i++)
		if (!PRIV_END(t, i)) {
			priv_range_set(t, i, s, e);
			return;
		}
	/* Both taken: widen the choice that adds the fewest gfns. */
	grow0 = priv_range_gap(t, 0, s, e);
	grow1 = priv_range_gap(t, 1, s, e);
	grow01 = priv_range_gap(t, 0, PRIV_START(t, 1), PRIV_END(t, 1));
	if (grow01 < grow0 && grow01 < grow1) {
		priv_range_merge(t, 0, PRIV_START(t, 1), PRIV_END(t, 1));
		priv_range_set(t, 1, s, e);
		return;
	}
	int i = grow0 <= grow1 ? 0 : 1;

	priv_range_merge(t, i, s, e);
}

static bool in_ranges(struct tracker_state *t, uint64_t gfn)
{
	for (int i = 0; i < 2; i++)
		if (gfn >= READ_ONCE(PRIV_START(t, i)) && gfn < READ_ONCE(PRIV_END(t, i)))
			return true;
	return false;
}

static enum retry_verdict tworange_retry(struct tracker_state *t,
					 const struct fault_key *key,
					 uint64_t seq_snapshot)
{
	if (READ_ONCE(t->in_progress)) {
		/* No range yet while in progress: a KVM bug, retry (as union). */
		if (!READ_ONCE(PRIV_END(t, 0)) && !READ_ONCE(PRIV_END(t, 1))) {
			tracker_warn(t, WARN_RANGE_INVALID_IN_PROGRESS);
			return RETRY_RANGE;
		}
		if (in_ranges(t, key->gfn))
			return RETRY_RANGE;
	}
	return tracker_check_seq(t, seq_snapshot);
}

static enum retry_verdict tworange_retry_unsafe(struct tracker_state *t,
						const struct fault_key *key,
						uint64_t seq_snapshot)
{
	if (READ_ONCE(t->in_progress) && in_ranges(t, key->gfn))
		return RETRY_RANGE;
	return tracker_check_seq(t, seq_snapshot);
}

static void tworange_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	tracker_end_common(t);
}

static void tworange_describe(const struct tracker_state *t, char *buf,
			      size_t len)
{
	int n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 2; i++)
		if (t->priv[2 * i + 1] && n >= 0 && (size_t)n < len)
			n += snprintf(buf + n, len - (size_t)n, "%s[%" PRIu64 ",%"
				      PRIu64 ")", n ? " " : "gfn ", t->priv[2 * i],
				      t->priv[2 * i + 1]);
	if (!n)
		snprintf(buf, len, "none");
}

const struct tracker_ops tworange_tracker_ops = {
	.name = "tworange",
	.description = "test-only: union with two disjoint gfn ranges in the private block",
	.priv_words = 4,
	.begin = tworange_begin,
	.range_add = tworange_range_add,
	.end = tworange_end,
	.retry = tworange_retry,
	.retry_unsafe = tworange_retry_unsafe,
	.describe = tworange_describe,
};
