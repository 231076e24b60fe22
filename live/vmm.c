#define _GNU_SOURCE /* gettid, SIGEV_THREAD_ID */
#include "live/vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "live/guest.h"

#define PAGE 4096ULL

const char *const live_stat_names[LS_COUNT] = {
	[LS_PF_TAKEN] = "pf_taken",
	[LS_PF_FIXED] = "pf_fixed",
	[LS_PF_EMULATE] = "pf_emulate",
	[LS_PF_SPURIOUS] = "pf_spurious",
	[LS_INSN_EMULATION] = "insn_emulation",
	[LS_EXITS] = "exits",
};

int live_kvm_open(const char *device, char *reason, size_t len)
{
	int fd = open(device, O_RDWR | O_CLOEXEC);
	int v;

	if (fd < 0) {
		int e = errno;

		if (e == ENOENT || e == ENXIO || e == ENODEV)
			snprintf(reason, len, "%s not present (no KVM on this host)",
				 device);
		else if (e == EACCES || e == EPERM)
			snprintf(reason, len,
				 "no permission to open %s (needs root or the kvm "
				 "group)", device);
		else
			snprintf(reason, len, "cannot open %s: %s", device,
				 strerror(e));
		return -1;
	}
	v = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION) {
		snprintf(reason, len,
			 "%s reports KVM API version %d, this VMM speaks %d",
			 device, v, KVM_API_VERSION);
		close(fd);
		return -1;
	}
	if (ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) <= 0) {
		snprintf(reason, len,
			 "the kernel has no binary stats (KVM_CAP_BINARY_STATS_FD)");
		close(fd);
		return -1;
	}
	if (ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT) <= 0) {
		snprintf(reason, len,
			 "the kernel has no KVM_CAP_IMMEDIATE_EXIT: runs could "
			 "not be bounded");
		close(fd);
		return -1;
	}
	return fd;
}

static int set_cpuid(int kvm_fd, int vcpu_fd)
{
	/* Grow until the kernel's list fits (E2BIG otherwise). */
	for (unsigned n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
					      n * sizeof(struct kvm_cpuid_entry2));
		int rc;

		if (!c)
			return -1;
		c->nent = n;
		rc = ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c);
		if (rc == 0)
			rc = ioctl(vcpu_fd, KVM_SET_CPUID2, c);
		else if (errno == E2BIG) {
			free(c);
			continue;
		}
		free(c);
		return rc;
	}
	return -1;
}

static int find_stats(struct live_vm *vm, char *reason, size_t len)
{
	char err[200];

	vm->stats_fd = ioctl(vm->vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (vm->stats_fd < 0) {
		snprintf(reason, len, "KVM_GET_STATS_FD failed: %s",
			 strerror(errno));
		return -1;
	}
	if (kvm_stats_load(vm->stats_fd, &vm->stats, err, sizeof(err)) < 0) {
		snprintf(reason, len, "unreadable vCPU stats: %s", err);
		return -1;
	}
	for (int i = 0; i < LS_COUNT; i++) {
		vm->stat_idx[i] = kvm_stats_find(&vm->stats, live_stat_names[i]);
		if (vm->stat_idx[i] < 0) {
			snprintf(reason, len,
				 "the vCPU stats have no '%s' counter",
				 live_stat_names[i]);
			return -1;
		}
	}
	vm->stats_buf = calloc(1, vm->stats.data_bytes);
	if (!vm->stats_buf) {
		snprintf(reason, len, "out of memory");
		return -1;
	}
	return 0;
}

int live_vm_create(struct live_vm *vm, int kvm_fd, char *reason, size_t len)
{
	struct kvm_sregs sregs;
	int mmap_size;

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = vm->vcpu_fd = vm->stats_fd = -1;
	vm->vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		snprintf(reason, len, "KVM_CREATE_VM failed: %s", strerror(errno));
		return -1;
	}
	vm->setup = live_alloc(GUEST_SETUP_PAGES);
	if (!vm->setup) {
		snprintf(reason, len, "out of memory for the guest image");
		return -1;
	}
	guest_build(vm->setup);
	if (live_vm_add_slot(vm, 0, GUEST_SETUP_PAGES, vm->setup, reason,
			     len) < 0)
		return -1;
	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0) {
		snprintf(reason, len, "KVM_CREATE_VCPU failed: %s",
			 strerror(errno));
		return -1;
	}
	mmap_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(struct kvm_run)) {
		snprintf(reason, len, "KVM_GET_VCPU_MMAP_SIZE returned %d",
			 mmap_size);
		return -1;
	}
	vm->run_size = (size_t)mmap_size;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		snprintf(reason, len, "cannot map kvm_run: %s", strerror(errno));
		return -1;
	}
	if (set_cpuid(kvm_fd, vm->vcpu_fd) < 0) {
		snprintf(reason, len, "KVM_SET_CPUID2 failed: %s", strerror(errno));
		return -1;
	}
	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
		snprintf(reason, len, "KVM_GET_SREGS failed: %s", strerror(errno));
		return -1;
	}
	guest_sregs(&sregs);
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0) {
		snprintf(reason, len,
			 "KVM_SET_SREGS (long mode, CPL3) rejected: %s",
			 strerror(errno));
		return -1;
	}
	return find_stats(vm, reason, len);
}

int live_vm_add_slot(struct live_vm *vm, uint64_t gfn, uint64_t npages,
		     void *host, char *reason, size_t len)
{
	struct kvm_userspace_memory_region r = {
		.slot = vm->n_slots,
		.guest_phys_addr = gfn * PAGE,
		.memory_size = npages * PAGE,
		.userspace_addr = (uintptr_t)host,
	};

	if (vm->n_slots == LIVE_MAX_SLOTS) {
		snprintf(reason, len, "more than %d memslots", LIVE_MAX_SLOTS);
		return -1;
	}
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
		snprintf(reason, len,
			 "KVM_SET_USER_MEMORY_REGION (gfn 0x%llx, %llu pages) "
			 "failed: %s", (unsigned long long)gfn,
			 (unsigned long long)npages, strerror(errno));
		return -1;
	}
	vm->n_slots++;
	return 0;
}

int live_vm_set_loop(struct live_vm *vm, uint64_t first_gfn, uint64_t npages,
		     char *reason, size_t len)
{
	struct kvm_regs regs;

	guest_regs(&regs, first_gfn, npages);
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0) {
		snprintf(reason, len, "KVM_SET_REGS failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int live_vm_counters(struct live_vm *vm, struct live_counters *c)
{
	if (kvm_stats_snapshot(vm->stats_fd, &vm->stats, vm->stats_buf) < 0)
		return -1;
	for (int i = 0; i < LS_COUNT; i++)
		c->v[i] = kvm_stats_value(&vm->stats, vm->stats_buf,
					  vm->stat_idx[i]);
	return 0;
}

/* The deadline: the handler only flips immediate_exit, which makes a
 * KVM_RUN that is in flight (or about to start) return EINTR. */
static struct kvm_run *volatile deadline_run;
static volatile sig_atomic_t deadline_hit;

static void on_deadline(int sig)
{
	(void)sig;
	deadline_hit = 1;
	if (deadline_run)
		deadline_run->immediate_exit = 1;
}

static int arm_deadline(timer_t *t, double seconds)
{
	struct sigaction sa;
	struct sigevent sev;
	struct itimerspec its;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_deadline; /* no SA_RESTART: KVM_RUN must return */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGRTMIN, &sa, NULL) < 0)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	/* Aimed at this thread: a signal taken by another thread would not
	 * interrupt this thread's KVM_RUN. */
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGRTMIN;
	sev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, t) < 0)
		return -1;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)seconds;
	its.it_value.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;
	/* Repeats: should one signal land between two KVM_RUNs after the
	 * flag was cleared, the next one still ends the run. */
	its.it_interval.tv_nsec = 10 * 1000 * 1000;
	if (timer_settime(*t, 0, &its, NULL) < 0) {
		timer_delete(*t);
		return -1;
	}
	return 0;
}

static const char *exit_name(uint32_t r)
{
	switch (r) {
	case KVM_EXIT_SHUTDOWN: return "shutdown (triple fault)";
	case KVM_EXIT_INTERNAL_ERROR: return "internal error";
	case KVM_EXIT_FAIL_ENTRY: return "entry failed";
	case KVM_EXIT_MMIO: return "mmio (access outside every memslot)";
	case KVM_EXIT_HLT: return "hlt";
	case KVM_EXIT_IO: return "io on an unexpected port";
	default: return "unexpected";
	}
}

int live_vm_run(struct live_vm *vm, double seconds, uint64_t max_passes,
		live_pass_hook hook, void *arg, struct live_run_result *res,
		char *reason, size_t len)
{
	timer_t timer;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	deadline_hit = 0;
	vm->run->immediate_exit = 0;
	deadline_run = vm->run;
	if (arm_deadline(&timer, seconds) < 0) {
		deadline_run = NULL;
		snprintf(reason, len, "cannot arm the run timer: %s",
			 strerror(errno));
		return -1;
	}
	while (res->passes < max_passes && !deadline_hit) {
		struct kvm_run *run = vm->run;

		if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue; /* the loop condition decides */
			snprintf(reason, len, "KVM_RUN failed: %s",
				 strerror(errno));
			rc = -1;
			break;
		}
		if (run->exit_reason == KVM_EXIT_IO &&
		    run->io.port == GUEST_PASS_PORT &&
		    run->io.direction == KVM_EXIT_IO_OUT) {
			res->passes++;
			if (hook)
				hook(arg);
			continue;
		}
		if (run->exit_reason == KVM_EXIT_INTR)
			continue;
		struct kvm_regs regs = { 0 };

		ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs);
		snprintf(reason, len,
			 "guest exit %u (%s) after %llu passes, rip 0x%llx",
			 run->exit_reason, exit_name(run->exit_reason),
			 (unsigned long long)res->passes,
			 (unsigned long long)regs.rip);
		if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
			snprintf(reason + strlen(reason), len - strlen(reason),
				 ", suberror %u", run->internal.suberror);
		rc = -1;
		break;
	}
	timer_delete(timer);
	deadline_run = NULL;
	res->timed_out = deadline_hit;
	vm->run->immediate_exit = 0;
	return rc;
}

void live_vm_destroy(struct live_vm *vm)
{
	free(vm->stats_buf);
	if (vm->stats_fd >= 0)
		close(vm->stats_fd);
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->setup)
		live_free(vm->setup, GUEST_SETUP_PAGES);
	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = vm->vcpu_fd = vm->stats_fd = -1;
}

void *live_alloc(uint64_t npages)
{
	void *p = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, npages * PAGE, MADV_NOHUGEPAGE);
	return p;
}

void live_free(void *p, uint64_t npages)
{
	munmap(p, npages * PAGE);
}

void live_zap(void *p, uint64_t npages)
{
	madvise(p, npages * PAGE, MADV_DONTNEED);
}
