/* The outputs of `bench live`: a short table, the JSON object (stdout with
 * --json, and the results file), and the data file live/live.gp plots. */
#ifndef LIVE_REPORT_H
#define LIVE_REPORT_H

#include <stdio.h>

#include "live/measure.h"
#include "live/predict.h"

/* `pred` may be NULL (skipped, or the model failed). */
void live_print_text(FILE *out, const struct live_report *r,
		     const struct live_prediction *pred);

/* {measured, model, skipped, ...}; measured and model are null when
 * skipped. `total_seconds`: the whole command, model included. */
void live_print_json(FILE *out, const struct live_report *r,
		     const struct live_prediction *pred, double total_seconds,
		     bool pretty);

/* Two gnuplot blocks (see live/live.gp): per-layout medians and ranges,
 * then the measured and predicted ratios. Returns 0 or -1 (write error). */
int live_write_dat(FILE *out, const struct live_report *r,
		   const struct live_prediction *pred);

#endif
