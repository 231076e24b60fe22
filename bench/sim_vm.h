/* `bench sim --vm=PRESET`: the real-VM mode of the sim command (options,
 * checks, calibration, output). Kept apart from cmd_sim.c, which only
 * hands over when --vm is given. */
#ifndef BENCH_SIM_VM_H
#define BENCH_SIM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pattern.h"
#include "model/tracker.h"
#include "util/opts.h"

struct sim_vm_cli {
	const char *vm;          /* NULL: not the real-VM mode */
	const char *ram;         /* size text, NULL: the preset's default */
	const char *sources;     /* NAME[,NAME...] or all; NULL: all that apply */
	const char *dir;         /* NULL: the source tree's vms/ */
	const char *calibration; /* a `bench live --json` output */
	double fault_us, retry_us; /* 0: from the calibration or the defaults */
	uint64_t invals;         /* 0: the default */
};

void sim_vm_defaults(struct sim_vm_cli *v);
/* Appends the real-VM options to t (from index n); returns the new count. */
size_t sim_vm_options(struct sim_vm_cli *v, struct opt_spec *t, size_t n);
/* Without --vm: -1 with a message if a real-VM option was given anyway. */
int sim_vm_unused(const struct sim_vm_cli *v, char *err, size_t len);
/* Runs the mode; returns the exit status (2: bad input). */
int sim_vm_run(const struct sim_vm_cli *v, int argc, char **argv,
	       const struct pattern_params *pp, const struct tracker_ops *only,
	       bool json);

#endif
