/* `bench live`: the live-kernel cross-check. Measures the machine's own KVM
 * page-fault retries for aliased slots against a control layout (live/), and
 * prints the deterministic engine's prediction for the same layout beside
 * it. A host that cannot measure gets one line saying why, and exit 0. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench/commands.h"
#include "live/calib.h"
#include "live/measure.h"
#include "live/predict.h"
#include "live/report.h"
#include "live/sweep.h"
#include "live/sweep_report.h"
#include "util/opts.h"

#define MODEL_STEPS_MAX 20000000ULL /* about 3 s: keeps the command < 60 s */

struct live_cli {
	struct live_params p;
	bool json;
	const char *out;
	const char *dat;
	uint64_t model_steps;
	bool sweep;
	const char *sweep_file;
};

/* The sweep's own limit: it is opt-in, but a typo must not hold the
 * machine for an hour. */
#define SWEEP_BUDGET_SECONDS 900.0

/* OPT_CHOICE wants a NULL-terminated list. */
static const char *live_mech_names_list[LM_COUNT + 1];

static void fill_mech_names(void)
{
	for (int k = 0; k < LM_COUNT; k++)
		live_mech_names_list[k] = live_mech_names[k];
	live_mech_names_list[LM_COUNT] = NULL;
}

static void build_table(struct live_cli *c, struct opt_spec *t)
{
	size_t n = 0;
	struct live_params *p = &c->p;

	t[n++] = (struct opt_spec){ .name = "json", .type = OPT_FLAG,
		.dest = &c->json, .help = "print JSON instead of a table" };
	t[n++] = (struct opt_spec){ .name = "out", .type = OPT_STRING,
		.dest = &c->out, .help = "also write the JSON to this file "
		"(e.g. results/live.json)" };
	t[n++] = (struct opt_spec){ .name = "dat", .type = OPT_STRING,
		.dest = &c->dat, .help = "write the data file live/live.gp "
		"plots (e.g. results/live.dat)" };
	t[n++] = (struct opt_spec){ .name = "runs", .type = OPT_U64,
		.dest = &p->runs, .min = 1, .max = LIVE_MAX_RUNS,
		.help = "interleaved runs per layout (medians over them)" };
	t[n++] = (struct opt_spec){ .name = "seconds", .type = OPT_DOUBLE,
		.dest = &p->seconds, .dmin = 0.05, .dmax = 5.0,
		.help = "length of one run" };
	t[n++] = (struct opt_spec){ .name = "pages", .type = OPT_U64,
		.dest = &p->pages, .min = LIVE_MIN_PAGES, .max = LIVE_MAX_PAGES,
		.help = "pages the guest faults per pass" };
	t[n++] = (struct opt_spec){ .name = "inval-pages", .type = OPT_U64,
		.dest = &p->inval_pages, .min = 1, .max = LIVE_MAX_PAGES,
		.help = "pages one madvise drops (alias: size of slots A and B)" };
	t[n++] = (struct opt_spec){ .name = "alias-distance", .type = OPT_U64,
		.dest = &p->alias_distance, .min = 1, .max = LIVE_MAX_DISTANCE,
		.help = "gfns from slot A to its alias B" };
	t[n++] = (struct opt_spec){ .name = "slots", .type = OPT_U64,
		.dest = &p->slots, .min = 2, .max = LIVE_MAX_SLOTS - 1,
		.help = "multislot: adjacent slots the guest faults across" };
	t[n++] = (struct opt_spec){ .name = "calib-pages", .type = OPT_U64,
		.dest = &p->calib_pages, .min = 1, .max = 65536,
		.help = "fresh pages of the calibration pass" };
	t[n++] = (struct opt_spec){ .name = "inval-touch", .type = OPT_FLAG,
		.dest = &p->inval_touch, .help = "populate the pages before "
		"each drop (=0: drop empty memory in a tight loop)" };
	t[n++] = (struct opt_spec){ .name = "inval-gap-us", .type = OPT_U64,
		.dest = &p->inval_gap_us, .min = 0, .max = 100000,
		.help = "pause between two drops, microseconds" };
	t[n++] = (struct opt_spec){ .name = "plain", .type = OPT_FLAG,
		.dest = &p->plain, .help = "also measure the single and "
		"multislot layouts (=0: aliased and control only)" };
	t[n++] = (struct opt_spec){ .name = "mechanism", .type = OPT_CHOICE,
		.dest = &p->mech, .choices = live_mech_names_list,
		.help = "how the host invalidates A's memory (aliased and "
		"control layouts)" };
	t[n++] = (struct opt_spec){ .name = "a-slots", .type = OPT_U64,
		.dest = &p->a_slots, .min = 1, .max = LIVE_MAX_SLOTS - 3,
		.help = "memslots A is split into (each invalidation crosses "
		"them all)" };
	t[n++] = (struct opt_spec){ .name = "sweep", .type = OPT_FLAG,
		.dest = &c->sweep, .help = "the calibration sweep instead: "
		"every layout and mechanism, --runs x --seconds each, the "
		"model fitted on the training points and tested on the "
		"held-out ones (opt-in: minutes)" };
	t[n++] = (struct opt_spec){ .name = "sweep-file", .type = OPT_STRING,
		.dest = &c->sweep_file, .help = "with --sweep: the points to "
		"measure (format: the header of live/sweep.points, the "
		"default)" };
	t[n++] = (struct opt_spec){ .name = "model-steps", .type = OPT_U64,
		.dest = &c->model_steps, .min = 1000, .max = MODEL_STEPS_MAX,
		.help = "deterministic engine steps per tracker and layout" };
	t[n++] = (struct opt_spec){ .name = "device", .type = OPT_STRING,
		.dest = &p->device, .help = "the KVM device" };
	t[n] = (struct opt_spec)OPT_END;
}

static void usage(const struct opt_spec *t)
{
	printf("usage: bench live [OPTIONS]\n"
	       "Measures this machine's KVM page-fault retries (pf_taken - "
	       "pf_fixed -\npf_emulate - pf_spurious) with a guest faulting "
	       "between two slots that\nalias one host memory, against a "
	       "control where they do not, and prints\nthe model's union and "
	       "hva predictions for the same layout. Without a\nusable "
	       "/dev/kvm it prints why and exits 0.\n\n"
	       "With --sweep it measures the layouts and invalidation "
	       "mechanisms of a point\nfile (live/sweep.points, or "
	       "--sweep-file) in interleaved rounds instead, fits\nthe "
	       "model's timing factors on the file's training points and "
	       "predicts the\nheld-out ones (live/calib.h).\n\n");
	opts_usage(t, stdout);
}

static FILE *open_output(const char *opt, const char *path)
{
	FILE *f;

	if (!path)
		return NULL;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "bench live: --%s: cannot write '%s'; expected a "
			"writable file path\n", opt, path);
	return f;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct live_sweep sw;

/* Builds the point list and checks the sweep's length: bad input, before
 * any output file is created. Returns 0 or 2. */
static int check_sweep(struct live_cli *c)
{
	char err[OPTS_ERR_MAX];
	double budget;

	if (live_sweep_points(&sw, &c->p, c->p.runs, c->p.seconds,
			      c->sweep_file, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench live: %s\n", err);
		return 2;
	}
	budget = (double)sw.n * (double)c->p.runs * c->p.seconds;
	if (c->p.runs > SWEEP_MAX_RUNS || budget > SWEEP_BUDGET_SECONDS) {
		fprintf(stderr, "bench live: --runs x --seconds: %llu x %g s x "
			"%zu points = %g s of sweep; expected at most %d runs "
			"and %g s\n", (unsigned long long)c->p.runs,
			c->p.seconds, sw.n, budget, SWEEP_MAX_RUNS,
			SWEEP_BUDGET_SECONDS);
		return 2;
	}
	return 0;
}

static int run_sweep(struct live_cli *c, FILE *out, FILE *dat, double t0)
{
	static struct live_calib cal;
	const struct live_calib *cp = NULL;
	char err[OPTS_ERR_MAX];
	int rc = 0;

	if (live_sweep_measure(&sw, stderr, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench live: sweep failed: %s\n", err);
		return 1;
	}
	if (!sw.skipped[0]) {
		if (live_calib_run(&sw, c->model_steps, &cal, stderr, err,
				   sizeof(err)) < 0) {
			fprintf(stderr, "bench live: calibration failed: %s\n",
				err);
			return 1;
		}
		cp = &cal;
	}
	if (c->json)
		live_sweep_print_json(stdout, &sw, cp, now_seconds() - t0);
	else
		live_sweep_print_text(stdout, &sw, cp);
	if (out)
		live_sweep_print_json(out, &sw, cp, now_seconds() - t0);
	if (dat)
		fprintf(dat, "# bench live --sweep: the points are in the JSON "
			"(--out); plot (f) is drawn from it by bench plot\n");
	if (!c->json && !sw.skipped[0])
		printf("run time: %.1f s\n", now_seconds() - t0);
	return rc;
}

int cmd_live(int argc, char **argv)
{
	struct opt_spec table[24];
	struct opts_result res;
	struct live_cli c = { .model_steps = 2000000 };
	static struct live_report rep;
	struct live_prediction pred;
	bool have_pred = false;
	FILE *out = NULL, *dat = NULL;
	char err[OPTS_ERR_MAX];
	double t0 = now_seconds();
	int rc = 0;

	live_params_defaults(&c.p);
	fill_mech_names();
	build_table(&c, table);
	if (opts_parse(table, argc, argv, 1, 0, &res) < 0) {
		fprintf(stderr, "bench live: %s\n", res.err);
		return 2;
	}
	if (res.help) {
		usage(table);
		return 0;
	}
	if (c.sweep_file && !c.sweep) {
		fprintf(stderr, "bench live: --sweep-file=%s: only with "
			"--sweep\n", c.sweep_file);
		return 2;
	}
	if (c.sweep) {
		if (check_sweep(&c) != 0)
			return 2;
	} else if (live_params_check(&c.p, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench live: %s\n", err);
		return 2;
	}
	/* Before measuring: a bad path must not cost a minute of runs. */
	if ((c.out && !(out = open_output("out", c.out))) ||
	    (c.dat && !(dat = open_output("dat", c.dat)))) {
		if (out)
			fclose(out);
		return 2;
	}
	if (c.sweep) {
		rc = run_sweep(&c, out, dat, t0);
		goto done;
	}
	if (live_measure(&c.p, &rep, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench live: measurement failed: %s\n", err);
		rc = 1;
	} else if (!rep.skipped[0]) {
		if (live_predict(&c.p, &rep.timing, c.model_steps, &pred, err,
				 sizeof(err)) < 0) {
			fprintf(stderr, "bench live: model failed: %s\n", err);
			rc = 1;
		} else {
			have_pred = true;
		}
	}
	if (rc == 0) {
		const struct live_prediction *pp = have_pred ? &pred : NULL;

		if (c.json)
			live_print_json(stdout, &rep, pp, now_seconds() - t0,
					true);
		else
			live_print_text(stdout, &rep, pp);
		if (out)
			live_print_json(out, &rep, pp, now_seconds() - t0, true);
		if (dat && rep.skipped[0])
			fprintf(dat, "# bench live: skipped: %s\n", rep.skipped);
		else if (dat && live_write_dat(dat, &rep, pp) < 0)
			rc = 1;
	}
done:
	if (out && fclose(out) != 0)
		rc = rc ? rc : 1;
	if (dat && fclose(dat) != 0)
		rc = rc ? rc : 1;
	if (!c.sweep && !c.json && rc == 0 && !rep.skipped[0])
		printf("run time: %.1f s\n", now_seconds() - t0);
	return rc;
}
