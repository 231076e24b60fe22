/* VM presets and invalidation sources, read from the data files in vms/
 * (format: docs/vms.md). A preset is the memslot map of a real VMM
 * configuration as a function of the guest's RAM size; a source is one
 * kernel mechanism that invalidates guest memory, with its size and rate.
 *
 * Parsing checks everything that does not depend on the RAM size and names
 * FILE:LINE on error; building a layout for one RAM size (vm_preset_build)
 * then says which slot does not fit.
 */
#ifndef ENGINE_VMFILE_H
#define ENGINE_VMFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/vm.h"

#define VMF_NAME 32
#define VMF_TEXT 200
#define VMF_EXPR 96
#define VMF_PATH 512
#define VMF_MAX_REFS 8
#define VMF_MAX_LETS 16
#define VMF_MAX_BLOCKS 16
#define VMF_MAX_SLOT_LINES 32
#define VMF_ERR 600

/* An expression over sizes: terms like 4G, 640K, 0x100000, ram, below4g,
 * joined by + and -; kept as text and evaluated once the RAM size is known. */
struct vmf_expr {
	char text[VMF_EXPR];
	int line;
};

struct vmf_block {
	char name[VMF_NAME];
	struct vmf_expr size;
	bool private_mem; /* guest_memfd only, no hva (the earlier shape) */
	bool gmem;        /* shared memory with a guest_memfd: every slot on it
			   * has both copies, its gfns private (the kernel's
			   * shape of a confidential guest's RAM) */
	int line;
};

/* What a slot is for; sources pick their targets by these. */
enum vmf_slot_flag {
	VMF_FAULT = 1 << 0,     /* vCPUs fault here (guest RAM) */
	VMF_REMOVABLE = 1 << 1, /* the VMM deletes/moves it at run time */
	VMF_HOTPLUG = 1 << 2,   /* virtio-mem device memory */
	VMF_RAM = 1 << 3,       /* guest RAM the guest's allocator owns */
};

struct vmf_slot {
	char name[VMF_NAME];
	uint32_t as_id;
	uint32_t block;   /* index into blocks */
	uint32_t count;   /* split into this many equal memslots (>= 1) */
	unsigned flags;   /* enum vmf_slot_flag */
	struct vmf_expr gfn, size, offset;
	struct vmf_expr plugged; /* hotplug: plugged bytes (faults go there) */
	bool has_plugged;
	int line;
};

struct vm_preset {
	char name[VMF_NAME];
	char path[VMF_PATH];
	char describe[VMF_TEXT];
	char refs[VMF_MAX_REFS][VMF_TEXT];
	uint32_t n_refs;
	uint64_t ram_default, ram_min, ram_max; /* bytes */
	/* The PCI hole: below4g = min(ram, ram >= threshold ? low : other),
	 * above4g = ram - below4g. Without a split line, below4g = ram. */
	bool has_split;
	uint64_t split_low, split_threshold, split_other;
	struct { char name[VMF_NAME]; struct vmf_expr e; } lets[VMF_MAX_LETS];
	uint32_t n_lets;
	uint32_t n_as;
	struct vmf_block blocks[VMF_MAX_BLOCKS];
	uint32_t n_blocks;
	struct vmf_slot slots[VMF_MAX_SLOT_LINES];
	uint32_t n_slots;
};

/* A preset laid out for one RAM size. */
struct vm_slot_info {
	char name[VMF_NAME + 8];
	unsigned flags;
	uint32_t block;
	uint64_t plugged_pages; /* pages from the slot's start vCPUs fault in */
};

struct vm_built {
	struct vm_layout layout;
	struct vm_slot_info info[VM_MAX_SLOTS];
	uint32_t n_blocks;
	struct {
		char name[VMF_NAME];
		uint64_t host_base, npages;
		uint64_t gmem_base; /* gmem: the private copy's first page */
		bool private_mem, gmem;
	} blocks[VMF_MAX_BLOCKS];
	uint64_t ram_bytes;
};

enum vm_source_kind {
	SRC_NOTIFIER, /* mmu-notifier range on host memory (hva) */
	SRC_SLOT_ZAP, /* memslot delete/move: gfn-only zap of a whole slot */
	SRC_CONVERT,  /* guest_memfd: attribute change (gfn zap) or punch */
};

enum vm_source_target {
	TGT_ANON,      /* every shared block (KSM, NUMA, reclaim, THP) */
	TGT_GUEST_RAM, /* shared blocks behind guest RAM slots (balloon, FPR) */
	TGT_HOTPLUG,   /* virtio-mem device memory */
	TGT_REMOVABLE, /* slots the VMM deletes or moves */
	TGT_PRIVATE,   /* guest_memfd slots */
};

struct vm_source {
	char name[VMF_NAME];
	char path[VMF_PATH];
	char describe[VMF_TEXT];
	char refs[VMF_MAX_REFS][VMF_TEXT];
	uint32_t n_refs;
	enum vm_source_kind kind;
	enum vm_source_target target;
	uint64_t bytes;     /* largest invalidation (slot-zap: the slot) */
	uint64_t min_bytes; /* smallest (== bytes: fixed size) */
	uint64_t align;     /* start alignment, bytes */
	double rate;        /* invalidations per second of guest time */
	double window_us;   /* phase 2: host changing the pages */
};

extern const char *const vm_source_kind_names[];
extern const char *const vm_source_target_names[];

/* Reads DIR/NAME.vm. Returns 0, or -1 with "FILE:LINE: what" in err (an
 * unknown NAME says which presets exist). */
int vm_preset_load(const char *dir, const char *name, struct vm_preset *p,
		   char *err, size_t len);
/* Reads DIR/sources/NAME.src. */
int vm_source_load(const char *dir, const char *name, struct vm_source *s,
		   char *err, size_t len);

/* Names of DIR/NAME.vm (or DIR/sources/NAME.src), sorted, into buf as "a, b, c".
 * Returns the count. */
int vm_list_names(const char *dir, bool sources, char *buf, size_t len);
/* The same, as an array of up to cap names (each VMF_NAME long). */
int vm_list_array(const char *dir, bool sources, char (*names)[VMF_NAME],
		  int cap);

/* Lays p out for ram_bytes. Returns 0, or -1 naming --vm-ram and the slot
 * that does not fit (or a preset bug with FILE:LINE). */
int vm_preset_build(const struct vm_preset *p, uint64_t ram_bytes,
		    struct vm_built *b, char *err, size_t len);

/* Whether source s has something to act on in b; false with the reason. */
bool vm_source_applies(const struct vm_source *s, const struct vm_built *b,
		       char *why, size_t len);

/* Parses a size like 4G, 640K, 4096 or 0x1000 (bytes). Returns 0 or -1. */
int vm_parse_size(const char *s, uint64_t *out);

#endif
