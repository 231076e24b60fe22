/* CSV for plot (f) from live.json: measured against predicted retries per
 * fixed fault, one row per point. From `bench live --sweep` every point
 * with its role in the fixed split (training, held-out, unmodelled); from
 * plain `bench live` the aliased and control layouts against the model's
 * union rates (role unfitted). Every number is copied from the JSON;
 * nothing is recomputed here. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report/common/atomic_file.h"
#include "report/derive/derive.h"
#include "report/common/json_in.h"
#include "report/common/layout.h"

/* One "point,role,measured,min,max,predicted" row; a value the JSON
 * lacks (null: not predicted) is nan, which gnuplot skips. */
static void point_row(FILE *f, const char *name, const char *role,
		      double measured, double lo, double hi, double predicted)
{
	fprintf(f, "%s,%s,%.6g,%.6g,%.6g,%.6g\n", name, role, measured, lo, hi,
		predicted);
}

/* bench live --sweep: every point, with its role in the fixed split. */
static void sweep_rows(FILE *f, const json_t *sweep)
{
	const json_t *points = json_object_get(sweep, "points");
	size_t i;
	json_t *pt;

	json_array_foreach((json_t *)points, i, pt) {
		const char *name = jin_str(pt, "name");
		const char *role = jin_str(pt, "role");

		if (!name || !role || strchr(name, ',') ||
		    json_is_true(json_object_get(pt, "skipped")))
			continue;
		point_row(f, name, role, jin_num(pt, "measured", NAN),
			  jin_num(pt, "min", NAN), jin_num(pt, "max", NAN),
			  jin_num(pt, "predicted", NAN));
	}
}

/* Plain bench live: the aliased and control medians against the model's
 * union rates for the same layout, which nothing was fitted to. */
static void plain_rows(FILE *f, const json_t *measured, const json_t *model)
{
	static const char *const names[] = { "aliased", "control" };
	const json_t *layouts = json_object_get(measured, "layouts");
	const json_t *un = json_object_get(model, "union");

	for (int i = 0; i < 2; i++) {
		const json_t *c = json_object_get(layouts, names[i]);

		point_row(f, names[i], "unfitted", jin_num(c, "median", NAN),
			  jin_num(c, "min", NAN), jin_num(c, "max", NAN),
			  jin_num(un, names[i], NAN));
	}
}

static void clean_kernel(const json_t *root, char *k, size_t len)
{
	const char *kernel = jin_str(root, "kernel");

	/* The subtitle reaches gnuplot on its command line (plot.c quotes
	 * it): no control characters. */
	snprintf(k, len, "%s", kernel ? kernel : "unknown");
	for (size_t i = 0; k[i]; i++)
		if ((unsigned char)k[i] < ' ' || k[i] == 0x7f)
			k[i] = '?';
}

/* The summary line and the plot's subtitle. */
static void sweep_notes(struct derive_info *info, const json_t *root,
			const json_t *sweep)
{
	const json_t *fit = json_object_get(sweep, "fit");
	const json_t *held = json_object_get(sweep, "held_out");
	const json_t *ratio = json_object_get(sweep, "ratio");
	char k[128];

	clean_kernel(root, k, sizeof(k));
	snprintf(info->live_note, sizeof(info->live_note),
		 "kernel %s; sweep, %zu points x %.0f runs; held out: median "
		 "|error| %.0f%%", k,
		 json_array_size(json_object_get(sweep, "points")),
		 jin_num(sweep, "runs", NAN),
		 100 * jin_num(held, "median_abs_error", NAN));
	if (!json_is_true(json_object_get(fit, "fitted"))) {
		snprintf(info->live_ratio, sizeof(info->live_ratio),
			 "sweep not fitted: %s", jin_str(fit, "note") ?
			 jin_str(fit, "note") : "no reason given");
		return;
	}
	snprintf(info->live_ratio, sizeof(info->live_ratio),
		 "sweep: held-out median |error| %.1f%% over %.0f points (%.0f "
		 "within %.0f%%); aliased/control measured %.2f, predicted %.2f",
		 100 * jin_num(held, "median_abs_error", NAN),
		 jin_num(held, "points", NAN), jin_num(held, "within_band", NAN),
		 100 * jin_num(held, "band", NAN), jin_num(ratio, "measured", NAN),
		 jin_num(ratio, "predicted", NAN));
}

static void plain_notes(struct derive_info *info, const json_t *root,
			const json_t *measured, const json_t *model)
{
	const json_t *spread = json_object_get(measured, "spread");
	char k[128];
	int used;

	clean_kernel(root, k, sizeof(k));
	snprintf(info->live_note, sizeof(info->live_note),
		 "kernel %s, %.0f runs per layout, model not fitted", k,
		 jin_num(measured, "runs", NAN));
	used = snprintf(info->live_ratio, sizeof(info->live_ratio),
		 "aliased/control retries per fixed fault: %.2f (per-round "
		 "%.2f..%.2f, %.0f runs); ",
		 jin_num(measured, "ratio", NAN),
		 jin_num(spread, "ratio_min", NAN),
		 jin_num(spread, "ratio_max", NAN),
		 jin_num(measured, "runs", NAN));
	if (used < 0 || (size_t)used >= sizeof(info->live_ratio))
		return;
	if (json_is_object(model))
		snprintf(info->live_ratio + used, sizeof(info->live_ratio) - used,
			 "model union %.2f, hva %.2f",
			 jin_num(model, "union_ratio", NAN),
			 jin_num(model, "hva_ratio", NAN));
	else
		snprintf(info->live_ratio + used, sizeof(info->live_ratio) - used,
			 "no model prediction");
}

int derive_live_csv(const char *run_dir, struct derive_info *info, char *err,
		    size_t errlen)
{
	char path[4096];
	struct atomic_file af;
	const json_t *measured, *model, *skipped, *sweep;
	json_t *root;
	int rc;

	info->live = false;
	info->live_why[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", run_dir, LAYOUT_LIVE);
	if (access(path, F_OK) != 0)
		return 0; /* quick suite, or no live step */
	root = jin_load(path, err, errlen);
	if (!root)
		return -1;
	if (jin_kind_of(root) != JIN_LIVE) {
		snprintf(err, errlen, "%s: not bench live JSON", path);
		json_decref(root);
		return -1;
	}
	skipped = json_object_get(root, "skipped");
	measured = json_object_get(root, "measured");
	model = json_object_get(root, "model");
	sweep = json_object_get(root, "sweep");
	if (json_is_string(skipped)) {
		snprintf(info->live_why, sizeof(info->live_why),
			 "bench live did not measure: %s",
			 json_string_value(skipped));
		json_decref(root);
		return 0;
	}
	if (!json_is_object(measured) && !json_is_object(sweep)) {
		snprintf(info->live_why, sizeof(info->live_why),
			 "live.json has no measurement");
		json_decref(root);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", run_dir, LAYOUT_CSV, CSV_LIVE);
	rc = atomic_open(&af, path, err, errlen);
	if (rc == 0) {
		fprintf(af.f, "# bench live: retries per fixed fault on this "
			"machine's KVM ((pf_taken - pf_fixed - pf_emulate - "
			"pf_spurious) / pf_fixed), median and min..max over "
			"the runs, against the model's prediction for the same "
			"point; role: training (fitted), held-out (predicted, "
			"never fitted), unmodelled, or unfitted (plain bench "
			"live: nothing was fitted)\n"
			"point,role,measured,min,max,predicted\n");
		if (json_is_object(sweep))
			sweep_rows(af.f, sweep);
		else
			plain_rows(af.f, measured, model);
		rc = atomic_commit(&af, err, errlen);
	}
	if (rc == 0) {
		if (json_is_object(sweep))
			sweep_notes(info, root, sweep);
		else
			plain_notes(info, root, measured, model);
		info->live = true;
	}
	json_decref(root);
	return rc;
}
