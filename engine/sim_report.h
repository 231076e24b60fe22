/* Printing `bench sim` results: a table for people, JSON for tools. */
#ifndef ENGINE_SIM_REPORT_H
#define ENGINE_SIM_REPORT_H

#include <stdio.h>

#include "engine/sim.h"

void sim_print_table(FILE *out, const struct pattern_world *w,
		     const struct sim_result *r, size_t n, uint64_t steps);
void sim_print_json(FILE *out, const struct pattern_world *w,
		    const struct sim_result *r, size_t n, uint64_t steps);

/* Retries-per-gfn histogram in log2 buckets: bucket 0 counts gfns with no
 * retry, bucket k >= 1 gfns with [2^(k-1), 2^k) retries. */
#define SIM_HIST_BUCKETS 34
void sim_retry_histogram(const struct sim_result *r,
			 uint64_t hist[SIM_HIST_BUCKETS]);

#endif
