#include "live/report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "util/json_writer.h"

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || !colon)
			continue;
		colon += 2;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

static const char *kernel_release(struct utsname *u)
{
	return uname(u) == 0 ? u->release : "unknown";
}

void live_print_text(FILE *out, const struct live_report *r,
		     const struct live_prediction *pred)
{
	const struct live_params *p = &r->params;
	struct utsname u;

	if (r->skipped[0]) {
		fprintf(out, "bench live: skipped: %s\n", r->skipped);
		return;
	}
	fprintf(out, "bench live: kernel %s, %s; vCPU on CPU %d, invalidator "
		"on CPU %d\n", kernel_release(&u), p->device, r->vcpu_cpu,
		r->inval_cpu);
	fprintf(out, "calibration: %llu fresh pages -> pf_fixed %llu, "
		"insn_emulation %llu; no invalidator: %llu retries in %llu "
		"faults\n", (unsigned long long)r->calib.pages,
		(unsigned long long)r->calib.pf_fixed,
		(unsigned long long)r->calib.insn_emulation,
		(unsigned long long)r->calib.quiet_retries,
		(unsigned long long)r->calib.quiet_faults);
	fprintf(out, "invalidator: madvise(DONTNEED) of %llu pages%s, pause "
		"%llu us; guest: %llu pages per pass; %llu runs of %g s\n",
		(unsigned long long)p->inval_pages,
		p->inval_touch ? " touched first" : "",
		(unsigned long long)p->inval_gap_us,
		(unsigned long long)p->pages, (unsigned long long)p->runs,
		p->seconds);
	fprintf(out, "%-10s %13s %19s %10s %12s\n", "layout",
		"retries/fault", "[min, max]", "faults/s", "invals/s");
	for (int l = 0; l < LL_COUNT; l++) {
		const struct live_case *c = &r->cases[l];
		double f = 0, i = 0, t = 0;

		if (!r->measured[l])
			continue;
		for (uint64_t k = 0; k < c->n; k++) {
			f += (double)c->s[k].faults;
			i += (double)c->s[k].invalidations;
			t += c->s[k].seconds;
		}
		fprintf(out, "%-10s %12.4f    [%6.4f, %6.4f] %10.0f %12.0f\n",
			live_layout_names[l], c->median, c->min, c->max,
			t > 0 ? f / t : 0, t > 0 ? i / t : 0);
	}
	fprintf(out, "measured aliased/control: %.2f (per-round ratios "
		"%.2f..%.2f, %llu rounds%s)\n", r->ratio, r->ratio_min,
		r->ratio_max, (unsigned long long)r->cases[LL_ALIAS].n,
		r->truncated ? ", stopped early to stay under a minute" : "");
	fprintf(out, "live costs (control medians): %.1f us per fault, %.1f us "
		"per madvise, %.1f us per invalidation cycle\n",
		r->timing.fault_us, r->timing.drop_us, r->timing.cycle_us);
	if (pred) {
		fprintf(out, "model, same layout (%llu steps", 
			(unsigned long long)pred->steps);
		if (pred->from_timing)
			fprintf(out, "; 1 step = %.2f us: window %llu, pause "
				"%llu steps", pred->step_us,
				(unsigned long long)pred->params.phase2_steps,
				(unsigned long long)pred->params.gap_steps);
		fprintf(out, "): union %.2f (%.4f/%.4f), hva %.2f (%.4f/%.4f)\n",
			pred->tracker[0].ratio, pred->tracker[0].aliased,
			pred->tracker[0].control, pred->tracker[1].ratio,
			pred->tracker[1].aliased, pred->tracker[1].control);
	}
	fprintf(out, "measurement time: %.1f s\n", r->seconds);
}

static void json_case(struct json_writer *w, const char *key,
		      const struct live_case *c)
{
	json_begin_object(w, key);
	json_double(w, "median", c->median);
	json_double(w, "min", c->min);
	json_double(w, "max", c->max);
	json_begin_array(w, "runs");
	for (uint64_t k = 0; k < c->n; k++) {
		const struct live_sample *s = &c->s[k];

		json_begin_object(w, NULL);
		json_double(w, "retries_per_fault", s->per_fault);
		json_u64(w, "faults", s->faults);
		json_u64(w, "retries", s->retries);
		json_u64(w, "passes", s->passes);
		json_u64(w, "invalidations", s->invalidations);
		json_u64(w, "insn_emulation", s->emulated);
		json_double(w, "seconds", s->seconds);
		json_double(w, "drop_us", s->drop_us);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}

static void json_measured(struct json_writer *w, const struct live_report *r)
{
	json_begin_object(w, "measured");
	json_double(w, "aliased", r->cases[LL_ALIAS].median);
	json_double(w, "control", r->cases[LL_CONTROL].median);
	json_double(w, "ratio", r->ratio);
	json_u64(w, "runs", r->cases[LL_ALIAS].n);
	json_bool(w, "truncated", r->truncated);
	json_begin_object(w, "spread");
	json_double(w, "aliased_min", r->cases[LL_ALIAS].min);
	json_double(w, "aliased_max", r->cases[LL_ALIAS].max);
	json_double(w, "control_min", r->cases[LL_CONTROL].min);
	json_double(w, "control_max", r->cases[LL_CONTROL].max);
	json_double(w, "ratio_min", r->ratio_min);
	json_double(w, "ratio_max", r->ratio_max);
	json_end_object(w);
	/* Every layout's runs, single and multislot (the plain rates)
	 * included. */
	json_begin_object(w, "layouts");
	for (int l = 0; l < LL_COUNT; l++)
		if (r->measured[l])
			json_case(w, live_layout_names[l], &r->cases[l]);
	json_end_object(w);
	json_end_object(w);
}

static void json_model(struct json_writer *w, const struct live_prediction *pr)
{
	json_begin_object(w, "model");
	json_double(w, "union_ratio", pr->tracker[0].ratio);
	json_double(w, "hva_ratio", pr->tracker[1].ratio);
	for (int i = 0; i < 2; i++) {
		json_begin_object(w, pr->tracker[i].name);
		json_double(w, "aliased", pr->tracker[i].aliased);
		json_double(w, "control", pr->tracker[i].control);
		json_u64(w, "faults_aliased", pr->tracker[i].faults_aliased);
		json_u64(w, "faults_control", pr->tracker[i].faults_control);
		json_end_object(w);
	}
	json_begin_object(w, "params");
	json_string(w, "pattern", "alias");
	json_bool(w, "from_live_timing", pr->from_timing);
	json_double(w, "step_us", pr->step_us);
	json_u64(w, "slot_pages", pr->params.slot_pages);
	json_u64(w, "alias_distance", pr->params.alias_distance);
	json_u64(w, "inval_pages", pr->params.inval_pages);
	json_bool(w, "alias_middle_only", pr->params.alias_middle_only);
	json_u64(w, "vcpus", pr->params.vcpus);
	json_u64(w, "invalidators", pr->params.invalidators);
	json_u64(w, "resolve_steps", pr->params.resolve_steps);
	json_u64(w, "phase2_steps", pr->params.phase2_steps);
	json_u64(w, "gap_steps", pr->params.gap_steps);
	json_bool(w, "early_check", pr->params.early_check);
	json_u64(w, "seed", pr->params.seed);
	json_u64(w, "steps", pr->steps);
	json_end_object(w);
	json_end_object(w);
}

static void json_context(struct json_writer *w, const struct live_report *r)
{
	const struct live_params *p = &r->params;
	struct utsname u;
	char cpu[256];

	cpu_model(cpu, sizeof(cpu));
	json_begin_object(w, "context");
	json_string(w, "kernel", kernel_release(&u));
	json_string(w, "cpu", cpu);
	json_string(w, "device", p->device);
	json_i64(w, "vcpu_cpu", r->vcpu_cpu);
	json_i64(w, "invalidator_cpu", r->inval_cpu);
	json_end_object(w);
	json_begin_object(w, "params");
	json_u64(w, "runs", p->runs);
	json_double(w, "seconds", p->seconds);
	json_u64(w, "pages", p->pages);
	json_u64(w, "inval_pages", p->inval_pages);
	json_u64(w, "alias_distance", p->alias_distance);
	json_u64(w, "slots", p->slots);
	json_u64(w, "calib_pages", p->calib_pages);
	json_bool(w, "inval_touch", p->inval_touch);
	json_u64(w, "inval_gap_us", p->inval_gap_us);
	json_bool(w, "plain", p->plain);
	json_end_object(w);
}

void live_print_json(FILE *out, const struct live_report *r,
		     const struct live_prediction *pred, double total_seconds,
		     bool pretty)
{
	struct json_writer w;
	struct utsname u;

	json_init(&w, out, pretty);
	json_begin_object(&w, NULL);
	/* Top-level "kernel": what marks a results file as this command's
	 * (report/common/json_in.c), and the first thing a reader compares. */
	json_string(&w, "kernel", kernel_release(&u));
	if (r->skipped[0]) {
		json_write_null(&w, "measured");
		json_write_null(&w, "model");
		json_string(&w, "skipped", r->skipped);
	} else {
		json_measured(&w, r);
		if (pred)
			json_model(&w, pred);
		else
			json_write_null(&w, "model");
		json_write_null(&w, "skipped");
		json_begin_object(&w, "calibration");
		json_u64(&w, "pages", r->calib.pages);
		json_u64(&w, "pf_taken", r->calib.pf_taken);
		json_u64(&w, "pf_fixed", r->calib.pf_fixed);
		json_u64(&w, "insn_emulation", r->calib.insn_emulation);
		json_u64(&w, "quiet_faults", r->calib.quiet_faults);
		json_u64(&w, "quiet_retries", r->calib.quiet_retries);
		json_end_object(&w);
		json_begin_object(&w, "timing");
		json_double(&w, "fault_us", r->timing.fault_us);
		json_double(&w, "drop_us", r->timing.drop_us);
		json_double(&w, "cycle_us", r->timing.cycle_us);
		json_end_object(&w);
	}
	json_context(&w, r);
	json_double(&w, "measure_seconds", r->seconds);
	json_double(&w, "total_seconds", total_seconds);
	json_end_object(&w);
	json_finish(&w);
}

/* Gnuplot reads missing values as "NaN" and skips them. */
static void dat_num(FILE *out, double v)
{
	if (isnan(v))
		fprintf(out, " NaN");
	else
		fprintf(out, " %.6g", v);
}

int live_write_dat(FILE *out, const struct live_report *r,
		   const struct live_prediction *pred)
{
	fprintf(out, "# bench live: retries per fixed fault on the live kernel\n"
		"# block 0: layout median min max runs\n");
	for (int l = 0; l < LL_COUNT; l++) {
		const struct live_case *c = &r->cases[l];

		if (!r->measured[l])
			continue;
		fprintf(out, "%s", live_layout_names[l]);
		dat_num(out, c->median);
		dat_num(out, c->min);
		dat_num(out, c->max);
		fprintf(out, " %llu\n", (unsigned long long)c->n);
	}
	fprintf(out, "\n\n# block 1: source ratio low high "
		"(aliased/control; low/high: per-round range, live only)\n");
	fprintf(out, "live-kernel");
	dat_num(out, r->ratio);
	dat_num(out, r->ratio_min);
	dat_num(out, r->ratio_max);
	fprintf(out, "\n");
	for (int i = 0; pred && i < 2; i++) {
		fprintf(out, "model-%s", pred->tracker[i].name);
		dat_num(out, pred->tracker[i].ratio);
		dat_num(out, pred->tracker[i].ratio);
		dat_num(out, pred->tracker[i].ratio);
		fprintf(out, "\n");
	}
	return ferror(out) ? -1 : 0;
}
