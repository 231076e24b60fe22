/* check/, path/ and shim/: the cost of the pieces, one thread each.
 *
 *   check/<tracker>  tracker->retry() with mmu_lock held for read (taken
 *                    once, outside the loop), nothing in flight: the
 *                    common case of every fault; keys cycle over 256 gfns.
 *   check/nop        the same indirect call into a tracker that never
 *                    retries: the floor.
 *   check_inflight/<tracker>  the same with one invalidation in flight over
 *                    a quarter of the keys, in scattered order: the range
 *                    test runs and its branch is unpredictable.
 *   path/<tracker>   one whole fault attempt through actor_step() (read
 *                    seq, pre-checks, resolve with no busy work, locked
 *                    check, install), real rwlock, oracle on, nothing
 *                    invalidating; path/nop with the never-retrying tracker.
 *   path/rwlock      bare read lock + unlock: the floor of any fault.
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
#include "stress/suite.h"

#define CHECK_KEYS 256
#define CHECK_RANGE_START 1024
#define CHECK_RANGE_END 2048
#define CHECK_KEY_SPACE 4096

/* ---- the never-retrying tracker (a floor, never selectable by users) ---- */

static void nop_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)t;
	(void)inv;
}

static void nop_range_add(struct tracker_state *t, const struct inval_ctx *inv,
			  uint64_t start, uint64_t end)
{
	(void)t;
	(void)inv;
	(void)start;
	(void)end;
}

static enum retry_verdict nop_retry(struct tracker_state *t,
				    const struct fault_key *key, uint64_t snap)
{
	(void)t;
	(void)key;
	(void)snap;
	return RETRY_NONE;
}

static const struct tracker_ops nop_tracker_ops = {
	.name = "nop",
	.description = "never retries: the cost floor of the check, unsafe",
	.begin = nop_begin,
	.range_add = nop_range_add,
	.end = nop_begin,
	.retry = nop_retry,
};

/* ---- shared state ---------------------------------------------------- */

#define MICRO_MAX_TRACKERS 32

struct micro {
	struct placement *placement;
	struct pattern_world path_world; /* `single`, built once */
	bool have_world;
};

static struct micro M;

/* The user data of check/ and path/: registered trackers, then nop. */
struct micro_arg {
	const struct tracker_ops *ops;
	bool inflight; /* check_inflight/ */
};

static struct micro_arg args[MICRO_MAX_TRACKERS + 1];
static struct micro_arg inflight_args[MICRO_MAX_TRACKERS + 1];

/* ---- check/ ---------------------------------------------------------- */

static void bm_check(gb_state *st, void *user)
{
	const struct micro_arg *arg = user;
	const struct tracker_ops *ops = arg->ops;
	struct placement_saved *saved = suite_bind_main(M.placement);
	struct tracker_state *t = calloc(1, sizeof(*t));
	struct fault_key *keys = calloc(CHECK_KEYS, sizeof(*keys));
	struct inval_ctx inv = { .handle = 1, .has_hva = true,
				 .hva_start = CHECK_RANGE_START,
				 .hva_end = CHECK_RANGE_END };
	pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
	uint64_t acc = 0, snap;

	if (!t || !keys) {
		gb_skip_with_error(st, "out of memory");
		while (gb_keep_running_batch(st, 1))
			;
		goto out;
	}
	t->range_start = t->range_end = INVALID_KEY;
	if (arg->inflight) {
		ops->begin(t, &inv);
		ops->range_add(t, &inv, CHECK_RANGE_START, CHECK_RANGE_END);
	}
	for (unsigned i = 0; i < CHECK_KEYS; i++) {
		/* Knuth's multiplicative hash: scattered, but the same keys
		 * for every tracker. */
		keys[i].gfn = (i * 2654435761u) % CHECK_KEY_SPACE;
		keys[i].hva = keys[i].gfn;
		keys[i].has_hva = true;
	}
	snap = t->seq;
	pthread_rwlock_rdlock(&lock);
	while (gb_keep_running_batch(st, CHECK_KEYS))
		for (unsigned i = 0; i < CHECK_KEYS; i++)
			acc += ops->retry(t, &keys[i], snap);
	pthread_rwlock_unlock(&lock);
	gb_do_not_optimize_u64(acc);
	gb_set_counter(st, "retry_fraction",
		       (double)acc / (double)(gb_iterations(st) ? gb_iterations(st) : 1), 0);
out:
	free(keys);
	free(t);
	suite_unbind_main(M.placement, saved);
}

/* ---- path/ ----------------------------------------------------------- */

static void bm_path(gb_state *st, void *user)
{
	const struct tracker_ops *ops = ((struct micro_arg *)user)->ops;
	struct placement_saved *saved = suite_bind_main(M.placement);
	pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
	struct actor_stats stats;
	struct step_env env;
	struct actor a;
	struct vm vm;

	memset(&stats, 0, sizeof(stats));
	if (vm_init(&vm, &M.path_world.layout, ops) < 0) {
		gb_skip_with_error(st, "out of memory");
		while (gb_keep_running_batch(st, 1))
			;
		suite_unbind_main(M.placement, saved);
		return;
	}
	vm.mmu_lock = &lock;
	pattern_step_env(&M.path_world, &vm, &env);
	/* A lookup that costs no time is one step, not the pattern's four. */
	env.resolve_steps = 1;
	/* The path of a fault, every time: with no invalidator, accesses to
	 * present SPTEs would never fault again and the loop never end. */
	env.skip_present = false;
	actor_init_vcpu(&a, 0, M.path_world.params.seed);
	while (gb_keep_running_batch(st, 64)) {
		for (int i = 0; i < 64; i++) {
			uint64_t f = stats.faults;

			while (stats.faults == f)
				actor_step(&a, &env, &stats, NULL);
		}
	}
	gb_set_counter(st, "steps_per_fault",
		       stats.faults ? (double)stats.steps / (double)stats.faults : 0, 0);
	gb_set_counter(st, "retries", (double)stats.retries, 0);
	vm_destroy(&vm);
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
	struct pattern_params pp;
	char name[64];

	if (tracker_registry_len > MICRO_MAX_TRACKERS) {
		snprintf(err, errlen, "microbench: %zu trackers; at most %d supported",
			 tracker_registry_len, MICRO_MAX_TRACKERS);
		return -1;
	}
	memset(&M, 0, sizeof(M));
	M.placement = p;
	pattern_defaults(PAT_SINGLE, &pp);
	if (pattern_build(&pp, &M.path_world, err, errlen) < 0)
		return -1;
	M.have_world = true;

	for (size_t t = 0; t <= tracker_registry_len; t++) {
		args[t].ops = t < tracker_registry_len ? tracker_registry[t]
						       : &nop_tracker_ops;
		inflight_args[t] = args[t];
		inflight_args[t].inflight = true;
	}
	/* Google Benchmark copies the names. */
	for (size_t t = 0; t <= tracker_registry_len; t++) {
		snprintf(name, sizeof(name), "check/%s", args[t].ops->name);
		gb_register(name, bm_check, &args[t]);
	}
	for (size_t t = 0; t <= tracker_registry_len; t++) {
		snprintf(name, sizeof(name), "check_inflight/%s", args[t].ops->name);
		gb_register(name, bm_check, &inflight_args[t]);
	}
	for (size_t t = 0; t <= tracker_registry_len; t++) {
		snprintf(name, sizeof(name), "path/%s", args[t].ops->name);
		gb_register(name, bm_path, &args[t]);
	}
	gb_register("path/rwlock", bm_rwlock, NULL);
	gb_register("shim/batch", bm_shim_batch, NULL);
	gb_register("shim/single", bm_shim_single, NULL);
	return 0;
}

void microbench_free(void)
{
	if (M.have_world)
		pattern_world_free(&M.path_world);
	M.have_world = false;
}
