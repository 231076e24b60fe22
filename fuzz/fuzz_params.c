/* libFuzzer target: the command-line parser (util/opts.c) with the pattern
 * option table, then pattern_build, then a short deterministic run.
 *
 * Input: byte 0 picks the pattern whose defaults apply (as `bench sim` finds
 * --pattern first), byte 1 picks the tracker, the rest is the argument list,
 * one argument per line (or NUL-separated). Besides memory errors and UB
 * (ASan/UBSan), it traps on broken contracts:
 *   - a parse or build failure must come with a message (users get exit 2
 *     and that message, never an empty line);
 *   - a built world must be sane (slots, actors within their limits);
 *   - hva, union and exact must never install a stale SPTE, whatever the
 *     parameters: the suite's safety claim, fuzzed over the parameter space.
 * Every built world runs, up to the 16 TiB guests the options allow: state
 * is sparse (model/sparse_map.h), so a big world costs its faults, not its
 * size.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/pattern.h"
#include "engine/sim.h"
#include "model/registry.h"
#include "util/opts.h"

#define MAX_ARGS 64
#define MAX_OPTS 40
#define SIM_STEPS 3000

#define REQUIRE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int split_args(char *buf, size_t len, char **argv)
{
	int argc = 0;
	char *start = buf;

	argv[argc++] = (char *)"fuzz";
	for (size_t i = 0; i <= len && argc < MAX_ARGS; i++) {
		if (i == len || buf[i] == '\n' || buf[i] == '\0') {
			buf[i] = '\0';
			argv[argc++] = start;
			start = buf + i + 1;
		}
	}
	return argc;
}

static bool is_safe_tracker(const struct tracker_ops *ops)
{
	return !ops->expected_unsafe; /* the v12 bug is expected */
}

static void run_short(const struct pattern_world *w, const struct tracker_ops *ops)
{
	struct sim_options so = { .steps = SIM_STEPS };
	struct sim_result r;
	char err[OPTS_ERR_MAX];

	REQUIRE(sim_run(w, ops, &so, &r, err, sizeof(err)) == 0);
	REQUIRE(r.stats.retries == r.stats.tp + r.stats.fp_range + r.stats.fp_seq);
	REQUIRE(r.stats.retries == r.stats.retries_range + r.stats.retries_seq);
	REQUIRE(r.stats.faults <= r.stats.attempts);
	if (is_safe_tracker(ops)) {
		REQUIRE(r.stats.fn == 0);
		REQUIRE(r.stale_sptes == 0);
	}
	sim_result_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pattern_params p;
	struct pattern_world w;
	struct opt_spec table[MAX_OPTS];
	struct opts_result res;
	char *argv[MAX_ARGS + 1];
	char err[OPTS_ERR_MAX];
	const struct tracker_ops *ops;
	int pattern, argc;
	size_t n = 0;
	char *buf;

	if (size < 2)
		return 0;
	pattern = data[0] % PAT_COUNT;
	ops = tracker_registry[data[1] % tracker_registry_len];
	pattern_defaults(pattern, &p);
	table[n++] = (struct opt_spec){ .name = "pattern", .type = OPT_CHOICE,
		.dest = &pattern, .choices = pattern_names, .help = "pattern" };
	for (const struct opt_spec *o = pattern_options(&p); o->name; o++)
		table[n++] = *o;
	table[n] = (struct opt_spec)OPT_END;

	buf = malloc(size - 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 2, size - 2);
	buf[size - 2] = '\0';
	argc = split_args(buf, size - 2, argv);
	argv[argc] = NULL;

	if (opts_parse(table, argc, argv, 1, 0, &res) < 0) {
		REQUIRE(res.err[0] != '\0');
		free(buf);
		return 0;
	}
	p.pattern = pattern;
	if (pattern_build(&p, &w, err, sizeof(err)) < 0) {
		REQUIRE(err[0] != '\0');
		free(buf);
		return 0;
	}
	REQUIRE(w.layout.n_slots >= 1 && w.layout.n_slots <= VM_MAX_SLOTS);
	REQUIRE(w.n_vcpus >= 1 && w.n_invalidators <= ORACLE_MAX_INFLIGHT);
	run_short(&w, ops);
	pattern_world_free(&w);
	free(buf);
	return 0;
}
