/* fuzz_ptype.c - libFuzzer harness for the page-type system (hyp/mm/ptype.c): the input is a
 * sequence of guest-like operations on a small fake machine, and the reference checker of
 * tests/unit/mm/fake_mem.c recounts every reference after each one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_mem.h"
#include "hv/errno.h"
#include "support.h"

/*
 * The machine: 40 frames (4 hypervisor, 4 of domain 2, domain 1's xen-heap page, 31 of domain 1),
 * so that entries written at random often meet frames already in use.
 *
 * Each operation is an opcode byte followed by its operands (bytes past the end read as 0).
 * Bit 7 of the opcode picks domain 2 instead of domain 1 as the actor.
 *   0 write    frame idx value   a guest store: through its writable mapping if the frame has
 *                                one (WRITABLE, count > 0), else as mmu_update's plain write
 *                                (writable type taken, stored, dropped)
 *   1 pin      frame level budget
 *   2 unpin    frame
 *   3 mod      frame idx value flags budget   pt_mod_entry on a validated table (as mmu_update
 *                                and ptwr call it); flags bit 0 = preserve A/D; bit 1 =
 *                                pt_cmpxchg_entry instead, expecting the entry as it is or, with
 *                                bit 2, as it was before the CPU set A
 *   4 get      frame type budget  a reference held by the harness (a root, a GDT frame, ...)
 *   5 put      which              drop one held reference
 *   6 deferred budget             pt_run_deferred
 *   7 settle   frame
 *   8 ad       frame idx          the CPU sets Accessed and Dirty in a present entry
 *   9 free     frame              memory_op decrease_reservation and a new allocation of the
 *                                frame: deferred work run, the frame settled, and if nothing
 *                                refers to it, reset and scrubbed as a fresh frame
 * After each operation: the reference checker, and the flush rule (check_flushes).
 * Values: frame byte, flag byte, extra byte: 3 times in 4 a well-formed entry (P unless flag
 * bit 7, W/U/A/D from the flag byte, AVL and NX from the extra byte), else the raw flag byte plus
 * rare bits (G, bit 62, NX, bit 52, AVL, a high address bit). At the end everything is released
 * (partial validations finished, pins and held references dropped, deferred work run) and every
 * count must be back to 0: nothing leaked.
 *
 * Debugging builds (FUZZ_PTYPE_FLAGS=... in fuzz.mk): -DFUZZ_PTYPE_TRACE prints every operation
 * and the frames in use; -DFUZZ_PTYPE_STATS prints, at exit, what the inputs reached (run it on
 * the corpus: ./fuzz_ptype -runs=0 corpus-ptype).
 */
#define NFRAMES 40
#define BIG 0xffffffffu

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_ptype: %s:%d: ", __FILE__, __LINE__);                            \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, "\n");                                                                 \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

struct input {
    const uint8_t *p;
    size_t left;
    unsigned int op; /* operations decoded so far, for messages */
};

static uint8_t next(struct input *in)
{
    if (!in->left)
        return 0;
    in->left--;
    return *in->p++;
}

/* Mostly domain 1's frames; 1 time in 16 a special one: hypervisor's, domain 2's, the xen-heap
 * page, or a frame beyond the frame table. */
static mfn_t pick_frame(uint8_t b)
{
    if (b < 0xf0)
        return FM_DOM_FIRST + b % (NFRAMES - FM_DOM_FIRST);
    b &= 15;
    return b <= FM_XEN_HEAP ? b : NFRAMES + b;
}

static unsigned int pick_idx(uint8_t b)
{
    static const unsigned int special[16] = {16,  100, 254, 255, 256, 257, 263, 270,
                                             271, 272, 300, 400, 509, 510, 511, 512};

    return b < 0xc0 ? b & 15 : special[b & 15];
}

static uint64_t pick_value(struct input *in)
{
    uint8_t f = next(in), lo = next(in), hi = next(in);
    uint64_t e;

    if ((hi & 0xc0) != 0xc0) { /* 3 times in 4 a well-formed entry: present unless lo bit 7 */
        e = fm_pte(pick_frame(f), (lo & 0x80 ? 0 : FM_P) | (lo & (FM_W | FM_U | FM_A | FM_D)));
        return e | (uint64_t)(hi & 7) << 9 | (hi & 8 ? FM_NX : 0);
    }
    e = fm_pte(pick_frame(f), lo); /* raw low flags, and rare bits from hi */
    e |= (hi & 1) ? FM_G : 0;
    e |= (hi & 2) ? FM_GNTTAB : 0;
    e |= (hi & 4) ? FM_NX : 0;
    e |= (hi & 8) ? 1ull << 52 : 0;
    e |= (hi & 0x10) ? 7ull << 9 : 0;
    e |= (hi & 0x20) ? 1ull << 47 : 0;
    return e;
}

/* Budgets from none at all to plenty: small ones resume validations many times. */
static uint32_t pick_budget(uint8_t b)
{
    if (b < 0x80)
        return b * 8u;
    if (b < 0xf0)
        return (b - 0x80u) * 64u;
    return BIG;
}

static const uint64_t types[8] = {PGT_NONE, PGT_L1,       PGT_L2,       PGT_L3,
                                  PGT_L4,   PGT_SEG_DESC, PGT_WRITABLE, PGT_L1};

static bool is_table(uint64_t type)
{
    return type >= PGT_L1 && type <= PGT_L4;
}

#define NKINDS 10 /* operation kinds */
#define SKIPPED 1 /* an operation whose preconditions did not hold: not made */

static bool ok_rc(int rc)
{
    return rc == SKIPPED || rc == 0 || rc == -HV_EINVAL || rc == -HV_EBUSY || rc == PT_ERESTART ||
           rc == PT_ECHANGED;
}

static int op_write(struct pt_dom *pd, struct input *in)
{
    mfn_t m = pick_frame(next(in));
    unsigned int idx = pick_idx(next(in)) % PT_ENTRIES;
    uint64_t e = pick_value(in);
    const struct page_info *pg = mm_frame(m);
    struct pt_work w = {BIG};

    int rc;

    if (!pg || pg->owner != pd->id)
        return SKIPPED;
    if ((pg->type_info & PGT_TYPE_MASK) == PGT_WRITABLE && (pg->type_info & PGT_COUNT_MASK)) {
        fm_table(m)[idx] = e;
        return 0;
    }
    if ((rc = pt_get_page_and_type(pd, m, PGT_WRITABLE, &w)) != 0)
        return rc;
    fm_table(m)[idx] = e;
    pt_put_page_and_type(pd, m);
    return 0;
}

static int op_mod(struct pt_dom *pd, struct input *in)
{
    mfn_t m = pick_frame(next(in));
    unsigned int idx = pick_idx(next(in));
    uint64_t e = pick_value(in);
    uint8_t fl = next(in);
    struct pt_work w = {pick_budget(next(in))};
    const struct page_info *pg = mm_frame(m);
    uint64_t t, type, before;
    int rc;

    if (!pg || pg->owner != pd->id)
        return SKIPPED;
    t = pg->type_info;
    type = t & PGT_TYPE_MASK;
    if (!is_table(type) || !(t & PGT_VALIDATED) || !(t & PGT_COUNT_MASK))
        return SKIPPED; /* mmu_update writes such a frame as plain data */
    before = idx < PT_ENTRIES ? fm_table(m)[idx] : 0;
    if (fl & 2) {
        uint64_t expect = before ^ (fl & 4 ? FM_A : 0);

        rc = pt_cmpxchg_entry(pd, m, type, idx, expect, e, &w);
        CHECK(rc != PT_ECHANGED || expect != before, "op %u: PT_ECHANGED, unchanged", in->op);
        CHECK(rc == PT_ECHANGED || rc < 0 || rc == PT_ERESTART || expect == before,
              "op %u: cmpxchg of a changed entry returned %d", in->op, rc);
    } else {
        rc = pt_mod_entry(pd, m, type, idx, e, fl & 1, &w);
    }
    CHECK(ok_rc(rc), "op %u: pt_mod_entry returned %d", in->op, rc);
    if (rc != 0 && idx < PT_ENTRIES)
        CHECK(fm_table(m)[idx] == before, "op %u: refused pt_mod_entry (%d) changed the entry",
              in->op, rc);
    if (idx >= PT_ENTRIES || (type == PGT_L4 && idx >= PT_L4_HYP_FIRST && idx <= PT_L4_HYP_LAST))
        CHECK(rc == -HV_EINVAL, "op %u: slot %u accepted (%d)", in->op, idx, rc);
    return rc;
}

static int op_get(struct pt_dom *pd, struct input *in)
{
    mfn_t m = pick_frame(next(in));
    uint64_t type = types[next(in) & 7];
    struct pt_work w = {pick_budget(next(in))};
    int rc;

    if (fm.nheld == FM_MAX_HELD)
        return SKIPPED;
    rc = fm_get(pd, m, type, &w);
    CHECK(ok_rc(rc), "op %u: get returned %d", in->op, rc);
    return rc;
}

static int op_free(struct pt_dom *pd, struct input *in)
{
    mfn_t m = pick_frame(next(in));
    struct page_info *pg = mm_frame(m);

    if (!pg || pg->owner != pd->id || (pg->count_info & PGC_XEN_HEAP))
        return SKIPPED;
    CHECK(pt_run_deferred(pd, &(struct pt_work){BIG}) == 0, "op %u: drain", in->op);
    pt_settle(pd, m);
    if ((pg->count_info & PGC_COUNT_MASK) || (pg->type_info & PGT_COUNT_MASK))
        return -HV_EINVAL;
    CHECK(!(pg->type_info & PGT_ON_LIST), "op %u: freed frame %#lx still on the deferred list",
          in->op, (unsigned long)m);
    pg->type_info = 0;
    pg->order = 0;
    memset(fm_table(m), 0, PAGE_SIZE);
    return 0;
}

static void op_ad(struct input *in)
{
    mfn_t m = pick_frame(next(in));
    unsigned int idx = pick_idx(next(in)) % PT_ENTRIES;

    if (m < NFRAMES && fm_live_entries(fm.pages[m].type_info) > idx && (fm_table(m)[idx] & FM_P))
        fm_table(m)[idx] |= FM_A | FM_D;
}

#ifdef FUZZ_PTYPE_STATS
/* Outcomes per operation (0 ok, 1 refused, 2 restart) and the deepest state seen, printed at
 * exit: a way to see what the inputs reach. */
static unsigned long stats[NKINDS][3], deval_seen, partial_seen, validated_max[5];

static void print_stats(void)
{
    static const char *names[NKINDS] = {"write", "pin",      "unpin",  "mod", "get",
                                        "put",   "deferred", "settle", "ad",  "free"};

    for (int i = 0; i < NKINDS; i++)
        fprintf(stderr, "%-8s ok %lu refused %lu restart %lu\n", names[i], stats[i][0], stats[i][1],
                stats[i][2]);
    fprintf(stderr,
            "deval seen %lu partial seen %lu; most validated at once L1 %lu L2 %lu L3 %lu"
            " L4 %lu\n",
            deval_seen, partial_seen, validated_max[1], validated_max[2], validated_max[3],
            validated_max[4]);
}

static void count_stats(unsigned int kind, int rc)
{
    unsigned long validated[5] = {0};
    static bool registered;

    if (!registered)
        registered = !atexit(print_stats);
    stats[kind][rc == 0 ? 0 : rc == PT_ERESTART ? 2 : 1]++;
    for (mfn_t m = 0; m < NFRAMES; m++) {
        uint64_t t = fm.pages[m].type_info;

        deval_seen += !!(t & PGT_DEVAL);
        partial_seen += !!(t & PGT_PARTIAL);
        if (t & PGT_VALIDATED)
            validated[(t & PGT_TYPE_MASK) >> PGT_TYPE_SHIFT]++;
    }
    for (int l = 1; l <= 4; l++)
        validated_max[l] = validated[l] > validated_max[l] ? validated[l] : validated_max[l];
}
#else
static void count_stats(unsigned int kind, int rc)
{
    (void)kind;
    (void)rc;
}
#endif

#ifdef FUZZ_PTYPE_TRACE
/* Print the operation just made (its operand bytes, read again) and every frame in use. */
static void trace(const struct input *in, uint8_t op, int rc)
{
    static const uint8_t *last;
    const uint8_t *p = last && last < in->p ? last : in->p;

    fprintf(stderr, "op %u d%d kind %d rc %d operands", in->op, op & 0x80 ? 2 : 1,
            (op & 0x7f) % NKINDS, rc);
    for (; p < in->p; p++)
        fprintf(stderr, " %02x", *p);
    fprintf(stderr, "\n");
    last = in->p;
    for (mfn_t m = 0; m < NFRAMES; m++) {
        const struct page_info *pg = &fm.pages[m];

        if (!pg->count_info && !pg->type_info)
            continue;
        fprintf(
            stderr, "    %#4lx gen %lu type %lu count %lu%s%s%s%s%s idx %lu:", (unsigned long)m,
            (unsigned long)(pg->count_info & PGC_COUNT_MASK),
            (unsigned long)(pg->type_info >> PGT_TYPE_SHIFT),
            (unsigned long)(pg->type_info & PGT_COUNT_MASK),
            pg->type_info & PGT_PINNED ? " PIN" : "", pg->type_info & PGT_VALIDATED ? " VAL" : "",
            pg->type_info & PGT_PARTIAL ? " PART" : "", pg->type_info & PGT_DEVAL ? " DEVAL" : "",
            pg->type_info & PGT_ON_LIST ? " LIST" : "",
            (unsigned long)((pg->type_info & PGT_IDX_MASK) >> PGT_IDX_SHIFT));
        for (unsigned int i = 0; i < PT_ENTRIES; i++)
            if (fm.mem[m][i] && !(i >= PT_L4_HYP_FIRST && i <= PT_L4_HYP_LAST))
                fprintf(stderr, " [%u]=%#lx", i, (unsigned long)fm.mem[m][i]);
        fprintf(stderr, "\n");
    }
}
#endif

/* The flush rule (ptype.h, xen-pv-abi.md 5.8): a frame that had a type (writable, a page table,
 * descriptors) changes to another only after a TLB flush was asked for. */
static void check_flushes(const uint64_t *types_before, uint64_t flushes_before, unsigned int op)
{
    if (fm.flush_calls != flushes_before)
        return;
    for (mfn_t m = 0; m < NFRAMES; m++) {
        uint64_t now = fm.pages[m].type_info & PGT_TYPE_MASK;

        CHECK(types_before[m] == PGT_NONE || now == types_before[m],
              "op %u: frame %#lx went from type %lu to %lu without a TLB flush", op,
              (unsigned long)m, (unsigned long)(types_before[m] >> PGT_TYPE_SHIFT),
              (unsigned long)(now >> PGT_TYPE_SHIFT));
    }
}

static void run_op(struct input *in)
{
    uint8_t op = next(in);
    struct pt_dom *pd = op & 0x80 ? fm_other() : fm_dom();
    uint64_t types_before[NFRAMES], flushes_before = fm.flush_calls;
    struct pt_work w;
    int rc = 0;

    for (mfn_t m = 0; m < NFRAMES; m++)
        types_before[m] = fm.pages[m].type_info & PGT_TYPE_MASK;

    switch ((op & 0x7f) % NKINDS) {
    case 0:
        rc = op_write(pd, in);
        break;
    case 1: {
        mfn_t m = pick_frame(next(in));
        uint64_t type = PGT_L1 + ((uint64_t)(next(in) & 3) << PGT_TYPE_SHIFT);

        w.left = pick_budget(next(in));
        rc = pt_pin(pd, m, type, &w);
        break;
    }
    case 2:
        rc = pt_unpin(pd, pick_frame(next(in)));
        break;
    case 3:
        rc = op_mod(pd, in);
        break;
    case 4:
        rc = op_get(pd, in);
        break;
    case 5: {
        uint8_t which = next(in);

        if (fm.nheld)
            fm_put(which % fm.nheld);
        break;
    }
    case 6:
        w.left = pick_budget(next(in));
        rc = pt_run_deferred(pd, &w);
        break;
    case 7: { /* callers settle only frames of the domain (see test_bug_settle_foreign_frame) */
        mfn_t m = pick_frame(next(in));

        if (m < NFRAMES && fm.pages[m].owner == pd->id)
            pt_settle(pd, m);
        else
            rc = SKIPPED;
        break;
    }
    case 8:
        op_ad(in);
        break;
    default:
        rc = op_free(pd, in);
        break;
    }
    CHECK(ok_rc(rc), "op %u (%#x): returned %d", in->op, op, rc);
    if ((op & 0x7f) % NKINDS != 9) /* free resets the type itself (memory_op flushes) */
        check_flushes(types_before, flushes_before, in->op);
    if (rc != SKIPPED)
        count_stats((op & 0x7f) % NKINDS, rc);
#ifdef FUZZ_PTYPE_TRACE
    trace(in, op, rc);
#endif
    CHECK(fm_check() == 0, "op %u (%#x): %s", in->op, op, fm.why);
}

/* Finish every partial validation: the partial reference goes to us, and we drop it. */
static void finish_partials(void)
{
    bool again = true;

    while (again) {
        again = false;
        for (mfn_t m = 0; m < NFRAMES; m++) {
            struct page_info *pg = &fm.pages[m];
            struct pt_dom *pd = pg->owner == FM_DOM ? fm_dom() : fm_other();

            if (!(pg->type_info & PGT_PARTIAL))
                continue;
            again = true;
            if (pt_get_type(pd, m, pg->type_info & PGT_TYPE_MASK, &(struct pt_work){BIG}) == 0)
                pt_put_type(pd, m);
            CHECK(fm_check() == 0, "finishing partial %#lx: %s", (unsigned long)m, fm.why);
        }
    }
}

/* Release everything; then nothing may hold a reference any more. */
static void release_all(void)
{
    finish_partials();
    for (mfn_t m = 0; m < NFRAMES; m++)
        if (fm.pages[m].type_info & PGT_PINNED)
            CHECK(pt_unpin(fm.pages[m].owner == FM_DOM ? fm_dom() : fm_other(), m) == 0,
                  "unpin %#lx", (unsigned long)m);
    while (fm.nheld)
        fm_put(fm.nheld - 1);
    CHECK(fm_check() == 0, "after releasing: %s", fm.why);
    CHECK(pt_run_deferred(fm_dom(), &(struct pt_work){BIG}) == 0, "deferred d1");
    CHECK(pt_run_deferred(fm_other(), &(struct pt_work){BIG}) == 0, "deferred d2");
    CHECK(fm_check() == 0, "after the deferred work: %s", fm.why);
    for (mfn_t m = 0; m < NFRAMES; m++) {
        const struct page_info *pg = &fm.pages[m];

        CHECK((pg->count_info & PGC_COUNT_MASK) == 0 && (pg->type_info & PGT_COUNT_MASK) == 0,
              "leak: frame %#lx counts %#lx/%#lx", (unsigned long)m, (unsigned long)pg->count_info,
              (unsigned long)pg->type_info);
        CHECK(!(pg->type_info & (PGT_PINNED | PGT_VALIDATED | PGT_PARTIAL | PGT_DEVAL |
                                 PGT_ON_LIST | PGT_IDX_MASK)),
              "frame %#lx left in state %#lx", (unsigned long)m, (unsigned long)pg->type_info);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct input in = {data, len, 0};

    fm_init(NFRAMES, len && (data[0] & 1)); /* byte 0, bit 0: domain 1 has I/O rights */
    support_reset();
    if (len) {
        in.p++;
        in.left--;
    }
    while (in.left) {
        run_op(&in);
        in.op++;
    }
    release_all();
    fm_fini();
    return 0;
}
