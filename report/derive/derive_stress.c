/* CSV for plot (c) from Google Benchmark JSON: faults/s against threads,
 * per pattern, one column per tracker and a linear-scaling reference. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/common/atomic_file.h"
#include "report/derive/derive.h"
#include "report/common/json_in.h"
#include "report/common/layout.h"

#define MAX_THREADS 16 /* distinct thread counts per pattern */
#define MAX_REPS 64

struct cell {
	double v[MAX_REPS];
	int n;
};

struct table {
	struct name_list trackers;
	int threads[DERIVE_MAX_NAMES][MAX_THREADS];
	int n_threads[DERIVE_MAX_NAMES];
	struct cell cells[DERIVE_MAX_NAMES][MAX_THREADS][DERIVE_MAX_NAMES];
};

/* "stress/<pattern>/<tracker>/threads:<n>[/...]" -> its parts. Google
 * Benchmark may append "/real_time" and the like: ignored. */
static int parse_name(const char *name, char *pat, char *tr, int *threads)
{
	char p[DERIVE_NAME_LEN], t[DERIVE_NAME_LEN];

	if (sscanf(name, "stress/%31[^/]/%31[^/]/threads:%d", p, t, threads) != 3 ||
	    *threads < 1)
		return -1;
	strcpy(pat, p);
	strcpy(tr, t);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(struct cell *c)
{
	if (c->n == 0)
		return NAN;
	qsort(c->v, (size_t)c->n, sizeof(c->v[0]), cmp_double);
	return c->n % 2 ? c->v[c->n / 2] : (c->v[c->n / 2 - 1] + c->v[c->n / 2]) / 2;
}

static int thread_slot(struct table *tb, int p, int threads)
{
	for (int i = 0; i < tb->n_threads[p]; i++)
		if (tb->threads[p][i] == threads)
			return i;
	if (tb->n_threads[p] == MAX_THREADS)
		return -1;
	tb->threads[p][tb->n_threads[p]] = threads;
	return tb->n_threads[p]++;
}

static void collect(struct table *tb, struct derive_info *info, const json_t *root)
{
	size_t i;
	json_t *b;

	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		const char *name = jin_str(b, "run_name");
		const char *type = jin_str(b, "run_type");
		char pat[DERIVE_NAME_LEN], tr[DERIVE_NAME_LEN];
		int threads, p, t, k;
		double v = jin_num(b, "faults_per_s", NAN);

		if (!name)
			name = jin_str(b, "name");
		if (!name || (type && strcmp(type, "aggregate") == 0) ||
		    isnan(v) || json_is_true(json_object_get(b, "error_occurred")) ||
		    parse_name(name, pat, tr, &threads) < 0)
			continue;
		p = name_list_add(&info->stress_patterns, pat);
		t = name_list_add(&tb->trackers, tr);
		k = p < 0 || t < 0 ? -1 : thread_slot(tb, p, threads);
		if (k < 0 || tb->cells[p][k][t].n == MAX_REPS)
			continue;
		tb->cells[p][k][t].v[tb->cells[p][k][t].n++] = v;
	}
}

static void sort_threads(struct table *tb, int p)
{
	/* Few entries: insertion sort, moving the cells along. */
	for (int i = 1; i < tb->n_threads[p]; i++) {
		for (int j = i; j > 0 && tb->threads[p][j - 1] > tb->threads[p][j]; j--) {
			int tmp = tb->threads[p][j];
			struct cell c[DERIVE_MAX_NAMES];

			tb->threads[p][j] = tb->threads[p][j - 1];
			tb->threads[p][j - 1] = tmp;
			memcpy(c, tb->cells[p][j], sizeof(c));
			memcpy(tb->cells[p][j], tb->cells[p][j - 1], sizeof(c));
			memcpy(tb->cells[p][j - 1], c, sizeof(c));
		}
	}
}

static void write_table(FILE *f, struct table *tb, const struct derive_info *info)
{
	fprintf(f, "# bench stress: faults/s (median over repetitions) by "
		"thread count; one block per pattern; linear = best tracker at "
		"the fewest threads, scaled\n");
	for (int p = 0; p < info->stress_patterns.n; p++) {
		double base = NAN;

		sort_threads(tb, p);
		fprintf(f, "%s# %s\nthreads", p ? "\n\n" : "",
			info->stress_patterns.names[p]);
		for (int t = 0; t < tb->trackers.n; t++)
			fprintf(f, ",%s", tb->trackers.names[t]);
		fprintf(f, ",linear\n");
		for (int k = 0; k < tb->n_threads[p]; k++) {
			double row[DERIVE_MAX_NAMES];

			for (int t = 0; t < tb->trackers.n; t++) {
				row[t] = median(&tb->cells[p][k][t]);
				if (k == 0 && !isnan(row[t]) &&
				    (isnan(base) || row[t] > base))
					base = row[t];
			}
			fprintf(f, "%d", tb->threads[p][k]);
			for (int t = 0; t < tb->trackers.n; t++)
				fprintf(f, ",%.6g", row[t]);
			fprintf(f, ",%.6g\n", base * tb->threads[p][k] /
				tb->threads[p][0]);
		}
	}
}

int derive_stress_csv(const char *run_dir, struct derive_info *info,
		      char *err, size_t errlen)
{
	char path[4096];
	struct table *tb;
	struct atomic_file af;
	json_t *root;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", run_dir, LAYOUT_STRESS);
	if (access(path, F_OK) != 0)
		return 0; /* stress not run (not built, or skipped) */
	root = jin_load(path, err, errlen);
	if (!root)
		return -1;
	if (jin_kind_of(root) != JIN_GBENCH) {
		snprintf(err, errlen, "%s: not Google Benchmark JSON", path);
		json_decref(root);
		return -1;
	}
	tb = calloc(1, sizeof(*tb));
	if (!tb) {
		json_decref(root);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	collect(tb, info, root);
	if (info->stress_patterns.n > 0) {
		snprintf(path, sizeof(path), "%s/%s/%s", run_dir, LAYOUT_CSV,
			 CSV_FAULTS_THREADS);
		rc = atomic_open(&af, path, err, errlen);
		if (rc == 0) {
			write_table(af.f, tb, info);
			rc = atomic_commit(&af, err, errlen);
		}
	}
	info->stress_trackers = tb->trackers;
	free(tb);
	json_decref(root);
	return rc;
}
