/* KVM's binary statistics (KVM_GET_STATS_FD), looked up by name.
 *
 * Why by name: the descriptor table differs between kernel versions and
 * flavours (45 counters on 6.18 kvm_pvm), so an index hard-coded from one
 * machine would silently read the wrong counter on another. A name that is
 * missing means "unsupported here", never a guess.
 *
 * The parser works on a plain buffer (the bytes from offset 0 up to the data
 * block) so it can be tested on synthetic input on machines without KVM.
 */
#ifndef LIVE_KVM_STATS_H
#define LIVE_KVM_STATS_H

#include <stddef.h>
#include <stdint.h>

#define KVM_STATS_MAX 256
#define KVM_STATS_NAME_MAX 64

struct kvm_stat_entry {
	char name[KVM_STATS_NAME_MAX];
	uint32_t offset; /* of the value, from the start of the data block */
};

/* The single-valued (size 1) counters of one stats fd. */
struct kvm_stats_table {
	uint32_t data_offset; /* of the data block, in the fd */
	uint32_t data_bytes;  /* bytes of the data block the table needs */
	uint32_t n;
	struct kvm_stat_entry e[KVM_STATS_MAX];
};

/* Parses the header and descriptors in buf[0, len). Descriptors whose size
 * is not 1 (histograms) are skipped. Returns 0, or -1 with a message in err
 * (truncated buffer, descriptor or name outside it, too many counters). */
int kvm_stats_parse(const void *buf, size_t len, struct kvm_stats_table *t,
		    char *err, size_t errlen);

/* Index of the counter `name`, or -1 when this kernel does not have it. */
int kvm_stats_find(const struct kvm_stats_table *t, const char *name);

/* Reads the header and descriptors from a stats fd and parses them. */
int kvm_stats_load(int fd, struct kvm_stats_table *t, char *err,
		   size_t errlen);

/* Value of counter `idx` from a data block read with kvm_stats_snapshot. */
uint64_t kvm_stats_value(const struct kvm_stats_table *t, const void *data,
			 int idx);

/* Reads the data block (t->data_bytes into data). Returns 0 or -1. */
int kvm_stats_snapshot(int fd, const struct kvm_stats_table *t, void *data);

#endif
