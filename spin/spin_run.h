/* Processes and files for spin_check.c: run a tool in the work directory
 * with its output captured, find a tool on PATH, read an output back. */
#ifndef SPIN_SPIN_RUN_H
#define SPIN_SPIN_RUN_H

#include <stdbool.h>
#include <stddef.h>

/* Runs argv (argv[0] looked up on PATH) with `dir` as working directory and
 * stdout+stderr going to dir/outname. *seconds gets the wall time.
 * Returns the exit status, or -1 with err set when the program could not be
 * started or died from a signal. */
int spin_run(const char *dir, char *const argv[], const char *outname,
	     double *seconds, char *err, size_t errlen);

/* Is `name` an executable somewhere on PATH? */
bool spin_on_path(const char *name);

/* Reads dir/name (at most max bytes; the rest is dropped) into a
 * NUL-terminated malloc'd buffer, or NULL. */
char *spin_read_file(const char *dir, const char *name, size_t max);

/* Writes text to dir/name. Returns 0 or -1 with err set. */
int spin_write_file(const char *dir, const char *name, const char *text,
		    char *err, size_t errlen);

/* Removes the files of a work directory, then the directory itself. */
void spin_remove_dir(const char *dir);

#endif
