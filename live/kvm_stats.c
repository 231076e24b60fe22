#include "live/kvm_stats.h"

#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int kvm_stats_parse(const void *buf, size_t len, struct kvm_stats_table *t,
		    char *err, size_t errlen)
{
	const unsigned char *b = buf;
	struct kvm_stats_header h;
	size_t stride;

	memset(t, 0, sizeof(*t));
	if (len < sizeof(h)) {
		snprintf(err, errlen, "stats header truncated: %zu of %zu bytes",
			 len, sizeof(h));
		return -1;
	}
	memcpy(&h, b, sizeof(h));
	/* The descriptor stride is not sizeof(struct kvm_stats_desc): each
	 * descriptor is followed by its name, name_size bytes long. */
	stride = sizeof(struct kvm_stats_desc) + (size_t)h.name_size;
	if (h.name_size == 0 ||
	    (uint64_t)h.desc_offset + (uint64_t)h.num_desc * stride > len) {
		snprintf(err, errlen,
			 "stats descriptors (%u of %zu bytes at %u) outside the "
			 "%zu-byte buffer", h.num_desc, stride, h.desc_offset,
			 len);
		return -1;
	}
	t->data_offset = h.data_offset;
	for (uint32_t i = 0; i < h.num_desc; i++) {
		const unsigned char *p = b + h.desc_offset + i * stride;
		struct kvm_stats_desc d;
		size_t nlen;
		uint64_t end;

		memcpy(&d, p, sizeof(d));
		if (d.size != 1)
			continue; /* histograms: not a counter */
		nlen = strnlen((const char *)p + sizeof(d), h.name_size);
		if (nlen == 0 || nlen >= KVM_STATS_NAME_MAX) {
			snprintf(err, errlen,
				 "stats descriptor %u: name of %zu bytes (accepted "
				 "1..%d)", i, nlen, KVM_STATS_NAME_MAX - 1);
			return -1;
		}
		if (t->n == KVM_STATS_MAX) {
			snprintf(err, errlen, "more than %d stats counters",
				 KVM_STATS_MAX);
			return -1;
		}
		memcpy(t->e[t->n].name, p + sizeof(d), nlen);
		t->e[t->n].name[nlen] = '\0';
		t->e[t->n].offset = d.offset;
		end = (uint64_t)d.offset + sizeof(uint64_t);
		if (end > 1u << 20) {
			snprintf(err, errlen,
				 "stats descriptor %u (%s): value offset %u is "
				 "implausible", i, t->e[t->n].name, d.offset);
			return -1;
		}
		if (end > t->data_bytes)
			t->data_bytes = (uint32_t)end;
		t->n++;
	}
	return 0;
}

int kvm_stats_find(const struct kvm_stats_table *t, const char *name)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (strcmp(t->e[i].name, name) == 0)
			return (int)i;
	return -1;
}

int kvm_stats_load(int fd, struct kvm_stats_table *t, char *err,
		   size_t errlen)
{
	struct kvm_stats_header h;
	unsigned char *buf;
	size_t len;
	int rc;

	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		snprintf(err, errlen, "cannot read the stats header");
		return -1;
	}
	/* Everything the parser needs lies before the data block. */
	len = h.data_offset > h.desc_offset ? h.data_offset :
		h.desc_offset + (size_t)h.num_desc *
		(sizeof(struct kvm_stats_desc) + h.name_size);
	if (len > (16u << 20)) {
		snprintf(err, errlen, "stats header claims %zu bytes", len);
		return -1;
	}
	buf = malloc(len);
	if (!buf) {
		snprintf(err, errlen, "out of memory reading the stats header");
		return -1;
	}
	if (pread(fd, buf, len, 0) != (ssize_t)len) {
		free(buf);
		snprintf(err, errlen, "cannot read %zu bytes of stats descriptors",
			 len);
		return -1;
	}
	rc = kvm_stats_parse(buf, len, t, err, errlen);
	free(buf);
	return rc;
}

uint64_t kvm_stats_value(const struct kvm_stats_table *t, const void *data,
			 int idx)
{
	uint64_t v;

	memcpy(&v, (const unsigned char *)data + t->e[idx].offset, sizeof(v));
	return v;
}

int kvm_stats_snapshot(int fd, const struct kvm_stats_table *t, void *data)
{
	return pread(fd, data, t->data_bytes, t->data_offset) ==
			       (ssize_t)t->data_bytes ? 0 : -1;
}
