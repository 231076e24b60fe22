/* The list of trackers users can select (model/trackers.def). */
#ifndef MODEL_REGISTRY_H
#define MODEL_REGISTRY_H

#include <stddef.h>

#include "model/tracker.h"

/* The most trackers the tools size their tables for (checked at build). */
#define TRACKER_MAX 24

extern const struct tracker_ops *const tracker_registry[];
extern const size_t tracker_registry_len;

/* NULL when no tracker has that name. */
const struct tracker_ops *tracker_find(const char *name);
/* NULL-terminated list of names, for option choices and messages. */
const char *const *tracker_names(void);
/* Width of a tracker-name column: the longest registered name, at least
 * strlen(header), so that tables line up whatever is registered. */
int tracker_name_width(const char *header);

#endif
