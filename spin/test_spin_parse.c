/* The pan/trail parsers on canned output of spin 6.5.2 (no spin needed):
 * a violation, a clean search, a model error, a truncated search, a trail. */
#include <stdio.h>
#include <string.h>

#include "spin/spin_parse.h"
#include "tests/check.h"

static const char pan_violation[] =
	"pan:1: assertion violated ((r!=0)|| !(stale)) (at depth 8)\n"
	"pan: wrote model.pml.trail\n"
	"\n"
	"(Spin Version 6.5.2 -- 6 December 2019)\n"
	"Warning: Search not completed\n"
	"\t+ Partial Order Reduction\n"
	"\n"
	"State-vector 60 byte, depth reached 17, errors: 1\n"
	"       19 states, stored\n"
	"        0 states, matched\n"
	"       19 transitions (= stored+matched)\n"
	"        1 atomic steps\n"
	"hash conflicts:         0 (resolved)\n"
	"\n"
	"pan: elapsed time 0.25 seconds\n";

static const char pan_clean[] =
	"(Spin Version 6.5.2 -- 6 December 2019)\n"
	"\t+ Partial Order Reduction\n"
	"State-vector 68 byte, depth reached 42, errors: 0\n"
	"     2438 states, stored\n"
	"     1102 states, matched\n"
	"     3540 transitions (= stored+matched)\n"
	"pan: elapsed time 0 seconds\n";

static const char pan_end_state[] =
	"pan:1: invalid end state (at depth -1)\n"
	"pan: wrote t.pml.trail\n"
	"State-vector 12 byte, depth reached 0, errors: 1\n"
	"        1 states, stored\n";

static const char pan_depth[] =
	"error: max search depth too small\n"
	"State-vector 12 byte, depth reached 49, errors: 0\n"
	"       50 states, stored\n";

static const char trail[] =
	"              @@ vcpu0 read seq: snapshot 0 (fault gfn 1, slot0)\n"
	"          @@ inval0 phase 1: notifier hva [1,3)\n"
	"          @@   begin\n"
	"spin: model.pml:201, Error: assertion violated\n"
	"\t\tseq = 0\n"
	"@@not a step: no space after the marker\n"
	"              @@   no retry: INSTALL spte <- generation 0\n";

static void test_violation(void)
{
	struct pan_report r;

	CHECK(spin_parse_pan(pan_violation, &r) == 0, "stats not found");
	CHECK(r.errors == 1, "expected 1 error, got %lu", r.errors);
	CHECK(r.assertion, "assertion not recognised");
	CHECK(r.stored == 19, "expected 19 stored, got %llu", r.stored);
	CHECK(r.matched == 0, "expected 0 matched, got %llu", r.matched);
	CHECK(r.transitions == 19, "expected 19 transitions, got %llu", r.transitions);
	CHECK(r.depth == 17, "expected depth 17, got %llu", r.depth);
	CHECK(r.elapsed == 0.25, "expected 0.25 s, got %g", r.elapsed);
	CHECK(!r.depth_too_small, "depth flagged");
	CHECK(strcmp(spin_property_name(r.first_error),
		      "check: a truly stale fault was not retried") == 0,
	       "property '%s'", spin_property_name(r.first_error));
}

static void test_clean(void)
{
	struct pan_report r;

	CHECK(spin_parse_pan(pan_clean, &r) == 0, "stats not found");
	CHECK(r.errors == 0 && !r.assertion && !r.first_error[0],
	       "errors %lu, first error '%s'", r.errors, r.first_error);
	CHECK(r.stored == 2438, "expected 2438 stored, got %llu", r.stored);
	CHECK(r.matched == 1102, "expected 1102 matched, got %llu", r.matched);
	CHECK(r.depth == 42, "expected depth 42, got %llu", r.depth);
}

static void test_model_errors(void)
{
	struct pan_report r;

	CHECK(spin_parse_pan(pan_end_state, &r) == 0, "stats not found");
	CHECK(r.errors == 1 && !r.assertion,
	       "an invalid end state is not an assertion (errors %lu, assertion %d)",
	       r.errors, r.assertion);
	CHECK(spin_parse_pan(pan_depth, &r) == 0 && r.depth_too_small,
	       "depth_too_small %d", r.depth_too_small);
	CHECK(spin_parse_pan("spin: something else\n", &r) == -1,
	       "no statistics must be an error");
	CHECK(strcmp(spin_property_name("assertion violated ((spte[1]==0)||(spte[1]==(gen[1]+1)))"),
		      "audit: an installed SPTE holds an old generation") == 0,
	       "audit assertion not named");
}

static void test_trail(void)
{
	struct spin_verdict v;

	memset(&v, 0, sizeof(v));
	spin_parse_trail(trail, &v);
	CHECK(v.n_steps == 4, "expected 4 steps, got %u", v.n_steps);
	CHECK(strcmp(v.steps[0], "vcpu0 read seq: snapshot 0 (fault gfn 1, slot0)") == 0,
	       "step 1 '%s'", v.steps[0]);
	CHECK(strcmp(v.steps[2], "  begin") == 0, "step 3 '%s'", v.steps[2]);
	CHECK(strcmp(v.steps[3], "  no retry: INSTALL spte <- generation 0") == 0,
	       "step 4 '%s'", v.steps[3]);
	CHECK(!v.steps_truncated, "truncated");
}

static void test_trail_truncated(void)
{
	static char many[(SPIN_MAX_STEPS + 5) * 8];
	struct spin_verdict v;
	size_t n = 0;

	for (int i = 0; i < SPIN_MAX_STEPS + 5; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "@@ s%d\n", i);
	memset(&v, 0, sizeof(v));
	spin_parse_trail(many, &v);
	CHECK(v.n_steps == SPIN_MAX_STEPS && v.steps_truncated,
	       "expected %d steps and truncated, got %u, %d", SPIN_MAX_STEPS,
	       v.n_steps, v.steps_truncated);
}

int main(void)
{
	test_violation();
	test_clean();
	test_model_errors();
	test_trail();
	test_trail_truncated();
	return check_summary("spin_parse");
}
