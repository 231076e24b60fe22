/* Scenarios by name (the files of the scenarios/ folder) and the scripted
 * workload that feeds their actors. The parser is scenario_file.c. */
#include "explore/scenario.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/opts.h"

#ifndef SCENARIO_DIR
#error "SCENARIO_DIR (the built-in scenario folder) must be compiled in"
#endif

#define MAX_BUILTIN 64

const char *scenario_dir(void)
{
	const char *d = getenv("BENCH_SCENARIO_DIR");

	return d && *d ? d : SCENARIO_DIR;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *const *scenario_names(void)
{
	static char store[MAX_BUILTIN][SC_NAME_LEN];
	static const char *names[MAX_BUILTIN + 1];
	static bool done;
	size_t n = 0, suf = strlen(SC_FILE_SUFFIX);
	struct dirent *e;
	DIR *d;

	if (done)
		return names;
	done = true;
	d = opendir(scenario_dir());
	if (!d)
		return names;
	while ((e = readdir(d)) != NULL && n < MAX_BUILTIN) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || len <= suf || len - suf >= SC_NAME_LEN ||
		    strcmp(e->d_name + len - suf, SC_FILE_SUFFIX) != 0)
			continue;
		memcpy(store[n], e->d_name, len - suf);
		store[n][len - suf] = '\0';
		names[n] = store[n];
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	names[n] = NULL;
	return names;
}

int scenario_find(const char *name, struct scenario *out, char *err,
		  size_t errlen)
{
	const char *const *names = scenario_names();
	char path[SC_PATH_LEN], list[1024];

	if (opts_choice_index(names, name) < 0) {
		opts_join_choices(names, list, sizeof(list));
		snprintf(err, errlen, "unknown scenario '%s'; accepted: %s (files "
			 "in %s)", name, list, scenario_dir());
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s%s", scenario_dir(), name,
		 SC_FILE_SUFFIX);
	if (scenario_load(path, out, err, errlen) < 0)
		return -1;
	if (strcmp(out->name, name) != 0) {
		snprintf(err, errlen, "%s: says 'name %s'; a built-in scenario's "
			 "name is its file name", path, out->name);
		return -1;
	}
	return 0;
}

/* The script position is the actor's rng word: the workload owns it, and
 * keeping it in the actor makes it part of the explored state. */
static bool script_next_fault(const struct workload *wl, struct actor *a,
			      struct fault_plan *out)
{
	const struct scenario *sc = wl->ctx;
	uint32_t v = a->id;

	if (v >= sc->n_vcpus || a->rng >= sc->n_faults[v])
		return false;
	*out = sc->faults[v][a->rng++];
	return true;
}

static bool script_next_inval(const struct workload *wl, struct actor *a,
			      struct inval_plan *out)
{
	const struct scenario *sc = wl->ctx;
	uint32_t i = a->id - sc->n_vcpus;

	if (a->id < sc->n_vcpus || i >= sc->n_invals ||
	    a->rng >= sc->n_inval_plans[i])
		return false;
	*out = sc->invals[i][a->rng++];
	return true;
}

int scenario_build(const struct scenario *sc, struct scenario_world *w,
		   char *err, size_t errlen)
{
	char why[256];

	memset(w, 0, sizeof(*w));
	w->sc = sc;
	w->layout.n_as = sc->n_as;
	w->layout.n_slots = sc->n_slots;
	memcpy(w->layout.slots, sc->slots, sizeof(sc->slots));
	if (vm_layout_finish(&w->layout, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "scenario %s: %s", sc->name, why);
		return -1;
	}
	w->wl.next_fault = script_next_fault;
	w->wl.next_inval = script_next_inval;
	w->wl.ctx = (void *)sc;
	w->n_actors = sc->n_vcpus + sc->n_invals;
	return 0;
}

void scenario_init_actors(const struct scenario_world *w, struct actor *actors)
{
	const struct scenario *sc = w->sc;

	memset(actors, 0, sizeof(*actors) * w->n_actors);
	for (uint32_t i = 0; i < w->n_actors; i++) {
		if (i < sc->n_vcpus)
			actor_init_vcpu(&actors[i], i, 0);
		else
			actor_init_invalidator(&actors[i], i, 0);
		actors[i].rng = 0; /* script position, not a random stream */
	}
}

void scenario_actor_name(const struct scenario_world *w, uint32_t actor,
			 char *buf, size_t len)
{
	if (actor < w->sc->n_vcpus)
		snprintf(buf, len, "vcpu%u", actor);
	else
		snprintf(buf, len, "inval%u", actor - w->sc->n_vcpus);
}

static bool same_faults(const struct scenario *sc, uint32_t a, uint32_t b)
{
	if (sc->n_faults[a] != sc->n_faults[b])
		return false;
	for (uint32_t k = 0; k < sc->n_faults[a]; k++)
		if (sc->faults[a][k].slot != sc->faults[b][k].slot ||
		    sc->faults[a][k].gfn != sc->faults[b][k].gfn)
			return false;
	return true;
}

static bool same_invals(const struct scenario *sc, uint32_t a, uint32_t b)
{
	if (sc->n_inval_plans[a] != sc->n_inval_plans[b])
		return false;
	for (uint32_t k = 0; k < sc->n_inval_plans[a]; k++) {
		const struct inval_plan *x = &sc->invals[a][k], *y = &sc->invals[b][k];

		if (x->kind != y->kind || x->as_id != y->as_id ||
		    x->start != y->start || x->end != y->end ||
		    x->gap_steps != y->gap_steps ||
		    x->phase2_steps != y->phase2_steps || x->yield != y->yield)
			return false;
	}
	return true;
}

bool scenario_actors_symmetric(const struct scenario_world *w, uint32_t a,
			       uint32_t b)
{
	const struct scenario *sc = w->sc;
	uint32_t nv = sc->n_vcpus;

	if (a == b)
		return true;
	if (a < nv && b < nv)
		return same_faults(sc, a, b);
	if (a >= nv && b >= nv)
		return same_invals(sc, a - nv, b - nv);
	return false;
}
