/* The threaded engine: a pattern's actors on real threads and a real
 * reader/writer mmu_lock.
 *
 * It runs the model's actor steps and nothing else of the protocol (an
 * invalidator's through actor_step(), a vCPU's an access at a time through
 * actor_vcpu_run(), or a step at a time under --preempt): each
 * thread owns one actor and its own struct actor_stats, vm->mmu_lock points
 * at a pthread rwlock, and step_env's resolve_ns/phase2_ns give the page
 * lookup and the host's page change real durations. The oracle stays exact:
 * its in-flight set only changes under the write lock, so the check under
 * the read lock sees it exactly.
 *
 * vCPU 0 runs on the calling thread, so that a benchmark body can drive it
 * from its timing loop (one iteration = one completed fault of vCPU 0);
 * the other vCPUs and the invalidators run on threads of their own until
 * stress_stop(). Time in the patterns is counted in scheduler steps; here an
 * invalidator's idle gap step and each phase-2 step after the first sleep
 * step_ns, so the patterns' proportions carry over.
 */
#ifndef STRESS_ENGINE_H
#define STRESS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pattern.h"
#include "model/oracle.h"
#include "model/tracker.h"
#include "stress/placement.h"

#define STRESS_MAX_THREADS 256

struct stress_config {
	uint32_t vcpus;        /* >= 1; vCPU 0 is the calling thread */
	uint32_t invalidators; /* <= ORACLE_MAX_INFLIGHT */
	uint64_t resolve_ns;   /* busy work of one page lookup */
	uint64_t phase2_ns;    /* busy work when the host starts changing pages */
	uint64_t step_ns;      /* invalidators: length of one idle/phase-2 step */
	/* Fault injection: between steps, a random sched_yield (1 in 16) or a
	 * 1-50 us sleep (1 in 1024), to shake out orderings the scheduler
	 * rarely produces. Off by default. */
	bool preempt;
	uint64_t seed;
	struct placement *placement; /* NULL: no binding */
	double stall_seconds;  /* vCPU 0 without a completed fault this long:
				* stress_run_faults gives up (0: never) */
};

/* Sensible defaults; see stress_config_defaults() in engine.c for why. */
void stress_config_defaults(struct stress_config *c);

struct stress_result {
	struct actor_stats stats;    /* summed over every actor */
	uint64_t stale_sptes_at_end; /* vm_audit_stale_sptes() after the run */
	uint64_t stale_sptes;        /* at end + stale ones zapped/overwritten */
	uint64_t warnings[WARN_COUNT];
	uint64_t warnings_total;
	double seconds;              /* wall time, start to stop */
	uint64_t lat_count;          /* completed faults timed */
	uint64_t lat_p50_ns, lat_p99_ns;
	unsigned long unbound_threads; /* binds that failed */
	bool stalled;                /* stress_run_faults gave up */
};

struct stress_run;

/* Builds the VM, binds the caller (saving its binding), starts the other
 * threads and waits until all are ready. Returns 0, or -1 with err set. */
int stress_start(struct stress_run **out, const struct pattern_world *w,
		 const struct tracker_ops *ops, const struct stress_config *cfg,
		 char *err, size_t errlen);

/* Runs vCPU 0 on the calling thread until n more of its faults completed.
 * Returns the number completed: less than n only when it stalled. */
uint64_t stress_run_faults(struct stress_run *r, uint64_t n);

/* Stops every thread (invalidators first finish the invalidation they are
 * in, so none is left half done), joins them, audits, restores the caller's
 * binding and frees the run. */
void stress_stop(struct stress_run *r, struct stress_result *out);

/* Convenience for tests and one-shot use: start, n faults of vCPU 0, stop. */
int stress_run_once(const struct pattern_world *w, const struct tracker_ops *ops,
		    const struct stress_config *cfg, uint64_t n,
		    struct stress_result *out, char *err, size_t errlen);

#endif
