/* Where each part of a run lives inside its results folder. One list, used
 * by the run that writes the files and by the readers (CSV derivation,
 * plots, summary), so the two cannot drift apart. */
#ifndef REPORT_LAYOUT_H
#define REPORT_LAYOUT_H

#define LAYOUT_MANIFEST      "manifest.json"
#define LAYOUT_SWEEP_ALIAS   "sweep/alias_distance" /* D<d>.json: sim alias */
#define LAYOUT_SWEEP_SLOTS   "sweep/multislot_slots" /* K<k>.json: multislot */
#define LAYOUT_SWEEP_GUEST   "sweep/guest_size" /* P<slot pages>.json: multislot */
#define LAYOUT_SWEEP_INVAL   "sweep/inval_size" /* I<pages>.json: single */
#define LAYOUT_PATTERNS      "patterns"  /* <pattern>.json: sim, defaults */
#define LAYOUT_STRESS        "stress.json" /* Google Benchmark JSON */
#define LAYOUT_EXPLORE       "explore"   /* <scenario>.json */
#define LAYOUT_LIVE          "live.json"
#define LAYOUT_REALVM        "realvm"    /* <preset>.json: sim --vm */
#define LAYOUT_ICOUNT        "icount.json" /* bench icount --json */
#define LAYOUT_LOGS          "logs"      /* <step>.log: each child's stderr */
#define LAYOUT_CSV           "csv"
#define LAYOUT_PLOTS         "plots"
#define LAYOUT_SUMMARY       "summary.txt"

/* CSV files derived for the plots (in LAYOUT_CSV). */
#define CSV_FP_VS_DISTANCE   "fp_vs_distance.csv"
#define CSV_FN_VS_SLOTS      "fn_vs_slots.csv"
#define CSV_FAULTS_THREADS   "faults_vs_threads.csv"
#define CSV_RETRY_BREAKDOWN  "retry_breakdown.csv"
#define CSV_NUMA_HIST        "numa_retries_per_gfn.csv"
#define CSV_LIVE             "live_vs_model.csv"
#define CSV_REALVM           "realvm.csv"
#define CSV_SIZE_SWEEP       "size_sweep.csv"

/* The pattern whose per-gfn retry histogram plot (e) shows. */
#define LAYOUT_HIST_PATTERN  "numa"

#endif
