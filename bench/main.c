/* `bench`: one executable, subcommands listed in bench/commands.def. */
#include <stdio.h>
#include <string.h>

#include "bench/commands.h"

struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
};

static const struct command commands[] = {
#define COMMAND(name, fn, summary) { #name, fn, summary },
#include "bench/commands.def"
#undef COMMAND
};

static void usage(FILE *out)
{
	fprintf(out, "usage: bench [COMMAND] [--help] [OPTIONS]\n"
		     "Benchmarks and checks KVM mmu-invalidation retry trackers.\n"
		     "Without a command: the default suite (see `bench run --help`).\n"
		     "With a --benchmark_* flag first (--benchmark_filter=REGEX,\n"
		     "--benchmark_list_tests, ...): the matching Google Benchmark\n"
		     "benchmarks, as on any Google Benchmark binary (`bench stress`).\n\n"
		     "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n`bench COMMAND --help` lists a command's options.\n");
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "run";

	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "help") == 0) {
		usage(stdout);
		return 0;
	}
	/* `bench --benchmark_filter=...` (any --benchmark_* flag first)
	 * behaves as any Google Benchmark binary: it runs the matching
	 * benchmarks, which are `bench stress`'s. Other options without a
	 * command are the default run's. */
	if (strncmp(name, "--benchmark_", 12) == 0)
		name = "stress";
	else if (name[0] == '-')
		name = "run";
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0) {
			if (argc > 1 && argv[1][0] != '-')
				return commands[i].fn(argc - 1, argv + 1);
			argv[0] = (char *)"run";
			return commands[i].fn(argc, argv);
		}
	}
	fprintf(stderr, "bench: unknown command '%s'; accepted:", name);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, " %s", commands[i].name);
	fprintf(stderr, " (see bench --help)\n");
	return 2;
}
