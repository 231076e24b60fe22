/* stress/<pattern>/<tracker>/threads:<n>: the threaded engine under Google
 * Benchmark, and the context and summary around the run. */
#include "stress/suite.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/pattern.h"
#include "model/registry.h"
#include "stress/gbench_shim.h"

#ifndef BENCH_VERSION
#define BENCH_VERSION "unknown"
#endif

/* vCPU 0 faults per call of the timing loop: large enough that the ~2 ns of
 * the call vanish, small enough not to overshoot the probe much. */
#define STRESS_BATCH 16

/* The tracker the suite exists to show missing invalidations (the v12
 * patch as posted); every other tracker must never miss one. */

struct stress_bench {
	char name[96];
	struct pattern_world world;
	const struct tracker_ops *ops;
	struct stress_config cfg;
	double cap_seconds;
	bool ran;
	struct stress_result last; /* of the final (reported) run */
	struct stress_bench *next;
};

static struct stress_bench *benches;

void suite_default_thread_counts(struct suite_opts *o, unsigned allowed)
{
	o->n_thread_counts = 0;
	o->thread_counts[o->n_thread_counts++] = 1;
	if (allowed > 1)
		o->thread_counts[o->n_thread_counts++] = allowed;
}

/* Where the threaded engine departs from a pattern's defaults, and why. */
static void threaded_params(int pattern, struct pattern_params *p)
{
	/* A benchmark iteration is a number of completed faults: it measures
	 * the fault path under contention. Were accesses to present SPTEs
	 * free (the sim's default), a warmed-up guest would fault only where
	 * invalidations zapped, and an iteration would time the invalidators'
	 * sleeps instead. */
	p->skip_present = false;
	if (pattern == PAT_NUMA) {
		/* 200000 idle steps would be 0.2 s per gap at 1 us a step: no
		 * huge invalidation at all in a short run. Keep them rare
		 * (gap twice phase 2) but several per run. */
		p->gap_steps = 40000;
	}
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double per(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

static void set_counters(gb_state *st, const struct stress_result *r)
{
	const struct actor_stats *s = &r->stats;
	double secs = r->seconds > 0 ? r->seconds : 1e-9;

	/* Rates over the engine's own wall time: Google Benchmark's kIsRate
	 * would divide by vCPU 0's CPU time, which under overcommit is not
	 * the time the run took. */
	gb_set_counter(st, "faults_per_s", (double)s->faults / secs, 0);
	gb_set_counter(st, "invals_per_s", (double)s->invalidations / secs, 0);
	gb_set_counter(st, "retries_per_fault", per(s->retries, s->faults), 0);
	/* tp/fp_* are the locked checks: the oracle is exact there (its
	 * in-flight set only changes under the write lock). The lock-free
	 * pre-checks' split is approximate under real concurrency, so it is
	 * reported apart (*_early) rather than mixed in. */
	gb_set_counter(st, "tp", (double)(s->tp - s->tp_early), 0);
	gb_set_counter(st, "fp_range", (double)(s->fp_range - s->fp_range_early), 0);
	gb_set_counter(st, "fp_seq", (double)(s->fp_seq - s->fp_seq_early), 0);
	gb_set_counter(st, "fn", (double)s->fn, 0);
	gb_set_counter(st, "stale_sptes", (double)r->stale_sptes, 0);
	gb_set_counter(st, "p50_ns", (double)r->lat_p50_ns, 0);
	gb_set_counter(st, "p99_ns", (double)r->lat_p99_ns, 0);
	gb_set_counter(st, "tp_early", (double)s->tp_early, 0);
	gb_set_counter(st, "fp_range_early", (double)s->fp_range_early, 0);
	gb_set_counter(st, "fp_seq_early", (double)s->fp_seq_early, 0);
	/* Counts depend on the run length; these do not. fp_range_per_fault
	 * counts every check: the spurious range retries a fault pays. */
	gb_set_counter(st, "fp_range_per_fault", per(s->fp_range, s->faults), 0);
	gb_set_counter(st, "fn_per_fault", per(s->fn, s->faults), 0);
	gb_set_counter(st, "early_retries_per_fault", per(s->retries_early, s->faults), 0);
	gb_set_counter(st, "faults", (double)s->faults, 0);
	gb_set_counter(st, "invalidations", (double)s->invalidations, 0);
	gb_set_counter(st, "warnings", (double)r->warnings_total, 0);
	gb_set_counter(st, "unbound_threads", (double)r->unbound_threads, 0);
}

static void plan_label(const struct stress_bench *b, char *buf, size_t len)
{
	char cpus[160];
	unsigned n = b->cfg.vcpus + b->cfg.invalidators;

	if (b->cfg.placement)
		placement_describe_plan(b->cfg.placement, n, cpus, sizeof(cpus));
	else
		snprintf(cpus, sizeof(cpus), "unbound");
	snprintf(buf, len, "vcpus=%u invalidators=%u cpus=%s", b->cfg.vcpus,
		 b->cfg.invalidators, cpus);
}

static void bm_stress(gb_state *st, void *user)
{
	struct stress_bench *b = user;
	struct stress_run *run;
	struct stress_result res;
	char err[256], label[256];
	bool capped = false;
	double deadline;

	if (stress_start(&run, &b->world, b->ops, &b->cfg, err, sizeof(err)) < 0) {
		gb_skip_with_error(st, err);
		while (gb_keep_running_batch(st, 1))
			;
		return;
	}
	deadline = b->cap_seconds > 0 ? now_s() + b->cap_seconds : 0;
	while (gb_keep_running_batch(st, STRESS_BATCH)) {
		/* Past the cap the remaining iterations do no work, so the
		 * time column of a capped run understates the cost per fault;
		 * the counters (own wall clock, real fault counts) stay right. */
		if (capped || (deadline && now_s() > deadline)) {
			capped = true;
			continue;
		}
		if (stress_run_faults(run, STRESS_BATCH) < STRESS_BATCH)
			gb_skip_with_error(st, "vCPU 0 completed no fault for 5 s "
					       "(livelock or a stuck invalidation)");
	}
	stress_stop(run, &res);
	set_counters(st, &res);
	gb_set_counter(st, "capped", capped, 0);
	plan_label(b, label, sizeof(label));
	gb_set_label(st, label);
	b->last = res;
	b->ran = true;
}

static int add_stress(const struct suite_opts *o, int pattern,
		      const struct tracker_ops *ops, uint32_t vcpus, char *err,
		      size_t errlen)
{
	struct stress_bench *b = calloc(1, sizeof(*b));
	struct pattern_params p;

	if (!b) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pattern_defaults(pattern, &p);
	threaded_params(pattern, &p);
	p.seed = o->seed;
	p.vcpus = vcpus;
	if (pattern_build(&p, &b->world, err, errlen) < 0) {
		free(b);
		return -1;
	}
	b->ops = ops;
	b->cfg = o->base;
	b->cfg.vcpus = vcpus;
	b->cfg.invalidators = (uint32_t)p.invalidators;
	b->cap_seconds = o->probe_cap_seconds;
	snprintf(b->name, sizeof(b->name), "stress/%s/%s/threads:%u",
		 pattern_names[pattern], ops->name, vcpus);
	b->next = benches;
	benches = b;
	gb_register(b->name, bm_stress, b);
	return 0;
}

/* A candidate's throughput matters where its range differs from union's:
 * elsewhere (single, multislot, private, numa) every safe candidate tracks
 * what union tracks and the benchmark would measure union again. One
 * thread count, the largest, where the check runs concurrently with others.
 * Each candidate then adds 3 benchmarks to the default run instead of 14
 * (7 patterns x 2 thread counts), which kept the default `bench` within
 * its time budget with three candidates registered. */
bool suite_candidate_runs(int pattern, unsigned k, unsigned n)
{
	return (pattern == PAT_ALIAS || pattern == PAT_CONCURRENT ||
		pattern == PAT_MIXED) && k + 1 == n;
}

int suite_register(const struct suite_opts *o, char *err, size_t errlen)
{
	for (int p = 0; p < PAT_COUNT; p++)
		for (size_t t = 0; t < tracker_registry_len; t++)
			for (unsigned k = 0; k < o->n_thread_counts; k++)
				if ((!tracker_registry[t]->candidate ||
				     o->all_candidates ||
				     suite_candidate_runs(p, k, o->n_thread_counts)) &&
				    add_stress(o, p, tracker_registry[t],
					       o->thread_counts[k], err, errlen) < 0)
					return -1;
	return microbench_register(o->base.placement, err, errlen);
}

void suite_add_context(const struct suite_opts *o)
{
	struct placement *pl = o->base.placement;
	char buf[512], n[32];
	unsigned allowed = placement_allowed_count(pl);

	gb_add_context("bench_version", BENCH_VERSION);
	placement_cpu_model(pl, buf, sizeof(buf));
	gb_add_context("cpu_model", buf);
	placement_describe_topology(pl, buf, sizeof(buf));
	gb_add_context("topology", buf);
	placement_describe_allowed(pl, buf, sizeof(buf));
	gb_add_context("allowed_cpus", buf);
	snprintf(n, sizeof(n), "%u", allowed);
	gb_add_context("allowed_cpu_count", n);
	gb_add_context("placement", placement_names[placement_mode(pl)]);
	gb_add_context("threads_meaning",
		       "threads:<n> = n vCPU threads + the pattern's invalidator "
		       "threads; one iteration = one completed fault of vCPU 0");
	gb_add_context("counters",
		       "tp, fp_range, fp_seq: locked checks (exact); *_early: lock-free "
		       "pre-checks (approximate under concurrency); rates over wall "
		       "time; capped=1: the probe hit 5x min time and its time column "
		       "understates the cost per fault");
	gb_add_context("mmu_lock", "pthread rwlock, writer-preferring (like "
				   "KVM's queued rwlock)");
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)o->seed);
	gb_add_context("seed", buf);
	snprintf(buf, sizeof(buf),
		 "resolve_ns=%llu phase2_ns=%llu step_ns=%llu preempt=%s",
		 (unsigned long long)o->base.resolve_ns,
		 (unsigned long long)o->base.phase2_ns,
		 (unsigned long long)o->base.step_ns,
		 o->base.preempt ? "on" : "off");
	gb_add_context("stress_engine", buf);
	buf[0] = '\0';
	for (unsigned k = 0; k < o->n_thread_counts; k++) {
		size_t used = strlen(buf);

		snprintf(buf + used, sizeof(buf) - used, "%s%u", k ? "," : "",
			 o->thread_counts[k]);
	}
	gb_add_context("vcpu_thread_counts", buf);
	for (unsigned k = 0; k < o->n_thread_counts; k++) {
		if (o->thread_counts[k] + 1 > allowed) {
			snprintf(buf, sizeof(buf),
				 "yes: up to %u vCPU threads plus invalidators on %u "
				 "allowed CPUs (vCPU overcommit, as on real hosts)",
				 o->thread_counts[o->n_thread_counts - 1], allowed);
			gb_add_context("overcommit", buf);
			break;
		}
	}
}

/* "gfn": the trackers marked expected_unsafe, for the summary line. */
static const char *expected_unsafe_names(void)
{
	static char buf[256];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < tracker_registry_len && used < sizeof(buf); i++)
		if (tracker_registry[i]->expected_unsafe)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
						 "%s%s", used ? ", " : "",
						 tracker_registry[i]->name);
	return used ? buf : "none";
}

unsigned suite_summary(FILE *out)
{
	unsigned bad = 0, runs = 0, known_missed = 0, known_runs = 0;

	for (struct stress_bench *b = benches; b; b = b->next) {
		bool unsafe_ok = b->ops->expected_unsafe;
		bool missed = b->last.stats.fn || b->last.stale_sptes;

		if (!b->ran)
			continue;
		runs++;
		if (unsafe_ok) {
			known_runs++;
			known_missed += missed;
			continue;
		}
		if (missed) {
			bad++;
			fprintf(out, "stress: FINDING: %s missed invalidations: fn=%llu "
				     "stale_sptes=%llu\n", b->name,
				(unsigned long long)b->last.stats.fn,
				(unsigned long long)b->last.stale_sptes);
		}
	}
	if (runs)
		fprintf(out, "stress: %u runs; trackers expected to be safe: %s; "
			     "those kept to show a bug (%s) missed invalidations "
			     "in %u of %u runs\n", runs,
			bad ? "MISSED INVALIDATIONS" : "fn=0, stale_sptes=0",
			expected_unsafe_names(), known_missed, known_runs);
	return bad;
}

void suite_free(void)
{
	while (benches) {
		struct stress_bench *b = benches;

		benches = b->next;
		pattern_world_free(&b->world);
		free(b);
	}
	microbench_free();
}

struct placement_saved *suite_bind_main(struct placement *p)
{
	struct placement_saved *s;
	int cpu;

	if (!p || placement_mode(p) == PLACEMENT_NONE)
		return NULL;
	s = placement_save_self(p);
	placement_plan(p, 1, &cpu);
	placement_bind_self(p, cpu);
	return s;
}

void suite_unbind_main(struct placement *p, struct placement_saved *s)
{
	if (p && s)
		placement_restore_self(p, s);
}
