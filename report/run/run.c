#include "report/run/run.h"

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "report/common/atomic_file.h"
#include "report/derive/derive.h"
#include "report/common/layout.h"
#include "report/derive/plot.h"
#include "report/common/results_dir.h"
#include "report/run/run_step.h"
#include "report/derive/summary.h"
#include "util/json_writer.h"

#define PATHLEN 4096

struct run_state {
	char dir[PATHLEN];
	char sha[64];
	time_t started;
	struct step_report *reports;
	size_t done; /* steps that ran (any outcome) */
	int failed, findings;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "model name" of /proc/cpuinfo; "" where there is none (not x86). */
static void cpu_model(char *out, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(out, len, "%s", colon + 2);
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

/* What ran, how, and how each step ended. `bench compare` reads only
 * "suite" from it (a quick run is not comparable with a full one). */
static void write_manifest(const struct run_options *o,
			   const struct run_plan *plan,
			   const struct run_state *st, const char *status)
{
	char path[PATHLEN + 32], err[512], when[32], host[256] = "";
	struct atomic_file af;
	struct json_writer j;
	struct utsname u;

	snprintf(path, sizeof(path), "%s/%s", st->dir, LAYOUT_MANIFEST);
	if (atomic_open(&af, path, err, sizeof(err)) < 0)
		return;
	gethostname(host, sizeof(host) - 1);
	json_init(&j, af.f, true);
	json_begin_object(&j, NULL);
	json_string(&j, "suite", o->quick ? "quick" : "full");
	json_string(&j, "status", status);
	json_string(&j, "git", st->sha);
	iso_time(st->started, when, sizeof(when));
	json_string(&j, "started", when);
	iso_time(time(NULL), when, sizeof(when));
	json_string(&j, "finished", when);
	json_string(&j, "host", host);
	if (uname(&u) == 0) {
		json_string(&j, "kernel", u.release);
		json_string(&j, "machine", u.machine);
	}
	json_u64(&j, "online_cpus", (uint64_t)sysconf(_SC_NPROCESSORS_ONLN));
	cpu_model(host, sizeof(host));
	json_string(&j, "cpu_model", host);
	json_begin_array(&j, "argv");
	for (int i = 0; i < o->argc; i++)
		json_string(&j, NULL, o->argv[i]);
	json_end_array(&j);
	json_begin_array(&j, "files");
	for (size_t i = 0; i < st->done; i++) {
		const struct run_step *s = &plan->steps[i];
		const struct step_report *r = &st->reports[i];

		json_begin_object(&j, NULL);
		json_string(&j, "step", s->label);
		json_string(&j, "command", s->command);
		json_begin_array(&j, "args");
		for (int a = 0; a < s->n_args; a++)
			json_string(&j, NULL, s->args[a]);
		json_end_array(&j);
		json_string(&j, "output", s->out_rel);
		json_string(&j, "outcome", step_outcome_names[r->outcome]);
		json_double(&j, "seconds", r->child.seconds);
		if (r->detail[0])
			json_string(&j, "detail", r->detail);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_begin_array(&j, "skipped");
	for (int i = 0; i < plan->n_skipped; i++)
		json_string(&j, NULL, plan->skipped[i]);
	json_end_array(&j);
	json_end_object(&j);
	json_finish(&j);
	atomic_commit(&af, err, sizeof(err));
}

static int interrupted(const struct run_options *o, const struct run_plan *plan,
		       struct run_state *st, FILE *progress)
{
	char err[512];
	int sig = child_stop_signal();

	write_manifest(o, plan, st, "interrupted");
	results_set_status(st->dir, "interrupted", err, sizeof(err));
	fprintf(progress, "\ninterrupted by signal %d: %s is marked interrupted; "
		"earlier results and `latest` are untouched\n", sig, st->dir);
	return 128 + sig;
}

static int run_steps(const struct run_plan *plan, struct run_state *st,
		     FILE *progress)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct run_step *s = &plan->steps[i];
		struct step_report *r = &st->reports[i];

		char prefix[160];
		bool tty = isatty(fileno(progress));
		struct step_progress sp = { tty ? progress : NULL, prefix };

		snprintf(prefix, sizeof(prefix), "[%2zu/%zu] %-28s ", i + 1,
			 plan->n, s->label);
		fputs(prefix, progress);
		fflush(progress);
		run_step_exec(st->dir, s, &sp, r);
		if (r->outcome == STEP_INTERRUPTED)
			return -1;
		st->done = i + 1;
		/* On a terminal the line may have been redrawn: draw it anew. */
		if (tty)
			fprintf(progress, "\r\033[K%s", prefix);
		fprintf(progress, "%-8s %6.1f s%s%s\n",
			step_outcome_names[r->outcome], r->child.seconds,
			r->detail[0] ? "  " : "", r->detail);
		st->failed += r->outcome == STEP_FAILED;
		st->findings += r->outcome == STEP_FINDINGS;
	}
	return 0;
}

int run_suite(const struct run_options *o, const struct run_plan *plan,
	      FILE *progress)
{
	struct run_state st = { .started = time(NULL) };
	struct derive_info info;
	char err[1024];
	double t0 = now_s();
	int unexpected = 0, plot_failed = 0;
	const char *status;

	child_signals_install();
	results_git_sha(o->source_dir, st.sha, sizeof(st.sha));
	if (results_create_run(o->results_root, st.sha, st.started, st.dir,
			       sizeof(st.dir), err, sizeof(err)) < 0) {
		fprintf(stderr, "bench run: %s\n", err);
		return 2;
	}
	st.reports = calloc(plan->n ? plan->n : 1, sizeof(*st.reports));
	if (!st.reports) {
		fprintf(stderr, "bench run: out of memory\n");
		return 2;
	}
	fprintf(progress, "bench run (%s suite): %zu steps into %s\n",
		o->quick ? "quick" : "full", plan->n, st.dir);
	for (int i = 0; i < plan->n_skipped; i++)
		fprintf(progress, "  note: skipped %s\n", plan->skipped[i]);
	write_manifest(o, plan, &st, "running");

	if (run_steps(plan, &st, progress) < 0 || child_stop_signal()) {
		int rc = interrupted(o, plan, &st, progress);

		free(st.reports);
		return rc;
	}
	fprintf(progress, "deriving CSVs and drawing plots\n");
	if (derive_all(st.dir, &info, err, sizeof(err)) < 0) {
		fprintf(progress, "  CSV: %s\n", err);
		st.failed++;
	} else if (o->plots) {
		plot_failed = plot_all(st.dir, &info, progress);
		/* No gnuplot (-1) is a missing tool, not a broken result: the
		 * CSVs are there and `bench plot` draws them later. */
		if (plot_failed > 0)
			st.failed++;
	}
	if (child_stop_signal()) {
		int rc = interrupted(o, plan, &st, progress);

		free(st.reports);
		return rc;
	}
	fputc('\n', progress);
	unexpected = summary_write(st.dir, &info, stdout);

	/* Complete only now: a reader never sees a folder called complete
	 * while something is still being written into it. */
	status = st.failed ? "failed" : "complete";
	write_manifest(o, plan, &st, status);
	if (results_set_status(st.dir, status, err, sizeof(err)) < 0) {
		fprintf(progress, "%s\n", err);
		st.failed++;
	} else if (!st.failed &&
		   results_point_latest(o->results_root, st.dir, err,
					sizeof(err)) < 0) {
		fprintf(progress, "%s\n", err);
	}
	fprintf(progress, "\n%s: %s in %.1f s%s\n", st.dir, status, now_s() - t0,
		st.failed ? " (failed steps above; `latest` not moved)" : "");
	if (unexpected > 0)
		fprintf(progress, "UNEXPECTED: %d result(s) where a safe tracker "
			"missed an invalidation (see Safety above)\n", unexpected);
	free(st.reports);
	return st.failed || st.findings || unexpected > 0 ? 1 : 0;
}
