/* The live experiment: calibration, the layouts, the invalidator thread and
 * the interleaved runs whose medians `bench live` reports.
 *
 * Every run builds a fresh VM (so no memslot changes while a vCPU runs and
 * no state carried between cases), warms it with one pass, then lets the
 * guest loop over its pages for a fixed time while a host thread drops the
 * invalidated memory with madvise(MADV_DONTNEED) in a tight loop. Between
 * passes the vCPU thread drops the faulted pages too, so every pass faults
 * every page afresh; the vCPU is out of the guest then, so those
 * invalidations cannot race with a fault.
 *
 * Retries = pf_taken - pf_fixed - pf_emulate - pf_spurious (a retried fault
 * increments none of the three); the figure per run is retries per fixed
 * fault.
 */
#ifndef LIVE_MEASURE_H
#define LIVE_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "live/mechanism.h"
#include "live/vmm.h"

/* The layouts, in the order one interleaved round measures them. */
enum live_layout {
	LL_ALIAS,     /* A and B on the same memory, far apart; faults in M */
	LL_CONTROL,   /* same gfns, B on its own memory */
	LL_SINGLE,    /* one slot, invalidations on the faulted memory */
	LL_MULTISLOT, /* K adjacent slots, invalidations crossing them */
	LL_COUNT
};
extern const char *const live_layout_names[LL_COUNT];

#define LIVE_MAX_RUNS 32
/* The ranges `bench live` accepts, for its options and the sweep's file. */
#define LIVE_MIN_PAGES 16
#define LIVE_MAX_PAGES 65536       /* --pages, --inval-pages */
#define LIVE_MAX_DISTANCE 0xfff00  /* --alias-distance */
#define LIVE_FIRST_GFN 0x100ULL /* slot A (or the single slot) */

struct live_params {
	const char *device;
	uint64_t runs;           /* interleaved runs per layout */
	double seconds;          /* per run */
	uint64_t pages;          /* pages the guest faults per pass */
	uint64_t inval_pages;    /* pages one madvise drops (alias: A's size) */
	uint64_t alias_distance; /* gfns from A to B */
	uint64_t slots;          /* multislot: K */
	uint64_t calib_pages;    /* calibration pass */
	bool inval_touch;        /* populate the pages before each drop */
	uint64_t inval_gap_us;   /* pause between two drops */
	bool plain;              /* also measure single and multislot */
	/* Alias layouts only (single and multislot always use dontneed):
	 * how the host invalidates A's memory, and how many adjacent
	 * memslots A is split into (slots each invalidation crosses). */
	int mech;                /* enum live_mech */
	uint64_t a_slots;
};

void live_params_defaults(struct live_params *p);

/* Checks the parameters against each other and the guest's 4 GiB map.
 * Returns 0, or -1 with a message naming the option(s) and the accepted
 * values. */
int live_params_check(const struct live_params *p, char *err, size_t len);

/* Where the alias layouts put their slots (gfns). */
struct live_alias_gfns {
	uint64_t a, m, b;
};
void live_alias_gfns(const struct live_params *p, struct live_alias_gfns *g);

struct live_sample {
	uint64_t faults;        /* pf_fixed */
	uint64_t retries;
	uint64_t passes;
	uint64_t invalidations; /* by the host thread */
	uint64_t emulated;      /* insn_emulation: one per pass expected */
	double per_fault;       /* retries / faults */
	double seconds;
	double drop_us;         /* mean time inside one madvise */
	double hook_seconds;    /* vCPU thread between passes (dropping M) */
};

struct live_case {
	uint64_t n;
	struct live_sample s[LIVE_MAX_RUNS];
	double median, min, max; /* of per_fault */
};

struct live_calibration {
	uint64_t pages;
	uint64_t pf_taken, pf_fixed, insn_emulation;
	/* A short run without an invalidator: every retry here would be a
	 * cause the formula cannot tell from a tracker's. */
	uint64_t quiet_faults, quiet_retries;
};

/* The live costs the model's step counts are derived from (medians over
 * the control runs, where aliasing adds no retries). */
struct live_timing {
	double fault_us; /* run time per fixed fault */
	double drop_us;  /* one madvise: the invalidation window */
	double cycle_us; /* run time per invalidation */
};

struct live_report {
	char skipped[LIVE_REASON_MAX]; /* empty: measured */
	struct live_params params;
	struct live_calibration calib;
	struct live_case cases[LL_COUNT];
	bool measured[LL_COUNT];
	double ratio;               /* median aliased / median control */
	double ratio_min, ratio_max; /* of the per-round paired ratios */
	struct live_timing timing;
	bool truncated; /* rounds stopped early to stay under a minute */
	double seconds;             /* wall time of the whole measurement */
	/* Thread placement: the vCPU and the invalidator on two different
	 * CPUs, so that they race instead of taking turns on one (-1: not
	 * pinned, fewer than two CPUs allowed). */
	int vcpu_cpu, inval_cpu;
};

/* Runs calibration and the interleaved rounds. A host that cannot measure
 * gives 0 with report->skipped set (the reason, one line); -1 is an
 * unexpected failure after calibration succeeded (message in err). */
int live_measure(const struct live_params *p, struct live_report *report,
		 char *err, size_t len);

/* The pieces live_measure() is made of, for the sweep (live/sweep.c). */

/* The measurability check: touching fresh pages must fault natively. 0
 * when measurable, 1 when not (reason in `why`). */
int live_calibrate(int kvm_fd, const struct live_params *p,
		   struct live_calibration *c, char *why, size_t len);

/* One run of layout l with p's settings on a fresh VM. */
int live_measure_case(int kvm_fd, const struct live_params *p,
		      enum live_layout l, int inval_cpu,
		      struct live_sample *out, char *err, size_t len);

/* Pins the calling (vCPU) thread to the first allowed CPU and names the
 * second for the invalidator (both -1 with fewer than two CPUs);
 * live_threads_restore() gives the caller its mask back. */
void live_threads_place(int *vcpu_cpu, int *inval_cpu);
void live_threads_restore(int vcpu_cpu);

#endif
