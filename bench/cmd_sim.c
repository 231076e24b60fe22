/* `bench sim`: the deterministic engine from the command line. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/commands.h"
#include "engine/pattern.h"
#include "engine/sim.h"
#include "engine/sim_report.h"
#include "bench/sim_vm.h"
#include "model/registry.h"
#include "util/opts.h"

#define SIM_MAX_OPTS 52

struct sim_cli {
	struct pattern_params params;
	int pattern;
	const char *tracker;
	uint64_t steps;
	bool json;
	bool histogram;
	struct sim_vm_cli vm;
};

/* The pattern decides the other defaults, so it is found first. */
static int find_pattern(int argc, char **argv, int *pattern, char *err, size_t len)
{
	char list[256];

	*pattern = PAT_SINGLE;
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;

		if (strncmp(argv[i], "--pattern=", 10) == 0)
			v = argv[i] + 10;
		else if (strcmp(argv[i], "--pattern") == 0 && i + 1 < argc)
			v = argv[i + 1];
		if (!v)
			continue;
		*pattern = opts_choice_index(pattern_names, v);
		if (*pattern < 0) {
			opts_join_choices(pattern_names, list, sizeof(list));
			snprintf(err, len, "--pattern: unknown value '%s'; accepted: %s",
				 v, list);
			return -1;
		}
	}
	return 0;
}

static size_t build_table(struct sim_cli *c, struct opt_spec *t)
{
	size_t n = 0;

	t[n++] = (struct opt_spec){ .name = "pattern", .type = OPT_CHOICE,
		.dest = &c->pattern, .choices = pattern_names, .help = "workload pattern" };
	t[n++] = (struct opt_spec){ .name = "tracker", .type = OPT_STRING,
		.dest = &c->tracker, .help = "tracker to run, or all" };
	t[n++] = (struct opt_spec){ .name = "steps", .type = OPT_U64, .dest = &c->steps,
		.min = 1, .max = 100000000000ULL, .help = "scheduler steps per tracker" };
	t[n++] = (struct opt_spec){ .name = "json", .type = OPT_FLAG, .dest = &c->json,
		.help = "print JSON instead of a table" };
	t[n++] = (struct opt_spec){ .name = "histogram", .type = OPT_FLAG,
		.dest = &c->histogram, .help = "count retries per gfn (numa: on)" };
	for (const struct opt_spec *o = pattern_options(&c->params); o->name; o++)
		t[n++] = *o;
	n = sim_vm_options(&c->vm, t, n);
	t[n] = (struct opt_spec)OPT_END;
	return n;
}

static void usage(struct opt_spec *t)
{
	int width = tracker_name_width(NULL);

	printf("usage: bench sim [--pattern=NAME] [--tracker=NAME|all] [OPTIONS]\n"
	       "Runs the pattern's actors one step at a time in a seeded order,\n"
	       "once per tracker, and counts every retry against the oracle.\n"
	       "Defaults shown are the chosen pattern's.\n"
	       "With --vm=PRESET: a real VM's layout under its invalidation\n"
	       "sources, in retries/s, share of vCPU time and missed\n"
	       "invalidations per hour (docs/vms.md).\n\nTrackers "
	       "(model/trackers.def):\n");
	for (size_t i = 0; i < tracker_registry_len; i++)
		printf("  %-*s  %s%s\n", width, tracker_registry[i]->name,
		       tracker_registry[i]->description,
		       tracker_registry[i]->expected_unsafe
			       ? " [expected unsafe: kept to show a bug]" : "");
	printf("\n");
	opts_usage(t, stdout);
}

int cmd_sim(int argc, char **argv)
{
	struct opt_spec table[SIM_MAX_OPTS];
	struct opts_result res;
	struct sim_cli c = { .tracker = "all" };
	struct pattern_world w;
	struct sim_result results[TRACKER_MAX];
	struct sim_options so;
	const struct tracker_ops *only = NULL;
	size_t n = 0;
	char err[OPTS_ERR_MAX];

	sim_vm_defaults(&c.vm);
	if (find_pattern(argc, argv, &c.pattern, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench sim: %s\n", err);
		return 2;
	}
	pattern_defaults(c.pattern, &c.params);
	c.steps = c.pattern == PAT_NUMA ? 20000000 : 2000000;
	c.histogram = c.pattern == PAT_NUMA;
	build_table(&c, table);
	if (opts_parse(table, argc, argv, 1, 0, &res) < 0) {
		fprintf(stderr, "bench sim: %s\n", res.err);
		return 2;
	}
	if (res.help) {
		usage(table);
		return 0;
	}
	c.params.pattern = c.pattern;
	if (strcmp(c.tracker, "all") != 0) {
		only = tracker_find(c.tracker);
		if (!only) {
			char list[256];

			opts_join_choices(tracker_names(), list, sizeof(list));
			fprintf(stderr, "bench sim: --tracker: unknown value '%s'; "
				"accepted: all, %s\n", c.tracker, list);
			return 2;
		}
	}
	if (c.vm.vm)
		return sim_vm_run(&c.vm, argc, argv, &c.params, only, c.json);
	if (sim_vm_unused(&c.vm, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench sim: %s\n", err);
		return 2;
	}
	if (pattern_build(&c.params, &w, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench sim: %s\n", err);
		return 2;
	}
	so.steps = c.steps;
	so.per_gfn_histogram = c.histogram;
	for (size_t i = 0; i < tracker_registry_len && n < TRACKER_MAX; i++) {
		if (only && tracker_registry[i] != only)
			continue;
		if (sim_run(&w, tracker_registry[i], &so, &results[n], err,
			    sizeof(err)) < 0) {
			fprintf(stderr, "bench sim: %s\n", err);
			pattern_world_free(&w);
			return 1;
		}
		n++;
	}
	if (c.json)
		sim_print_json(stdout, &w, results, n, c.steps);
	else
		sim_print_table(stdout, &w, results, n, c.steps);
	for (size_t i = 0; i < n; i++)
		sim_result_free(&results[i]);
	pattern_world_free(&w);
	return 0;
}
