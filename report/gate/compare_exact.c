/* Exact comparison of the deterministic outputs: the same seed must give the
 * same counts, so any difference is a change in behaviour, not noise. */
#include <inttypes.h>
#include <string.h>

#include "report/gate/compare_internal.h"

/* Keys that say *what* was run. A difference there means the two files are
 * not the same experiment: bad input, not a regression. */
static const char *const sim_identity[] = { "pattern", "seed", "params", NULL };
static const char *const explore_identity[] = { "scenario", "params", NULL };

static void show(const json_t *v, char *buf, size_t len)
{
	/* A key only one side has. Not jansson's json_null(): util/json_writer
	 * has a json_null() of its own, and the linker picks that one. */
	if (!v)
		snprintf(buf, len, "absent");
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.17g", json_real_value(v));
	else if (json_is_string(v))
		snprintf(buf, len, "\"%.60s\"", json_string_value(v));
	else if (json_is_array(v))
		snprintf(buf, len, "[%zu items]", json_array_size(v));
	else if (json_is_object(v))
		snprintf(buf, len, "{%zu keys}", json_object_size(v));
	else
		snprintf(buf, len, "%s", json_is_null(v) ? "null" :
			 json_is_true(v) ? "true" : "false");
}

static void walk(struct cmp_ctx *c, const char *path, const json_t *a,
		 const json_t *b);

static void walk_object(struct cmp_ctx *c, const char *path, const json_t *a,
			const json_t *b)
{
	const char *key;
	json_t *va;
	char sub[512];

	json_object_foreach((json_t *)a, key, va) {
		if (jin_is_timing_key(key))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", key);
		json_t *vb = json_object_get(b, key);

		if (!vb) {
			/* A tracker or counter that BASE measured is gone: the
			 * suites differ, nothing can be said about it. */
			cmp_bad(c, "%s: NEW lacks '%s', which BASE has "
				"(mismatched suites; update the baseline with "
				"`bench compare --update-baseline` if intended)",
				c->file, sub);
			return;
		}
		walk(c, sub, va, vb);
	}
	json_object_foreach((json_t *)b, key, va) {
		if (!json_object_get(a, key) && !jin_is_timing_key(key))
			cmp_note(c, "%s: %s%s%s is new (not in BASE), not compared",
				 c->file, path, path[0] ? "." : "", key);
	}
}

static void walk_array(struct cmp_ctx *c, const char *path, const json_t *a,
		       const json_t *b)
{
	size_t na = json_array_size(a), nb = json_array_size(b), diff = 0;
	size_t first = 0;
	char sa[96], sb[96], sub[512];

	if (na != nb) {
		cmp_finding(c, "%s: %s: length %zu -> %zu", c->file, path, na, nb);
		return;
	}
	/* Arrays of numbers are histograms: one line, not one per bucket. */
	for (size_t i = 0; i < na; i++) {
		json_t *x = json_array_get(a, i), *y = json_array_get(b, i);

		if (json_is_number(x) && json_is_number(y)) {
			c->exact_compared++;
			if (!json_equal(x, y) && diff++ == 0)
				first = i;
			continue;
		}
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		walk(c, sub, x, y);
	}
	if (diff) {
		show(json_array_get(a, first), sa, sizeof(sa));
		show(json_array_get(b, first), sb, sizeof(sb));
		cmp_finding(c, "%s: %s: %zu of %zu values changed, first [%zu]: "
			    "%s -> %s", c->file, path, diff, na, first, sa, sb);
	}
}

static void walk(struct cmp_ctx *c, const char *path, const json_t *a,
		 const json_t *b)
{
	char sa[96], sb[96];

	if (c->bad[0])
		return;
	if (json_is_object(a) && json_is_object(b)) {
		walk_object(c, path, a, b);
		return;
	}
	if (json_is_array(a) && json_is_array(b)) {
		walk_array(c, path, a, b);
		return;
	}
	c->exact_compared++;
	/* 3 and 3.0 are the same count, whatever the writer chose. */
	if (json_is_number(a) && json_is_number(b) &&
	    json_number_value(a) == json_number_value(b))
		return;
	if (json_equal((json_t *)a, (json_t *)b))
		return;
	show(a, sa, sizeof(sa));
	show(b, sb, sizeof(sb));
	cmp_finding(c, "%s: %s: %s -> %s", c->file, path, sa, sb);
}

/* For two differing objects (params), points x and y at the first key that
 * differs, so the message names the parameter and not the whole object. */
static void narrow(json_t **x, json_t **y, const char *top, char *name,
		   size_t len, const char **what)
{
	const char *key;
	json_t *v;

	if (!json_is_object(*x) || !json_is_object(*y))
		return;
	json_object_foreach(*x, key, v) {
		json_t *w = json_object_get(*y, key);

		if (!w || !json_equal(v, w)) {
			snprintf(name, len, "%s.%s", top, key);
			*what = name;
			*x = v;
			*y = w;
			return;
		}
	}
	json_object_foreach(*y, key, v) {
		if (!json_object_get(*x, key)) {
			snprintf(name, len, "%s.%s", top, key);
			*what = name;
			*x = NULL;
			*y = v;
			return;
		}
	}
}

void cmp_exact(struct cmp_ctx *c, const json_t *base, const json_t *new_root,
	       enum jin_kind kind)
{
	const char *const *id = kind == JIN_SIM ? sim_identity : explore_identity;
	json_t *a = json_deep_copy(base), *b = json_deep_copy(new_root);
	char sa[96], sb[96];

	for (int i = 0; id[i]; i++) {
		json_t *x = json_object_get(a, id[i]), *y = json_object_get(b, id[i]);

		if (!x && !y)
			continue;
		if (!x || !y || !json_equal(x, y)) {
			const char *what = id[i];
			char name[160];

			narrow(&x, &y, id[i], name, sizeof(name), &what);
			show(x, sa, sizeof(sa));
			show(y, sb, sizeof(sb));
			cmp_bad(c, "%s: BASE and NEW ran different experiments: "
				"'%s' is %s in BASE, %s in NEW (mismatched suites)",
				c->file, what, sa, sb);
			goto out;
		}
		json_object_del(a, id[i]);
		json_object_del(b, id[i]);
	}
	walk(c, "", a, b);
out:
	json_decref(a);
	json_decref(b);
}
