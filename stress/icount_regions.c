/* The measured side of `bench icount`: each region warm once, then once
 * between CALLGRIND_TOGGLE_COLLECT requests, dumped under its name. The
 * list (icount_plan) is shared with the side that reads the dumps. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>

#include "model/registry.h"
#include "stress/icount.h"
#include "stress/micro_fixture.h"

#define CHECK_ROUNDS 16      /* x CHECK_KEYS checks */
#define PATH_FAULTS 512
#define RWLOCK_OPS 4096
#define SIM_STEPS 20000      /* as sim/ in microbench.c */

enum kind { K_CHECK, K_INFLIGHT, K_PATH, K_RWLOCK, K_SIM };

static const struct tracker_ops *tracker_at(size_t i)
{
	return i < tracker_registry_len ? tracker_registry[i]
					: &micro_nop_tracker_ops;
}

static void add(struct icount_set *s, const char *family, const char *what,
		const char *unit, uint64_t ops)
{
	struct icount_region *r = &s->r[s->n++];

	snprintf(r->name, sizeof(r->name), "%s/%s", family, what);
	r->unit = unit;
	r->ops = ops;
	r->instructions = 0;
}

int icount_plan(struct icount_set *s, char *err, size_t errlen)
{
	size_t nt = tracker_registry_len + 1; /* + nop */

	memset(s, 0, sizeof(*s));
	if (4 * nt + 1 > ICOUNT_MAX) {
		snprintf(err, errlen, "icount: %zu trackers; at most %d regions",
			 tracker_registry_len, ICOUNT_MAX);
		return -1;
	}
	for (size_t t = 0; t < nt; t++)
		add(s, "check", tracker_at(t)->name, "check",
		    (uint64_t)CHECK_ROUNDS * CHECK_KEYS);
	for (size_t t = 0; t < nt; t++)
		add(s, "check_inflight", tracker_at(t)->name, "check",
		    (uint64_t)CHECK_ROUNDS * CHECK_KEYS);
	for (size_t t = 0; t < nt; t++)
		add(s, "path", tracker_at(t)->name, "fault", PATH_FAULTS);
	add(s, "path", "rwlock", "lock", RWLOCK_OPS);
	for (size_t t = 0; t < nt; t++)
		add(s, "sim", tracker_at(t)->name, "step", SIM_STEPS);
	return 0;
}

/* The toggles sit right around the loop: the fixture's setup and teardown
 * are outside. A volatile sink keeps the results alive. */
static volatile uint64_t sink;

static int measure_check(const struct tracker_ops *ops, bool inflight,
			 const char *name)
{
	pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
	struct check_fixture f;
	uint64_t acc;

	if (check_fixture_open(&f, ops, inflight) < 0)
		return -1;
	pthread_rwlock_rdlock(&lock);
	acc = check_fixture_run(&f, 1);
	CALLGRIND_TOGGLE_COLLECT;
	acc += check_fixture_run(&f, CHECK_ROUNDS);
	CALLGRIND_TOGGLE_COLLECT;
	CALLGRIND_DUMP_STATS_AT(name);
	pthread_rwlock_unlock(&lock);
	sink = acc;
	check_fixture_close(&f);
	return 0;
}

static int measure_path(const struct pattern_world *w,
			const struct tracker_ops *ops, const char *name)
{
	struct path_fixture *f = malloc(sizeof(*f));

	if (!f || path_fixture_open(f, w, ops) < 0) {
		free(f);
		return -1;
	}
	path_fixture_run(f, 64);
	CALLGRIND_TOGGLE_COLLECT;
	path_fixture_run(f, PATH_FAULTS);
	CALLGRIND_TOGGLE_COLLECT;
	CALLGRIND_DUMP_STATS_AT(name);
	sink = f->stats.faults;
	path_fixture_close(f);
	free(f);
	return 0;
}

static void measure_rwlock(const char *name)
{
	pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

	pthread_rwlock_rdlock(&lock);
	pthread_rwlock_unlock(&lock);
	CALLGRIND_TOGGLE_COLLECT;
	for (int i = 0; i < RWLOCK_OPS; i++) {
		pthread_rwlock_rdlock(&lock);
		__asm__ volatile("" ::: "memory");
		pthread_rwlock_unlock(&lock);
	}
	CALLGRIND_TOGGLE_COLLECT;
	CALLGRIND_DUMP_STATS_AT(name);
}

/* A whole engine run, setup included: that is what sim/ times too. */
static int measure_sim(const struct pattern_world *w,
		       const struct tracker_ops *ops, const char *name,
		       char *err, size_t errlen)
{
	int64_t n = sim_fixture_run(w, ops, SIM_STEPS / 10, err, errlen);

	if (n < 0)
		return -1;
	CALLGRIND_TOGGLE_COLLECT;
	n = sim_fixture_run(w, ops, SIM_STEPS, err, errlen);
	CALLGRIND_TOGGLE_COLLECT;
	CALLGRIND_DUMP_STATS_AT(name);
	sink = (uint64_t)n;
	return n < 0 ? -1 : 0;
}

int icount_measure_regions(char *err, size_t errlen)
{
	struct pattern_world pw, sw;
	struct icount_set s;
	size_t nt = tracker_registry_len + 1, i = 0;
	int rc = 0;

	if (icount_plan(&s, err, errlen) < 0)
		return -1;
	if (micro_world_path(&pw, err, errlen) < 0)
		return -1;
	if (micro_world_sim(&sw, err, errlen) < 0) {
		pattern_world_free(&pw);
		return -1;
	}
	for (size_t t = 0; t < nt && rc == 0; t++)
		rc = measure_check(tracker_at(t), false, s.r[i++].name);
	for (size_t t = 0; t < nt && rc == 0; t++)
		rc = measure_check(tracker_at(t), true, s.r[i++].name);
	for (size_t t = 0; t < nt && rc == 0; t++)
		rc = measure_path(&pw, tracker_at(t), s.r[i++].name);
	if (rc == 0)
		measure_rwlock(s.r[i++].name);
	for (size_t t = 0; t < nt && rc == 0; t++)
		rc = measure_sim(&sw, tracker_at(t), s.r[i++].name, err, errlen);
	if (rc < 0 && !err[0])
		snprintf(err, errlen, "icount: out of memory");
	pattern_world_free(&pw);
	pattern_world_free(&sw);
	return rc;
}
