/* `bench compare`: pairs the files of BASE and NEW and hands each pair to the
 * exact or the statistical comparison. */
#define _GNU_SOURCE
#include "report/gate/compare.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/gate/compare_internal.h"
#include "report/common/results_dir.h"

#define MAX_FILES 1024
#define PATHLEN 4096

void compare_defaults(struct compare_options *o)
{
	o->threshold_pct = -1;
	o->icount_pct = COMPARE_ICOUNT_PCT;
	o->ratio_pct = COMPARE_RATIO_PCT;
	o->alpha = 0.05;
	o->max_lines = 20;
}

static void vline(struct cmp_ctx *c, const char *tag, const char *fmt,
		  va_list ap)
{
	fprintf(c->out, "  %-8s", tag);
	vfprintf(c->out, fmt, ap);
	fputc('\n', c->out);
}

void cmp_finding(struct cmp_ctx *c, const char *fmt, ...)
{
	va_list ap;

	c->findings++;
	if (c->file_lines >= c->o->max_lines) {
		c->file_hidden++;
		return;
	}
	c->file_lines++;
	va_start(ap, fmt);
	vline(c, "CHANGED", fmt, ap);
	va_end(ap);
}

void cmp_note(struct cmp_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->file_notes++ >= c->o->max_lines)
		return;
	va_start(ap, fmt);
	vline(c, "note", fmt, ap);
	va_end(ap);
}

void cmp_bad(struct cmp_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->bad[0])
		return;
	va_start(ap, fmt);
	vsnprintf(c->bad, sizeof(c->bad), fmt, ap);
	va_end(ap);
}

struct file_list {
	char *rel[MAX_FILES];
	int n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_json(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* Every *.json below root, as paths relative to it, hidden names skipped
 * (temporary files of an interrupted writer are hidden). */
static int list_json(struct cmp_ctx *c, const char *root, const char *rel,
		     struct file_list *fl)
{
	char path[PATHLEN];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "%s%s%s", root, rel[0] ? "/" : "", rel);
	d = opendir(path);
	if (!d) {
		cmp_bad(c, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		char sub[PATHLEN], full[2 * PATHLEN + 2];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "",
			 e->d_name);
		snprintf(full, sizeof(full), "%s/%s", root, sub);
		if (stat(full, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (list_json(c, root, sub, fl) < 0)
				break;
		} else if (is_json(e->d_name) && fl->n < MAX_FILES) {
			fl->rel[fl->n++] = strdup(sub);
		}
	}
	closedir(d);
	qsort(fl->rel, (size_t)fl->n, sizeof(fl->rel[0]), cmp_str);
	return c->bad[0] ? -1 : 0;
}

static void free_list(struct file_list *fl)
{
	for (int i = 0; i < fl->n; i++)
		free(fl->rel[i]);
	fl->n = 0;
}

static bool has(const struct file_list *fl, const char *rel)
{
	return bsearch(&rel, fl->rel, (size_t)fl->n, sizeof(fl->rel[0]),
		       cmp_str) != NULL;
}

static void compare_pair(struct cmp_ctx *c, const char *pa, const char *pb,
			 const char *label)
{
	char err[1024];
	json_t *a = jin_load(pa, err, sizeof(err)), *b = NULL;
	enum jin_kind ka, kb;

	c->file = label;
	c->file_lines = c->file_hidden = c->file_notes = 0;
	if (!a) {
		cmp_bad(c, "BASE %s", err);
		return;
	}
	b = jin_load(pb, err, sizeof(err));
	if (!b) {
		cmp_bad(c, "NEW %s", err);
		goto out;
	}
	ka = jin_kind_of(a);
	kb = jin_kind_of(b);
	if (ka == JIN_UNKNOWN || kb == JIN_UNKNOWN) {
		cmp_bad(c, "%s: not benchmark JSON; accepted: `bench sim --json`, "
			"`bench explore --json`, `bench live --json`, Google "
			"Benchmark JSON (`bench stress --benchmark_out`)",
			ka == JIN_UNKNOWN ? pa : pb);
		goto out;
	}
	if (ka != kb) {
		cmp_bad(c, "%s: BASE is %s JSON, NEW is %s JSON (mismatched "
			"suites)", label, jin_kind_names[ka], jin_kind_names[kb]);
		goto out;
	}
	switch (ka) {
	case JIN_SIM:
	case JIN_EXPLORE:
		cmp_exact(c, a, b, ka);
		break;
	case JIN_GBENCH:
		cmp_gbench(c, a, b);
		break;
	case JIN_ICOUNT:
		cmp_icount(c, a, b);
		break;
	case JIN_MANIFEST:
		if (!json_equal(json_object_get(a, "suite"),
				json_object_get(b, "suite")))
			cmp_bad(c, "mismatched suites: BASE ran the '%s' suite, "
				"NEW the '%s' suite; compare runs of one suite "
				"(`bench run --quick` vs a full `bench run`)",
				jin_str(a, "suite"), jin_str(b, "suite"));
		break;
	default:
		cmp_note(c, "%s: %s output measures the host, not compared",
			 label, jin_kind_names[ka]);
	}
	if (c->file_hidden)
		fprintf(c->out, "  ...      %s: %d more changes not shown\n",
			label, c->file_hidden);
	if (c->file_notes > c->o->max_lines)
		fprintf(c->out, "  ...      %s: %d more notes not shown\n",
			label, c->file_notes - c->o->max_lines);
out:
	json_decref(a);
	json_decref(b);
}

static void compare_dirs(struct cmp_ctx *c, const char *base,
			 const char *new_path)
{
	struct file_list fa = { .n = 0 }, fb = { .n = 0 };
	char pa[PATHLEN], pb[PATHLEN];

	if (list_json(c, base, "", &fa) < 0 || list_json(c, new_path, "", &fb) < 0)
		goto out;
	if (fa.n == 0) {
		cmp_bad(c, "BASE %s: no JSON results in this folder", base);
		goto out;
	}
	for (int i = 0; i < fa.n && !c->bad[0]; i++) {
		if (!has(&fb, fa.rel[i])) {
			cmp_bad(c, "NEW %s lacks %s, which BASE has (mismatched "
				"suites; update the baseline with `bench compare "
				"--update-baseline` if intended)", new_path,
				fa.rel[i]);
			break;
		}
		snprintf(pa, sizeof(pa), "%s/%s", base, fa.rel[i]);
		snprintf(pb, sizeof(pb), "%s/%s", new_path, fa.rel[i]);
		compare_pair(c, pa, pb, fa.rel[i]);
	}
	for (int i = 0; i < fb.n && !c->bad[0]; i++)
		if (!has(&fa, fb.rel[i]))
			cmp_note(c, "%s is new (not in BASE), not compared",
				 fb.rel[i]);
out:
	free_list(&fa);
	free_list(&fb);
}

/* A run folder must be complete: an interrupted run is not a result. */
static int check_input(struct cmp_ctx *c, const char *side, const char *path,
		       bool *is_dir)
{
	struct stat st;
	char status[32];

	if (stat(path, &st) < 0) {
		cmp_bad(c, "%s '%s': %s; expected a results folder or a JSON "
			"file", side, path, strerror(errno));
		return -1;
	}
	*is_dir = S_ISDIR(st.st_mode);
	if (*is_dir && results_get_status(path, status, sizeof(status)) == 0 &&
	    strcmp(status, "complete") != 0) {
		cmp_bad(c, "%s '%s' is not a complete run (status '%s'); accepted: "
			"folders with status 'complete'", side, path, status);
		return -1;
	}
	return 0;
}

int compare_run(const char *base, const char *new_path,
		const struct compare_options *o, FILE *out, FILE *errout)
{
	struct cmp_ctx c = { .o = o };
	char *buf = NULL;
	size_t len = 0;
	bool da = false, db = false;

	/* Everything is written to memory first: bad input found late (in
	 * the last file) must still leave no partial report behind. */
	c.out = open_memstream(&buf, &len);
	if (!c.out) {
		fprintf(errout, "bench compare: out of memory\n");
		return 2;
	}
	if (check_input(&c, "BASE", base, &da) == 0 &&
	    check_input(&c, "NEW", new_path, &db) == 0) {
		if (da != db)
			cmp_bad(&c, "BASE '%s' is a %s, NEW '%s' a %s; accepted: "
				"two results folders or two JSON files", base,
				da ? "folder" : "file", new_path,
				db ? "folder" : "file");
		else if (da)
			compare_dirs(&c, base, new_path);
		else
			compare_pair(&c, base, new_path, new_path);
	}
	fclose(c.out);
	if (c.bad[0]) {
		fprintf(errout, "bench compare: %s\n", c.bad);
		free(buf);
		return 2;
	}
	if (o->threshold_pct >= 0)
		fprintf(out, "compare %s -> %s (instructions: %.3g%%; same-run "
			"time ratios: %.3g%%; absolute timings: %.3g%%, alpha "
			"%.3g)\n", base, new_path, o->icount_pct, o->ratio_pct,
			o->threshold_pct, o->alpha);
	else
		fprintf(out, "compare %s -> %s (instructions: %.3g%%; same-run "
			"time ratios: %.3g%%; absolute timings: reported, not "
			"gated)\n", base, new_path, o->icount_pct, o->ratio_pct);
	fwrite(buf, 1, len, out);
	free(buf);
	fprintf(out, "%ld exact values, %ld instruction counts, %ld time "
		"ratios and %ld timings compared: %s\n", c.exact_compared,
		c.icounts_compared, c.ratios_compared, c.timings_compared,
		c.findings ? "REGRESSION" : "no regression");
	if (c.findings)
		fprintf(out, "%d finding%s (CHANGED lines above)\n", c.findings,
			c.findings == 1 ? "" : "s");
	return c.findings ? 1 : 0;
}
