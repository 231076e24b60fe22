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
#include <unistd.h>

#include "live/kvm_stats.h"
#include "live/measure.h"
#include "live/predict.h"
#include "live/summary.h"

static int failures;

#define CHECK_EQ(what, expected, got)                                        \
	do {                                                                 \
		long long e_ = (long long)(expected), g_ = (long long)(got); \
		if (e_ != g_) {                                              \
			fprintf(stderr, "%s:%d: %s: expected %lld, got %lld\n", \
				__FILE__, __LINE__, what, e_, g_);           \
			failures++;                                          \
		}                                                            \
	} while (0)

#define CHECK_NEAR(what, expected, got)                                      \
	do {                                                                 \
		double e_ = (expected), g_ = (got);                          \
		if (!(fabs(e_ - g_) < 1e-12)) {                              \
			fprintf(stderr, "%s:%d: %s: expected %g, got %g\n",  \
				__FILE__, __LINE__, what, e_, g_);           \
			failures++;                                          \
		}                                                            \
	} while (0)

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
	CHECK_EQ("parse", 0, kvm_stats_parse(s.buf, s.len, t, err, sizeof(err)));
	CHECK_EQ("counters (the histogram skipped)", 3, t->n);
	CHECK_EQ("pf_taken index", 0, kvm_stats_find(t, "pf_taken"));
	CHECK_EQ("pf_fixed index", 1, kvm_stats_find(t, "pf_fixed"));
	CHECK_EQ("exits index", 2, kvm_stats_find(t, "exits"));
	CHECK_EQ("histogram not a counter", -1,
		 kvm_stats_find(t, "halt_poll_hist"));
	CHECK_EQ("missing name", -1, kvm_stats_find(t, "pf_emulate"));
	CHECK_EQ("prefix is not a match", -1, kvm_stats_find(t, "pf_"));
	CHECK_EQ("data offset", s.data_offset, t->data_offset);
	CHECK_EQ("data bytes cover the last counter", 8 + 34 * 8,
		 t->data_bytes);
	CHECK_EQ("pf_taken value", 11,
		 kvm_stats_value(t, s.buf + s.data_offset, 0));
	CHECK_EQ("pf_fixed value", 22,
		 kvm_stats_value(t, s.buf + s.data_offset, 1));
	CHECK_EQ("exits value", 33,
		 kvm_stats_value(t, s.buf + s.data_offset, 2));
	free(t);
}

static void test_parse_errors(void)
{
	struct synth s;
	struct kvm_stats_table *t = malloc(sizeof(*t));
	char err[256];

	build(&s);
	CHECK_EQ("truncated header", -1,
		 kvm_stats_parse(s.buf, 10, t, err, sizeof(err)));
	CHECK_EQ("last descriptor cut off", -1,
		 kvm_stats_parse(s.buf, s.len - 1, t, err, sizeof(err)));
	build(&s);
	set_header(&s, offsetof(struct kvm_stats_header, num_desc), 1000000);
	CHECK_EQ("num_desc past the buffer", -1,
		 kvm_stats_parse(s.buf, s.len, t, err, sizeof(err)));
	build(&s);
	set_header(&s, offsetof(struct kvm_stats_header, name_size), 0);
	CHECK_EQ("name_size 0", -1,
		 kvm_stats_parse(s.buf, s.len, t, err, sizeof(err)));
	build(&s);
	/* An empty name in a counter descriptor. */
	s.buf[sizeof(struct kvm_stats_header) + NAME_SIZE +
	      sizeof(struct kvm_stats_desc)] = '\0';
	CHECK_EQ("empty name", -1,
		 kvm_stats_parse(s.buf, s.len, t, err, sizeof(err)));
	if (strstr(err, "descriptor 0") == NULL) {
		fprintf(stderr, "%s:%d: message should name descriptor 0: %s\n",
			__FILE__, __LINE__, err);
		failures++;
	}
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
		fprintf(stderr, "%s:%d: cannot make a memfd\n", __FILE__, __LINE__);
		failures++;
		free(t);
		return;
	}
	CHECK_EQ("load", 0, kvm_stats_load(fd, t, err, sizeof(err)));
	CHECK_EQ("snapshot", 0, kvm_stats_snapshot(fd, t, data));
	CHECK_EQ("pf_fixed from fd", 22,
		 kvm_stats_value(t, data, kvm_stats_find(t, "pf_fixed")));
	CHECK_EQ("exits from fd", 33,
		 kvm_stats_value(t, data, kvm_stats_find(t, "exits")));
	close(fd);
	free(t);
}

static void test_summary(void)
{
	double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 }, one[] = { 7 };
	double withnan[] = { 1, NAN, 2 }, lo, hi;

	CHECK_NEAR("median of 3", 3, live_median(odd, 3));
	CHECK_NEAR("input untouched", 5, odd[0]);
	CHECK_NEAR("median of 4", 2.5, live_median(even, 4));
	CHECK_NEAR("median of 1", 7, live_median(one, 1));
	CHECK_EQ("median of none is NaN", 1, isnan(live_median(odd, 0)));
	CHECK_EQ("median with NaN is NaN", 1, isnan(live_median(withnan, 3)));
	live_range(even, 4, &lo, &hi);
	CHECK_NEAR("min", 1, lo);
	CHECK_NEAR("max", 4, hi);
	live_range(even, 0, &lo, &hi);
	CHECK_EQ("empty range is NaN", 1, isnan(lo) && isnan(hi));
}

static void check_contains(const char *what, const char *text,
			   const char *needle, int line)
{
	if (!strstr(text, needle)) {
		fprintf(stderr, "%s:%d: %s: expected a message containing '%s', "
			"got '%s'\n", __FILE__, line, what, needle, text);
		failures++;
	}
}

static void test_params(void)
{
	struct live_params p;
	char err[512];

	live_params_defaults(&p);
	CHECK_EQ("defaults are valid", 0, live_params_check(&p, err, sizeof(err)));
	p.alias_distance = 600;
	CHECK_EQ("distance too short", -1, live_params_check(&p, err, sizeof(err)));
	check_contains("distance message", err, "--alias-distance", __LINE__);
	live_params_defaults(&p);
	p.alias_distance = 0xfff00;
	CHECK_EQ("B past the map", -1, live_params_check(&p, err, sizeof(err)));
	check_contains("map message", err, "4 GiB", __LINE__);
	live_params_defaults(&p);
	p.slots = 3;
	CHECK_EQ("slots not dividing pages", -1,
		 live_params_check(&p, err, sizeof(err)));
	check_contains("slots message", err, "--slots", __LINE__);
	p.plain = false;
	CHECK_EQ("slots ignored without plain layouts", 0,
		 live_params_check(&p, err, sizeof(err)));
	live_params_defaults(&p);
	p.runs = 20;
	p.seconds = 3;
	CHECK_EQ("over the time budget", -1,
		 live_params_check(&p, err, sizeof(err)));
	check_contains("budget message", err, "--runs", __LINE__);
}

/* Graceful absence: one reason, nothing measured, not an error. */
static void test_absent_device(void)
{
	static struct live_report rep;
	struct live_params p;
	char err[512];

	live_params_defaults(&p);
	p.device = "/nonexistent/kvm";
	CHECK_EQ("missing device is not an error", 0,
		 live_measure(&p, &rep, err, sizeof(err)));
	check_contains("missing device reason", rep.skipped, "not present",
		       __LINE__);
	CHECK_EQ("nothing measured", 0, rep.measured[LL_ALIAS]);
	p.device = "/dev/null";
	CHECK_EQ("a device that is not KVM is not an error", 0,
		 live_measure(&p, &rep, err, sizeof(err)));
	check_contains("not KVM reason", rep.skipped, "API version", __LINE__);
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
	CHECK_EQ("timing used", 1, live_model_params(&p, &t, &m, &step_us));
	CHECK_NEAR("one step: fault time over its 8 steps", 10, step_us);
	CHECK_EQ("window: 100 us in 10 us steps", 10, m.phase2_steps);
	CHECK_EQ("pause: 800 us in 10 us steps", 80, m.gap_steps);
	CHECK_EQ("same slot size as the live A and B", p.inval_pages,
		 m.slot_pages);
	CHECK_EQ("same distance", p.alias_distance, m.alias_distance);
	CHECK_EQ("faults only between the aliases", 1, m.alias_middle_only);
	CHECK_EQ("one vCPU", 1, m.vcpus);
	CHECK_EQ("no timing: not used", 0,
		 live_model_params(&p, &bad, &m, &step_us));
	CHECK_EQ("no timing: default pause kept (touching)", 16, m.gap_steps);
	p.inval_touch = false;
	live_model_params(&p, NULL, &m, &step_us);
	CHECK_EQ("no timing, tight loop: no pause", 0, m.gap_steps);

	/* The prediction the live figure is held against. */
	live_params_defaults(&p);
	CHECK_EQ("predict", 0, live_predict(&p, &t, 200000, &pr, err,
					    sizeof(err)));
	if (!(pr.tracker[0].ratio > 1.5)) {
		fprintf(stderr, "%s:%d: union: aliased/control %g (%g/%g), "
			"expected > 1.5: its range spans the gap\n", __FILE__,
			__LINE__, pr.tracker[0].ratio, pr.tracker[0].aliased,
			pr.tracker[0].control);
		failures++;
	}
	/* hva sees the same hva ranges in both layouts: the same verdicts,
	 * so the same counts exactly, not just about. */
	CHECK_NEAR("hva: aliased == control", pr.tracker[1].control,
		   pr.tracker[1].aliased);
	CHECK_NEAR("hva ratio", 1.0, pr.tracker[1].ratio);
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
	if (failures) {
		fprintf(stderr, "test_live_unit: %d check(s) failed\n", failures);
		return 1;
	}
	printf("test_live_unit: ok\n");
	return 0;
}
