/* The results tree: ROOT/<UTC timestamp>-<short sha>/ per run, ROOT/latest
 * pointing at the newest complete one, ROOT/baseline/ committed.
 *
 * A run folder carries a one-word `status` file: "running" while the run
 * writes, then "complete", "interrupted" or "failed". Readers (plot, compare,
 * `latest`) trust only "complete" folders, so an interrupted run is visible
 * but never mistaken for a result.
 */
#ifndef REPORT_RESULTS_DIR_H
#define REPORT_RESULTS_DIR_H

#include <stddef.h>
#include <time.h>

#define RESULTS_STATUS_FILE "status"

/* mkdir -p. Returns 0 or -1 with err. */
int results_mkdirs(const char *path, char *err, size_t errlen);

/* Creates ROOT/<YYYYmmddTHHMMSSZ>-<sha>/ (with a -2, -3... suffix if that
 * name exists: a folder is never reused) and writes status "running".
 * The new path goes to out. Returns 0 or -1 with err. */
int results_create_run(const char *root, const char *sha, time_t when,
		       char *out, size_t outlen, char *err, size_t errlen);

/* Writes the status word atomically. */
int results_set_status(const char *dir, const char *status, char *err,
		       size_t errlen);
/* Reads the status word into buf ("" when there is no status file, e.g. a
 * hand-made folder or results/baseline before its first update). */
int results_get_status(const char *dir, char *buf, size_t len);

/* Points ROOT/latest at `run_dir` (a sibling: the link is relative) by
 * renaming a fresh symlink over the old one, so `latest` is never missing. */
int results_point_latest(const char *root, const char *run_dir, char *err,
			 size_t errlen);

/* Short git sha of the source tree, "nogit" when there is none; a "+" is
 * appended when the tree has uncommitted changes. */
void results_git_sha(const char *source_dir, char *out, size_t len);

#endif
