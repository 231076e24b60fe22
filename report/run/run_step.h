/* Runs one step of a plan into a run folder: temporary output, child
 * process, validation of what it wrote, then the atomic rename. */
#ifndef REPORT_RUN_STEP_H
#define REPORT_RUN_STEP_H

#include <stddef.h>

#include "report/common/child.h"
#include "report/run/run_plan.h"

enum step_outcome {
	STEP_OK,
	STEP_FINDINGS,    /* exit 1 with valid output: kept, run fails */
	STEP_FAILED,      /* no usable output */
	STEP_SKIPPED,     /* optional step that could not run here */
	STEP_INTERRUPTED,
};

extern const char *const step_outcome_names[];

struct step_report {
	enum step_outcome outcome;
	struct child_result child;
	char detail[1024]; /* why it failed, for the progress line */
};

/* `live`: a terminal to redraw `prefix` on once a second with the elapsed
 * time and the last line of the child's log; NULL for none (a CI log gets
 * one line per step, no redraws). */
struct step_progress {
	FILE *live;
	const char *prefix;
};

void run_step_exec(const char *run_dir, const struct run_step *s,
		   const struct step_progress *p, struct step_report *r);

#endif
