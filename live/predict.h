/* The model's side of the cross-check: the deterministic engine on the
 * `alias` pattern laid out like the live experiment, for the `union`
 * tracker (what Linux 6.8+ does, hence what the live kernel should match)
 * and the `hva` tracker (the original, exact under aliasing).
 *
 * The engine counts steps, not microseconds, so absolute retry rates are
 * not comparable with the live ones; the aliased/control ratio is. */
#ifndef LIVE_PREDICT_H
#define LIVE_PREDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pattern.h"
#include "live/measure.h"

struct live_model_tracker {
	const char *name;
	double aliased, control; /* retries per completed fault */
	double ratio;
	uint64_t faults_aliased, faults_control;
};

struct live_prediction {
	struct pattern_params params; /* the aliased run's; control differs
				       * only in alias_control */
	bool from_timing; /* step counts derived from the live costs */
	double step_us;   /* what one vCPU step stood for, if so */
	uint64_t steps;
	struct live_model_tracker tracker[2]; /* union, hva */
	double seconds;
};

/* The engine's alias pattern mirroring the live layout of p. With `t`
 * (may be NULL, or hold NaNs), the lengths of the invalidation window and
 * of the pause between invalidations are set in proportion to the live
 * fault time, so the engine sees the same race odds; otherwise the
 * pattern's defaults. Returns true when the timing was used, with the
 * microseconds one step stood for in *step_us. */
bool live_model_params(const struct live_params *p,
		       const struct live_timing *t, struct pattern_params *m,
		       double *step_us);

/* Runs both trackers on both layouts, `steps` scheduler steps each.
 * Returns 0, or -1 with a message (engine failure, unknown tracker). */
int live_predict(const struct live_params *p, const struct live_timing *t,
		 uint64_t steps, struct live_prediction *out, char *err,
		 size_t len);

#endif
