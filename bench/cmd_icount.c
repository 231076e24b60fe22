/* `bench icount`: instructions executed by the check/, check_inflight/,
 * path/ and sim/ bodies under valgrind's callgrind (stress/icount.h). */
#include <stdio.h>
#include <unistd.h>

#include "bench/commands.h"
#include "stress/icount.h"
#include "util/opts.h"

int cmd_icount(int argc, char **argv)
{
	static struct icount_set s;
	char exe[64];
	bool json = false, in_valgrind = false;
	struct opts_result res;
	char err[1024] = "";
	const struct opt_spec specs[] = {
		{ .name = "json", .type = OPT_FLAG, .dest = &json,
		  .help = "print JSON (the results folder's icount.json)" },
		{ .name = "in-valgrind", .type = OPT_FLAG, .dest = &in_valgrind,
		  .help = "internal: run the measured regions in this process "
			  "(what bench icount runs under callgrind)" },
		OPT_END
	};

	if (opts_parse(specs, argc, argv, 1, 0, &res) < 0) {
		fprintf(stderr, "bench icount: %s\n", res.err);
		return 2;
	}
	if (res.help) {
		printf("usage: bench icount [--json]\n"
		       "Counts the instructions the check/, check_inflight/, "
		       "path/ and sim/\nbenchmarks execute, under valgrind "
		       "--tool=callgrind (about 10 s).\nThe counts repeat "
		       "exactly for one binary; bench compare gates them.\n\n");
		opts_usage(specs, stdout);
		return 0;
	}
#ifdef BENCH_SANITIZED
	fprintf(stderr, "bench icount: not in a sanitizer build (valgrind "
		"cannot run ASan or TSan binaries); use a plain build\n");
	return 2;
#endif
	if (in_valgrind) {
		if (icount_measure_regions(err, sizeof(err)) < 0) {
			fprintf(stderr, "bench icount: %s\n", err);
			return 1;
		}
		return 0;
	}
	/* This process's binary by its /proc entry: under valgrind the
	 * child's /proc/self/exe is valgrind, and a path read with readlink
	 * is gone once a rebuild replaces the file (the inode stays). */
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)getpid());
	if (icount_plan(&s, err, sizeof(err)) < 0 ||
	    icount_collect(exe, &s, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench %s\n", err);
		return 1;
	}
	if (json)
		icount_write_json(&s, stdout);
	else
		icount_write_table(&s, stdout);
	return 0;
}
