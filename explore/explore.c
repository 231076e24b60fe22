#include "explore/explore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explore/replay.h"
#include "explore/state_set.h"
#include "explore/world.h"
#include "model/registry.h"
#include "util/opts.h"

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Everything one search needs, so the helpers below take one pointer. */
struct search {
	const struct scenario_world *w;
	struct world_shape ws;
	struct vm vm;
	struct vm_state *vm_own; /* vm_init's block, given back before destroy */
	struct step_env env;
	struct state_set set;
	unsigned char *cur;     /* the state being expanded, decoded */
	unsigned char *next;    /* scratch: the state after one step */
	unsigned char *enc;     /* scratch: next, encoded */
	struct explore_result *r;
	/* the first violation in BFS order: its source state and actor, or a
	 * terminal state the audit flags */
	uint32_t cex_from;
	uint32_t cex_actor;     /* UINT32_MAX: cex_from itself is the end */
	bool have_cex;
};

static void record_first(struct search *s, uint32_t from, uint32_t actor)
{
	if (s->have_cex)
		return;
	s->have_cex = true;
	s->cex_from = from;
	s->cex_actor = actor;
}

/* Expands state number `idx` (already copied to s->cur). Returns false when
 * the set is full or out of memory: the search stops, incomplete. */
static bool expand(struct search *s, uint32_t idx, bool *oom)
{
	struct explore_result *r = s->r;
	bool moved = false;

	for (uint32_t i = 0; i < s->ws.n_actors; i++) {
		struct actor_stats st;
		struct step_info info;
		struct actor *a = world_actors(&s->ws, s->next);
		uint32_t got;

		memcpy(s->next, s->cur, s->ws.rec_bytes);
		vm_load_pages(&s->vm, world_vm(&s->ws, s->next)->data);
		memset(&st, 0, sizeof(st));
		memset(&info, 0, sizeof(info));
		if (!actor_step(&a[i], &s->env, &st, &info))
			continue; /* this actor has finished */
		vm_save_pages(&s->vm, world_vm(&s->ws, s->next)->data);
		moved = true;
		r->transitions++;
		if (world_warnings(world_vm(&s->ws, s->next)))
			r->warning_transitions++;
		if (info.checked && info.verdict != RETRY_NONE) {
			r->retry_transitions++;
			r->spurious_range_transitions += st.fp_range != 0;
			r->spurious_seq_transitions += st.fp_seq != 0;
		}
		if (info.violation || st.fn) {
			r->violations++;
			*world_flags(&s->ws, s->next) |= WORLD_TAINTED;
			record_first(s, idx, i);
		}
		world_canon(&s->ws, s->next, (int)i);
		switch (state_set_add(&s->set, s->enc,
				      world_encode(&s->ws, s->next, s->enc),
				      idx, (uint8_t)i, &got)) {
		case STATE_ADDED:
		case STATE_SEEN:
			break;
		case STATE_NOMEM:
			*oom = true;
			return false;
		case STATE_FULL:
			return false;
		}
	}
	if (!moved) {
		uint64_t stale;

		r->terminal_states++;
		memcpy(s->next, s->cur, s->ws.rec_bytes);
		vm_load_pages(&s->vm, world_vm(&s->ws, s->next)->data);
		stale = vm_audit_stale_sptes(&s->vm);
		if (stale) {
			r->stale_terminal_states++;
			if (!(*world_flags(&s->ws, s->next) & WORLD_TAINTED))
				r->inconsistencies++;
			record_first(s, idx, UINT32_MAX);
		}
	}
	return true;
}

static int search_init(struct search *s, const struct scenario_world *w,
		       const struct tracker_ops *ops,
		       const struct explore_options *opt,
		       struct explore_result *r, char *err, size_t errlen)
{
	uint32_t limit = opt->max_states ? opt->max_states
					 : EXPLORE_DEFAULT_MAX_STATES;

	memset(s, 0, sizeof(*s));
	s->w = w;
	s->r = r;
	if (w->n_actors > UINT8_MAX) {
		snprintf(err, errlen, "scenario %s: too many actors (%u)",
			 w->sc->name, w->n_actors);
		return -1;
	}
	if (vm_init(&s->vm, &w->layout, ops) < 0) {
		snprintf(err, errlen, "scenario %s: out of memory for the VM",
			 w->sc->name);
		return -1;
	}
	s->vm_own = s->vm.st;
	world_shape_init(&s->ws, sizeof(struct vm_state) +
			 vm_image_words(&w->layout) * sizeof(uint64_t),
			 w->n_actors);
	s->cur = calloc(1, s->ws.rec_bytes);
	s->next = calloc(1, s->ws.rec_bytes);
	s->enc = calloc(1, world_encoded_max(&s->ws));
	if (!s->cur || !s->next || !s->enc ||
	    state_set_init(&s->set, limit) < 0) {
		snprintf(err, errlen, "scenario %s: out of memory", w->sc->name);
		return -1;
	}
	/* The model reads and writes the VM header through vm->st: point it
	 * at the scratch record once; each step memcpy's into it and loads
	 * the record's page image into the maps. */
	vm_attach(&s->vm, world_vm(&s->ws, s->next));
	s->env.vm = &s->vm;
	s->env.wl = &w->wl;
	explore_step_env(opt, &s->env);
	r->tracker = ops;
	r->early_check = opt->early_check;
	return 0;
}

static void search_free(struct search *s)
{
	if (s->vm_own) {
		vm_attach(&s->vm, s->vm_own);
		vm_destroy(&s->vm);
	}
	state_set_free(&s->set);
	free(s->cur);
	free(s->next);
	free(s->enc);
}

/* The initial world: vm_init's zeroed state and freshly initialised actors. */
static int add_initial(struct search *s)
{
	uint32_t got;

	memset(s->next, 0, s->ws.rec_bytes);
	memcpy(world_vm(&s->ws, s->next), s->vm_own, sizeof(struct vm_state));
	vm_save_pages(&s->vm, world_vm(&s->ws, s->next)->data);
	scenario_init_actors(s->w, world_actors(&s->ws, s->next));
	world_canon(&s->ws, s->next, -1);
	return state_set_add(&s->set, s->enc,
			     world_encode(&s->ws, s->next, s->enc), STATE_NONE,
			     0, &got) == STATE_ADDED ? 0 : -1;
}

/* Path from the initial state to state idx, as actor numbers. */
static uint32_t path_to(const struct state_set *set, uint32_t idx,
			uint32_t **out)
{
	uint32_t n = 0;

	for (uint32_t i = idx; set->parent[i] != STATE_NONE; i = set->parent[i])
		n++;
	*out = malloc(sizeof(**out) * (n + 1));
	if (!*out)
		return 0;
	uint32_t k = n;

	for (uint32_t i = idx; set->parent[i] != STATE_NONE; i = set->parent[i])
		(*out)[--k] = set->via[i];
	return n;
}

int explore_run(const struct scenario_world *w, const struct tracker_ops *ops,
		const struct explore_options *opt, struct explore_result *r,
		char *err, size_t errlen)
{
	struct search s;
	bool oom = false;
	double t0 = now_seconds();
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (search_init(&s, w, ops, opt, r, err, errlen) < 0)
		goto out;
	if (add_initial(&s) < 0) {
		snprintf(err, errlen, "scenario %s: out of memory", w->sc->name);
		goto out;
	}
	r->complete = true;
	for (uint32_t idx = 0; idx < s.set.n; idx++) {
		uint32_t len;

		world_decode(&s.ws, state_set_get(&s.set, idx, &len), s.cur);
		if (!expand(&s, idx, &oom)) {
			r->complete = false;
			break;
		}
	}
	if (oom) {
		snprintf(err, errlen, "scenario %s, tracker %s: out of memory "
			 "after %u states", w->sc->name, ops->name, s.set.n);
		goto out;
	}
	r->states = s.set.n;
	r->seconds = now_seconds() - t0;
	r->state_bytes = s.set.n ? s.set.arena_used / s.set.n : 0;
	r->memory_bytes = state_set_bytes(&s.set);
	if (s.have_cex) {
		uint32_t *path, n = path_to(&s.set, s.cex_from, &path);

		if (!path) {
			snprintf(err, errlen, "out of memory for the trace");
			goto out;
		}
		if (s.cex_actor != UINT32_MAX)
			path[n++] = s.cex_actor;
		rc = replay_schedule(w, ops, opt, path, n, r, err,
				     errlen);
		free(path);
		if (rc < 0)
			goto out;
	}
	rc = 0;
out:
	search_free(&s);
	if (rc < 0)
		explore_result_free(r);
	return rc;
}

void explore_result_free(struct explore_result *r)
{
	free(r->cex);
	r->cex = NULL;
	r->cex_len = 0;
}

void explore_step_env(const struct explore_options *opt, struct step_env *env)
{
	env->early_check = opt->early_check;
	env->resolve_steps = 1;
	env->skip_present = true;
	env->yield_pages = opt->atomic_walks ? 0 : 1;
	env->slot_order = ORDER_KERNEL;
}

int explore_verdict(const char *scenario, const char *tracker, bool early_check,
		    struct explore_verdict *v, char *err, size_t errlen)
{
	const struct scenario *sc = scenario_find(scenario);
	const struct tracker_ops *ops = tracker_find(tracker);
	struct explore_options opt = { .early_check = early_check };
	struct scenario_world w;
	struct explore_result r;
	char list[256];

	memset(v, 0, sizeof(*v));
	if (!sc) {
		opts_join_choices(scenario_names(), list, sizeof(list));
		snprintf(err, errlen, "unknown scenario '%s'; accepted: %s",
			 scenario, list);
		return -1;
	}
	if (!ops) {
		opts_join_choices(tracker_names(), list, sizeof(list));
		snprintf(err, errlen, "unknown tracker '%s'; accepted: %s",
			 tracker, list);
		return -1;
	}
	if (scenario_build(sc, &w, err, errlen) < 0 ||
	    explore_run(&w, ops, &opt, &r, err, errlen) < 0)
		return -1;
	v->complete = r.complete;
	v->safe = r.complete && r.violations == 0 && r.stale_terminal_states == 0;
	v->states = r.states;
	v->transitions = r.transitions;
	v->violations = r.violations;
	v->shortest = r.cex_len;
	v->seconds = r.seconds;
	explore_result_free(&r);
	return 0;
}
