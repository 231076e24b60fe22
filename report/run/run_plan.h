/* What the default run (`bench` / `bench run`) does, as a list of child
 * processes of the same binary. Building the list is kept apart from running
 * it so `bench run --dry-run` can print it and the tests can inspect it. */
#ifndef REPORT_RUN_PLAN_H
#define REPORT_RUN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define STEP_MAX_ARGS 16
#define RUN_DIR_ARG "@run/"

enum step_kind {
	STEP_STDOUT_JSON, /* the child prints one JSON document on stdout */
	STEP_GBENCH_OUT,  /* Google Benchmark: --benchmark_out=FILE */
	STEP_JSON_SPLIT,  /* stdout is an array of objects (or one object):
			   * each goes to DIR/<value of split_key>.json */
	STEP_GBENCH_MERGE, /* no child: the parts_prefix<i>.json of earlier
			    * steps become one Google Benchmark JSON with
			    * repetitions 0..n_parts-1 */
};

struct run_step {
	char label[96];     /* for progress lines */
	char log[96];       /* log file name stem ("" : from the label); the
			     * repetitions of one step share one log */
	bool log_append;
	const char *command;           /* bench subcommand */
	char *args[STEP_MAX_ARGS + 1]; /* after the subcommand; owned */
	int n_args;
	char out_rel[256];  /* file (or folder, STEP_JSON_SPLIT) in the run */
	/* An argument starting with RUN_DIR_ARG has it replaced by the run's
	 * folder when the step runs (an input an earlier step wrote). */
	const char *split_key;
	char parts_prefix[128]; /* STEP_GBENCH_MERGE */
	int n_parts;
	enum step_kind kind;
	double timeout_s;
	bool optional;      /* failing is a note, not a failed run */
};

struct run_plan {
	struct run_step *steps;
	size_t n, cap;
	char skipped[8][160]; /* subcommands not built yet, and why */
	int n_skipped;
};

struct plan_options {
	bool quick;
	uint64_t repetitions;          /* stress --benchmark_repetitions */
	const char *const *patterns;   /* the sim's pattern names, NULL-ended */
	const char *const *vm_presets; /* vms/ presets, NULL-ended (may be NULL) */
	bool (*available)(const char *command); /* in commands.def? */
};

int plan_build(const struct plan_options *o, struct run_plan *p);
void plan_free(struct run_plan *p);
/* One line per step: what would run. */
void plan_print(const struct run_plan *p, FILE *out);

#endif
