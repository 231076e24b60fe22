#include "opts.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int opts_choice_index(const char *const *choices, const char *s)
{
	for (int i = 0; choices && choices[i]; i++)
		if (strcmp(choices[i], s) == 0)
			return i;
	return -1;
}

int opts_choices_with_all(const char *const *names, const char **out,
			  size_t cap)
{
	size_t n = 0;

	while (names[n] && n + 2 < cap) {
		out[n] = names[n];
		n++;
	}
	out[n] = "all";
	out[n + 1] = NULL;
	return (int)n;
}

void opts_join_choices(const char *const *choices, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; choices && choices[i] && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 choices[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int opts_parse_u64(const char *what, const char *s, uint64_t min, uint64_t max,
		   uint64_t *out, char *err, size_t errlen)
{
	const char *p = s;
	char *end;
	unsigned long long v;

	while (*p == ' ' || *p == '\t')
		p++;
	/* strtoull silently negates "-1"; a negative count is never meant. */
	if (*p == '-') {
		snprintf(err, errlen,
			 "%s: '%s' is negative; expected an integer in [%" PRIu64
			 ", %" PRIu64 "]", what, s, min, max);
		return -1;
	}
	errno = 0;
	v = strtoull(p, &end, 0);
	if (p[0] == '\0' || *end != '\0') {
		snprintf(err, errlen,
			 "%s: '%s' is not a number; expected an integer in [%" PRIu64
			 ", %" PRIu64 "]", what, s, min, max);
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		snprintf(err, errlen,
			 "%s: %s is out of range; expected an integer in [%" PRIu64
			 ", %" PRIu64 "]", what, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int opts_parse_double(const char *what, const char *s, double min, double max,
		      double *out, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (s[0] == '\0' || *end != '\0' || !isfinite(v)) {
		snprintf(err, errlen,
			 "%s: '%s' is not a number; expected a number in [%g, %g]",
			 what, s, min, max);
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		snprintf(err, errlen,
			 "%s: %s is out of range; expected a number in [%g, %g]",
			 what, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static const struct opt_spec *find_spec(const struct opt_spec *specs,
					const char *name, size_t len)
{
	for (const struct opt_spec *o = specs; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static void list_names(const struct opt_spec *specs, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const struct opt_spec *o = specs; o->name && used < len; o++) {
		int n = snprintf(buf + used, len - used, "%s--%s",
				 o == specs ? "" : " ", o->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static int set_value(const struct opt_spec *o, const char *val,
		     struct opts_result *res)
{
	char what[96];
	char list[256];
	int idx;

	snprintf(what, sizeof(what), "--%s", o->name);
	switch (o->type) {
	case OPT_U64:
		return opts_parse_u64(what, val, o->min, o->max,
				      (uint64_t *)o->dest, res->err,
				      sizeof(res->err));
	case OPT_DOUBLE:
		return opts_parse_double(what, val, o->dmin, o->dmax,
					 (double *)o->dest, res->err,
					 sizeof(res->err));
	case OPT_CHOICE:
		idx = opts_choice_index(o->choices, val);
		if (idx < 0) {
			opts_join_choices(o->choices, list, sizeof(list));
			snprintf(res->err, sizeof(res->err),
				 "%s: unknown value '%s'; accepted: %s", what,
				 val, list);
			return -1;
		}
		*(int *)o->dest = idx;
		return 0;
	case OPT_FLAG:
		if (strcmp(val, "1") == 0 || strcmp(val, "true") == 0) {
			*(bool *)o->dest = true;
			return 0;
		}
		if (strcmp(val, "0") == 0 || strcmp(val, "false") == 0) {
			*(bool *)o->dest = false;
			return 0;
		}
		snprintf(res->err, sizeof(res->err),
			 "%s: unknown value '%s'; accepted: 0, 1, true, false "
			 "(or no value)", what, val);
		return -1;
	case OPT_STRING:
		if (val[0] == '\0') {
			snprintf(res->err, sizeof(res->err),
				 "%s: empty value; expected a non-empty string",
				 what);
			return -1;
		}
		*(const char **)o->dest = val;
		return 0;
	}
	snprintf(res->err, sizeof(res->err), "%s: internal: bad option type",
		 what);
	return -1;
}

int opts_parse(const struct opt_spec *specs, int argc, char **argv, int first,
	       int max_positional, struct opts_result *res)
{
	char names[1024];
	bool only_positional = false;

	res->err[0] = '\0';
	res->help = false;
	res->n_positional = 0;
	res->positional = NULL;

	for (int i = first; i < argc; i++) {
		char *arg = argv[i];

		if (only_positional || strncmp(arg, "--", 2) != 0) {
			if (!only_positional && strcmp(arg, "-h") == 0) {
				res->help = true;
				continue;
			}
			if (!only_positional && arg[0] == '-' && arg[1] != '\0') {
				list_names(specs, names, sizeof(names));
				snprintf(res->err, sizeof(res->err),
					 "unknown option '%.200s'; accepted: --help %s",
					 arg, names);
				return -1;
			}
			if (res->n_positional >= max_positional) {
				snprintf(res->err, sizeof(res->err),
					 "unexpected argument '%s'%s", arg,
					 max_positional ? " (too many arguments)"
							: "; this command takes only --options");
				return -1;
			}
			/* Positionals are kept in argv order, compacted in place. */
			if (!res->positional)
				res->positional = &argv[i];
			res->positional[res->n_positional++] = arg;
			continue;
		}
		if (arg[2] == '\0') {
			only_positional = true;
			continue;
		}
		if (strcmp(arg, "--help") == 0) {
			res->help = true;
			continue;
		}
		if (strncmp(arg, "--help=", 7) == 0) {
			snprintf(res->err, sizeof(res->err),
				 "--help: takes no value (got '%.200s')", arg + 7);
			return -1;
		}
		const char *name = arg + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct opt_spec *o = find_spec(specs, name, len);

		if (!o) {
			list_names(specs, names, sizeof(names));
			snprintf(res->err, sizeof(res->err),
				 "unknown option '--%.*s'; accepted: --help %s",
				 (int)(len > 200 ? 200 : len), name, names);
			return -1;
		}
		const char *val;

		if (eq) {
			val = eq + 1;
		} else if (o->type == OPT_FLAG) {
			*(bool *)o->dest = true;
			continue;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			snprintf(res->err, sizeof(res->err),
				 "--%s: missing value", o->name);
			return -1;
		}
		if (set_value(o, val, res) < 0)
			return -1;
	}
	return 0;
}

void opts_usage(const struct opt_spec *specs, FILE *out)
{
	char list[256];

	for (const struct opt_spec *o = specs; o->name; o++) {
		char left[96];

		switch (o->type) {
		case OPT_U64:
			snprintf(left, sizeof(left), "--%s=N", o->name);
			fprintf(out, "  %-26s %s [%" PRIu64 "..%" PRIu64
				"] (default %" PRIu64 ")\n", left, o->help,
				o->min, o->max, *(uint64_t *)o->dest);
			break;
		case OPT_DOUBLE:
			snprintf(left, sizeof(left), "--%s=X", o->name);
			fprintf(out, "  %-26s %s [%g..%g] (default %g)\n", left,
				o->help, o->dmin, o->dmax, *(double *)o->dest);
			break;
		case OPT_CHOICE:
			snprintf(left, sizeof(left), "--%s=NAME", o->name);
			opts_join_choices(o->choices, list, sizeof(list));
			fprintf(out, "  %-26s %s: %s (default %s)\n", left,
				o->help, list, o->choices[*(int *)o->dest]);
			break;
		case OPT_FLAG:
			snprintf(left, sizeof(left), "--%s[=0|1]", o->name);
			fprintf(out, "  %-26s %s (default %s)\n", left, o->help,
				*(bool *)o->dest ? "on" : "off");
			break;
		case OPT_STRING:
			snprintf(left, sizeof(left), "--%s=TEXT", o->name);
			fprintf(out, "  %-26s %s%s%s%s\n", left, o->help,
				*(const char **)o->dest ? " (default " : "",
				*(const char **)o->dest ? *(const char **)o->dest : "",
				*(const char **)o->dest ? ")" : "");
			break;
		}
	}
}
