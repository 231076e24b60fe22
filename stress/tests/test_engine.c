/* The threaded engine: safety and bookkeeping facts that hold under every
 * interleaving, so they cannot flake. hva, union and exact must never
 * install a stale SPTE (fn == 0, stale_sptes == 0) on any pattern, with and
 * without fault injection; the counters must add up; bad configurations
 * are refused. (That gfn does miss is shown by the deterministic engine's
 * tests and by the benchmark run, not here: a miss needs a race.) */
#include <stdlib.h>
#include <string.h>

#include "engine/pattern.h"
#include "model/registry.h"
#include "stress/engine.h"
#include "tests/check.h"

#define FAULTS 300

static void run_one(int pattern, const char *tracker, bool preempt,
		    struct placement *pl)
{
	const struct tracker_ops *ops = tracker_find(tracker);
	struct pattern_params p;
	struct pattern_world w;
	struct stress_config cfg;
	struct stress_result r;
	char err[256];

	CHECK(ops != NULL, "tracker %s not registered", tracker);
	if (!ops)
		return;
	pattern_defaults(pattern, &p);
	p.vcpus = 2;
	if (pattern_build(&p, &w, err, sizeof(err)) < 0) {
		CHECK(0, "pattern %s: %s", pattern_names[pattern], err);
		return;
	}
	stress_config_defaults(&cfg);
	cfg.vcpus = 2;
	cfg.invalidators = w.n_invalidators;
	cfg.preempt = preempt;
	cfg.placement = pl;
	/* Short steps keep numa's long phase 2 and gaps test-sized. */
	cfg.step_ns = 10;
	cfg.stall_seconds = 0;
	if (stress_run_once(&w, ops, &cfg, FAULTS, &r, err, sizeof(err)) < 0) {
		CHECK(0, "%s/%s: %s", pattern_names[pattern], tracker, err);
		pattern_world_free(&w);
		return;
	}
	const struct actor_stats *s = &r.stats;
	const char *pn = pattern_names[pattern];

	CHECK(s->fn == 0, "%s/%s%s: fn expected 0, got %llu", pn, tracker,
	      preempt ? " (preempt)" : "", (unsigned long long)s->fn);
	CHECK(r.stale_sptes == 0, "%s/%s%s: stale_sptes expected 0, got %llu", pn,
	      tracker, preempt ? " (preempt)" : "", (unsigned long long)r.stale_sptes);
	CHECK(s->faults >= FAULTS, "%s/%s: vCPU 0 alone completes %d, total %llu",
	      pn, tracker, FAULTS, (unsigned long long)s->faults);
	CHECK(s->attempts >= s->faults, "%s/%s: attempts %llu < faults %llu", pn,
	      tracker, (unsigned long long)s->attempts, (unsigned long long)s->faults);
	CHECK(s->tp + s->fp_range + s->fp_seq == s->retries,
	      "%s/%s: tp+fp_range+fp_seq %llu != retries %llu", pn, tracker,
	      (unsigned long long)(s->tp + s->fp_range + s->fp_seq),
	      (unsigned long long)s->retries);
	CHECK(s->retries_range + s->retries_seq == s->retries,
	      "%s/%s: range+seq retries %llu != retries %llu", pn, tracker,
	      (unsigned long long)(s->retries_range + s->retries_seq),
	      (unsigned long long)s->retries);
	CHECK(r.lat_count == s->faults, "%s/%s: timed %llu faults of %llu", pn,
	      tracker, (unsigned long long)r.lat_count, (unsigned long long)s->faults);
	CHECK(r.lat_p50_ns <= r.lat_p99_ns, "%s/%s: p50 %llu > p99 %llu", pn, tracker,
	      (unsigned long long)r.lat_p50_ns, (unsigned long long)r.lat_p99_ns);
	CHECK(!r.stalled, "%s/%s: stalled", pn, tracker);
	CHECK(r.unbound_threads == 0, "%s/%s: %lu threads could not be bound", pn,
	      tracker, r.unbound_threads);
	pattern_world_free(&w);
}

static void bad_configs(void)
{
	struct pattern_params p;
	struct pattern_world w;
	struct stress_config cfg;
	struct stress_result r;
	char err[256];

	pattern_defaults(PAT_SINGLE, &p);
	if (pattern_build(&p, &w, err, sizeof(err)) < 0)
		return;
	stress_config_defaults(&cfg);
	cfg.vcpus = 0;
	CHECK(stress_run_once(&w, tracker_find("union"), &cfg, 1, &r, err, sizeof(err)) < 0 &&
	      strstr(err, "threads") != NULL, "0 vCPUs accepted (err '%s')", err);
	stress_config_defaults(&cfg);
	cfg.invalidators = ORACLE_MAX_INFLIGHT + 1;
	CHECK(stress_run_once(&w, tracker_find("union"), &cfg, 1, &r, err, sizeof(err)) < 0 &&
	      strstr(err, "invalidators") != NULL, "too many invalidators accepted (err '%s')",
	      err);
	pattern_world_free(&w);
}

int main(void)
{
	char err[256];
	struct placement *pl = placement_open(PLACEMENT_SCATTER, err, sizeof(err));

	CHECK(pl != NULL, "placement: %s", err);
	/* Every tracker expected to be safe, so a new one is tested too. */
	for (int pat = 0; pat < PAT_COUNT; pat++)
		for (size_t t = 0; t < tracker_registry_len; t++) {
			const struct tracker_ops *ops = tracker_registry[t];

			if (ops->expected_unsafe)
				continue;
			run_one(pat, ops->name, false, pl);
			run_one(pat, ops->name, true, NULL);
		}
	bad_configs();
	placement_close(pl);
	return check_summary("stress_test_engine");
}
