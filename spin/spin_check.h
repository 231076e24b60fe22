/* Runs the Promela model of spin/model/ through spin, for one scenario and
 * tracker, and reports what the explorer reports: a verdict, the states
 * explored, the time, and on a violation the counterexample as steps.
 *
 * Why spin at all: the in-house explorer (explore/) saying "safe" needs an
 * independent witness. The Promela model is written from SPEC, not from
 * the C model, with the same step granularity and oracle, so the two must
 * agree on every scenario x tracker; a disagreement is a bug in one of them.
 *
 * Each call works in a fresh temporary directory: it writes a model.pml
 * that selects the tracker, holds the world generated from the scenario
 * file (spin_world.c), and #includes the model
 * (found through the compiled-in SPIN_MODEL_DIR), runs `spin -a`, compiles
 * pan.c with gcc, runs ./pan, and on a violation replays the trail with
 * `spin -t`. Nothing is written outside that directory, so calls may run
 * side by side. Needs spin and gcc on PATH (spin_available() says).
 */
#ifndef SPIN_SPIN_CHECK_H
#define SPIN_SPIN_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;

struct scenario;

/* Scenarios are the explorer's files (explore/scenario.h): the world is
 * generated from them. A tracker has a Promela model when
 * spin/model/trackers/NAME.pml exists (the only registration on the spin
 * side). "seqonly" is one too: a deliberately broken tracker that shows the
 * assertions can fire. */
bool spin_tracker_has_model(const char *tracker);
/* "spin/model/trackers/NAME.pml": where to add one, for messages. */
void spin_tracker_model_file(const char *tracker, char *buf, size_t len);

struct spin_opts {
	bool early_check; /* Linux 6.8+ lock-free pre-checks (default: on) */
	bool audit_only;  /* check only the end audit (no stale SPTE at the end),
			   * not "truly stale implies retry" at the check */
	bool keep_dir;    /* leave the work directory (for debugging) */
	bool quick_build; /* gcc -O0 instead of -O2: builds pan about 4x
			   * faster, verifies slower; for tests, not figures */
};

#define SPIN_MAX_STEPS 96
#define SPIN_STEP_LEN 128

struct spin_verdict {
	bool violation;          /* pan found an assertion violation */
	char property[96];       /* which safety property failed, or "" */
	char pan_error[256];     /* pan's own error line, or "" */
	uint64_t states_stored;
	uint64_t states_matched;
	uint64_t transitions;
	uint64_t depth;          /* depth reached */
	double verify_seconds;   /* wall time of ./pan: the figure to compare
				  * with the explorer's exploration time */
	double build_seconds;    /* spin -a and gcc, paid once per model */
	double pan_seconds;      /* pan's own "elapsed time" (coarse) */
	/* The counterexample, one line per protocol step (several lines for a
	 * step that does several things, e.g. phase 1), in trail order. */
	uint32_t n_steps;
	bool steps_truncated;
	char steps[SPIN_MAX_STEPS][SPIN_STEP_LEN];
	char dir[256];           /* the work directory, when keep_dir */
};

void spin_opts_default(struct spin_opts *o);

/* True when spin and gcc are on PATH; else false with the reason in why. */
bool spin_available(char *why, size_t len);

/* Verifies `scenario` under `tracker` with the default options.
 * Returns 0 with *out filled (a violation is a result, not an error), or -1
 * with err saying what went wrong (unknown name, spin or gcc missing or
 * failing, pan reporting something other than an assertion, such as an
 * invalid end state or a truncated search: those are model bugs). */
int spin_check(const char *scenario, const char *tracker,
	       struct spin_verdict *out, char *err, size_t errlen);
int spin_check_opts(const char *scenario, const char *tracker,
		    const struct spin_opts *opts, struct spin_verdict *out,
		    char *err, size_t errlen);
/* The same for a loaded scenario (a user's file): errors also name what the
 * Promela model cannot express (spin/spin_world.h). */
int spin_check_world(const struct scenario *sc, const char *tracker,
		     const struct spin_opts *opts, struct spin_verdict *out,
		     char *err, size_t errlen);

/* The counterexample, one numbered line per step (nothing when none). */
void spin_verdict_print_steps(FILE *out, const struct spin_verdict *v);

/* The verdict as a JSON object under `key`, for commands that report. */
void spin_verdict_write_json(struct json_writer *w, const char *key,
			     const struct spin_verdict *v);

/* `bench explore --vs-spin`: the explorer and spin side by side, one table,
 * exit 1 on any disagreement. Lives in bench/cmd_explore_vs_spin.c (it needs
 * both libraries); bench/cmd_explore.c calls it when --vs-spin is given,
 * with its own argc/argv (argv[0] the subcommand name). */
int cmd_explore_vs_spin(int argc, char **argv);

#endif
