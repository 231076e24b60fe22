/* Medians and ranges of a handful of runs. Medians, not means: other
 * benchmarks share the machine, and one disturbed run must not move the
 * figure. */
#ifndef LIVE_SUMMARY_H
#define LIVE_SUMMARY_H

#include <stddef.h>

/* Median of v[0..n) (mean of the middle two when n is even); NaN when n is
 * 0 or a value is NaN. v is not modified. */
double live_median(const double *v, size_t n);

/* Smallest and largest of v[0..n); NaN for both when n is 0. */
void live_range(const double *v, size_t n, double *min, double *max);

#endif
