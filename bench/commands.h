/* The `bench` subcommands. Each takes (argc, argv) with argv[0] being the
 * subcommand name, returns the process exit status: 0 ok, 1 a finding that
 * must fail (regression, disagreement), 2 bad input. */
#ifndef BENCH_COMMANDS_H
#define BENCH_COMMANDS_H

#define COMMAND(name, fn, summary) int fn(int argc, char **argv);
#include "bench/commands.def"
#undef COMMAND

#endif
