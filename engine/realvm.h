/* Real VMs: a preset's layout (vms/NAME.vm) under one invalidation source
 * (vms/sources/NAME.src), run by the deterministic engine, with the step
 * counts turned into time through the measured cost of a fault.
 *
 * Time: one vCPU step stands for fault_us / (FAULT_STEPS + resolve_steps)
 * microseconds (a fault that does not retry is that many steps), the same
 * rule `bench live` uses to set the model up from its measurements. A
 * source's window (phase 2) and the pause between its invalidations are
 * converted with it. Rare sources are time-compressed: the pause is cut to
 * a few windows (never overlapping ones: one invalidator per source), and
 * every figure is computed per invalidation and scaled by the source's
 * real rate, so compression changes the statistics, not the expectation.
 *
 * The vCPUs fault back to back (a fault-bound vCPU, e.g. refaulting its
 * working set after the invalidations): the per-second figures are for
 * such a vCPU; one that faults a fraction d of its time sees about d times
 * the retries (docs/vms.md).
 */
#ifndef ENGINE_REALVM_H
#define ENGINE_REALVM_H

#include <stdint.h>

#include "engine/pattern.h"
#include "engine/vmfile.h"
#include "model/oracle.h"

/* Steps of a fault that does not retry besides the page lookup: read seq,
 * two pre-checks, the locked check (as live/predict.c). */
#define REALVM_FAULT_STEPS 4

struct realvm_clock {
	double fault_us;       /* one completed fault */
	double retry_us;       /* one retried attempt; 0: the model's own steps */
	char fault_src[200];   /* where the number came from */
	char retry_src[200];
};

/* The documented defaults (docs/vms.md): the live probe's fault time on
 * this project's hosts; a spurious retry costs the model steps it took. */
void realvm_clock_defaults(struct realvm_clock *c);

struct realvm_params {
	uint64_t seed;
	uint64_t vcpus;
	uint64_t resolve_steps;
	bool early_check;
	int fault_dist;      /* enum fault_dist: hot = working set */
	double hot_fraction; /* share of faults in the working set */
	uint64_t invals;     /* invalidations to simulate per source */
};

struct realvm_world {
	struct pattern_world w; /* layout, workload, actor counts */
	double step_us;
	uint64_t window_steps;  /* phase 2 */
	uint64_t gap_steps;     /* mean pause, simulated */
	double real_gap_steps;  /* mean pause at the source's real rate */
	uint64_t steps;         /* scheduler steps per tracker */
	void *ctx;
};

/* Builds the world for preset layout b and source s (which must apply).
 * Returns 0 or -1 (message in err). */
int realvm_build(const struct vm_built *b, const struct vm_source *s,
		 const struct realvm_params *p, const struct realvm_clock *c,
		 struct realvm_world *rw, char *err, size_t len);
void realvm_free(struct realvm_world *rw);

/* A tracker's counts in real units. NaN when nothing was invalidated. */
struct realvm_units {
	double retries_per_s;   /* per vCPU */
	double spurious_share;  /* of vCPU time, 0..1 */
	double missed_per_hour; /* missed invalidations per hour of guest time */
};

void realvm_units(const struct actor_stats *st, double rate, uint64_t vcpus,
		  const struct realvm_clock *c, double step_us,
		  uint64_t resolve_steps, struct realvm_units *u);

#endif
