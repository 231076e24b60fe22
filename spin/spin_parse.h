/* Reading what pan and `spin -t` print. Pure text functions, kept apart
 * from running the tools so that they can be tested on canned output
 * without spin installed (test_spin_parse.c). */
#ifndef SPIN_SPIN_PARSE_H
#define SPIN_SPIN_PARSE_H

#include <stdbool.h>

#include "spin/spin_check.h"

/* What one ./pan run reported. */
struct pan_report {
	bool have_stats;      /* the statistics block was found */
	unsigned long errors; /* "errors: N" */
	bool assertion;       /* the first error is an assertion violation */
	bool depth_too_small; /* "error: max search depth too small" */
	char first_error[256]; /* first "pan:1: ..." line, or "" */
	unsigned long long stored, matched, transitions, depth;
	double elapsed;       /* "pan: elapsed time X seconds" */
};

/* Parses pan's output. Returns 0, or -1 when it holds no statistics (pan
 * did not finish a search). */
int spin_parse_pan(const char *text, struct pan_report *r);

/* Collects the model's "@@ " lines of a `spin -t` replay into v->steps
 * (prefix and indentation removed), in order; sets steps_truncated when
 * there are more than SPIN_MAX_STEPS. */
void spin_parse_trail(const char *text, struct spin_verdict *v);

/* Names the safety property behind pan's assertion text (the two
 * assertions of spin/model/retry.pml), or "" when it is neither. */
const char *spin_property_name(const char *assertion_text);

#endif
