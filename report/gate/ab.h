/* `bench compare --ab=REV`: this build against REV built in a temporary
 * git worktree, their benchmark runs interleaved on one machine.
 *
 * Why: wall clock on a shared machine drifts between runs minutes apart
 * (a baseline recorded yesterday is no ceiling), but two builds measured
 * turn about, within the same minutes, see the same load. Each round runs
 * both builds' check/, check_inflight/, path/ and sim/ benchmarks (the
 * order alternates between rounds), their repetitions are merged, and the
 * pair is compared like two results folders: instruction counts
 * (`bench icount`, once each), same-run ratios, and absolute timings, which
 * are gated here (default 10%, U test over the rounds) because the runs
 * were interleaved. */
#ifndef REPORT_AB_H
#define REPORT_AB_H

#include <stdio.h>

#include "report/gate/compare.h"

#define AB_DEFAULT_ROUNDS 4
#define AB_DEFAULT_THRESHOLD_PCT 10.0

/* src: the source tree (a git work tree) whose history holds rev; self:
 * this build's bench. Progress goes to errout. Returns the exit status of
 * the comparison (0, 1), or 2 with one line on errout. */
int compare_ab(const char *src, const char *self, const char *rev, int rounds,
	       const struct compare_options *o, FILE *out, FILE *errout);

#endif
