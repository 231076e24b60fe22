/* Shared by the compare_*.c files; not part of the library's interface. */
#ifndef REPORT_COMPARE_INTERNAL_H
#define REPORT_COMPARE_INTERNAL_H

#include <jansson.h>
#include <stdio.h>

#include "report/gate/compare.h"
#include "report/common/json_in.h"

struct cmp_ctx {
	const struct compare_options *o;
	FILE *out;         /* a memory buffer: shown only if the input is good */
	char bad[1024];    /* the first bad-input message; "" when none */
	const char *file;  /* name of the pair being compared, for messages */
	int findings;      /* regressions, in all files */
	int file_lines;    /* findings printed for the current file */
	int file_hidden;   /* findings over max_lines for the current file */
	int file_notes;    /* notes for the current file (shown: max_lines) */
	long exact_compared;
	long timings_compared;
	long icounts_compared;
	long ratios_compared;
};

void cmp_finding(struct cmp_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cmp_note(struct cmp_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Keeps only the first message: that is the one the user fixes first. */
void cmp_bad(struct cmp_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* sim and explore: identity (pattern/scenario, seed, params) must match,
 * then every non-timing value must be equal. */
void cmp_exact(struct cmp_ctx *c, const json_t *base, const json_t *new_root,
	       enum jin_kind kind);
/* Google Benchmark JSON: safety counters and timings. */
void cmp_gbench(struct cmp_ctx *c, const json_t *base, const json_t *new_root);
/* icount.json: instructions per operation, gated at icount_pct. */
void cmp_icount(struct cmp_ctx *c, const json_t *base, const json_t *new_root);

#endif
