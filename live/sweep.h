/* `bench live --sweep`: many layouts and invalidation mechanisms, measured
 * in interleaved rounds, so that the model's timing parameters can be
 * fitted on some of them and tested on the others (live/calib.h).
 *
 * Every point is an alias-family layout (live/measure.h: aliased, or the
 * control where B has its own memory) that differs from the base layout of
 * `bench live` in one thing: the invalidation size, the alias distance,
 * how many memslots A is split into (slots each invalidation crosses), the
 * guest's working set, or the host's invalidation mechanism. One round
 * measures every point once; odd rounds go backwards, so a drift in the
 * machine's load reaches every point alike.
 *
 * The split is fixed by the point list, not drawn: training points (the
 * fit sees them), held-out points (predicted, never fitted) and unmodelled
 * ones (measured and shown; the model has no shape for them). The list is
 * a file: live/sweep.points (its header is the format), or --sweep-file.
 */
#ifndef LIVE_SWEEP_H
#define LIVE_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "live/measure.h"

#define SWEEP_MAX_POINTS 40
#define SWEEP_MAX_RUNS 16
#define SWEEP_NAME_MAX 64
#define SWEEP_NOTE_MAX 200

enum sweep_role { ROLE_TRAIN, ROLE_HELD_OUT, ROLE_UNMODELLED, ROLE_COUNT };
extern const char *const sweep_role_names[ROLE_COUNT];

/* Medians over a point's runs of the costs the model's step counts are
 * scaled from; each is measured in the same run as the retries. */
struct sweep_timing {
	double guest_us_per_fault; /* vCPU time in KVM_RUN per fixed fault */
	double drop_us;            /* one call of the mechanism */
	double cycle_us;           /* run time per invalidation */
};

struct sweep_point {
	char name[SWEEP_NAME_MAX];
	int layout; /* LL_ALIAS or LL_CONTROL */
	struct live_params p; /* the base with this point's difference */
	int role;   /* enum sweep_role */
	/* measured */
	bool skipped;            /* its mechanism does not work here */
	uint64_t n;
	struct live_sample s[SWEEP_MAX_RUNS];
	double median, min, max; /* retries per fixed fault */
	struct sweep_timing t;
};

/* What a point changes from the base: 0 keeps the base's value. */
struct sweep_delta {
	int layout; /* LL_ALIAS or LL_CONTROL */
	int mech;   /* enum live_mech */
	int role;   /* enum sweep_role */
	uint64_t inval_pages, alias_distance, a_slots, pages;
	unsigned line; /* in its file, for messages */
};

/* The built-in point file (live/sweep.points). */
const char *live_sweep_default_file(void);

/* Reads up to `max` points of a point file into out[0..*n). Returns 0, or
 * -1 with "FILE:LINE: what is wrong" in err. */
int live_sweep_read(const char *path, struct sweep_delta *out, size_t max,
		    size_t *n, char *err, size_t len);

struct live_sweep {
	char skipped[LIVE_REASON_MAX]; /* empty: measured */
	char points_file[512];
	struct live_params base;
	uint64_t runs;
	double seconds;
	size_t n;
	struct sweep_point pt[SWEEP_MAX_POINTS];
	/* Per mechanism: usable here, or the one-line note why not. */
	bool mech_usable[LM_COUNT];
	char mech_note[LM_COUNT][SWEEP_NOTE_MAX];
	struct live_calibration calib;
	int vcpu_cpu, inval_cpu;
	double measure_seconds;
};

/* Fills the point list from the file at `path` (NULL: the built-in one)
 * and `base` (live_params_defaults() with the user's run settings).
 * Returns 0, or -1 with a message when the file is bad or base makes a
 * point invalid (the list and its split do not depend on the machine). */
int live_sweep_points(struct live_sweep *sw, const struct live_params *base,
		      uint64_t runs, double seconds, const char *path,
		      char *err, size_t len);

/* Index of the point called name, or -1. */
int live_sweep_find(const struct live_sweep *sw, const char *name);

/* The two points whose ratio is the headline (the base layout's aliased
 * and control, both held out): indexes, or -1. */
void live_sweep_ratio_pair(const struct live_sweep *sw, int *aliased,
			   int *control);

/* Probes the mechanisms, checks the host can measure, then runs the
 * rounds; progress (one line per run) goes to `progress` (may be NULL). A
 * host that cannot measure gives 0 with sw->skipped set; -1 is a failure
 * after calibration succeeded (message in err). */
int live_sweep_measure(struct live_sweep *sw, FILE *progress, char *err,
		       size_t len);

/* Fills the medians and timings from the runs (live_sweep_measure calls
 * it; tests call it on fixture samples). */
void live_sweep_summarise(struct sweep_point *pt);

#endif
