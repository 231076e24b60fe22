#include "report/derive/derive.h"

#include <stdio.h>
#include <string.h>

#include "report/common/layout.h"
#include "report/common/results_dir.h"

void name_list_join(const struct name_list *l, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < l->n && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? " " : "",
				 l->names[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int name_list_add(struct name_list *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return i;
	if (l->n == DERIVE_MAX_NAMES || strlen(name) >= DERIVE_NAME_LEN)
		return -1;
	strcpy(l->names[l->n], name);
	return l->n++;
}

int derive_all(const char *run_dir, struct derive_info *info, char *err,
	       size_t errlen)
{
	char dir[4096];

	memset(info, 0, sizeof(*info));
	snprintf(dir, sizeof(dir), "%s/%s", run_dir, LAYOUT_CSV);
	if (results_mkdirs(dir, err, errlen) < 0)
		return -1;
	if (derive_sim_csvs(run_dir, info, err, errlen) < 0 ||
	    derive_size_csv(run_dir, info, err, errlen) < 0)
		return -1;
	if (derive_stress_csv(run_dir, info, err, errlen) < 0)
		return -1;
	if (derive_live_csv(run_dir, info, err, errlen) < 0)
		return -1;
	return derive_realvm_csv(run_dir, info, err, errlen);
}
