/* Runs one child process (a `bench` subcommand, gnuplot, git) with its stdout
 * and stderr sent to files, and stops it promptly when the user interrupts.
 *
 * Why children and not function calls: each subcommand owns its options,
 * its exit status and its output format; running it as a process of the same
 * binary tests exactly what a user would run, keeps one crashing part from
 * taking the run down, and makes "stop now" a kill() away.
 *
 * Interrupts: child_signals_install() catches SIGINT/SIGTERM/SIGHUP. The
 * handler forwards SIGTERM to the running child's process group at once (so
 * there is no window between checking a flag and waiting), and the wait loop
 * escalates to SIGKILL if the child has not gone after CHILD_GRACE_MS.
 */
#ifndef REPORT_CHILD_H
#define REPORT_CHILD_H

#include <stdbool.h>
#include <stddef.h>

#define CHILD_GRACE_MS 2000

enum child_outcome {
	CHILD_EXITED,      /* ran to the end; see exit_code */
	CHILD_SIGNALED,    /* died of a signal of its own; see exit_code */
	CHILD_TIMED_OUT,   /* killed after its time limit */
	CHILD_INTERRUPTED, /* killed because the user stopped the run */
	CHILD_NOT_STARTED, /* fork/exec/open failed; see err */
};

struct child_spec {
	char *const *argv;       /* argv[0] is the program (path or name) */
	const char *stdout_path; /* NULL: inherit */
	const char *stderr_path; /* NULL: inherit */
	double timeout_s;        /* 0: none */
	bool append;             /* append to the files instead of truncating */
	/* Called about once a second while the child runs (progress). */
	void (*tick)(void *arg, double elapsed_s);
	void *tick_arg;
};

struct child_result {
	enum child_outcome outcome;
	int exit_code; /* exit status, or the signal number */
	double seconds;
};

void child_signals_install(void);
/* The signal that stopped the run, 0 if none. */
int child_stop_signal(void);

void child_run(const struct child_spec *spec, struct child_result *res,
	       char *err, size_t errlen);

/* Path of this very executable, for running its own subcommands. */
const char *child_self_exe(void);

#endif
