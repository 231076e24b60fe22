#include "engine/realvm_report.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "model/registry.h"
#include "util/json_writer.h"

int realvm_run_case(struct realvm_case *c, const struct tracker_ops *only,
		    char *err, size_t len)
{
	c->seconds = 0;
	c->steps = 0;
	for (size_t i = 0; i < c->n_src; i++) {
		struct realvm_source_result *sr = &c->res[i];
		struct realvm_world rw;
		struct sim_options so = { 0 };

		if (realvm_build(&c->built, &sr->src, &c->params, &c->clock, &rw,
				 err, len) < 0)
			return -1;
		sr->step_us = rw.step_us;
		sr->window_steps = rw.window_steps;
		sr->gap_steps = rw.gap_steps;
		sr->real_gap_steps = rw.real_gap_steps;
		sr->steps = rw.steps;
		so.steps = rw.steps;
		sr->n = 0;
		for (size_t t = 0; t < tracker_registry_len &&
				   sr->n < REALVM_MAX_TRACKERS; t++) {
			if (only && tracker_registry[t] != only)
				continue;
			if (sim_run(&rw.w, tracker_registry[t], &so, &sr->r[sr->n],
				    err, len) < 0) {
				realvm_free(&rw);
				return -1;
			}
			realvm_units(&sr->r[sr->n].stats, sr->src.rate,
				     c->params.vcpus, &c->clock, rw.step_us,
				     c->params.resolve_steps, &sr->u[sr->n]);
			c->seconds += sr->r[sr->n].seconds;
			c->steps += sr->r[sr->n].stats.steps;
			sr->n++;
		}
		realvm_free(&rw);
	}
	return 0;
}

void realvm_total(const struct realvm_case *c, size_t t, struct realvm_units *u,
		  uint64_t *fn)
{
	memset(u, 0, sizeof(*u));
	*fn = 0;
	for (size_t i = 0; i < c->n_src; i++) {
		const struct realvm_units *x = &c->res[i].u[t];

		u->retries_per_s += x->retries_per_s;
		u->spurious_share += x->spurious_share;
		u->missed_per_hour += x->missed_per_hour;
		*fn += c->res[i].r[t].stats.fn;
	}
}

static int tracker_index(const struct realvm_case *c, const char *name)
{
	if (!c->n_src)
		return -1;
	for (size_t t = 0; t < c->res[0].n; t++)
		if (strcmp(c->res[0].r[t].tracker->name, name) == 0)
			return (int)t;
	return -1;
}

/* union's spurious share minus another tracker's, over all sources. */
static double extra_over(const struct realvm_case *c, const char *other)
{
	int u = tracker_index(c, "union"), o = tracker_index(c, other);
	struct realvm_units a, b;
	uint64_t fn;

	if (u < 0 || o < 0)
		return NAN;
	realvm_total(c, (size_t)u, &a, &fn);
	realvm_total(c, (size_t)o, &b, &fn);
	return a.spurious_share - b.spurious_share;
}

static void print_header(FILE *out, const struct realvm_case *c)
{
	const struct vm_layout *l = &c->built.layout;

	fprintf(out, "vm %s: %s\n", c->preset.name, c->preset.describe);
	fprintf(out, "RAM %" PRIu64 " MiB, %u memslots in %u address space%s, "
		"%" PRIu64 " vCPUs, seed %" PRIu64 "\n", c->built.ram_bytes >> 20,
		l->n_slots, l->n_as, l->n_as > 1 ? "s" : "", c->params.vcpus,
		c->params.seed);
	for (uint32_t i = 0; i < l->n_slots; i++)
		fprintf(out, "  slot %-12s as %u  gfn 0x%09" PRIx64 "  %8" PRIu64
			" pages  host page %8" PRIu64 "%s\n", c->built.info[i].name,
			l->slots[i].as_id, l->slots[i].base_gfn, l->slots[i].npages,
			l->slots[i].host_base, slot_has_private(&l->slots[i]) ? "  private" : "");
	fprintf(out, "fault: %.2f us (%s)\n", c->clock.fault_us, c->clock.fault_src);
	if (c->clock.retry_us > 0)
		fprintf(out, "retry: %.2f us (%s)\n", c->clock.retry_us,
			c->clock.retry_src);
	else
		fprintf(out, "retry: %s\n", c->clock.retry_src);
	fprintf(out, "one step: %.3f us (fault / %" PRIu64 " steps)\n",
		c->n_src ? c->res[0].step_us : 0,
		REALVM_FAULT_STEPS + c->params.resolve_steps);
}

void realvm_print_table(FILE *out, const struct realvm_case *c)
{
	print_header(out, c);
	for (size_t i = 0; i < c->n_src; i++) {
		const struct realvm_source_result *sr = &c->res[i];

		fprintf(out, "\nsource %s: %s\n  %g/s, %s, window %" PRIu64
			" steps, pause %" PRIu64 " steps simulated (%.0f at the "
			"real rate), %" PRIu64 " steps per tracker\n",
			sr->src.name, sr->src.describe, sr->src.rate,
			vm_source_kind_names[sr->src.kind], sr->window_steps,
			sr->gap_steps, sr->real_gap_steps, sr->steps);
		fprintf(out, "  %-8s %7s %9s %9s %6s %14s %14s %12s\n", "tracker",
			"invals", "retries", "spurious", "fn", "retries/s/vCPU",
			"spurious %vCPU", "missed/hour");
		for (size_t t = 0; t < sr->n; t++) {
			const struct actor_stats *s = &sr->r[t].stats;

			fprintf(out, "  %-8s %7" PRIu64 " %9" PRIu64 " %9" PRIu64
				" %6" PRIu64 " %14.1f %13.4f%% %12.1f\n",
				sr->r[t].tracker->name,
				s->invalidations + s->invalidations_untracked,
				s->retries, s->fp_range + s->fp_seq, s->fn,
				sr->u[t].retries_per_s, 100 * sr->u[t].spurious_share,
				sr->u[t].missed_per_hour);
		}
	}
	if (!c->n_src)
		return;
	fprintf(out, "\nall sources together (sum):\n  %-8s %14s %14s %12s\n",
		"tracker", "retries/s/vCPU", "spurious %vCPU", "missed/hour");
	for (size_t t = 0; t < c->res[0].n; t++) {
		struct realvm_units u;
		uint64_t fn;

		realvm_total(c, t, &u, &fn);
		fprintf(out, "  %-8s %14.1f %13.4f%% %12.1f%s\n",
			c->res[0].r[t].tracker->name, u.retries_per_s,
			100 * u.spurious_share, u.missed_per_hour,
			fn ? "  UNSAFE: missed invalidations" : "");
	}
	if (!isnan(extra_over(c, "hva")))
		fprintf(out, "union costs %+.4f%% of vCPU time over hva, %+.4f%% "
			"over exact\n", 100 * extra_over(c, "hva"),
			100 * extra_over(c, "exact"));
	fprintf(out, "engine: %.2f s, %.0f steps/s\n", c->seconds,
		c->seconds > 0 ? (double)c->steps / c->seconds : 0);
}

static void write_units(struct json_writer *j, const struct realvm_units *u)
{
	json_double(j, "retries_per_s_per_vcpu", u->retries_per_s);
	json_double(j, "spurious_share_of_vcpu_time", u->spurious_share);
	json_double(j, "missed_per_hour", u->missed_per_hour);
}

static void write_layout(struct json_writer *j, const struct realvm_case *c)
{
	const struct vm_layout *l = &c->built.layout;

	json_begin_array(j, "slots");
	for (uint32_t i = 0; i < l->n_slots; i++) {
		json_begin_object(j, NULL);
		json_string(j, "name", c->built.info[i].name);
		json_u64(j, "as", l->slots[i].as_id);
		json_u64(j, "gfn", l->slots[i].base_gfn);
		json_u64(j, "pages", l->slots[i].npages);
		json_u64(j, "host_page", l->slots[i].host_base);
		json_bool(j, "private", slot_has_private(&l->slots[i]));
		json_end_object(j);
	}
	json_end_array(j);
}

static void write_source(struct json_writer *j,
			 const struct realvm_source_result *sr)
{
	json_begin_object(j, sr->src.name);
	json_string(j, "kind", vm_source_kind_names[sr->src.kind]);
	json_string(j, "target", vm_source_target_names[sr->src.target]);
	json_double(j, "rate_per_s", sr->src.rate);
	json_u64(j, "bytes", sr->src.bytes);
	json_u64(j, "min_bytes", sr->src.min_bytes);
	json_double(j, "window_us", sr->src.window_us);
	json_u64(j, "window_steps", sr->window_steps);
	json_u64(j, "pause_steps", sr->gap_steps);
	json_double(j, "pause_steps_real", sr->real_gap_steps);
	json_u64(j, "steps", sr->steps);
	json_begin_object(j, "trackers");
	for (size_t t = 0; t < sr->n; t++) {
		const struct actor_stats *s = &sr->r[t].stats;

		json_begin_object(j, sr->r[t].tracker->name);
		json_u64(j, "invalidations", s->invalidations + s->invalidations_untracked);
		json_u64(j, "attempts", s->attempts);
		json_u64(j, "faults", s->faults);
		json_u64(j, "retries", s->retries);
		json_u64(j, "fp", s->fp_range + s->fp_seq);
		json_u64(j, "tp", s->tp);
		json_u64(j, "fn", s->fn);
		json_u64(j, "stale_sptes", sr->r[t].stale_sptes);
		write_units(j, &sr->u[t]);
		json_end_object(j);
	}
	json_end_object(j);
	json_end_object(j);
}

void realvm_print_json(FILE *out, const struct realvm_case *c)
{
	struct json_writer j;

	json_init(&j, out, true);
	json_begin_object(&j, NULL);
	json_string(&j, "vm", c->preset.name);
	json_u64(&j, "ram_bytes", c->built.ram_bytes);
	json_u64(&j, "seed", c->params.seed);
	json_u64(&j, "vcpus", c->params.vcpus);
	json_u64(&j, "address_spaces", c->built.layout.n_as);
	write_layout(&j, c);
	json_begin_object(&j, "clock");
	json_double(&j, "fault_us", c->clock.fault_us);
	json_string(&j, "fault_source", c->clock.fault_src);
	json_double(&j, "retry_us", c->clock.retry_us);
	json_string(&j, "retry_source", c->clock.retry_src);
	json_double(&j, "step_us", c->n_src ? c->res[0].step_us : NAN);
	json_end_object(&j);
	json_begin_object(&j, "sources");
	for (size_t i = 0; i < c->n_src; i++)
		write_source(&j, &c->res[i]);
	json_end_object(&j);
	json_begin_object(&j, "total");
	for (size_t t = 0; c->n_src && t < c->res[0].n; t++) {
		struct realvm_units u;
		uint64_t fn;

		realvm_total(c, t, &u, &fn);
		json_begin_object(&j, c->res[0].r[t].tracker->name);
		json_u64(&j, "fn", fn);
		write_units(&j, &u);
		json_end_object(&j);
	}
	json_end_object(&j);
	json_double(&j, "union_extra_share_over_hva", extra_over(c, "hva"));
	json_double(&j, "union_extra_share_over_exact", extra_over(c, "exact"));
	/* The only part that differs between two runs of one seed. */
	json_begin_object(&j, "timing");
	json_double(&j, "seconds", c->seconds);
	json_double(&j, "steps_per_second",
		    c->seconds > 0 ? (double)c->steps / c->seconds : 0);
	json_end_object(&j);
	json_end_object(&j);
	json_finish(&j);
}
