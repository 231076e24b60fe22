/* Deterministic cost: instructions executed by the check/, check_inflight/,
 * path/ and sim/ bodies (micro_fixture.h), counted by valgrind's callgrind.
 *
 * Why instructions: on a shared 2-core VM wall clock moves by up to 10x
 * between runs of one commit, while the instructions a fixed piece of work
 * executes repeat exactly. Each region runs once warm (so lazy symbol
 * binding and first-touch paths are not counted), then once with
 * collection switched on by client requests around exactly the measured
 * loop; its counts are dumped under the region's name.
 *
 * `bench icount` re-runs the same binary under
 *   valgrind --tool=callgrind --collect-atstart=no
 * with --in-valgrind (icount_measure_regions), then reads the dumps. */
#ifndef STRESS_ICOUNT_H
#define STRESS_ICOUNT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ICOUNT_MAX 128

struct icount_region {
	char name[64];      /* check/union, path/rwlock, sim/nop, ... */
	const char *unit;   /* what one operation is: check, fault, step */
	uint64_t ops;       /* operations in the measured loop */
	uint64_t instructions;
};

struct icount_set {
	struct icount_region r[ICOUNT_MAX];
	size_t n;
	char tool[64]; /* valgrind's version line */
};

/* The regions, names and op counts, without measuring (for both sides). */
int icount_plan(struct icount_set *s, char *err, size_t errlen);
/* Runs every region with callgrind client requests around it; only
 * meaningful under callgrind. Returns 0 or -1 with err. */
int icount_measure_regions(char *err, size_t errlen);
/* Runs `exe icount --in-valgrind` under callgrind in a scratch folder and
 * fills s->r[].instructions from its dumps. Returns 0, or -1 with err
 * (valgrind missing, a region without a dump). */
int icount_collect(const char *exe, struct icount_set *s, char *err,
		   size_t errlen);
void icount_write_json(const struct icount_set *s, FILE *out);
void icount_write_table(const struct icount_set *s, FILE *out);

#endif
