#define _GNU_SOURCE
#include "report/gate/baseline.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/common/atomic_file.h"
#include "report/common/layout.h"
#include "report/common/results_dir.h"

#define PATHLEN 4096

/* What a baseline keeps: the results, not what is derived from them (CSVs,
 * plots, logs, summary.txt), which `bench plot results/baseline` rewrites:
 * keeping those would let a redraw change the committed baseline. */
static int wanted(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".json") == 0) ||
	       strcmp(name, RESULTS_STATUS_FILE) == 0;
}

static int copy_file(const char *from, const char *to, char *err, size_t errlen)
{
	FILE *in = fopen(from, "rb");
	struct atomic_file af;
	char buf[65536];
	size_t n;

	if (!in) {
		snprintf(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	if (atomic_open(&af, to, err, errlen) < 0) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, af.f);
	fclose(in);
	return atomic_commit(&af, err, errlen);
}

static int copy_tree(const char *from, const char *to, char *err, size_t errlen)
{
	DIR *d = opendir(from);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		snprintf(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	if (results_mkdirs(to, err, errlen) < 0) {
		closedir(d);
		return -1;
	}
	while (rc == 0 && (e = readdir(d))) {
		char a[PATHLEN], b[PATHLEN];
		struct stat st;

		if (e->d_name[0] == '.' || strcmp(e->d_name, LAYOUT_LOGS) == 0 ||
		    strcmp(e->d_name, LAYOUT_CSV) == 0 ||
		    strcmp(e->d_name, LAYOUT_PLOTS) == 0)
			continue;
		snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
		snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
		if (lstat(a, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = copy_tree(a, b, err, errlen);
		else if (S_ISREG(st.st_mode) && wanted(e->d_name))
			rc = copy_file(a, b, err, errlen);
	}
	closedir(d);
	return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Only ever called on a folder this file created (the hidden old copy). */
static void remove_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int baseline_update(const char *run, const char *baseline, char *err,
		    size_t errlen)
{
	char status[32], real[PATH_MAX], tmp[PATHLEN], old[PATHLEN + 16];
	char origin[PATHLEN + 128], when[32], e2[512];
	const char *slash = strrchr(baseline, '/');
	int dirlen = slash ? (int)(slash - baseline + 1) : 0;
	time_t now = time(NULL);
	struct tm tm;

	if (results_get_status(run, status, sizeof(status)) < 0 ||
	    strcmp(status, "complete") != 0) {
		snprintf(err, errlen, "'%s' is not a complete run (status '%s'); "
			 "accepted: a folder written by `bench run` that finished",
			 run, status);
		return -1;
	}
	if (!realpath(run, real))
		snprintf(real, sizeof(real), "%s", run);
	snprintf(tmp, sizeof(tmp), "%.*s.baseline.new.%ld", dirlen, baseline,
		 (long)getpid());
	snprintf(old, sizeof(old), "%.*s.baseline.old.%ld", dirlen, baseline,
		 (long)getpid());
	remove_tree(tmp);
	if (copy_tree(run, tmp, err, errlen) < 0) {
		remove_tree(tmp);
		return -1;
	}
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(origin, sizeof(origin), "copied from %s by `bench compare "
		 "--update-baseline` at %s\n", real, when);
	snprintf(old, sizeof(old), "%s/ORIGIN", tmp);
	if (atomic_write_string(old, origin, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "%s", e2);
		remove_tree(tmp);
		return -1;
	}
	snprintf(old, sizeof(old), "%.*s.baseline.old.%ld", dirlen, baseline,
		 (long)getpid());
	/* Two renames: between them there is briefly no baseline, but never
	 * a half-copied one. */
	if (rename(baseline, old) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: cannot move aside: %s", baseline,
			 strerror(errno));
		remove_tree(tmp);
		return -1;
	}
	if (rename(tmp, baseline) < 0) {
		snprintf(err, errlen, "%s: cannot put in place: %s", baseline,
			 strerror(errno));
		rename(old, baseline);
		remove_tree(tmp);
		return -1;
	}
	remove_tree(old);
	return 0;
}
