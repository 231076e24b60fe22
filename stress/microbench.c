/* check/, path/ and shim/: the cost of the pieces, one thread each.
 *
 *   check/<tracker>  tracker->retry() with mmu_lock held for read (taken
 *                    once, outside the loop), nothing in flight: the
 *                    common case of every fault; keys cycle over 256 gfns.
 *   check/nop        the same indirect call into a tracker that never
 *                    retries: the floor.
 *   check_inflight/<tracker>/invals:<n>  the same with n = 1, 2 or 4
 *                    nested invalidations in flight over a quarter of the
 *                    keys, in scattered order: the range test runs and its
 *                    branch is unpredictable.
 *   path/<tracker>   one whole fault attempt through actor_vcpu_run() (read
 *                    seq, pre-checks, resolve with no busy work, locked
 *                    check, install), real rwlock, oracle on, nothing
 *                    invalidating; path/nop with the never-retrying tracker.
 *   path/rwlock      bare read lock + unlock: the floor of any fault.
 *   sim/<tracker>    the deterministic engine, SIM_STEPS steps of `mixed`
 *                    per iteration; sim/nop with the never-retrying tracker.
 *   shim/batch       an empty iteration in batches of 1000: what the
 *                    shim's loop adds per iteration.
 *   shim/single      the same with one call across the shim per iteration.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/pattern.h"
#include "model/actor.h"
#include "model/registry.h"
#include "stress/gbench_shim.h"
#include "stress/micro_fixture.h"
#include "stress/suite.h"

/* Scheduler steps per sim/ iteration: a few ms, long enough that the
 * engine's setup (vm_init) is a small part of it. */
#define SIM_STEPS 20000

/* ---- shared state ---------------------------------------------------- */

#define MICRO_MAX_TRACKERS 32

struct micro {
	struct placement *placement;
	struct pattern_world path_world; /* `single`, built once */
	struct pattern_world sim_world;  /* `mixed`, built once */
	bool have_path_world, have_sim_world;
};

static struct micro M;

/* The user data of check/, path/ and sim/: registered trackers, then nop. */
struct micro_arg {
	const struct tracker_ops *ops;
	unsigned inflight; /* check_inflight/: invalidations in flight */
};

static struct micro_arg args[MICRO_MAX_TRACKERS + 1];
static const unsigned inflight_counts[] = { 1, 2, 4 };
#define N_INFLIGHT (sizeof(inflight_counts) / sizeof(inflight_counts[0]))

static struct micro_arg inflight_args[N_INFLIGHT][MICRO_MAX_TRACKERS + 1];

static void skip_oom(gb_state *st)
{
	gb_skip_with_error(st, "out of memory");
	while (gb_keep_running_batch(st, 1))
		;
}

/* ---- check/ ---------------------------------------------------------- */

static void bm_check(gb_state *st, void *user)
{
	const struct micro_arg *arg = user;
	struct placement_saved *saved = suite_bind_main(M.placement);
	pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
	struct check_fixture f;
	uint64_t acc = 0;

	if (check_fixture_open(&f, arg->ops, arg->inflight) < 0) {
		skip_oom(st);
		goto out;
	}
	pthread_rwlock_rdlock(&lock);
	while (gb_keep_running_batch(st, CHECK_KEYS))
		acc += check_fixture_run(&f, 1);
	pthread_rwlock_unlock(&lock);
	gb_do_not_optimize_u64(acc);
	gb_set_counter(st, "retry_fraction",
		       (double)acc / (double)(gb_iterations(st) ? gb_iterations(st) : 1), 0);
	check_fixture_close(&f);
out:
	suite_unbind_main(M.placement, saved);
}

/* ---- path/ ----------------------------------------------------------- */

static void bm_path(gb_state *st, void *user)
{
	const struct tracker_ops *ops = ((struct micro_arg *)user)->ops;
	struct placement_saved *saved = suite_bind_main(M.placement);
	struct path_fixture *f = malloc(sizeof(*f));

	if (!f || path_fixture_open(f, &M.path_world, ops) < 0) {
		free(f);
		skip_oom(st);
		suite_unbind_main(M.placement, saved);
		return;
	}
	while (gb_keep_running_batch(st, 64))
		path_fixture_run(f, 64);
	gb_set_counter(st, "steps_per_fault",
		       f->stats.faults ? (double)f->stats.steps / (double)f->stats.faults : 0, 0);
	gb_set_counter(st, "retries", (double)f->stats.retries, 0);
	path_fixture_close(f);
	free(f);
	suite_unbind_main(M.placement, saved);
}

/* ---- sim/ ------------------------------------------------------------ */

/* One iteration is one deterministic-engine run of SIM_STEPS steps; the
 * gate compares its time only as a ratio to sim/nop of the same run. */
static void bm_sim(gb_state *st, void *user)
{
	const struct tracker_ops *ops = ((struct micro_arg *)user)->ops;
	struct placement_saved *saved = suite_bind_main(M.placement);
	char err[256];
	int64_t faults = 0, n;

	while (gb_keep_running(st)) {
		n = sim_fixture_run(&M.sim_world, ops, SIM_STEPS, err, sizeof(err));
		if (n < 0) {
			gb_skip_with_error(st, err);
			break;
		}
		faults += n;
	}
	gb_set_counter(st, "faults", (double)faults, 0);
	suite_unbind_main(M.placement, saved);
}

static void bm_rwlock(gb_state *st, void *user)
{
	struct placement_saved *saved = suite_bind_main(M.placement);
	pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

	(void)user;
	while (gb_keep_running_batch(st, 64)) {
		for (int i = 0; i < 64; i++) {
			pthread_rwlock_rdlock(&lock);
			gb_clobber_memory();
			pthread_rwlock_unlock(&lock);
		}
	}
	suite_unbind_main(M.placement, saved);
}

/* ---- shim/ ----------------------------------------------------------- */

static void bm_shim_batch(gb_state *st, void *user)
{
	(void)user;
	while (gb_keep_running_batch(st, 1000))
		for (int i = 0; i < 1000; i++)
			gb_clobber_memory();
}

static void bm_shim_single(gb_state *st, void *user)
{
	(void)user;
	while (gb_keep_running(st))
		gb_clobber_memory();
}

/* ---- registration ---------------------------------------------------- */

int microbench_register(struct placement *p, char *err, size_t errlen)
{
	char name[64];

	if (tracker_registry_len > MICRO_MAX_TRACKERS) {
		snprintf(err, errlen, "microbench: %zu trackers; at most %d supported",
			 tracker_registry_len, MICRO_MAX_TRACKERS);
		return -1;
	}
	memset(&M, 0, sizeof(M));
	M.placement = p;
	if (micro_world_path(&M.path_world, err, errlen) < 0)
		return -1;
	M.have_path_world = true;
	if (micro_world_sim(&M.sim_world, err, errlen) < 0)
		return -1;
	M.have_sim_world = true;

	for (size_t t = 0; t <= tracker_registry_len; t++) {
		args[t].ops = t < tracker_registry_len ? tracker_registry[t]
						       : &micro_nop_tracker_ops;
		for (size_t k = 0; k < N_INFLIGHT; k++) {
			inflight_args[k][t] = args[t];
			inflight_args[k][t].inflight = inflight_counts[k];
		}
	}
	/* Google Benchmark copies the names. */
	for (size_t t = 0; t <= tracker_registry_len; t++) {
		snprintf(name, sizeof(name), "check/%s", args[t].ops->name);
		gb_register(name, bm_check, &args[t]);
	}
	for (size_t t = 0; t <= tracker_registry_len; t++)
		for (size_t k = 0; k < N_INFLIGHT; k++) {
			snprintf(name, sizeof(name), "check_inflight/%s/invals:%u",
				 args[t].ops->name, inflight_counts[k]);
			gb_register(name, bm_check, &inflight_args[k][t]);
		}
	for (size_t t = 0; t <= tracker_registry_len; t++) {
		snprintf(name, sizeof(name), "path/%s", args[t].ops->name);
		gb_register(name, bm_path, &args[t]);
	}
	gb_register("path/rwlock", bm_rwlock, NULL);
	for (size_t t = 0; t <= tracker_registry_len; t++) {
		snprintf(name, sizeof(name), "sim/%s", args[t].ops->name);
		gb_register(name, bm_sim, &args[t]);
	}
	gb_register("shim/batch", bm_shim_batch, NULL);
	gb_register("shim/single", bm_shim_single, NULL);
	return 0;
}

void microbench_free(void)
{
	if (M.have_path_world)
		pattern_world_free(&M.path_world);
	if (M.have_sim_world)
		pattern_world_free(&M.sim_world);
	M.have_path_world = M.have_sim_world = false;
}
