/* The workload patterns of SPEC section 4: layouts and what actors do. */
#include "engine/pattern.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/rng.h"

const char *const pattern_names[] = {
	[PAT_SINGLE] = "single",
	[PAT_MULTISLOT] = "multislot",
	[PAT_ALIAS] = "alias",
	[PAT_CONCURRENT] = "concurrent",
	[PAT_PRIVATE] = "private",
	[PAT_NUMA] = "numa",
	[PAT_MIXED] = "mixed",
	[PAT_COUNT] = NULL,
};

const char *const fault_dist_names[] = { "uniform", "hot", NULL };
const char *const slot_order_names[] = { [ORDER_KERNEL] = "kernel",
					 [ORDER_INDEX] = "index", NULL };

#define MAX_SEGMENTS 32 /* multislot: up to 16 slots, twice with SMM */
#define MAX_VCPUS 64
#define MAX_SLOT_PAGES VM_MAX_SLOT_PAGES   /* 4 TiB of 4 KiB pages */
#define MAX_GUEST_PAGES VM_MAX_GUEST_PAGES /* 16 TiB */

/* Where faults land: a list of gfn runs, drawn from uniformly (or hot). */
struct segment {
	uint32_t slot;
	uint64_t gfn_start, npages;
};

/* An hva window (host pages) notifier invalidations are drawn from. */
struct hva_window {
	uint64_t start, npages;
};

struct pattern_ctx {
	struct pattern_params p;
	uint32_t n_segments;
	struct segment seg[MAX_SEGMENTS];
	uint64_t fault_pages;
	struct hva_window notifier;  /* notifier ranges start in here */
	uint64_t notifier_end_limit; /* and end no later than this host page */
	uint32_t multislot_first, multislot_last; /* K-slot span */
	uint64_t gmem_base;          /* the private slot punched: gfn base */
	uint64_t zap_gfn_start, zap_gfn_pages; /* gfn zaps land in here */
};

void pattern_defaults(int id, struct pattern_params *p)
{
	memset(p, 0, sizeof(*p));
	p->pattern = id;
	p->seed = 1;
	p->vcpus = 2;
	p->invalidators = 1;
	p->slots = 1;
	p->slot_pages = 4096;
	p->alias_distance = 0;
	p->inval_pages = 16;
	p->resolve_steps = 4;
	p->phase2_steps = 8;
	p->gap_steps = 16;
	p->fault_dist = DIST_UNIFORM;
	p->hot_fraction = 0.9;
	p->early_check = true;
	p->yield_pages = 16;
	p->slot_order = ORDER_KERNEL;
	p->skip_present = true;
	p->gmem_hva = true;
	p->address_spaces = 1;
	p->w_notifier = 1;
	switch (id) {
	case PAT_MULTISLOT:
		p->slots = 4;
		p->slot_pages = 256;
		break;
	case PAT_ALIAS:
		p->slot_pages = 256;
		p->alias_distance = 4096;
		break;
	case PAT_CONCURRENT:
		/* Overlapping often (in_progress > 1) but not always: with
		 * back-to-back invalidations in_progress never returns to 0,
		 * the shared range never resets and every tracker but exact
		 * livelocks (try --gap-steps=4), which hides the usual cost. */
		p->invalidators = 4;
		p->phase2_steps = 32;
		p->gap_steps = 64;
		p->inval_pages = 64;
		break;
	case PAT_PRIVATE:
		p->slot_pages = 1024;
		break;
	case PAT_NUMA:
		p->slot_pages = 262144; /* 1 GiB */
		p->inval_pages = 262144;
		p->phase2_steps = 20000;
		p->gap_steps = 200000;
		break;
	case PAT_MIXED:
		p->slot_pages = 512;
		p->alias_distance = 8192;
		p->invalidators = 2;
		p->inval_pages = 64;
		p->w_notifier = 6;
		p->w_gfn_zap = 1;
		p->w_gmem = 3;
		p->w_attr = 1;
		break;
	}
}

#define U64_OPT(n, field, lo, hi, h) \
	{ .name = n, .type = OPT_U64, .dest = &p->field, .min = lo, .max = hi, .help = h }

const struct opt_spec *pattern_options(struct pattern_params *p)
{
	static struct opt_spec table[40];
	const struct opt_spec t[] = {
		U64_OPT("seed", seed, 0, UINT64_MAX, "schedule seed"),
		U64_OPT("vcpus", vcpus, 1, MAX_VCPUS, "faulting vCPUs"),
		U64_OPT("invalidators", invalidators, 0, ORACLE_MAX_INFLIGHT,
			"invalidating actors (each runs one invalidation at a time)"),
		U64_OPT("slots", slots, 1, 16, "multislot: slots K one invalidation crosses"),
		U64_OPT("slot-pages", slot_pages, 1, MAX_SLOT_PAGES, "pages per slot (4 KiB each)"),
		U64_OPT("alias-distance", alias_distance, 0, MAX_GUEST_PAGES,
			"alias/mixed: gfn distance D between the two aliases (> slot-pages)"),
		{ .name = "alias-control", .type = OPT_FLAG, .dest = &p->alias_control,
		  .help = "alias: far slot gets its own memory (control layout)" },
		{ .name = "alias-middle-only", .type = OPT_FLAG, .dest = &p->alias_middle_only,
		  .help = "alias: fault only between the aliases" },
		U64_OPT("inval-pages", inval_pages, 1, MAX_GUEST_PAGES,
			"largest invalidation, pages (numa: sizes in [N/2, N])"),
		U64_OPT("resolve-steps", resolve_steps, 1, 1000000, "page lookup length, steps"),
		U64_OPT("phase2-steps", phase2_steps, 1, 100000000, "host page change length, steps"),
		U64_OPT("gap-steps", gap_steps, 0, 1000000000,
			"mean idle steps between one invalidator's invalidations"),
		{ .name = "fault-dist", .type = OPT_CHOICE, .dest = &p->fault_dist,
		  .choices = fault_dist_names, .help = "fault distribution" },
		{ .name = "hot-fraction", .type = OPT_DOUBLE, .dest = &p->hot_fraction,
		  .dmin = 0.0, .dmax = 1.0, .help = "hot: share of faults on the first 1/8" },
		{ .name = "early-check", .type = OPT_FLAG, .dest = &p->early_check,
		  .help = "lock-free pre-checks before/after resolve (Linux 6.8+)" },
		U64_OPT("yield-pages", yield_pages, 0, MAX_SLOT_PAGES,
			"a walk may drop mmu_lock after N present SPTEs (0: never)"),
		{ .name = "slot-order", .type = OPT_CHOICE, .dest = &p->slot_order,
		  .choices = slot_order_names,
		  .help = "walk order: kernel (hva for notifiers, gfn otherwise) or index" },
		{ .name = "precheck-all", .type = OPT_FLAG,
		  .dest = &p->precheck_any_tracker,
		  .help = "pre-checks also for trackers of eras without one (hva)" },
		{ .name = "skip-present", .type = OPT_FLAG, .dest = &p->skip_present,
		  .help = "an access to a present SPTE does not fault (0: it does)" },
		{ .name = "gmem-hva", .type = OPT_FLAG, .dest = &p->gmem_hva,
		  .help = "guest_memfd slots have an hva too, as in the kernel (0: private pages only)" },
		U64_OPT("address-spaces", address_spaces, 1, VM_MAX_AS,
			"2 mirrors every slot into a second (SMM) address space"),
		U64_OPT("w-notifier", w_notifier, 0, 1000, "mixed: weight of notifier invalidations"),
		U64_OPT("w-gfn-zap", w_gfn_zap, 0, 1000, "mixed: weight of gfn-only zaps"),
		U64_OPT("w-gmem", w_gmem, 0, 1000, "mixed: weight of guest_memfd hole punches"),
		U64_OPT("w-attr", w_attr, 0, 1000,
			"mixed: weight of memory-attribute conversions"),
		OPT_END
	};

	/* One table, rebuilt per call: callers parse one command line. */
	memcpy(table, t, sizeof(t));
	return table;
}

/* ---- layout ------------------------------------------------------------ */

static uint32_t add_slot(struct vm_layout *l, uint64_t gfn, uint64_t pages,
			 uint64_t host, bool private_mem)
{
	struct memslot *s = &l->slots[l->n_slots];

	memset(s, 0, sizeof(*s));
	s->base_gfn = gfn;
	s->npages = pages;
	s->host_base = host;
	s->private_mem = private_mem;
	return l->n_slots++;
}

/* The private slot of private and mixed: private pages at host page
 * `priv`, and with --gmem-hva (the kernel's shape) a shared copy on an hva
 * of its own, `hva`, that no notifier window reaches; its gfns start
 * private, as a confidential guest's do. */
static uint32_t add_private_slot(const struct pattern_ctx *c, struct vm_layout *l,
				 uint64_t gfn, uint64_t pages, uint64_t priv,
				 uint64_t hva)
{
	uint32_t x;

	if (!c->p.gmem_hva)
		return add_slot(l, gfn, pages, priv, true);
	x = add_slot(l, gfn, pages, hva, false);
	l->slots[x].gmem = true;
	l->slots[x].gmem_base = priv;
	l->slots[x].init_private = true;
	return x;
}

static void add_segment(struct pattern_ctx *c, uint32_t slot,
			const struct vm_layout *l)
{
	struct segment *s = &c->seg[c->n_segments++];

	s->slot = slot;
	s->gfn_start = l->slots[slot].base_gfn;
	s->npages = l->slots[slot].npages;
	c->fault_pages += s->npages;
}

/* The gfn span build_layout() gives the pattern (the options are each at
 * most 2^32, so this cannot overflow). */
static uint64_t guest_pages(const struct pattern_params *p)
{
	switch (p->pattern) {
	case PAT_MULTISLOT:
		return p->slots * p->slot_pages;
	case PAT_ALIAS:
		return p->alias_distance + p->slot_pages;
	case PAT_MIXED:
		return p->alias_distance + 2 * p->slot_pages;
	case PAT_PRIVATE:
		return 2 * p->slot_pages;
	default:
		return p->slot_pages;
	}
}

static int check_params(const struct pattern_params *p, char *err, size_t len)
{
	if ((p->pattern == PAT_ALIAS || p->pattern == PAT_MIXED) &&
	    p->alias_distance <= (p->pattern == PAT_MIXED ? 2 : 1) * p->slot_pages) {
		snprintf(err, len,
			 "--alias-distance: %llu would make the slots overlap in gfn "
			 "space; expected more than %llu (%s slot-pages)",
			 (unsigned long long)p->alias_distance,
			 (unsigned long long)((p->pattern == PAT_MIXED ? 2 : 1) *
					      p->slot_pages),
			 p->pattern == PAT_MIXED ? "2 x" : "1 x");
		return -1;
	}
	if (p->pattern == PAT_MIXED &&
	    p->w_notifier + p->w_gfn_zap + p->w_gmem + p->w_attr == 0) {
		snprintf(err, len, "--w-notifier, --w-gfn-zap, --w-gmem, --w-attr: all zero; "
			 "expected at least one positive weight");
		return -1;
	}
	if (p->pattern != PAT_MULTISLOT && p->slots != 1) {
		snprintf(err, len, "--slots: only the multislot pattern takes it "
			 "(pattern %s has its own layout)", pattern_names[p->pattern]);
		return -1;
	}
	if (guest_pages(p) > MAX_GUEST_PAGES) {
		snprintf(err, len, "--slot-pages/--slots/--alias-distance: the guest "
			 "would span %llu pages; expected at most 2^32 (16 TiB)",
			 (unsigned long long)guest_pages(p));
		return -1;
	}
	return 0;
}

/* Builds the address-space-0 layout; SMM mirroring is done after. */
static void build_layout(struct pattern_ctx *c, struct vm_layout *l)
{
	const struct pattern_params *p = &c->p;
	uint64_t P = p->slot_pages;
	uint32_t a, m, x;

	switch (p->pattern) {
	case PAT_MULTISLOT:
		/* K slots adjacent in both gfn and hva space. */
		for (uint32_t i = 0; i < p->slots; i++)
			add_segment(c, add_slot(l, i * P, P, i * P, false), l);
		c->notifier = (struct hva_window){ 0, P };
		c->multislot_first = 0;
		c->multislot_last = (uint32_t)p->slots - 1;
		break;
	case PAT_ALIAS:
		/* A at gfn 0, B at gfn D on A's memory, M (own memory) between. */
		a = add_slot(l, 0, P, 0, false);
		m = add_slot(l, P, p->alias_distance - P, P, false);
		x = add_slot(l, p->alias_distance, P,
			     p->alias_control ? p->alias_distance : 0, false);
		if (!p->alias_middle_only)
			add_segment(c, a, l);
		add_segment(c, m, l);
		if (!p->alias_middle_only)
			add_segment(c, x, l);
		c->notifier = (struct hva_window){ 0, P };
		c->notifier_end_limit = P;
		break;
	case PAT_PRIVATE:
		/* A shared slot, and a private (guest_memfd) slot after it. */
		add_segment(c, add_slot(l, 0, P, 0, false), l);
		x = add_private_slot(c, l, P, P, P, 2 * P);
		add_segment(c, x, l);
		c->gmem_base = l->slots[x].base_gfn;
		c->notifier = (struct hva_window){ 0, P };
		c->notifier_end_limit = P;
		break;
	case PAT_MIXED:
		/* Two adjacent shared slots S0 S1 (notifiers may cross the
		 * boundary), an alias of S0 far away, a private slot. */
		add_segment(c, add_slot(l, 0, P, 0, false), l);
		add_segment(c, add_slot(l, P, P, P, false), l);
		add_segment(c, add_slot(l, p->alias_distance, P, 0, false), l);
		x = add_private_slot(c, l, p->alias_distance + P, P, 2 * P, 3 * P);
		add_segment(c, x, l);
		c->gmem_base = l->slots[x].base_gfn;
		c->notifier = (struct hva_window){ 0, 2 * P };
		c->notifier_end_limit = 2 * P;
		c->zap_gfn_start = 0;
		c->zap_gfn_pages = p->alias_distance + 2 * P;
		break;
	default: /* single, concurrent, numa: one slot */
		add_segment(c, add_slot(l, 0, P, 0, false), l);
		c->notifier = (struct hva_window){ 0, P };
		c->notifier_end_limit = P;
		break;
	}
}

/* SMM: the same slots again in address space 1, on the same memory. */
static void mirror_address_space(struct pattern_ctx *c, struct vm_layout *l)
{
	uint32_t n = l->n_slots, nseg = c->n_segments;
	uint64_t next_host = 0;

	for (uint32_t i = 0; i < n; i++) {
		const struct memslot *s = &l->slots[i];

		if (s->host_base + s->npages > next_host)
			next_host = s->host_base + s->npages;
		if (s->gmem && s->gmem_base + s->npages > next_host)
			next_host = s->gmem_base + s->npages;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct memslot *s = &l->slots[l->n_slots];

		*s = l->slots[i];
		s->as_id = 1;
		/* Shared memory is the same in both address spaces, but a
		 * guest_memfd range is bound to one memslot only: the mirror
		 * of a private slot gets private memory of its own. */
		if (s->private_mem) {
			s->host_base = next_host;
			next_host += s->npages;
		} else if (s->gmem) {
			s->gmem_base = next_host;
			next_host += s->npages;
		}
		l->n_slots++;
	}
	for (uint32_t i = 0; i < nseg; i++) {
		c->seg[c->n_segments] = c->seg[i];
		c->seg[c->n_segments].slot += n;
		c->fault_pages += c->seg[i].npages;
		c->n_segments++;
	}
	l->n_as = 2;
}

/* ---- what actors do ---------------------------------------------------- */

static bool pattern_next_fault(const struct workload *wl, struct actor *a,
			       struct fault_plan *out)
{
	const struct pattern_ctx *c = wl->ctx;
	uint64_t idx;

	if (c->p.fault_dist == DIST_HOT &&
	    rng_below(&a->rng, 1u << 20) < (uint64_t)(c->p.hot_fraction * (1u << 20)))
		idx = rng_below(&a->rng, c->fault_pages / 8 ? c->fault_pages / 8 : 1);
	else
		idx = rng_below(&a->rng, c->fault_pages);
	/* single, concurrent and numa fault in one segment: its test comes
	 * before the loop's setup (bench icount path/nop: 7 instructions of
	 * a fault's 276). */
	if (idx < c->seg[0].npages) {
		out->slot = c->seg[0].slot;
		out->gfn = c->seg[0].gfn_start + idx;
		return true;
	}
	for (uint32_t i = 0; i < c->n_segments; i++) {
		if (idx < c->seg[i].npages) {
			out->slot = c->seg[i].slot;
			out->gfn = c->seg[i].gfn_start + idx;
			return true;
		}
		idx -= c->seg[i].npages;
	}
	return false; /* unreachable: idx < fault_pages */
}

/* Length in [1, max], or [max/2, max] for the rare huge ones of numa. */
static uint64_t draw_len(const struct pattern_ctx *c, struct actor *a)
{
	uint64_t max = c->p.inval_pages;

	if (c->p.pattern == PAT_NUMA)
		return max / 2 + 1 + rng_below(&a->rng, max - max / 2);
	return 1 + rng_below(&a->rng, max);
}

static void draw_notifier(const struct pattern_ctx *c, struct actor *a,
			  struct inval_plan *out)
{
	out->kind = INVAL_NOTIFIER;
	if (c->p.pattern == PAT_MULTISLOT) {
		/* Start anywhere in the first slot, end anywhere in the K-th:
		 * every invalidation crosses all K slots. */
		uint64_t P = c->p.slot_pages;

		out->start = rng_below(&a->rng, P);
		out->end = c->multislot_last * P + 1 + rng_below(&a->rng, P);
		if (out->end <= out->start)
			out->end = out->start + 1;
		return;
	}
	out->start = c->notifier.start + rng_below(&a->rng, c->notifier.npages);
	out->end = out->start + draw_len(c, a);
	if (out->end > c->notifier_end_limit)
		out->end = c->notifier_end_limit;
}

static bool pattern_next_inval(const struct workload *wl, struct actor *a,
			       struct inval_plan *out)
{
	const struct pattern_ctx *c = wl->ctx;
	const struct pattern_params *p = &c->p;
	uint64_t kind = 0;

	memset(out, 0, sizeof(*out));
	if (p->pattern == PAT_PRIVATE) {
		kind = 2;
	} else if (p->pattern == PAT_MIXED) {
		uint64_t r = rng_below(&a->rng, p->w_notifier + p->w_gfn_zap +
						    p->w_gmem + p->w_attr);

		kind = r < p->w_notifier ? 0
		       : r < p->w_notifier + p->w_gfn_zap ? 1
		       : r < p->w_notifier + p->w_gfn_zap + p->w_gmem ? 2 : 3;
	}
	if (kind == 0) {
		draw_notifier(c, a, out);
	} else if (kind == 1 || kind == 3) {
		/* Attribute conversions land where zaps do: anywhere in
		 * the guest, shared or private. */
		out->kind = kind == 1 ? INVAL_GFN_ZAP : INVAL_ATTR;
		out->start = c->zap_gfn_start + rng_below(&a->rng, c->zap_gfn_pages);
		out->end = out->start + draw_len(c, a);
		/* Either way, half the time: the guest shares buffers and
		 * takes them back. Only a slot with both copies cares, so
		 * the earlier shape draws nothing (and keeps its counts). */
		if (kind == 3 && p->gmem_hva)
			out->to_private = (uint32_t)rng_below(&a->rng, 2);
	} else {
		out->kind = INVAL_GMEM;
		out->as_id = (uint32_t)rng_below(&a->rng, p->address_spaces);
		out->start = c->gmem_base + rng_below(&a->rng, p->slot_pages);
		out->end = out->start + draw_len(c, a);
		if (out->end > c->gmem_base + p->slot_pages)
			out->end = c->gmem_base + p->slot_pages;
	}
	/* Spread the gaps so invalidators do not move in lock-step. */
	out->gap_steps = p->gap_steps
		? (uint32_t)(p->gap_steps / 2 + rng_below(&a->rng, p->gap_steps + 1))
		: 0;
	out->phase2_steps = (uint32_t)p->phase2_steps;
	return true;
}

int pattern_build(const struct pattern_params *p, struct pattern_world *w,
		  char *err, size_t errlen)
{
	struct pattern_ctx *c;

	memset(w, 0, sizeof(*w));
	if (p->pattern < 0 || p->pattern >= PAT_COUNT) {
		snprintf(err, errlen, "pattern: unknown pattern %d", p->pattern);
		return -1;
	}
	if (check_params(p, err, errlen) < 0)
		return -1;
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->p = *p;
	w->layout.n_as = 1;
	build_layout(c, &w->layout);
	if (p->address_spaces == 2)
		mirror_address_space(c, &w->layout);
	if (vm_layout_finish(&w->layout, err, errlen) < 0) {
		free(c);
		return -1;
	}
	w->params = *p;
	w->ctx = c;
	w->wl.next_fault = pattern_next_fault;
	w->wl.next_inval = pattern_next_inval;
	w->wl.ctx = c;
	w->n_vcpus = (uint32_t)p->vcpus;
	w->n_invalidators = (uint32_t)p->invalidators;
	return 0;
}

void pattern_world_free(struct pattern_world *w)
{
	free(w->ctx);
	w->ctx = NULL;
}

void pattern_step_env(const struct pattern_world *w, struct vm *vm,
		      struct step_env *env)
{
	memset(env, 0, sizeof(*env));
	env->vm = vm;
	env->wl = &w->wl;
	env->early_check = w->params.early_check;
	env->resolve_steps = (uint32_t)w->params.resolve_steps;
	env->yield_pages = (uint32_t)w->params.yield_pages;
	env->slot_order = (uint32_t)w->params.slot_order;
	env->precheck_any_tracker = w->params.precheck_any_tracker;
	env->skip_present = w->params.skip_present;
}
