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

static struct fault_key fault_key_of(const struct vm *vm, const struct actor *a)
{
	const struct memslot *s = fault_slot(vm, a);
	struct fault_key k = {
		.gfn = a->fault.gfn,
		.as_id = s->as_id,
		.has_hva = !s->private_mem,
		.hva = slot_host_page(s, a->fault.gfn),
	};
	return k;
}

/* The oracle's verdict at a check: `resolved` once the page was looked up. */
static bool truly_stale(const struct vm *vm, const struct actor *a,
			bool resolved)
{
	uint64_t page = slot_host_page(fault_slot(vm, a), a->fault.gfn);

	if (oracle_covered(&vm->st->oracle, page))
		return true;
	return resolved && gen_tree_get(&vm->gen, page) != a->gen_snapshot;
}

static void count_retry_on_gfn(const struct step_env *env, const struct actor *a)
{
	const struct memslot *s;

	if (!env->retries_per_spte)
		return;
	s = fault_slot(env->vm, a);
	sparse_map_add(env->retries_per_spte, slot_spte_index(s, a->fault.gfn), 1);
}

static void start_resolve(struct actor *a, const struct step_env *env)
{
	a->pc = VCPU_RESOLVE;
	a->wait = env->resolve_steps ? env->resolve_steps : 1;
}

static bool vcpu_step(struct actor *a, const struct step_env *env,
		      struct actor_stats *stats, struct step_info *info,
		      bool traced)
{
	struct vm *vm = env->vm;
	struct fault_key key;
	bool stale, resolved;

	switch (a->pc) {
	case VCPU_READ_SEQ:
		if (!a->has_fault) {
			if (!env->wl->next_fault(env->wl, a, &a->fault)) {
				a->pc = VCPU_DONE;
				return false;
			}
			a->has_fault = true;
		}
		stats->attempts++;
		/* Pairs with the release in tracker_end_common(). */
		a->seq_snapshot = smp_load_acquire(vm->st->tracker.seq);
		info->what = "read seq";
		if (env->early_check)
			a->pc = VCPU_PRECHECK1;
		else
			start_resolve(a, env);
		return true;

	case VCPU_PRECHECK1:
	case VCPU_PRECHECK2:
		resolved = a->pc == VCPU_PRECHECK2;
		key = fault_key_of(vm, a);
		info->what = resolved ? "pre-check after resolve"
				      : "pre-check before resolve";
		info->checked = true;
		info->verdict = (vm->ops->retry_unsafe ? vm->ops->retry_unsafe
						       : vm->ops->retry)(
			&vm->st->tracker, &key, a->seq_snapshot);
		/* A pre-check that says go counts nothing (oracle_classify),
		 * so the oracle is asked only for a retry or a trace. */
		if (info->verdict != RETRY_NONE || traced) {
			info->truly_stale = truly_stale(vm, a, resolved);
			oracle_classify(stats, info->verdict, info->truly_stale,
					false);
		}
		if (info->verdict != RETRY_NONE) {
			count_retry_on_gfn(env, a);
			a->pc = VCPU_READ_SEQ;
		} else if (resolved) {
			a->pc = VCPU_LOCKED_CHECK;
		} else {
			start_resolve(a, env);
		}
		return true;

	case VCPU_RESOLVE:
		if (a->wait > 1) {
			a->wait--;
			info->what = "resolving";
			return true;
		}
		/* Tracked before the snapshot: see model/gen_tree.h. */
		a->gen_snapshot = gen_tree_track(
			&vm->gen, slot_host_page(fault_slot(vm, a), a->fault.gfn));
		spin_ns(env->resolve_ns);
		info->what = "resolve page";
		a->pc = env->early_check ? VCPU_PRECHECK2 : VCPU_LOCKED_CHECK;
		return true;

	case VCPU_LOCKED_CHECK: {
		const struct memslot *s = fault_slot(vm, a);
		uint64_t page = slot_host_page(s, a->fault.gfn);
		uint32_t old, cur;

		key = fault_key_of(vm, a);
		mmu_read_lock(vm);
		info->what = "locked check";
		info->checked = true;
		info->verdict = vm->ops->retry(&vm->st->tracker, &key,
					       a->seq_snapshot);
		stale = truly_stale(vm, a, true);
		info->truly_stale = stale;
		oracle_classify(stats, info->verdict, stale, true);
		if (info->verdict != RETRY_NONE) {
			count_retry_on_gfn(env, a);
			a->pc = VCPU_READ_SEQ;
			mmu_read_unlock(vm);
			return true;
		}
		/* Not stale: the generation truly_stale() just read is the
		 * snapshot, so the fast path reads it once. */
		cur = stale ? gen_tree_get(&vm->gen, page) : (uint32_t)a->gen_snapshot;
		if (sparse_map_set(&vm->spte, slot_spte_index(s, a->fault.gfn),
				   (uint32_t)a->gen_snapshot, &old) &&
		    old != cur)
			stats->stale_replaced++;
		mmu_read_unlock(vm);
		stats->faults++;
		if (stale) {
			info->violation = true;
			if (a->gen_snapshot != cur)
				stats->fn_stale_page++;
		}
		info->what = stale ? "locked check: install (STALE)"
				   : "locked check: install";
		a->has_fault = false;
		a->pc = VCPU_READ_SEQ;
		return true;
	}
	}
	return false;
}

/* ---- invalidator ------------------------------------------------------- */

/* Zaps the SPTEs of one slot's gfn sub-range: O(SPTEs present there). An
 * SPTE that is already stale when zapped is a lost invalidation that a later
 * one happened to clean up: it is counted, or the end audit would never see
 * it. */
static void zap(struct vm *vm, const struct memslot *s, uint64_t gfn_start,
		uint64_t gfn_end, struct actor_stats *stats)
{
	stats->stale_replaced += vm_zap_sptes(vm, s, gfn_start, gfn_end);
}

static uint32_t new_handle(struct vm_state *st)
{
	if (++st->next_handle == 0)
		st->next_handle = 1;
	return st->next_handle;
}

static void begin_once(struct vm *vm, struct actor *a, struct inval_ctx *ctx)
{
	if (a->began)
		return;
	a->began = true;
	vm->ops->begin(&vm->st->tracker, ctx);
}

/* Records host pages [start, end) as changing in phase 2. Touching or
 * overlapping ranges are merged (adjacent slots, aliases of one memory), so
 * the table holds one entry per distinct run of memory. Should a layout
 * need more runs than ORACLE_MAX_RANGES, the last entry is widened: the
 * oracle then over-approximates, which can only make a safe tracker look
 * unsafe, never hide a miss. */
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

static void inval_ctx_of(const struct actor *a, struct inval_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->handle = a->handle;
	ctx->has_hva = a->inval.kind == INVAL_NOTIFIER;
	ctx->hva_start = a->inval.start;
	ctx->hva_end = a->inval.end;
}

/* Phase 1 of a notifier: every shared slot whose hva range overlaps, in
 * (address space, slot) order, as __kvm_handle_hva_range() walks them. */
static void notifier_phase1(struct vm *vm, struct actor *a,
			    struct inval_ctx *ctx, struct actor_stats *stats)
{
	const struct vm_layout *l = vm->layout;

	for (uint32_t as = 0; as < l->n_as; as++) {
		for (uint32_t i = 0; i < l->n_slots; i++) {
			const struct memslot *s = &l->slots[i];
			uint64_t lo, hi;

			if (s->as_id != as || s->private_mem)
				continue;
			lo = a->inval.start > s->host_base ? a->inval.start : s->host_base;
			hi = a->inval.end < s->host_base + s->npages ? a->inval.end
								      : s->host_base + s->npages;
			if (lo >= hi)
				continue;
			ctx->as_id = as;
			begin_once(vm, a, ctx);
			vm->ops->range_add(&vm->st->tracker, ctx,
					   s->base_gfn + (lo - s->host_base),
					   s->base_gfn + (hi - s->host_base));
			zap(vm, s, s->base_gfn + (lo - s->host_base),
			    s->base_gfn + (hi - s->host_base), stats);
			/* Phase 2 changes this shared memory only: a
			 * notifier never reaches guest_memfd pages, even
			 * where their host page numbers fall inside its
			 * hva range. */
			add_host_range(a, lo, hi);
		}
	}
}

/* Phase 1 of a guest_memfd hole punch: every private slot bound to the
 * punched gfn range, in one address space (kvm_gmem_invalidate_begin). */
static void gmem_phase1(struct vm *vm, struct actor *a, struct inval_ctx *ctx,
			struct actor_stats *stats)
{
	const struct vm_layout *l = vm->layout;

	for (uint32_t i = 0; i < l->n_slots; i++) {
		const struct memslot *s = &l->slots[i];
		uint64_t lo, hi;

		if (s->as_id != a->inval.as_id || !s->private_mem)
			continue;
		lo = a->inval.start > s->base_gfn ? a->inval.start : s->base_gfn;
		hi = a->inval.end < s->base_gfn + s->npages ? a->inval.end
							     : s->base_gfn + s->npages;
		if (lo >= hi)
			continue;
		ctx->as_id = s->as_id;
		begin_once(vm, a, ctx);
		vm->ops->range_add(&vm->st->tracker, ctx, lo, hi);
		zap(vm, s, lo, hi, stats);
		add_host_range(a, slot_host_page(s, lo), slot_host_page(s, hi));
	}
}

/* kvm_zap_gfn_range(): begin, one range_add for the whole gfn range, zap in
 * every address space, end, all under one write-lock hold. No page changes. */
static void gfn_zap(struct vm *vm, struct actor *a, struct inval_ctx *ctx,
		    struct actor_stats *stats)
{
	const struct vm_layout *l = vm->layout;

	ctx->as_id = INVAL_ALL_AS;
	begin_once(vm, a, ctx);
	vm->ops->range_add(&vm->st->tracker, ctx, a->inval.start, a->inval.end);
	for (uint32_t i = 0; i < l->n_slots; i++) {
		const struct memslot *s = &l->slots[i];
		uint64_t lo, hi;

		lo = a->inval.start > s->base_gfn ? a->inval.start : s->base_gfn;
		hi = a->inval.end < s->base_gfn + s->npages ? a->inval.end
							     : s->base_gfn + s->npages;
		if (lo < hi)
			zap(vm, s, lo, hi, stats);
	}
	vm->ops->end(&vm->st->tracker, ctx);
}

static bool inval_step(struct actor *a, const struct step_env *env,
		       struct actor_stats *stats, struct step_info *info)
{
	struct vm *vm = env->vm;
	struct inval_ctx ctx;

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
		a->handle = new_handle(vm->st);
		a->began = false;
		a->n_ranges = 0;
		memset(a->ranges, 0, sizeof(a->ranges));
		inval_ctx_of(a, &ctx);
		if (a->inval.kind == INVAL_GFN_ZAP) {
			gfn_zap(vm, a, &ctx, stats);
			mmu_write_unlock(vm);
			stats->invalidations++;
			info->what = "gfn zap: begin, range_add, zap, end";
			a->pc = INVAL_NEXT;
			return true;
		}
		if (a->inval.kind == INVAL_NOTIFIER)
			notifier_phase1(vm, a, &ctx, stats);
		else
			gmem_phase1(vm, a, &ctx, stats);
		if (a->began)
			oracle_begin(&vm->st->oracle, a->handle, a->ranges,
				     a->n_ranges);
		mmu_write_unlock(vm);
		info->what = a->began ? "phase 1: begin, range_add, zap"
				      : "phase 1: no slot overlaps";
		a->wait = a->inval.phase2_steps;
		a->pc = INVAL_PHASE2;
		return true;

	case INVAL_PHASE2:
		if (a->wait == a->inval.phase2_steps) {
			/* The host frees/replaces the pages, outside mmu_lock:
			 * O(levels) per range, whatever its size. */
			for (uint32_t r = 0; r < a->n_ranges; r++)
				gen_tree_bump(&vm->gen, a->ranges[r].start,
					      a->ranges[r].end);
			spin_ns(env->phase2_ns);
			info->what = "phase 2: host changes pages";
		} else {
			info->what = "phase 2: host busy";
		}
		if (--a->wait == 0)
			a->pc = INVAL_PHASE3;
		return true;

	case INVAL_PHASE3:
		mmu_write_lock(vm);
		if (a->began) {
			inval_ctx_of(a, &ctx);
			vm->ops->end(&vm->st->tracker, &ctx);
			oracle_end(&vm->st->oracle, a->handle);
			stats->invalidations++;
		} else {
			stats->invalidations_untracked++;
		}
		mmu_write_unlock(vm);
		/* Forget this invalidation so equal futures are equal states. */
		a->began = false;
		a->handle = 0;
		a->n_ranges = 0;
		memset(a->ranges, 0, sizeof(a->ranges));
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
