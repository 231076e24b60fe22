#include "report/json_in.h"

#include <stdio.h>
#include <string.h>

const char *const jin_kind_names[] = {
	"unknown", "sim", "explore", "gbench", "live", "manifest", NULL,
};

json_t *jin_load(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);

	if (!root) {
		if (je.line > 0)
			snprintf(err, errlen, "%s: not valid JSON: line %d: %s",
				 path, je.line, je.text);
		else
			snprintf(err, errlen, "%s: %s", path, je.text);
		return NULL;
	}
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
