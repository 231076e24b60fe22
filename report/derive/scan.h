/* Loading every JSON file of one folder of a run, ordered by a number read
 * from each (a sweep's parameter), so the readers need not parse names. */
#ifndef REPORT_SCAN_H
#define REPORT_SCAN_H

#include <jansson.h>
#include <stddef.h>

#define SCAN_MAX 256

struct scan_item {
	char name[256]; /* file name without ".json" */
	double key;     /* the sort key read from the file */
	json_t *root;
};

struct scan_set {
	struct scan_item items[SCAN_MAX];
	size_t n;
};

/* Loads every DIR/NAME.json (hidden files skipped). `key_path` is "a.b"
 * inside each file (NULL: order by name). A missing folder gives an empty set, not an
 * error: the step may have been skipped. Returns 0 or -1 with err (a file
 * that does not parse). */
int scan_load(const char *dir, const char *key_path, struct scan_set *set,
	      char *err, size_t errlen);
void scan_free(struct scan_set *set);

/* Number at a dotted path ("params.slots"); NAN when absent. */
double scan_num_at(const json_t *root, const char *path);

#endif
