/* A preset under one invalidation source: the workload the actors draw from. */
#include "engine/realvm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/rng.h"

#define PAGE 4096ULL
#define CHUNK_PAGES 512ULL   /* working set granule: 2 MiB */
#define HOT_EVERY 8          /* one chunk in 8 is hot */
#define MIN_GAP_FAULTS 16    /* compressed pause: at least this many faults */
#define MIN_GAP_WINDOWS 4    /* ... and this many windows */
#define MAX_TARGETS VM_MAX_SLOTS

/* Where faults land: the plugged part of every guest RAM slot. */
struct fault_seg {
	uint32_t slot;
	uint64_t gfn, npages;
};

/* What a source may hit: host pages (notifier) or a slot's gfns. */
struct target {
	uint32_t slot;        /* slot-zap, convert */
	uint32_t block;       /* notifier: ranges merge within a block only */
	uint64_t start, npages; /* host pages (notifier) or gfns */
};

struct realvm_ctx {
	struct vm_source src;
	struct realvm_params p;
	uint32_t n_seg;
	struct fault_seg seg[VM_MAX_SLOTS];
	uint64_t fault_pages;
	uint32_t n_tgt;
	struct target tgt[MAX_TARGETS];
	uint64_t tgt_pages;
	uint64_t gap_steps, window_steps;
};

void realvm_clock_defaults(struct realvm_clock *c)
{
	memset(c, 0, sizeof(*c));
	c->fault_us = 7.0;
	c->retry_us = 0; /* the model's own steps */
	snprintf(c->fault_src, sizeof(c->fault_src),
		 "default: one pf_fixed on this project's kvm_pvm hosts (bench "
		 "live calibration, docs/vms.md)");
	snprintf(c->retry_src, sizeof(c->retry_src),
		 "model: the steps of each spurious attempt (2 for a range "
		 "pre-check, a whole fault for the locked check) x one step");
}

/* ---- building ----------------------------------------------------------- */

static bool slot_is_target(const struct vm_source *s, const struct vm_built *b,
			   uint32_t i)
{
	const struct memslot *m = &b->layout.slots[i];
	unsigned f = b->info[i].flags;

	/* A guest_memfd slot's shared copy is not a notifier target: the
	 * model does not know which of its pages the host ever populated
	 * (in a confidential guest, only those converted to shared), so
	 * notifier sources stay off it (docs/vms.md). */
	if (s->kind == SRC_CONVERT)
		return slot_has_private(m);
	switch (s->target) {
	case TGT_ANON: return !slot_has_private(m);
	case TGT_GUEST_RAM: return !slot_has_private(m) && (f & VMF_RAM);
	case TGT_HOTPLUG: return !slot_has_private(m) && (f & VMF_HOTPLUG);
	case TGT_REMOVABLE: return (f & VMF_REMOVABLE) != 0;
	case TGT_PRIVATE: return slot_has_private(m);
	}
	return false;
}

/* Merges [start, start+n) of one block into the host-page targets: slots
 * aliasing a block, or the two address spaces, give one run. Two blocks
 * never merge, even when adjacent here: they are separate host mappings,
 * and every source works inside one mapping (one VMA) at a time. */
static void add_host_target(struct realvm_ctx *c, uint32_t block,
			    uint64_t start, uint64_t n)
{
	for (uint32_t i = 0; i < c->n_tgt; i++) {
		struct target *t = &c->tgt[i];
		uint64_t end = start + n, tend = t->start + t->npages;

		if (t->block == block && start <= tend && t->start <= end) {
			uint64_t lo = start < t->start ? start : t->start;
			uint64_t hi = end > tend ? end : tend;

			c->tgt_pages += (hi - lo) - t->npages;
			t->start = lo;
			t->npages = hi - lo;
			return;
		}
	}
	c->tgt[c->n_tgt++] = (struct target){ .block = block, .start = start,
					      .npages = n };
	c->tgt_pages += n;
}

static void build_targets(struct realvm_ctx *c, const struct vm_built *b)
{
	for (uint32_t i = 0; i < b->layout.n_slots; i++) {
		const struct memslot *m = &b->layout.slots[i];
		uint64_t n = m->npages;

		if (!slot_is_target(&c->src, b, i))
			continue;
		if (c->src.target == TGT_HOTPLUG)
			n = b->info[i].plugged_pages; /* unplug what is plugged */
		if (!n)
			continue;
		if (c->src.kind == SRC_NOTIFIER) {
			add_host_target(c, b->info[i].block, m->host_base, n);
		} else {
			c->tgt[c->n_tgt++] = (struct target){
				.slot = i, .start = m->base_gfn, .npages = n };
			c->tgt_pages += n;
		}
	}
}

static void build_faults(struct realvm_ctx *c, const struct vm_built *b)
{
	for (uint32_t i = 0; i < b->layout.n_slots; i++) {
		const struct memslot *m = &b->layout.slots[i];
		uint64_t n = b->info[i].plugged_pages;

		if (!(b->info[i].flags & VMF_FAULT) || !n)
			continue;
		c->seg[c->n_seg++] = (struct fault_seg){ i, m->base_gfn, n };
		c->fault_pages += n;
	}
}

/* ---- what actors do ------------------------------------------------------ */

static bool realvm_next_fault(const struct workload *wl, struct actor *a,
			      struct fault_plan *out)
{
	const struct realvm_ctx *c = wl->ctx;
	uint64_t idx, chunks = (c->fault_pages + CHUNK_PAGES - 1) / CHUNK_PAGES;

	/* The working set: every HOT_EVERY-th 2 MiB chunk of guest RAM, so it
	 * spreads over every slot rather than sitting at one end. */
	if (c->p.fault_dist == DIST_HOT && chunks >= HOT_EVERY &&
	    rng_below(&a->rng, 1u << 20) < (uint64_t)(c->p.hot_fraction * (1u << 20)))
		idx = rng_below(&a->rng, chunks / HOT_EVERY) * HOT_EVERY * CHUNK_PAGES +
		      rng_below(&a->rng, CHUNK_PAGES);
	else
		idx = rng_below(&a->rng, c->fault_pages);
	if (idx >= c->fault_pages)
		idx = c->fault_pages - 1;
	for (uint32_t i = 0; i < c->n_seg; i++) {
		if (idx < c->seg[i].npages) {
			out->slot = c->seg[i].slot;
			out->gfn = c->seg[i].gfn + idx;
			return true;
		}
		idx -= c->seg[i].npages;
	}
	return false;
}

/* A target drawn in proportion to its size. */
static const struct target *pick_target(const struct realvm_ctx *c,
					struct actor *a)
{
	uint64_t r = rng_below(&a->rng, c->tgt_pages);

	for (uint32_t i = 0; i < c->n_tgt; i++) {
		if (r < c->tgt[i].npages)
			return &c->tgt[i];
		r -= c->tgt[i].npages;
	}
	return &c->tgt[c->n_tgt - 1];
}

/* [start, end) inside t: aligned start, size in [min, max]. */
static void draw_range(const struct realvm_ctx *c, const struct target *t,
		       struct actor *a, uint64_t *start, uint64_t *end)
{
	uint64_t align = c->src.align / PAGE, lo = c->src.min_bytes / PAGE;
	uint64_t hi = c->src.bytes / PAGE, len = lo + rng_below(&a->rng, hi - lo + 1);
	uint64_t slots = t->npages / align;

	*start = t->start + align * rng_below(&a->rng, slots ? slots : 1);
	*end = *start + len;
	if (*end > t->start + t->npages)
		*end = t->start + t->npages;
}

static bool realvm_next_inval(const struct workload *wl, struct actor *a,
			      struct inval_plan *out)
{
	const struct realvm_ctx *c = wl->ctx;
	const struct target *t = pick_target(c, a);

	memset(out, 0, sizeof(*out));
	switch (c->src.kind) {
	case SRC_NOTIFIER:
		out->kind = INVAL_NOTIFIER;
		draw_range(c, t, a, &out->start, &out->end);
		break;
	case SRC_SLOT_ZAP:
		/* kvm_arch_flush_shadow_memslot: the slot's gfns, no hva. */
		out->kind = INVAL_GFN_ZAP;
		out->start = t->start;
		out->end = t->start + t->npages;
		break;
	case SRC_CONVERT:
		/* Half attribute changes (KVM_SET_MEMORY_ATTRIBUTES: a gfn
		 * zap), half the hole punch that frees the private copy of a
		 * page converted to shared. */
		draw_range(c, t, a, &out->start, &out->end);
		if (rng_below(&a->rng, 2)) {
			out->kind = INVAL_GFN_ZAP;
		} else {
			out->kind = INVAL_GMEM;
		}
		break;
	}
	out->as_id = 0;
	if (out->kind == INVAL_GMEM)
		out->as_id = 0; /* private memory exists in address space 0 only */
	out->gap_steps = c->gap_steps
		? (uint32_t)(c->gap_steps / 2 + rng_below(&a->rng, c->gap_steps + 1))
		: 0;
	out->phase2_steps = (uint32_t)c->window_steps;
	return true;
}

static uint64_t steps_of(double us, double step_us)
{
	double s = us / step_us + 0.5;

	return s < 1 ? 1 : s > 4e9 ? 4000000000ULL : (uint64_t)s;
}

int realvm_build(const struct vm_built *b, const struct vm_source *s,
		 const struct realvm_params *p, const struct realvm_clock *clk,
		 struct realvm_world *rw, char *err, size_t len)
{
	struct realvm_ctx *c;
	uint64_t fault_steps = REALVM_FAULT_STEPS + p->resolve_steps, floor_gap;
	double gap_us;

	memset(rw, 0, sizeof(*rw));
	if (!(clk->fault_us > 0) || clk->retry_us < 0) {
		snprintf(err, len, "--fault-us/--retry-us: expected positive times");
		return -1;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	c->src = *s;
	c->p = *p;
	build_faults(c, b);
	build_targets(c, b);
	if (!c->fault_pages || !c->tgt_pages) {
		snprintf(err, len, "--source: %s has nothing to act on in this "
			 "layout (no %s)", s->name, !c->fault_pages
			 ? "guest RAM slot to fault in" : "target memory");
		free(c);
		return -1;
	}
	rw->step_us = clk->fault_us / (double)fault_steps;
	rw->window_steps = steps_of(s->window_us, rw->step_us);
	gap_us = 1e6 / s->rate - s->window_us;
	rw->real_gap_steps = gap_us > 0 ? gap_us / rw->step_us : 0;
	floor_gap = MIN_GAP_WINDOWS * rw->window_steps;
	if (floor_gap < MIN_GAP_FAULTS * fault_steps)
		floor_gap = MIN_GAP_FAULTS * fault_steps;
	rw->gap_steps = rw->real_gap_steps < (double)floor_gap
		? (uint64_t)(rw->real_gap_steps + 0.5) : floor_gap;
	c->gap_steps = rw->gap_steps;
	c->window_steps = rw->window_steps;
	/* Every actor gets 1/n of the steps; the invalidator needs a pause,
	 * a window and two lock holds per invalidation. */
	rw->steps = (p->vcpus + 1) * (rw->gap_steps + rw->window_steps + 2) *
		    p->invals;

	pattern_defaults(PAT_SINGLE, &rw->w.params);
	rw->w.params.seed = p->seed;
	rw->w.params.vcpus = p->vcpus;
	rw->w.params.invalidators = 1;
	rw->w.params.resolve_steps = p->resolve_steps;
	rw->w.params.early_check = p->early_check;
	/* The step budget above counts two lock holds per invalidation:
	 * real-VM runs keep each walk in one hold (no yields). */
	rw->w.params.yield_pages = 0;
	/* ... and every vCPU access a fault, as its fault counts assume. */
	rw->w.params.skip_present = false;
	rw->w.params.fault_dist = p->fault_dist;
	rw->w.params.hot_fraction = p->hot_fraction;
	rw->w.layout = b->layout;
	rw->w.wl.next_fault = realvm_next_fault;
	rw->w.wl.next_inval = realvm_next_inval;
	rw->w.wl.ctx = c;
	rw->w.n_vcpus = (uint32_t)p->vcpus;
	rw->w.n_invalidators = 1;
	rw->w.ctx = NULL; /* owned here, not by pattern_world_free */
	rw->ctx = c;
	return 0;
}

void realvm_free(struct realvm_world *rw)
{
	free(rw->ctx);
	rw->ctx = NULL;
}

/* vCPU time of the attempts that ended in a spurious retry, in model steps:
 * a range retry at the first pre-check has read the sequence and checked
 * (2 steps); a sequence retry from a pre-check fires after the lookup
 * (3 + resolve); one from the locked check cost a whole fault. */
static double spurious_steps(const struct actor_stats *st, uint64_t resolve)
{
	uint64_t early = st->fp_range_early + st->fp_seq_early;
	uint64_t locked = st->fp_range + st->fp_seq - early;

	return 2.0 * (double)st->fp_range_early +
	       (3.0 + (double)resolve) * (double)st->fp_seq_early +
	       (double)(REALVM_FAULT_STEPS + resolve) * (double)locked;
}

void realvm_units(const struct actor_stats *st, double rate, uint64_t vcpus,
		  const struct realvm_clock *c, double step_us,
		  uint64_t resolve_steps, struct realvm_units *u)
{
	double inv = (double)(st->invalidations + st->invalidations_untracked);
	double per_s = inv > 0 ? rate / inv : NAN; /* scale: count -> per second */
	double fp = (double)(st->fp_range + st->fp_seq);
	double lost_us = c->retry_us > 0 ? fp * c->retry_us
					 : spurious_steps(st, resolve_steps) * step_us;

	u->retries_per_s = (double)st->retries * per_s / (double)vcpus;
	u->spurious_share = lost_us * per_s * 1e-6 / (double)vcpus;
	u->missed_per_hour = (double)st->fn * per_s * 3600.0;
}
