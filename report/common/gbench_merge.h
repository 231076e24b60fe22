/* Joins Google Benchmark JSON files of single repetitions (one process
 * each) into one file shaped like a --benchmark_repetitions run: the first
 * file's context, every iteration entry with repetitions = N and its
 * repetition_index. Aggregates are dropped: readers recompute them from
 * the repetitions. */
#ifndef REPORT_GBENCH_MERGE_H
#define REPORT_GBENCH_MERGE_H

#include <stddef.h>

/* parts[0..n) are read; the result is written atomically to out.
 * Returns 0 or -1 with err. */
int gbench_merge(const char *const *parts, int n, const char *out, char *err,
		 size_t errlen);

#endif
