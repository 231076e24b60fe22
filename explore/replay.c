#include "explore/replay.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "in flight: gfn [1,3) as1 gfn [1,3)" / "nothing in flight": the SPTE
 * positions the oracle counts as covered after an invalidator's step. */
static void describe_inflight(const struct oracle_state *o, char *buf,
			      size_t len)
{
	size_t used = 0;
	bool any = false;

	buf[0] = '\0';
	for (int i = 0; i < ORACLE_MAX_INFLIGHT; i++) {
		const struct oracle_inval *in = &o->inflight[i];

		if (!in->handle)
			continue;
		for (uint32_t k = 0; k < in->n_ranges && used < len; k++) {
			const struct oracle_range *r = &in->ranges[k];
			char as[16] = "";
			int n;

			if (r->as_id == ORACLE_ALL_AS)
				snprintf(as, sizeof(as), "all-as ");
			else if (r->as_id)
				snprintf(as, sizeof(as), "as%u ", r->as_id);
			n = snprintf(buf + used, len - used, "%s%sgfn [%" PRIu64
				     ",%" PRIu64 ")", any ? " " : "in flight: ", as,
				     r->start, r->end);
			if (n > 0)
				used += (size_t)n;
			any = true;
		}
	}
	if (!any)
		snprintf(buf, len, "nothing in flight");
}

static const char *verdict_word(enum retry_verdict v)
{
	switch (v) {
	case RETRY_NONE:
		return "go";
	case RETRY_RANGE:
		return "retry (range)";
	case RETRY_SEQUENCE:
		return "retry (sequence)";
	}
	return "?";
}

/* The oracle's judgement of one check, in the words of SPEC section 3. */
static void describe_check(const struct scenario_world *w, const struct vm *vm,
			   const struct fault_plan *f, uint64_t seq_snapshot,
			   const struct explore_step *s, char *buf, size_t len)
{
	const struct memslot *slot = &w->layout.slots[f->slot];
	/* The copy the fault maps now (a trace's wording only). */
	bool priv = vm_gfn_private(vm, slot, f->gfn);
	uint64_t page = priv ? slot_private_page(slot, f->gfn)
			     : slot_host_page(slot, f->gfn);
	const char *why = !s->truly_stale ? "not stale"
			  : oracle_covered(&vm->st->oracle, slot->as_id, f->gfn,
					   priv ? ORACLE_PRIVATE : ORACLE_SHARED)
				  ? "TRULY STALE (gfn being invalidated)"
				  : "TRULY STALE (page or attributes changed since resolve)";
	const char *call;

	if (s->violation || (s->locked_check && s->verdict == RETRY_NONE &&
			     s->truly_stale))
		call = "FALSE NEGATIVE: stale SPTE installed";
	else if (s->verdict == RETRY_NONE)
		call = s->locked_check ? "ok, SPTE installed" : "ok";
	else if (s->truly_stale)
		call = "correct retry";
	else
		call = "spurious retry (false positive)";
	snprintf(buf, len, "gfn %" PRIu64 " (slot %u, %s page %" PRIu64
		 ", seq snapshot %" PRIu64 "): %s; %s -> %s", f->gfn, f->slot,
		 priv ? "private" : "host", page, seq_snapshot, why,
		 verdict_word(s->verdict), call);
}

static void snapshot_tracker(const struct tracker_ops *ops,
			     const struct tracker_state *t,
			     struct explore_step *s)
{
	s->in_progress = t->in_progress;
	s->seq = t->seq;
	s->range_start = t->range_start;
	s->range_end = t->range_end;
	s->state[0] = '\0';
	ops->describe(t, s->state, sizeof(s->state));
}

int replay_schedule(const struct scenario_world *w,
		    const struct tracker_ops *ops,
		    const struct explore_options *opt,
		    const uint32_t *order, uint32_t n,
		    struct explore_result *r, char *err, size_t errlen)
{
	struct actor actors[SC_MAX_ACTORS];
	struct step_env env = { 0 };
	struct vm vm;

	if (vm_init(&vm, &w->layout, ops) < 0) {
		snprintf(err, errlen, "out of memory for the replay");
		return -1;
	}
	r->cex = calloc(n ? n : 1, sizeof(*r->cex));
	if (!r->cex) {
		vm_destroy(&vm);
		snprintf(err, errlen, "out of memory for the trace");
		return -1;
	}
	scenario_init_actors(w, actors);
	env.vm = &vm;
	env.wl = &w->wl;
	explore_step_env(opt, &env);
	for (uint32_t k = 0; k < n; k++) {
		struct explore_step *s = &r->cex[k];
		struct actor *a = &actors[order[k]];
		struct actor_stats st;
		struct step_info info;
		/* The plan as the check saw it, before the step can move on. */
		struct fault_plan fault = a->fault;

		memset(&st, 0, sizeof(st));
		memset(&info, 0, sizeof(info));
		s->actor = order[k];
		scenario_actor_name(w, order[k], s->actor_name,
				    sizeof(s->actor_name));
		s->step = actor_pc_name(a);
		s->locked_check = a->kind == ACTOR_VCPU &&
				  a->pc == VCPU_LOCKED_CHECK;
		if (!actor_step(a, &env, &st, &info)) {
			/* The search only records steps that happened; a
			 * replay that diverges means the model is not a
			 * function of the state bytes. */
			snprintf(err, errlen, "replay diverged at step %u (%s): "
				 "the actor had finished", k + 1, s->actor_name);
			vm_destroy(&vm);
			return -1;
		}
		s->what = info.what ? info.what : "";
		s->checked = info.checked;
		s->verdict = info.verdict;
		s->truly_stale = info.truly_stale;
		s->violation = info.violation || st.fn;
		snapshot_tracker(ops, &vm.st->tracker, s);
		if (a->kind == ACTOR_VCPU && s->checked)
			describe_check(w, &vm, &fault, a->seq_snapshot, s,
				       s->oracle,
				       sizeof(s->oracle));
		else
			describe_inflight(&vm.st->oracle, s->oracle,
					  sizeof(s->oracle));
		r->cex_len = k + 1;
	}
	r->cex_audit_stale = 0;
	if (!n || !r->cex[n - 1].violation)
		r->cex_audit_stale = vm_audit_stale_sptes(&vm);
	vm_destroy(&vm);
	return 0;
}
