#define _GNU_SOURCE
#include "report/derive/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/common/atomic_file.h"
#include "report/common/json_in.h"
#include "report/common/layout.h"
#include "report/derive/plot.h"
#include "report/derive/scan.h"
#include "model/registry.h"

/* A tracker kept to show a bug (the v12 patch as posted): its misses are
 * the expected result, not a failure. The registry says which. */
static bool expected_unsafe(const char *tracker)
{
	const struct tracker_ops *ops = tracker_find(tracker);

	return ops && ops->expected_unsafe;
}

static double ctr(const json_t *root, const char *tr, const char *key)
{
	return jin_num(json_object_get(json_object_get(root, "trackers"), tr),
		       key, NAN);
}

/* A column fits its cells (min) and the longest tracker name. */
static int col_width(const struct name_list *trackers, int min)
{
	int w = min;

	for (int t = 0; t < trackers->n; t++)
		if ((int)strlen(trackers->names[t]) > w)
			w = (int)strlen(trackers->names[t]);
	return w;
}

/* The three safety tables share their shape: a title, one column per
 * tracker, one row per pattern or scenario. */
static void table_header(FILE *f, const char *title, const char *row_label,
			 const struct name_list *trackers, int width)
{
	fprintf(f, "%s\n  %-11s", title, row_label);
	for (int t = 0; t < trackers->n; t++)
		fprintf(f, " %*s", width, trackers->names[t]);
	fputc('\n', f);
}

/* Prints one cell, marked " !" when it shows a miss. Returns 1 when that
 * miss is unexpected (any tracker but the v12 patch's). */
static int table_cell(FILE *f, const char *text, bool unsafe,
		      const char *tracker, int width)
{
	char cell[64];

	snprintf(cell, sizeof(cell), "%s%s", text, unsafe ? " !" : "");
	fprintf(f, " %*s", width, cell);
	return unsafe && !expected_unsafe(tracker);
}

/* What safety costs, from the same runs as the safety table: spurious
 * retries (the oracle found nothing stale) caused by the range test and by
 * the sequence number, per pattern and tracker. */
static void cost_table(FILE *f, const struct scan_set *s,
		       const struct derive_info *info)
{
	int w = col_width(&info->trackers, 15);

	table_header(f, "Cost (same runs): spurious retries fp_range / fp_seq",
		     "pattern", &info->trackers, w);
	for (size_t i = 0; i < s->n; i++) {
		fprintf(f, "  %-11s", s->items[i].name);
		for (int t = 0; t < info->trackers.n; t++) {
			const char *tr = info->trackers.names[t];
			double r = ctr(s->items[i].root, tr, "fp_range");
			double q = ctr(s->items[i].root, tr, "fp_seq");
			char cell[64];

			if (isnan(r) || isnan(q))
				snprintf(cell, sizeof(cell), "-");
			else
				snprintf(cell, sizeof(cell), "%.0f / %.0f", r, q);
			fprintf(f, " %*s", w, cell);
		}
		fputc('\n', f);
	}
}

/* fn/stale per pattern and tracker. Returns the unexpected unsafe count. */
static int safety_table(FILE *f, const char *run_dir,
			const struct derive_info *info)
{
	struct scan_set *s = calloc(1, sizeof(*s));
	char dir[4200], err[512];
	int unexpected = 0, w;

	if (!s)
		return -1;
	snprintf(dir, sizeof(dir), "%s/%s", run_dir, LAYOUT_PATTERNS);
	if (scan_load(dir, NULL, s, err, sizeof(err)) < 0) {
		fprintf(f, "  %s\n", err);
		free(s);
		return -1;
	}
	if (s->n == 0) {
		free(s);
		return 0;
	}
	w = col_width(&info->trackers, 15);
	table_header(f, "Safety (bench sim, default parameters): missed "
		     "invalidations fn / stale SPTEs at the audit", "pattern",
		     &info->trackers, w);
	for (size_t i = 0; i < s->n; i++) {
		fprintf(f, "  %-11s", s->items[i].name);
		for (int t = 0; t < info->trackers.n; t++) {
			const char *tr = info->trackers.names[t];
			double fn = ctr(s->items[i].root, tr, "fn");
			double st = ctr(s->items[i].root, tr, "stale_sptes");
			char cell[48];

			snprintf(cell, sizeof(cell), "%.0f / %.0f", fn, st);
			unexpected += table_cell(f, cell, fn > 0 || st > 0, tr, w);
		}
		fputc('\n', f);
	}
	fprintf(f, "  (! = unsafe, here and below; expected only for");
	for (size_t i = 0; i < tracker_registry_len; i++)
		if (tracker_registry[i]->expected_unsafe)
			fprintf(f, " %s", tracker_registry[i]->name);
	fprintf(f, ", kept to show a bug)\n");
	cost_table(f, s, info);
	scan_free(s);
	free(s);
	return unexpected;
}

/* Violations found by exhaustive exploration, per scenario and tracker:
 * "-" where a search did not finish (its count is a lower bound). */
static int explore_table(FILE *f, const char *run_dir,
			 const struct derive_info *info)
{
	struct scan_set *s = calloc(1, sizeof(*s));
	char dir[4200], err[512];
	int unexpected = 0, w;

	if (!s)
		return 0;
	snprintf(dir, sizeof(dir), "%s/%s", run_dir, LAYOUT_EXPLORE);
	if (scan_load(dir, NULL, s, err, sizeof(err)) < 0 || s->n == 0) {
		free(s);
		return 0;
	}
	w = col_width(&info->trackers, 15);
	table_header(f, "Exhaustive exploration (bench explore): safety "
		     "violations (transitions that install a stale SPTE)",
		     "scenario", &info->trackers, w);
	for (size_t i = 0; i < s->n; i++) {
		fprintf(f, "  %-11s", s->items[i].name);
		for (int t = 0; t < info->trackers.n; t++) {
			const char *tr = info->trackers.names[t];
			json_t *o = json_object_get(json_object_get(
				s->items[i].root, "trackers"), tr);
			double v = jin_num(o, "violations", NAN);
			char cell[48];

			snprintf(cell, sizeof(cell), "%.0f%s", v,
				 json_is_false(json_object_get(o, "complete")) ?
				 " (partial)" : "");
			unexpected += table_cell(f, isnan(v) ? "-" : cell, v > 0,
						 tr, w);
		}
		fputc('\n', f);
	}
	scan_free(s);
	free(s);
	return unexpected;
}

/* Missed invalidations under real threads: fn summed over every stress
 * benchmark and repetition of a pattern and tracker. */
static int stress_table(FILE *f, const char *run_dir,
			const struct derive_info *info)
{
	char path[4200], err[512], p[32], t[32];
	double fn[DERIVE_MAX_NAMES][DERIVE_MAX_NAMES] = { { 0 } };
	json_t *root, *b;
	size_t i;
	int unexpected = 0, w;

	snprintf(path, sizeof(path), "%s/%s", run_dir, LAYOUT_STRESS);
	if (access(path, F_OK) != 0 || !(root = jin_load(path, err, sizeof(err))))
		return 0;
	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		const char *name = jin_str(b, "name"), *type = jin_str(b, "run_type");
		int pi = -1, ti = -1;

		if (!name || (type && strcmp(type, "aggregate") == 0) ||
		    sscanf(name, "stress/%31[^/]/%31[^/]/", p, t) != 2)
			continue;
		for (int k = 0; k < info->stress_patterns.n; k++)
			if (strcmp(info->stress_patterns.names[k], p) == 0)
				pi = k;
		for (int k = 0; k < info->stress_trackers.n; k++)
			if (strcmp(info->stress_trackers.names[k], t) == 0)
				ti = k;
		if (pi >= 0 && ti >= 0)
			fn[pi][ti] += jin_num(b, "fn", 0);
	}
	json_decref(root);
	w = col_width(&info->stress_trackers, 9);
	table_header(f, "Stress (bench stress, real threads): missed "
		     "invalidations (fn), all thread counts and repetitions",
		     "pattern", &info->stress_trackers, w);
	for (int pi = 0; pi < info->stress_patterns.n; pi++) {
		fprintf(f, "  %-11s", info->stress_patterns.names[pi]);
		for (int ti = 0; ti < info->stress_trackers.n; ti++) {
			char cell[32];

			snprintf(cell, sizeof(cell), "%.0f", fn[pi][ti]);
			unexpected += table_cell(f, cell, fn[pi][ti] > 0,
						 info->stress_trackers.names[ti], w);
		}
		fputc('\n', f);
	}
	return unexpected;
}

/* Instructions per operation from icount.json, one row per family
 * (check, check_inflight, path, sim), one column per tracker in the
 * file's order (nop: the floor; path's rwlock floor is in the row's end). */
static void icount_table(FILE *f, const char *run_dir)
{
	char path[4200], err[512], fam[32], cols[16][32], rows[8][32];
	double v[8][16];
	int nc = 0, nr = 0;
	json_t *root, *b;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", run_dir, LAYOUT_ICOUNT);
	if (access(path, F_OK) != 0 || !(root = jin_load(path, err, sizeof(err))))
		return;
	for (int r = 0; r < 8; r++)
		for (int c = 0; c < 16; c++)
			v[r][c] = -1;
	json_array_foreach(json_object_get(json_object_get(root, "icount"),
					   "benchmarks"), i, b) {
		const char *name = jin_str(b, "name"), *slash;
		int r, c;

		if (!name || !(slash = strchr(name, '/')) ||
		    (size_t)(slash - name) >= sizeof(fam))
			continue;
		snprintf(fam, sizeof(fam), "%.*s", (int)(slash - name), name);
		for (r = 0; r < nr && strcmp(rows[r], fam) != 0; r++)
			;
		for (c = 0; c < nc && strcmp(cols[c], slash + 1) != 0; c++)
			;
		if ((r == nr && nr == 8) || (c == nc && nc == 16))
			continue;
		if (r == nr)
			snprintf(rows[nr++], sizeof(rows[0]), "%s", fam);
		if (c == nc)
			snprintf(cols[nc++], sizeof(cols[0]), "%.31s", slash + 1);
		v[r][c] = jin_num(b, "instructions_per_op", -1);
	}
	json_decref(root);
	if (nr == 0)
		return;
	fprintf(f, "Cost (bench icount, callgrind): instructions per check, "
		"fault, lock or sim step; exact, gated by bench compare\n");
	fprintf(f, "  %-15s", "benchmark");
	for (int c = 0; c < nc; c++)
		fprintf(f, " %9s", cols[c]);
	fputc('\n', f);
	for (int r = 0; r < nr; r++) {
		fprintf(f, "  %-15s", rows[r]);
		for (int c = 0; c < nc; c++)
			if (v[r][c] >= 0)
				fprintf(f, " %9.1f", v[r][c]);
			else
				fprintf(f, " %9s", "");
		fputc('\n', f);
	}
}

/* Copies a text rendering of a plot into the summary. */
static void include_txt(FILE *f, const char *run_dir, const char *stem)
{
	char path[4200], line[512];
	FILE *in;

	snprintf(path, sizeof(path), "%s/%s/%s.txt", run_dir, LAYOUT_PLOTS, stem);
	in = fopen(path, "r");
	if (!in)
		return;
	while (fgets(line, sizeof(line), in))
		if (line[0] != '\f') /* dumb's form feed: noise in a log */
			fputs(line, f);
	fclose(in);
}

static void write_all(FILE *f, const char *run_dir,
		      const struct derive_info *info, int *unexpected)
{
	fprintf(f, "== Summary of %s\n", run_dir);
	*unexpected = safety_table(f, run_dir, info);
	if (*unexpected >= 0) {
		*unexpected += explore_table(f, run_dir, info);
		*unexpected += stress_table(f, run_dir, info);
	}
	icount_table(f, run_dir);
	if (info->numa_hist)
		fprintf(f, "Most retries on one gfn (numa): %s\n", info->numa_max);
	if (info->live)
		fprintf(f, "Live KVM (bench live): %s\n", info->live_ratio);
	if (info->realvm_presets)
		fputs(info->realvm_table, f);
	fprintf(f, "Plots (%s/%s/):\n", run_dir, LAYOUT_PLOTS);
	for (size_t i = 0; i < plot_defs_len; i++) {
		const char *why = plot_missing_input(&plot_defs[i], info);

		fprintf(f, "  (%s) %-42s %s%s\n", plot_defs[i].id,
			plot_defs[i].title, why ? "not drawn: " : plot_defs[i].stem,
			why ? why : ".png/.svg");
	}
	if (info->alias_points)
		include_txt(f, run_dir, plot_defs[0].stem);
	if (info->slot_points)
		include_txt(f, run_dir, plot_defs[1].stem);
}

int summary_write(const char *run_dir, const struct derive_info *info,
		  FILE *out)
{
	char *buf = NULL, path[4200], err[512];
	size_t len = 0;
	int unexpected = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (!mem)
		return -1;
	write_all(mem, run_dir, info, &unexpected);
	fclose(mem);
	fwrite(buf, 1, len, out);
	snprintf(path, sizeof(path), "%s/%s", run_dir, LAYOUT_SUMMARY);
	if (atomic_write_string(path, buf, err, sizeof(err)) < 0)
		fprintf(out, "summary: %s\n", err);
	free(buf);
	return unexpected;
}
