/* The protocol of SPEC section 1, one atomic step at a time. */
#include "model/actor.h"

#include <string.h>
#include <time.h>

#include "util/rng.h"

void actor_init_vcpu(struct actor *a, uint32_t id, uint64_t seed)
{
	memset(a, 0, sizeof(*a));
	a->kind = ACTOR_VCPU;
	a->id = id;
	a->pc = VCPU_READ_SEQ;
	a->rng = rng_stream(seed, id);
}

void actor_init_invalidator(struct actor *a, uint32_t id, uint64_t seed)
{
	memset(a, 0, sizeof(*a));
	a->kind = ACTOR_INVALIDATOR;
	a->id = id;
	a->pc = INVAL_NEXT;
	a->rng = rng_stream(seed, id);
}

void spin_ns(uint64_t ns)
{
	struct timespec t0, t;

	if (!ns)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		__builtin_ia32_pause();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((uint64_t)((t.tv_sec - t0.tv_sec) * 1000000000LL +
			    (t.tv_nsec - t0.tv_nsec)) < ns);
}

static const char *const vcpu_pc_names[] = {
	[VCPU_READ_SEQ] = "read seq",
	[VCPU_PRECHECK1] = "pre-check (lock-free, before resolve)",
	[VCPU_RESOLVE] = "resolve page",
	[VCPU_PRECHECK2] = "pre-check (lock-free, after resolve)",
	[VCPU_LOCKED_CHECK] = "locked check",
	[VCPU_DONE] = "done",
};

static const char *const inval_pc_names[] = {
	[INVAL_NEXT] = "plan invalidation",
	[INVAL_GAP] = "idle",
	[INVAL_PHASE1] = "phase 1: begin, range_add, zap",
	[INVAL_PHASE2] = "phase 2: host changes pages",
	[INVAL_PHASE3] = "phase 3: end",
	[INVAL_DONE] = "done",
};

const char *actor_pc_name(const struct actor *a)
{
	if (a->kind == ACTOR_VCPU)
		return a->pc <= VCPU_DONE ? vcpu_pc_names[a->pc] : "?";
	return a->pc <= INVAL_DONE ? inval_pc_names[a->pc] : "?";
}

/* ---- faulting vCPU ---------------------------------------------------- */

static const struct memslot *fault_slot(const struct vm *vm,
					const struct actor *a)
{
	return &vm->layout->slots[a->fault.slot];
}

/* The key of the fault's check, s its slot. Its copy is the private one
 * (no hva: kvm_faultin_pfn_private never looks one up, so the hva tracker
 * can only fall back) when kvm_mem_is_private() says so at the check.
 * Read now: the attribute only changes in a conversion's phase 2, which
 * also moves the version, so whenever the copy matters (the version did
 * not move) it is the one the fault resolved. */
static inline struct fault_key fault_key_of(const struct vm *vm,
					    const struct memslot *s,
					    const struct actor *a)
{
	uint64_t gfn = a->fault.gfn;
	struct fault_key k = {
		.gfn = gfn,
		.as_id = s->as_id,
		.hva = slot_host_page(s, gfn),
	};

	/* Asked last: on a guest_memfd slot it is a call, and what was
	 * read before it need not be read again. */
	k.has_hva = !vm_gfn_private(vm, s, gfn);
	return k;
}

/* The oracle's verdict at a check of the fault whose key is k: `resolved`
 * once the page was looked up. Inline: at every locked check its usual
 * answer (nothing in flight, no bump since the resolve) is three loads;
 * the key the tracker was asked with spares finding the slot again after
 * the lock. */
static inline __attribute__((always_inline)) bool
truly_stale(const struct vm *vm, const struct actor *a,
	    const struct fault_key *k, bool resolved)
{
	if (oracle_covered(&vm->st->oracle, k->as_id, k->gfn,
			   k->has_hva ? ORACLE_SHARED : ORACLE_PRIVATE))
		return true;
	return resolved && !vm_version_unmoved(vm, &a->cur) &&
	       vm_version(vm, fault_slot(vm, a), k->gfn) != a->gen_snapshot;
}

/* Linux 6.8 added the lock-free check (mmu_invalidate_retry_gfn_unsafe)
 * with the gfn-keyed tracking: a tracker without one is of an era that had
 * no pre-check. */
static bool prechecks(const struct step_env *env)
{
	return env->early_check &&
	       (env->vm->ops->retry_unsafe || env->precheck_any_tracker);
}

/* A step's `pre`: prechecks(env) when its caller asked once for many
 * steps, or PRE_ASK to ask where it is needed (one step per call: asked
 * earlier, it would be asked at every step, most of which never use it). */
#define PRE_ASK (-1)

static inline bool pre_checks(const struct step_env *env, int pre)
{
	return pre == PRE_ASK ? prechecks(env) : pre;
}

static void count_retry_on_gfn(const struct step_env *env, const struct actor *a)
{
	if (!env->retries_per_spte)
		return;
	sparse_map_add(env->retries_per_spte,
		       slot_spte_index(fault_slot(env->vm, a), a->fault.gfn), 1);
}

/* Where the vCPU's steps keep an access's progress: the actor's fields
 * when a step is taken per call (vcpu_step()); when whole accesses run in
 * one call (vcpu_run()), locals for the program counter and the pending
 * fault, which nothing reads mid-access (a workload reads only the
 * actor's id and rng: struct workload). Along the fault's path the locals
 * are constants and cost no stores; the actor's copies were five stores a
 * fault (bench icount path/nop: 9 instructions fewer, about 0.6 ns of 17).
 * The resolve's `wait` is the actor's in both: as a local it lived across
 * the lock's calls, a spill. */
struct vcpu_ctl {
	uint32_t *pc;
	bool *has_fault;
};

static inline void start_resolve(struct actor *a, const struct vcpu_ctl *c,
				 const struct step_env *env)
{
	*c->pc = VCPU_RESOLVE;
	a->wait = env->resolve_steps ? env->resolve_steps : 1;
}

/* The vCPU's steps, one function per program counter, inlined into both
 * of their callers: vcpu_step() (one step per call) and actor_vcpu_run()
 * (whole accesses). */

static inline __attribute__((always_inline)) bool
vcpu_read_seq(struct actor *a, const struct vcpu_ctl *c,
	      const struct step_env *env, struct actor_stats *stats,
	      struct step_info *info, int pre)
{
	struct vm *vm = env->vm;
	uint32_t present_version;

	if (!*c->has_fault) {
		if (!env->wl->next_fault(env->wl, a, &a->fault)) {
			*c->pc = VCPU_DONE;
			return false;
		}
		*c->has_fault = true;
	}
	/* The access (first, or again after RET_PF_RETRY re-entered the
	 * guest) exits only if the SPTE is not present; one that is present
	 * is served by the hardware, or on a racing fault by fast_page_fault
	 * / RET_PF_SPURIOUS: no check either way. */
	if (env->skip_present &&
	    vm_spte_get(vm, fault_slot(vm, a), a->fault.gfn, &present_version)) {
		*c->has_fault = false;
		info->what = "access: SPTE present, no fault";
		return true;
	}
	stats->attempts++;
	/* Pairs with the release in tracker_end_common(). */
	a->seq_snapshot = smp_load_acquire(vm->st->tracker.seq);
	info->what = "read seq";
	if (pre_checks(env, pre))
		*c->pc = VCPU_PRECHECK1;
	else
		start_resolve(a, c, env);
	return true;
}

static inline __attribute__((always_inline)) bool
vcpu_precheck(struct actor *a, const struct vcpu_ctl *c,
	      const struct step_env *env, struct actor_stats *stats,
	      struct step_info *info, bool traced)
{
	struct vm *vm = env->vm;
	bool resolved = *c->pc == VCPU_PRECHECK2;
	struct fault_key key = fault_key_of(vm, fault_slot(vm, a), a);

	info->what = resolved ? "pre-check after resolve"
			      : "pre-check before resolve";
	info->checked = true;
	info->verdict = (vm->ops->retry_unsafe ? vm->ops->retry_unsafe
					       : vm->ops->retry)(
		&vm->st->tracker, &key, a->seq_snapshot);
	/* A pre-check that says go counts nothing (oracle_classify), so the
	 * oracle is asked only for a retry or a trace. */
	if (info->verdict != RETRY_NONE || traced) {
		info->truly_stale = truly_stale(vm, a, &key, resolved);
		oracle_classify(stats, info->verdict, info->truly_stale, false);
	}
	if (info->verdict != RETRY_NONE) {
		count_retry_on_gfn(env, a);
		*c->pc = VCPU_READ_SEQ;
	} else if (resolved) {
		*c->pc = VCPU_LOCKED_CHECK;
	} else {
		start_resolve(a, c, env);
	}
	return true;
}

static inline __attribute__((always_inline)) bool
vcpu_resolve(struct actor *a, const struct vcpu_ctl *c,
	     const struct step_env *env, struct step_info *info, int pre)
{
	if (a->wait > 1) {
		a->wait--;
		info->what = "resolving";
		return true;
	}
	/* Tracked before the snapshot: see model/spte_map.h. */
	a->gen_snapshot = vm_track_version(env->vm, fault_slot(env->vm, a),
					   a->fault.gfn, &a->cur);
	spin_ns(env->resolve_ns);
	info->what = "resolve page";
	*c->pc = pre_checks(env, pre) ? VCPU_PRECHECK2 : VCPU_LOCKED_CHECK;
	return true;
}

/* The resolve's steps left, taken at once: those before the last only
 * count down (vcpu_resolve()). Returns how many. */
static inline __attribute__((always_inline)) uint32_t
vcpu_resolve_rest(struct actor *a, const struct vcpu_ctl *c,
		  const struct step_env *env, struct step_info *info, int pre)
{
	uint32_t n = a->wait;

	a->wait = 1;
	vcpu_resolve(a, c, env, info, pre);
	return n;
}

/* The fault's position's version now, for a stale fault: out of line,
 * it kept the slot and the position alive across the lock's calls on
 * every fault for the few that need them. */
static __attribute__((noinline)) uint32_t version_now(const struct vm *vm,
						      const struct actor *a)
{
	return vm_version(vm, fault_slot(vm, a), a->fault.gfn);
}

static inline __attribute__((always_inline)) bool
vcpu_locked_check(struct actor *a, const struct vcpu_ctl *c,
		  const struct step_env *env, struct actor_stats *stats,
		  struct step_info *info)
{
	struct vm *vm = env->vm;
	struct fault_key key = fault_key_of(vm, fault_slot(vm, a), a);
	uint32_t old, cur;
	bool stale;

	mmu_read_lock(vm);
	info->what = "locked check";
	info->checked = true;
	info->verdict = vm->ops->retry(&vm->st->tracker, &key, a->seq_snapshot);
	stale = truly_stale(vm, a, &key, true);
	info->truly_stale = stale;
	oracle_classify(stats, info->verdict, stale, true);
	if (info->verdict != RETRY_NONE) {
		count_retry_on_gfn(env, a);
		*c->pc = VCPU_READ_SEQ;
		mmu_read_unlock(vm);
		return true;
	}
	/* Not stale: truly_stale() found the version unmoved or equal to
	 * the snapshot, so the snapshot is the version now. */
	cur = stale ? version_now(vm, a) : (uint32_t)a->gen_snapshot;
	if (vm_spte_set(vm, fault_slot(vm, a), key.gfn, &a->cur,
			(uint32_t)a->gen_snapshot, &old) &&
	    old != cur)
		stats->stale_replaced++;
	/* Counted before the unlock: nothing outlives its call. */
	stats->faults++;
	if (stale) {
		info->violation = true;
		if (a->gen_snapshot != cur)
			stats->fn_stale_page++;
	}
	mmu_read_unlock(vm);
	info->what = stale ? "locked check: install (STALE)"
			   : "locked check: install";
	*c->has_fault = false;
	*c->pc = VCPU_READ_SEQ;
	return true;
}

static bool vcpu_step(struct actor *a, const struct step_env *env,
		      struct actor_stats *stats, struct step_info *info,
		      bool traced)
{
	const struct vcpu_ctl c = { &a->pc, &a->has_fault };

	switch (a->pc) {
	case VCPU_READ_SEQ:
		return vcpu_read_seq(a, &c, env, stats, info, PRE_ASK);
	case VCPU_PRECHECK1:
	case VCPU_PRECHECK2:
		return vcpu_precheck(a, &c, env, stats, info, traced);
	case VCPU_RESOLVE:
		return vcpu_resolve(a, &c, env, info, PRE_ASK);
	case VCPU_LOCKED_CHECK:
		return vcpu_locked_check(a, &c, env, stats, info);
	}
	return false;
}

/* The steps of `accesses` accesses, back to back: each step is the one
 * vcpu_step() would take, in the same order, counted as actor_step()
 * counts it. Only the dispatch between them is gone: a call, a switch
 * and prechecks() per step were about a third of a fault's instructions
 * (bench icount path/nop: 463 per fault through actor_step(), 326 here;
 * 276 with the trims below and in the steps).
 * Every value kept across the lock's calls is a register saved or a
 * spill: the counts go straight to stats, the accesses count down, and
 * `pre` is a constant of each copy (actor_vcpu_run()). The actor's pc
 * and has_fault are written back once, at the end: every access ends
 * here, so they are read only between calls. */
static inline __attribute__((always_inline)) uint64_t
vcpu_run(struct actor *a, const struct step_env *env,
	 struct actor_stats *stats, uint64_t accesses, bool pre)
{
	struct step_info scratch; /* written, never read back */
	uint64_t left = accesses;
	uint32_t pc = a->pc;
	bool has_fault = a->has_fault;
	const struct vcpu_ctl c = { &pc, &has_fault };

	for (; left; left--) {
		if (pc == VCPU_READ_SEQ) {
			if (!vcpu_read_seq(a, &c, env, stats, &scratch, pre))
				break;
			stats->steps++;
		} else if (pc == VCPU_DONE) {
			break;
		}
		if (pc == VCPU_PRECHECK1) {
			vcpu_precheck(a, &c, env, stats, &scratch, false);
			stats->steps++;
		}
		if (pc == VCPU_RESOLVE)
			stats->steps += vcpu_resolve_rest(a, &c, env, &scratch, pre);
		if (pc == VCPU_PRECHECK2) {
			vcpu_precheck(a, &c, env, stats, &scratch, false);
			stats->steps++;
		}
		if (pc == VCPU_LOCKED_CHECK) {
			vcpu_locked_check(a, &c, env, stats, &scratch);
			stats->steps++;
		}
	}
	a->pc = pc;
	a->has_fault = has_fault;
	return accesses - left;
}

/* One loop per value of prechecks(env), each with its answer built in. */
uint64_t actor_vcpu_run(struct actor *a, const struct step_env *env,
			struct actor_stats *stats, uint64_t accesses)
{
	return prechecks(env) ? vcpu_run(a, env, stats, accesses, true)
			      : vcpu_run(a, env, stats, accesses, false);
}

/* ---- invalidator ------------------------------------------------------- */

/* Zaps the first `max` present SPTEs of slot s's gfns [gfn_start,
 * gfn_end): O(SPTEs zapped), absent runs cost nothing. Returns the gfn of
 * the first present SPTE left there, or gfn_end; *zapped += how many it
 * zapped. An SPTE that is already stale when zapped is a lost invalidation
 * that a later one happened to clean up: it is counted, or the end audit
 * would never see it. */
static uint64_t zap(struct vm *vm, const struct memslot *s, uint64_t gfn_start,
		    uint64_t gfn_end, uint64_t max, uint64_t *zapped,
		    struct actor_stats *stats)
{
	uint64_t n, next;

	stats->stale_replaced += vm_zap_sptes(vm, s, gfn_start, gfn_end, max,
					      &n, &next);
	*zapped += n;
	return next;
}

static uint32_t new_handle(struct vm_state *st)
{
	if (++st->next_handle == 0)
		st->next_handle = 1;
	return st->next_handle;
}

static void inval_ctx_of(const struct actor *a, struct inval_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->handle = a->handle;
	ctx->has_hva = a->inval.kind == INVAL_NOTIFIER;
	ctx->hva_start = a->inval.start;
	ctx->hva_end = a->inval.end;
	ctx->as_id = a->inval.kind == INVAL_GFN_ZAP ? INVAL_ALL_AS : 0;
}

static void begin_once(struct vm *vm, struct actor *a, struct inval_ctx *ctx)
{
	if (a->began)
		return;
	a->began = true;
	vm->ops->begin(&vm->st->tracker, ctx);
	oracle_begin(&vm->st->oracle, a->handle);
}

/* Records host pages [start, end) as changing in phase 2. Touching or
 * overlapping ranges are merged (adjacent slots, aliases of one memory), so
 * the table holds one entry per distinct run of memory; past
 * ORACLE_MAX_RANGES the last entry widens (more pages change: harmless, no
 * SPTE maps them without the oracle covering it). */
static void add_host_range(struct actor *a, uint64_t start, uint64_t end)
{
	for (uint32_t i = 0; i < a->n_ranges; i++) {
		struct host_range *r = &a->ranges[i];

		if (start <= r->end && r->start <= end) {
			if (start < r->start)
				r->start = start;
			if (end > r->end)
				r->end = end;
			return;
		}
	}
	if (a->n_ranges == ORACLE_MAX_RANGES) {
		struct host_range *r = &a->ranges[ORACLE_MAX_RANGES - 1];

		if (start < r->start)
			r->start = start;
		if (end > r->end)
			r->end = end;
		return;
	}
	a->ranges[a->n_ranges].start = start;
	a->ranges[a->n_ranges].end = end;
	a->n_ranges++;
}

static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }
static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* The gfn sub-range [*lo, *hi) of slot s this invalidation reaches; false
 * when it reaches none:
 * - notifier: slots with an hva (guest_memfd slots too: their shared
 *   copy), through their hva range (__kvm_handle_hva_range);
 * - guest_memfd: the slots with a binding in one address space
 *   (kvm_gmem_invalidate_begin), whatever the gfns' attributes;
 * - gfn zap and attribute change: every slot of every address space
 *   (kvm_zap_gfn_range, kvm_handle_gfn_range). */
static bool slot_reach(const struct actor *a, const struct memslot *s,
		       uint64_t *lo, uint64_t *hi)
{
	const struct inval_plan *p = &a->inval;

	if (p->kind == INVAL_NOTIFIER) {
		uint64_t l, h;

		if (s->private_mem)
			return false;
		l = max_u64(p->start, s->host_base);
		h = min_u64(p->end, s->host_base + s->npages);
		if (l >= h)
			return false;
		*lo = s->base_gfn + (l - s->host_base);
		*hi = s->base_gfn + (h - s->host_base);
		return true;
	}
	if (p->kind == INVAL_GMEM && (!slot_has_private(s) || s->as_id != p->as_id))
		return false;
	*lo = max_u64(p->start, s->base_gfn);
	*hi = min_u64(p->end, s->base_gfn + s->npages);
	return *lo < *hi;
}

/* The order a walk visits slots in: (address space, key, index), address
 * spaces one after the other, as every walk in kvm_main.c and
 * kvm_zap_gfn_range does; key: the hva for a notifier, the gfn for
 * gfn-keyed walks (model/vm.h, enum walk_by). */
static enum walk_by walk_order_of(const struct step_env *env,
				  const struct actor *a)
{
	return env->slot_order == ORDER_INDEX ? WALK_BY_INDEX
	       : a->inval.kind == INVAL_NOTIFIER ? WALK_BY_HVA
						 : WALK_BY_GFN;
}

/* The first slot the walk reaches from place *k of order b on (WALK_END:
 * none), *k moved past it; [*lo, *hi): the gfns it reaches there
 * (slot_reach), found on the way, so a walk asks once per slot. */
static uint32_t next_slot(const struct vm_layout *l, enum walk_by b,
			  const struct actor *a, uint32_t *k, uint64_t *lo,
			  uint64_t *hi)
{
	while (*k < l->n_slots) {
		uint32_t i = l->walk_order[b][(*k)++];

		if (slot_reach(a, &l->slots[i], lo, hi))
			return i;
	}
	return WALK_END;
}

/* The walk goes on at the start of `slot`'s reach, lo. */
static void walk_enter(struct actor *a, uint32_t slot, uint64_t lo)
{
	a->walk_slot = slot;
	a->walk_added = false;
	a->walk_gfn = slot != WALK_END ? lo : 0;
}

/* The gfns the walk reaches change how they may be mapped: for a gfn zap
 * (MTRR, CR0.CD, APICv: kvm_zap_gfn_range's callers) when it ends, for an
 * attribute conversion in phase 2 (the xarray store). Every SPTE there was
 * zapped by then, so none is left stale by the change itself. */
static void change_attributes(struct vm *vm, const struct actor *a)
{
	const struct vm_layout *l = vm->layout;
	uint64_t lo, hi;

	for (uint32_t i = 0; i < l->n_slots; i++)
		if (slot_reach(a, &l->slots[i], &lo, &hi)) {
			/* The xarray store: which copy later faults map. */
			if (a->inval.kind == INVAL_ATTR)
				vm_set_private(vm, &l->slots[i], lo, hi,
					       a->inval.to_private);
			vm_bump_attr(vm, &l->slots[i], lo, hi);
		}
}

/* Present SPTEs a lock hold may zap before it may yield: the plan's own
 * granularity, else the engine's; never when the engine's walks are atomic
 * (the model before the fidelity pass) or the plan may not block. */
static uint64_t yield_budget(const struct step_env *env, const struct actor *a)
{
	uint32_t y = a->inval.yield;

	if (!env->yield_pages || y == YIELD_NEVER)
		return UINT64_MAX;
	return y == YIELD_ENGINE ? env->yield_pages : y;
}

/* One lock hold of a walk: begin at the first slot reached, then per slot
 * range_add (the whole range once, for a gfn zap) and the zap. Counted in
 * present SPTEs, as the TDP iterator skips absent page tables: the hold
 * ends before a present SPTE of the current slot once it zapped
 * yield_budget() SPTEs, at least one of them in this slot
 * (tdp_mmu_iter_cond_resched() yields only after forward progress, inside
 * one slot's walk), and never while only absent ones are left. So a hold
 * costs O(budget x levels), whatever the slot's size. Returns true when
 * the walk is complete. Out of line: inlined, its registers made every
 * step's prologue longer, and a fault's steps are most steps (bench
 * icount path/ and sim/). */
static __attribute__((noinline)) bool
walk_hold(const struct step_env *env, struct actor *a, struct inval_ctx *ctx,
	  struct actor_stats *stats)
{
	struct vm *vm = env->vm;
	const struct vm_layout *l = vm->layout;
	enum walk_by b = walk_order_of(env, a);
	uint64_t budget = yield_budget(env, a);
	uint64_t zapped = 0, lo = 0, hi = 0;
	uint32_t slot, k = 0; /* k: place in order b of the slot after it */

	if (a->holds++ == 0) {
		/* began, ranges: cleared by inval_forget() (or init). */
		a->handle = new_handle(vm->st);
		inval_ctx_of(a, ctx);
		if (a->inval.kind == INVAL_GFN_ZAP) {
			/* Begin and one range_add, whether or not a slot
			 * is there; covered in every address space. */
			begin_once(vm, a, ctx);
			vm->ops->range_add(&vm->st->tracker, ctx, a->inval.start,
					   a->inval.end);
			oracle_cover(&vm->st->oracle, a->handle, ORACLE_ALL_AS,
				     ORACLE_BOTH, a->inval.start, a->inval.end);
		}
		slot = next_slot(l, b, a, &k, &lo, &hi);
		walk_enter(a, slot, lo);
	} else {
		inval_ctx_of(a, ctx);
		/* Resumed after a yield: the reach of the slot it left. */
		if (a->walk_slot != WALK_END) {
			slot_reach(a, &l->slots[a->walk_slot], &lo, &hi);
			k = l->walk_rank[b][a->walk_slot] + 1u;
		}
	}
	while (a->walk_slot != WALK_END) {
		const struct memslot *s = &l->slots[a->walk_slot];

		if (!a->walk_added) {
			a->walk_added = true;
			if (a->inval.kind != INVAL_GFN_ZAP) {
				ctx->as_id = s->as_id;
				begin_once(vm, a, ctx);
				vm->ops->range_add(&vm->st->tracker, ctx, lo, hi);
				oracle_cover(&vm->st->oracle, a->handle, s->as_id,
					     ORACLE_BOTH, lo, hi);
			}
			/* Only notifiers and hole punches change pages: a
			 * notifier the shared copy, a hole punch the
			 * private one, whatever the gfns' attributes. */
			if (a->inval.kind == INVAL_NOTIFIER)
				add_host_range(a, slot_host_page(s, lo),
					       slot_host_page(s, hi));
			else if (a->inval.kind == INVAL_GMEM)
				add_host_range(a, slot_private_page(s, lo),
					       slot_private_page(s, hi));
		}
		if (a->walk_gfn < hi) {
			/* What is left of the budget, and at least one SPTE
			 * of this slot (a hold reaches a slot once, and one
			 * resumed after a yield starts with all of it). */
			uint64_t room = budget > zapped ? budget - zapped : 1;
			uint64_t next = zap(vm, s, a->walk_gfn, hi, room,
					    &zapped, stats);

			if (next < hi) {
				/* yield: drop mmu_lock, resume there */
				a->walk_gfn = next;
				return false;
			}
		}
		slot = next_slot(l, b, a, &k, &lo, &hi);
		walk_enter(a, slot, lo);
	}
	return true;
}

/* Forgets a finished invalidation so equal futures are equal states. */
static void inval_forget(struct actor *a)
{
	a->began = false;
	a->handle = 0;
	a->holds = 0;
	a->walk_slot = 0;
	a->walk_gfn = 0;
	a->walk_added = false;
	a->n_ranges = 0;
	memset(a->ranges, 0, sizeof(a->ranges));
}

static void inval_end(struct vm *vm, struct actor *a, struct inval_ctx *ctx,
		      struct actor_stats *stats)
{
	if (a->began) {
		vm->ops->end(&vm->st->tracker, ctx);
		oracle_end(&vm->st->oracle, a->handle);
		stats->invalidations++;
	} else {
		stats->invalidations_untracked++;
	}
	inval_forget(a);
}

static const char *phase1_what(const struct actor *a, bool done)
{
	bool first = a->holds == 1, gfn = a->inval.kind == INVAL_GFN_ZAP;

	if (gfn)
		return first ? (done ? "gfn zap: begin, range_add, zap, end"
				     : "gfn zap: begin, range_add, zap (yield)")
			     : (done ? "gfn zap: zap (after yield), end"
				     : "gfn zap: zap (after yield; yield)");
	if (!a->began)
		return "phase 1: no slot overlaps";
	if (first)
		return done ? "phase 1: begin, range_add, zap"
			    : "phase 1: begin, range_add, zap (yield)";
	return done ? "phase 1: range_add, zap (after yield)"
		    : "phase 1: range_add, zap (after yield; yield)";
}

static bool inval_step(struct actor *a, const struct step_env *env,
		       struct actor_stats *stats, struct step_info *info)
{
	struct vm *vm = env->vm;
	struct inval_ctx ctx;
	bool done;

	switch (a->pc) {
	case INVAL_NEXT:
		if (!env->wl->next_inval(env->wl, a, &a->inval)) {
			a->pc = INVAL_DONE;
			return false;
		}
		if (a->inval.phase2_steps == 0)
			a->inval.phase2_steps = 1;
		if (a->inval.gap_steps) {
			a->wait = a->inval.gap_steps;
			a->pc = INVAL_GAP;
			info->what = "plan invalidation";
			return true;
		}
		a->pc = INVAL_PHASE1;
		/* Planning touches nothing shared: fold it into phase 1 so
		 * it costs no interleaving. */
		return inval_step(a, env, stats, info);

	case INVAL_GAP:
		info->what = "idle";
		if (--a->wait == 0)
			a->pc = INVAL_PHASE1;
		return true;

	case INVAL_PHASE1:
		mmu_write_lock(vm);
		done = walk_hold(env, a, &ctx, stats);
		info->what = phase1_what(a, done);
		if (done && a->inval.kind == INVAL_GFN_ZAP) {
			change_attributes(vm, a);
			inval_end(vm, a, &ctx, stats);
			a->pc = INVAL_NEXT;
		} else if (done) {
			a->wait = a->inval.phase2_steps;
			a->pc = INVAL_PHASE2;
		}
		mmu_write_unlock(vm);
		return true;

	case INVAL_PHASE2:
		if (a->wait == a->inval.phase2_steps) {
			/* The host frees/replaces the pages, or the gfns'
			 * attributes change (the xarray store), outside
			 * mmu_lock. */
			if (a->inval.kind == INVAL_ATTR && a->began)
				change_attributes(vm, a);
			for (uint32_t r = 0; r < a->n_ranges; r++)
				vm_bump_host(vm, a->ranges[r].start,
					     a->ranges[r].end);
			spin_ns(env->phase2_ns);
			info->what = a->inval.kind == INVAL_ATTR
				? "phase 2: attributes change"
				: "phase 2: host changes pages";
		} else {
			info->what = "phase 2: host busy";
		}
		if (--a->wait == 0)
			a->pc = INVAL_PHASE3;
		return true;

	case INVAL_PHASE3:
		mmu_write_lock(vm);
		inval_ctx_of(a, &ctx);
		inval_end(vm, a, &ctx, stats);
		mmu_write_unlock(vm);
		info->what = "phase 3: end";
		a->pc = INVAL_NEXT;
		return true;
	}
	return false;
}

bool actor_step(struct actor *a, const struct step_env *env,
		struct actor_stats *stats, struct step_info *info)
{
	struct step_info scratch; /* written, never read back */
	bool traced = info != NULL;
	bool did;

	if (traced)
		memset(info, 0, sizeof(*info));
	else
		info = &scratch;
	did = a->kind == ACTOR_VCPU ? vcpu_step(a, env, stats, info, traced)
				    : inval_step(a, env, stats, info);
	if (did)
		stats->steps++;
	return did;
}
