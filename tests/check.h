/* Minimal assertions for the C tests, in the spirit of the KVM selftests:
 * a failing check prints where, the expression, the seed when one is set,
 * and what was expected and got, then the test continues so one run shows
 * every failure. main() returns check_summary(), which prints
 * "NAME: N passed, M failed" and is non-zero when anything failed.
 *
 *   CHECK(cond[, fmt, ...])                   the expression, a message
 *   CHECK_EQ_U64(got, want[, fmt, ...])       expected vs got, unsigned
 *   CHECK_EQ_I64(got, want[, fmt, ...])       expected vs got, signed
 *   CHECK_NEAR(got, want, tol[, fmt, ...])    |got - want| <= tol
 *   CHECK_CONTAINS(text, needle[, fmt, ...])  strstr(text, needle)
 *   CHECK_FAIL(fmt, ...)                      no expression describes it
 *
 * Each argument is evaluated once; fmt is a string literal. For example:
 *   x.c:55: FAILED: r.stats.fn == 0 (seed 2): gfn on alias: expected 0, got 3
 */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failed, check_passed;
static uint64_t check_seed; /* printed with failures when set (non-zero) */

/* "file:line: FAILED: expr (seed S)" and the caller's note; the caller
 * ends the line. */
static inline void check_fail_head_(const char *file, int line,
				    const char *expr, const char *note)
{
	check_failed++;
	fprintf(stderr, "%s:%d: FAILED", file, line);
	if (expr)
		fprintf(stderr, ": %s", expr);
	if (check_seed)
		fprintf(stderr, " (seed %" PRIu64 ")", check_seed);
	fputs(note, stderr);
}

/* The optional message as ": message", or "" when there is none. */
#define CHECK_NOTE_(buf, ...)                                                \
	(snprintf(buf, sizeof(buf), ": " __VA_ARGS__) > 2 ? buf : "")

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (cond) {                                                  \
			check_passed++;                                      \
		} else {                                                     \
			char check_note_[1024];                              \
			check_fail_head_(__FILE__, __LINE__, #cond,          \
					 CHECK_NOTE_(check_note_, __VA_ARGS__)); \
			fputc('\n', stderr);                                 \
		}                                                            \
	} while (0)

#define CHECK_FAIL(...)                                                      \
	do {                                                                 \
		char check_note_[1024];                                      \
		check_fail_head_(__FILE__, __LINE__, NULL,                   \
				 CHECK_NOTE_(check_note_, __VA_ARGS__));     \
		fputc('\n', stderr);                                         \
	} while (0)

/* The typed comparisons: got and want converted to T once, ok tests
 * check_g_ against check_w_, vfmt prints one value. */
#define CHECK_CMP_(T, got, want, ok, expr, vfmt, ...)                        \
	do {                                                                 \
		T check_g_ = (T)(got), check_w_ = (T)(want);                 \
		if (ok) {                                                    \
			check_passed++;                                      \
		} else {                                                     \
			char check_note_[1024];                              \
			check_fail_head_(__FILE__, __LINE__, expr,           \
					 CHECK_NOTE_(check_note_, __VA_ARGS__)); \
			fprintf(stderr, ": expected " vfmt ", got " vfmt "\n", \
				check_w_, check_g_);                         \
		}                                                            \
	} while (0)

#define CHECK_EQ_U64(got, want, ...)                                         \
	CHECK_CMP_(uint64_t, got, want, check_g_ == check_w_,                \
		   #got " == " #want, "%" PRIu64, __VA_ARGS__)

#define CHECK_EQ_I64(got, want, ...)                                         \
	CHECK_CMP_(int64_t, got, want, check_g_ == check_w_,                 \
		   #got " == " #want, "%" PRId64, __VA_ARGS__)

/* NaN is near nothing. */
#define CHECK_NEAR(got, want, tol, ...)                                      \
	CHECK_CMP_(double, got, want, fabs(check_g_ - check_w_) <= (tol),    \
		   "|" #got " - " #want "| <= " #tol, "%.17g", __VA_ARGS__)

#define CHECK_CONTAINS(text, needle, ...)                                    \
	do {                                                                 \
		const char *check_t_ = (text), *check_n_ = (needle);         \
		if (strstr(check_t_, check_n_)) {                            \
			check_passed++;                                      \
		} else {                                                     \
			char check_note_[1024];                              \
			check_fail_head_(__FILE__, __LINE__,                 \
					 "strstr(" #text ", " #needle ")",  \
					 CHECK_NOTE_(check_note_, __VA_ARGS__)); \
			fprintf(stderr, ": expected a text containing '%s', " \
				"got '%s'\n", check_n_, check_t_);           \
		}                                                            \
	} while (0)

static inline int check_summary(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
