/* Mutant of hva: the check treats the range as (start, end), excluding its
 * first page, so a fault on the first hva page of an in-flight notifier goes
 * ahead. (Mutating the check rather than begin keeps begin's union logic
 * identical to the parent's.) */
#include "tests/mutants/parent.h"

PARENT_BEGIN(hva)
PARENT_RANGE_ADD(hva)
PARENT_END(hva)

static enum retry_verdict start_excluded_retry(struct tracker_state *t,
					       const struct fault_key *key,
					       uint64_t seq_snapshot)
{
	/* MUTATION: key == range_start does not count as inside. */
	if (key->has_hva && READ_ONCE(t->in_progress) &&
	    key->hva == READ_ONCE(t->range_start))
		return tracker_check_seq(t, seq_snapshot);
	return hva_tracker_ops.retry(t, key, seq_snapshot);
}

PARENT_DESCRIBE(hva)

const struct tracker_ops mutant_range_start_excluded_ops = {
	.name = "range_start_excluded",
	.description = "mutant of hva: the first page of the range is not inside it",
	.begin = parent_begin,
	.range_add = parent_range_add,
	.end = parent_end,
	.retry = start_excluded_retry,
	.describe = parent_describe,
};
