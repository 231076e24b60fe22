/* results/baseline/: the committed reference the CI gate compares against.
 * It changes only through `bench compare --update-baseline`, never as a
 * side effect of a run. */
#ifndef REPORT_BASELINE_H
#define REPORT_BASELINE_H

#include <stddef.h>

/* Replaces BASELINE with the JSON results (and manifest, status, summary)
 * of the complete run RUN. The new baseline is assembled in a hidden
 * sibling folder and swapped in with renames, so an interrupted update
 * leaves the old baseline in place. Returns 0 or -1 with err. */
int baseline_update(const char *run, const char *baseline, char *err,
		    size_t errlen);

#endif
