/* Reading the suite's JSON files (jansson) and telling their kinds apart.
 *
 * Kinds, by the keys each producer writes:
 *   sim       `bench sim --json`:     "pattern" and "trackers"
 *   explore   `bench explore --json`: "scenario" and "trackers"
 *   gbench    Google Benchmark JSON (`bench stress`): "context", "benchmarks"
 *   live      `bench live --json`:    anything else with a "live" marker or
 *                                     "kernel" key; compared only as notes
 *   manifest  the run's own manifest.json: "suite" and "files"
 *   icount    `bench icount --json`:  "icount"
 */
#ifndef REPORT_JSON_IN_H
#define REPORT_JSON_IN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jin_kind { JIN_UNKNOWN, JIN_SIM, JIN_EXPLORE, JIN_GBENCH, JIN_LIVE,
		JIN_MANIFEST, JIN_ICOUNT };

extern const char *const jin_kind_names[];

/* Loads a file holding one JSON object; NULL with err ("PATH: line L:
 * why") on failure. Bare NaN/Infinity (Google Benchmark) read as null. */
json_t *jin_load(const char *path, char *err, size_t errlen);
/* The same for any JSON value (an array too). */
json_t *jin_load_any(const char *path, char *err, size_t errlen);

enum jin_kind jin_kind_of(const json_t *root);

/* Number at key (integer or real); `dflt` when absent or not a number. */
double jin_num(const json_t *obj, const char *key, double dflt);
/* String at key, or NULL. */
const char *jin_str(const json_t *obj, const char *key);
/* True when a key names a timing figure, which may differ between two runs
 * of one seed and so is never compared exactly. */
bool jin_is_timing_key(const char *key);

#endif
