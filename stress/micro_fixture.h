/* The measured bodies of check/, path/ and sim/, shared by the Google
 * Benchmark microbenchmarks (microbench.c, wall clock) and the instruction
 * counts under valgrind (icount.c), so both measure the same code.
 *
 *   check  tracker->retry() over CHECK_KEYS scattered keys, read lock held,
 *          nothing in flight (or n nested invalidations over a quarter)
 *   path   whole fault attempts through actor_vcpu_run(), as the
 *          threaded engine's vCPUs run them, until N faults completed:
 *          `single` world, real rwlock, oracle on
 *   sim    the deterministic engine: `mixed`, seed 1, N scheduler steps
 */
#ifndef STRESS_MICRO_FIXTURE_H
#define STRESS_MICRO_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pattern.h"
#include "model/actor.h"
#include "model/tracker.h"

#define CHECK_KEYS 256

/* Never retries: the cost floor of the check and the engine (unsafe; only
 * the microbenchmarks and icount use it, users cannot select it). */
extern const struct tracker_ops micro_nop_tracker_ops;

struct check_fixture {
	const struct tracker_ops *ops;
	struct tracker_state *t;
	struct fault_key *keys;
	uint64_t snap;
};

/* `inflight`: how many nested invalidations are in flight (0: none). */
int check_fixture_open(struct check_fixture *f, const struct tracker_ops *ops,
		       unsigned inflight);
/* rounds x CHECK_KEYS locked checks; returns how many said retry. The
 * caller holds whatever lock it wants measured. */
uint64_t check_fixture_run(struct check_fixture *f, uint64_t rounds);
void check_fixture_close(struct check_fixture *f);

struct path_fixture {
	pthread_rwlock_t lock;
	struct actor_stats stats;
	struct step_env env;
	struct actor a;
	struct vm vm;
};

int path_fixture_open(struct path_fixture *f, const struct pattern_world *w,
		      const struct tracker_ops *ops);
/* Steps vCPU 0 until `faults` more faults completed. */
void path_fixture_run(struct path_fixture *f, uint64_t faults);
void path_fixture_close(struct path_fixture *f);

/* The world of path/ (`single`) and of sim/ (`mixed`, seed 1). */
int micro_world_path(struct pattern_world *w, char *err, size_t errlen);
int micro_world_sim(struct pattern_world *w, char *err, size_t errlen);

/* One deterministic-engine run of `steps` scheduler steps; returns the
 * completed faults, or -1 with err. */
int64_t sim_fixture_run(const struct pattern_world *w,
			const struct tracker_ops *ops, uint64_t steps,
			char *err, size_t errlen);

#endif
