/* `bench compare BASE NEW`: the regression gate.
 *
 * BASE and NEW are two results folders (or two JSON files of one kind).
 * Deterministic outputs (sim, explore) are compared exactly: every counter
 * outside the timing keys must be equal, and any change is a finding.
 * Instruction counts (icount.json) must not grow by more than icount_pct.
 * Google Benchmark outputs are compared per benchmark: the safety counters
 * (fn, stale_sptes) must not become non-zero; time is gated as same-run
 * ratios (check/X / check/nop, path/X / path/nop, path/nop / check/nop,
 * sim/X / sim/nop) at
 * ratio_pct; absolute timings only when a threshold is given, then with a
 * two-sided Mann-Whitney U test over repetitions.
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

/* The defaults, from 10 runs of one commit on this project's 2-core VMs
 * (report/README.md, "Thresholds"): instruction counts did not move at all;
 * the same-run ratios moved by at most RATIO_SPREAD (see there). */
#define COMPARE_ICOUNT_PCT 1.0
#define COMPARE_RATIO_PCT 120.0

struct compare_options {
	/* An absolute timing must be this much worse to count; < 0 (the
	 * default): absolute timings are reported, never gated (they move
	 * up to 10x between runs on a shared machine). */
	double threshold_pct;
	double icount_pct;    /* instructions per op: more than this is a finding */
	double ratio_pct;     /* a same-run time ratio: worse by more than this */
	double alpha;         /* significance level of the U test */
	int max_lines;        /* findings printed per file before "...more" */
};

void compare_defaults(struct compare_options *o);

/* Returns the exit status; the report goes to out, the bad-input message
 * to errout. */
int compare_run(const char *base, const char *new_path,
		const struct compare_options *o, FILE *out, FILE *errout);

#endif
