/* The deterministic engine: runs a pattern's actors interleaved one step at a
 * time, in an order drawn from a seeded generator. Same seed, same tracker:
 * same counts, on every machine. */
#ifndef ENGINE_SIM_H
#define ENGINE_SIM_H

#include <stdint.h>

#include "engine/pattern.h"
#include "model/oracle.h"
#include "model/tracker.h"

struct sim_result {
	const struct tracker_ops *tracker;
	struct actor_stats stats;
	uint64_t stale_sptes_at_end; /* the end audit */
	uint64_t stale_sptes;        /* end audit + stale ones zapped/overwritten */
	uint64_t warnings[WARN_COUNT];
	uint64_t warnings_total;
	uint64_t max_retries_one_gfn;
	/* When asked for: retries per SPTE index, sparse (only SPTEs that
	 * retried are present); sim_result_free() frees it. */
	struct sparse_map *retries_per_spte;
	uint64_t n_sptes;
	double seconds;              /* wall time of the run (timing only) */
};

struct sim_options {
	uint64_t steps;          /* scheduler steps per tracker */
	bool per_gfn_histogram;  /* fill retries_per_spte */
};

/* Runs one tracker on a built world. Returns 0 or -1 (out of memory, or an
 * engine invariant broken: message in err). */
int sim_run(const struct pattern_world *w, const struct tracker_ops *ops,
	    const struct sim_options *opt, struct sim_result *out,
	    char *err, size_t errlen);
void sim_result_free(struct sim_result *r);

#endif
