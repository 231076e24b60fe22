/* Output of `bench explore`: the per-scenario table, the counterexample
 * traces, and the JSON form. One (scenario, tracker) pair may have been
 * explored with the pre-checks on and off: `runs` holds those results, and
 * the table shows one row per run, the JSON one object per tracker with the
 * totals, the shortest counterexample over the runs, and the runs. */
#ifndef EXPLORE_REPORT_H
#define EXPLORE_REPORT_H

#include <stdio.h>

#include "explore/explore.h"
#include "util/json_writer.h"

void report_scenario_header(FILE *out, const struct scenario *sc);
void report_table_header(FILE *out);
void report_table_row(FILE *out, const struct explore_result *r);
/* The shortest counterexample of the runs, if any (NULL when all safe). */
const struct explore_result *report_shortest(const struct explore_result *runs,
					     int n_runs);
void report_trace(FILE *out, const struct scenario_world *w,
		  const struct explore_result *r);
/* The run's shortest schedule to a spurious range retry (or a line saying
 * there is none): explore_options.spurious_trace. */
void report_spurious_trace(FILE *out, const struct explore_result *r);

/* "trackers": {NAME: ...} member for one tracker. */
void report_json_tracker(struct json_writer *j,
			 const struct explore_result *runs, int n_runs);

#endif
