#include "model/registry.h"

#include <string.h>

#define TRACKER(n) extern const struct tracker_ops n##_tracker_ops;
#include "model/trackers.def"
#undef TRACKER

const struct tracker_ops *const tracker_registry[] = {
#define TRACKER(n) &n##_tracker_ops,
#include "model/trackers.def"
#undef TRACKER
};

_Static_assert(ARRAY_SIZE(tracker_registry) <= TRACKER_MAX,
	       "more trackers than TRACKER_MAX (model/registry.h): raise it");

const size_t tracker_registry_len = ARRAY_SIZE(tracker_registry);

static const char *const names[] = {
#define TRACKER(n) #n,
#include "model/trackers.def"
#undef TRACKER
	NULL
};

const struct tracker_ops *tracker_find(const char *name)
{
	for (size_t i = 0; i < tracker_registry_len; i++)
		if (strcmp(tracker_registry[i]->name, name) == 0)
			return tracker_registry[i];
	return NULL;
}

const char *const *tracker_names(void)
{
	return names;
}

int tracker_name_width(const char *header)
{
	size_t w = header ? strlen(header) : 0;

	for (size_t i = 0; i < tracker_registry_len; i++)
		if (strlen(tracker_registry[i]->name) > w)
			w = strlen(tracker_registry[i]->name);
	return (int)w;
}
