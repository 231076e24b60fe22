/* CSV for plot (g) and the summary's "real VMs" table from realvm/PRESET.json
 * (`bench sim --vm=PRESET --json`, one file per preset): per preset and
 * tracker, the share of vCPU time lost to spurious retries and the missed
 * invalidations per hour, all sources summed; and each preset's engine
 * speed against patterns/single.json of the same run. Every number is
 * copied from the JSON or is a ratio of two copied numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/common/atomic_file.h"
#include "report/derive/derive.h"
#include "report/common/json_in.h"
#include "report/common/layout.h"
#include "report/derive/scan.h"

static double total(const json_t *root, const char *tracker, const char *key)
{
	const json_t *t = json_object_get(json_object_get(root, "total"), tracker);

	return t ? jin_num(t, key, NAN) : NAN;
}

static double single_steps_per_s(const char *run_dir)
{
	char path[4200], err[512];
	json_t *root;
	double v;

	snprintf(path, sizeof(path), "%s/%s/single.json", run_dir, LAYOUT_PATTERNS);
	if (!(root = jin_load(path, err, sizeof(err))))
		return NAN;
	v = jin_num(json_object_get(root, "timing"), "steps_per_second", NAN);
	json_decref(root);
	return v;
}

/* The summary's table, one row per preset. */
static void table(const struct scan_set *set, const struct name_list *tr,
		  double single, char *out, size_t len)
{
	size_t o = 0;

#define PUT(...) (o += (size_t)snprintf(out + o, o < len ? len - o : 0, __VA_ARGS__))
	PUT("Real VMs (bench sim --vm=PRESET, every source that applies, summed; "
	    "fault-bound vCPUs; docs/vms.md):\n");
	PUT("  %-12s %-*s | %-*s | %-21s | %s\n", "",
	    10 * tr->n, " vCPU time lost to spurious retries",
	    8 * tr->n, " missed invalidations/h", " union's extra cost",
	    "steps/s");
	PUT("  %-12s", "preset");
	for (int t = 0; t < tr->n; t++)
		PUT(" %9s", tr->names[t]);
	PUT(" |");
	for (int t = 0; t < tr->n; t++)
		PUT(" %7s", tr->names[t]);
	PUT(" | %10s %10s | %% of single\n", "over hva", "over exact");
	for (size_t i = 0; i < set->n; i++) {
		const json_t *r = set->items[i].root;
		double sps = jin_num(json_object_get(r, "timing"), "steps_per_second", NAN);

		PUT("  %-12s", set->items[i].name);
		for (int t = 0; t < tr->n; t++)
			PUT(" %8.4f%%", 100 * total(r, tr->names[t],
						    "spurious_share_of_vcpu_time"));
		PUT(" |");
		for (int t = 0; t < tr->n; t++)
			PUT(" %7.0f", total(r, tr->names[t], "missed_per_hour"));
		PUT(" | %+9.4f%% %+9.4f%% | %5.0f%%\n",
		    100 * jin_num(r, "union_extra_share_over_hva", NAN),
		    100 * jin_num(r, "union_extra_share_over_exact", NAN),
		    single > 0 ? 100 * sps / single : NAN);
	}
#undef PUT
}

int derive_realvm_csv(const char *run_dir, struct derive_info *info, char *err,
		      size_t errlen)
{
	struct scan_set *set = calloc(1, sizeof(*set));
	struct atomic_file af;
	char dir[4200], path[4200];
	double single;
	int rc = 0;

	if (!set) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/%s", run_dir, LAYOUT_REALVM);
	if (scan_load(dir, NULL, set, err, errlen) < 0) {
		free(set);
		return -1;
	}
	if (set->n == 0)
		goto out;
	/* Column order: the trackers as the first file lists them. */
	info->realvm_trackers.n = 0;
	for (void *it = json_object_iter(json_object_get(set->items[0].root, "total"));
	     it; it = json_object_iter_next(json_object_get(set->items[0].root,
							      "total"), it))
		name_list_add(&info->realvm_trackers, json_object_iter_key(it));
	single = single_steps_per_s(run_dir);
	snprintf(path, sizeof(path), "%s/%s/%s", run_dir, LAYOUT_CSV, CSV_REALVM);
	if (atomic_open(&af, path, err, errlen) < 0) {
		rc = -1;
		goto out;
	}
	fprintf(af.f, "preset");
	for (int t = 0; t < info->realvm_trackers.n; t++)
		fprintf(af.f, ",%s", info->realvm_trackers.names[t]);
	for (int t = 0; t < info->realvm_trackers.n; t++)
		fprintf(af.f, ",missed_per_hour_%s", info->realvm_trackers.names[t]);
	fprintf(af.f, ",steps_per_s_pct_of_single\n");
	for (size_t i = 0; i < set->n; i++) {
		const json_t *r = set->items[i].root;
		double sps = jin_num(json_object_get(r, "timing"), "steps_per_second", NAN);

		fprintf(af.f, "%s", set->items[i].name);
		for (int t = 0; t < info->realvm_trackers.n; t++)
			fprintf(af.f, ",%.6g", 100 * total(r, info->realvm_trackers.names[t],
							  "spurious_share_of_vcpu_time"));
		for (int t = 0; t < info->realvm_trackers.n; t++)
			fprintf(af.f, ",%.6g", total(r, info->realvm_trackers.names[t],
						    "missed_per_hour"));
		fprintf(af.f, ",%.4g\n", single > 0 ? 100 * sps / single : NAN);
	}
	if (atomic_commit(&af, err, errlen) < 0) {
		rc = -1;
		goto out;
	}
	info->realvm_presets = (int)set->n;
	table(set, &info->realvm_trackers, single, info->realvm_table,
	      sizeof(info->realvm_table));
out:
	scan_free(set);
	free(set);
	return rc;
}
