/* A/B: REV in a temporary worktree against this build (ab.h says why). */
#define _GNU_SOURCE
#include "report/gate/ab.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/common/child.h"
#include "report/common/gbench_merge.h"

#define AB_FILTER "--benchmark_filter=^(check|check_inflight|path|sim)/"
#define AB_BUILD_TIMEOUT_S 1800
#define AB_RUN_TIMEOUT_S 600

struct ab {
	char dir[256];   /* the scratch folder */
	char log[300];   /* every child's output */
	FILE *errout;
	char err[1024];
};

/* Runs argv with stdout to `out` (NULL: the log) and stderr to the log.
 * 0 when it exited 0; else -1 with a.err naming `what`. */
static int run(struct ab *a, const char *what, const char *out,
	       char *const argv[], double timeout_s)
{
	struct child_spec spec = { .argv = argv, .stdout_path = out ? out : a->log,
				   .stderr_path = a->log, .timeout_s = timeout_s,
				   .append = true };
	struct child_result r;
	char err[512] = "";

	if (out)
		unlink(out);
	child_run(&spec, &r, err, sizeof(err));
	if (r.outcome == CHILD_EXITED && r.exit_code == 0)
		return 0;
	snprintf(a->err, sizeof(a->err), "--ab: %s failed (%s%s%d; log: %s)",
		 what, err[0] ? err : "", err[0] ? ", " : "exit ",
		 r.exit_code, a->log);
	return -1;
}

static void progress(struct ab *a, const char *fmt, ...)
{
	va_list ap;

	fprintf(a->errout, "compare --ab: ");
	va_start(ap, fmt);
	vfprintf(a->errout, fmt, ap);
	va_end(ap);
	fputc('\n', a->errout);
}

/* git worktree add + a plain Release-with-debug-info build of bench. */
static int build_rev(struct ab *a, const char *src, const char *rev,
		     char *bench, size_t len)
{
	char tree[300], build[300], jobs[] = "-j2";

	snprintf(tree, sizeof(tree), "%s/src", a->dir);
	snprintf(build, sizeof(build), "%s/build", a->dir);
	{
		char *argv[] = { "git", "-C", (char *)src, "worktree", "add",
				 "--detach", tree, (char *)rev, NULL };

		progress(a, "checking out %s in %s", rev, tree);
		if (run(a, "git worktree add", NULL, argv, 120) < 0)
			return -1;
	}
	{
		char *argv[] = { "cmake", "-S", tree, "-B", build,
				 "-DCMAKE_BUILD_TYPE=RelWithDebInfo", NULL };

		progress(a, "building %s (a few minutes on 2 cores)", rev);
		if (run(a, "cmake (configure REV)", NULL, argv, 300) < 0)
			return -1;
	}
	{
		char *argv[] = { "cmake", "--build", build, jobs, "--target",
				 "bench", NULL };

		if (run(a, "cmake --build (REV)", NULL, argv,
			AB_BUILD_TIMEOUT_S) < 0)
			return -1;
	}
	snprintf(bench, len, "%s/bench", build);
	return 0;
}

static void remove_worktree(struct ab *a, const char *src)
{
	char tree[300], cmd[700];
	char *argv[] = { "git", "-C", (char *)src, "worktree", "remove",
			 "--force", tree, NULL };

	snprintf(tree, sizeof(tree), "%s/src", a->dir);
	(void)run(a, "git worktree remove", NULL, argv, 60);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", a->dir);
	if (system(cmd) != 0) { /* a leftover /tmp folder is harmless */ }
}

/* One side's benchmarks for round i into DIR/.parts/<i>.json. */
static int stress_round(struct ab *a, const char *bench, const char *side,
			int i)
{
	char out[400], arg[500];
	char *argv[] = { (char *)bench, "stress", "--quick", AB_FILTER, arg,
			 "--benchmark_out_format=json", NULL };

	snprintf(out, sizeof(out), "%s/%s/.parts/%d.json", a->dir, side, i);
	snprintf(arg, sizeof(arg), "--benchmark_out=%s", out);
	return run(a, side, NULL, argv, AB_RUN_TIMEOUT_S);
}

static int merge_side(struct ab *a, const char *side, int rounds)
{
	char paths[64][400], out[400];
	const char *parts[64];

	for (int i = 0; i < rounds; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s/.parts/%d.json",
			 a->dir, side, i + 1);
		parts[i] = paths[i];
	}
	snprintf(out, sizeof(out), "%s/%s/stress.json", a->dir, side);
	return gbench_merge(parts, rounds, out, a->err, sizeof(a->err));
}

static void mkdirs(struct ab *a, const char *side)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", a->dir, side);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%s/.parts", a->dir, side);
	mkdir(p, 0755);
}

/* Instruction counts of one side; a REV without `bench icount` (older than
 * the command) just has none, and the comparison notes it. */
static void icount_side(struct ab *a, const char *bench, const char *side)
{
	char out[400];
	char *argv[] = { (char *)bench, "icount", "--json", NULL };

	snprintf(out, sizeof(out), "%s/%s/icount.json", a->dir, side);
	if (run(a, side, out, argv, AB_RUN_TIMEOUT_S) < 0) {
		progress(a, "%s: no instruction counts (%s)", side, a->err);
		unlink(out);
		a->err[0] = 0;
	}
}

int compare_ab(const char *src, const char *self, const char *rev, int rounds,
	       const struct compare_options *o, FILE *out, FILE *errout)
{
	struct ab a = { .errout = errout };
	struct compare_options ao = *o;
	char rev_bench[400], base[300], now[300];
	int rc = 2;

	if (rounds < 1 || rounds > 64) {
		fprintf(errout, "bench compare: --ab-rounds: %d is out of range "
			"[1, 64]\n", rounds);
		return 2;
	}
	snprintf(a.dir, sizeof(a.dir), "/tmp/bench-ab.XXXXXX");
	if (!mkdtemp(a.dir)) {
		fprintf(errout, "bench compare: --ab: cannot make a folder in "
			"/tmp\n");
		return 2;
	}
	/* Outside the scratch folder: on failure it is what is left to read. */
	snprintf(a.log, sizeof(a.log), "/tmp/bench-ab-%d.log", (int)getpid());
	child_signals_install();
	if (build_rev(&a, src, rev, rev_bench, sizeof(rev_bench)) < 0)
		goto out;
	mkdirs(&a, "REV");
	mkdirs(&a, "THIS");
	for (int i = 1; i <= rounds; i++) {
		/* Turn about: REV first in odd rounds, this build in even. */
		bool rev_first = i % 2;

		progress(&a, "round %d/%d", i, rounds);
		if (stress_round(&a, rev_first ? rev_bench : self,
				 rev_first ? "REV" : "THIS", i) < 0 ||
		    stress_round(&a, rev_first ? self : rev_bench,
				 rev_first ? "THIS" : "REV", i) < 0)
			goto out;
	}
	if (merge_side(&a, "REV", rounds) < 0 || merge_side(&a, "THIS", rounds) < 0)
		goto out;
	progress(&a, "instruction counts (valgrind)");
	icount_side(&a, rev_bench, "REV");
	icount_side(&a, self, "THIS");
	if (ao.threshold_pct < 0)
		ao.threshold_pct = AB_DEFAULT_THRESHOLD_PCT;
	snprintf(base, sizeof(base), "%s/REV", a.dir);
	snprintf(now, sizeof(now), "%s/THIS", a.dir);
	fprintf(out, "A/B: %s (REV) against this build, %d interleaved "
		"rounds\n", rev, rounds);
	rc = compare_run(base, now, &ao, out, errout);
out:
	remove_worktree(&a, src);
	if (a.err[0])
		fprintf(errout, "bench compare: %s\n", a.err);
	else
		unlink(a.log);
	return rc;
}
