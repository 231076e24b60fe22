/* Mutant of union: the outermost `begin` never resets the range to INVALID,
 * so every range_add unions with the range of earlier, finished rounds. The
 * range only ever grows: still a superset of what is being invalidated
 * (safe), but faults anywhere in it retry spuriously. Only the exact
 * counters can tell; the regression gate must see them change. */
#include "tests/mutants/parent.h"

PARENT_RANGE_ADD(union)
PARENT_END(union)
PARENT_RETRY(union)
PARENT_RETRY_UNSAFE(union)

static void keeping_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	/* MUTATION: gfn_keyed_begin() without the reset on in_progress == 1. */
	WRITE_ONCE(t->in_progress, t->in_progress + 1);
}

PARENT_DESCRIBE(union)

const struct tracker_ops mutant_begin_keeps_stale_range_ops = {
	.name = "begin_keeps_stale_range",
	.description = "mutant of union: begin never resets the range (safe, wasteful)",
	.begin = keeping_begin,
	.range_add = parent_range_add,
	.end = parent_end,
	.retry = parent_retry,
	.describe = parent_describe,
	.retry_unsafe = parent_retry_unsafe,
};
