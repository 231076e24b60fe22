#include "report/common/gbench_merge.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/common/atomic_file.h"
#include "report/common/json_in.h"

int gbench_merge(const char *const *parts, int n, const char *out, char *err,
		 size_t errlen)
{
	json_t *merged = NULL, *all = json_array();
	char *text;
	int rc = -1;

	for (int i = 0; i < n; i++) {
		json_t *root = jin_load(parts[i], err, errlen), *b;
		size_t k;

		if (!root)
			goto out;
		if (jin_kind_of(root) != JIN_GBENCH) {
			snprintf(err, errlen, "%s: not Google Benchmark JSON",
				 parts[i]);
			json_decref(root);
			goto out;
		}
		json_array_foreach(json_object_get(root, "benchmarks"), k, b) {
			const char *type = jin_str(b, "run_type");

			if (type && strcmp(type, "aggregate") == 0)
				continue;
			json_object_set_new(b, "repetitions", json_integer(n));
			json_object_set_new(b, "repetition_index", json_integer(i));
			json_array_append(all, b);
		}
		if (!merged)
			merged = json_pack("{s:O}", "context",
					   json_object_get(root, "context"));
		json_decref(root);
	}
	if (!merged) {
		snprintf(err, errlen, "%s: no repetitions to merge", out);
		goto out;
	}
	json_object_set(merged, "benchmarks", all);
	text = json_dumps(merged, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", out);
		goto out;
	}
	rc = atomic_write_string(out, text, err, errlen);
	free(text);
out:
	json_decref(merged);
	json_decref(all);
	return rc;
}
