/* Minimal assertions for the report tests: print expected vs got and where,
 * keep going, fail at the end (KVM selftests style messages). */
#ifndef REPORT_TESTS_CHECK_H
#define REPORT_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_failures;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                            \
			check_failures++;                                    \
		}                                                            \
	} while (0)

#define CHECK_NEAR(got, want, tol)                                           \
	do {                                                                 \
		double g_ = (got), w_ = (want);                              \
		if (!(fabs(g_ - w_) <= (tol))) {                             \
			fprintf(stderr, "%s:%d: %s: expected %.17g, got %.17g\n", \
				__FILE__, __LINE__, #got, w_, g_);           \
			check_failures++;                                    \
		}                                                            \
	} while (0)

#define CHECK_INT(got, want)                                                 \
	do {                                                                 \
		long long g_ = (got), w_ = (want);                           \
		if (g_ != w_) {                                              \
			fprintf(stderr, "%s:%d: %s: expected %lld, got %lld\n", \
				__FILE__, __LINE__, #got, w_, g_);           \
			check_failures++;                                    \
		}                                                            \
	} while (0)

static inline int check_summary(const char *name)
{
	if (check_failures)
		fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
	else
		printf("%s: all checks passed\n", name);
	return check_failures ? 1 : 0;
}

#endif
