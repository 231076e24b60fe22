#include "report/common/json_in.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const jin_kind_names[] = {
	"unknown", "sim", "explore", "gbench", "live", "manifest", "icount",
	NULL,
};

/* Google Benchmark writes NaN and Infinity as bare words (its aggregates of
 * a counter that is always 0 divide by zero), which JSON does not allow and
 * Python's reader (compare.py) silently accepts. Outside strings they are
 * rewritten to null. Returns a new buffer (NULL: out of memory); newlines
 * are kept, so parse errors still name the right line. */
static char *sanitize_non_finite(const char *s, size_t n, size_t *out_len)
{
	static const char *const words[] = { "-Infinity", "Infinity", "NaN", NULL };
	char *out = malloc(n + n / 3 + 16); /* "NaN" -> "null" grows by 1/3 */
	bool in_str = false;
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool replaced = false;

		if (in_str) {
			if (s[i] == '\\' && i + 1 < n)
				out[o++] = s[i++];
			else if (s[i] == '"')
				in_str = false;
			out[o++] = s[i];
			continue;
		}
		in_str = s[i] == '"';
		for (int w = 0; !in_str && words[w]; w++) {
			size_t len = strlen(words[w]);

			if (i + len <= n && memcmp(s + i, words[w], len) == 0) {
				memcpy(out + o, "null", 4);
				o += 4;
				i += len - 1;
				replaced = true;
				break;
			}
		}
		if (!replaced)
			out[o++] = s[i];
	}
	*out_len = o;
	return out;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 65536) {
			char *nb = realloc(buf, cap ? 2 * cap : 65536);

			if (!nb) {
				free(buf);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", path);
				return NULL;
			}
			buf = nb;
			cap = cap ? 2 * cap : 65536;
		}
		size_t r = fread(buf + n, 1, cap - n, f);

		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	*len = n;
	return buf;
}

json_t *jin_load_any(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	size_t len, clean_len = 0;
	char *text = read_file(path, &len, err, errlen), *clean;
	json_t *root;

	if (!text)
		return NULL;
	clean = sanitize_non_finite(text, len, &clean_len);
	free(text);
	if (!clean) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	root = json_loadb(clean, clean_len, JSON_REJECT_DUPLICATES, &je);
	free(clean);
	if (!root)
		snprintf(err, errlen, "%s: not valid JSON: line %d: %s", path,
			 je.line, je.text);
	return root;
}

json_t *jin_load(const char *path, char *err, size_t errlen)
{
	json_t *root = jin_load_any(path, err, errlen);

	if (!root)
		return NULL;
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: not a JSON object", path);
		json_decref(root);
		return NULL;
	}
	return root;
}

enum jin_kind jin_kind_of(const json_t *root)
{
	if (!json_is_object(root))
		return JIN_UNKNOWN;
	if (json_is_object(json_object_get(root, "context")) &&
	    json_is_array(json_object_get(root, "benchmarks")))
		return JIN_GBENCH;
	if (json_is_string(json_object_get(root, "suite")) &&
	    json_object_get(root, "files"))
		return JIN_MANIFEST;
	if (json_is_object(json_object_get(root, "icount")))
		return JIN_ICOUNT;
	if (json_is_object(json_object_get(root, "trackers"))) {
		if (json_object_get(root, "pattern"))
			return JIN_SIM;
		if (json_object_get(root, "scenario"))
			return JIN_EXPLORE;
	}
	if (json_object_get(root, "live") || json_object_get(root, "kernel"))
		return JIN_LIVE;
	return JIN_UNKNOWN;
}

double jin_num(const json_t *obj, const char *key, double dflt)
{
	json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

const char *jin_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

bool jin_is_timing_key(const char *key)
{
	return strcmp(key, "timing") == 0 || strcmp(key, "seconds") == 0 ||
	       strcmp(key, "elapsed") == 0 || ends_with(key, "_per_s") ||
	       ends_with(key, "_per_sec") || ends_with(key, "_seconds") ||
	       ends_with(key, "_ns") || ends_with(key, "_ms");
}
