/* `bench sim --vm=PRESET [--source=...]`: see bench/sim_vm.h, docs/vms.md. */
#include "bench/sim_vm.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/realvm_report.h"
#include "report/common/json_in.h"

#define DEFAULT_INVALS 200

/* Pattern options that make no sense with a preset: the preset sets the
 * layout, the sources set the invalidations, and the run length follows
 * from the number of invalidations. */
static const char *const not_with_vm[] = {
	"pattern", "steps", "histogram", "invalidators", "slots", "slot-pages",
	"alias-distance", "alias-control", "alias-middle-only", "inval-pages",
	"phase2-steps", "gap-steps", "address-spaces", "w-notifier",
	"w-gfn-zap", "w-gmem", NULL
};

void sim_vm_defaults(struct sim_vm_cli *v)
{
	memset(v, 0, sizeof(*v));
}

size_t sim_vm_options(struct sim_vm_cli *v, struct opt_spec *t, size_t n)
{
	t[n++] = (struct opt_spec){ .name = "vm", .type = OPT_STRING, .dest = &v->vm,
		.help = "real-VM preset: a file vms/NAME.vm (docs/vms.md)" };
	t[n++] = (struct opt_spec){ .name = "vm-ram", .type = OPT_STRING,
		.dest = &v->ram, .help = "guest RAM, e.g. 4G (default: the preset's)" };
	t[n++] = (struct opt_spec){ .name = "source", .type = OPT_STRING,
		.dest = &v->sources, .help = "invalidation sources NAME[,NAME...] "
		"from vms/sources/, or all (default: all that apply)" };
	t[n++] = (struct opt_spec){ .name = "vm-dir", .type = OPT_STRING,
		.dest = &v->dir, .help = "folder of the presets (default: the "
		"source tree's vms/)" };
	t[n++] = (struct opt_spec){ .name = "calibration", .type = OPT_STRING,
		.dest = &v->calibration, .help = "bench live --json output whose "
		"fault time converts steps to time" };
	t[n++] = (struct opt_spec){ .name = "fault-us", .type = OPT_DOUBLE,
		.dest = &v->fault_us, .dmin = 0, .dmax = 1e6,
		.help = "time of one fault, microseconds (0: calibration or default)" };
	t[n++] = (struct opt_spec){ .name = "retry-us", .type = OPT_DOUBLE,
		.dest = &v->retry_us, .dmin = 0, .dmax = 1e6,
		.help = "time of one spurious retry, microseconds (0: the steps "
		"it took in the model)" };
	t[n++] = (struct opt_spec){ .name = "invals", .type = OPT_U64,
		.dest = &v->invals, .min = 0, .max = 1000000,
		.help = "invalidations simulated per source (0: 200)" };
	return n;
}

int sim_vm_unused(const struct sim_vm_cli *v, char *err, size_t len)
{
	const char *given = v->ram ? "vm-ram" : v->sources ? "source" :
			    v->dir ? "vm-dir" : v->calibration ? "calibration" :
			    v->fault_us ? "fault-us" : v->retry_us ? "retry-us" :
			    v->invals ? "invals" : NULL;

	if (!given)
		return 0;
	snprintf(err, len, "--%s: only with --vm=PRESET", given);
	return -1;
}

static bool option_given(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strncmp(argv[i], "--", 2) == 0 && strncmp(argv[i] + 2, name, n) == 0 &&
		    (argv[i][2 + n] == 0 || argv[i][2 + n] == '='))
			return true;
	}
	return false;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* `bench live --sweep --json`: the fitted step (a fraction q of a fault:
 * the page lookup is round(1/q) - 4 steps) and the median fault time of
 * the measured points. Returns 1 when used, 0 when the file is no sweep or
 * was not fitted (the reason appended to the source). */
static int read_sweep(const json_t *root, const char *path,
		      struct realvm_clock *c, uint64_t *resolve)
{
	const json_t *sw = json_object_get(root, "sweep");
	const json_t *fit = json_object_get(sw, "fit"), *pts = json_object_get(sw, "points");
	double q = jin_num(json_object_get(fit, "params"), "step_fraction", NAN);
	double us[256], med;
	size_t n = 0, i;
	const json_t *pt;

	if (!json_is_object(sw))
		return 0;
	if (!json_is_true(json_object_get(fit, "fitted")) || !(q > 0 && q <= 0.5)) {
		snprintf(c->fault_src + strlen(c->fault_src),
			 sizeof(c->fault_src) - strlen(c->fault_src),
			 "; the sweep in %s was not fitted", path);
		return 0;
	}
	json_array_foreach(pts, i, pt) {
		double v = jin_num(json_object_get(pt, "timing"), "guest_us_per_fault", NAN);

		if (n < 256 && !json_is_true(json_object_get(pt, "skipped")) && v > 0)
			us[n++] = v;
	}
	if (!n)
		return 0;
	qsort(us, n, sizeof(us[0]), cmp_double);
	med = n % 2 ? us[n / 2] : (us[n / 2 - 1] + us[n / 2]) / 2;
	c->fault_us = med;
	*resolve = (uint64_t)(1 / q + 0.5) > REALVM_FAULT_STEPS + 1
		? (uint64_t)(1 / q + 0.5) - REALVM_FAULT_STEPS : 1;
	snprintf(c->fault_src, sizeof(c->fault_src), "bench live --sweep on this "
		 "host: median time per fault of %zu points; fitted step %.3g of "
		 "a fault (%s)", n, q, path);
	return 1;
}

/* The fault time of a `bench live --json` run (or the fitted step of a
 * `--sweep` one, which also sets *resolve); a run that could not measure
 * leaves the defaults, saying why. Returns -1 only for an unreadable file. */
static int read_calibration(const char *path, struct realvm_clock *c,
			    uint64_t *resolve, char *err, size_t len)
{
	char jerr[512];
	json_t *root, *timing;
	const char *skipped;
	double f;

	if (access(path, F_OK) != 0) {
		snprintf(c->fault_src + strlen(c->fault_src),
			 sizeof(c->fault_src) - strlen(c->fault_src),
			 "; no %s (the live step did not run)", path);
		return 0;
	}
	if (!(root = jin_load(path, jerr, sizeof(jerr)))) {
		snprintf(err, len, "--calibration: %s", jerr);
		return -1;
	}
	skipped = jin_str(root, "skipped");
	if (!skipped && read_sweep(root, path, c, resolve)) {
		json_decref(root);
		return 0;
	}
	timing = json_object_get(root, "timing");
	f = timing ? jin_num(timing, "fault_us", 0) : 0;
	if (skipped) {
		snprintf(c->fault_src + strlen(c->fault_src),
			 sizeof(c->fault_src) - strlen(c->fault_src),
			 "; live probe skipped: %.100s", skipped);
	} else if (json_is_object(json_object_get(root, "sweep"))) {
		/* The reason is in the source already. */
	} else if (f > 0) {
		c->fault_us = f;
		snprintf(c->fault_src, sizeof(c->fault_src), "bench live on this "
			 "host: median run time per fixed fault (%s)", path);
	} else {
		json_decref(root);
		snprintf(err, len, "--calibration: %s has no timing.fault_us; "
			 "expected the output of bench live --json", path);
		return -1;
	}
	json_decref(root);
	return 0;
}

static int add_source(struct realvm_case *c, const char *dir, const char *name,
		      char *err, size_t len)
{
	struct realvm_source_result *sr = &c->res[c->n_src];
	char why[200];

	for (size_t i = 0; i < c->n_src; i++)
		if (strcmp(c->res[i].src.name, name) == 0)
			return 0;
	if (c->n_src == REALVM_MAX_SOURCES) {
		snprintf(err, len, "--source: more than %d sources",
			 REALVM_MAX_SOURCES);
		return -1;
	}
	if (vm_source_load(dir, name, &sr->src, err, len) < 0)
		return -1;
	if (!vm_source_applies(&sr->src, &c->built, why, sizeof(why))) {
		snprintf(err, len, "--source: %s cannot apply to preset %s: it "
			 "has %s", name, c->preset.name, why);
		return -1;
	}
	c->n_src++;
	return 0;
}

static int pick_sources(struct realvm_case *c, const char *dir,
			const char *list, char *err, size_t len)
{
	char names[64][VMF_NAME], why[200];
	int n;

	if (!list || strcmp(list, "all") == 0) {
		n = vm_list_array(dir, true, names, 64);
		for (int i = 0; i < n; i++) {
			struct vm_source s;

			if (vm_source_load(dir, names[i], &s, err, len) < 0)
				return -1;
			if (vm_source_applies(&s, &c->built, why, sizeof(why)) &&
			    add_source(c, dir, names[i], err, len) < 0)
				return -1;
		}
		if (!c->n_src) {
			snprintf(err, len, "--vm: no source in %s/sources applies "
				 "to preset %s", dir, c->preset.name);
			return -1;
		}
		return 0;
	}
	for (const char *p = list; *p;) {
		size_t k = strcspn(p, ",");
		char one[VMF_NAME + 8];

		snprintf(one, sizeof(one), "%.*s", (int)(k < VMF_NAME + 4 ? k : VMF_NAME + 4), p);
		if (add_source(c, dir, one, err, len) < 0)
			return -1;
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

int sim_vm_run(const struct sim_vm_cli *v, int argc, char **argv,
	       const struct pattern_params *pp, const struct tracker_ops *only,
	       bool json)
{
	static struct realvm_case c;
	const char *dir = v->dir ? v->dir : BENCH_SOURCE_DIR "/vms";
	char err[VMF_ERR + 200];
	uint64_t ram;

	memset(&c, 0, sizeof(c));
	for (int i = 0; not_with_vm[i]; i++) {
		if (option_given(argc, argv, not_with_vm[i])) {
			fprintf(stderr, "bench sim: --%s: not used with --vm (the "
				"preset sets the layout, its sources the "
				"invalidations, --invals the length)\n",
				not_with_vm[i]);
			return 2;
		}
	}
	if (vm_preset_load(dir, v->vm, &c.preset, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench sim: %s\n", err);
		return 2;
	}
	ram = c.preset.ram_default;
	if (v->ram && vm_parse_size(v->ram, &ram) < 0) {
		fprintf(stderr, "bench sim: --vm-ram: '%s' is not a size; expected "
			"e.g. 4G, 1536M, 0x100000000\n", v->ram);
		return 2;
	}
	if (vm_preset_build(&c.preset, ram, &c.built, err, sizeof(err)) < 0 ||
	    pick_sources(&c, dir, v->sources, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench sim: %s\n", err);
		return 2;
	}
	realvm_clock_defaults(&c.clock);
	uint64_t resolve = pp->resolve_steps;

	if (v->calibration &&
	    read_calibration(v->calibration, &c.clock, &resolve, err,
			     sizeof(err)) < 0) {
		fprintf(stderr, "bench sim: %s\n", err);
		return 2;
	}
	if (v->fault_us > 0) {
		c.clock.fault_us = v->fault_us;
		snprintf(c.clock.fault_src, sizeof(c.clock.fault_src), "--fault-us");
	}
	if (v->retry_us > 0) {
		c.clock.retry_us = v->retry_us;
		snprintf(c.clock.retry_src, sizeof(c.clock.retry_src), "--retry-us");
	}
	c.params.seed = pp->seed;
	c.params.vcpus = pp->vcpus;
	/* A fitted lookup length, unless --resolve-steps says otherwise. */
	c.params.resolve_steps = option_given(argc, argv, "resolve-steps")
		? pp->resolve_steps : resolve;
	c.params.early_check = pp->early_check;
	/* The working set is the default here: a real guest has one. */
	c.params.fault_dist = option_given(argc, argv, "fault-dist") ? pp->fault_dist
								     : DIST_HOT;
	c.params.hot_fraction = pp->hot_fraction;
	c.params.invals = v->invals ? v->invals : DEFAULT_INVALS;
	fprintf(stderr, "bench sim: vm %s, %zu source%s\n", c.preset.name, c.n_src,
		c.n_src == 1 ? "" : "s");
	if (realvm_run_case(&c, only, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench sim: %s\n", err);
		return 1;
	}
	if (json)
		realvm_print_json(stdout, &c);
	else
		realvm_print_table(stdout, &c);
	for (size_t i = 0; i < c.n_src; i++)
		for (size_t t = 0; t < c.res[i].n; t++)
			free(c.res[i].r[t].retries_per_spte);
	return 0;
}
