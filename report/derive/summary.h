/* The short text a run ends with (and CI logs keep): the safety verdict per
 * pattern and tracker, the headline figures, where the plots are, and the
 * text renderings of plots (a) and (b). Also written to summary.txt. */
#ifndef REPORT_SUMMARY_H
#define REPORT_SUMMARY_H

#include <stdio.h>

#include "report/derive/derive.h"

/* Writes the summary to `out` and to RUN/summary.txt. Returns the number
 * of unsafe results (fn or stale SPTEs) of trackers other than `gfn` -- the
 * one tracker expected to be unsafe -- or -1 on a read error. */
int summary_write(const char *run_dir, const struct derive_info *info,
		  FILE *out);

#endif
