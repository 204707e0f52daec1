/* ptwr_insn.h - decoding and computing the instructions a 64-bit PV guest kernel uses to write
 * its read-only L1 page tables directly (Xen's writable-page-tables assist): pure functions
 * that touch neither guest memory nor hypervisor state, so they run on the host too. */
#ifndef HYP_PV_PTWR_INSN_H
#define HYP_PV_PTWR_INSN_H

#include "arch/arch.h"

/* The architectural limit: a longer instruction raises #GP. */
#define PTWR_INSN_MAX 15

enum ptwr_op {
    PTWR_MOV,     /* 88 89 C6/0 C7/0 */
    PTWR_XCHG,    /* 86 87 (always locked) */
    PTWR_CMPXCHG, /* 0F B0, 0F B1 */
    PTWR_ADD,     /* 00 01 80/0 81/0 83/0 */
    PTWR_OR,      /* 08 09 80/1 81/1 83/1 */
    PTWR_AND,     /* 20 21 80/4 81/4 83/4 */
    PTWR_SUB,     /* 28 29 80/5 81/5 83/5 */
    PTWR_XOR,     /* 30 31 80/6 81/6 83/6 */
    PTWR_BTS,     /* 0F AB, 0F BA/5 */
    PTWR_BTR,     /* 0F B3, 0F BA/6 */
    PTWR_BTC,     /* 0F BB, 0F BA/7 */
};

/*
 * A decoded instruction whose destination is its memory operand. "Source" is the value
 * operand, or for bts/btr/btc the bit offset.
 */
struct ptwr_insn {
    uint8_t len;    /* bytes, prefixes included: 1..PTWR_INSN_MAX */
    uint8_t size;   /* memory operand size in bytes: 1, 2, 4 or 8 */
    uint8_t op;     /* enum ptwr_op */
    bool lock;      /* LOCK prefix present, or implied (xchg) */
    bool src_imm;   /* source is imm, else general register reg */
    bool reg_high8; /* reg (0-3) stands for AH, CH, DH or BH: bits 15:8 of rax..rbx */
    uint8_t reg;    /* source register: 0 rax, 1 rcx, 2 rdx, 3 rbx, 4 rsp, 5 rbp, 6 rsi,
                     * 7 rdi, 8-15 r8-r15 (byte operands: low byte, or see reg_high8) */
    uint64_t imm;   /* immediate, extended as the CPU does and truncated to size bytes; for
                     * bt* the bit offset, already reduced modulo 8 * size */
};

/* What executing a ptwr_insn produces; nothing is applied until ptwr_commit(). */
struct ptwr_result {
    uint64_t newval;  /* new value of the memory operand, zero above its size */
    uint64_t rflags;  /* the guest's rflags afterwards (RF cleared, as after any instruction) */
    int reg;          /* general register to write (numbered as ptwr_insn.reg), or -1 */
    uint64_t reg_val; /* its whole new 64-bit value */
};

/*
 * Decode the instruction in bytes[0..avail) (fetched from the guest's rip). Only forms that
 * write a memory operand are accepted: prefixes 66, 67, F0, segment overrides (ignored: the
 * caller uses the fault address) and REX (one not directly before the opcode is ignored, as the
 * CPU does); opcodes 00 01 08 09 20 21 28 29 30 31 80 81 83 (add/or/and/sub/xor) 86 87 88 89
 * C6/0 C7/0 0F B0 0F B1 0F AB 0F B3 0F BB 0F BA/5-7.
 * Returns 0 with *out filled, -HV_EINVAL for anything else (unknown opcode or group member,
 * register destination, F2/F3 prefix, LOCK on mov, more than PTWR_INSN_MAX bytes), or
 * -HV_EFAULT if the instruction runs past avail before it is complete (*out is then undefined).
 */
int ptwr_decode(const uint8_t *bytes, size_t avail, struct ptwr_insn *out);

/*
 * Compute in on the memory operand's current value old (only its low in->size bytes are used)
 * and the guest registers regs, without changing regs. The caller then merges res->newval into
 * the naturally aligned entry at the fault address and stores it by compare-exchange against
 * the old value it read; if that loses a race (the CPU sets A/D bits, another vCPU writes),
 * it re-reads and calls this again. cmpxchg that finds a different value gives newval == old.
 * Returns 0, or -HV_EINVAL for a bt* register bit offset outside [0, 8 * size) (the CPU would
 * address memory beyond the operand; not emulated) or an insn ptwr_decode() cannot produce.
 */
int ptwr_execute(const struct ptwr_insn *in, uint64_t old, const struct cpu_regs *regs,
                 struct ptwr_result *res);

/* After the store succeeded: write res's register and rflags into regs and step rip past in. */
void ptwr_commit(const struct ptwr_insn *in, const struct ptwr_result *res, struct cpu_regs *regs);

#endif /* HYP_PV_PTWR_INSN_H */
