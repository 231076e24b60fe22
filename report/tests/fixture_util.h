/* Helpers for tests that work on copies of report/tests/fixtures/run. */
#ifndef REPORT_TESTS_FIXTURE_UTIL_H
#define REPORT_TESTS_FIXTURE_UTIL_H

#include <jansson.h>

#include "report/common/json_in.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh scratch folder under the test's working directory (the build
 * tree), so nothing is left in the source tree. */
static inline void scratch_dir(const char *name, char *out, size_t len)
{
	char cmd[9000], cwd[2048];

	/* getcwd, not $PWD: ctest changes directory without updating it. */
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	snprintf(out, len, "%s/scratch-%s", cwd, name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", out, out);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot make %s\n", out);
}

static inline int copy_tree_sh(const char *from, const char *to)
{
	char cmd[9000];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && cp -r '%s' '%s'", to, from, to);
	return system(cmd);
}

/* Reads a whole stream back (tmpfile output) into a static buffer. */
static inline const char *slurp(FILE *f)
{
	static char buf[1 << 16];
	size_t n;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	return buf;
}

static inline json_t *load(const char *dir, const char *rel)
{
	char path[8400], err[512];
	json_t *j;

	/* The library's reader: the fixture has Google Benchmark's NaN. */
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	j = jin_load_any(path, err, sizeof(err));
	if (!j)
		fprintf(stderr, "%s\n", err);
	return j;
}

static inline int save(json_t *j, const char *dir, const char *rel)
{
	char path[8400];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	rc = json_dump_file(j, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return rc;
}

#endif
