/* `bench plot [DIR]`: re-derives the CSVs of a results folder and redraws
 * its plots (default: results/latest), e.g. after editing a .gp script. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/commands.h"
#include "report/derive/derive.h"
#include "report/derive/plot.h"
#include "report/common/results_dir.h"
#include "report/derive/summary.h"
#include "util/opts.h"

static void usage(const struct opt_spec *specs)
{
	printf("usage: bench plot [DIR] [OPTIONS]\n"
	       "Derives the CSV files of a results folder and draws its plots\n"
	       "(PNG, SVG and a text rendering) with gnuplot, then prints the\n"
	       "summary. DIR defaults to %s/results/latest.\n"
	       "Scripts: %s/*.gp\n\n", BENCH_SOURCE_DIR, plot_scripts_dir());
	opts_usage(specs, stdout);
}

int cmd_plot(int argc, char **argv)
{
	const struct opt_spec specs[] = { OPT_END };
	struct opts_result res;
	struct derive_info info;
	char dir[4096], status[32], err[1024];
	struct stat st;
	int failed;

	if (opts_parse(specs, argc, argv, 1, 1, &res) < 0) {
		fprintf(stderr, "bench plot: %s\n", res.err);
		return 2;
	}
	if (res.help) {
		usage(specs);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", res.n_positional ? res.positional[0]
		 : BENCH_SOURCE_DIR "/results/latest");
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "bench plot: '%s': not a results folder; expected "
			"a folder written by `bench run` (e.g. results/latest)\n",
			dir);
		return 2;
	}
	if (derive_all(dir, &info, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench plot: %s\n", err);
		return 2;
	}
	if (results_get_status(dir, status, sizeof(status)) == 0 &&
	    strcmp(status, "complete") != 0)
		printf("note: %s is not a complete run (status '%s'): plots show "
		       "what it had\n", dir, status);
	printf("Plots:\n");
	failed = plot_all(dir, &info, stdout);
	if (failed < 0)
		return 1;
	summary_write(dir, &info, stdout);
	return failed ? 1 : 0;
}
