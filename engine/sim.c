/* The deterministic engine: one thread, actors stepped in seeded order. */
#include "engine/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/rng.h"

/* Seed stream of the scheduler, apart from the actors' own streams. */
#define SCHED_STREAM 0x5c4ed

static double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void keep_max(void *ctx, uint64_t key, uint32_t val)
{
	uint64_t *max = ctx;

	(void)key;
	if (val > *max)
		*max = val;
}

int sim_run(const struct pattern_world *w, const struct tracker_ops *ops,
	    const struct sim_options *opt, struct sim_result *out,
	    char *err, size_t errlen)
{
	uint32_t n = w->n_vcpus + w->n_invalidators;
	struct actor *actors = calloc(n ? n : 1, sizeof(*actors));
	uint32_t *runnable = calloc(n ? n : 1, sizeof(*runnable));
	struct step_env env;
	struct vm vm;
	uint64_t rng = rng_stream(w->params.seed, SCHED_STREAM);
	uint32_t live = n;
	double t0;

	memset(out, 0, sizeof(*out));
	if (!actors || !runnable || vm_init(&vm, &w->layout, ops) < 0) {
		free(actors);
		free(runnable);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	out->tracker = ops;
	out->n_sptes = w->layout.n_sptes;
	if (opt->per_gfn_histogram) {
		out->retries_per_spte = calloc(1, sizeof(*out->retries_per_spte));
		if (out->retries_per_spte)
			sparse_map_init(out->retries_per_spte, w->layout.n_sptes);
		if (!out->retries_per_spte) {
			vm_destroy(&vm);
			free(actors);
			free(runnable);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		/* Actor ids double as random stream ids: vCPUs first. */
		if (i < w->n_vcpus)
			actor_init_vcpu(&actors[i], i, w->params.seed);
		else
			actor_init_invalidator(&actors[i], i, w->params.seed);
		runnable[i] = i;
	}
	pattern_step_env(w, &vm, &env);
	env.retries_per_spte = out->retries_per_spte;

	t0 = now_seconds();
	for (uint64_t s = 0; s < opt->steps && live; s++) {
		uint32_t pick = (uint32_t)rng_below(&rng, live);
		struct actor *a = &actors[runnable[pick]];

		if (!actor_step(a, &env, &out->stats, NULL))
			runnable[pick] = runnable[--live]; /* finished */
	}
	out->seconds = now_seconds() - t0;

	out->stale_sptes_at_end = vm_audit_stale_sptes(&vm);
	out->stale_sptes = out->stale_sptes_at_end + out->stats.stale_replaced;
	for (int i = 0; i < WARN_COUNT; i++) {
		out->warnings[i] = vm.st->tracker.warnings[i];
		out->warnings_total += out->warnings[i];
	}
	if (out->retries_per_spte)
		sparse_map_walk(out->retries_per_spte, 0, w->layout.n_sptes, false,
				keep_max, &out->max_retries_one_gfn);
	vm_destroy(&vm);
	free(actors);
	free(runnable);
	return 0;
}

void sim_result_free(struct sim_result *r)
{
	if (r->retries_per_spte) {
		sparse_map_destroy(r->retries_per_spte);
		free(r->retries_per_spte);
	}
	r->retries_per_spte = NULL;
}
