/* ptwr_insn.c - decoder and executor for the instructions a PV guest kernel uses to write its
 * L1 page tables (see ptwr_insn.h): decode checks everything, execute only computes, commit
 * only applies. */
#include "pv/ptwr_insn.h"
#include "hv/errno.h"

#define FL_CF (1ull << 0)
#define FL_PF (1ull << 2)
#define FL_AF (1ull << 4)
#define FL_ZF (1ull << 6)
#define FL_SF (1ull << 7)
#define FL_OF (1ull << 11)
#define FL_RF (1ull << 16)
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

#define REX_W 0x8
#define REX_R 0x4
#define TWO_BYTE 0x100 /* opcode 0F xx is numbered TWO_BYTE | xx */
#define OP_NONE 0xff   /* a form that exists but is not emulated */

/* The instruction's bytes, consumed one at a time with both limits checked. */
struct cursor {
    const uint8_t *bytes;
    size_t avail;
    size_t pos;
};

/* Prefixes that matter; rex is 0 when there is none (0x40 is a REX that changes nothing but
 * the meaning of byte registers 4-7). */
struct prefixes {
    bool lock;
    bool opsize;
    uint8_t rex;
};

/* How the source operand of an opcode is encoded. SRC_IMMZ is 16 bits for a 16-bit operand,
 * else 32 (sign-extended for a 64-bit one). */
enum src_kind { SRC_REG, SRC_IMM8, SRC_IMMZ };

struct form {
    uint8_t op;  /* enum ptwr_op, or OP_NONE */
    bool byte;   /* 8-bit operand whatever the prefixes say */
    uint8_t src; /* enum src_kind */
};

/* The ALU row of the opcode map (opcode >> 3) and group 1's /digit: add or adc sbb and sub
 * xor cmp. adc and sbb are not used on page tables; cmp does not write. */
static const uint8_t alu_ops[8] = {PTWR_ADD, PTWR_OR,  OP_NONE,  OP_NONE,
                                   PTWR_AND, PTWR_SUB, PTWR_XOR, OP_NONE};

/* Group 8 (0F BA) /4../7, and 0F A3 AB B3 BB by bits 4:3: bt bts btr btc; bt does not
 * write. */
static const uint8_t bt_ops[4] = {OP_NONE, PTWR_BTS, PTWR_BTR, PTWR_BTC};

/* Next byte: -HV_EINVAL once the instruction would exceed PTWR_INSN_MAX bytes (the CPU raises
 * #GP), -HV_EFAULT when the bytes given run out first. */
static int fetch(struct cursor *c, uint8_t *b)
{
    if (c->pos >= PTWR_INSN_MAX)
        return -HV_EINVAL;
    if (c->pos >= c->avail)
        return -HV_EFAULT;
    *b = c->bytes[c->pos++];
    return 0;
}

/* An n-byte little-endian field (displacement or immediate), zero-extended. */
static int fetch_le(struct cursor *c, unsigned int n, uint64_t *v)
{
    uint8_t b;
    int rc = 0;

    *v = 0;
    for (unsigned int i = 0; i < n && rc == 0; i++) {
        rc = fetch(c, &b);
        if (rc == 0)
            *v |= (uint64_t)b << (8 * i);
    }
    return rc;
}

/* Segment overrides (the caller works on the fault address, which already includes FS/GS
 * bases) and the address-size prefix (it changes no length in 64-bit mode). */
static bool is_ignored_prefix(uint8_t b)
{
    return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65 || b == 0x67;
}

/* Consume the prefixes; *first is the opcode's first byte. REP/REPNE (F3/F2, also the
 * XACQUIRE/XRELEASE hints) are refused. */
static int decode_prefixes(struct cursor *c, struct prefixes *p, uint8_t *first)
{
    uint8_t b = 0;
    int rc;

    while ((rc = fetch(c, &b)) == 0) {
        if ((b & 0xf0) == 0x40) {
            p->rex = b; /* effective only if the opcode comes next */
            continue;
        }
        if (b == 0xf2 || b == 0xf3)
            return -HV_EINVAL;
        if (b == 0xf0)
            p->lock = true;
        else if (b == 0x66)
            p->opsize = true;
        else if (!is_ignored_prefix(b))
            break;
        p->rex = 0; /* a REX followed by a legacy prefix is ignored by the CPU */
    }
    *first = b;
    return rc;
}

/* The form of opcode opc with ModRM reg field ext; false if Hearth does not emulate it. */
static bool form_of(unsigned int opc, unsigned int ext, struct form *f)
{
    switch (opc) {
    case 0x00:
    case 0x01:
    case 0x08:
    case 0x09:
    case 0x20:
    case 0x21:
    case 0x28:
    case 0x29:
    case 0x30:
    case 0x31:
        *f = (struct form){alu_ops[opc >> 3], !(opc & 1), SRC_REG};
        break;
    case 0x80:
        *f = (struct form){alu_ops[ext], true, SRC_IMM8};
        break;
    case 0x81:
        *f = (struct form){alu_ops[ext], false, SRC_IMMZ};
        break;
    case 0x83:
        *f = (struct form){alu_ops[ext], false, SRC_IMM8};
        break;
    case 0x86:
    case 0x87:
        *f = (struct form){PTWR_XCHG, opc == 0x86, SRC_REG};
        break;
    case 0x88:
    case 0x89:
        *f = (struct form){PTWR_MOV, opc == 0x88, SRC_REG};
        break;
    case 0xc6:
    case 0xc7:
        *f = (struct form){ext == 0 ? PTWR_MOV : OP_NONE, opc == 0xc6,
                           opc == 0xc6 ? SRC_IMM8 : SRC_IMMZ};
        break;
    case TWO_BYTE | 0xb0:
    case TWO_BYTE | 0xb1:
        *f = (struct form){PTWR_CMPXCHG, opc == (TWO_BYTE | 0xb0), SRC_REG};
        break;
    case TWO_BYTE | 0xab:
    case TWO_BYTE | 0xb3:
    case TWO_BYTE | 0xbb:
        *f = (struct form){bt_ops[(opc >> 3) & 3], false, SRC_REG}; /* as 0F BA /4-/7 */
        break;
    case TWO_BYTE | 0xba:
        *f = (struct form){ext >= 4 ? bt_ops[ext - 4] : OP_NONE, false, SRC_IMM8};
        break;
    default:
        f->op = OP_NONE;
        break;
    }
    return f->op != OP_NONE;
}

/* Whether some ModRM reg field makes opc an emulated instruction: lets an unknown opcode be
 * refused before its ModRM byte is needed. */
static bool opcode_known(unsigned int opc)
{
    struct form f;

    for (unsigned int ext = 0; ext < 8; ext++) {
        if (form_of(opc, ext, &f))
            return true;
    }
    return false;
}

/* Opcode (one or two bytes, starting with first) and ModRM: the form, refusing register
 * destinations (mod 3). */
static int decode_opcode(struct cursor *c, uint8_t first, uint8_t *modrm, struct form *f)
{
    unsigned int opc = first;
    uint8_t b = 0;
    int rc = 0;

    if (first == 0x0f) {
        rc = fetch(c, &b);
        opc = TWO_BYTE | b;
    }
    if (rc == 0 && !opcode_known(opc))
        rc = -HV_EINVAL;
    if (rc == 0)
        rc = fetch(c, modrm);
    if (rc == 0 && ((*modrm >> 6) == 3 || !form_of(opc, (*modrm >> 3) & 7, f)))
        rc = -HV_EINVAL;
    return rc;
}

/* Consume the SIB byte and displacement that follow a memory ModRM. rip-relative (mod 0,
 * rm 5) and SIB without base (mod 0, base 5) take disp32; REX.B does not change either. */
static int skip_address(struct cursor *c, uint8_t modrm)
{
    unsigned int mod = modrm >> 6, rm = modrm & 7;
    unsigned int disp_len = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    uint8_t sib = 0;
    uint64_t disp;
    int rc = 0;

    if (rm == 4)
        rc = fetch(c, &sib);
    if (mod == 0 && (rm == 5 || (rm == 4 && (sib & 7) == 5)))
        disp_len = 4;
    if (rc == 0)
        rc = fetch_le(c, disp_len, &disp);
    return rc;
}

static uint64_t size_mask(unsigned int size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* The immediate of kind (SRC_IMM8 or SRC_IMMZ) for an operand of size bytes: sign-extended
 * as the CPU does, then truncated to the operand. */
static int fetch_imm(struct cursor *c, unsigned int kind, unsigned int size, uint64_t *imm)
{
    unsigned int n = kind == SRC_IMM8 ? 1 : size == 2 ? 2 : 4;
    uint64_t raw;
    int rc;

    rc = fetch_le(c, n, &raw);
    if (raw & (1ull << (8 * n - 1)))
        raw |= ~0ull << (8 * n);
    *imm = raw & size_mask(size);
    return rc;
}

/* The source operand: a register from ModRM.reg (REX.R extends it; without REX, byte
 * registers 4-7 are AH CH DH BH), or an immediate (a bit offset for bt*, reduced modulo the
 * operand width as the CPU does). */
static int decode_source(struct cursor *c, const struct prefixes *p, const struct form *f,
                         uint8_t modrm, struct ptwr_insn *out)
{
    int rc = 0;

    out->src_imm = f->src != SRC_REG;
    out->reg_high8 = false;
    out->reg = 0;
    out->imm = 0;
    if (out->src_imm) {
        rc = fetch_imm(c, f->src, out->size, &out->imm);
        if (out->op >= PTWR_BTS)
            out->imm &= 8u * out->size - 1;
    } else {
        out->reg = (uint8_t)(((p->rex & REX_R) ? 8 : 0) | ((modrm >> 3) & 7));
        if (f->byte && p->rex == 0 && out->reg >= 4) {
            out->reg_high8 = true;
            out->reg -= 4;
        }
    }
    return rc;
}

static unsigned int operand_size(const struct prefixes *p, const struct form *f)
{
    if (f->byte)
        return 1;
    if (p->rex & REX_W)
        return 8;
    return p->opsize ? 2 : 4;
}

int ptwr_decode(const uint8_t *bytes, size_t avail, struct ptwr_insn *out)
{
    struct cursor c = {bytes, avail, 0};
    struct prefixes p = {false, false, 0};
    struct form f;
    uint8_t first, modrm;
    int rc;

    rc = decode_prefixes(&c, &p, &first);
    if (rc == 0)
        rc = decode_opcode(&c, first, &modrm, &f);
    if (rc == 0 && p.lock && f.op == PTWR_MOV)
        rc = -HV_EINVAL; /* #UD on the CPU */
    if (rc == 0)
        rc = skip_address(&c, modrm);
    if (rc)
        goto out;
    out->size = (uint8_t)operand_size(&p, &f);
    out->op = f.op;
    out->lock = p.lock || f.op == PTWR_XCHG;
    rc = decode_source(&c, &p, &f, modrm, out);
    out->len = (uint8_t)c.pos;
out:
    return rc;
}

/* ---- execution ------------------------------------------------------------------------- */

/* Offsets in struct cpu_regs of the registers in encoding order (rax rcx rdx rbx rsp rbp rsi
 * rdi r8-r15). */
static const uint8_t gpr_offset[16] = {
    offsetof(struct cpu_regs, rax), offsetof(struct cpu_regs, rcx), offsetof(struct cpu_regs, rdx),
    offsetof(struct cpu_regs, rbx), offsetof(struct cpu_regs, rsp), offsetof(struct cpu_regs, rbp),
    offsetof(struct cpu_regs, rsi), offsetof(struct cpu_regs, rdi), offsetof(struct cpu_regs, r8),
    offsetof(struct cpu_regs, r9),  offsetof(struct cpu_regs, r10), offsetof(struct cpu_regs, r11),
    offsetof(struct cpu_regs, r12), offsetof(struct cpu_regs, r13), offsetof(struct cpu_regs, r14),
    offsetof(struct cpu_regs, r15),
};

static const uint64_t *gpr_ro(const struct cpu_regs *regs, unsigned int n)
{
    return (const uint64_t *)((const char *)regs + gpr_offset[n & 15]);
}

static uint64_t *gpr_rw(struct cpu_regs *regs, unsigned int n)
{
    return (uint64_t *)((char *)regs + gpr_offset[n & 15]);
}

static uint64_t source_value(const struct ptwr_insn *in, const struct cpu_regs *regs)
{
    uint64_t v;

    if (in->src_imm)
        return in->imm;
    v = *gpr_ro(regs, in->reg);
    if (in->reg_high8)
        v >>= 8;
    return v & size_mask(in->size);
}

/* Plan the write of val to register n at operand size: 8- and 16-bit writes keep the other
 * bits, a 32-bit write zeroes bits 63:32, as the CPU does. */
static void plan_reg_write(struct ptwr_result *res, const struct cpu_regs *regs, unsigned int n,
                           bool high8, unsigned int size, uint64_t val)
{
    uint64_t m = size_mask(size), cur = *gpr_ro(regs, n);
    unsigned int shift = high8 ? 8 : 0;

    res->reg = (int)n;
    if (size == 4)
        res->reg_val = val & m;
    else
        res->reg_val = (cur & ~(m << shift)) | ((val & m) << shift);
}

/* ZF, SF and PF of a result truncated to size bytes (PF: even parity of its low byte). */
static uint64_t flags_szp(uint64_t res, unsigned int size)
{
    uint64_t f = 0, p = res & 0xff;

    p ^= p >> 4;
    p ^= p >> 2;
    p ^= p >> 1;
    if (!(p & 1))
        f |= FL_PF;
    if (res == 0)
        f |= FL_ZF;
    if ((res >> (8 * size - 1)) & 1)
        f |= FL_SF;
    return f;
}

/* All six arithmetic flags of a + b = res or a - b = res (operands and res truncated). */
static uint64_t flags_addsub(uint64_t a, uint64_t b, uint64_t res, unsigned int size, bool sub)
{
    unsigned int top = 8 * size - 1;
    uint64_t f = flags_szp(res, size);
    uint64_t ovf = sub ? (a ^ b) & (a ^ res) : (a ^ res) & (b ^ res);

    if (sub ? a < b : res < a)
        f |= FL_CF;
    if ((ovf >> top) & 1)
        f |= FL_OF;
    if ((a ^ b ^ res) & 0x10)
        f |= FL_AF;
    return f;
}

/* add sub and or xor. Logic ops clear CF and OF; AF, which they leave undefined, is cleared. */
static void exec_alu(const struct ptwr_insn *in, uint64_t old, uint64_t src,
                     struct ptwr_result *res)
{
    uint64_t m = size_mask(in->size), v, f;

    if (in->op == PTWR_ADD || in->op == PTWR_SUB) {
        v = (in->op == PTWR_ADD ? old + src : old - src) & m;
        f = flags_addsub(old, src, v, in->size, in->op == PTWR_SUB);
    } else {
        v = in->op == PTWR_AND ? old & src : in->op == PTWR_OR ? old | src : old ^ src;
        f = flags_szp(v, in->size);
    }
    res->newval = v;
    res->rflags = (res->rflags & ~FL_ARITH) | f;
}

/* cmpxchg: flags as cmp accumulator, old; equal stores src, else the accumulator gets old and
 * memory keeps it. */
static void exec_cmpxchg(const struct ptwr_insn *in, uint64_t old, uint64_t src,
                         const struct cpu_regs *regs, struct ptwr_result *res)
{
    uint64_t m = size_mask(in->size), acc = regs->rax & m;
    uint64_t f = flags_addsub(acc, old, (acc - old) & m, in->size, true);

    res->rflags = (res->rflags & ~FL_ARITH) | f;
    if (acc == old)
        res->newval = src;
    else
        plan_reg_write(res, regs, 0, false, in->size, old);
}

/* bts btr btc: CF gets the old bit; the other flags are kept (ZF is architecturally
 * unchanged, OF SF AF PF are undefined). */
static int exec_bit(const struct ptwr_insn *in, uint64_t old, uint64_t bit, struct ptwr_result *res)
{
    uint64_t mask;

    if (bit >= 8u * in->size)
        return -HV_EINVAL; /* register offset reaching outside the operand */
    mask = 1ull << bit;
    res->rflags = (old & mask) ? res->rflags | FL_CF : res->rflags & ~FL_CF;
    if (in->op == PTWR_BTS)
        res->newval = old | mask;
    else if (in->op == PTWR_BTR)
        res->newval = old & ~mask;
    else
        res->newval = old ^ mask;
    return 0;
}

int ptwr_execute(const struct ptwr_insn *in, uint64_t old, const struct cpu_regs *regs,
                 struct ptwr_result *res)
{
    uint64_t src = source_value(in, regs);
    int rc = 0;

    old &= size_mask(in->size);
    res->newval = old;
    res->rflags = regs->rflags & ~FL_RF;
    res->reg = -1;
    res->reg_val = 0;
    switch (in->op) {
    case PTWR_MOV:
        res->newval = src;
        break;
    case PTWR_XCHG:
        res->newval = src;
        plan_reg_write(res, regs, in->reg, in->reg_high8, in->size, old);
        break;
    case PTWR_CMPXCHG:
        exec_cmpxchg(in, old, src, regs, res);
        break;
    case PTWR_ADD:
    case PTWR_SUB:
    case PTWR_AND:
    case PTWR_OR:
    case PTWR_XOR:
        exec_alu(in, old, src, res);
        break;
    case PTWR_BTS:
    case PTWR_BTR:
    case PTWR_BTC:
        rc = exec_bit(in, old, src, res);
        break;
    default:
        rc = -HV_EINVAL;
        break;
    }
    return rc;
}

void ptwr_commit(const struct ptwr_insn *in, const struct ptwr_result *res, struct cpu_regs *regs)
{
    if (res->reg >= 0)
        *gpr_rw(regs, (unsigned int)res->reg) = res->reg_val;
    regs->rflags = res->rflags;
    regs->rip += in->len;
}
