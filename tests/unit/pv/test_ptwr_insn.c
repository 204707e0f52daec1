/* test_ptwr_insn.c - the writable-page-table instruction decoder and executor: every encoding
 * Linux's PV MMU uses (bytes from GNU as 2.40), hostile byte sequences, execution results and
 * flags, and a differential check of add/sub/and/or/xor/cmpxchg/xchg/bt* against the host CPU. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hv/errno.h"
#include "pv/ptwr_insn.h"
#include "support.h"

#define CF (1ull << 0)
#define PF (1ull << 2)
#define AF (1ull << 4)
#define ZF (1ull << 6)
#define SF (1ull << 7)
#define OF (1ull << 11)
#define RF (1ull << 16)
#define ARITH (CF | PF | AF | ZF | SF | OF)
#define FIXED 0x202ull /* bit 1 (always 1) and IF */

#define NBYTES(...) (uint8_t)sizeof((uint8_t[]){__VA_ARGS__})

/* ---- decoding of valid forms --------------------------------------------------------------- */

struct valid_case {
    const char *name;
    uint8_t bytes[PTWR_INSN_MAX];
    uint8_t nbytes; /* == the expected length */
    uint8_t size, op;
    bool lock, src_imm, high8;
    uint8_t reg;
    uint64_t imm;
};

/* Register source: name, size, op, lock, reg, high8, bytes. */
#define R(n, sz, o, lk, rg, hi, ...)                                                               \
    {                                                                                              \
        n, {__VA_ARGS__}, NBYTES(__VA_ARGS__), sz, o, lk, false, hi, rg, 0                         \
    }
/* Immediate source: name, size, op, lock, imm, bytes. */
#define I(n, sz, o, lk, im, ...)                                                                   \
    {                                                                                              \
        n, {__VA_ARGS__}, NBYTES(__VA_ARGS__), sz, o, lk, true, false, 0, im                       \
    }

static const struct valid_case valid[] = {
    R("movq %rax,(%rdi)", 8, PTWR_MOV, false, 0, false, 0x48, 0x89, 0x07),
    R("movq %r9,(%rdi)", 8, PTWR_MOV, false, 9, false, 0x4c, 0x89, 0x0f),
    R("movq %rcx,(%r8)", 8, PTWR_MOV, false, 1, false, 0x49, 0x89, 0x08),
    R("movq %rdx,8(%rdi,%rsi,8)", 8, PTWR_MOV, false, 2, false, 0x48, 0x89, 0x54, 0xf7, 0x08),
    R("movq %rdx,0x1000(%rdi,%rsi,8)", 8, PTWR_MOV, false, 2, false, 0x48, 0x89, 0x94, 0xf7, 0x00,
      0x10, 0x00, 0x00),
    R("movq %r15,-16(%r12,%r13,8)", 8, PTWR_MOV, false, 15, false, 0x4f, 0x89, 0x7c, 0xec, 0xf0),
    R("movq %rax,0x1000(%rdi)", 8, PTWR_MOV, false, 0, false, 0x48, 0x89, 0x87, 0x00, 0x10, 0x00,
      0x00),
    R("movq %rax,0x12345678(%rip)", 8, PTWR_MOV, false, 0, false, 0x48, 0x89, 0x05, 0x78, 0x56,
      0x34, 0x12),
    R("REX.B keeps rip-relative", 8, PTWR_MOV, false, 0, false, 0x49, 0x89, 0x05, 0x78, 0x56, 0x34,
      0x12),
    R("movq %rax,0x1234(,%rcx,8)", 8, PTWR_MOV, false, 0, false, 0x48, 0x89, 0x04, 0xcd, 0x34, 0x12,
      0x00, 0x00),
    R("movq %rax,0x1234(,%r9,8)", 8, PTWR_MOV, false, 0, false, 0x4a, 0x89, 0x04, 0xcd, 0x34, 0x12,
      0x00, 0x00),
    R("REX.B keeps SIB base 101 baseless", 8, PTWR_MOV, false, 0, false, 0x49, 0x89, 0x04, 0x2d,
      0x00, 0x00, 0x00, 0x00),
    R("movq %rax,(%rsp)", 8, PTWR_MOV, false, 0, false, 0x48, 0x89, 0x04, 0x24),
    R("movq %rax,(%r12)", 8, PTWR_MOV, false, 0, false, 0x49, 0x89, 0x04, 0x24),
    R("movq %rax,0(%r13)", 8, PTWR_MOV, false, 0, false, 0x49, 0x89, 0x45, 0x00),
    R("movq %rax,0(%rbp)", 8, PTWR_MOV, false, 0, false, 0x48, 0x89, 0x45, 0x00),
    R("movq %rsp,(%rdi)", 8, PTWR_MOV, false, 4, false, 0x48, 0x89, 0x27),
    R("movq %rax,%gs:(%rdi)", 8, PTWR_MOV, false, 0, false, 0x65, 0x48, 0x89, 0x07),
    R("movq %rax,%ds:(%rdi)", 8, PTWR_MOV, false, 0, false, 0x3e, 0x48, 0x89, 0x07),
    R("addr32 movq %rax,(%edi)", 8, PTWR_MOV, false, 0, false, 0x67, 0x48, 0x89, 0x07),
    I("movq $0,(%rdi)", 8, PTWR_MOV, false, 0, 0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x00),
    I("movq $-1,(%rdi)", 8, PTWR_MOV, false, ~0ull, 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff),
    I("movq $-0x80000000,(%rdi)", 8, PTWR_MOV, false, 0xffffffff80000000ull, 0x48, 0xc7, 0x07, 0x00,
      0x00, 0x00, 0x80),
    I("movq $0x7fffffff,0x18(%rdi)", 8, PTWR_MOV, false, 0x7fffffff, 0x48, 0xc7, 0x47, 0x18, 0xff,
      0xff, 0xff, 0x7f),
    I("movl $0x80000000,(%rdi)", 4, PTWR_MOV, false, 0x80000000, 0xc7, 0x07, 0x00, 0x00, 0x00,
      0x80),
    R("movl %eax,(%rdi)", 4, PTWR_MOV, false, 0, false, 0x89, 0x07),
    R("movl %edx,4(%rdi)", 4, PTWR_MOV, false, 2, false, 0x89, 0x57, 0x04),
    R("movl %r10d,4(%rdi)", 4, PTWR_MOV, false, 10, false, 0x44, 0x89, 0x57, 0x04),
    R("movw %ax,(%rdi)", 2, PTWR_MOV, false, 0, false, 0x66, 0x89, 0x07),
    I("movw $0x1234,6(%rdi)", 2, PTWR_MOV, false, 0x1234, 0x66, 0xc7, 0x47, 0x06, 0x34, 0x12),
    R("movb %ah,(%rdi)", 1, PTWR_MOV, false, 0, true, 0x88, 0x27),
    R("movb %bh,(%rdi)", 1, PTWR_MOV, false, 3, true, 0x88, 0x3f),
    R("movb %sil,(%rdi)", 1, PTWR_MOV, false, 6, false, 0x40, 0x88, 0x37),
    R("movb %spl,(%rdi)", 1, PTWR_MOV, false, 4, false, 0x40, 0x88, 0x27),
    R("movb %r8b,(%rdi)", 1, PTWR_MOV, false, 8, false, 0x44, 0x88, 0x07),
    I("movb $5,(%rdi)", 1, PTWR_MOV, false, 5, 0xc6, 0x07, 0x05),
    R("xchg %rax,(%rdi)", 8, PTWR_XCHG, true, 0, false, 0x48, 0x87, 0x07),
    R("lock xchg %rax,(%rdi)", 8, PTWR_XCHG, true, 0, false, 0xf0, 0x48, 0x87, 0x07),
    R("xchg %r11,(%rsi)", 8, PTWR_XCHG, true, 11, false, 0x4c, 0x87, 0x1e),
    R("xchgl %ecx,(%rdi)", 4, PTWR_XCHG, true, 1, false, 0x87, 0x0f),
    R("xchgb %dh,(%rdi)", 1, PTWR_XCHG, true, 2, true, 0x86, 0x37),
    R("lock cmpxchg %rcx,(%rdi)", 8, PTWR_CMPXCHG, true, 1, false, 0xf0, 0x48, 0x0f, 0xb1, 0x0f),
    R("lock cmpxchg %r8,(%r9)", 8, PTWR_CMPXCHG, true, 8, false, 0xf0, 0x4d, 0x0f, 0xb1, 0x01),
    R("lock cmpxchgl %ecx,(%rdi)", 4, PTWR_CMPXCHG, true, 1, false, 0xf0, 0x0f, 0xb1, 0x0f),
    R("lock cmpxchgb %cl,(%rdi)", 1, PTWR_CMPXCHG, true, 1, false, 0xf0, 0x0f, 0xb0, 0x0f),
    R("cmpxchg %rcx,(%rdi)", 8, PTWR_CMPXCHG, false, 1, false, 0x48, 0x0f, 0xb1, 0x0f),
    I("lock andb $0xfd,(%rdi)", 1, PTWR_AND, true, 0xfd, 0xf0, 0x80, 0x27, 0xfd),
    I("lock andb $0xfd,1(%rdi)", 1, PTWR_AND, true, 0xfd, 0xf0, 0x80, 0x67, 0x01, 0xfd),
    I("lock andq $~2,(%rdi)", 8, PTWR_AND, true, 0xfffffffffffffffdull, 0xf0, 0x48, 0x83, 0x27,
      0xfd),
    I("lock btrq $5,(%rdi)", 8, PTWR_BTR, true, 5, 0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05),
    I("lock btsq $63,(%rdi)", 8, PTWR_BTS, true, 63, 0xf0, 0x48, 0x0f, 0xba, 0x2f, 0x3f),
    I("lock btcl $31,(%rdi)", 4, PTWR_BTC, true, 31, 0xf0, 0x0f, 0xba, 0x3f, 0x1f),
    I("btsw $3,(%rdi)", 2, PTWR_BTS, false, 3, 0x66, 0x0f, 0xba, 0x2f, 0x03),
    I("btrq $69 is bit 5", 8, PTWR_BTR, false, 5, 0x48, 0x0f, 0xba, 0x37, 0x45),
    I("btsl $255 is bit 31", 4, PTWR_BTS, false, 31, 0x0f, 0xba, 0x2f, 0xff),
    I("btsw $0x1f is bit 15", 2, PTWR_BTS, false, 15, 0x66, 0x0f, 0xba, 0x2f, 0x1f),
    I("lock orq $0x40,(%rdi)", 8, PTWR_OR, true, 0x40, 0xf0, 0x48, 0x83, 0x0f, 0x40),
    I("lock orq $0x100,(%rdi)", 8, PTWR_OR, true, 0x100, 0xf0, 0x48, 0x81, 0x0f, 0x00, 0x01, 0x00,
      0x00),
    I("orq $-0x80000000,(%rdi)", 8, PTWR_OR, false, 0xffffffff80000000ull, 0x48, 0x81, 0x0f, 0x00,
      0x00, 0x00, 0x80),
    I("orw $-1,(%rdi) (83 ib)", 2, PTWR_OR, false, 0xffff, 0x66, 0x83, 0x0f, 0xff),
    I("orl $-1,(%rdi) (83 ib)", 4, PTWR_OR, false, 0xffffffff, 0x83, 0x0f, 0xff),
    I("lock orb $0x20,(%rdi)", 1, PTWR_OR, true, 0x20, 0xf0, 0x80, 0x0f, 0x20),
    R("lock orq %rax,(%rdi)", 8, PTWR_OR, true, 0, false, 0xf0, 0x48, 0x09, 0x07),
    R("lock andq %rax,(%rdi)", 8, PTWR_AND, true, 0, false, 0xf0, 0x48, 0x21, 0x07),
    R("lock xorq %rax,(%rdi)", 8, PTWR_XOR, true, 0, false, 0xf0, 0x48, 0x31, 0x07),
    R("lock addq %rax,(%rdi)", 8, PTWR_ADD, true, 0, false, 0xf0, 0x48, 0x01, 0x07),
    R("lock subq %rax,(%rdi)", 8, PTWR_SUB, true, 0, false, 0xf0, 0x48, 0x29, 0x07),
    R("addb %cl,(%rdi)", 1, PTWR_ADD, false, 1, false, 0x00, 0x0f),
    R("orb %ch,(%rdi)", 1, PTWR_OR, false, 1, true, 0x08, 0x2f),
    R("andb %r12b,(%rdi)", 1, PTWR_AND, false, 12, false, 0x44, 0x20, 0x27),
    R("subb %dl,(%rdi)", 1, PTWR_SUB, false, 2, false, 0x28, 0x17),
    R("xorb %bl,(%rdi)", 1, PTWR_XOR, false, 3, false, 0x30, 0x1f),
    I("addq $1,(%rdi)", 8, PTWR_ADD, false, 1, 0x48, 0x83, 0x07, 0x01),
    I("subq $0x1000,(%rdi)", 8, PTWR_SUB, false, 0x1000, 0x48, 0x81, 0x2f, 0x00, 0x10, 0x00, 0x00),
    I("xorl $0x80000000,(%rdi)", 4, PTWR_XOR, false, 0x80000000, 0x81, 0x37, 0x00, 0x00, 0x00,
      0x80),
    I("andw $0x8000,(%rdi)", 2, PTWR_AND, false, 0x8000, 0x66, 0x81, 0x27, 0x00, 0x80),
    R("lock btsq %rax,(%rdi)", 8, PTWR_BTS, true, 0, false, 0xf0, 0x48, 0x0f, 0xab, 0x07),
    R("lock btrq %rcx,(%rdi)", 8, PTWR_BTR, true, 1, false, 0xf0, 0x48, 0x0f, 0xb3, 0x0f),
    R("lock btcq %rdx,(%rdi)", 8, PTWR_BTC, true, 2, false, 0xf0, 0x48, 0x0f, 0xbb, 0x17),
    R("btsl %r9d,(%rdi)", 4, PTWR_BTS, false, 9, false, 0x44, 0x0f, 0xab, 0x0f),
    R("btsw %ax,(%rdi)", 2, PTWR_BTS, false, 0, false, 0x66, 0x0f, 0xab, 0x07),
    /* prefix interplay */
    R("66 with REX.W: 64-bit", 8, PTWR_MOV, false, 0, false, 0x66, 0x48, 0x89, 0x07),
    R("REX then 66: REX ignored, 16-bit", 2, PTWR_MOV, false, 0, false, 0x48, 0x66, 0x89, 0x07),
    R("REX then DS: REX ignored, %ah", 1, PTWR_MOV, false, 0, true, 0x40, 0x3e, 0x88, 0x27),
    R("two REX: the last counts", 8, PTWR_MOV, false, 0, false, 0x4c, 0x48, 0x89, 0x07),
    R("lock lock xchg", 8, PTWR_XCHG, true, 0, false, 0xf0, 0xf0, 0x48, 0x87, 0x07),
    I("15 bytes exactly", 8, PTWR_MOV, false, 0x12345678, 0x3e, 0x3e, 0x3e, 0x48, 0xc7, 0x84, 0x24,
      0xff, 0xff, 0xff, 0x7f, 0x78, 0x56, 0x34, 0x12),
    R("12 prefixes, 15 bytes", 8, PTWR_MOV, false, 0, false, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
      0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x48, 0x89, 0x07),
};

static void check_valid(const struct valid_case *c, const struct ptwr_insn *in)
{
    ck_assert_msg(in->len == c->nbytes, "%s: len %u", c->name, in->len);
    ck_assert_msg(in->size == c->size, "%s: size %u", c->name, in->size);
    ck_assert_msg(in->op == c->op, "%s: op %u", c->name, in->op);
    ck_assert_msg(in->lock == c->lock, "%s: lock %d", c->name, in->lock);
    ck_assert_msg(in->src_imm == c->src_imm, "%s: src_imm %d", c->name, in->src_imm);
    if (c->src_imm) {
        ck_assert_msg(in->imm == c->imm, "%s: imm %#lx", c->name, (unsigned long)in->imm);
    } else {
        ck_assert_msg(in->reg == c->reg, "%s: reg %u", c->name, in->reg);
        ck_assert_msg(in->reg_high8 == c->high8, "%s: high8 %d", c->name, in->reg_high8);
    }
}

START_TEST(test_decode_valid)
{
    const struct valid_case *c = &valid[_i];
    struct ptwr_insn in;
    int rc;

    memset(&in, 0xa5, sizeof(in));
    rc = ptwr_decode(c->bytes, c->nbytes, &in);
    ck_assert_msg(rc == 0, "%s: rc %d", c->name, rc);
    check_valid(c, &in);
}
END_TEST

/* Trailing bytes (what follows in the guest's code) change nothing. */
START_TEST(test_decode_valid_with_tail)
{
    const struct valid_case *c = &valid[_i];
    uint8_t buf[32];
    struct ptwr_insn in;
    int rc;

    memset(buf, 0xf3, sizeof(buf)); /* a prefix we refuse, if it were ever read */
    memcpy(buf, c->bytes, c->nbytes);
    rc = ptwr_decode(buf, sizeof(buf), &in);
    ck_assert_msg(rc == 0, "%s: rc %d", c->name, rc);
    check_valid(c, &in);
}
END_TEST

/* Every proper prefix of a valid instruction is incomplete: -HV_EFAULT, never a read past avail
 * (ASan checks that: the bytes are copied into a buffer of exactly that size). */
START_TEST(test_decode_truncated)
{
    const struct valid_case *c = &valid[_i];
    struct ptwr_insn in;

    for (size_t n = 0; n < c->nbytes; n++) {
        uint8_t *buf = malloc(n ? n : 1);
        int rc;

        memcpy(buf, c->bytes, n);
        rc = ptwr_decode(buf, n, &in);
        free(buf);
        ck_assert_msg(rc == -HV_EFAULT, "%s: first %zu bytes: rc %d", c->name, n, rc);
    }
}
END_TEST

/* ---- hostile and unsupported byte sequences ----------------------------------------------- */

struct bad_case {
    const char *name;
    uint8_t bytes[24];
    uint8_t nbytes;
    int rc;
};

#define BAD(n, r, ...)                                                                             \
    {                                                                                              \
        n, {__VA_ARGS__}, NBYTES(__VA_ARGS__), r                                                   \
    }
#define P15 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e

static const struct bad_case bad[] = {
    BAD("15 prefixes then mov", -HV_EINVAL, P15, 0x48, 0x89, 0x07),
    BAD("13 prefixes then mov: 16 bytes", -HV_EINVAL, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
        0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x48, 0x89, 0x07),
    BAD("4 prefixes then 12-byte mov: 16 bytes", -HV_EINVAL, 0x3e, 0x3e, 0x3e, 0x3e, 0x48, 0xc7,
        0x84, 0x24, 0xff, 0xff, 0xff, 0x7f, 0x78, 0x56, 0x34, 0x12),
    BAD("16 x REX", -HV_EINVAL, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48,
        0x48, 0x48, 0x48, 0x48, 0x48),
    BAD("16 x 66", -HV_EINVAL, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
        0x66, 0x66, 0x66, 0x66, 0x66),
    BAD("16 x lock", -HV_EINVAL, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0,
        0xf0, 0xf0, 0xf0, 0xf0, 0xf0),
    BAD("mov %rax,%rdi (register destination)", -HV_EINVAL, 0x48, 0x89, 0xc7),
    BAD("xchg %rax,%rax via 87 c0", -HV_EINVAL, 0x48, 0x87, 0xc0),
    BAD("lock cmpxchg %rcx,%rax", -HV_EINVAL, 0xf0, 0x48, 0x0f, 0xb1, 0xc8),
    BAD("lock andb $0xfd,%al", -HV_EINVAL, 0xf0, 0x80, 0xe0, 0xfd),
    BAD("btrq $5,%rax", -HV_EINVAL, 0x48, 0x0f, 0xba, 0xf0, 0x05),
    BAD("movq $0,%rdi", -HV_EINVAL, 0x48, 0xc7, 0xc7, 0x00, 0x00, 0x00, 0x00),
    BAD("xabort (c6 f8)", -HV_EINVAL, 0xc6, 0xf8, 0x00),
    BAD("rep mov (f3)", -HV_EINVAL, 0xf3, 0x48, 0x89, 0x07),
    BAD("repne mov (f2)", -HV_EINVAL, 0xf2, 0x48, 0x89, 0x07),
    BAD("xacquire lock cmpxchg", -HV_EINVAL, 0xf2, 0xf0, 0x48, 0x0f, 0xb1, 0x0f),
    BAD("xrelease xchg", -HV_EINVAL, 0xf3, 0x48, 0x87, 0x07),
    BAD("f3 after REX", -HV_EINVAL, 0x48, 0xf3, 0x89, 0x07),
    BAD("f3 alone, truncated", -HV_EINVAL, 0xf3),
    BAD("lock mov", -HV_EINVAL, 0xf0, 0x48, 0x89, 0x07),
    BAD("lock movq $0", -HV_EINVAL, 0xf0, 0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x00),
    BAD("lock movb $0", -HV_EINVAL, 0xf0, 0xc6, 0x07, 0x00),
    BAD("mov load (8b)", -HV_EINVAL, 0x48, 0x8b, 0x07),
    BAD("mov load byte (8a)", -HV_EINVAL, 0x8a, 0x07),
    BAD("add load (03)", -HV_EINVAL, 0x48, 0x03, 0x07),
    BAD("or %al imm (0c)", -HV_EINVAL, 0x0c, 0x01),
    BAD("lock xadd", -HV_EINVAL, 0xf0, 0x48, 0x0f, 0xc1, 0x07),
    BAD("lock cmpxchg16b", -HV_EINVAL, 0xf0, 0x48, 0x0f, 0xc7, 0x0f),
    BAD("incq", -HV_EINVAL, 0x48, 0xff, 0x07),
    BAD("lock incq", -HV_EINVAL, 0xf0, 0x48, 0xff, 0x07),
    BAD("negq", -HV_EINVAL, 0x48, 0xf7, 0x1f),
    BAD("notq", -HV_EINVAL, 0x48, 0xf7, 0x17),
    BAD("shlq", -HV_EINVAL, 0x48, 0xd1, 0x27),
    BAD("adcq $1", -HV_EINVAL, 0x48, 0x83, 0x17, 0x01),
    BAD("sbbq $1", -HV_EINVAL, 0x48, 0x83, 0x1f, 0x01),
    BAD("cmpq $1", -HV_EINVAL, 0x48, 0x83, 0x3f, 0x01),
    BAD("adcb $1", -HV_EINVAL, 0x80, 0x17, 0x01),
    BAD("cmpl $imm32", -HV_EINVAL, 0x81, 0x3f, 0x00, 0x00, 0x00, 0x00),
    BAD("adc %rax,(%rdi) (11)", -HV_EINVAL, 0x48, 0x11, 0x07),
    BAD("sbb %rax,(%rdi) (19)", -HV_EINVAL, 0x48, 0x19, 0x07),
    BAD("cmp %rax,(%rdi) (39)", -HV_EINVAL, 0x48, 0x39, 0x07),
    BAD("82 /0 (invalid in 64-bit mode)", -HV_EINVAL, 0x82, 0x07, 0x01),
    BAD("btq $1 (no write)", -HV_EINVAL, 0x48, 0x0f, 0xba, 0x27, 0x01),
    BAD("0f ba /0", -HV_EINVAL, 0x48, 0x0f, 0xba, 0x07, 0x01),
    BAD("0f ba /3", -HV_EINVAL, 0x48, 0x0f, 0xba, 0x1f, 0x01),
    BAD("btq %rax (no write)", -HV_EINVAL, 0x48, 0x0f, 0xa3, 0x07),
    BAD("c7 /1", -HV_EINVAL, 0xc7, 0x0f, 0x00, 0x00, 0x00, 0x00),
    BAD("c6 /7 memory", -HV_EINVAL, 0xc6, 0x3f, 0x00),
    BAD("movsq", -HV_EINVAL, 0x48, 0xa5),
    BAD("stosq", -HV_EINVAL, 0x48, 0xab),
    BAD("mov %rax,moffs64", -HV_EINVAL, 0x48, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0),
    BAD("movups %xmm0,(%rdi)", -HV_EINVAL, 0x0f, 0x11, 0x07),
    BAD("movnti", -HV_EINVAL, 0x48, 0x0f, 0xc3, 0x07),
    BAD("popq (%rdi)", -HV_EINVAL, 0x8f, 0x07),
    BAD("ud2", -HV_EINVAL, 0x0f, 0x0b),
    BAD("0f ff", -HV_EINVAL, 0x0f, 0xff),
    BAD("unknown opcode, nothing after it", -HV_EINVAL, 0x8b),
    BAD("cmpxchg %cl,%al", -HV_EINVAL, 0x0f, 0xb0, 0xc8),
    BAD("0f alone", -HV_EFAULT, 0x0f),
    BAD("REX alone", -HV_EFAULT, 0x48),
    BAD("lock alone", -HV_EFAULT, 0xf0),
    BAD("14 prefixes, no opcode", -HV_EFAULT, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
        0x3e, 0x3e, 0x3e, 0x3e, 0x3e),
    BAD("15 prefixes, no opcode", -HV_EINVAL, P15),
    BAD("SIB missing", -HV_EFAULT, 0x48, 0x89, 0x04),
    BAD("disp32 cut short", -HV_EFAULT, 0x48, 0x89, 0x05, 0x00, 0x00),
    BAD("imm32 cut short", -HV_EFAULT, 0x48, 0xc7, 0x07, 0x00, 0x00, 0x00),
    BAD("bt imm8 missing", -HV_EFAULT, 0xf0, 0x48, 0x0f, 0xba, 0x37),
};

START_TEST(test_decode_bad)
{
    const struct bad_case *c = &bad[_i];
    uint8_t *buf = malloc(c->nbytes); /* exact size: ASan catches any read past it */
    struct ptwr_insn in;
    int rc;

    memcpy(buf, c->bytes, c->nbytes);
    rc = ptwr_decode(buf, c->nbytes, &in);
    free(buf);
    ck_assert_msg(rc == c->rc, "%s: rc %d, want %d", c->name, rc, c->rc);
}
END_TEST

START_TEST(test_decode_empty)
{
    uint8_t b = 0x89;
    struct ptwr_insn in;

    ck_assert_int_eq(ptwr_decode(&b, 0, &in), -HV_EFAULT);
}
END_TEST

/* Random bytes: decoding never reads past avail or beyond 15 bytes, and what it accepts is
 * self-consistent. */
START_TEST(test_decode_random)
{
    uint8_t buf[PTWR_INSN_MAX];
    struct ptwr_insn in;
    unsigned int accepted = 0;

    srandom(42);
    for (int iter = 0; iter < 200000; iter++) {
        size_t n = (size_t)(random() % (PTWR_INSN_MAX + 1));
        uint8_t *heap = malloc(n ? n : 1);
        int rc;

        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)random();
        memcpy(heap, buf, n);
        rc = ptwr_decode(heap, n, &in);
        free(heap);
        ck_assert(rc == 0 || rc == -HV_EINVAL || rc == -HV_EFAULT);
        if (rc == 0) {
            accepted++;
            ck_assert(in.len >= 2 && in.len <= n);
            ck_assert(in.size == 1 || in.size == 2 || in.size == 4 || in.size == 8);
            ck_assert(in.op <= PTWR_BTC);
            ck_assert(in.src_imm || in.reg < 16);
            ck_assert(!in.reg_high8 || (in.reg < 4 && in.size == 1));
            ck_assert(in.imm <= (in.size == 8 ? ~0ull : (1ull << (8 * in.size)) - 1));
        }
    }
    ck_assert_uint_gt(accepted, 100);
}
END_TEST

/* ---- execution ------------------------------------------------------------------------------ */

static struct ptwr_insn decode_ok(const uint8_t *bytes, size_t n)
{
    struct ptwr_insn in;

    ck_assert_int_eq(ptwr_decode(bytes, n, &in), 0);
    return in;
}

#define DECODE(...) decode_ok((const uint8_t[]){__VA_ARGS__}, NBYTES(__VA_ARGS__))

static struct cpu_regs base_regs(void)
{
    struct cpu_regs r;

    memset(&r, 0, sizeof(r));
    r.rflags = FIXED | RF;
    r.rip = 0xffffffff81000000ull;
    return r;
}

static struct ptwr_result exec_ok(const struct ptwr_insn *in, uint64_t old,
                                  const struct cpu_regs *r)
{
    struct ptwr_result res;

    ck_assert_int_eq(ptwr_execute(in, old, r, &res), 0);
    return res;
}

START_TEST(test_exec_mov)
{
    struct cpu_regs r = base_regs(), before;
    struct ptwr_insn in = DECODE(0x48, 0x89, 0x54, 0xf7, 0x08); /* movq %rdx,8(%rdi,%rsi,8) */
    struct ptwr_result res;

    r.rdx = 0x8000000012345067ull;
    r.rflags |= CF | ZF | (1ull << 10); /* flags untouched by mov; DF kept */
    before = r;
    res = exec_ok(&in, 0x1111, &r);
    ck_assert(memcmp(&r, &before, sizeof(r)) == 0); /* execute changes nothing */
    ck_assert_uint_eq(res.newval, 0x8000000012345067ull);
    ck_assert_int_eq(res.reg, -1);
    ck_assert_uint_eq(res.rflags, (before.rflags & ~RF));
    ptwr_commit(&in, &res, &r);
    ck_assert_uint_eq(r.rip, before.rip + 5);
    ck_assert_uint_eq(r.rflags, before.rflags & ~RF);
    ck_assert_uint_eq(r.rdx, before.rdx);
}
END_TEST

START_TEST(test_exec_mov_partial)
{
    struct cpu_regs r = base_regs();
    struct ptwr_insn in;
    struct ptwr_result res;

    r.rdx = 0xffffffff00000001ull;
    in = DECODE(0x89, 0x57, 0x04); /* movl %edx,4(%rdi): upper half of a PTE */
    res = exec_ok(&in, 0xdeadbeef, &r);
    ck_assert_uint_eq(res.newval, 1);
    r.rax = 0x1234;
    in = DECODE(0x88, 0x27); /* movb %ah,(%rdi) */
    ck_assert_uint_eq(exec_ok(&in, 0, &r).newval, 0x12);
    in = DECODE(0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff); /* movq $-1 */
    ck_assert_uint_eq(exec_ok(&in, 0, &r).newval, ~0ull);
    in = DECODE(0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x00); /* movq $0 */
    ck_assert_uint_eq(exec_ok(&in, 0x8000000000000067ull, &r).newval, 0);
    r.rsp = 0xffff880000001000ull;
    in = DECODE(0x40, 0x88, 0x27); /* movb %spl,(%rdi) */
    ck_assert_uint_eq(exec_ok(&in, 0, &r).newval, 0x00);
    in = DECODE(0x48, 0x89, 0x27); /* movq %rsp,(%rdi): the guest's rsp */
    ck_assert_uint_eq(exec_ok(&in, 0, &r).newval, 0xffff880000001000ull);
}
END_TEST

/* Each register number reads the right field of struct cpu_regs. */
START_TEST(test_exec_register_map)
{
    struct cpu_regs r = base_regs();
    uint64_t *fields[16] = {&r.rax, &r.rcx, &r.rdx, &r.rbx, &r.rsp, &r.rbp, &r.rsi, &r.rdi,
                            &r.r8,  &r.r9,  &r.r10, &r.r11, &r.r12, &r.r13, &r.r14, &r.r15};
    unsigned int n = (unsigned int)_i;
    uint8_t bytes[3] = {(uint8_t)(0x48 | (n >= 8 ? 4 : 0)), 0x89, (uint8_t)(((n & 7) << 3) | 7)};
    struct ptwr_insn in = decode_ok(bytes, sizeof(bytes)), xin;
    struct ptwr_result res;
    uint8_t xbytes[3] = {bytes[0], 0x87, bytes[2]};

    for (unsigned int k = 0; k < 16; k++)
        *fields[k] = 0x1000 + k;
    ck_assert_uint_eq(in.reg, n);
    ck_assert_uint_eq(exec_ok(&in, 0, &r).newval, 0x1000 + n);
    /* and xchg writes back to that same field */
    xin = decode_ok(xbytes, sizeof(xbytes));
    res = exec_ok(&xin, 0xabc, &r);
    ptwr_commit(&xin, &res, &r);
    for (unsigned int k = 0; k < 16; k++)
        ck_assert_uint_eq(*fields[k], k == n ? 0xabc : 0x1000 + k);
}
END_TEST

START_TEST(test_exec_xchg)
{
    struct cpu_regs r = base_regs();
    struct ptwr_insn in = DECODE(0x48, 0x87, 0x07); /* xchg %rax,(%rdi) */
    struct ptwr_result res;

    r.rax = 0x8000000000abc067ull;
    res = exec_ok(&in, 0x123067, &r);
    ck_assert_uint_eq(res.newval, 0x8000000000abc067ull);
    ck_assert_int_eq(res.reg, 0);
    ck_assert_uint_eq(res.reg_val, 0x123067);
    ck_assert_uint_eq(r.rax, 0x8000000000abc067ull); /* not yet */
    ptwr_commit(&in, &res, &r);
    ck_assert_uint_eq(r.rax, 0x123067);
    ck_assert_uint_eq(r.rip, 0xffffffff81000003ull);

    r.rcx = 0xffffffff11111111ull;
    in = DECODE(0x87, 0x0f); /* xchgl %ecx,(%rdi): 32-bit write zero-extends */
    res = exec_ok(&in, 0xaaaaaaaa22222222ull, &r);
    ck_assert_uint_eq(res.newval, 0x11111111);
    ck_assert_int_eq(res.reg, 1);
    ck_assert_uint_eq(res.reg_val, 0x22222222);

    r.rdx = 0x1111223344556677ull;
    in = DECODE(0x86, 0x37); /* xchgb %dh,(%rdi) */
    res = exec_ok(&in, 0xab, &r);
    ck_assert_uint_eq(res.newval, 0x66);
    ck_assert_int_eq(res.reg, 2);
    ck_assert_uint_eq(res.reg_val, 0x111122334455ab77ull);

    r.rsi = 0x1111223344556677ull;
    in = DECODE(0x66, 0x87, 0x37); /* xchgw %si,(%rdi) */
    res = exec_ok(&in, 0xabcd, &r);
    ck_assert_uint_eq(res.newval, 0x6677);
    ck_assert_uint_eq(res.reg_val, 0x111122334455abcdull);
}
END_TEST

START_TEST(test_exec_cmpxchg)
{
    struct cpu_regs r = base_regs();
    struct ptwr_insn in = DECODE(0xf0, 0x48, 0x0f, 0xb1, 0x0f); /* lock cmpxchg %rcx,(%rdi) */
    struct ptwr_result res;

    /* equal: store rcx, ZF=1, rax untouched */
    r.rax = 0x123067;
    r.rcx = 0x123065;
    r.rflags |= CF | SF | OF;
    res = exec_ok(&in, 0x123067, &r);
    ck_assert_uint_eq(res.newval, 0x123065);
    ck_assert_int_eq(res.reg, -1);
    ck_assert_uint_eq(res.rflags & ARITH, ZF | PF);
    /* different: no change, rax = old, ZF=0, CF from rax - old borrowing */
    r.rax = 1;
    res = exec_ok(&in, 5, &r);
    ck_assert_uint_eq(res.newval, 5);
    ck_assert_int_eq(res.reg, 0);
    ck_assert_uint_eq(res.reg_val, 5);
    ck_assert_uint_eq(res.rflags & (ZF | CF | SF), CF | SF);
    ptwr_commit(&in, &res, &r);
    ck_assert_uint_eq(r.rax, 5);

    /* 32-bit: a failure zero-extends into rax, a success leaves rax alone */
    in = DECODE(0xf0, 0x0f, 0xb1, 0x0f);
    r.rax = 0xffffffff00000001ull;
    res = exec_ok(&in, 0x7777777700000005ull, &r); /* only the low 4 bytes count */
    ck_assert_uint_eq(res.reg_val, 5);
    r.rax = 0xffffffff00000005ull;
    res = exec_ok(&in, 0xaaaaaaaa00000005ull, &r); /* only the low 4 bytes count */
    ck_assert_int_eq(res.reg, -1);
    ck_assert(res.rflags & ZF);

    /* 8-bit: only %al changes */
    in = DECODE(0xf0, 0x0f, 0xb0, 0x0f);
    r.rax = 0x1122334455667701ull;
    res = exec_ok(&in, 0x05, &r);
    ck_assert_uint_eq(res.reg_val, 0x1122334455667705ull);
}
END_TEST

START_TEST(test_exec_linux_bitops)
{
    struct cpu_regs r = base_regs();
    struct ptwr_insn in = DECODE(0xf0, 0x80, 0x27, 0xfd); /* lock andb $0xfd (wrprotect) */
    struct ptwr_result res;

    r.rflags |= CF | OF | AF | ZF | SF;
    res = exec_ok(&in, 0x67, &r);
    ck_assert_uint_eq(res.newval, 0x65);
    ck_assert_uint_eq(res.rflags & ARITH, PF); /* 0x65 has four bits set */
    ck_assert_uint_eq(res.rflags & ~ARITH, FIXED);

    in = DECODE(0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05); /* lock btrq $5 (test_and_clear_young) */
    r.rflags = FIXED | ZF;
    res = exec_ok(&in, 0x8000000000123067ull, &r);
    ck_assert_uint_eq(res.newval, 0x8000000000123047ull);
    ck_assert_uint_eq(res.rflags, FIXED | ZF | CF); /* ZF kept */
    res = exec_ok(&in, 0x8000000000123047ull, &r);
    ck_assert_uint_eq(res.newval, 0x8000000000123047ull);
    ck_assert_uint_eq(res.rflags, FIXED | ZF);

    in = DECODE(0xf0, 0x48, 0x83, 0x0f, 0x40); /* lock orq $0x40 (dirty) */
    res = exec_ok(&in, 0x8000000000123027ull, &r);
    ck_assert_uint_eq(res.newval, 0x8000000000123067ull);
    ck_assert_uint_eq(res.rflags & ARITH, SF);

    in = DECODE(0xf0, 0x48, 0x0f, 0xba, 0x2f, 0x3f); /* lock btsq $63 */
    res = exec_ok(&in, 0x123067, &r);
    ck_assert_uint_eq(res.newval, 0x8000000000123067ull);
    ck_assert(!(res.rflags & CF));

    in = DECODE(0x66, 0x0f, 0xba, 0x3f, 0x1f); /* btcw $15 */
    res = exec_ok(&in, 0xffff, &r);
    ck_assert_uint_eq(res.newval, 0x7fff);
    ck_assert(res.rflags & CF);
}
END_TEST

START_TEST(test_exec_bit_register_range)
{
    struct cpu_regs r = base_regs();
    struct ptwr_insn in = DECODE(0xf0, 0x48, 0x0f, 0xab, 0x07); /* lock btsq %rax,(%rdi) */
    struct ptwr_result res;

    r.rax = 63;
    res = exec_ok(&in, 1, &r);
    ck_assert_uint_eq(res.newval, 0x8000000000000001ull);
    r.rax = 64;
    ck_assert_int_eq(ptwr_execute(&in, 1, &r, &res), -HV_EINVAL);
    r.rax = 70;
    ck_assert_int_eq(ptwr_execute(&in, 1, &r, &res), -HV_EINVAL);
    r.rax = ~0ull; /* -1: the bit just below the operand */
    ck_assert_int_eq(ptwr_execute(&in, 1, &r, &res), -HV_EINVAL);

    in = DECODE(0x66, 0x0f, 0xab, 0x07); /* btsw %ax: the offset is %ax, signed */
    r.rax = 0xffff0005ull;
    ck_assert_uint_eq(exec_ok(&in, 0, &r).newval, 0x20);
    r.rax = 16;
    ck_assert_int_eq(ptwr_execute(&in, 0, &r, &res), -HV_EINVAL);
    r.rax = 0x8000;
    ck_assert_int_eq(ptwr_execute(&in, 0, &r, &res), -HV_EINVAL);

    in = DECODE(0x0f, 0xb3, 0x07); /* btrl %eax */
    r.rax = 0xffffffff0000001full;
    res = exec_ok(&in, 0x80000001, &r);
    ck_assert_uint_eq(res.newval, 1);
    ck_assert(res.rflags & CF);
}
END_TEST

struct alu_case {
    const char *name;
    uint8_t bytes[4]; /* OP %cl-sized source, (%rdi) */
    uint8_t nbytes;
    uint64_t old, src, result, flags;
};

#define ALU(n, o, s, res, fl, ...)                                                                 \
    {                                                                                              \
        n, {__VA_ARGS__}, NBYTES(__VA_ARGS__), o, s, res, fl                                       \
    }

static const struct alu_case alu[] = {
    ALU("addb 0xff+1", 0xff, 1, 0, CF | ZF | AF | PF, 0x00, 0x0f),
    ALU("addb 0x7f+1", 0x7f, 1, 0x80, OF | SF | AF, 0x00, 0x0f),
    ALU("addb 0x80+0x80", 0x80, 0x80, 0, CF | OF | ZF | PF, 0x00, 0x0f),
    ALU("addq 1+2", 1, 2, 3, PF, 0x48, 0x01, 0x0f),
    ALU("addq max+1", ~0ull, 1, 0, CF | ZF | AF | PF, 0x48, 0x01, 0x0f),
    ALU("addl 0x7fffffff+1", 0x7fffffff, 1, 0x80000000, OF | SF | AF | PF, 0x01, 0x0f),
    ALU("addw 0xffff+2", 0xffff, 2, 1, CF | AF, 0x66, 0x01, 0x0f),
    ALU("subq 0-1", 0, 1, ~0ull, CF | SF | AF | PF, 0x48, 0x29, 0x0f),
    ALU("subq 5-5", 5, 5, 0, ZF | PF, 0x48, 0x29, 0x0f),
    ALU("subb 0x80-1", 0x80, 1, 0x7f, OF | AF, 0x28, 0x0f),
    ALU("subl 0x10-1", 0x10, 1, 0xf, AF | PF, 0x29, 0x0f),
    ALU("andq", 0x8000000000000067ull, 0xfffffffffffffffdull, 0x8000000000000065ull, SF | PF, 0x48,
        0x21, 0x0f),
    ALU("andb to zero", 0x0f, 0xf0, 0, ZF | PF, 0x20, 0x0f),
    ALU("orw", 0x0100, 0x8000, 0x8100, SF | PF, 0x66, 0x09, 0x0f),
    ALU("xorl self", 0x12345678, 0x12345678, 0, ZF | PF, 0x31, 0x0f),
    ALU("xorq top bit", 0x1, 0x8000000000000000ull, 0x8000000000000001ull, SF, 0x48, 0x31, 0x0f),
};

START_TEST(test_exec_alu)
{
    const struct alu_case *c = &alu[_i];
    struct cpu_regs r = base_regs();
    struct ptwr_insn in = decode_ok(c->bytes, c->nbytes);
    struct ptwr_result res;

    r.rcx = c->src;
    r.rflags = FIXED | (c->flags ^ ARITH); /* every arithmetic flag starts wrong */
    res = exec_ok(&in, c->old, &r);
    ck_assert_msg(res.newval == c->result, "%s: %#lx", c->name, (unsigned long)res.newval);
    ck_assert_msg(res.rflags == (FIXED | c->flags), "%s: flags %#lx", c->name,
                  (unsigned long)res.rflags);
    ck_assert_int_eq(res.reg, -1);
}
END_TEST

/* RF is cleared (the #PF frame has it set), TF and everything else is passed through. */
START_TEST(test_exec_rflags_passthrough)
{
    struct cpu_regs r = base_regs();
    struct ptwr_insn in = DECODE(0x48, 0x89, 0x07);
    struct ptwr_result res;

    r.rflags = FIXED | RF | (1ull << 8) | (1ull << 10) | (1ull << 21);
    res = exec_ok(&in, 0, &r);
    ck_assert_uint_eq(res.rflags, FIXED | (1ull << 8) | (1ull << 10) | (1ull << 21));
}
END_TEST

/* ---- differential: the host CPU runs the same operation ------------------------------------- */

/* Run "insn %<size>s,(p)" on the host with the given arithmetic flags; returns the memory
 * value, updates *flags and *s (xchg writes it). The stack pointer moves below the red zone
 * around pushf/popf. */
#define HOST_OP(fn, insn, T, mod)                                                                  \
    static uint64_t fn(uint64_t mem, uint64_t *s, uint64_t *flags)                                 \
    {                                                                                              \
        T m = (T)mem;                                                                              \
        uint64_t f = *flags, src = *s;                                                             \
        __asm__ volatile("sub $128, %%rsp\n\tpush %[f]\n\tpopfq\n\t" insn " %" mod "[s], "         \
                         "(%[p])\n\tpushfq\n\tpop %[f]\n\tadd $128, %%rsp"                         \
                         : [f] "+r"(f), [s] "+r"(src)                                              \
                         : [p] "r"(&m)                                                             \
                         : "memory", "cc");                                                        \
        *flags = f;                                                                                \
        *s = src;                                                                                  \
        return m;                                                                                  \
    }

#define HOST_CMPXCHG(fn, insn, T, mod)                                                             \
    static uint64_t fn(uint64_t mem, uint64_t *s, uint64_t *flags, uint64_t *acc)                  \
    {                                                                                              \
        T m = (T)mem;                                                                              \
        uint64_t f = *flags, src = *s, a = *acc;                                                   \
        __asm__ volatile("sub $128, %%rsp\n\tpush %[f]\n\tpopfq\n\tlock " insn " %" mod            \
                         "[s], (%[p])\n\tpushfq\n\tpop %[f]\n\tadd $128, %%rsp"                    \
                         : [f] "+r"(f), "+a"(a)                                                    \
                         : [s] "r"(src), [p] "r"(&m)                                               \
                         : "memory", "cc");                                                        \
        *flags = f;                                                                                \
        *acc = a;                                                                                  \
        return m;                                                                                  \
    }

#define HOST_SIZES(name, insn)                                                                     \
    HOST_OP(host_##name##1, insn "b", uint8_t, "b")                                                \
    HOST_OP(host_##name##2, insn "w", uint16_t, "w")                                               \
    HOST_OP(host_##name##4, insn "l", uint32_t, "k")                                               \
    HOST_OP(host_##name##8, insn "q", uint64_t, "q")

HOST_SIZES(add, "add")
HOST_SIZES(sub, "sub")
HOST_SIZES(and, "and")
HOST_SIZES(or, "or")
HOST_SIZES(xor, "xor")
HOST_SIZES(xchg, "xchg")
HOST_OP(host_bts2, "btsw", uint16_t, "w")
HOST_OP(host_bts4, "btsl", uint32_t, "k")
HOST_OP(host_bts8, "btsq", uint64_t, "q")
HOST_OP(host_btr2, "btrw", uint16_t, "w")
HOST_OP(host_btr4, "btrl", uint32_t, "k")
HOST_OP(host_btr8, "btrq", uint64_t, "q")
HOST_OP(host_btc2, "btcw", uint16_t, "w")
HOST_OP(host_btc4, "btcl", uint32_t, "k")
HOST_OP(host_btc8, "btcq", uint64_t, "q")
HOST_CMPXCHG(host_cmpxchg1, "cmpxchgb", uint8_t, "b")
HOST_CMPXCHG(host_cmpxchg2, "cmpxchgw", uint16_t, "w")
HOST_CMPXCHG(host_cmpxchg4, "cmpxchgl", uint32_t, "k")
HOST_CMPXCHG(host_cmpxchg8, "cmpxchgq", uint64_t, "q")

typedef uint64_t (*host_fn)(uint64_t mem, uint64_t *s, uint64_t *flags);
typedef uint64_t (*host_cx_fn)(uint64_t mem, uint64_t *s, uint64_t *flags, uint64_t *acc);

/* One operation at one size: its encoding with %rcx/%ecx/%cx/%cl as source and (%rdi) as
 * destination, the host function, and which flags are defined. */
struct diff_case {
    const char *name;
    uint8_t bytes[5];
    uint8_t nbytes;
    host_fn host;
    host_cx_fn host_cx;
    uint64_t flag_mask;
};

#define DIFF(n, h, cx, m, ...)                                                                     \
    {                                                                                              \
        n, {__VA_ARGS__}, NBYTES(__VA_ARGS__), h, cx, m                                            \
    }
#define LOGIC (CF | PF | ZF | SF | OF) /* AF is undefined after and/or/xor */

static const struct diff_case diffs[] = {
    DIFF("addb", host_add1, NULL, ARITH, 0x00, 0x0f),
    DIFF("addw", host_add2, NULL, ARITH, 0x66, 0x01, 0x0f),
    DIFF("addl", host_add4, NULL, ARITH, 0x01, 0x0f),
    DIFF("addq", host_add8, NULL, ARITH, 0x48, 0x01, 0x0f),
    DIFF("subb", host_sub1, NULL, ARITH, 0x28, 0x0f),
    DIFF("subw", host_sub2, NULL, ARITH, 0x66, 0x29, 0x0f),
    DIFF("subl", host_sub4, NULL, ARITH, 0x29, 0x0f),
    DIFF("subq", host_sub8, NULL, ARITH, 0x48, 0x29, 0x0f),
    DIFF("andb", host_and1, NULL, LOGIC, 0x20, 0x0f),
    DIFF("andw", host_and2, NULL, LOGIC, 0x66, 0x21, 0x0f),
    DIFF("andl", host_and4, NULL, LOGIC, 0x21, 0x0f),
    DIFF("andq", host_and8, NULL, LOGIC, 0x48, 0x21, 0x0f),
    DIFF("orb", host_or1, NULL, LOGIC, 0x08, 0x0f),
    DIFF("orw", host_or2, NULL, LOGIC, 0x66, 0x09, 0x0f),
    DIFF("orl", host_or4, NULL, LOGIC, 0x09, 0x0f),
    DIFF("orq", host_or8, NULL, LOGIC, 0x48, 0x09, 0x0f),
    DIFF("xorb", host_xor1, NULL, LOGIC, 0x30, 0x0f),
    DIFF("xorw", host_xor2, NULL, LOGIC, 0x66, 0x31, 0x0f),
    DIFF("xorl", host_xor4, NULL, LOGIC, 0x31, 0x0f),
    DIFF("xorq", host_xor8, NULL, LOGIC, 0x48, 0x31, 0x0f),
    DIFF("xchgb", host_xchg1, NULL, ARITH, 0x40, 0x86, 0x0f), /* REX: %cl, not %ch */
    DIFF("xchgw", host_xchg2, NULL, ARITH, 0x66, 0x87, 0x0f),
    DIFF("xchgl", host_xchg4, NULL, ARITH, 0x87, 0x0f),
    DIFF("xchgq", host_xchg8, NULL, ARITH, 0x48, 0x87, 0x0f),
    DIFF("btsw", host_bts2, NULL, CF, 0x66, 0x0f, 0xab, 0x0f),
    DIFF("btsl", host_bts4, NULL, CF, 0x0f, 0xab, 0x0f),
    DIFF("btsq", host_bts8, NULL, CF, 0x48, 0x0f, 0xab, 0x0f),
    DIFF("btrw", host_btr2, NULL, CF, 0x66, 0x0f, 0xb3, 0x0f),
    DIFF("btrl", host_btr4, NULL, CF, 0x0f, 0xb3, 0x0f),
    DIFF("btrq", host_btr8, NULL, CF, 0x48, 0x0f, 0xb3, 0x0f),
    DIFF("btcw", host_btc2, NULL, CF, 0x66, 0x0f, 0xbb, 0x0f),
    DIFF("btcl", host_btc4, NULL, CF, 0x0f, 0xbb, 0x0f),
    DIFF("btcq", host_btc8, NULL, CF, 0x48, 0x0f, 0xbb, 0x0f),
    DIFF("cmpxchgb", NULL, host_cmpxchg1, ARITH, 0xf0, 0x0f, 0xb0, 0x0f),
    DIFF("cmpxchgw", NULL, host_cmpxchg2, ARITH, 0xf0, 0x66, 0x0f, 0xb1, 0x0f),
    DIFF("cmpxchgl", NULL, host_cmpxchg4, ARITH, 0xf0, 0x0f, 0xb1, 0x0f),
    DIFF("cmpxchgq", NULL, host_cmpxchg8, ARITH, 0xf0, 0x48, 0x0f, 0xb1, 0x0f),
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Random values biased to the edges where flags change: 0, 1, all ones, sign boundaries. */
static uint64_t interesting(void)
{
    static const uint64_t edges[] = {0,
                                     1,
                                     2,
                                     0x0f,
                                     0x10,
                                     0x7f,
                                     0x80,
                                     0xff,
                                     0x7fff,
                                     0x8000,
                                     0xffff,
                                     0x7fffffff,
                                     0x80000000,
                                     0xffffffff,
                                     0x7fffffffffffffffull,
                                     0x8000000000000000ull,
                                     ~0ull};
    uint64_t r = rng();

    return (r & 3) == 0 ? edges[(r >> 2) % ARRAY_SIZE(edges)] : rng();
}

static void diff_one(const struct diff_case *c, const struct ptwr_insn *in, uint64_t old,
                     uint64_t src, uint64_t acc, uint64_t flags)
{
    struct cpu_regs r = base_regs();
    struct ptwr_result res;
    uint64_t m = in->size == 8 ? ~0ull : (1ull << (8 * in->size)) - 1;
    uint64_t hflags = flags, hsrc = src, hacc = acc, hmem, want_reg;

    r.rflags = flags;
    r.rcx = src;
    r.rax = acc;
    res = exec_ok(in, old, &r);
    if (c->host_cx) {
        hmem = c->host_cx(old, &hsrc, &hflags, &hacc);
        want_reg = hacc;
        ck_assert_msg(res.reg == -1 ? want_reg == acc : res.reg == 0, "%s: reg", c->name);
    } else {
        hmem = c->host(old, &hsrc, &hflags);
        want_reg = hsrc;
        ck_assert_msg(res.reg == -1 ? want_reg == src : res.reg == 1, "%s: reg", c->name);
    }
    ck_assert_msg(res.newval == (hmem & m), "%s old %#lx src %#lx acc %#lx: mem %#lx, cpu %#lx",
                  c->name, (unsigned long)old, (unsigned long)src, (unsigned long)acc,
                  (unsigned long)res.newval, (unsigned long)hmem);
    ck_assert_msg((res.rflags & c->flag_mask) == (hflags & c->flag_mask),
                  "%s old %#lx src %#lx: flags %#lx, cpu %#lx", c->name, (unsigned long)old,
                  (unsigned long)src, (unsigned long)res.rflags, (unsigned long)hflags);
    ck_assert_msg((res.rflags & ~ARITH) == (flags & ~ARITH & ~RF), "%s: other flags changed",
                  c->name);
    if (in->op >= PTWR_BTS) /* Hearth keeps the flags bt* leaves undefined or unchanged */
        ck_assert_msg((res.rflags & ARITH & ~CF) == (flags & ARITH & ~CF), "%s: flags", c->name);
    if (res.reg >= 0)
        ck_assert_msg(res.reg_val == want_reg, "%s: reg %#lx, cpu %#lx", c->name,
                      (unsigned long)res.reg_val, (unsigned long)want_reg);
}

START_TEST(test_differential)
{
    const struct diff_case *c = &diffs[_i];
    struct ptwr_insn in = decode_ok(c->bytes, c->nbytes);
    uint64_t m = in.size == 8 ? ~0ull : (1ull << (8 * in.size)) - 1;

    for (int iter = 0; iter < 20000; iter++) {
        uint64_t old = interesting() & m, src = interesting(), acc = interesting();
        uint64_t flags = FIXED | (rng() & ARITH);

        if (in.op >= PTWR_BTS)
            src = (src & ~m) | (rng() % (8 * in.size)); /* in range; junk above it */
        if (c->host_cx && (iter & 1))
            acc = (acc & ~m) | old; /* half the time the comparison succeeds */
        diff_one(c, &in, old, src, acc, flags);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ptwr_insn");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_loop_test(tc, test_decode_valid, 0, ARRAY_SIZE(valid));
    tcase_add_loop_test(tc, test_decode_valid_with_tail, 0, ARRAY_SIZE(valid));
    tcase_add_loop_test(tc, test_decode_truncated, 0, ARRAY_SIZE(valid));
    tcase_add_loop_test(tc, test_decode_bad, 0, ARRAY_SIZE(bad));
    tcase_add_test(tc, test_decode_empty);
    tcase_add_test(tc, test_decode_random);
    tcase_add_test(tc, test_exec_mov);
    tcase_add_test(tc, test_exec_mov_partial);
    tcase_add_loop_test(tc, test_exec_register_map, 0, 16);
    tcase_add_test(tc, test_exec_xchg);
    tcase_add_test(tc, test_exec_cmpxchg);
    tcase_add_test(tc, test_exec_linux_bitops);
    tcase_add_test(tc, test_exec_bit_register_range);
    tcase_add_loop_test(tc, test_exec_alu, 0, ARRAY_SIZE(alu));
    tcase_add_test(tc, test_exec_rflags_passthrough);
    tcase_add_loop_test(tc, test_differential, 0, ARRAY_SIZE(diffs));
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
