#include "report/derive/plot.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report/common/atomic_file.h"
#include "report/common/child.h"
#include "report/common/layout.h"
#include "report/common/results_dir.h"

#ifndef REPORT_PLOTS_DIR
#define REPORT_PLOTS_DIR "report/derive/plots"
#endif

#define GNUPLOT_TIMEOUT_S 60

const struct plot_def plot_defs[] = {
	{ "a", "a_fp_vs_alias_distance", "fp_vs_distance.gp",
	  "false-positive rate vs alias distance", 1000, 620 },
	{ "b", "b_fn_vs_slots", "fn_vs_slots.gp",
	  "false negatives vs slots spanned", 1000, 620 },
	{ "c", "c_faults_vs_threads", "faults_vs_threads.gp",
	  "faults/s vs threads per pattern", 1400, 900 },
	{ "d", "d_retry_breakdown", "retry_breakdown.gp",
	  "retry breakdown per pattern and tracker", 1400, 700 },
	{ "e", "e_numa_retries_per_gfn", "numa_retries_per_gfn.gp",
	  "retries per gfn on numa", 1000, 620 },
	{ "f", "f_live_vs_model", "live_vs_model.gp",
	  "live KVM retries: the model vs measured", 900, 860 },
	{ "g", "g_real_vms", "real_vms.gp",
	  "real VMs: vCPU time lost, missed invalidations", 1400, 620 },
	{ "h", "h_size_sweep", "size_sweep.gp",
	  "steps/s vs guest and invalidation size", 1400, 620 },
};
const size_t plot_defs_len = sizeof(plot_defs) / sizeof(plot_defs[0]);

const char *plot_scripts_dir(void)
{
	return REPORT_PLOTS_DIR;
}

const char *plot_missing_input(const struct plot_def *p,
			       const struct derive_info *info)
{
	switch (p->id[0]) {
	case 'a':
		return info->alias_points ? NULL : "no alias-distance sweep";
	case 'b':
		return info->slot_points ? NULL : "no multislot sweep";
	case 'c':
		return info->stress_patterns.n ? NULL
			: "no stress results (bench stress not built or skipped)";
	case 'd':
		return info->patterns.n ? NULL : "no per-pattern sim results";
	case 'e':
		return info->numa_hist ? NULL : "no numa retry histogram";
	case 'f':
		if (info->live)
			return NULL;
		return info->live_why[0] ? info->live_why
			: "no live.json (quick suite, or bench live not run)";
	case 'g':
		return info->realvm_presets ? NULL
			: "no realvm/ results (quick suite)";
	case 'h':
		return info->size_points ? NULL
			: "no size sweep (the quick suite has none)";
	}
	return "unknown plot";
}

/* gnuplot single-quoted string: a quote is written twice. */
static void gp_quote(char *out, size_t len, const char *s)
{
	size_t o = 0;

	if (len < 3)
		return;
	out[o++] = '\'';
	for (; *s && o + 3 < len; s++) {
		if (*s == '\'')
			out[o++] = '\'';
		out[o++] = *s;
	}
	out[o++] = '\'';
	out[o] = '\0';
}

struct term {
	const char *ext;
	const char *kind;
};

static const struct term terms[] = { { "png", "png" }, { "svg", "svg" },
				     { "txt", "dumb" } };
#define N_TERMS (sizeof(terms) / sizeof(terms[0]))

static void term_line(char *out, size_t len, const struct term *t,
		      const struct plot_def *p)
{
	if (strcmp(t->kind, "png") == 0)
		snprintf(out, len, "set terminal pngcairo size %d,%d enhanced "
			 "font 'DejaVu Sans,11' background '#ffffff'",
			 p->width, p->height);
	else if (strcmp(t->kind, "svg") == 0)
		snprintf(out, len, "set terminal svg size %d,%d enhanced "
			 "font 'DejaVu Sans,11' background '#ffffff'",
			 p->width, p->height);
	else
		snprintf(out, len, "set terminal dumb size 100,32");
}

/* The variables every script may use: paths and the names in column
 * order, so the scripts need no knowledge of the run's contents. */
static size_t variables(char *out, size_t len, const char *run_dir,
			const struct derive_info *info)
{
	char csv[4096], q_csv[4200], tr[600], str[600], pat[600], spat[600];
	char q_tr[700], q_str[700], q_pat[700], q_spat[700], q_max[600];
	char q_live[600], rv[600], q_rv[700];

	snprintf(csv, sizeof(csv), "%s/%s", run_dir, LAYOUT_CSV);
	gp_quote(q_csv, sizeof(q_csv), csv);
	name_list_join(&info->trackers, tr, sizeof(tr));
	name_list_join(&info->stress_trackers, str, sizeof(str));
	name_list_join(&info->patterns, pat, sizeof(pat));
	name_list_join(&info->stress_patterns, spat, sizeof(spat));
	gp_quote(q_tr, sizeof(q_tr), tr);
	gp_quote(q_str, sizeof(q_str), str);
	gp_quote(q_pat, sizeof(q_pat), pat);
	gp_quote(q_spat, sizeof(q_spat), spat);
	gp_quote(q_max, sizeof(q_max), info->numa_max);
	gp_quote(q_live, sizeof(q_live), info->live_note);
	name_list_join(&info->realvm_trackers, rv, sizeof(rv));
	gp_quote(q_rv, sizeof(q_rv), rv);
	return (size_t)snprintf(out, len,
		"csvdir=%s; trackers=%s; ntrackers=%d; stress_trackers=%s; "
		"nstress_trackers=%d; patterns=%s; npatterns=%d; "
		"stress_patterns=%s; nstress_patterns=%d; numa_max=%s; "
		"live_note=%s; realvm_trackers=%s; nrealvm_trackers=%d; ",
		q_csv, q_tr, info->trackers.n, q_str, info->stress_trackers.n,
		q_pat, info->patterns.n, q_spat, info->stress_patterns.n, q_max,
		q_live, q_rv, info->realvm_trackers.n);
}

/* One gnuplot process draws all three terminals of a plot. */
static int draw(const char *run_dir, const struct derive_info *info,
		const struct plot_def *p, FILE *log)
{
	char cmd[16384], tmp[N_TERMS][4200], final[N_TERMS][4200];
	char script[4200], q_script[4400], q_out[4400], term[256], err[512];
	char q_dir[4400];
	size_t used = variables(cmd, sizeof(cmd), run_dir, info);
	struct child_result res;
	char logpath[4200];
	int ok = 1;

	snprintf(script, sizeof(script), "%s/%s", plot_scripts_dir(), p->script);
	gp_quote(q_script, sizeof(q_script), script);
	gp_quote(q_dir, sizeof(q_dir), plot_scripts_dir());
	for (size_t t = 0; t < N_TERMS; t++) {
		snprintf(final[t], sizeof(final[t]), "%s/%s/%s.%s", run_dir,
			 LAYOUT_PLOTS, p->stem, terms[t].ext);
		if (atomic_reserve(final[t], tmp[t], sizeof(tmp[t]), err,
				   sizeof(err)) < 0) {
			fprintf(log, "  (%s) %s: %s\n", p->id, p->title, err);
			for (size_t k = 0; k < t; k++)
				unlink(tmp[k]);
			return 1;
		}
		term_line(term, sizeof(term), &terms[t], p);
		gp_quote(q_out, sizeof(q_out), tmp[t]);
		used += (size_t)snprintf(cmd + used, used < sizeof(cmd) ?
					 sizeof(cmd) - used : 0,
			"reset; dir=%s; term_kind='%s'; %s; set output %s; load %s; "
			"unset output; ", q_dir, terms[t].kind, term, q_out,
			q_script);
	}
	snprintf(logpath, sizeof(logpath), "%s/%s/gnuplot-%s.log", run_dir,
		 LAYOUT_LOGS, p->id);
	char *argv[] = { "gnuplot", "-e", cmd, NULL };
	struct child_spec spec = { .argv = argv, .stderr_path = logpath,
				   .timeout_s = GNUPLOT_TIMEOUT_S };

	if (used >= sizeof(cmd)) {
		fprintf(log, "  (%s) %s: internal: gnuplot command too long\n",
			p->id, p->title);
		ok = 0;
	} else {
		child_run(&spec, &res, err, sizeof(err));
		if (res.outcome == CHILD_NOT_STARTED) {
			fprintf(log, "  plots: %s (install gnuplot-nox)\n", err);
			ok = -1;
		} else if (res.outcome != CHILD_EXITED || res.exit_code != 0) {
			fprintf(log, "  (%s) %s: gnuplot failed, see %s\n", p->id,
				p->title, logpath);
			ok = 0;
		}
	}
	for (size_t t = 0; t < N_TERMS; t++) {
		if (ok != 1) {
			unlink(tmp[t]);
			continue;
		}
		if (atomic_publish(tmp[t], final[t], err, sizeof(err)) < 0) {
			fprintf(log, "  (%s) %s\n", p->id, err);
			ok = 0;
		}
	}
	if (ok == 1)
		fprintf(log, "  (%s) %-42s %s/%s.{png,svg,txt}\n", p->id, p->title,
			LAYOUT_PLOTS, p->stem);
	return ok == 1 ? 0 : ok == -1 ? -1 : 1;
}

int plot_all(const char *run_dir, const struct derive_info *info, FILE *log)
{
	char dir[4200], err[512];
	int failed = 0;

	snprintf(dir, sizeof(dir), "%s/%s", run_dir, LAYOUT_PLOTS);
	if (results_mkdirs(dir, err, sizeof(err)) < 0) {
		fprintf(log, "  plots: %s\n", err);
		return (int)plot_defs_len;
	}
	snprintf(dir, sizeof(dir), "%s/%s", run_dir, LAYOUT_LOGS);
	results_mkdirs(dir, err, sizeof(err));
	for (size_t i = 0; i < plot_defs_len; i++) {
		const char *why = plot_missing_input(&plot_defs[i], info);
		int r;

		if (why) {
			fprintf(log, "  (%s) %-42s skipped: %s\n", plot_defs[i].id,
				plot_defs[i].title, why);
			continue;
		}
		r = draw(run_dir, info, &plot_defs[i], log);
		if (r < 0)
			return -1;
		failed += r;
	}
	return failed;
}
