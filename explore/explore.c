#include "explore/explore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explore/reduce.h"
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
	const struct explore_options *opt;
	struct world_shape ws;
	struct vm vm;
	struct vm_state *vm_own; /* vm_init's block, given back before destroy */
	struct step_env env;
	struct state_set set;
	struct reduce_ctx red;
	unsigned char *cur;     /* the state being expanded, decoded */
	unsigned char *next;    /* scratch: the state after one step */
	unsigned char *enc;     /* scratch: next, encoded */
	struct explore_result *r;
	/* the first violation in BFS order: its source state and actor, or a
	 * terminal state the audit flags */
	uint32_t cex_from;
	uint32_t cex_actor;     /* UINT32_MAX: cex_from itself is the end */
	bool have_cex;
	/* the first spurious range retry in BFS order (spurious_trace) */
	uint32_t spur_from, spur_actor;
	bool have_spur;
	int undeclared_word;    /* >= 0: the tracker wrote that private word
				 * beyond its priv_words; the search stops */
	enum state_add_result stop; /* why expansion stopped (FULL, NOMEM, MEMCAP) */
};

static void record_first(struct search *s, uint32_t from, uint32_t actor)
{
	if (s->have_cex)
		return;
	s->have_cex = true;
	s->cex_from = from;
	s->cex_actor = actor;
}

#define STEP_FINISHED (-1)   /* the actor has no step left */
#define STEP_UNDECLARED (-2) /* the tracker wrote past its priv_words */

/* One step of actor i from s->cur into the set. Returns STEP_FINISHED or
 * STEP_UNDECLARED, else the add result; *got is the successor's index. */
static int step_one(struct search *s, uint32_t idx, uint32_t i, uint32_t *got)
{
	struct explore_result *r = s->r;
	struct actor_stats st;
	struct step_info info;
	struct actor *a = world_actors(&s->ws, s->next);

	memcpy(s->next, s->cur, s->ws.rec_bytes);
	vm_load_pages(&s->vm, world_vm(&s->ws, s->next)->data);
	memset(&st, 0, sizeof(st));
	memset(&info, 0, sizeof(info));
	if (!actor_step(&a[i], &s->env, &st, &info))
		return STEP_FINISHED;
	vm_save_pages(&s->vm, world_vm(&s->ws, s->next)->data);
	r->transitions++;
	s->undeclared_word = tracker_priv_undeclared(
		s->vm.ops, &world_vm(&s->ws, s->next)->tracker);
	if (s->undeclared_word >= 0)
		return STEP_UNDECLARED;
	if (world_warnings(world_vm(&s->ws, s->next)))
		r->warning_transitions++;
	if (info.checked && info.verdict != RETRY_NONE) {
		r->retry_transitions++;
		r->spurious_range_transitions += st.fp_range != 0;
		if (st.fp_range && !s->have_spur) {
			s->have_spur = true;
			s->spur_from = idx;
			s->spur_actor = i;
		}
		r->spurious_seq_transitions += st.fp_seq != 0;
	}
	if (info.violation || st.fn) {
		r->violations++;
		*world_flags(&s->ws, s->next) |= WORLD_TAINTED;
		record_first(s, idx, i);
	}
	world_canon(&s->ws, s->next, (int)i);
	if (s->opt->reduce & REDUCE_SYMMETRY)
		reduce_symmetry(&s->red, a, NULL);
	return state_set_add(&s->set, s->enc,
			     world_encode(&s->ws, s->next, s->enc), idx,
			     (uint8_t)i, got);
}

/* Expands state number `idx` (already copied to s->cur): every actor, or
 * with partial-order reduction a persistent set of them, widened to every
 * actor when a reduced step closes a cycle (reduce.h). Returns false when
 * the search must stop (s->stop says why). */
static bool expand(struct search *s, uint32_t idx)
{
	struct explore_result *r = s->r;
	uint32_t all = (1u << s->ws.n_actors) - 1, todo = all, tried = 0;
	bool moved = false;

	if (s->opt->reduce & REDUCE_POR) {
		uint32_t en = reduce_enabled(&s->red, world_actors(&s->ws, s->cur));

		todo = reduce_persistent(&s->red, world_actors(&s->ws, s->cur), en);
		if (!en)
			todo = all; /* terminal: let actor_step confirm it */
	}
	while (todo) {
		uint32_t i = (uint32_t)__builtin_ctz(todo), got;
		int rc;

		todo &= todo - 1;
		tried |= 1u << i;
		rc = step_one(s, idx, i, &got);
		if (rc == STEP_FINISHED)
			continue;
		if (rc == STEP_UNDECLARED)
			return false;
		moved = true;
		if (rc == STATE_FULL || rc == STATE_NOMEM || rc == STATE_MEMCAP) {
			s->stop = rc;
			return false;
		}
		/* The cycle proviso: a reduced expansion that reaches an
		 * already expanded state becomes a full one. */
		if (rc == STATE_SEEN && got <= idx && tried != all)
			todo = all & ~tried;
	}
	if (tried == all)
		r->full_expansions++;
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
	uint64_t mem = opt->max_memory ? opt->max_memory
				       : (uint64_t)EXPLORE_DEFAULT_MAX_MEMORY_MIB << 20;

	memset(s, 0, sizeof(*s));
	s->undeclared_word = -1;
	s->w = w;
	s->r = r;
	s->opt = opt;
	if (w->n_actors > SC_MAX_ACTORS) {
		snprintf(err, errlen, "scenario %s: too many actors (%u)",
			 w->sc->name, w->n_actors);
		return -1;
	}
	reduce_init(&s->red, w);
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
	    state_set_init(&s->set, limit, (size_t)mem) < 0) {
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
	r->reduce = opt->reduce;
	return 0;
}

static void search_free(struct search *s)
{
	if (s->vm_own) {
		vm_attach(&s->vm, s->vm_own);
		vm_destroy(&s->vm);
		s->vm_own = NULL;
	}
	state_set_free(&s->set);
	free(s->cur);
	free(s->next);
	free(s->enc);
	s->cur = s->next = s->enc = NULL;
}

/* The initial world into s->next: vm_init's zeroed state and freshly
 * initialised actors, canonical. */
static void initial_world(struct search *s)
{
	memset(s->next, 0, s->ws.rec_bytes);
	memcpy(world_vm(&s->ws, s->next), s->vm_own, sizeof(struct vm_state));
	vm_save_pages(&s->vm, world_vm(&s->ws, s->next)->data);
	scenario_init_actors(s->w, world_actors(&s->ws, s->next));
	world_canon(&s->ws, s->next, -1);
	if (s->opt->reduce & REDUCE_SYMMETRY)
		reduce_symmetry(&s->red, world_actors(&s->ws, s->next), NULL);
}

static int add_initial(struct search *s)
{
	uint32_t got;

	initial_world(s);
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

/* With symmetry the stored worlds are canonical, so a path's actor numbers
 * are positions in canonical worlds. Re-runs the path on real worlds and
 * rewrites each step to the real actor it denotes, so the trace keeps each
 * actor's name from start to end. */
static void translate_path(struct search *s, uint32_t *path, uint32_t n)
{
	struct actor tmp[SC_MAX_ACTORS];
	uint32_t perm[SC_MAX_ACTORS];

	if (!(s->opt->reduce & REDUCE_SYMMETRY) || !s->red.symmetric)
		return;
	memset(s->next, 0, s->ws.rec_bytes);
	memcpy(world_vm(&s->ws, s->next), s->vm_own, sizeof(struct vm_state));
	vm_save_pages(&s->vm, world_vm(&s->ws, s->next)->data);
	scenario_init_actors(s->w, world_actors(&s->ws, s->next));
	world_canon(&s->ws, s->next, -1);
	/* The pages stay in the maps from here: only actors are compared. */
	vm_load_pages(&s->vm, world_vm(&s->ws, s->next)->data);
	for (uint32_t k = 0; k < n; k++) {
		struct actor *a = world_actors(&s->ws, s->next);
		struct actor_stats st;

		memcpy(tmp, a, sizeof(*a) * s->ws.n_actors);
		reduce_symmetry(&s->red, tmp, perm);
		path[k] = perm[path[k]];
		memset(&st, 0, sizeof(st));
		actor_step(&a[path[k]], &s->env, &st, NULL);
		world_canon(&s->ws, s->next, (int)path[k]);
	}
}

/* The spurious-retry schedule, replayed like a counterexample into a
 * scratch result and moved to r->spur. */
static int replay_spurious(struct search *s, const struct tracker_ops *ops,
			   const struct explore_options *opt, char *err,
			   size_t errlen)
{
	struct explore_result tmp;
	uint32_t *path, n = path_to(&s->set, s->spur_from, &path);
	int rc;

	if (!path) {
		snprintf(err, errlen, "out of memory for the trace");
		return -1;
	}
	path[n++] = s->spur_actor;
	translate_path(s, path, n);
	memset(&tmp, 0, sizeof(tmp));
	rc = replay_schedule(s->w, ops, opt, path, n, &tmp, err,
			     errlen);
	free(path);
	if (rc < 0)
		return -1;
	s->r->spur = tmp.cex;
	s->r->spur_len = tmp.cex_len;
	return 0;
}

static void progress(struct search *s, uint32_t idx, double t0, double *last)
{
	double t = now_seconds();

	if (!s->opt->progress || t - *last < EXPLORE_PROGRESS_SECONDS)
		return;
	*last = t;
	fprintf(stderr, "bench explore: %s/%s pre-checks %s: %u states, %u "
		"expanded, %.0f states/s, %zu MiB\n", s->w->sc->name,
		s->r->tracker->name, s->opt->early_check ? "on" : "off",
		s->set.n, idx, (double)s->set.n / (t - t0),
		state_set_bytes(&s->set) >> 20);
}

/* The shortest counterexample when the main search used partial-order
 * reduction: the same search without it (symmetry kept: it keeps
 * distances), stopped at the first violation, which BFS finds at the
 * least depth. Returns 0 (r->cex filled), 1 (that search could not finish:
 * keep the reduced one), or -1. */
static int shortest_without_por(const struct scenario_world *w,
				const struct tracker_ops *ops,
				const struct explore_options *opt,
				struct explore_result *r, char *err,
				size_t errlen)
{
	struct explore_options o = *opt;
	struct explore_result sub;

	o.reduce &= ~(unsigned)REDUCE_POR;
	o.stop_at_violation = true;
	o.spurious_trace = false; /* the main search's trace stands */
	if (explore_run(w, ops, &o, &sub, err, errlen) < 0)
		return -1;
	r->shortest_search_states = sub.states;
	if (!sub.cex_len) {
		explore_result_free(&sub);
		if (sub.stopped != STOP_NONE)
			return 1;
		snprintf(err, errlen, "scenario %s, tracker %s: the search "
			 "without partial-order reduction finds no violation, the "
			 "reduced one does: a reduction bug", w->sc->name, ops->name);
		return -1;
	}
	r->cex = sub.cex;
	r->cex_len = sub.cex_len;
	r->cex_audit_stale = sub.cex_audit_stale;
	return 0;
}

int explore_run(const struct scenario_world *w, const struct tracker_ops *ops,
		const struct explore_options *opt, struct explore_result *r,
		char *err, size_t errlen)
{
	struct search s;
	double t0 = now_seconds(), last = t0;
	uint32_t *path = NULL, n = 0;
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
		if (!expand(&s, idx)) {
			r->complete = false;
			break;
		}
		if (opt->stop_at_violation && s.have_cex) {
			r->complete = false;
			break;
		}
		if ((idx & 4095) == 0)
			progress(&s, idx, t0, &last);
	}
	if (s.stop == STATE_NOMEM) {
		snprintf(err, errlen, "scenario %s, tracker %s: out of memory "
			 "after %u states (lower --max-memory)", w->sc->name,
			 ops->name, s.set.n);
		goto out;
	}
	if (s.undeclared_word >= 0) {
		/* State the explorer would not know is state: refuse, or two
		 * different worlds could be merged. */
		snprintf(err, errlen, "scenario %s, tracker %s: wrote private "
			 "word %d but declares priv_words = %u (model/tracker.h)",
			 w->sc->name, ops->name, s.undeclared_word,
			 ops->priv_words);
		goto out;
	}
	r->stopped = s.stop == STATE_FULL ? STOP_STATES
		     : s.stop == STATE_MEMCAP ? STOP_MEMORY : STOP_NONE;
	r->states = s.set.n;
	r->state_bytes = s.set.n ? s.set.arena_used / s.set.n : 0;
	r->memory_bytes = state_set_bytes(&s.set);
	if (s.have_cex) {
		n = path_to(&s.set, s.cex_from, &path);
		if (!path) {
			snprintf(err, errlen, "out of memory for the trace");
			goto out;
		}
		if (s.cex_actor != UINT32_MAX)
			path[n++] = s.cex_actor;
		translate_path(&s, path, n);
	}
	if (opt->spurious_trace && s.have_spur &&
	    replay_spurious(&s, ops, opt, err, errlen) < 0)
		goto out;
	search_free(&s);
	if (path && (opt->reduce & REDUCE_POR)) {
		int sr = shortest_without_por(w, ops, opt, r, err, errlen);

		if (sr < 0)
			goto out;
		if (sr == 0) {
			free(path);
			path = NULL;
		}
	}
	if (path && replay_schedule(w, ops, opt, path, n, r, err,
				    errlen) < 0)
		goto out;
	r->seconds = now_seconds() - t0;
	rc = 0;
out:
	free(path);
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
	free(r->spur);
	r->spur = NULL;
	r->spur_len = 0;
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
	const struct tracker_ops *ops = tracker_find(tracker);
	struct explore_options opt = { .early_check = early_check };
	struct scenario *sc = malloc(sizeof(*sc));
	struct scenario_world w;
	struct explore_result r;
	char list[256];
	int rc = -1;

	memset(v, 0, sizeof(*v));
	if (!sc) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!ops) {
		opts_join_choices(tracker_names(), list, sizeof(list));
		snprintf(err, errlen, "unknown tracker '%s'; accepted: %s",
			 tracker, list);
	} else if (scenario_find(scenario, sc, err, errlen) == 0 &&
		   scenario_build(sc, &w, err, errlen) == 0 &&
		   explore_run(&w, ops, &opt, &r, err, errlen) == 0) {
		v->complete = r.complete;
		v->safe = r.complete && r.violations == 0 &&
			  r.stale_terminal_states == 0;
		v->states = r.states;
		v->transitions = r.transitions;
		v->violations = r.violations;
		v->shortest = r.cex_len;
		v->seconds = r.seconds;
		explore_result_free(&r);
		rc = 0;
	}
	free(sc);
	return rc;
}
