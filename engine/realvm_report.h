/* One real-VM case (a preset at one RAM size under its sources), run for
 * every tracker, and printed as a table or JSON (`bench sim --vm=...`). */
#ifndef ENGINE_REALVM_REPORT_H
#define ENGINE_REALVM_REPORT_H

#include <stdio.h>

#include "engine/realvm.h"
#include "engine/sim.h"

#define REALVM_MAX_SOURCES 16
#define REALVM_MAX_TRACKERS 16

struct realvm_source_result {
	struct vm_source src;
	double step_us;
	uint64_t window_steps, gap_steps, steps;
	double real_gap_steps;
	size_t n;
	struct sim_result r[REALVM_MAX_TRACKERS];
	struct realvm_units u[REALVM_MAX_TRACKERS];
};

struct realvm_case {
	struct vm_preset preset;
	struct vm_built built;
	struct realvm_clock clock;
	struct realvm_params params;
	size_t n_src;
	struct realvm_source_result res[REALVM_MAX_SOURCES];
	double seconds;  /* engine time over every source and tracker */
	uint64_t steps;  /* scheduler steps over the same */
};

/* Runs every source of c (res[i].src filled by the caller) for every
 * registered tracker, or only `only`. Progress on stderr when verbose.
 * Returns 0 or -1 with a message. */
int realvm_run_case(struct realvm_case *c, const struct tracker_ops *only,
		    char *err, size_t len);

/* Sum over the sources of one tracker's units (the sources are taken as
 * independent: their windows rarely overlap at real rates). */
void realvm_total(const struct realvm_case *c, size_t tracker,
		  struct realvm_units *u, uint64_t *fn);

void realvm_print_table(FILE *out, const struct realvm_case *c);
void realvm_print_json(FILE *out, const struct realvm_case *c);

#endif
