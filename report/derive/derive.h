/* Turns a run's JSON into the CSV files the gnuplot scripts read, and
 * records what was there (which plots can be drawn, in which order the
 * trackers and patterns come) for the plot driver and the summary. */
#ifndef REPORT_DERIVE_H
#define REPORT_DERIVE_H

#include <stdbool.h>
#include <stddef.h>

#define DERIVE_MAX_NAMES 32 /* trackers (TRACKER_MAX) or patterns */
#define DERIVE_NAME_LEN 32

struct name_list {
	char names[DERIVE_MAX_NAMES][DERIVE_NAME_LEN];
	int n;
};

struct derive_info {
	struct name_list trackers;        /* order of the sim output */
	struct name_list patterns;        /* (d): patterns with a sim result */
	struct name_list stress_patterns; /* (c): patterns in stress.json */
	struct name_list stress_trackers; /* (c): column order of its CSV */
	int alias_points, slot_points;    /* (a), (b): sweep points found */
	int size_points;                  /* (h): size sweep points found */
	bool numa_hist;                   /* (e): histogram present */
	char numa_max[256];               /* "hva 123, gfn 123, ..." */
	bool live;                        /* (f): live.json with a measurement */
	char live_why[320];               /* (f): why not, when live.json says */
	char live_note[256];              /* (f): "kernel K, N runs per layout" */
	char live_ratio[256];             /* measured ratio vs model's, summary */
	int realvm_presets;               /* (g): presets in realvm/ */
	struct name_list realvm_trackers; /* (g): column order */
	char realvm_table[4096];          /* the summary's real-VM table */
};

/* Every CSV that the run's files allow; a missing input skips its CSV
 * (info says which). Returns 0, or -1 with err for unreadable input. */
int derive_all(const char *run_dir, struct derive_info *info, char *err,
	       size_t errlen);

/* The parts, for tests and for `bench plot`. Each returns 0 or -1. */
int derive_sim_csvs(const char *run_dir, struct derive_info *info, char *err,
		    size_t errlen);
/* (h): steps/s against guest and invalidation size, with single's rate
 * (patterns/single.json) as the reference. */
int derive_size_csv(const char *run_dir, struct derive_info *info, char *err,
		    size_t errlen);
int derive_stress_csv(const char *run_dir, struct derive_info *info,
		      char *err, size_t errlen);
/* live.json absent: nothing. Skipped (or no measurement): no CSV, the
 * reason in info->live_why. Measured: the CSV and info->live. */
int derive_live_csv(const char *run_dir, struct derive_info *info, char *err,
		    size_t errlen);

/* realvm/ absent or empty: nothing. Otherwise csv/realvm.csv and the
 * summary table in info. */
int derive_realvm_csv(const char *run_dir, struct derive_info *info,
		      char *err, size_t errlen);

/* "a b c" from a name list, for gnuplot's word(). */
void name_list_join(const struct name_list *l, char *buf, size_t len);
/* Adds a name if absent; returns its index (-1 when full). */
int name_list_add(struct name_list *l, const char *name);

#endif
