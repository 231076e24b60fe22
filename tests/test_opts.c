/* The option parser: every bad value is refused with a message that names
 * it; good values land where the table says. */
#include <string.h>

#include "check.h"
#include "util/opts.h"

static const char *const colours[] = { "red", "green", NULL };

struct vals {
	uint64_t n;
	double x;
	int c;
	bool f;
	const char *s;
};

static int parse(struct vals *v, struct opts_result *r, int argc, char **argv)
{
	struct opt_spec t[] = {
		{ .name = "n", .type = OPT_U64, .dest = &v->n, .min = 1, .max = 10, .help = "" },
		{ .name = "x", .type = OPT_DOUBLE, .dest = &v->x, .dmin = 0, .dmax = 1, .help = "" },
		{ .name = "c", .type = OPT_CHOICE, .dest = &v->c, .choices = colours, .help = "" },
		{ .name = "f", .type = OPT_FLAG, .dest = &v->f, .help = "" },
		{ .name = "s", .type = OPT_STRING, .dest = &v->s, .help = "" },
		OPT_END
	};
	return opts_parse(t, argc, argv, 1, 1, r);
}

static void expect_error(const char *arg, const char *needle)
{
	struct vals v = { 0 };
	struct opts_result r;
	char a0[] = "prog", a1[128];
	char *argv[] = { a0, a1, NULL };

	snprintf(a1, sizeof(a1), "%s", arg);
	CHECK(parse(&v, &r, 2, argv) == -1, "'%s' accepted", arg);
	CHECK(strstr(r.err, needle) != NULL, "'%s': message '%s' lacks '%s'",
	      arg, r.err, needle);
}

int main(void)
{
	struct vals v = { 0 };
	struct opts_result r;
	char a0[] = "prog", a1[] = "--n=7", a2[] = "--x", a3[] = "0.5",
	     a4[] = "--c=green", a5[] = "--f", a6[] = "--s=hi", a7[] = "pos";
	char *argv[] = { a0, a1, a2, a3, a4, a5, a6, a7, NULL };

	CHECK(parse(&v, &r, 8, argv) == 0, "good line refused: %s", r.err);
	CHECK_EQ_U64(v.n, 7, "--n");
	CHECK(v.x == 0.5, "--x got %g", v.x);
	CHECK_EQ_U64(v.c, 1, "--c");
	CHECK(v.f, "--f not set");
	CHECK(v.s && strcmp(v.s, "hi") == 0, "--s");
	CHECK(r.n_positional == 1 && strcmp(r.positional[0], "pos") == 0,
	      "positional");

	expect_error("--n=0", "--n: 0 is out of range");
	expect_error("--n=11", "[1, 10]");
	expect_error("--n=-3", "negative");
	expect_error("--n=abc", "not a number");
	expect_error("--n=", "not a number");
	expect_error("--n=99999999999999999999999", "out of range");
	expect_error("--x=nan", "not a number");
	expect_error("--x=2", "out of range");
	expect_error("--c=blue", "accepted: red, green");
	expect_error("--f=maybe", "--f");
	expect_error("--s=", "empty");
	expect_error("--nope=1", "unknown option '--nope'");
	expect_error("-z", "unknown option '-z'");
	expect_error("--n", "missing value");
	return check_summary("test_opts");
}
