/* The outputs of `bench live --sweep`: the table (points, split, fit,
 * held-out errors, the headline ratio) and the JSON object live.json keeps
 * (report/derive_live.c turns it into plot (f)). */
#ifndef LIVE_SWEEP_REPORT_H
#define LIVE_SWEEP_REPORT_H

#include <stdio.h>

#include "live/calib.h"
#include "live/sweep.h"

/* c may be NULL (skipped). */
void live_sweep_print_text(FILE *out, const struct live_sweep *sw,
			   const struct live_calib *c);

/* {kernel, measured: null, model: null, skipped, sweep: {...}, ...}. */
void live_sweep_print_json(FILE *out, const struct live_sweep *sw,
			   const struct live_calib *c, double total_seconds);

#endif
