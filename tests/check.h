/* Minimal assertions for the C tests, in the spirit of the KVM selftests:
 * a failing check prints what was expected, what was got, where, and the
 * seed, then the test continues so one run shows every failure. main()
 * returns check_summary(). */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>

static int check_failed, check_passed;
static uint64_t check_seed; /* printed with failures when set */

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (cond) {                                                  \
			check_passed++;                                      \
		} else {                                                     \
			check_failed++;                                      \
			fprintf(stderr, "%s:%d: FAILED: %s (seed %" PRIu64 "): ", \
				__FILE__, __LINE__, #cond, check_seed);      \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
		}                                                            \
	} while (0)

#define CHECK_EQ_U64(got, want, what)                                        \
	CHECK((uint64_t)(got) == (uint64_t)(want), "%s: expected %" PRIu64   \
	      ", got %" PRIu64, what, (uint64_t)(want), (uint64_t)(got))

static inline int check_summary(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
