#define _GNU_SOURCE /* memfd_create, fallocate, MAP_FIXED_NOREPLACE */
#include "live/mechanism.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ULL
#define PROBE_PAGES 16

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

const char *const live_mech_names[LM_COUNT] = {
	[LM_DONTNEED] = "dontneed",
	[LM_MPROTECT] = "mprotect",
	[LM_REMAP] = "remap",
	[LM_PAGEOUT] = "pageout",
	[LM_PUNCH] = "punch",
};

bool live_mech_memfd(enum live_mech k)
{
	return k == LM_PUNCH;
}

bool live_mech_frees(enum live_mech k)
{
	return k != LM_MPROTECT;
}

static void *map_anon(void *at, uint64_t npages, int extra)
{
	void *p = mmap(at, npages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | extra, -1,
		       0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, npages * PAGE, MADV_NOHUGEPAGE);
	return p;
}

int live_mem_alloc(struct live_mem *m, uint64_t npages, bool memfd)
{
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->npages = npages;
	if (!memfd) {
		m->p = map_anon(NULL, npages, 0);
		return m->p ? 0 : -1;
	}
	m->fd = memfd_create("kvm-retry-bench", MFD_CLOEXEC);
	if (m->fd < 0)
		return -1;
	if (ftruncate(m->fd, (off_t)(npages * PAGE)) < 0) {
		live_mem_free(m);
		return -1;
	}
	m->p = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    m->fd, 0);
	if (m->p == MAP_FAILED) {
		m->p = NULL;
		live_mem_free(m);
		return -1;
	}
	madvise(m->p, npages * PAGE, MADV_NOHUGEPAGE);
	return 0;
}

void live_mem_free(struct live_mem *m)
{
	if (m->p)
		munmap(m->p, m->npages * PAGE);
	if (m->fd >= 0)
		close(m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

int live_mech_invalidate(enum live_mech k, struct live_mem *m)
{
	size_t len = m->npages * PAGE;

	switch (k) {
	case LM_DONTNEED:
		return madvise(m->p, len, MADV_DONTNEED);
	case LM_MPROTECT:
		/* One protection change per call, so each call is one
		 * notifier range like the others'. */
		m->readonly = !m->readonly;
		return mprotect(m->p, len, m->readonly ? PROT_READ
					: PROT_READ | PROT_WRITE);
	case LM_REMAP:
		/* NOREPLACE: should anything have taken the hole between the
		 * two calls, fail rather than map over it. The memslots keep
		 * the address, so they see the new memory. */
		if (munmap(m->p, len) < 0)
			return -1;
		return map_anon(m->p, m->npages, MAP_FIXED_NOREPLACE) == m->p
			? 0 : -1;
	case LM_PAGEOUT:
		return madvise(m->p, len, MADV_PAGEOUT);
	case LM_PUNCH:
		return fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				 0, (off_t)len);
	default:
		errno = EINVAL;
		return -1;
	}
}

static uint64_t resident(const struct live_mem *m)
{
	unsigned char v[PROBE_PAGES];
	uint64_t n = 0;

	if (mincore(m->p, m->npages * PAGE, v) < 0)
		return m->npages;
	for (uint64_t i = 0; i < m->npages; i++)
		n += v[i] & 1;
	return n;
}

int live_mech_probe(enum live_mech k, char *note, size_t len)
{
	struct live_mem m;
	uint64_t left;
	int rc = 0;

	if (k < 0 || k >= LM_COUNT) {
		snprintf(note, len, "unknown mechanism %d", (int)k);
		return 1;
	}
	if (live_mem_alloc(&m, PROBE_PAGES, live_mech_memfd(k)) < 0) {
		snprintf(note, len, "%s: cannot allocate its backing here (%s)",
			 live_mech_names[k], strerror(errno));
		return 1;
	}
	memset(m.p, 1, PROBE_PAGES * PAGE);
	if (live_mech_invalidate(k, &m) < 0) {
		snprintf(note, len, "%s: not supported by this kernel (%s)",
			 live_mech_names[k], strerror(errno));
		rc = 1;
	} else if (live_mech_frees(k) && (left = resident(&m)) > 0) {
		snprintf(note, len, "%s: no effect here (%llu of %d touched "
			 "pages still resident%s)", live_mech_names[k],
			 (unsigned long long)left, PROBE_PAGES,
			 k == LM_PAGEOUT ? "; anonymous memory needs swap to "
			 "be paged out" : "");
		rc = 1;
	} else {
		note[0] = '\0';
	}
	live_mem_free(&m);
	return rc;
}
