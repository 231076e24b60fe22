/* The guest: page tables, descriptor tables and a page-touching loop, laid
 * out in a small setup memslot, plus the register state that enters it.
 *
 * Why 64-bit long mode at CPL3: on the kvm_pvm kernel flavour real mode,
 * protected mode and even long mode at CPL0 are run by KVM's instruction
 * emulator, which takes no KVM page faults at all (../shared/LIVE-KVM.md).
 * Only CPL3 long-mode code runs natively and faults like a real guest.
 *
 * The loop writes one byte per 4 KiB page of [rsi, rsi + rcx pages), then
 * signals the end of the pass with `out GUEST_PASS_PORT, al` (one
 * KVM_EXIT_IO) and starts over.
 */
#ifndef LIVE_GUEST_H
#define LIVE_GUEST_H

#include <linux/kvm.h>
#include <stdint.h>

#define GUEST_SETUP_PAGES 16      /* the setup slot, at gfn 0 */
#define GUEST_PASS_PORT 0x10
#define GUEST_MAPPED_BYTES (4ULL << 30) /* identity map: 4 GiB, 2 MiB pages */
#define GUEST_MAX_GFN (GUEST_MAPPED_BYTES >> 12)

/* Writes page tables, GDT, TSS and code into `setup`
 * (GUEST_SETUP_PAGES pages, zeroed by the caller). */
void guest_build(void *setup);

/* Fills the special registers for the image. */
void guest_sregs(struct kvm_sregs *s);

/* Fills the general registers: the loop over `npages` pages from gfn
 * `first_gfn` (identity-mapped, so gva == gpa). */
void guest_regs(struct kvm_regs *r, uint64_t first_gfn, uint64_t npages);

#endif
