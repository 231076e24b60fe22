/* A minimal VMM against <linux/kvm.h>: one VM, memslots on anonymous host
 * memory, one vCPU running the guest loop of guest.h, its binary stats.
 *
 * What it deliberately leaves out, because each would add retries that are
 * not the tracker's: no in-kernel irqchip (no async page faults), and no
 * memslot changes once the vCPU runs (an invalid memslot retries too).
 */
#ifndef LIVE_VMM_H
#define LIVE_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "live/kvm_stats.h"

/* The counters a measurement reads; every one must exist. */
enum live_stat {
	LS_PF_TAKEN,
	LS_PF_FIXED,
	LS_PF_EMULATE,
	LS_PF_SPURIOUS,
	LS_INSN_EMULATION,
	LS_EXITS,
	LS_COUNT
};
extern const char *const live_stat_names[LS_COUNT];

struct live_counters {
	uint64_t v[LS_COUNT];
};

#define LIVE_MAX_SLOTS 8
#define LIVE_REASON_MAX 256

struct live_vm {
	int vm_fd, vcpu_fd, stats_fd;
	struct kvm_run *run;
	size_t run_size;
	void *setup; /* GUEST_SETUP_PAGES pages at gfn 0 */
	uint32_t n_slots;
	struct kvm_stats_table stats;
	int stat_idx[LS_COUNT];
	void *stats_buf;
};

/* Opens `device` (normally /dev/kvm) and checks what every measurement
 * needs: the stable API version, binary stats, immediate_exit. Returns the
 * fd, or -1 with a one-line reason ("why this host cannot measure"). */
int live_kvm_open(const char *device, char *reason, size_t len);

/* Creates a VM with the guest image in its setup slot and one vCPU in long
 * mode at CPL3, and finds the counters by name. Returns 0, or -1 with a
 * reason. */
int live_vm_create(struct live_vm *vm, int kvm_fd, char *reason, size_t len);

/* Adds a memslot at `gfn` backed by `host` (page aligned). Only before the
 * first run. Returns 0 or -1 with a reason. */
int live_vm_add_slot(struct live_vm *vm, uint64_t gfn, uint64_t npages,
		     void *host, char *reason, size_t len);

/* Points the guest loop at [first_gfn, first_gfn + npages). */
int live_vm_set_loop(struct live_vm *vm, uint64_t first_gfn, uint64_t npages,
		     char *reason, size_t len);

int live_vm_counters(struct live_vm *vm, struct live_counters *c);

/* What one bounded run did. */
struct live_run_result {
	uint64_t passes;   /* completed guest passes (port exits) */
	bool timed_out;    /* stopped by the deadline */
};

/* Called between passes (the vCPU is out of the guest). */
typedef void (*live_pass_hook)(void *arg);

/* Runs the vCPU until `max_passes` passes completed or `seconds` elapsed,
 * whichever comes first. The deadline is a timer signal aimed at this
 * thread plus kvm_run.immediate_exit, so even a vCPU stuck retrying one
 * fault inside KVM_RUN comes back. Returns 0, or -1 with a reason (an
 * unexpected exit: the guest did something it should not). */
int live_vm_run(struct live_vm *vm, double seconds, uint64_t max_passes,
		live_pass_hook hook, void *arg, struct live_run_result *res,
		char *reason, size_t len);

void live_vm_destroy(struct live_vm *vm);

/* Anonymous private host memory for a slot, without transparent huge pages
 * (a 2 MiB host page would turn 512 guest faults into one). */
void *live_alloc(uint64_t npages);
void live_free(void *p, uint64_t npages);
/* Drops the pages: an mmu-notifier invalidation of their range. */
void live_zap(void *p, uint64_t npages);

#endif
