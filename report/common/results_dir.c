#include "report/common/results_dir.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/common/atomic_file.h"

int results_mkdirs(const char *path, char *err, size_t errlen)
{
	char buf[ATOMIC_PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf)) {
		snprintf(err, errlen, "'%s': bad directory name", path);
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: cannot create: %s", buf,
				 strerror(errno));
			return -1;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}

int results_create_run(const char *root, const char *sha, time_t when,
		       char *out, size_t outlen, char *err, size_t errlen)
{
	char stamp[32];
	struct tm tm;

	if (results_mkdirs(root, err, errlen) < 0)
		return -1;
	gmtime_r(&when, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int i = 1; i < 1000; i++) {
		int n = i == 1 ? snprintf(out, outlen, "%s/%s-%s", root, stamp, sha)
			       : snprintf(out, outlen, "%s/%s-%s-%d", root,
					  stamp, sha, i);

		if (n < 0 || (size_t)n >= outlen) {
			snprintf(err, errlen, "%s: path too long", root);
			return -1;
		}
		/* mkdir fails on an existing name: this is what guarantees
		 * that two runs in one second never share a folder. */
		if (mkdir(out, 0755) == 0)
			return results_set_status(out, "running", err, errlen);
		if (errno != EEXIST) {
			snprintf(err, errlen, "%s: cannot create: %s", out,
				 strerror(errno));
			return -1;
		}
	}
	snprintf(err, errlen, "%s: too many runs in one second", root);
	return -1;
}

int results_set_status(const char *dir, const char *status, char *err,
		       size_t errlen)
{
	char path[ATOMIC_PATH_MAX], text[64];

	snprintf(path, sizeof(path), "%s/%s", dir, RESULTS_STATUS_FILE);
	snprintf(text, sizeof(text), "%s\n", status);
	return atomic_write_string(path, text, err, errlen);
}

int results_get_status(const char *dir, char *buf, size_t len)
{
	char path[ATOMIC_PATH_MAX];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, RESULTS_STATUS_FILE);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

int results_point_latest(const char *root, const char *run_dir, char *err,
			 size_t errlen)
{
	char link[ATOMIC_PATH_MAX], tmp[ATOMIC_PATH_MAX + 32];
	const char *slash = strrchr(run_dir, '/');
	const char *target = slash ? slash + 1 : run_dir;

	snprintf(link, sizeof(link), "%s/latest", root);
	snprintf(tmp, sizeof(tmp), "%s/.latest.tmp.%ld", root, (long)getpid());
	unlink(tmp);
	if (symlink(target, tmp) < 0) {
		snprintf(err, errlen, "%s: cannot create symlink: %s", tmp,
			 strerror(errno));
		return -1;
	}
	if (rename(tmp, link) < 0) {
		snprintf(err, errlen, "%s: cannot replace: %s", link,
			 strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int run_git(const char *source_dir, const char *args, char *out,
		   size_t len)
{
	char cmd[ATOMIC_PATH_MAX + 128];
	FILE *p;
	int ok;

	/* The source dir comes from the build (BENCH_SOURCE_DIR), not from the
	 * user; still quote it for spaces. */
	snprintf(cmd, sizeof(cmd), "git -C '%s' %s 2>/dev/null", source_dir,
		 args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	out[0] = '\0';
	ok = fgets(out, (int)len, p) != NULL;
	if (pclose(p) != 0)
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return ok ? 0 : 1;
}

void results_git_sha(const char *source_dir, char *out, size_t len)
{
	char dirty[8];
	int r;

	if (run_git(source_dir, "rev-parse --short HEAD", out, len) != 0 ||
	    out[0] == '\0') {
		snprintf(out, len, "nogit");
		return;
	}
	/* Tracked files only: untracked results/ folders must not count. */
	r = run_git(source_dir, "status --porcelain --untracked-files=no",
		    dirty, sizeof(dirty));
	if (r == 0 && dirty[0] != '\0' && strlen(out) + 2 <= len)
		strcat(out, "+");
}
