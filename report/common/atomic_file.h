/* Whole-file writes that are never seen half done.
 *
 * Why: a results folder is read by plots, by `bench compare` and by CI, and
 * a run may be killed at any moment (Ctrl-C, CI timeout). Every file is
 * written under a hidden temporary name in the same directory, flushed to
 * disk, then renamed over its final name: rename(2) within one filesystem is
 * atomic, so a reader sees either no file or the complete one. A writer that
 * dies leaves at most a ".NAME.tmp.XXXXXX" file, which no reader looks at.
 */
#ifndef REPORT_ATOMIC_FILE_H
#define REPORT_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

#define ATOMIC_PATH_MAX 4096

struct atomic_file {
	char final_path[ATOMIC_PATH_MAX];
	char tmp_path[ATOMIC_PATH_MAX];
	FILE *f; /* write here between open and commit */
};

/* Creates the temporary file next to `path`. Returns 0, or -1 with err. */
int atomic_open(struct atomic_file *af, const char *path, char *err,
		size_t errlen);
/* Flushes, syncs and renames into place. On failure the temporary file is
 * removed and the final name left as it was. Returns 0 or -1 with err. */
int atomic_commit(struct atomic_file *af, char *err, size_t errlen);
/* Drops the temporary file; the final name is untouched. */
void atomic_abort(struct atomic_file *af);

/* Only the temporary name, for a file another process writes (a child's
 * stdout, Google Benchmark's --benchmark_out): the file is created empty so
 * the name is reserved. Publish with atomic_publish once the writer is done. */
int atomic_reserve(const char *path, char *tmp_out, size_t tmp_len, char *err,
		   size_t errlen);
/* fsyncs `tmp` and renames it to `path`. Returns 0 or -1 with err. */
int atomic_publish(const char *tmp, const char *path, char *err,
		   size_t errlen);

/* Writes a whole string as one file, atomically. */
int atomic_write_string(const char *path, const char *text, char *err,
			size_t errlen);

#endif
