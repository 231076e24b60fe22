/* The Google Benchmark shim from C: registration with user data, args,
 * threads and the thread index, counters, labels, errors, context, the
 * filter dry run, and the JSON file. Facts only; no timing is asserted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stress/gbench_shim.h"
#include "tests/check.h"
#include "tests/fixture.h"

struct seen {
	int calls;
	int64_t arg;
	int threads_max;
	int index_mask; /* bit i: thread index i ran */
	int64_t iterations;
};

static void bm_counter(gb_state *st, void *user)
{
	struct seen *s = user;
	uint64_t acc = 0;

	s->calls++;
	s->arg = gb_range(st, 0);
	while (gb_keep_running_batch(st, 8))
		for (int i = 0; i < 8; i++)
			acc += (uint64_t)i;
	gb_do_not_optimize_u64(acc);
	s->iterations = gb_iterations(st);
	gb_set_counter(st, "answer", 42.0, GB_COUNTER_DEFAULT);
	gb_set_counter(st, "zero", 0.0, GB_COUNTER_DEFAULT);
	gb_set_counter(st, "per_iter", 1.0, GB_COUNTER_ITER_INVARIANT | GB_COUNTER_AVG_ITERATIONS);
	gb_set_label(st, "shim-label");
}

static void bm_threads(gb_state *st, void *user)
{
	struct seen *s = user;
	int idx = gb_thread_index(st);

	/* Each thread writes only its own bit, after the start barrier all
	 * threads share inside the timing loop; atomics keep it race free. */
	__atomic_fetch_or(&s->index_mask, 1 << idx, __ATOMIC_RELAXED);
	if (gb_threads(st) > __atomic_load_n(&s->threads_max, __ATOMIC_RELAXED))
		__atomic_store_n(&s->threads_max, gb_threads(st), __ATOMIC_RELAXED);
	while (gb_keep_running(st))
		gb_clobber_memory();
	gb_set_counter(st, "one", 1.0, GB_COUNTER_DEFAULT);
}

static void bm_error(gb_state *st, void *user)
{
	(void)user;
	gb_skip_with_error(st, "deliberate failure");
	CHECK(gb_error_occurred(st), "error flag not set after skip");
	while (gb_keep_running(st))
		;
}

int main(void)
{
	struct seen counter = { 0 }, threads = { 0 };
	char out_path[] = "/tmp/stress_test_shim_XXXXXX";
	char out_flag[128], msg[256], filter[64];
	int fd = mkstemp(out_path);
	char *json;
	gb_bench *b;

	CHECK(fd >= 0, "mkstemp failed");
	close(fd);
	snprintf(out_flag, sizeof(out_flag), "--benchmark_out=%s", out_path);
	char *argv[] = { "test_shim", "--benchmark_filter=^t/",
			 "--benchmark_min_time=0.001", out_flag,
			 "--benchmark_out_format=json", "--benchmark_repetitions=2",
			 "--not_ours", NULL };
	int argc = 7;

	gb_initialize(&argc, argv);
	CHECK(argc == 2 && strcmp(argv[1], "--not_ours") == 0,
	      "Initialize should leave only the unknown flag: argc %d", argc);
	gb_get_filter(filter, sizeof(filter));
	CHECK(strcmp(filter, "^t/") == 0, "filter: expected ^t/, got %s", filter);

	b = gb_register("t/counter", bm_counter, &counter);
	gb_bench_arg(b, 7);
	b = gb_register("t/threads", bm_threads, &threads);
	gb_bench_threads(b, 3);
	gb_register("t/error", bm_error, NULL);
	gb_register("other/never", bm_error, NULL);
	gb_add_context("shim_test_key", "shim_test_value");

	/* The dry run counts with Google Benchmark's matcher and must not
	 * truncate the --benchmark_out file. */
	FILE *f = fopen(out_path, "w");
	fputs("sentinel", f);
	fclose(f);
	CHECK_EQ_U64(gb_count_matching(msg, sizeof(msg)), 3, "instances matching ^t/");
	json = read_file(out_path);
	CHECK(json && strcmp(json, "sentinel") == 0, "count touched the out file");

	CHECK_EQ_U64(gb_run(false), 3, "benchmarks run");
	CHECK(counter.calls >= 1, "counter body never called");
	CHECK_EQ_U64(counter.arg, 7, "argument seen by the body");
	CHECK(counter.iterations % 8 == 0 && counter.iterations > 0,
	      "batch of 8: iterations %lld not a positive multiple",
	      (long long)counter.iterations);
	CHECK(threads.threads_max == 3, "threads(): expected 3, got %d", threads.threads_max);
	CHECK(threads.index_mask == 7, "thread indexes: expected mask 7, got %d",
	      threads.index_mask);

	json = read_file(out_path);
	CHECK(json != NULL, "no JSON written to %s", out_path);
	if (json) {
		CHECK(strstr(json, "\"name\": \"t/counter/7\"") != NULL, "t/counter/7 missing");
		CHECK(strstr(json, "\"answer\": 4.2") != NULL, "counter 'answer' missing");
		CHECK(strstr(json, "\"per_iter\": 1.0") != NULL, "per_iter should average to 1");
		CHECK(strstr(json, "\"label\": \"shim-label\"") != NULL, "label missing");
		CHECK(strstr(json, "\"name\": \"t/threads/threads:3\"") != NULL,
		      "threaded instance missing");
		CHECK(strstr(json, "\"one\": 3.0") != NULL,
		      "counter of 3 threads should sum to 3");
		CHECK(strstr(json, "\"error_message\": \"deliberate failure\"") != NULL,
		      "error message missing");
		CHECK(strstr(json, "\"shim_test_key\": \"shim_test_value\"") != NULL,
		      "custom context missing");
		CHECK(strstr(json, "other/never") == NULL, "filtered benchmark ran");
		/* The _cv of a counter that is 0 in every repetition is 0/0:
		 * written as null, since NaN is not JSON. */
		CHECK(strstr(json, "NaN") == NULL && strstr(json, "Infinity") == NULL,
		      "non-finite value in the JSON file");
		CHECK(strstr(json, "\"zero\": null") != NULL, "zero counter's cv not null");
	}

	/* A filter that selects nothing: 0, with Google Benchmark's reason. */
	char *argv2[] = { "test_shim", "--benchmark_filter=^nothing$", NULL };
	int argc2 = 2;

	gb_initialize(&argc2, argv2);
	CHECK_EQ_U64(gb_count_matching(msg, sizeof(msg)), 0, "instances matching ^nothing$");
	CHECK(strstr(msg, "nothing") != NULL, "no-match message should name the filter: %s", msg);

	gb_clear_registered();
	gb_shutdown();
	unlink(out_path);
	return check_summary("stress_test_shim");
}
