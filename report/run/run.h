/* The default run: a new results folder, every step of a plan as a child
 * process writing into it, then CSVs, plots, the summary, and only at the
 * very end status "complete" and the `latest` link.
 *
 * Interrupts (SIGINT, SIGTERM, SIGHUP): the running child is stopped at
 * once, its temporary output removed, the folder marked "interrupted" with
 * a manifest of what had finished; earlier folders and `latest` are not
 * touched. A SIGKILL of the run itself cannot be caught: its child dies
 * with it (PR_SET_PDEATHSIG), its status stays "running", which every
 * reader treats as incomplete, and only hidden temporary files remain. */
#ifndef REPORT_RUN_H
#define REPORT_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "report/run/run_plan.h"

struct run_options {
	const char *results_root; /* where run folders are created */
	const char *source_dir;   /* for the git sha */
	bool quick;
	bool plots;               /* draw the plots (gnuplot) */
	int argc;                 /* the command line, for the manifest */
	char **argv;
};

/* Returns the exit status: 0 complete and nothing unexpected, 1 a step
 * failed or a safe tracker missed an invalidation, 128+signal when
 * interrupted, 2 when the folder could not be created. */
int run_suite(const struct run_options *o, const struct run_plan *plan,
	      FILE *progress);

#endif
