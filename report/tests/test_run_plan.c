/* The default run's plan: subcommands not built are skipped with a note,
 * quick is a subset of full, plot (e) always gets its histogram, and
 * repetitions become separate stress processes plus one merge. */
#include <string.h>

#include "report/run/run_plan.h"
#include "tests/check.h"

static const char *const patterns[] = { "single", "numa", NULL };
static const char *missing;

static bool available(const char *command)
{
	return !missing || strcmp(command, missing) != 0;
}

static int count(const struct run_plan *p, const char *command)
{
	int n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += strcmp(p->steps[i].command, command) == 0;
	return n;
}

static bool has_arg(const struct run_step *s, const char *a)
{
	for (int i = 0; i < s->n_args; i++)
		if (strcmp(s->args[i], a) == 0)
			return true;
	return false;
}

int main(void)
{
	struct plan_options o = { .patterns = patterns, .available = available,
				  .repetitions = 1 };
	struct run_plan full, quick, p;

	CHECK(plan_build(&o, &full) == 0);
	o.quick = true;
	o.repetitions = 4;
	CHECK(plan_build(&o, &quick) == 0);
	CHECK_EQ_I64(full.n_skipped, 0);
	/* full: 9 + 8 sweep points + 2 patterns + 6 + 6 size sweep points;
	 * quick: 5 + 4 + 2 (no size sweep). */
	CHECK_EQ_I64(count(&full, "sim"), 31);
	CHECK_EQ_I64(count(&quick, "sim"), 11);
	CHECK_EQ_I64(count(&full, "stress"), 1);
	CHECK_EQ_I64(count(&quick, "stress"), 5); /* 4 runs + the merge */
	/* the merge right after the 4 runs, then the instruction counts */
	CHECK_EQ_I64(quick.steps[quick.n - 2].kind, STEP_GBENCH_MERGE);
	CHECK_EQ_I64(quick.steps[quick.n - 2].n_parts, 4);
	CHECK_EQ_I64(count(&quick, "icount"), 1);
	CHECK_EQ_I64(count(&full, "icount"), 1);
	CHECK(strcmp(quick.steps[quick.n - 1].out_rel, "icount.json") == 0);
	CHECK_EQ_I64(count(&full, "live"), 1);
	/* live measures the host: not in CI */
	CHECK_EQ_I64(count(&quick, "live"), 0);
	for (size_t i = 0; i < quick.n; i++) {
		const struct run_step *s = &quick.steps[i];

		if (strcmp(s->label, "sim numa") == 0) {
			CHECK(has_arg(s, "--histogram"));
			CHECK(!has_arg(s, "--steps=200000"));
		} else if (strcmp(s->command, "sim") == 0) {
			CHECK(has_arg(s, "--steps=200000"));
		}
	}
	plan_free(&full);
	plan_free(&quick);

	missing = "stress";
	o.quick = false;
	CHECK(plan_build(&o, &p) == 0);
	CHECK_EQ_I64(count(&p, "stress"), 0);
	CHECK_EQ_I64(p.n_skipped, 1);
	CHECK(strstr(p.skipped[0], "`bench stress` is not built yet") != NULL);
	plan_free(&p);
	return check_summary("run_plan");
}
