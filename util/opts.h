/* Table-driven command-line options shared by every `bench` subcommand.
 *
 * Why a table: the same table drives parsing, `--help` output, the bad-input
 * tests and the fuzzer, so an option cannot be documented one way and parsed
 * another. Parsing never prints and never exits: it returns an error message
 * that names the offending item and the accepted values, and the caller
 * decides (normally: print it, exit 2) before producing any output, so bad
 * input never leaves partial output behind.
 */
#ifndef UTIL_OPTS_H
#define UTIL_OPTS_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

enum opt_type {
	OPT_U64,    /* unsigned integer in [min, max]; decimal or 0x hex */
	OPT_DOUBLE, /* finite real in [dmin, dmax] */
	OPT_CHOICE, /* one of choices[]; dest is an int index */
	OPT_FLAG,   /* no value (or =0/=1); dest is a bool */
	OPT_STRING, /* any non-empty string; dest is a const char * */
};

struct opt_spec {
	const char *name; /* without the leading "--" */
	enum opt_type type;
	void *dest;
	uint64_t min, max;          /* OPT_U64 */
	double dmin, dmax;          /* OPT_DOUBLE */
	const char *const *choices; /* OPT_CHOICE, NULL-terminated */
	const char *help;
};

/* Marks the end of an opt_spec table. */
#define OPT_END { .name = NULL }

#define OPTS_ERR_MAX 1400

struct opts_result {
	char err[OPTS_ERR_MAX]; /* set when opts_parse() returns -1 */
	bool help;              /* --help or -h was given */
	int n_positional;
	char **positional;      /* points into argv; not copied */
};

/* Parses argv[first..argc). Accepts --name=value and --name value.
 * Arguments that do not start with "--" are collected as positional
 * (at most max_positional; more is an error). "--" ends option parsing.
 * Returns 0 or -1 (res->err says why, naming the item and accepted values). */
int opts_parse(const struct opt_spec *specs, int argc, char **argv, int first,
	       int max_positional, struct opts_result *res);

/* Prints one line per option: name, type/range or choices, default, help. */
void opts_usage(const struct opt_spec *specs, FILE *out);

/* Number parsers with the same error conventions, for values that are not
 * options (positional numbers, list elements). Return 0 or -1 with err set. */
int opts_parse_u64(const char *what, const char *s, uint64_t min, uint64_t max,
		   uint64_t *out, char *err, size_t errlen);
int opts_parse_double(const char *what, const char *s, double min, double max,
		      double *out, char *err, size_t errlen);

/* Finds choice text in a NULL-terminated list; -1 when absent. */
int opts_choice_index(const char *const *choices, const char *s);

/* Copies the NULL-terminated `names` into out[], then "all" and NULL (at most
 * cap entries in all), for an OPT_CHOICE whose default is "all". Returns the
 * index of "all". */
int opts_choices_with_all(const char *const *names, const char **out,
			  size_t cap);

/* Formats "a, b, c" into buf. */
void opts_join_choices(const char *const *choices, char *buf, size_t len);

#endif
