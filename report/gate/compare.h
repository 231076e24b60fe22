/* `bench compare BASE NEW`: the regression gate.
 *
 * BASE and NEW are two results folders (or two JSON files of one kind).
 * Deterministic outputs (sim, explore) are compared exactly: every counter
 * outside the timing keys must be equal, and any change is a finding.
 * Google Benchmark outputs are compared per benchmark: the safety counters
 * (fn, stale_sptes) must not become non-zero; timings are compared over
 * repetitions with a two-sided Mann-Whitney U test and a threshold.
 *
 * Exit status: 0 nothing regressed, 1 at least one finding (each named with
 * the file, benchmark or tracker, counter, old and new value), 2 bad input
 * (missing file, not the suite's JSON, incomplete run, mismatched suites):
 * one message, and nothing on stdout before it.
 */
#ifndef REPORT_COMPARE_H
#define REPORT_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

struct compare_options {
	double threshold_pct; /* a timing must be this much worse to count */
	double alpha;         /* significance level of the U test */
	int max_lines;        /* findings printed per file before "...more" */
};

void compare_defaults(struct compare_options *o);

/* Returns the exit status; the report goes to out, the bad-input message
 * to errout. */
int compare_run(const char *base, const char *new_path,
		const struct compare_options *o, FILE *out, FILE *errout);

#endif
