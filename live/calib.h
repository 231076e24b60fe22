/* The calibration of `bench live --sweep`: the model (the deterministic
 * engine's alias pattern, union tracker) gets its timing from each point's
 * own run, scaled by a few free factors that are fitted on the training
 * points only; the held-out points are then predicted with those factors,
 * never fitted.
 *
 * Why factors on same-run durations, not microseconds: the machine is
 * shared, and a load that slows the vCPU slows the invalidator's calls
 * too. A prediction built from ratios of times measured in the same run
 * does not move with the load; one built from absolute constants would.
 *
 * The mapping of one point (t: its sweep_timing):
 *   fault cost      f = t.guest_us_per_fault / (1 + 2 q y): the run's vCPU
 *                   time per fixed fault includes its retries (2q of a
 *                   fault each); y is the model's own rate for the point,
 *                   from a first engine run with f = t.guest_us_per_fault
 *                   (never the measured rate, which is what is predicted)
 *   one model step  s = q * f
 *   page lookup     R = round(1/q) - 4 steps (a fault is R + 4 steps, so
 *                   its unlocked part, read seq to locked check, is R + 3;
 *                   a retry costs 2 steps, 2q of a fault)
 *   window          W = w[mechanism] * min(t.drop_us, c) / s: the share
 *                   of one call during which the notifier range is open;
 *                   a call longer than c microseconds has the window of
 *                   one of c. Traced on this kernel
 *                   (kvm_mmu_pagetable_walk against the madvise calls): a
 *                   dontneed retries the aliased vCPU in the first 30-40%
 *                   of calls up to about 1024 pages, and for larger ones
 *                   only in the first ~200 us, the rest of the call
 *                   (freeing) lets its faults through; retries per call
 *                   stop growing with its size there.
 *   pause           G = p * (t.cycle_us - W s) / s: the rest of the
 *                   invalidator's loop (repopulating, the call's own work
 *                   outside the range); p = 1 when the mapping is right
 *   background      b * (pages touched per cycle) / (faults per cycle),
 *                   added to the engine's rate: retries no invalidation
 *                   explains. The same trace shows them in both layouts
 *                   alike, while the host thread repopulates the memory it
 *                   drops and no notifier runs (kvm_unmap_hva_range
 *                   silent), a few per thousand pages touched from about
 *                   2048 pages up and none to speak of below; they are a
 *                   cost of the host's page allocation, not of the
 *                   tracker, and mprotect (which touches nothing) has
 *                   none. Faults per cycle = t.cycle_us /
 *                   t.guest_us_per_fault, a timing, not a retry count.
 *   exposure        e scales the engine's sequence retries (a fault whose
 *                   snapshot an invalidation's end overtook): the model's
 *                   fault is all kernel fault path, seq snapshot to
 *                   locked check, (R + 3)/(R + 4) of it exposed; the
 *                   live vCPU's time per fault also holds the guest's own
 *                   loop, the exit and the entry, which no end can
 *                   overtake. Measured control layouts retry on 0.25-0.5
 *                   of the invalidations where the engine gives about
 *                   0.9. Range retries (the pre-checks while the range
 *                   covers the fault) are counted per attempt and keep
 *                   the engine's figure. mprotect is fully exposed
 *                   (e = 1, not fitted): it holds mmap_lock for write
 *                   across its range, so a fault's lookup waits for its
 *                   end. Without e the pause factor p had to stretch
 *                   every cycle 2-6x to bring the control layouts down,
 *                   which shrank the aliased ones with them; p is now
 *                   fixed at 1 (the measured pause).
 * Free: c, b, e (shared; q = 1/8 and p = 1 fixed), and w for each
 * mechanism (its own: how much of the call is inside the range depends on
 * what the call does around it).
 */
#ifndef LIVE_CALIB_H
#define LIVE_CALIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/pattern.h"
#include "live/sweep.h"

struct calib_params {
	double step_frac;        /* q */
	double pause_scale;      /* p */
	double window_cap_us;    /* c: calls longer have no longer window */
	double background;       /* b: retries per page touched */
	double exposure;         /* e */
	double window[LM_COUNT]; /* w per mechanism; NaN: not fitted */
};

/* The engine's settings for one point, and its prediction. */
struct calib_point_model {
	bool predicted;
	uint64_t resolve_steps, phase2_steps, gap_steps, steps;
	double value;  /* retries per fixed fault */
	double background; /* the part of value the b term gives */
	double range, seq; /* the engine's retries per fault, by condition */
	double error;  /* (value - measured) / measured; NaN: measured 0 */
};

struct live_calib {
	bool fitted;
	char why[256];       /* not fitted, or a mechanism left out: why */
	struct calib_params params;
	double unlocked_fraction; /* (R + 3) / (R + 4) for the fitted q */
	double objective;         /* mean squared log error, training */
	int evals;
	uint64_t max_steps;
	struct calib_point_model pm[SWEEP_MAX_POINTS];
	/* held-out summary */
	size_t heldout_n, heldout_within; /* predicted; within 25% */
	double heldout_median_abs_error;
	double ratio_measured, ratio_predicted, ratio_error;
	double seconds;
};

#define CALIB_BAND 0.25 /* the target: within 25% */

/* Defaults the fit starts from: q = 1/8 (R = 4), p = 1, w = 0.5, c = 300 us,
 * b = 1e-4, e = 1. */
void live_calib_defaults(struct calib_params *th);

/* The engine's parameters for point pt under th, with f = fault_us. Returns
 * 0, or -1 when the point has no timing or its mechanism no window
 * (message in err). */
int live_calib_model(const struct sweep_point *pt,
		     const struct calib_params *th, double fault_us,
		     uint64_t max_steps, struct pattern_params *m,
		     uint64_t *steps, char *err, size_t len);

/* Runs the engine for pt under th (twice when the retries' share of the
 * fault time matters, see above). Returns 0 or -1 (message in err). */
int live_calib_predict(const struct sweep_point *pt,
		       const struct calib_params *th, uint64_t max_steps,
		       struct calib_point_model *out, char *err, size_t len);

/* Fits th on the training points of sw, then predicts every modelled
 * point and summarises the held-out ones. A sweep that cannot be fitted
 * (no measured training point for dontneed) gives 0 with c->fitted false
 * and the reason in c->why; -1 is an engine failure. */
int live_calib_run(const struct live_sweep *sw, uint64_t max_steps,
		   struct live_calib *c, FILE *progress, char *err,
		   size_t len);

#endif
