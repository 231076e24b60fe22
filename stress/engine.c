/* The threaded engine (see engine.h): threads, timing and teardown around
 * actor_step() and actor_vcpu_run(); no protocol logic lives here. */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np, PR_SET_TIMERSLACK */
#include "stress/engine.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "model/actor.h"
#include "model/vm.h"
#include "stress/latency_hist.h"
#include "util/rng.h"

/* Random stream of the fault injection, apart from the actors' own streams
 * so that --preempt does not change what the actors do. */
#define PREEMPT_STREAM 0x9e3e

/* Per thread, cache-line aligned: the counters are written every step and
 * must not share lines with another thread's. */
struct worker {
	struct stress_run *run;
	pthread_t tid;
	int cpu;
	bool is_vcpu;
	struct actor actor;
	struct actor_stats stats;
	uint64_t faults_seen;
	uint64_t t_last; /* ns: start, or the last completed fault */
	uint64_t prng;
	bool first_gap_done;
	struct latency_hist lat;
} __attribute__((aligned(64)));

struct stress_run {
	struct stress_config cfg;
	struct vm vm;
	pthread_rwlock_t mmu_lock;
	struct step_env env;
	uint32_t n_threads;
	uint32_t n_created;
	struct worker *w; /* [n_threads]: vCPUs first; w[0] is the caller */
	struct placement_saved *saved;
	/* Start gate: threads report ready, then wait for go (or abort). */
	pthread_mutex_t gate_mu;
	pthread_cond_t gate_cv;
	uint32_t ready;
	bool go, abort;
	int stop; /* atomic: set by stress_stop */
	uint64_t t0, t_end;
	bool stalled;
	unsigned long bind_failures_before; /* the placement counts process-wide */
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static bool stopping(const struct stress_run *r)
{
	return __atomic_load_n(&r->stop, __ATOMIC_ACQUIRE);
}

void stress_config_defaults(struct stress_config *c)
{
	memset(c, 0, sizeof(*c));
	c->vcpus = 1;
	c->invalidators = 1;
	/* A page lookup (get_user_pages fast path, or a fault-in) and the host
	 * changing pages (unmap, TLB shootdown, free) both take microseconds.
	 * Phase 2 is the window in which a fault missed by the tracker
	 * installs a page that is being freed; 5 us plus the pattern's
	 * phase-2 steps keeps it wide enough that the v12 gfn tracker's miss
	 * shows up within a fraction of a second on two cores. */
	c->resolve_ns = 500;
	c->phase2_ns = 5000;
	c->step_ns = 1000;
	c->stall_seconds = 5.0;
}

/* Sleeps (idle gaps, phase-2 waits) in chunks, so that stop is noticed
 * within 1 ms. */
static void idle_ns(const struct stress_run *r, uint64_t ns)
{
	while (ns && !stopping(r)) {
		uint64_t chunk = ns < 1000000 ? ns : 1000000;
		struct timespec ts = { 0, (long)chunk };

		nanosleep(&ts, NULL);
		ns -= chunk;
	}
}

static void maybe_preempt(struct worker *w)
{
	uint64_t x = rng_next(&w->prng);

	if ((x & 15) == 0) {
		sched_yield();
	} else if (((x >> 8) & 1023) == 0) {
		struct timespec ts = { 0, (long)(1000 * (1 + (x >> 32) % 50)) };

		nanosleep(&ts, NULL);
	}
}

/* One vCPU access, or one step of it under --preempt (whose yields and
 * sleeps go between steps); records the latency of a fault when it
 * completes. */
static bool vcpu_advance(struct stress_run *r, struct worker *w)
{
	if (r->cfg.preempt ? !actor_step(&w->actor, &r->env, &w->stats, NULL)
			   : !actor_vcpu_run(&w->actor, &r->env, &w->stats, 1))
		return false;
	if (w->stats.faults != w->faults_seen) {
		uint64_t t = now_ns();

		w->faults_seen = w->stats.faults;
		lat_record(&w->lat, t - w->t_last);
		w->t_last = t;
	}
	if (r->cfg.preempt)
		maybe_preempt(w);
	return true;
}

/* One invalidator step, plus the time the pattern's idle and phase-2 steps
 * stand for, taken once when the gap or phase 2 begins. Both sleep: the
 * CPU work of phase 2 is phase2_ns (spun inside actor_step); the rest of it
 * is the host waiting (TLB-shootdown IPIs, I/O, RCU). Spinning there would
 * let four concurrent invalidators eat a two-CPU machine. */
static bool inval_step(struct stress_run *r, struct worker *w)
{
	struct actor *a = &w->actor;
	uint32_t pc = a->pc;

	if (!actor_step(a, &r->env, &w->stats, NULL))
		return false;
	if (a->pc == INVAL_GAP && pc == INVAL_NEXT) {
		uint64_t ns = (uint64_t)a->wait * r->cfg.step_ns;

		/* Enter the stream at a random phase: a run (or a benchmark
		 * probe) shorter than one of numa's long gaps would otherwise
		 * see no invalidation at all. */
		if (!w->first_gap_done) {
			w->first_gap_done = true;
			ns = rng_below(&w->prng, ns + 1);
		}
		idle_ns(r, ns);
	}
	else if (pc == INVAL_PHASE1 && a->pc == INVAL_PHASE2 && a->wait > 1)
		idle_ns(r, (uint64_t)(a->wait - 1) * r->cfg.step_ns);
	if (r->cfg.preempt)
		maybe_preempt(w);
	return true;
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;
	struct stress_run *r = w->run;
	bool go;

	if (r->cfg.placement)
		placement_bind_self(r->cfg.placement, w->cpu);
	/* Idle gaps are microseconds; the default 50 us timer slack would
	 * stretch them by an order of magnitude. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	pthread_mutex_lock(&r->gate_mu);
	r->ready++;
	pthread_cond_broadcast(&r->gate_cv);
	while (!r->go && !r->abort)
		pthread_cond_wait(&r->gate_cv, &r->gate_mu);
	go = !r->abort;
	w->t_last = r->t0;
	pthread_mutex_unlock(&r->gate_mu);
	if (!go)
		return NULL;
	if (w->is_vcpu) {
		while (!stopping(r) && vcpu_advance(r, w))
			;
		return NULL;
	}
	while (!stopping(r) && inval_step(r, w))
		;
	/* Finish the invalidation in flight: a begin without its end would
	 * leave in_progress raised for the audit. */
	while (w->actor.pc == INVAL_PHASE2 || w->actor.pc == INVAL_PHASE3)
		actor_step(&w->actor, &r->env, &w->stats, NULL);
	return NULL;
}

static void free_run(struct stress_run *r)
{
	if (r->vm.st)
		vm_destroy(&r->vm);
	pthread_rwlock_destroy(&r->mmu_lock);
	pthread_mutex_destroy(&r->gate_mu);
	pthread_cond_destroy(&r->gate_cv);
	free(r->w);
	free(r);
}

static int init_lock(struct stress_run *r)
{
	pthread_rwlockattr_t attr;
	int rc;

	/* KVM's mmu_lock is a queued rwlock: a waiting writer stops new
	 * readers. glibc's default prefers readers, which would starve the
	 * invalidators behind a stream of faulting vCPUs. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	rc = pthread_rwlock_init(&r->mmu_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	return rc;
}

static int check_config(const struct stress_config *cfg, char *err,
			size_t errlen)
{
	if (cfg->vcpus < 1) {
		snprintf(err, errlen, "threads: 0 vCPU threads; expected at least 1");
		return -1;
	}
	if (cfg->invalidators > ORACLE_MAX_INFLIGHT) {
		snprintf(err, errlen, "invalidators: %u; expected at most %d",
			 cfg->invalidators, ORACLE_MAX_INFLIGHT);
		return -1;
	}
	if (cfg->vcpus + cfg->invalidators > STRESS_MAX_THREADS) {
		snprintf(err, errlen, "threads: %u vCPUs + %u invalidators; expected "
			 "at most %d threads", cfg->vcpus, cfg->invalidators,
			 STRESS_MAX_THREADS);
		return -1;
	}
	return 0;
}

int stress_start(struct stress_run **out, const struct pattern_world *world,
		 const struct tracker_ops *ops, const struct stress_config *cfg,
		 char *err, size_t errlen)
{
	uint32_t n = cfg->vcpus + cfg->invalidators;
	int cpus[STRESS_MAX_THREADS];
	struct stress_run *r;
	int rc;

	*out = NULL;
	if (check_config(cfg, err, errlen) < 0)
		return -1;
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->cfg = *cfg;
	r->n_threads = n;
	pthread_mutex_init(&r->gate_mu, NULL);
	pthread_cond_init(&r->gate_cv, NULL);
	if (init_lock(r) ||
	    posix_memalign((void **)&r->w, 64, n * sizeof(*r->w)) ||
	    vm_init(&r->vm, &world->layout, ops) < 0) {
		snprintf(err, errlen, "out of memory");
		free_run(r);
		return -1;
	}
	memset(r->w, 0, n * sizeof(*r->w));
	r->vm.mmu_lock = &r->mmu_lock;
	pattern_step_env(world, &r->vm, &r->env);
	r->env.resolve_ns = cfg->resolve_ns;
	r->env.phase2_ns = cfg->phase2_ns;

	if (cfg->placement)
		placement_plan(cfg->placement, n, cpus);
	for (uint32_t i = 0; i < n; i++) {
		struct worker *w = &r->w[i];

		w->run = r;
		w->cpu = cfg->placement ? cpus[i] : -1;
		w->is_vcpu = i < cfg->vcpus;
		/* Actor ids double as random stream ids, vCPUs first, as in
		 * the deterministic engine. */
		if (w->is_vcpu)
			actor_init_vcpu(&w->actor, i, world->params.seed);
		else
			actor_init_invalidator(&w->actor, i, world->params.seed);
		w->prng = rng_stream(world->params.seed ^ PREEMPT_STREAM, i);
	}
	if (cfg->placement)
		r->bind_failures_before = placement_bind_failures(cfg->placement);
	if (cfg->placement && placement_mode(cfg->placement) != PLACEMENT_NONE) {
		r->saved = placement_save_self(cfg->placement);
		placement_bind_self(cfg->placement, r->w[0].cpu);
	}
	for (uint32_t i = 1; i < n; i++) {
		rc = pthread_create(&r->w[i].tid, NULL, thread_main, &r->w[i]);
		if (rc) {
			snprintf(err, errlen, "cannot create thread %u of %u (%s)", i,
				 n, strerror(rc));
			pthread_mutex_lock(&r->gate_mu);
			r->abort = true;
			pthread_cond_broadcast(&r->gate_cv);
			pthread_mutex_unlock(&r->gate_mu);
			for (uint32_t j = 1; j < i; j++)
				pthread_join(r->w[j].tid, NULL);
			if (r->saved)
				placement_restore_self(cfg->placement, r->saved);
			free_run(r);
			return -1;
		}
		r->n_created++;
	}
	pthread_mutex_lock(&r->gate_mu);
	while (r->ready < r->n_created)
		pthread_cond_wait(&r->gate_cv, &r->gate_mu);
	r->t0 = now_ns();
	r->w[0].t_last = r->t0;
	r->go = true;
	pthread_cond_broadcast(&r->gate_cv);
	pthread_mutex_unlock(&r->gate_mu);
	*out = r;
	return 0;
}

uint64_t stress_run_faults(struct stress_run *r, uint64_t n)
{
	struct worker *w = &r->w[0];
	uint64_t start = w->stats.faults, target = start + n;
	uint64_t stall_ns = (uint64_t)(r->cfg.stall_seconds * 1e9);
	uint32_t k = 0;

	while (w->stats.faults < target) {
		if (!vcpu_advance(r, w))
			break; /* workload exhausted */
		if (stall_ns && (++k & 1023) == 0 && now_ns() - w->t_last > stall_ns) {
			r->stalled = true;
			break;
		}
	}
	return w->stats.faults - start;
}

void stress_stop(struct stress_run *r, struct stress_result *out)
{
	struct latency_hist *lat = calloc(1, sizeof(*lat));

	memset(out, 0, sizeof(*out));
	r->t_end = now_ns();
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	for (uint32_t i = 1; i < r->n_threads; i++)
		pthread_join(r->w[i].tid, NULL);
	for (uint32_t i = 0; i < r->n_threads; i++) {
		actor_stats_add(&out->stats, &r->w[i].stats);
		if (lat)
			lat_merge(lat, &r->w[i].lat);
	}
	out->stale_sptes_at_end = vm_audit_stale_sptes(&r->vm);
	out->stale_sptes = out->stale_sptes_at_end + out->stats.stale_replaced;
	for (int i = 0; i < WARN_COUNT; i++) {
		out->warnings[i] = r->vm.st->tracker.warnings[i];
		out->warnings_total += out->warnings[i];
	}
	out->seconds = (double)(r->t_end - r->t0) * 1e-9;
	if (lat) {
		out->lat_count = lat->count;
		out->lat_p50_ns = lat_quantile(lat, 0.50);
		out->lat_p99_ns = lat_quantile(lat, 0.99);
		free(lat);
	}
	out->stalled = r->stalled;
	if (r->cfg.placement) {
		out->unbound_threads = placement_bind_failures(r->cfg.placement) -
				       r->bind_failures_before;
		if (r->saved)
			placement_restore_self(r->cfg.placement, r->saved);
	}
	free_run(r);
}

int stress_run_once(const struct pattern_world *w, const struct tracker_ops *ops,
		    const struct stress_config *cfg, uint64_t n,
		    struct stress_result *out, char *err, size_t errlen)
{
	struct stress_run *r;

	if (stress_start(&r, w, ops, cfg, err, errlen) < 0)
		return -1;
	stress_run_faults(r, n);
	stress_stop(r, out);
	return 0;
}
