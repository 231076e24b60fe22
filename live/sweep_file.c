/* The sweep's points as a file (live/sweep.points is the built-in one):
 * the data of the calibration lives beside the code, not in a C table, so
 * that adding a point is an edit a reviewer can read. */
#include "live/sweep.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#ifndef LIVE_SWEEP_POINTS
#error "LIVE_SWEEP_POINTS (the built-in point file) must be compiled in"
#endif

const char *live_sweep_default_file(void)
{
	return LIVE_SWEEP_POINTS;
}

static int lookup(const char *word, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (names[i] && strcmp(word, names[i]) == 0)
			return i;
	return -1;
}

static void accepted(const char *const *names, int n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", names[i]);
}

/* The CHANGE keys, with the ranges of the matching `bench live` options. */
static const struct {
	const char *key;
	size_t field; /* offset in struct sweep_delta */
	uint64_t min, max;
} changes[] = {
	{ "inval", offsetof(struct sweep_delta, inval_pages), 1, LIVE_MAX_PAGES },
	{ "distance", offsetof(struct sweep_delta, alias_distance), 1,
	  LIVE_MAX_DISTANCE },
	{ "slots", offsetof(struct sweep_delta, a_slots), 1, LIVE_MAX_SLOTS - 3 },
	{ "pages", offsetof(struct sweep_delta, pages), LIVE_MIN_PAGES,
	  LIVE_MAX_PAGES },
};

static int parse_change(const char *word, struct sweep_delta *d,
			char *what, size_t len)
{
	const char *eq = strchr(word, '=');
	char *end;
	unsigned long long v;

	for (size_t k = 0; eq && k < sizeof(changes) / sizeof(changes[0]); k++) {
		if (strlen(changes[k].key) != (size_t)(eq - word) ||
		    strncmp(word, changes[k].key, (size_t)(eq - word)) != 0)
			continue;
		errno = 0;
		v = strtoull(eq + 1, &end, 0);
		if (errno || end == eq + 1 || *end || eq[1] == '-' ||
		    v < changes[k].min || v > changes[k].max) {
			snprintf(what, len, "'%s': expected %s=N with N from "
				 "%llu to %llu (decimal or 0x hex)", word,
				 changes[k].key,
				 (unsigned long long)changes[k].min,
				 (unsigned long long)changes[k].max);
			return -1;
		}
		*(uint64_t *)((char *)d + changes[k].field) = v;
		return 0;
	}
	snprintf(what, len, "unknown change '%s'; accepted: inval=PAGES, "
		 "distance=PAGES, slots=N, pages=N", word);
	return -1;
}

/* One line's words into d; what is wrong goes to `what`. */
static int parse_line(char *line, struct sweep_delta *d, char *what,
		      size_t len)
{
	char *w[5], *save = NULL, names[160];
	int n = 0;

	for (char *t = strtok_r(line, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save))
		if (n < 5)
			w[n++] = t;
		else
			n++;
	if (n < 3 || n > 4) {
		snprintf(what, len, "expected LAYOUT MECHANISM ROLE [CHANGE], "
			 "got %d words", n);
		return -1;
	}
	memset(d, 0, sizeof(*d));
	d->layout = lookup(w[0], live_layout_names, LL_COUNT);
	if (d->layout != LL_ALIAS && d->layout != LL_CONTROL) {
		snprintf(what, len, "unknown layout '%s'; accepted: %s, %s",
			 w[0], live_layout_names[LL_ALIAS],
			 live_layout_names[LL_CONTROL]);
		return -1;
	}
	d->mech = lookup(w[1], live_mech_names, LM_COUNT);
	if (d->mech < 0) {
		accepted(live_mech_names, LM_COUNT, names, sizeof(names));
		snprintf(what, len, "unknown mechanism '%s'; accepted: %s",
			 w[1], names);
		return -1;
	}
	d->role = lookup(w[2], sweep_role_names, ROLE_COUNT);
	if (d->role < 0) {
		accepted(sweep_role_names, ROLE_COUNT, names, sizeof(names));
		snprintf(what, len, "unknown role '%s'; accepted: %s", w[2],
			 names);
		return -1;
	}
	return n == 4 ? parse_change(w[3], d, what, len) : 0;
}

int live_sweep_read(const char *path, struct sweep_delta *out, size_t max,
		    size_t *n, char *err, size_t len)
{
	char line[256], what[200];
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");

	*n = 0;
	if (!f) {
		snprintf(err, len, "sweep points '%s': %s", path,
			 strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *p = line;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, len, "%s:%u: line longer than %zu "
				 "characters", path, lineno, sizeof(line) - 2);
			goto fail;
		}
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		p += strspn(p, " \t");
		if (!*p)
			continue;
		if (*n == max) {
			snprintf(err, len, "%s:%u: more than %zu points", path,
				 lineno, max);
			goto fail;
		}
		if (parse_line(p, &out[*n], what, sizeof(what)) < 0) {
			snprintf(err, len, "%s:%u: %s", path, lineno, what);
			goto fail;
		}
		out[*n].line = lineno;
		(*n)++;
	}
	fclose(f);
	if (*n == 0) {
		snprintf(err, len, "%s: no points (expected lines LAYOUT "
			 "MECHANISM ROLE [CHANGE])", path);
		return -1;
	}
	return 0;
fail:
	fclose(f);
	return -1;
}
