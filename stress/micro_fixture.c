/* The bodies of check/, path/ and sim/ (micro_fixture.h says why shared). */
#include "stress/micro_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sim.h"

#define CHECK_RANGE_START 1024
#define CHECK_RANGE_END 2048
#define CHECK_KEY_SPACE 4096

static void nop_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)t;
	(void)inv;
}

static void nop_range_add(struct tracker_state *t, const struct inval_ctx *inv,
			  uint64_t start, uint64_t end)
{
	(void)t;
	(void)inv;
	(void)start;
	(void)end;
}

static enum retry_verdict nop_retry(struct tracker_state *t,
				    const struct fault_key *key, uint64_t snap)
{
	(void)t;
	(void)key;
	(void)snap;
	return RETRY_NONE;
}

static void nop_describe(const struct tracker_state *t, char *buf, size_t len)
{
	(void)t;
	snprintf(buf, len, "nothing");
}

const struct tracker_ops micro_nop_tracker_ops = {
	.name = "nop",
	.description = "never retries: the cost floor of the check, unsafe",
	.begin = nop_begin,
	.range_add = nop_range_add,
	.end = nop_begin,
	.retry = nop_retry,
	.describe = nop_describe,
};

/* n nested invalidations, k-th over gfn (and hva) [start_k, start_k +
 * 1024/n), spread over [1024, 4096): a quarter of the key space in all.
 * n = 1 is [1024, 2048), the range check_inflight always used. */
static void begin_inflight(const struct tracker_ops *ops,
			   struct tracker_state *t, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		uint64_t start = CHECK_RANGE_START +
				 k * ((CHECK_KEY_SPACE - CHECK_RANGE_START) / n);
		uint64_t end = start + (CHECK_RANGE_END - CHECK_RANGE_START) / n;
		struct inval_ctx inv = { .handle = k + 1, .has_hva = true,
					 .hva_start = start, .hva_end = end };

		ops->begin(t, &inv);
		ops->range_add(t, &inv, start, end);
	}
}

int check_fixture_open(struct check_fixture *f, const struct tracker_ops *ops,
		       unsigned inflight)
{
	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->t = calloc(1, sizeof(*f->t));
	f->keys = calloc(CHECK_KEYS, sizeof(*f->keys));
	if (!f->t || !f->keys) {
		check_fixture_close(f);
		return -1;
	}
	tracker_state_init(f->t);
	begin_inflight(ops, f->t, inflight);
	for (unsigned i = 0; i < CHECK_KEYS; i++) {
		/* Knuth's multiplicative hash: scattered, but the same keys
		 * for every tracker. */
		f->keys[i].gfn = (i * 2654435761u) % CHECK_KEY_SPACE;
		f->keys[i].hva = f->keys[i].gfn;
		f->keys[i].has_hva = true;
	}
	f->snap = f->t->seq;
	return 0;
}

uint64_t check_fixture_run(struct check_fixture *f, uint64_t rounds)
{
	uint64_t acc = 0;

	for (uint64_t r = 0; r < rounds; r++)
		for (unsigned i = 0; i < CHECK_KEYS; i++)
			acc += f->ops->retry(f->t, &f->keys[i], f->snap);
	return acc;
}

void check_fixture_close(struct check_fixture *f)
{
	free(f->keys);
	free(f->t);
	f->keys = NULL;
	f->t = NULL;
}

int path_fixture_open(struct path_fixture *f, const struct pattern_world *w,
		      const struct tracker_ops *ops)
{
	memset(f, 0, sizeof(*f));
	pthread_rwlock_init(&f->lock, NULL);
	if (vm_init(&f->vm, &w->layout, ops) < 0)
		return -1;
	f->vm.mmu_lock = &f->lock;
	pattern_step_env(w, &f->vm, &f->env);
	/* A lookup that costs no time is one step, not the pattern's four. */
	f->env.resolve_steps = 1;
	/* The path of a fault, every time: with no invalidator, accesses to
	 * present SPTEs would never fault again and the loop never end. */
	f->env.skip_present = false;
	actor_init_vcpu(&f->a, 0, w->params.seed);
	/* Every page mapped, as after the timed loop's first moments: the
	 * faults measured (bench icount's 512 too) are the steady state, not
	 * the filling of a fresh map. */
	for (uint32_t i = 0; i < w->layout.n_slots; i++) {
		const struct memslot *s = &w->layout.slots[i];

		for (uint64_t g = s->base_gfn; g < s->base_gfn + s->npages; g++) {
			struct spte_cursor c;
			uint32_t old;

			vm_spte_set(&f->vm, s, g, &c,
				    vm_track_version(&f->vm, s, g, &c), &old);
		}
	}
	return 0;
}

void path_fixture_run(struct path_fixture *f, uint64_t faults)
{
	uint64_t target = f->stats.faults + faults;

	/* An access makes at most one fault: never past the target. */
	while (f->stats.faults < target)
		actor_vcpu_run(&f->a, &f->env, &f->stats,
			       target - f->stats.faults);
}

void path_fixture_close(struct path_fixture *f)
{
	vm_destroy(&f->vm);
	pthread_rwlock_destroy(&f->lock);
}

static int world(int pattern, struct pattern_world *w, char *err,
		 size_t errlen)
{
	struct pattern_params pp;

	pattern_defaults(pattern, &pp);
	return pattern_build(&pp, w, err, errlen);
}

int micro_world_path(struct pattern_world *w, char *err, size_t errlen)
{
	return world(PAT_SINGLE, w, err, errlen);
}

int micro_world_sim(struct pattern_world *w, char *err, size_t errlen)
{
	return world(PAT_MIXED, w, err, errlen);
}

int64_t sim_fixture_run(const struct pattern_world *w,
			const struct tracker_ops *ops, uint64_t steps,
			char *err, size_t errlen)
{
	struct sim_options opt = { .steps = steps };
	struct sim_result r;

	if (sim_run(w, ops, &opt, &r, err, errlen) < 0)
		return -1;
	free(r.retries_per_spte);
	return (int64_t)r.stats.faults;
}
