/* CSV for plot (f) from `bench live --json` (live.json): the live kernel's
 * retries per fixed fault by layout, and its aliased/control ratio beside
 * the ratios the deterministic engine predicts for union and hva. Every
 * number is copied from the JSON; nothing is recomputed here. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report/common/atomic_file.h"
#include "report/derive/derive.h"
#include "report/common/json_in.h"
#include "report/common/layout.h"

/* Row order of the layout block: the pair the ratio compares first, then
 * the plain rates (present when bench live ran them). Other layouts a
 * later bench live may add follow in the JSON's order. */
static const char *const layout_order[] = {
	"aliased", "control", "single", "multislot", NULL,
};

static bool in_order(const char *name)
{
	for (int i = 0; layout_order[i]; i++)
		if (strcmp(layout_order[i], name) == 0)
			return true;
	return false;
}

/* One layout row; `runs` is the number of runs its median is taken over. */
static void layout_row(FILE *f, const char *name, const json_t *c,
		       double fallback_runs)
{
	const json_t *runs = json_object_get(c, "runs");

	fprintf(f, "%s,%.6g,%.6g,%.6g,%.0f\n", name, jin_num(c, "median", NAN),
		jin_num(c, "min", NAN), jin_num(c, "max", NAN),
		json_is_array(runs) ? (double)json_array_size(runs)
		: fallback_runs);
}

static void layouts_block(FILE *f, const json_t *measured)
{
	const json_t *layouts = json_object_get(measured, "layouts");
	const json_t *spread = json_object_get(measured, "spread");
	double runs = jin_num(measured, "runs", NAN);
	const char *name;
	json_t *c;

	fprintf(f, "# layouts\nlayout,median,min,max,runs\n");
	if (!json_is_object(layouts)) {
		/* Only the headline pair: medians and spread. */
		fprintf(f, "aliased,%.6g,%.6g,%.6g,%.0f\n",
			jin_num(measured, "aliased", NAN),
			jin_num(spread, "aliased_min", NAN),
			jin_num(spread, "aliased_max", NAN), runs);
		fprintf(f, "control,%.6g,%.6g,%.6g,%.0f\n",
			jin_num(measured, "control", NAN),
			jin_num(spread, "control_min", NAN),
			jin_num(spread, "control_max", NAN), runs);
		return;
	}
	for (int i = 0; layout_order[i]; i++) {
		c = json_object_get(layouts, layout_order[i]);
		if (json_is_object(c))
			layout_row(f, layout_order[i], c, runs);
	}
	json_object_foreach((json_t *)layouts, name, c)
		if (json_is_object(c) && !in_order(name) && !strchr(name, ','))
			layout_row(f, name, c, runs);
}

static void ratio_block(FILE *f, const json_t *measured, const json_t *model)
{
	const json_t *spread = json_object_get(measured, "spread");

	/* The model is deterministic: no range (nan: gnuplot skips it). */
	fprintf(f, "\n\n# ratio\nsource,ratio,low,high\n"
		"live kernel,%.6g,%.6g,%.6g\nmodel: union,%.6g,nan,nan\n"
		"model: hva,%.6g,nan,nan\n", jin_num(measured, "ratio", NAN),
		jin_num(spread, "ratio_min", NAN),
		jin_num(spread, "ratio_max", NAN),
		jin_num(model, "union_ratio", NAN),
		jin_num(model, "hva_ratio", NAN));
}

/* The summary line and the plot's subtitle. */
static void notes(struct derive_info *info, const json_t *root,
		  const json_t *measured, const json_t *model)
{
	const json_t *spread = json_object_get(measured, "spread");
	const char *kernel = jin_str(root, "kernel");
	char k[128];
	size_t i;
	int used;

	/* The subtitle reaches gnuplot on its command line (plot.c quotes
	 * it): no control characters. */
	snprintf(k, sizeof(k), "%s", kernel ? kernel : "unknown");
	for (i = 0; k[i]; i++)
		if ((unsigned char)k[i] < ' ' || k[i] == 0x7f)
			k[i] = '?';
	snprintf(info->live_note, sizeof(info->live_note),
		 "kernel %s, %.0f runs per layout", k,
		 jin_num(measured, "runs", NAN));
	used = snprintf(info->live_ratio, sizeof(info->live_ratio),
		 "%.2f (per-round %.2f..%.2f, %.0f runs); ",
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
	const json_t *measured, *model, *skipped;
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
	if (json_is_string(skipped)) {
		snprintf(info->live_why, sizeof(info->live_why),
			 "bench live did not measure: %s",
			 json_string_value(skipped));
		json_decref(root);
		return 0;
	}
	if (!json_is_object(measured)) {
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
			"pf_spurious) / pf_fixed) per layout, median and "
			"min..max over its runs; then the aliased/control "
			"ratio, live (median; low..high: the per-round ratios) "
			"beside the model's prediction for union and hva\n");
		layouts_block(af.f, measured);
		ratio_block(af.f, measured, model);
		rc = atomic_commit(&af, err, errlen);
	}
	if (rc == 0) {
		notes(info, root, measured, model);
		info->live = true;
	}
	json_decref(root);
	return rc;
}
