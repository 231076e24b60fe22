/* What runs without KVM: the stats descriptor parser on synthetic buffers,
 * the median/range helpers, the parameter checks, and the graceful refusal
 * when the device is missing or is not KVM. */
#define _GNU_SOURCE /* memfd_create */
#include <linux/kvm.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "live/invalidator.h"
#include "live/kvm_stats.h"
#include "live/mechanism.h"
#include "live/measure.h"
#include "live/predict.h"
#include "live/summary.h"
#include "tests/check.h"

#define NAME_SIZE 48
#define STRIDE (sizeof(struct kvm_stats_desc) + NAME_SIZE)

struct synth {
	unsigned char buf[4096];
	size_t len;       /* header + descriptors: what the parser reads */
	size_t total;     /* with the data block */
	uint32_t n;
	uint32_t data_offset;
};

static void put_desc(struct synth *s, const char *name, uint16_t size,
		     uint32_t offset)
{
	struct kvm_stats_desc d = { 0 };
	size_t at = sizeof(struct kvm_stats_header) + NAME_SIZE + s->n * STRIDE;

	d.size = size;
	d.offset = offset;
	memcpy(s->buf + at, &d, sizeof(d));
	strncpy((char *)s->buf + at + sizeof(d), name, NAME_SIZE);
	s->n++;
}

/* pf_taken, a 32-bucket histogram, pf_fixed, exits; values 11, 22, 33. */
static void build(struct synth *s)
{
	struct kvm_stats_header h = { 0 };
	uint64_t v;

	memset(s, 0, sizeof(*s));
	put_desc(s, "pf_taken", 1, 0);
	put_desc(s, "halt_poll_hist", 32, 8);
	put_desc(s, "pf_fixed", 1, 8 + 32 * 8);
	put_desc(s, "exits", 1, 8 + 33 * 8);
	h.name_size = NAME_SIZE;
	h.num_desc = s->n;
	h.id_offset = sizeof(h);
	h.desc_offset = sizeof(h) + NAME_SIZE;
	h.data_offset = h.desc_offset + s->n * STRIDE;
	memcpy(s->buf, &h, sizeof(h));
	strcpy((char *)s->buf + h.id_offset, "kvm-1234/vcpu-0");
	s->len = h.data_offset;
	s->data_offset = h.data_offset;
	v = 11;
	memcpy(s->buf + h.data_offset, &v, 8);
	v = 22;
	memcpy(s->buf + h.data_offset + 8 + 32 * 8, &v, 8);
	v = 33;
	memcpy(s->buf + h.data_offset + 8 + 33 * 8, &v, 8);
	s->total = h.data_offset + 8 + 34 * 8;
}

static void set_header(struct synth *s, size_t field_offset, uint32_t v)
{
	memcpy(s->buf + field_offset, &v, sizeof(v));
}

static void test_parse(void)
{
	struct synth s;
	struct kvm_stats_table *t = malloc(sizeof(*t));
	char err[256];

	build(&s);
	CHECK_EQ_I64(kvm_stats_parse(s.buf, s.len, t, err, sizeof(err)), 0,
		     "parse");
	CHECK_EQ_I64(t->n, 3, "counters (the histogram skipped)");
	CHECK_EQ_I64(kvm_stats_find(t, "pf_taken"), 0, "pf_taken index");
	CHECK_EQ_I64(kvm_stats_find(t, "pf_fixed"), 1, "pf_fixed index");
	CHECK_EQ_I64(kvm_stats_find(t, "exits"), 2, "exits index");
	CHECK_EQ_I64(kvm_stats_find(t, "halt_poll_hist"), -1,
		     "histogram not a counter");
	CHECK_EQ_I64(kvm_stats_find(t, "pf_emulate"), -1, "missing name");
	CHECK_EQ_I64(kvm_stats_find(t, "pf_"), -1, "prefix is not a match");
	CHECK_EQ_I64(t->data_offset, s.data_offset, "data offset");
	CHECK_EQ_I64(t->data_bytes, 8 + 34 * 8,
		     "data bytes cover the last counter");
	CHECK_EQ_I64(kvm_stats_value(t, s.buf + s.data_offset, 0), 11,
		     "pf_taken value");
	CHECK_EQ_I64(kvm_stats_value(t, s.buf + s.data_offset, 1), 22,
		     "pf_fixed value");
	CHECK_EQ_I64(kvm_stats_value(t, s.buf + s.data_offset, 2), 33,
		     "exits value");
	free(t);
}

static void test_parse_errors(void)
{
	struct synth s;
	struct kvm_stats_table *t = malloc(sizeof(*t));
	char err[256];

	build(&s);
	CHECK_EQ_I64(kvm_stats_parse(s.buf, 10, t, err, sizeof(err)), -1,
		     "truncated header");
	CHECK_EQ_I64(kvm_stats_parse(s.buf, s.len - 1, t, err, sizeof(err)), -1,
		     "last descriptor cut off");
	build(&s);
	set_header(&s, offsetof(struct kvm_stats_header, num_desc), 1000000);
	CHECK_EQ_I64(kvm_stats_parse(s.buf, s.len, t, err, sizeof(err)), -1,
		     "num_desc past the buffer");
	build(&s);
	set_header(&s, offsetof(struct kvm_stats_header, name_size), 0);
	CHECK_EQ_I64(kvm_stats_parse(s.buf, s.len, t, err, sizeof(err)), -1,
		     "name_size 0");
	build(&s);
	/* An empty name in a counter descriptor. */
	s.buf[sizeof(struct kvm_stats_header) + NAME_SIZE +
	      sizeof(struct kvm_stats_desc)] = '\0';
	CHECK_EQ_I64(kvm_stats_parse(s.buf, s.len, t, err, sizeof(err)), -1,
		     "empty name");
	CHECK_CONTAINS(err, "descriptor 0", "message should name descriptor 0");
	free(t);
}

/* The fd path: header, descriptors and data read with pread, as from the
 * fd KVM_GET_STATS_FD returns. */
static void test_load_from_fd(void)
{
	struct synth s;
	struct kvm_stats_table *t = malloc(sizeof(*t));
	unsigned char data[1024];
	char err[256];
	int fd = memfd_create("stats", 0);

	build(&s);
	if (fd < 0 || write(fd, s.buf, s.total) != (ssize_t)s.total) {
		CHECK_FAIL("cannot make a memfd");
		free(t);
		return;
	}
	CHECK_EQ_I64(kvm_stats_load(fd, t, err, sizeof(err)), 0, "load");
	CHECK_EQ_I64(kvm_stats_snapshot(fd, t, data), 0, "snapshot");
	CHECK_EQ_I64(kvm_stats_value(t, data, kvm_stats_find(t, "pf_fixed")),
		     22, "pf_fixed from fd");
	CHECK_EQ_I64(kvm_stats_value(t, data, kvm_stats_find(t, "exits")), 33,
		     "exits from fd");
	close(fd);
	free(t);
}

static void test_summary(void)
{
	double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 }, one[] = { 7 };
	double withnan[] = { 1, NAN, 2 }, lo, hi;

	CHECK_NEAR(live_median(odd, 3), 3, 1e-12, "median of 3");
	CHECK_NEAR(odd[0], 5, 1e-12, "input untouched");
	CHECK_NEAR(live_median(even, 4), 2.5, 1e-12, "median of 4");
	CHECK_NEAR(live_median(one, 1), 7, 1e-12, "median of 1");
	CHECK_EQ_I64(isnan(live_median(odd, 0)), 1, "median of none is NaN");
	CHECK_EQ_I64(isnan(live_median(withnan, 3)), 1,
		     "median with NaN is NaN");
	live_range(even, 4, &lo, &hi);
	CHECK_NEAR(lo, 1, 1e-12, "min");
	CHECK_NEAR(hi, 4, 1e-12, "max");
	live_range(even, 0, &lo, &hi);
	CHECK_EQ_I64(isnan(lo) && isnan(hi), 1, "empty range is NaN");
}

static void test_params(void)
{
	struct live_params p;
	char err[512];

	live_params_defaults(&p);
	CHECK_EQ_I64(live_params_check(&p, err, sizeof(err)), 0,
		     "defaults are valid");
	p.alias_distance = 600;
	CHECK_EQ_I64(live_params_check(&p, err, sizeof(err)), -1,
		     "distance too short");
	CHECK_CONTAINS(err, "--alias-distance", "distance message");
	live_params_defaults(&p);
	p.alias_distance = 0xfff00;
	CHECK_EQ_I64(live_params_check(&p, err, sizeof(err)), -1,
		     "B past the map");
	CHECK_CONTAINS(err, "4 GiB", "map message");
	live_params_defaults(&p);
	p.slots = 3;
	CHECK_EQ_I64(live_params_check(&p, err, sizeof(err)), -1,
		     "slots not dividing pages");
	CHECK_CONTAINS(err, "--slots", "slots message");
	p.plain = false;
	CHECK_EQ_I64(live_params_check(&p, err, sizeof(err)), 0,
		     "slots ignored without plain layouts");
	live_params_defaults(&p);
	p.runs = 20;
	p.seconds = 3;
	CHECK_EQ_I64(live_params_check(&p, err, sizeof(err)), -1,
		     "over the time budget");
	CHECK_CONTAINS(err, "--runs", "budget message");
}

/* Graceful absence: one reason, nothing measured, not an error. */
static void test_absent_device(void)
{
	static struct live_report rep;
	struct live_params p;
	char err[512];

	live_params_defaults(&p);
	p.device = "/nonexistent/kvm";
	CHECK_EQ_I64(live_measure(&p, &rep, err, sizeof(err)), 0,
		     "missing device is not an error");
	CHECK_CONTAINS(rep.skipped, "not present", "missing device reason");
	CHECK_EQ_I64(rep.measured[LL_ALIAS], 0, "nothing measured");
	p.device = "/dev/null";
	CHECK_EQ_I64(live_measure(&p, &rep, err, sizeof(err)), 0,
		     "a device that is not KVM is not an error");
	CHECK_CONTAINS(rep.skipped, "API version", "not KVM reason");
}

/* The model's side: derived step counts, and the prediction itself (the
 * deterministic engine: counts, the same on every machine). */
static void test_model(void)
{
	struct live_params p;
	struct live_timing t = { .fault_us = 80, .drop_us = 100,
				 .cycle_us = 900 };
	struct live_timing bad = { .fault_us = NAN, .drop_us = 100,
				   .cycle_us = 900 };
	struct pattern_params m;
	struct live_prediction pr;
	double step_us;
	char err[512];

	live_params_defaults(&p);
	CHECK_EQ_I64(live_model_params(&p, &t, &m, &step_us), 1, "timing used");
	CHECK_NEAR(step_us, 10, 1e-12, "one step: fault time over its 8 steps");
	CHECK_EQ_I64(m.phase2_steps, 10, "window: 100 us in 10 us steps");
	CHECK_EQ_I64(m.gap_steps, 80, "pause: 800 us in 10 us steps");
	CHECK_EQ_I64(m.slot_pages, p.inval_pages,
		     "same slot size as the live A and B");
	CHECK_EQ_I64(m.alias_distance, p.alias_distance, "same distance");
	CHECK_EQ_I64(m.alias_middle_only, 1, "faults only between the aliases");
	CHECK_EQ_I64(m.vcpus, 1, "one vCPU");
	CHECK_EQ_I64(live_model_params(&p, &bad, &m, &step_us), 0,
		     "no timing: not used");
	CHECK_EQ_I64(m.gap_steps, 16,
		     "no timing: default pause kept (touching)");
	p.inval_touch = false;
	live_model_params(&p, NULL, &m, &step_us);
	CHECK_EQ_I64(m.gap_steps, 0, "no timing, tight loop: no pause");

	/* The prediction the live figure is held against. */
	live_params_defaults(&p);
	CHECK_EQ_I64(live_predict(&p, &t, 200000, &pr, err, sizeof(err)), 0,
		     "predict");
	CHECK(pr.tracker[0].ratio > 1.5, "union: aliased/control %g (%g/%g), "
	      "expected > 1.5: its range spans the gap", pr.tracker[0].ratio,
	      pr.tracker[0].aliased, pr.tracker[0].control);
	/* hva sees the same hva ranges in both layouts: the same verdicts,
	 * so the same counts exactly, not just about. */
	CHECK_NEAR(pr.tracker[1].aliased, pr.tracker[1].control, 1e-12,
		   "hva: aliased == control");
	CHECK_NEAR(pr.tracker[1].ratio, 1.0, 1e-12, "hva ratio");
}

/* The host's invalidation mechanisms, without KVM: the probe's verdict
 * agrees with what the call does to touched memory, and the invalidating
 * thread runs each usable one in a loop without an error. dontneed is in
 * every Linux since 2.6: it must be usable. */
static void test_mechanisms(void)
{
	char note[256];
	int usable = 0;

	CHECK_EQ_I64(live_mech_probe(LM_DONTNEED, note, sizeof(note)), 0,
		     "dontneed usable: %s", note);
	CHECK_EQ_I64(live_mech_probe(LM_COUNT, note, sizeof(note)), 1,
		     "unknown mechanism refused");
	for (int k = 0; k < LM_COUNT; k++) {
		struct live_mem m;
		struct live_invalidator inv = { .mech = k, .touch = true,
						.cpu = -1 };
		unsigned char v[64];
		int rc = live_mech_probe((enum live_mech)k, note, sizeof(note));

		if (rc != 0) {
			CHECK(note[0] != '\0', "%s: a skip says why",
			      live_mech_names[k]);
			printf("test_live_unit: %s skipped here: %s\n",
			       live_mech_names[k], note);
			continue;
		}
		usable++;
		CHECK_EQ_I64(live_mem_alloc(&m, 64, live_mech_memfd(k)), 0,
			     "%s: backing", live_mech_names[k]);
		inv.mem = &m;
		/* A loaded machine may not run the thread within a fixed
		 * sleep: let it try again, each time twice as long (20 ms ..
		 * 10 s), so the test checks the calls, not the scheduler. */
		for (int tries = 0; tries < 10 && inv.count == 0 && !inv.error;
		     tries++) {
			long ms = 20L << tries;
			struct timespec t = { ms / 1000,
					      (ms % 1000) * 1000 * 1000 };

			CHECK_EQ_I64(live_invalidator_start(&inv), 0,
				     "%s: start", live_mech_names[k]);
			nanosleep(&t, NULL);
			live_invalidator_stop(&inv);
		}
		CHECK_EQ_I64(inv.error, 0, "%s: no failed call",
			     live_mech_names[k]);
		CHECK(inv.count > 0, "%s: invalidated at least once",
		      live_mech_names[k]);
		/* One more by hand: the memory is gone afterwards (mprotect
		 * keeps it, that is its point). */
		if (m.readonly) /* writable again before touching */
			live_mech_invalidate((enum live_mech)k, &m);
		memset(m.p, 1, 64 * 4096);
		CHECK_EQ_I64(live_mech_invalidate((enum live_mech)k, &m), 0,
			     "%s: one call", live_mech_names[k]);
		CHECK_EQ_I64(mincore(m.p, 64 * 4096, v), 0, "mincore");
		CHECK(live_mech_frees((enum live_mech)k) ? !(v[0] & 1)
							 : (v[0] & 1),
		      "%s: residency after the call", live_mech_names[k]);
		live_mem_free(&m);
	}
	CHECK(usable >= 3, "dontneed, mprotect and remap work on any Linux: "
	      "%d usable", usable);
}

int main(void)
{
	test_parse();
	test_parse_errors();
	test_load_from_fd();
	test_summary();
	test_params();
	test_absent_device();
	test_model();
	test_mechanisms();
	return check_summary("test_live_unit");
}
