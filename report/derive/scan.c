#include "report/derive/scan.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/common/json_in.h"

double scan_num_at(const json_t *root, const char *path)
{
	char buf[256], *save = NULL;
	const json_t *v = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && v;
	     k = strtok_r(NULL, ".", &save))
		v = json_object_get(v, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static int cmp_item(const void *a, const void *b)
{
	const struct scan_item *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->name, y->name);
}

int scan_load(const char *dir, const char *key_path, struct scan_set *set,
	      char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	set->n = 0;
	if (!d)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", dir,
						       strerror(errno)), -1);
	while ((e = readdir(d)) && set->n < SCAN_MAX) {
		size_t len = strlen(e->d_name);
		char path[4096 + 256];
		struct scan_item *it = &set->items[set->n];

		if (e->d_name[0] == '.' || len <= 5 || len - 5 >= sizeof(it->name) ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		it->root = jin_load(path, err, errlen);
		if (!it->root) {
			closedir(d);
			scan_free(set);
			return -1;
		}
		memcpy(it->name, e->d_name, len - 5);
		it->name[len - 5] = '\0';
		it->key = key_path ? scan_num_at(it->root, key_path) : 0;
		set->n++;
	}
	closedir(d);
	qsort(set->items, set->n, sizeof(set->items[0]), cmp_item);
	return 0;
}

void scan_free(struct scan_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		json_decref(set->items[i].root);
	set->n = 0;
}
