/* CSV of plot (h): steps/s against the guest's size and the invalidation's
 * size (bench sim timing), per tracker, with single's rate at its default
 * size as the flat reference. Rates are same-run figures: compared only
 * with each other, never gated. */
#include <math.h>
#include <stdio.h>

#include "report/common/atomic_file.h"
#include "report/common/json_in.h"
#include "report/common/layout.h"
#include "report/derive/derive.h"
#include "report/derive/scan.h"

#define PATHLEN 4096

static double rate(const json_t *root, const char *tracker)
{
	json_t *t = json_object_get(json_object_get(root, "timing"),
				    "steps_per_second_by_tracker");

	return jin_num(t, tracker, NAN);
}

/* Mean steps/s of single's trackers, or NAN without patterns/single.json. */
static double single_rate(const char *run_dir, const struct derive_info *info)
{
	char path[PATHLEN];
	json_error_t jerr;
	json_t *root;
	double sum = 0;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s/single.json", run_dir, LAYOUT_PATTERNS);
	root = json_load_file(path, 0, &jerr);
	if (!root)
		return NAN;
	for (int t = 0; t < info->trackers.n; t++) {
		double r = rate(root, info->trackers.names[t]);

		if (!isnan(r)) {
			sum += r;
			n++;
		}
	}
	json_decref(root);
	return n ? sum / n : NAN;
}

/* One gnuplot block: pages, each tracker's steps/s, the reference. */
static void block(FILE *f, const struct scan_set *s, bool guest,
		  const struct derive_info *info, double ref)
{
	fprintf(f, "%s", guest ? "guest_pages" : "inval_pages");
	for (int t = 0; t < info->trackers.n; t++)
		fprintf(f, ",%s", info->trackers.names[t]);
	fprintf(f, ",single_default\n");
	for (size_t i = 0; i < s->n; i++) {
		const json_t *root = s->items[i].root;
		double x = guest ? scan_num_at(root, "params.slots") *
					   scan_num_at(root, "params.slot_pages")
				 : scan_num_at(root, "params.inval_pages");

		fprintf(f, "%.0f", x);
		for (int t = 0; t < info->trackers.n; t++)
			fprintf(f, ",%.6g", rate(root, info->trackers.names[t]));
		fprintf(f, ",%.6g\n", ref);
	}
}

int derive_size_csv(const char *run_dir, struct derive_info *info, char *err,
		    size_t errlen)
{
	static struct scan_set guest, inval; /* large: not on stack */
	struct atomic_file af;
	char path[PATHLEN];
	int rc = -1;

	snprintf(path, sizeof(path), "%s/%s", run_dir, LAYOUT_SWEEP_GUEST);
	if (scan_load(path, "params.slot_pages", &guest, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", run_dir, LAYOUT_SWEEP_INVAL);
	if (scan_load(path, "params.inval_pages", &inval, err, errlen) < 0)
		goto out;
	if (guest.n == 0 || inval.n == 0 || info->trackers.n == 0) {
		rc = 0; /* not in this run (the quick suite has no size sweep) */
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", run_dir, LAYOUT_CSV, CSV_SIZE_SWEEP);
	if (atomic_open(&af, path, err, errlen) < 0)
		goto out;
	double ref = single_rate(run_dir, info);

	fprintf(af.f, "# bench sim steps/s per tracker; block 0: multislot, 4 "
		"slots, against guest pages; block 1: single, 2^24-page slot, "
		"against the largest invalidation; last column: single at its "
		"default size (mean of the trackers)\n");
	block(af.f, &guest, true, info, ref);
	fprintf(af.f, "\n\n");
	block(af.f, &inval, false, info, ref);
	info->size_points = (int)(guest.n + inval.n);
	rc = atomic_commit(&af, err, errlen);
out:
	scan_free(&guest);
	scan_free(&inval);
	return rc;
}
