/* percpu_offsets.h - constants shared by assembly and C (private to hyp/arch; the C side checks
 * them with BUILD_BUG_ON in cpu.c). */
#ifndef HYP_ARCH_PERCPU_OFFSETS_H
#define HYP_ARCH_PERCPU_OFFSETS_H

#define PERCPU_SCRATCH_RSP 8
#define PERCPU_STACK_TOP 16
#define VEC_SYSCALL 0x100 /* struct cpu_regs.vector of a SYSCALL entry (not a hardware vector) */

#endif
