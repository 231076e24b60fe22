/* Symmetry and persistent sets (reduce.h says why they are sound). */
#include "explore/reduce.h"

#include <stdlib.h>
#include <string.h>

void reduce_init(struct reduce_ctx *c, const struct scenario_world *w)
{
	memset(c, 0, sizeof(*c));
	c->w = w;
	c->n_actors = w->n_actors;
	for (uint32_t i = 0; i < w->n_actors; i++) {
		c->cls[i] = i;
		for (uint32_t j = 0; j < i; j++)
			if (scenario_actors_symmetric(w, j, i)) {
				c->cls[i] = c->cls[j];
				c->symmetric = true;
				break;
			}
	}
}

/* Orders two actors of one class by their bytes, id aside (they are
 * canonical: no padding garbage). */
static int actor_cmp(const struct actor *a, const struct actor *b)
{
	struct actor x = *a, y = *b;

	x.id = 0;
	y.id = 0;
	return memcmp(&x, &y, sizeof(x));
}

void reduce_symmetry(const struct reduce_ctx *c, struct actor *actors,
		     uint32_t *perm)
{
	uint32_t n = c->n_actors;

	for (uint32_t i = 0; i < n; i++)
		if (perm)
			perm[i] = i;
	if (!c->symmetric)
		return;
	/* Insertion sort within each class (a few actors). Members of a
	 * class need not be adjacent: walk the positions of the class. */
	for (uint32_t k = 0; k < n; k++) {
		uint32_t pos[SC_MAX_ACTORS], m = 0;

		if (c->cls[k] != k)
			continue;
		for (uint32_t i = k; i < n; i++)
			if (c->cls[i] == k)
				pos[m++] = i;
		for (uint32_t a = 1; a < m; a++)
			for (uint32_t b = a; b > 0 &&
			     actor_cmp(&actors[pos[b - 1]], &actors[pos[b]]) > 0; b--) {
				struct actor t = actors[pos[b - 1]];
				uint32_t q;

				actors[pos[b - 1]] = actors[pos[b]];
				actors[pos[b]] = t;
				if (perm) {
					q = perm[pos[b - 1]];
					perm[pos[b - 1]] = perm[pos[b]];
					perm[pos[b]] = q;
				}
			}
		for (uint32_t a = 0; a < m; a++)
			actors[pos[a]].id = pos[a];
	}
}

/* ---- footprints -------------------------------------------------------- */

/* Shared state an actor's step may touch. Pages and SPTE indices are kept
 * as 64-bucket masks (index mod 64): two different indices in one bucket
 * only add a conflict, never hide one. The attribute generations are keyed
 * by SPTE index (model/vm.h), so they count as SPTE positions. */
struct fp {
	bool hr, hw;            /* the VM header: tracker, oracle, handles */
	uint64_t gen_r, gen_w;  /* host-page generations */
	uint64_t spte_r, spte_w;
};

#define ALL (~0ULL)

static uint64_t bit(uint64_t i)
{
	return 1ULL << (i % 64);
}

static uint64_t span(uint64_t start, uint64_t end)
{
	uint64_t m = 0;

	if (end - start >= 64)
		return ALL;
	for (uint64_t i = start; i < end; i++)
		m |= bit(i);
	return m;
}

static uint64_t spte_bit(const struct vm_layout *l, const struct fault_plan *f)
{
	const struct memslot *s = &l->slots[f->slot];

	return bit(s->spte_base + f->gfn - s->base_gfn);
}

static bool conflict(const struct fp *a, const struct fp *b)
{
	return (a->hw && (b->hr || b->hw)) || (b->hw && a->hr) ||
	       (a->gen_w & (b->gen_r | b->gen_w)) || (b->gen_w & a->gen_r) ||
	       (a->spte_w & (b->spte_r | b->spte_w)) || (b->spte_w & a->spte_r);
}

static void fault_fp(const struct vm_layout *l, const struct fault_plan *f,
		     struct fp *out)
{
	const struct memslot *s = &l->slots[f->slot];

	out->gen_r |= bit(slot_host_page(s, f->gfn));
	out->spte_r |= bit(s->spte_base + f->gfn - s->base_gfn); /* and attr */
	out->spte_w |= bit(s->spte_base + f->gfn - s->base_gfn);
}

/* Host pages an invalidation's phase 2 may change. */
static uint64_t inval_pages(const struct inval_plan *p)
{
	switch (p->kind) {
	case INVAL_NOTIFIER:
		return span(p->start, p->end); /* host page == hva */
	case INVAL_GFN_ZAP:
	case INVAL_ATTR:
		return 0; /* no page changes: attributes (SPTE positions) */
	default:
		return ALL; /* guest_memfd: private slots' own pages */
	}
}

static void whole_inval_fp(const struct inval_plan *p, struct fp *out)
{
	out->hw = true;
	out->spte_w = ALL;
	out->gen_w |= inval_pages(p);
}

static bool vcpu_done(const struct scenario *sc, const struct actor *a)
{
	return a->pc == VCPU_DONE ||
	       (a->pc == VCPU_READ_SEQ && !a->has_fault &&
		a->rng >= sc->n_faults[a->id]);
}

static bool inval_done(const struct scenario *sc, const struct actor *a)
{
	return a->pc == INVAL_DONE ||
	       (a->pc == INVAL_NEXT &&
		a->rng >= sc->n_inval_plans[a->id - sc->n_vcpus]);
}

uint32_t reduce_enabled(const struct reduce_ctx *c, const struct actor *actors)
{
	const struct scenario *sc = c->w->sc;
	uint32_t m = 0;

	for (uint32_t i = 0; i < c->n_actors; i++)
		if (!(i < sc->n_vcpus ? vcpu_done(sc, &actors[i])
				      : inval_done(sc, &actors[i])))
			m |= 1u << i;
	return m;
}

/* The next step of an enabled actor. */
static void next_fp(const struct reduce_ctx *c, const struct actor *a,
		    struct fp *out)
{
	const struct scenario *sc = c->w->sc;
	const struct vm_layout *l = &c->w->layout;

	memset(out, 0, sizeof(*out));
	if (a->kind == ACTOR_VCPU) {
		struct fp f;

		switch (a->pc) {
		case VCPU_READ_SEQ:   /* reads seq; taking the next fault is */
			out->hr = true; /* local; is its SPTE present? */
			if (a->has_fault)
				out->spte_r |= spte_bit(l, &a->fault);
			else if (a->rng < sc->n_faults[a->id])
				out->spte_r |= spte_bit(l, &sc->faults[a->id][a->rng]);
			return;
		case VCPU_PRECHECK1:  /* the verdict reads the tracker; the */
		case VCPU_PRECHECK2:  /* oracle's view is statistics only */
			out->hr = true;
			return;
		case VCPU_RESOLVE:
			if (a->wait > 1)
				return; /* "resolving": local */
			memset(&f, 0, sizeof(f));
			fault_fp(l, &a->fault, &f);
			out->gen_r = f.gen_r;
			out->spte_r = f.spte_r; /* the attribute generation */
			return;
		default: /* the locked check */
			out->hr = true;
			fault_fp(l, &a->fault, out);
			return;
		}
	}
	switch (a->pc) {
	case INVAL_NEXT: {
		const struct inval_plan *p =
			&sc->invals[a->id - sc->n_vcpus][a->rng];

		if (p->gap_steps)
			return; /* plans, then idles: local */
		/* Phase 1 (or the whole gfn zap), folded into planning. */
		out->hw = true;
		out->spte_w = ALL;
		return;
	}
	case INVAL_GAP:
		return;
	case INVAL_PHASE1:
		out->hw = true;
		out->spte_w = ALL;
		return;
	case INVAL_PHASE2:
		if (a->wait != a->inval.phase2_steps)
			return; /* "host busy": local */
		for (uint32_t r = 0; r < a->n_ranges; r++)
			out->gen_w |= span(a->ranges[r].start, a->ranges[r].end);
		if (a->inval.kind == INVAL_ATTR)
			out->spte_w = ALL; /* the attribute change */
		return;
	default: /* phase 3 */
		out->hw = true;
		return;
	}
}

/* Every step the actor may still take, from its remaining script. */
static void future_fp(const struct reduce_ctx *c, const struct actor *a,
		      struct fp *out)
{
	const struct scenario *sc = c->w->sc;
	const struct vm_layout *l = &c->w->layout;

	memset(out, 0, sizeof(*out));
	if (a->kind == ACTOR_VCPU) {
		if (vcpu_done(sc, a))
			return;
		out->hr = true;
		if (a->has_fault)
			fault_fp(l, &a->fault, out);
		for (uint64_t k = a->rng; k < sc->n_faults[a->id]; k++)
			fault_fp(l, &sc->faults[a->id][k], out);
		return;
	}
	if (inval_done(sc, a))
		return;
	uint32_t i = a->id - sc->n_vcpus;

	if (a->pc != INVAL_NEXT) {
		out->hw = true; /* phase 3 at least */
		if (a->pc == INVAL_GAP || a->pc == INVAL_PHASE1)
			whole_inval_fp(&a->inval, out);
		else if (a->pc == INVAL_PHASE2 && a->wait == a->inval.phase2_steps) {
			for (uint32_t r = 0; r < a->n_ranges; r++)
				out->gen_w |= span(a->ranges[r].start,
						   a->ranges[r].end);
			if (a->inval.kind == INVAL_ATTR)
				out->spte_w = ALL;
		}
	}
	for (uint64_t k = a->rng; k < sc->n_inval_plans[i]; k++)
		whole_inval_fp(&sc->invals[i][k], out);
}

uint32_t reduce_persistent(const struct reduce_ctx *c, const struct actor *actors,
			   uint32_t enabled)
{
	struct fp next[SC_MAX_ACTORS], fut[SC_MAX_ACTORS];
	uint32_t n = c->n_actors, best = enabled;
	int best_n = __builtin_popcount(enabled);

	if (best_n <= 1)
		return enabled;
	for (uint32_t i = 0; i < n; i++) {
		if (enabled & (1u << i))
			next_fp(c, &actors[i], &next[i]);
		future_fp(c, &actors[i], &fut[i]);
	}
	for (uint32_t start = 0; start < n; start++) {
		uint32_t p, done = 0;

		if (!(enabled & (1u << start)))
			continue;
		p = 1u << start;
		/* Close P: an actor whose possible steps conflict with the next
		 * step of a member joins (a finished actor has no steps). */
		while (p & ~done) {
			uint32_t j = (uint32_t)__builtin_ctz(p & ~done);

			done |= 1u << j;
			for (uint32_t k = 0; k < n; k++)
				if (!(p & (1u << k)) && conflict(&next[j], &fut[k]))
					p |= 1u << k;
			if (__builtin_popcount(p & enabled) >= best_n)
				break;
		}
		if (__builtin_popcount(p & enabled) < best_n) {
			best = p & enabled;
			best_n = __builtin_popcount(best);
			if (best_n == 1)
				break;
		}
	}
	return best;
}
