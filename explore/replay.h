/* Rebuilds a schedule found by the search as readable steps: replays it from
 * the initial world with the same step function and records, per step, what
 * the actor did and the tracker fields and the oracle's view afterwards. */
#ifndef EXPLORE_REPLAY_H
#define EXPLORE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explore/explore.h"

/* Fills r->cex/cex_len (and cex_audit_stale when the schedule ends in a
 * terminal state the audit flags). Returns 0 or -1 (message in err). */
int replay_schedule(const struct scenario_world *w,
		    const struct tracker_ops *ops,
		    const struct explore_options *opt,
		    const uint32_t *actors, uint32_t n,
		    struct explore_result *r, char *err, size_t errlen);

#endif
