/* Merging single-repetition Google Benchmark files: every iteration entry
 * kept with its repetition index, aggregates dropped, the first context
 * kept, and a bad part refused without writing the output. argv[1]: the
 * fixture run (its stress.json has 5 repetitions and aggregates). */
#include <string.h>
#include <unistd.h>

#include "report/common/gbench_merge.h"
#include "report/tests/fixture_util.h"
#include "tests/check.h"

int main(int argc, char **argv)
{
	char dir[4096], part[4300], bad[4300], out[4300], err[512];
	const char *parts[3];
	json_t *m, *b;
	size_t i, n_iter = 0, in_fixture = 0;
	int idx_seen[3] = { 0 };

	if (argc != 2)
		return 2;
	scratch_dir("merge", dir, sizeof(dir));
	snprintf(part, sizeof(part), "%s/stress.json", argv[1]);
	snprintf(out, sizeof(out), "%s/merged.json", dir);
	parts[0] = parts[1] = parts[2] = part;

	m = load(argv[1], "stress.json");
	json_array_foreach(json_object_get(m, "benchmarks"), i, b)
		in_fixture += strcmp(json_string_value(json_object_get(b,
				"run_type")), "iteration") == 0;
	json_decref(m);

	CHECK(gbench_merge(parts, 3, out, err, sizeof(err)) == 0);
	m = load(dir, "merged.json");
	CHECK(m != NULL);
	CHECK_EQ_I64(json_integer_value(json_object_get(json_object_get(m, "context"),
							"num_cpus")), 2);
	json_array_foreach(json_object_get(m, "benchmarks"), i, b) {
		json_int_t idx = json_integer_value(json_object_get(b,
						"repetition_index"));

		CHECK(strcmp(json_string_value(json_object_get(b, "run_type")),
			     "iteration") == 0);
		CHECK_EQ_I64(json_integer_value(json_object_get(b, "repetitions")),
			     3);
		if (idx >= 0 && idx < 3)
			idx_seen[idx]++;
		n_iter++;
	}
	CHECK_EQ_I64(n_iter, 3 * in_fixture);
	CHECK_EQ_I64(idx_seen[0], in_fixture);
	CHECK_EQ_I64(idx_seen[2], in_fixture);
	json_decref(m);

	/* A part that is not benchmark JSON: error naming it, no output. */
	snprintf(bad, sizeof(bad), "%s/sweep/alias_distance/D320.json", argv[1]);
	parts[1] = bad;
	unlink(out);
	CHECK(gbench_merge(parts, 2, out, err, sizeof(err)) == -1);
	CHECK(strstr(err, "D320.json") != NULL);
	CHECK(access(out, F_OK) != 0);
	return check_summary("gbench_merge");
}
