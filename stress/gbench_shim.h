/* A C interface to Google Benchmark (Debian libbenchmark-dev 1.7.1).
 *
 * Why a shim: the suite is C; Google Benchmark gives the iteration-count
 * probing, repetitions, aggregates and the JSON format (with its `context`
 * block) that reviewers' comparison tools read. Everything C++ lives in
 * gbench_shim.cc; this header is the whole contract.
 *
 * Timing loop: call gb_keep_running_batch(st, n) and do n iterations of
 * work per call. One call across the C/C++ boundary costs about 2 ns, so a
 * per-iteration call (gb_keep_running) distorts anything shorter than a
 * few tens of ns; batches amortise it (measured by shim/batch, shim/single).
 * The batch may overshoot by up to n iterations, as in Google Benchmark.
 *
 * Things 1.7.1 does not do, which callers must know:
 *  - Setup/Teardown and statistics callbacks carry no user data, so they are
 *    not exposed: do setup inside the benchmark body instead.
 *  - With gb_bench_threads(), Google Benchmark re-creates its threads for
 *    every iteration-count probe, and thread 0 runs on the calling thread.
 *  - Per-benchmark MinTime/Iterations/UseRealTime append "/min_time:...",
 *    "/iterations:..", "/real_time" to the benchmark's name. Names are the
 *    keys of every regression comparison, so the suite prefers the global
 *    --benchmark_min_time flag and its own time base for rates.
 */
#ifndef STRESS_GBENCH_SHIM_H
#define STRESS_GBENCH_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gb_state gb_state; /* benchmark::State */
typedef struct gb_bench gb_bench; /* benchmark::internal::Benchmark */

/* The body of a benchmark. Called once per iteration-count probe (and once
 * per thread when threads are set). */
typedef void (*gb_fn)(gb_state *st, void *user);

/* Counter flags, the same bits as benchmark::Counter::Flags. */
enum gb_counter_flags {
	GB_COUNTER_DEFAULT = 0,
	GB_COUNTER_RATE = 1 << 0,            /* divided by the benchmark's time */
	GB_COUNTER_AVG_THREADS = 1 << 1,     /* divided by the thread count */
	GB_COUNTER_ITER_INVARIANT = 1 << 2,  /* multiplied by the iterations */
	GB_COUNTER_AVG_ITERATIONS = 1 << 3,  /* divided by the iterations */
	GB_COUNTER_INVERT = 1u << 31,        /* 1/x, applied last */
};

enum gb_time_unit { GB_NS, GB_US, GB_MS, GB_S };

/* --- registration (before gb_run) ------------------------------------- */

/* Registers `fn(st, user)` under `name` (copied). `user` must outlive
 * gb_run(). Returns the handle for the setters below, never NULL. */
gb_bench *gb_register(const char *name, gb_fn fn, void *user);
void gb_bench_arg(gb_bench *b, int64_t x);
/* One argument tuple (one instance): x[0..n). */
void gb_bench_args(gb_bench *b, const int64_t *x, size_t n);
/* Google Benchmark's Range(lo, hi): lo, powers of 8 in between, hi. */
void gb_bench_range(gb_bench *b, int64_t lo, int64_t hi);
void gb_bench_arg_name(gb_bench *b, const char *name);
/* Runs the body on `threads` threads at once (one instance per call). */
void gb_bench_threads(gb_bench *b, int threads);
void gb_bench_use_real_time(gb_bench *b);
void gb_bench_unit(gb_bench *b, enum gb_time_unit unit);

/* --- inside a body ------------------------------------------------------ */

/* True while n more iterations are to be run. Starts the timer on the first
 * call; a body must call it until it returns false (or skip with an error). */
bool gb_keep_running_batch(gb_state *st, int64_t n);
bool gb_keep_running(gb_state *st); /* n == 1; costs a call per iteration */
int64_t gb_range(const gb_state *st, size_t i); /* argument i */
int gb_threads(const gb_state *st);
int gb_thread_index(const gb_state *st);
/* Iterations so far (the total once the loop has ended). */
int64_t gb_iterations(const gb_state *st);
void gb_pause_timing(gb_state *st);
void gb_resume_timing(gb_state *st);
/* Sets (overwrites) a user counter; `flags` is an enum gb_counter_flags mix.
 * With threads, every thread's value is summed unless AVG_THREADS. */
void gb_set_counter(gb_state *st, const char *name, double value,
		    unsigned flags);
void gb_set_label(gb_state *st, const char *label);
/* Marks the run failed with `msg`; the next gb_keep_running* returns false. */
void gb_skip_with_error(gb_state *st, const char *msg);
bool gb_error_occurred(const gb_state *st);

/* Keeps the compiler from deleting a computation whose result is unused. */
static inline void gb_do_not_optimize_u64(uint64_t v)
{
	__asm__ volatile("" : : "r"(v) : "memory");
}
static inline void gb_clobber_memory(void)
{
	__asm__ volatile("" : : : "memory");
}

/* --- running -------------------------------------------------------------- */

/* Google Benchmark's Initialize: consumes every --benchmark_* flag (and
 * --v) of argv, leaving the rest in argv/argc. --help prints Google
 * Benchmark's help and exits 0, as Google Benchmark does. */
void gb_initialize(int *argc, char **argv);
/* Prints Google Benchmark's "unrecognized command-line flag" message for
 * each argv[1..argc) and returns true if there was any. */
bool gb_report_unrecognized(int argc, char **argv);
/* Adds a key/value to the JSON `context` block (after gb_initialize). */
void gb_add_context(const char *key, const char *value);
/* The --benchmark_filter value ("" when not given: everything). */
void gb_get_filter(char *buf, size_t len);
/* Number of registered benchmark instances the filter selects, computed by
 * Google Benchmark's own matcher without running anything and without
 * touching the --benchmark_out file (so bad input leaves no output behind).
 * When it is 0, `msg` receives Google Benchmark's explanation (no match, or
 * a regular expression that does not compile). */
size_t gb_count_matching(char *msg, size_t len);
/* Runs the selected benchmarks (console output, plus --benchmark_out).
 * With `progress`, also prints "[k/n] name" to stderr as each finishes.
 * Returns the number of benchmarks run. */
size_t gb_run(bool progress);
void gb_shutdown(void);
/* Drops every registered benchmark (tests register several suites). */
void gb_clear_registered(void);

#ifdef __cplusplus
}
#endif

#endif
