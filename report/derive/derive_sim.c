/* CSVs from the deterministic engine's JSON: plots (a), (b), (d), (e). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/common/atomic_file.h"
#include "report/derive/derive.h"
#include "report/common/json_in.h"
#include "report/common/layout.h"
#include "report/derive/scan.h"

#define PATHLEN 4096

static const char *const pattern_order[] = {
	"single", "multislot", "alias", "concurrent", "private", "numa",
	"mixed", NULL,
};

static double counter(const json_t *root, const char *tracker, const char *key)
{
	json_t *t = json_object_get(json_object_get(root, "trackers"), tracker);

	return jin_num(t, key, NAN);
}

/* The tracker order is the sim's (its registry order), taken from the first
 * file seen so every CSV lists them alike. */
static void learn_trackers(struct derive_info *info, const json_t *root)
{
	const char *name;
	json_t *v;

	json_object_foreach(json_object_get(root, "trackers"), name, v)
		name_list_add(&info->trackers, name);
}

static int open_csv(struct atomic_file *af, const char *run_dir,
		    const char *name, char *err, size_t errlen)
{
	char path[PATHLEN];

	snprintf(path, sizeof(path), "%s/%s/%s", run_dir, LAYOUT_CSV, name);
	return atomic_open(af, path, err, errlen);
}

static void header(FILE *f, const char *first, const struct derive_info *info,
		   const char *suffix)
{
	fputs(first, f);
	for (int t = 0; t < info->trackers.n; t++)
		fprintf(f, ",%s%s", info->trackers.names[t], suffix);
}

/* (a): false-positive retries (range + sequence) per fault attempt, %. */
static int fp_vs_distance(const char *run_dir, struct derive_info *info,
			  const struct scan_set *s, char *err, size_t errlen)
{
	struct atomic_file af;

	if (s->n == 0)
		return 0;
	if (open_csv(&af, run_dir, CSV_FP_VS_DISTANCE, err, errlen) < 0)
		return -1;
	fprintf(af.f, "# bench sim --pattern=alias --alias-distance=D: false-"
		"positive retries (range + sequence) per 100 fault attempts\n");
	header(af.f, "distance_pages", info, "");
	fputc('\n', af.f);
	for (size_t i = 0; i < s->n; i++) {
		fprintf(af.f, "%.0f", s->items[i].key);
		for (int t = 0; t < info->trackers.n; t++) {
			const char *tr = info->trackers.names[t];
			double fp = counter(s->items[i].root, tr, "fp_range") +
				    counter(s->items[i].root, tr, "fp_seq");
			double att = counter(s->items[i].root, tr, "attempts");

			fprintf(af.f, ",%.6g", att > 0 ? 100 * fp / att : NAN);
		}
		fputc('\n', af.f);
	}
	info->alias_points = (int)s->n;
	return atomic_commit(&af, err, errlen);
}

/* (b): false negatives per tracker, then the end audit's stale SPTEs, which
 * must agree in kind (SPEC section 3). */
static int fn_vs_slots(const char *run_dir, struct derive_info *info,
		       const struct scan_set *s, char *err, size_t errlen)
{
	struct atomic_file af;

	if (s->n == 0)
		return 0;
	if (open_csv(&af, run_dir, CSV_FN_VS_SLOTS, err, errlen) < 0)
		return -1;
	fprintf(af.f, "# bench sim --pattern=multislot --slots=K: false "
		"negatives (fn), then stale SPTEs found by the end audit\n");
	header(af.f, "slots", info, "");
	header(af.f, "", info, "_stale_sptes");
	fputc('\n', af.f);
	for (size_t i = 0; i < s->n; i++) {
		fprintf(af.f, "%.0f", s->items[i].key);
		for (int t = 0; t < info->trackers.n; t++)
			fprintf(af.f, ",%.0f", counter(s->items[i].root,
				info->trackers.names[t], "fn"));
		for (int t = 0; t < info->trackers.n; t++)
			fprintf(af.f, ",%.0f", counter(s->items[i].root,
				info->trackers.names[t], "stale_sptes"));
		fputc('\n', af.f);
	}
	info->slot_points = (int)s->n;
	return atomic_commit(&af, err, errlen);
}

static const json_t *find_pattern(const struct scan_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->items[i].name, name) == 0)
			return s->items[i].root;
	return NULL;
}

/* (d): one block per pattern (gnuplot `index`), retries per completed
 * fault split into true positives and the two false-positive causes. */
static int retry_breakdown(const char *run_dir, struct derive_info *info,
			   const struct scan_set *s, char *err, size_t errlen)
{
	struct atomic_file af;

	if (s->n == 0)
		return 0;
	if (open_csv(&af, run_dir, CSV_RETRY_BREAKDOWN, err, errlen) < 0)
		return -1;
	fprintf(af.f, "# bench sim --pattern=P (defaults): retries per "
		"completed fault; one block per pattern\n");
	for (int p = 0; pattern_order[p]; p++) {
		const json_t *root = find_pattern(s, pattern_order[p]);

		if (!root)
			continue;
		fprintf(af.f, "%s# %s\ntracker,tp,fp_range,fp_seq\n",
			info->patterns.n ? "\n\n" : "", pattern_order[p]);
		name_list_add(&info->patterns, pattern_order[p]);
		for (int t = 0; t < info->trackers.n; t++) {
			const char *tr = info->trackers.names[t];
			double faults = counter(root, tr, "faults");

			if (!(faults > 0))
				faults = NAN;
			fprintf(af.f, "%s,%.6g,%.6g,%.6g\n", tr,
				counter(root, tr, "tp") / faults,
				counter(root, tr, "fp_range") / faults,
				counter(root, tr, "fp_seq") / faults);
		}
	}
	return atomic_commit(&af, err, errlen);
}

/* (e): the log2 histogram of retries per gfn on numa. Bucket 0 counts gfns
 * never retried, bucket b >= 1 those retried [2^(b-1), 2^b) times. */
static int numa_hist(const char *run_dir, struct derive_info *info,
		     const struct scan_set *s, char *err, size_t errlen)
{
	const json_t *root = find_pattern(s, LAYOUT_HIST_PATTERN);
	const json_t *tr = json_object_get(root, "trackers");
	struct atomic_file af;
	size_t buckets = 0;
	size_t used = 0;

	for (int t = 0; t < info->trackers.n; t++) {
		json_t *h = json_object_get(json_object_get(tr,
			info->trackers.names[t]), "retries_per_gfn_log2_hist");

		if (json_array_size(h) > buckets)
			buckets = json_array_size(h);
	}
	if (buckets == 0)
		return 0;
	if (open_csv(&af, run_dir, CSV_NUMA_HIST, err, errlen) < 0)
		return -1;
	fprintf(af.f, "# bench sim --pattern=numa --histogram: number of gfns "
		"by retries on that gfn (log2 buckets)\n");
	header(af.f, "retries", info, "");
	fputc('\n', af.f);
	for (size_t b = 0; b < buckets; b++) {
		if (b == 0)
			fprintf(af.f, "0");
		else if (b == 1)
			fprintf(af.f, "1");
		else
			fprintf(af.f, "%" PRIu64 "-%" PRIu64,
				(uint64_t)1 << (b - 1), ((uint64_t)1 << b) - 1);
		for (int t = 0; t < info->trackers.n; t++) {
			json_t *h = json_object_get(json_object_get(tr,
				info->trackers.names[t]),
				"retries_per_gfn_log2_hist");
			json_t *v = json_array_get(h, b);

			fprintf(af.f, ",%.0f", json_is_number(v) ?
				json_number_value(v) : 0.0);
		}
		fputc('\n', af.f);
	}
	info->numa_max[0] = '\0';
	for (int t = 0; t < info->trackers.n; t++) {
		double m = jin_num(json_object_get(tr, info->trackers.names[t]),
				   "max_retries_one_gfn", NAN);
		int n = snprintf(info->numa_max + used,
				 sizeof(info->numa_max) - used, "%s%s %.0f",
				 t ? ", " : "", info->trackers.names[t], m);

		if (n < 0 || (size_t)n >= sizeof(info->numa_max) - used)
			break;
		used += (size_t)n;
	}
	info->numa_hist = true;
	return atomic_commit(&af, err, errlen);
}

int derive_sim_csvs(const char *run_dir, struct derive_info *info, char *err,
		    size_t errlen)
{
	static struct scan_set alias, slots, patterns; /* large: not on stack */
	char dir[PATHLEN];
	int rc = -1;

	snprintf(dir, sizeof(dir), "%s/%s", run_dir, LAYOUT_SWEEP_ALIAS);
	if (scan_load(dir, "params.alias_distance", &alias, err, errlen) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/%s", run_dir, LAYOUT_SWEEP_SLOTS);
	if (scan_load(dir, "params.slots", &slots, err, errlen) < 0)
		goto out_alias;
	snprintf(dir, sizeof(dir), "%s/%s", run_dir, LAYOUT_PATTERNS);
	if (scan_load(dir, NULL, &patterns, err, errlen) < 0)
		goto out_slots;
	if (patterns.n)
		learn_trackers(info, patterns.items[0].root);
	if (alias.n)
		learn_trackers(info, alias.items[0].root);
	if (slots.n)
		learn_trackers(info, slots.items[0].root);
	if (fp_vs_distance(run_dir, info, &alias, err, errlen) == 0 &&
	    fn_vs_slots(run_dir, info, &slots, err, errlen) == 0 &&
	    retry_breakdown(run_dir, info, &patterns, err, errlen) == 0 &&
	    numa_hist(run_dir, info, &patterns, err, errlen) == 0)
		rc = 0;
	scan_free(&patterns);
out_slots:
	scan_free(&slots);
out_alias:
	scan_free(&alias);
	return rc;
}
