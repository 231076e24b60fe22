#include "live/guest.h"

#include <string.h>

/* Guest-physical layout of the setup slot. */
enum {
	PML4_GPA = 0x1000,
	PDPT_GPA = 0x2000,
	PD_GPA = 0x3000,   /* four page directories: 0x3000..0x6fff */
	GDT_GPA = 0x7000,
	TSS_GPA = 0x7800,
	CODE_GPA = 0x8000,
	STACK_TOP = 0xa000, /* unused by the loop; valid in case of a trap */
};

#define PTE_P 0x1ULL
#define PTE_RW 0x2ULL
#define PTE_US 0x4ULL /* every level: the loop runs at CPL3 */
#define PTE_PS 0x80ULL

#define SEL_CODE3 0x33 /* GDT entry 6, RPL 3 */
#define SEL_DATA3 0x2b /* GDT entry 5, RPL 3 */
#define SEL_TSS 0x40   /* GDT entries 8-9 */

/* mov rdi,rsi; mov rdx,rcx;
 * touch: mov byte [rdi],1; add rdi,0x1000; dec rdx; jnz touch;
 * out 0x10,al; jmp to the start. */
static const uint8_t guest_code[] = {
	0x48, 0x89, 0xf7,                         /* 0: mov rdi, rsi */
	0x48, 0x89, 0xca,                         /* 3: mov rdx, rcx */
	0xc6, 0x07, 0x01,                         /* 6: mov byte [rdi], 1 */
	0x48, 0x81, 0xc7, 0x00, 0x10, 0x00, 0x00, /* 9: add rdi, 0x1000 */
	0x48, 0xff, 0xca,                         /* 16: dec rdx */
	0x75, 0xf1,                               /* 19: jnz 6 */
	0xe6, GUEST_PASS_PORT,                    /* 21: out port, al */
	0xeb, 0xe7,                               /* 23: jmp 0 */
};

static void put64(void *setup, uint64_t gpa, uint64_t v)
{
	memcpy((uint8_t *)setup + gpa, &v, sizeof(v));
}

/* A GDT code/data descriptor: base 0, limit 4 GiB. */
static uint64_t seg_desc(unsigned type, unsigned dpl, unsigned l,
			 unsigned db)
{
	return 0xffffULL | (uint64_t)(type | 0x10 | dpl << 5 | 0x80) << 40 |
	       0xfULL << 48 | (uint64_t)(l << 5 | db << 6 | 0x80) << 48;
}

void guest_build(void *setup)
{
	uint64_t tss_lo, tss_hi;

	put64(setup, PML4_GPA, PDPT_GPA | PTE_P | PTE_RW | PTE_US);
	for (uint64_t g = 0; g < GUEST_MAPPED_BYTES >> 30; g++) {
		uint64_t pd = PD_GPA + g * 0x1000;

		put64(setup, PDPT_GPA + g * 8, pd | PTE_P | PTE_RW | PTE_US);
		for (uint64_t i = 0; i < 512; i++)
			put64(setup, pd + i * 8,
			      ((g << 30) + (i << 21)) | PTE_P | PTE_RW |
				      PTE_US | PTE_PS);
	}
	/* The descriptors mirror the cached segment state set by guest_sregs;
	 * KVM uses the cached state, the table only matters on a reload. */
	put64(setup, GDT_GPA + 5 * 8, seg_desc(0x3, 3, 0, 1));
	put64(setup, GDT_GPA + 6 * 8, seg_desc(0xb, 3, 1, 0));
	tss_lo = 0x67ULL | (uint64_t)(TSS_GPA & 0xffffff) << 16 |
		 0x8bULL << 40 | (uint64_t)(TSS_GPA >> 24) << 56;
	tss_hi = 0;
	put64(setup, GDT_GPA + 8 * 8, tss_lo);
	put64(setup, GDT_GPA + 9 * 8, tss_hi);
	memcpy((uint8_t *)setup + CODE_GPA, guest_code, sizeof(guest_code));
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type,
		uint8_t l, uint8_t db)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->dpl = 3;
	s->db = db;
	s->s = 1;
	s->l = l;
	s->g = 1;
}

void guest_sregs(struct kvm_sregs *s)
{
	seg(&s->cs, SEL_CODE3, 0xb, 1, 0);
	seg(&s->ss, SEL_DATA3, 0x3, 0, 1);
	s->ds = s->es = s->fs = s->gs = s->ss;
	memset(&s->tr, 0, sizeof(s->tr));
	s->tr.base = TSS_GPA;
	s->tr.limit = 0x67;
	s->tr.selector = SEL_TSS;
	s->tr.type = 0xb; /* 64-bit TSS, busy */
	s->tr.present = 1;
	memset(&s->ldt, 0, sizeof(s->ldt));
	s->ldt.unusable = 1;
	s->gdt.base = GDT_GPA;
	s->gdt.limit = 10 * 8 - 1;
	s->idt.base = 0;
	s->idt.limit = 0;
	/* The settings that ran natively on kvm_pvm (LIVE-KVM.md): PG, WP,
	 * AM, NE, ET, MP, PE; PAE only (PCIDE is rejected); LMA, LME, NXE,
	 * SCE. */
	s->cr0 = 0x80050033;
	s->cr3 = PML4_GPA;
	s->cr4 = 0x20;
	s->efer = 0xd01;
}

void guest_regs(struct kvm_regs *r, uint64_t first_gfn, uint64_t npages)
{
	memset(r, 0, sizeof(*r));
	r->rip = CODE_GPA;
	r->rsp = STACK_TOP;
	r->rflags = 2;
	r->rsi = first_gfn << 12;
	r->rcx = npages;
}
