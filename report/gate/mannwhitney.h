/* Two-sided Mann-Whitney U test, as Google Benchmark's compare.py applies it
 * (through scipy.stats.mannwhitneyu, method "auto"): exact distribution when
 * both samples have at most MWU_EXACT_MAX values and no ties, otherwise the
 * normal approximation with tie correction and continuity correction.
 *
 * Why in C: the regression gate must run where Python and SciPy are not
 * installed, and its answer must not depend on a SciPy version.
 */
#ifndef REPORT_MANNWHITNEY_H
#define REPORT_MANNWHITNEY_H

#include <stdbool.h>
#include <stddef.h>

#define MWU_EXACT_MAX 8
#define MWU_MAX_N 4096

struct mwu_result {
	double u1;  /* U statistic of the first sample (scipy's `statistic`) */
	double p;   /* two-sided p-value */
	bool exact; /* exact distribution used */
};

/* Returns 0, or -1 when a sample is empty or larger than MWU_MAX_N. */
int mwu_test(const double *x, size_t nx, const double *y, size_t ny,
	     struct mwu_result *out);

#endif
