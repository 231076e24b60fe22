/* The `bench stress` benchmark suite: registers the stress/, check/, path/
 * and shim/ benchmarks with Google Benchmark (through the shim), describes
 * the machine in the JSON context, and summarises the safety facts after
 * the run.
 *
 * Names are stable; they are the keys of every regression comparison:
 *   stress/<pattern>/<tracker>/threads:<n>   n vCPU threads plus the
 *       pattern's invalidator threads; one iteration = one completed fault
 *       of vCPU 0
 *   check/<tracker>, check/nop               the retry check, read lock held
 *   path/<tracker>, path/nop, path/rwlock     one fault attempt, one thread
 *   shim/batch, shim/single                  the shim's own loop overhead
 */
#ifndef STRESS_SUITE_H
#define STRESS_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stress/engine.h"
#include "stress/placement.h"

#define SUITE_MAX_THREAD_COUNTS 16

struct suite_opts {
	struct stress_config base;  /* timing knobs, preempt, placement */
	uint64_t seed;
	/* A stress run (one iteration-count probe) stops working after this
	 * long and reports capped=1; 0: no cap. Set it to 5x the min time:
	 * Google Benchmark then takes that probe as final. Why: it sizes
	 * probes by vCPU 0's CPU time, which under overcommit or a retry
	 * storm is a small and erratic part of the wall time. */
	double probe_cap_seconds;
	unsigned n_thread_counts;   /* vCPU thread counts, each >= 1 */
	uint32_t thread_counts[SUITE_MAX_THREAD_COUNTS];
	/* Candidate trackers (ops->candidate) on every pattern and thread
	 * count too; default: only suite_candidate_runs(). */
	bool all_candidates;
};

/* Whether the stress suite runs candidate ops on pattern p at the k-th of
 * n thread counts by default: the patterns where union retries spuriously
 * (alias, concurrent, mixed) at the last (largest) thread count. */
bool suite_candidate_runs(int pattern, unsigned k, unsigned n);

/* The default thread counts: 1 and the allowed CPU count (once if equal). */
void suite_default_thread_counts(struct suite_opts *o, unsigned allowed);

/* Registers every benchmark. Returns 0, or -1 with err set. */
int suite_register(const struct suite_opts *o, char *err, size_t errlen);

/* Machine, topology, placement and engine settings for the JSON context. */
void suite_add_context(const struct suite_opts *o);

/* Prints which trackers missed invalidations (fn, stale SPTEs) in the
 * stress benchmarks that ran. Returns the number of runs of trackers that
 * must never miss one (every tracker but gfn) that did. */
unsigned suite_summary(FILE *out);

void suite_free(void);

/* Binds the benchmark's main thread to the first planned CPU; the returned
 * token restores its old binding (NULL: nothing to restore). */
struct placement_saved *suite_bind_main(struct placement *p);
void suite_unbind_main(struct placement *p, struct placement_saved *s);

/* check/, path/ and shim/ (microbench.c). */
int microbench_register(struct placement *p, char *err, size_t errlen);
void microbench_free(void);

#endif
