/* One run's VM: the slots of a layout on fresh host memory, the guest loop
 * pointed at the faulted slot, and a timed run against the invalidator.
 *
 * A fresh VM per run: no memslot changes while a vCPU runs (an invalid
 * memslot makes faults retry too) and nothing carried between layouts.
 */
#ifndef LIVE_SETUP_H
#define LIVE_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "live/mechanism.h"
#include "live/measure.h"
#include "live/vmm.h"

#define LIVE_WARM_SECONDS 5.0 /* bound of one warm-up or calibration pass */
#define LIVE_SETUP_MAX_MEM 3

struct live_setup {
	struct live_vm vm;
	bool vm_live;
	struct live_mem mem[LIVE_SETUP_MAX_MEM];
	void *loop_mem; /* what the guest faults, dropped between passes */
	uint64_t loop_gfn, loop_pages;
	/* What the host thread invalidates: a view into one of mem[] (not
	 * owned; remap keeps its address). */
	struct live_mem inval;
	int mech; /* enum live_mech */
	bool inval_touch;
	uint64_t hook_ns; /* spent in the between-passes hook */
	uint64_t inval_gap_us;
	int inval_cpu; /* -1: not pinned */
};

/* Builds layout l with the guest faulting `loop_pages` pages (calibration
 * uses the single layout with its own page count). Returns 0, or -1 with a
 * message; free with live_setup_free either way. */
int live_setup_build(struct live_setup *s, int kvm_fd,
		     const struct live_params *p, enum live_layout l,
		     uint64_t loop_pages, char *err, size_t len);
void live_setup_free(struct live_setup *s);

/* The between-passes hook: drops the faulted pages, so every pass faults
 * every page afresh (the vCPU is out of the guest: no race). */
void live_setup_drop_loop(void *setup);

/* One pass, so the code page and the first faults are behind us. */
int live_setup_warm_up(struct live_setup *s, char *err, size_t len);

/* Runs the guest for `seconds`, with the invalidator when `invalidate`,
 * and fills one sample from the stats deltas. */
int live_setup_run(struct live_setup *s, double seconds, bool invalidate,
		   struct live_sample *out, char *err, size_t len);

#endif
