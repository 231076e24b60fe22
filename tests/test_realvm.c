/* Real-VM presets and sources (vms/): the reader's errors name FILE:LINE,
 * the q35 split lands where QEMU puts it, and under NUMA balancing the v12
 * patch (gfn) misses invalidations exactly where one host mapping backs
 * two slots (q35, pc), and never on Firecracker's separate mappings. The
 * counts are exact under a seeded schedule. argv[1]: the vms/ folder. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "engine/realvm_report.h"
#include "model/registry.h"

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)

static const char *vms;

/* Writes DIR/NAME.vm with text, loads it, returns the error ("" if none). */
static const char *load_text(const char *text)
{
	static char err[VMF_ERR];
	char dir[] = "/tmp/test_realvm.XXXXXX", path[512];
	struct vm_preset p;
	FILE *f;

	if (!mkdtemp(dir))
		return "mkdtemp failed";
	snprintf(path, sizeof(path), "%s/bad.vm", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	err[0] = 0;
	vm_preset_load(dir, "bad", &p, err, sizeof(err));
	unlink(path);
	rmdir(dir);
	return err;
}

static void test_reader_errors(void)
{
	CHECK_CONTAINS(load_text("name bad\nram default=1G min=1G max=1G\nfrob 1\n"),
		       "bad.vm:3: unknown keyword 'frob'");
	CHECK_CONTAINS(load_text("name bad\nblock ram size=ram\n"
				 "slot s as=0 gfn=0 size=1G block=nope\n"),
		       "bad.vm:3: block=nope: no such block");
	CHECK_CONTAINS(load_text("name other\n"), "bad.vm:1: name must be");
	CHECK_CONTAINS(load_text("name bad\nlet x ram+zz\n"),
		       "bad.vm:2: unknown name 'zz'");
	CHECK_CONTAINS(load_text("name bad\nblock ram size=4Q\n"),
		       "bad.vm:2: '4Q': not a size");
	CHECK_CONTAINS(load_text("name bad\nblock ram size=ram\n"
				 "slot s as=1 gfn=0 size=ram block=ram\n"),
		       "bad.vm:3: as=1: expected 0..0");
}

static void build(const char *name, uint64_t ram, struct vm_preset *p,
		  struct vm_built *b)
{
	char err[VMF_ERR];

	if (vm_preset_load(vms, name, p, err, sizeof(err)) < 0 ||
	    vm_preset_build(p, ram, b, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", name, err);
		exit(1);
	}
}

static const struct memslot *slot(const struct vm_built *b, const char *name)
{
	for (uint32_t i = 0; i < b->layout.n_slots; i++)
		if (strcmp(b->info[i].name, name) == 0)
			return &b->layout.slots[i];
	CHECK_FAIL("no slot %s", name);
	return &b->layout.slots[0];
}

static void test_q35_split(void)
{
	static struct vm_preset p;
	static struct vm_built b;

	/* >= 2.75 GiB: 2 GiB below 4G (TSEG's 16 MiB only in SMM), the rest
	 * from 4 GiB, one host block. */
	build("q35", 6 * GiB, &p, &b);
	CHECK_EQ_U64(slot(&b, "below4g")->base_gfn, MiB / 4096);
	CHECK_EQ_U64(slot(&b, "below4g")->npages, (2 * GiB - MiB - 16 * MiB) / 4096);
	CHECK_EQ_U64(slot(&b, "above4g")->base_gfn, 4 * GiB / 4096);
	CHECK_EQ_U64(slot(&b, "above4g")->npages, 4 * GiB / 4096);
	CHECK_EQ_U64(slot(&b, "above4g")->host_base, 2 * GiB / 4096);
	CHECK_EQ_U64(slot(&b, "smm-low")->npages, 2 * GiB / 4096);
	CHECK_EQ_U64(slot(&b, "smm-low")->as_id, 1);
	CHECK_EQ_U64(b.layout.n_as, 2);
	/* Below 2.75 GiB everything fits under the hole: no above-4G slots. */
	build("q35", 2 * GiB, &p, &b);
	CHECK_EQ_U64(slot(&b, "below4g")->npages, (2 * GiB - MiB - 16 * MiB) / 4096);
	for (uint32_t i = 0; i < b.layout.n_slots; i++)
		CHECK(b.layout.slots[i].base_gfn != 4 * GiB / 4096 ||
		      b.layout.slots[i].npages == 1024, "slot %s", b.info[i].name);
	/* Firecracker: two host mappings, not one. */
	build("firecracker", 4 * GiB, &p, &b);
	CHECK_EQ_U64(b.n_blocks, 2);
	CHECK_EQ_U64(slot(&b, "mem0")->npages, 3328 * MiB / 4096);
	CHECK(b.blocks[0].host_base != b.blocks[1].host_base);
}

/* fn per tracker for one preset under one source. */
static void run_case(const char *vm, const char *source, uint64_t invals,
		     uint64_t fn[4], double share[4])
{
	static struct realvm_case c;
	char err[VMF_ERR];

	memset(&c, 0, sizeof(c));
	build(vm, 4 * GiB, &c.preset, &c.built);
	if (vm_source_load(vms, source, &c.res[0].src, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	c.n_src = 1;
	realvm_clock_defaults(&c.clock);
	c.params = (struct realvm_params){ .seed = 1, .vcpus = 2,
		.resolve_steps = 4, .early_check = true, .fault_dist = DIST_HOT,
		.hot_fraction = 0.9, .invals = invals };
	check_seed = 1;
	if (realvm_run_case(&c, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	for (size_t t = 0; t < 4 && t < c.res[0].n; t++) {
		CHECK(strcmp(c.res[0].r[t].tracker->name,
			     (const char *[]){ "hva", "gfn", "union", "exact" }[t]) == 0);
		fn[t] = c.res[0].r[t].stats.fn;
		share[t] = c.res[0].u[t].spurious_share;
	}
}

static void test_numa_split(void)
{
	uint64_t fn[4];
	double share[4];

	/* q35 and pc: a 256 MB chunk crossing the below/above-4G split is
	 * one notifier over two slots (four with SMM); gfn keeps the last. */
	run_case("q35", "numa", 400, fn, share);
	CHECK(fn[1] > 0, "q35 numa: gfn should miss, got %" PRIu64, fn[1]);
	CHECK_EQ_U64(fn[0] + fn[2] + fn[3], 0, "q35 numa: hva, union, exact");
	run_case("pc", "numa", 400, fn, share);
	CHECK(fn[1] > 0, "pc numa: gfn should miss, got %" PRIu64, fn[1]);
	CHECK_EQ_U64(fn[0] + fn[2] + fn[3], 0, "pc numa: hva, union, exact");
	/* Firecracker: each slot its own mapping, no range spans two. */
	run_case("firecracker", "numa", 400, fn, share);
	CHECK_EQ_U64(fn[1], 0, "firecracker numa: gfn");
	/* Page-sized sources never span two slots, on any preset. */
	run_case("q35", "ksm", 200, fn, share);
	CHECK_EQ_U64(fn[0] + fn[1] + fn[2] + fn[3], 0, "q35 ksm");
	/* The VGA alias: a range on VRAM is one notifier on two slots far
	 * apart; union's min/max covers the RAM between them, hva does not. */
	run_case("vga-alias", "numa", 400, fn, share);
	CHECK(share[2] > share[0], "vga-alias: union %g <= hva %g", share[2], share[0]);
	CHECK_EQ_U64(fn[2], 0, "vga-alias numa: union");
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	vms = argv[1];
	test_reader_errors();
	test_q35_split();
	test_numa_split();
	return check_summary("realvm");
}
