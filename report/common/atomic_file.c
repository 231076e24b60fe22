#include "report/common/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "dir/name" -> "dir/.name.tmp.XXXXXX": same directory, so the final rename
 * never crosses a filesystem; hidden, so directory scans skip it. */
static int tmp_name(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	const char *base = slash ? slash + 1 : path;
	int n = snprintf(out, len, "%.*s.%s.tmp.XXXXXX", dirlen, path, base);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int atomic_reserve(const char *path, char *tmp_out, size_t tmp_len, char *err,
		   size_t errlen)
{
	int fd;

	if (tmp_name(path, tmp_out, tmp_len) < 0) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	fd = mkstemp(tmp_out);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file: %s",
			 path, strerror(errno));
		return -1;
	}
	/* mkstemp makes 0600; results are meant to be read by anyone. */
	if (fchmod(fd, 0644) < 0 || close(fd) < 0) {
		snprintf(err, errlen, "%s: %s", tmp_out, strerror(errno));
		unlink(tmp_out);
		return -1;
	}
	return 0;
}

int atomic_publish(const char *tmp, const char *path, char *err,
		   size_t errlen)
{
	int fd = open(tmp, O_RDONLY | O_CLOEXEC);

	/* The data must be on disk before the name points at it, or a crash
	 * after the rename could show an empty "complete" file. */
	if (fd < 0 || fsync(fd) < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: cannot rename into place: %s", path,
			 strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int atomic_open(struct atomic_file *af, const char *path, char *err,
		size_t errlen)
{
	int fd;

	af->f = NULL;
	if (snprintf(af->final_path, sizeof(af->final_path), "%s", path) >=
		    (int)sizeof(af->final_path) ||
	    tmp_name(path, af->tmp_path, sizeof(af->tmp_path)) < 0) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	fd = mkstemp(af->tmp_path);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file: %s",
			 path, strerror(errno));
		return -1;
	}
	fchmod(fd, 0644);
	af->f = fdopen(fd, "w");
	if (!af->f) {
		snprintf(err, errlen, "%s: %s", af->tmp_path, strerror(errno));
		close(fd);
		unlink(af->tmp_path);
		return -1;
	}
	return 0;
}

int atomic_commit(struct atomic_file *af, char *err, size_t errlen)
{
	FILE *f = af->f;
	int failed;

	af->f = NULL;
	failed = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0;
	if (fclose(f) != 0)
		failed = 1;
	if (failed) {
		snprintf(err, errlen, "%s: write failed: %s", af->final_path,
			 strerror(errno));
		unlink(af->tmp_path);
		return -1;
	}
	if (rename(af->tmp_path, af->final_path) < 0) {
		snprintf(err, errlen, "%s: cannot rename into place: %s",
			 af->final_path, strerror(errno));
		unlink(af->tmp_path);
		return -1;
	}
	return 0;
}

void atomic_abort(struct atomic_file *af)
{
	if (af->f) {
		fclose(af->f);
		af->f = NULL;
	}
	unlink(af->tmp_path);
}

int atomic_write_string(const char *path, const char *text, char *err,
			size_t errlen)
{
	struct atomic_file af;

	if (atomic_open(&af, path, err, errlen) < 0)
		return -1;
	fputs(text, af.f);
	return atomic_commit(&af, err, errlen);
}
