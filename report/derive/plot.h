/* Draws a run's plots with gnuplot: each report/derive/plots/ script (.gp)
 * is run once per terminal (pngcairo, svg, and `dumb` text for logs),
 * reading the CSVs derive_all() wrote. Outputs go through temporary names,
 * like every other file of a run. */
#ifndef REPORT_PLOT_H
#define REPORT_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "report/derive/derive.h"

struct plot_def {
	const char *id;     /* "a" ... "f" */
	const char *stem;   /* output name without extension */
	const char *script; /* in REPORT_PLOTS_DIR */
	const char *title;
	int width, height;  /* pixels (svg, png) */
};

extern const struct plot_def plot_defs[];
extern const size_t plot_defs_len;

/* Why a plot cannot be drawn from this run (missing input), or NULL. */
const char *plot_missing_input(const struct plot_def *p,
			       const struct derive_info *info);

/* Draws every plot whose input exists; prints one line per plot to `log`
 * (drawn, or skipped and why). Returns the number of plots that failed to
 * draw (a missing input is not a failure), -1 if gnuplot is absent. */
int plot_all(const char *run_dir, const struct derive_info *info, FILE *log);

/* Directory of the .gp scripts (build-time source path). */
const char *plot_scripts_dir(void);

#endif
