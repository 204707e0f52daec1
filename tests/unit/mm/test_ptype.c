/* test_ptype.c - unit tests of the page-type system (hyp/mm/ptype.c) over the fake machine of
 * fake_mem.c; the reference checker (fm_check) runs after every step. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fake_mem.h"
#include "hv/errno.h"
#include "support.h"

#define NFRAMES 512
#define BIG 0xffffffffu

static struct pt_dom *D;

static void setup(void)
{
    fm_init(NFRAMES, false);
    D = fm_dom();
    support_reset();
}

static void teardown(void)
{
    fm_fini();
}

/* ---- helpers: every operation is followed by the reference checker ---- */

static void refs_ok_at(const char *what, int line)
{
    unsigned long n = fm_check();

    ck_assert_msg(n == 0, "line %d, after %s: %lu reference problem(s); first: %s", line, what, n,
                  fm.why);
}
#define REFS_OK(what) refs_ok_at(what, __LINE__)

/* A refusal: the codes ptype.c uses for a guest's bad entry or request. */
static bool refused(int rc)
{
    return rc == -HV_EINVAL || rc == -HV_EBUSY;
}

static int pin_w(mfn_t m, uint64_t type, uint32_t budget)
{
    struct pt_work w = {budget};
    int rc = pt_pin(D, m, type, &w);

    REFS_OK("pt_pin");
    return rc;
}

static int pin(mfn_t m, uint64_t type)
{
    return pin_w(m, type, BIG);
}

static int unpin(mfn_t m)
{
    int rc = pt_unpin(D, m);

    REFS_OK("pt_unpin");
    return rc;
}

static int run_deferred(uint32_t budget)
{
    struct pt_work w = {budget};
    int rc = pt_run_deferred(D, &w);

    REFS_OK("pt_run_deferred");
    return rc;
}

static int get_root(mfn_t m, uint64_t type)
{
    struct pt_work w = {BIG};
    int rc = fm_get(D, m, type, &w);

    REFS_OK("fm_get");
    return rc;
}

/* Drop the harness's most recent reference on m. */
static void put_root(mfn_t m)
{
    for (unsigned int i = fm.nheld; i-- > 0;) {
        if (fm.held[i].mfn == m) {
            fm_put(i);
            REFS_OK("fm_put");
            return;
        }
    }
    ck_abort_msg("no held reference on %#lx", (unsigned long)m);
}

static int mod_w(mfn_t t, uint64_t type, unsigned int idx, uint64_t e, bool ad, uint32_t budget)
{
    struct pt_work w = {budget};
    int rc = pt_mod_entry(D, t, type, idx, e, ad, &w);

    REFS_OK("pt_mod_entry");
    return rc;
}

static int mod(mfn_t t, uint64_t type, unsigned int idx, uint64_t e)
{
    return mod_w(t, type, idx, e, false, BIG);
}

static void set(mfn_t t, unsigned int idx, uint64_t e)
{
    fm_table(t)[idx] = e;
}

static uint64_t get(mfn_t t, unsigned int idx)
{
    return fm_table(t)[idx];
}

static bool has(mfn_t m, uint64_t flag)
{
    return (fm.pages[m].type_info & flag) != 0;
}

#define RO (FM_P | FM_U | FM_A)
#define RW (FM_P | FM_W | FM_U | FM_A | FM_D)

/* A fresh L1 (not typed) whose first n entries map fresh data frames (data[i] if given), RW when
 * rw is set. */
static mfn_t mk_l1(unsigned int n, bool rw, mfn_t *data)
{
    mfn_t t = fm_alloc();

    for (unsigned int i = 0; i < n; i++) {
        mfn_t d = fm_alloc();

        set(t, i, fm_pte(d, rw ? RW : RO));
        if (data)
            data[i] = d;
    }
    return t;
}

/* A fresh table whose entries 0..n-1 point to children[0..n-1]. */
static mfn_t mk_parent(unsigned int n, const mfn_t *children)
{
    mfn_t t = fm_alloc();

    for (unsigned int i = 0; i < n; i++)
        set(t, i, fm_pte(children[i], RW));
    return t;
}

/* The counts of every frame, for "nothing changed" comparisons. */
struct counts {
    uint64_t gen[NFRAMES], typ[NFRAMES];
};

static void counts_take(struct counts *c)
{
    for (mfn_t m = 0; m < NFRAMES; m++) {
        c->gen[m] = fm_gen(m);
        c->typ[m] = fm_typ(m);
    }
}

static void counts_same_at(const struct counts *c, int line)
{
    for (mfn_t m = 0; m < NFRAMES; m++)
        ck_assert_msg(c->gen[m] == fm_gen(m) && c->typ[m] == fm_typ(m),
                      "line %d: frame %#lx counts %lu/%lu, were %lu/%lu", line, (unsigned long)m,
                      (unsigned long)fm_gen(m), (unsigned long)fm_typ(m), (unsigned long)c->gen[m],
                      (unsigned long)c->typ[m]);
}
#define COUNTS_SAME(c) counts_same_at(c, __LINE__)

/* Every frame's counts are 0 and no deferred work is left. */
static void all_zero_at(int line)
{
    for (mfn_t m = 0; m < NFRAMES; m++)
        ck_assert_msg(fm_gen(m) == 0 && fm_typ(m) == 0, "line %d: frame %#lx counts %lu/%lu", line,
                      (unsigned long)m, (unsigned long)fm_gen(m), (unsigned long)fm_typ(m));
    ck_assert_uint_eq(D->deferred, 0);
}
#define ALL_ZERO() all_zero_at(__LINE__)

/* ---- pt_check_entry: every bit of a present entry, per level, with and without I/O rights ---- */

static const uint64_t levels[4] = {PGT_L1, PGT_L2, PGT_L3, PGT_L4};

/* The refused bits, from the contract (ptype.h) and Xen's *_DISALLOW_MASK. */
static bool bit_refused(uint64_t type, bool io, unsigned int bit)
{
    if (type == PGT_L1)
        return bit == 62 || (!io && (bit == 3 || bit == 4 || bit == 7));
    return bit == 3 || bit == 4 || bit == 7 || bit == 8;
}

START_TEST(test_check_entry_bits)
{
    uint64_t type = levels[_i / 2];
    bool io = _i & 1;
    struct pt_dom pd = {.id = FM_DOM, .io_caps = io};

    for (unsigned int bit = 0; bit < 64; bit++) {
        uint64_t e = fm_pte(FM_DOM_FIRST, FM_P) | (1ull << bit);
        int rc = pt_check_entry(&pd, type, e);

        ck_assert_msg(rc == (bit_refused(type, io, bit) ? -HV_EINVAL : 0),
                      "L%lu io=%d bit %u: got %d", (unsigned long)(type >> PGT_TYPE_SHIFT), io, bit,
                      rc);
    }
}
END_TEST

START_TEST(test_child_type)
{
    ck_assert_uint_eq(pt_child_type(PGT_L4), PGT_L3);
    ck_assert_uint_eq(pt_child_type(PGT_L3), PGT_L2);
    ck_assert_uint_eq(pt_child_type(PGT_L2), PGT_L1);
}
END_TEST

START_TEST(test_check_entry_not_present)
{
    struct pt_dom pd = {.id = FM_DOM};

    for (unsigned int l = 0; l < 4; l++) {
        ck_assert_int_eq(pt_check_entry(&pd, levels[l], ~FM_P), 0);
        ck_assert_int_eq(pt_check_entry(&pd, levels[l], 0), 0);
        ck_assert_int_eq(pt_check_entry(&pd, levels[l], FM_PS | FM_PCD | FM_GNTTAB | FM_G), 0);
    }
}
END_TEST

START_TEST(test_check_entry_combined)
{
    struct pt_dom pd = {.id = FM_DOM};
    uint64_t ok_l1 =
        FM_P | FM_W | FM_U | FM_A | FM_D | FM_G | FM_NX | (7ull << 9) | (0x3full << 52);

    ck_assert_int_eq(pt_check_entry(&pd, PGT_L1, ok_l1), 0);
    ck_assert_int_eq(pt_check_entry(&pd, PGT_L1, ok_l1 | FM_PS), -HV_EINVAL);
    ck_assert_int_eq(pt_check_entry(&pd, PGT_L2, ok_l1), -HV_EINVAL); /* G */
    ck_assert_int_eq(pt_check_entry(&pd, PGT_L2, ok_l1 & ~FM_G), 0);
    pd.io_caps = true;
    ck_assert_int_eq(pt_check_entry(&pd, PGT_L1, ok_l1 | FM_PS | FM_PCD | FM_PWT), 0);
    ck_assert_int_eq(pt_check_entry(&pd, PGT_L3, FM_P | FM_PCD), -HV_EINVAL);
}
END_TEST

/* ---- general references ---- */

static const struct {
    mfn_t mfn;
    bool ok;
} get_page_cases[] = {
    {FM_HYP_FIRST, false},       {FM_HYP_FIRST + 3, false}, {FM_OTHER_FIRST, false},
    {FM_OTHER_FIRST + 3, false}, {FM_XEN_HEAP, true},       {FM_DOM_FIRST, true},
    {NFRAMES - 1, true},         {NFRAMES, false},          {1ull << 40, false},
    {~0ull >> 12, false},
};

START_TEST(test_get_page)
{
    mfn_t m = get_page_cases[_i].mfn;
    int rc = pt_get_page(D, m);

    ck_assert_int_eq(rc, get_page_cases[_i].ok ? 0 : -HV_EINVAL);
    if (rc == 0) {
        fm_hold(D, m, PGT_NONE);
        ck_assert_uint_eq(fm_gen(m), 1);
        ck_assert_uint_eq(fm_typ(m), 0);
        REFS_OK("pt_get_page");
        put_root(m);
        ck_assert_uint_eq(fm_gen(m), 0);
    }
    REFS_OK("pt_get_page");
}
END_TEST

START_TEST(test_get_page_other_domain_and_limits)
{
    mfn_t m = fm_alloc();

    ck_assert_int_eq(pt_get_page(fm_other(), m), -HV_EINVAL);
    ck_assert_int_eq(pt_get_page(fm_other(), FM_OTHER_FIRST), 0);
    pt_put_page(FM_OTHER_FIRST);
    fm.pages[m].count_info = PGC_COUNT_MASK; /* saturated: refused, not wrapped */
    ck_assert_int_eq(pt_get_page(D, m), -HV_EINVAL);
    ck_assert_uint_eq(fm_gen(m), PGC_COUNT_MASK);
    fm.pages[m].count_info = 0;
    ck_assert(SUPPORT_PANICS(pt_put_page(m))); /* a put without a get is a hypervisor bug */
    REFS_OK("limits");
}
END_TEST

/* ---- L1 validation: what one entry (slot 5, after four good ones) may map ---- */

enum l1_target {
    T_DATA,
    T_OTHER_DOM,
    T_HYP,
    T_OUTSIDE,
    T_XEN_HEAP,
    T_PINNED_L1,
    T_SELF,
    T_SEG_DESC,
    T_WRITABLE_HELD
};

static const struct {
    const char *name;
    enum l1_target target;
    uint64_t flags;
    bool ok;
    uint64_t gen, typ; /* the target's counts after a successful pin (beyond what it had) */
} l1_cases[] = {
    {"RW own frame", T_DATA, RW, true, 1, 1},
    {"RO own frame", T_DATA, RO, true, 1, 0},
    {"RW other domain", T_OTHER_DOM, RW, false, 0, 0},
    {"RO other domain", T_OTHER_DOM, RO, false, 0, 0},
    {"RO hypervisor frame", T_HYP, RO, false, 0, 0},
    {"RW hypervisor frame", T_HYP, RW, false, 0, 0},
    {"RO beyond the frame table", T_OUTSIDE, RO, false, 0, 0},
    {"RW xen heap", T_XEN_HEAP, RW, true, 1, 1},
    {"RO xen heap", T_XEN_HEAP, RO, true, 1, 0},
    {"RW page table", T_PINNED_L1, RW, false, 0, 0},
    {"RO page table", T_PINNED_L1, RO, true, 1, 0},
    {"RO self", T_SELF, RO, true, 1, 0},
    {"RW self", T_SELF, RW, false, 0, 0},
    {"RW descriptor page", T_SEG_DESC, RW, false, 0, 0},
    {"RO descriptor page", T_SEG_DESC, RO, true, 1, 0},
    {"RW frame already writable", T_WRITABLE_HELD, RW, true, 1, 1},
    {"PWT without I/O rights", T_DATA, RO | FM_PWT, false, 0, 0},
    {"PCD without I/O rights", T_DATA, RW | FM_PCD, false, 0, 0},
    {"PAT without I/O rights", T_DATA, RO | FM_PS, false, 0, 0},
    {"grant marker bit 62", T_DATA, RO | FM_GNTTAB, false, 0, 0},
    {"G accepted, dropped", T_DATA, RO | FM_G, true, 1, 0},
    {"NX and software bits", T_DATA, RW | FM_NX | (0x3full << 52) | (7ull << 9), true, 1, 1},
    {"not present, garbage", T_OTHER_DOM, ~FM_P & ~FM_ADDR, true, 0, 0},
};

static mfn_t l1_target(enum l1_target t, mfn_t self)
{
    mfn_t m;

    switch (t) {
    case T_OTHER_DOM:
        return FM_OTHER_FIRST + 1;
    case T_HYP:
        return FM_HYP_FIRST + 2;
    case T_OUTSIDE:
        return NFRAMES + 7;
    case T_XEN_HEAP:
        return FM_XEN_HEAP;
    case T_PINNED_L1:
        m = fm_alloc();
        ck_assert_int_eq(pin(m, PGT_L1), 0);
        return m;
    case T_SELF:
        return self;
    case T_SEG_DESC:
    case T_WRITABLE_HELD:
        m = fm_alloc();
        ck_assert_int_eq(get_root(m, t == T_SEG_DESC ? PGT_SEG_DESC : PGT_WRITABLE), 0);
        return m;
    default:
        return fm_alloc();
    }
}

START_TEST(test_l1_entry)
{
    mfn_t data[4], t = mk_l1(4, true, data), target = l1_target(l1_cases[_i].target, t);
    uint64_t gen0 = target < NFRAMES ? fm_gen(target) : 0,
             typ0 = target < NFRAMES ? fm_typ(target) : 0;
    struct counts before;
    int rc;

    set(t, 1, fm_pte(data[1], RO)); /* a mix of RW and RO before the slot under test */
    set(t, 5, fm_pte(target, l1_cases[_i].flags));
    counts_take(&before);
    rc = pin(t, PGT_L1);
    if (!l1_cases[_i].ok) {
        ck_assert_msg(refused(rc), "%s: pin returned %d", l1_cases[_i].name, rc);
        COUNTS_SAME(&before);
        ck_assert(!has(t, PGT_VALIDATED | PGT_PARTIAL | PGT_PINNED));
        return;
    }
    ck_assert_msg(rc == 0, "%s: pin returned %d", l1_cases[_i].name, rc);
    ck_assert_uint_eq(fm_gen(data[0]), 1);
    ck_assert_uint_eq(fm_typ(data[0]), 1);
    ck_assert_uint_eq(fm_type(data[0]), PGT_WRITABLE);
    ck_assert_uint_eq(fm_gen(data[1]), 1);
    ck_assert_uint_eq(fm_typ(data[1]), 0);
    if (target < NFRAMES && target != t) {
        ck_assert_uint_eq(fm_gen(target), gen0 + l1_cases[_i].gen);
        ck_assert_uint_eq(fm_typ(target), typ0 + l1_cases[_i].typ);
    }
    if (target == t)
        ck_assert_uint_eq(fm_gen(t), 2); /* the pin and the self-mapping */
    ck_assert(get(t, 5) & FM_P ? (get(t, 5) & FM_U) && !(get(t, 5) & FM_G) : true);
    ck_assert_int_eq(unpin(t), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ck_assert_uint_eq(fm_gen(data[0]) + fm_typ(data[0]) + fm_gen(data[1]), 0);
}
END_TEST

START_TEST(test_l1_cache_bits_with_io_caps)
{
    mfn_t t, d;

    fm_fini();
    fm_init(NFRAMES, true);
    D = fm_dom();
    t = fm_alloc();
    d = fm_alloc();
    set(t, 0, fm_pte(d, RW | FM_PWT | FM_PCD | FM_PS));
    set(t, 1, fm_pte(d, RO | FM_GNTTAB));
    ck_assert(refused(pin(t, PGT_L1))); /* bit 62 even with I/O rights */
    set(t, 1, 0);
    ck_assert_int_eq(pin(t, PGT_L1), 0);
    ck_assert_uint_eq(fm_typ(d), 1);
}
END_TEST

/* ---- one type at a time ---- */

START_TEST(test_one_type_at_a_time)
{
    mfn_t f = fm_alloc();

    ck_assert_int_eq(get_root(f, PGT_WRITABLE), 0);
    ck_assert(refused(pin(f, PGT_L1)));
    ck_assert(refused(get_root(f, PGT_SEG_DESC)));
    ck_assert_int_eq(get_root(f, PGT_WRITABLE), 0);
    ck_assert_uint_eq(fm_typ(f), 2);
    put_root(f);
    put_root(f);
    ck_assert_int_eq(pin(f, PGT_L1), 0);
    ck_assert(refused(get_root(f, PGT_WRITABLE)));
    ck_assert(refused(get_root(f, PGT_L2)));
    ck_assert(refused(pin(f, PGT_L1))); /* pinned twice */
    ck_assert_uint_eq(fm_typ(f), 1);
    ck_assert_int_eq(unpin(f), 0);
    ck_assert(refused(unpin(f)));
    ck_assert(has(f, PGT_DEVAL));
    ck_assert_int_eq(get_root(f, PGT_WRITABLE), 0); /* devalidation finished on the spot */
    ck_assert(!has(f, PGT_DEVAL));
    ck_assert_uint_eq(fm_type(f), PGT_WRITABLE);
    put_root(f);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

START_TEST(test_type_count_saturated)
{
    mfn_t f = fm_alloc();

    fm.pages[f].type_info = PGT_WRITABLE | PGT_COUNT_MASK; /* refused, not wrapped to 0 */
    ck_assert_int_eq(pt_get_type(D, f, PGT_WRITABLE, &(struct pt_work){BIG}), -HV_EINVAL);
    ck_assert_uint_eq(fm.pages[f].type_info, PGT_WRITABLE | PGT_COUNT_MASK);
    fm.pages[f].type_info = PGT_WRITABLE;
    REFS_OK("saturated type count");
}
END_TEST

START_TEST(test_unpin_refusals)
{
    mfn_t f = fm_alloc();

    ck_assert(refused(unpin(f)));
    ck_assert(refused(unpin(FM_OTHER_FIRST)));
    ck_assert(refused(unpin(NFRAMES + 1)));
    ck_assert(refused(pt_pin(fm_other(), f, PGT_L1, &(struct pt_work){BIG})));
    ck_assert_int_eq(pin(f, PGT_L1), 0);
    ck_assert(refused(pt_unpin(fm_other(), f)));
    REFS_OK("other domain's unpin");
    ck_assert_int_eq(unpin(f), 0);
}
END_TEST

/* ---- a hierarchy validated recursively ---- */

START_TEST(test_hierarchy_counts)
{
    mfn_t da[3], db[2], a = mk_l1(3, true, da), b = mk_l1(2, false, db), c = fm_alloc();
    mfn_t l1s[4] = {a, b, c, a}, x = mk_parent(4, l1s), s, r;

    set(b, 2, fm_pte(da[0], RO)); /* B maps A's first frame read-only too */
    ck_assert_int_eq(pin(x, PGT_L2), 0);
    ck_assert_uint_eq(fm_gen(x), 1);
    ck_assert_uint_eq(fm_typ(x), 1);
    ck_assert(has(x, PGT_PINNED | PGT_VALIDATED));
    ck_assert_uint_eq(fm_gen(a), 2);
    ck_assert_uint_eq(fm_typ(a), 2);
    ck_assert_uint_eq(fm_gen(b), 1);
    ck_assert_uint_eq(fm_typ(b), 1);
    ck_assert_uint_eq(fm_gen(c), 1);
    ck_assert_uint_eq(fm_typ(c), 1);
    ck_assert_uint_eq(fm_gen(da[0]), 2);
    ck_assert_uint_eq(fm_typ(da[0]), 1);
    ck_assert_uint_eq(fm_gen(da[2]), 1);
    ck_assert_uint_eq(fm_gen(db[1]), 1);
    ck_assert_uint_eq(fm_typ(db[1]), 0);
    for (unsigned int i = 0; i < 3; i++)
        ck_assert_uint_eq(fm_type(da[i]), PGT_WRITABLE);
    ck_assert_uint_eq(fm_type(db[0]), PGT_NONE);

    s = mk_parent(1, &x);
    r = mk_parent(1, &s);
    ck_assert_int_eq(pin(r, PGT_L4), 0);
    ck_assert_uint_eq(fm_typ(s), 1);
    ck_assert_uint_eq(fm_typ(x), 2);
    ck_assert_uint_eq(fm_gen(x), 2);
    ck_assert_uint_eq(fm_type(s), PGT_L3);

    ck_assert_int_eq(unpin(x), 0);
    ck_assert_uint_eq(fm_typ(a), 2); /* x is still used by s */
    ck_assert_int_eq(unpin(r), 0);
    ck_assert(has(r, PGT_DEVAL));
    ck_assert_uint_eq(fm_typ(s), 1); /* deferred */
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

/* ---- a validation that fails halfway rolls back exactly ---- */

static const struct {
    unsigned int bad_l2_slot; /* the L2 slot whose L1 has a bad entry */
    unsigned int bad_l1_slot; /* that entry */
    uint64_t bad_entry_flags;
    bool bad_target_foreign;
} rollback_cases[] = {
    {10, 7, RO | FM_PCD, false}, {10, 0, RW, true},           {0, 511, RO | FM_GNTTAB, false},
    {10, 511, RW, true},         {511, 3, RO | FM_PS, false},
};

START_TEST(test_rollback)
{
    mfn_t x = fm_alloc(), l1s[12], bad = fm_alloc(), bd = fm_alloc();
    unsigned int slot = rollback_cases[_i].bad_l2_slot;
    struct counts before;

    for (unsigned int i = 0; i < 12; i++) {
        l1s[i] = mk_l1(3, i & 1, NULL);
        if (i < slot)
            set(x, i, fm_pte(l1s[i], RW));
    }
    if (slot + 1 < PT_ENTRIES)
        set(x, slot + 1, fm_pte(l1s[11], RW)); /* never reached */
    ck_assert_int_eq(pin(l1s[3], PGT_L1), 0);  /* what existed before stays */
    ck_assert_int_eq(get_root(l1s[1], PGT_L1), 0);
    set(bad, 0, fm_pte(bd, RW));
    set(bad, rollback_cases[_i].bad_l1_slot,
        fm_pte(rollback_cases[_i].bad_target_foreign ? FM_OTHER_FIRST : bd,
               rollback_cases[_i].bad_entry_flags));
    set(x, slot, fm_pte(bad, RW));
    counts_take(&before);

    ck_assert(refused(pin(x, PGT_L2)));
    ck_assert(!has(x, PGT_PINNED | PGT_VALIDATED | PGT_PARTIAL));
    ck_assert_uint_eq(fm_typ(bad), 0);
    ck_assert_uint_eq(fm_gen(bd), 0);
    ck_assert_int_eq(run_deferred(BIG), 0); /* the L1s taken before the failure */
    COUNTS_SAME(&before);
    ck_assert(has(l1s[3], PGT_PINNED | PGT_VALIDATED));
    ck_assert(has(l1s[1], PGT_VALIDATED));
    ck_assert_int_eq(unpin(l1s[3]), 0);
    put_root(l1s[1]);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

/* ---- linear page tables ---- */

enum linear_shape { LIN_SELF, LIN_SAME_LEVEL, LIN_ANCESTOR };

static const struct {
    uint64_t type;
    enum linear_shape shape;
} linear_cases[] = {
    {PGT_L4, LIN_SELF}, {PGT_L4, LIN_SAME_LEVEL}, {PGT_L3, LIN_SELF},     {PGT_L3, LIN_SAME_LEVEL},
    {PGT_L2, LIN_SELF}, {PGT_L2, LIN_SAME_LEVEL}, {PGT_L3, LIN_ANCESTOR}, {PGT_L4, LIN_ANCESTOR},
};

START_TEST(test_linear_refused)
{
    uint64_t type = linear_cases[_i].type;
    mfn_t t = fm_alloc(), other = fm_alloc(), child, grandchild;

    switch (linear_cases[_i].shape) {
    case LIN_SELF:
        set(t, 3, fm_pte(t, RO));
        break;
    case LIN_SAME_LEVEL:
        ck_assert_int_eq(pin(other, type), 0);
        set(t, 3, fm_pte(other, RO));
        break;
    case LIN_ANCESTOR: /* t -> child -> t again, one level down each time */
        child = fm_alloc();
        grandchild = fm_alloc();
        set(t, 3, fm_pte(child, RO));
        set(child, 0, fm_pte(type == PGT_L3 ? t : grandchild, RO));
        set(grandchild, 0, fm_pte(t, RO));
        break;
    }
    ck_assert(refused(pin(t, type)));
    ck_assert(refused(pin(t, type))); /* and again, from the rolled-back state */
    ck_assert_int_eq(run_deferred(BIG), 0);
    if (linear_cases[_i].shape == LIN_SAME_LEVEL)
        ck_assert_int_eq(unpin(other), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

/* ---- the hypervisor's L4 slots ---- */

START_TEST(test_l4_hyp_slots)
{
    mfn_t r = fm_alloc(), s = fm_alloc(), d = fm_alloc(), s2 = fm_alloc();

    for (unsigned int i = PT_L4_HYP_FIRST; i <= PT_L4_HYP_LAST; i++)
        set(r, i, i & 1 ? fm_pte(d, RW) : fm_pte(FM_OTHER_FIRST, RW)); /* guest garbage */
    set(r, 0, fm_pte(s, RW));
    ck_assert_int_eq(pin(r, PGT_L4), 0);
    for (unsigned int i = PT_L4_HYP_FIRST; i <= PT_L4_HYP_LAST; i++)
        ck_assert_uint_eq(get(r, i), fm_hyp_l4e(i));
    ck_assert_uint_eq(fm_gen(d), 0);
    for (unsigned int i = PT_L4_HYP_FIRST; i <= PT_L4_HYP_LAST; i++) {
        ck_assert_int_eq(mod(r, PGT_L4, i, 0), -HV_EINVAL);
        ck_assert_int_eq(mod(r, PGT_L4, i, fm_pte(s2, RW)), -HV_EINVAL);
        ck_assert_uint_eq(get(r, i), fm_hyp_l4e(i));
    }
    ck_assert_int_eq(mod(r, PGT_L4, PT_ENTRIES, 0), -HV_EINVAL);
    ck_assert_int_eq(mod(r, PGT_L4, PT_L4_HYP_FIRST - 1, fm_pte(s2, RW)), 0);
    ck_assert_int_eq(mod(r, PGT_L4, PT_L4_HYP_LAST + 1, fm_pte(s2, RW)), 0);
    ck_assert_uint_eq(fm_typ(s2), 2);
    ck_assert_int_eq(unpin(r), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
    for (unsigned int i = PT_L4_HYP_FIRST; i <= PT_L4_HYP_LAST; i++)
        ck_assert_uint_eq(get(r, i), fm_hyp_l4e(i));
}
END_TEST

/* ---- preemption ---- */

/* An L4 -> 2 L3 -> 2 L2 each -> 3 L1 each (one shared) -> 120 entries over 40 data frames. */
static mfn_t build_big(void)
{
    mfn_t data[40], l3[2], r;

    for (unsigned int i = 0; i < 40; i++)
        data[i] = fm_alloc();
    for (unsigned int a = 0; a < 2; a++) {
        mfn_t l2[2];

        for (unsigned int b = 0; b < 2; b++) {
            mfn_t l1[3];

            for (unsigned int c = 0; c < 3; c++) {
                unsigned int n = a * 6 + b * 3 + c;

                l1[c] = fm_alloc();
                for (unsigned int k = 0; k < 120; k++)
                    set(l1[c], k * 4 + (n & 3),
                        fm_pte(data[(n * 7 + k) % 40], k % 5 == 0 ? RO : RW));
            }
            l2[b] = fm_alloc();
            for (unsigned int c = 0; c < 3; c++)
                set(l2[b], c * 100 + b, fm_pte(l1[c], RW));
            if (b == 1)
                set(l2[b], 511, fm_pte(l1[0], RW));
        }
        l3[a] = mk_parent(2, l2);
    }
    r = fm_alloc();
    set(r, 0, fm_pte(l3[0], RW));
    set(r, 511, fm_pte(l3[1], RW));
    set(r, 300, fm_pte(l3[1], RO));
    return r;
}

/* Budgets below the hierarchy's depth (4) included: see test_bug_small_budget_no_progress. */
static const uint32_t budgets[] = {1, 3, 4, 7, 64, 100, 511, 512, 513, 1000, 4096};
#define BIG_SLOTS (12 * 512 + 4 * 512 + 2 * 512 + 496) /* every non-hypervisor slot costs one */

START_TEST(test_preempted_pin_matches_unpreempted)
{
    uint32_t budget = budgets[_i];
    struct fm_snap once;
    unsigned int restarts = 0;
    mfn_t r = build_big();
    int rc;

    ck_assert_int_eq(pin(r, PGT_L4), 0);
    fm_snap_take(&once);

    fm_fini();
    setup();
    ck_assert_uint_eq(build_big(), r);
    while ((rc = pin_w(r, PGT_L4, budget)) == PT_ERESTART) {
        restarts++;
        ck_assert(has(r, PGT_PARTIAL));
        ck_assert_uint_eq(fm_typ(r), 1);
        ck_assert_uint_eq(fm_gen(r), 0);
        ck_assert_msg(restarts < 100000, "no progress with budget %u", budget);
    }
    ck_assert_int_eq(rc, 0);
    /* A call validates at most its budget plus one first entry per level of the chain. */
    ck_assert_msg(restarts + 1 >= BIG_SLOTS / (budget + 4), "budget %u: only %u restarts", budget,
                  restarts);
    ck_assert_msg(fm_snap_diff(&once) == 0, "budget %u: %s", budget, fm.why);
    fm_snap_free(&once);
    ck_assert_int_eq(unpin(r), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

START_TEST(test_zero_budget_still_progresses)
{
    mfn_t x = mk_l1(5, true, NULL);
    int rc;

    /* Even with no budget, each call validates one entry more (no livelock). */
    for (unsigned int k = 0; k < 3; k++) {
        ck_assert_int_eq(pin_w(x, PGT_L1, 0), PT_ERESTART);
        ck_assert(has(x, PGT_PARTIAL));
        ck_assert_uint_eq(fm_typ(x), 1);
        ck_assert_uint_eq(fm.pages[x].type_info & PGT_IDX_MASK, (uint64_t)(k + 1) << PGT_IDX_SHIFT);
    }
    while ((rc = pin_w(x, PGT_L1, 0)) == PT_ERESTART)
        ;
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(fm_typ(x), 1);
    ck_assert(has(x, PGT_PINNED));
}
END_TEST

/* A partial L1 (its L2's validation ran out inside it) finished by a pin of the L1 itself. */
START_TEST(test_partial_child_finished_by_other_pin)
{
    mfn_t a = mk_l1(100, true, NULL), b = mk_l1(10, false, NULL), l1s[2] = {a, b};
    mfn_t x = mk_parent(2, l1s);

    ck_assert_int_eq(pin_w(x, PGT_L2, 50), PT_ERESTART);
    ck_assert(has(x, PGT_PARTIAL));
    ck_assert(has(a, PGT_PARTIAL));
    ck_assert_uint_eq(fm_typ(a), 1);
    ck_assert_uint_eq(fm_gen(a), 0);
    ck_assert(refused(get_root(a, PGT_WRITABLE)));
    ck_assert(refused(get_root(a, PGT_L2)));
    ck_assert_int_eq(pin(a, PGT_L1), 0); /* resumes a; the partial reference becomes the pin's */
    ck_assert_uint_eq(fm_typ(a), 1);
    ck_assert_uint_eq(fm_gen(a), 1);
    ck_assert(has(a, PGT_PINNED | PGT_VALIDATED) && !has(a, PGT_PARTIAL));
    ck_assert_int_eq(pin(x, PGT_L2), 0);
    ck_assert_uint_eq(fm_typ(a), 2);
    ck_assert_uint_eq(fm_gen(a), 2);
    ck_assert_uint_eq(fm_typ(x), 1);
    ck_assert_uint_eq(fm_typ(b), 1);
    ck_assert_int_eq(unpin(a), 0);
    ck_assert_int_eq(unpin(x), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

/* A partial L2 finished through another path (taken as a root), then pinned. */
START_TEST(test_partial_finished_by_other_path)
{
    mfn_t a = mk_l1(100, true, NULL), b = mk_l1(100, false, NULL), l1s[2] = {a, b};
    mfn_t x = mk_parent(2, l1s);

    ck_assert_int_eq(pin_w(x, PGT_L2, 600), PT_ERESTART); /* 1 + 512 for a, then into b */
    ck_assert(has(x, PGT_PARTIAL));
    ck_assert_uint_eq(fm.pages[x].type_info & PGT_IDX_MASK, 1ull << PGT_IDX_SHIFT);
    ck_assert(has(b, PGT_PARTIAL));
    ck_assert(refused(get_root(x, PGT_L3)));
    ck_assert(has(x, PGT_PARTIAL));
    ck_assert_int_eq(get_root(x, PGT_L2), 0);
    ck_assert(!has(x, PGT_PARTIAL) && has(x, PGT_VALIDATED));
    ck_assert_uint_eq(fm_typ(x), 1);
    ck_assert_uint_eq(fm_gen(x), 1);
    ck_assert_int_eq(pin(x, PGT_L2), 0);
    ck_assert_uint_eq(fm_typ(x), 2);
    ck_assert_uint_eq(fm_gen(x), 2);
    ck_assert_uint_eq(fm_typ(a), 1);
    ck_assert_uint_eq(fm_typ(b), 1);
    put_root(x);
    ck_assert_int_eq(unpin(x), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

/* A partial table whose resumed validation fails: everything it took goes back. */
START_TEST(test_partial_then_failure)
{
    mfn_t a = mk_l1(100, true, NULL), b = mk_l1(100, false, NULL), l1s[2] = {a, b};
    mfn_t x = mk_parent(2, l1s);

    set(b, 90, fm_pte(FM_HYP_FIRST, RO));
    ck_assert_int_eq(pin_w(x, PGT_L2, 600), PT_ERESTART);
    ck_assert(has(b, PGT_PARTIAL));
    ck_assert(refused(pin(x, PGT_L2)));
    ck_assert(!has(x, PGT_PARTIAL | PGT_VALIDATED) && !has(b, PGT_PARTIAL | PGT_VALIDATED));
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

/* ---- deferred devalidation ---- */

START_TEST(test_unpin_deferred)
{
    mfn_t d[3][4], l1s[3], x;
    int rc;

    for (unsigned int i = 0; i < 3; i++)
        l1s[i] = mk_l1(4, i != 1, d[i]);
    x = mk_parent(3, l1s);
    ck_assert_int_eq(pin(x, PGT_L2), 0);
    ck_assert_int_eq(run_deferred(0), 0); /* nothing to do: done even without budget */
    ck_assert_int_eq(unpin(x), 0);
    ck_assert(has(x, PGT_DEVAL | PGT_ON_LIST) && !has(x, PGT_VALIDATED));
    ck_assert_uint_eq(fm_typ(x), 0);
    ck_assert_uint_eq(D->deferred, x + 1);
    for (unsigned int i = 0; i < 3; i++) {
        ck_assert_uint_eq(fm_typ(l1s[i]), 1); /* not yet */
        ck_assert_uint_eq(fm_gen(d[i][2]), 1);
    }
    /* Less than one table of budget still settles one (progress), then stops: x done, its
     * L1s queued. */
    ck_assert_int_eq(run_deferred(PT_ENTRIES - 1), PT_ERESTART);
    ck_assert(!has(x, PGT_DEVAL | PGT_ON_LIST));
    for (unsigned int i = 0; i < 3; i++) {
        ck_assert(has(l1s[i], PGT_DEVAL | PGT_ON_LIST));
        ck_assert_uint_eq(fm_typ(l1s[i]), 0);
        ck_assert_uint_eq(fm_gen(d[i][2]), 1);
    }
    while ((rc = run_deferred(PT_ENTRIES)) == PT_ERESTART)
        ;
    ck_assert_int_eq(rc, 0);
    ALL_ZERO();
}
END_TEST

/* Until the deferred work runs, what a devalidated table mapped keeps its type: a frame an
 * unpinned L1 mapped writable cannot become a page table yet (Xen devalidates within the unpin,
 * so a batch "unpin A; pin A's data frame" succeeds there: hyp/pv must drain in between). */
START_TEST(test_deferred_blocks_retype)
{
    mfn_t d[1], a = mk_l1(1, true, d);

    ck_assert_int_eq(pin(a, PGT_L1), 0);
    ck_assert_int_eq(unpin(a), 0);
    ck_assert(refused(pin(d[0], PGT_L1)));
    ck_assert_uint_eq(fm_type(d[0]), PGT_WRITABLE);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ck_assert_int_eq(pin(d[0], PGT_L1), 0);
}
END_TEST

START_TEST(test_settle)
{
    mfn_t d[4], a = mk_l1(4, true, d), x = mk_parent(1, &a);

    pt_settle(D, x); /* untyped: no-op */
    pt_settle(D, NFRAMES + 3);
    REFS_OK("pt_settle no-op");
    ck_assert_int_eq(pin(x, PGT_L2), 0);
    pt_settle(D, x); /* validated: no-op */
    REFS_OK("pt_settle no-op");
    ck_assert_uint_eq(fm_typ(a), 1);
    ck_assert_int_eq(unpin(x), 0);
    pt_settle(D, x);
    REFS_OK("pt_settle");
    ck_assert(!has(x, PGT_DEVAL) && has(x, PGT_ON_LIST)); /* still linked, not to be done again */
    ck_assert(has(a, PGT_DEVAL));
    ck_assert_uint_eq(fm_gen(a), 0);
    pt_settle(D, x);
    REFS_OK("pt_settle again");
    pt_settle(D, a);
    REFS_OK("pt_settle child");
    ck_assert_uint_eq(fm_gen(d[3]), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

/* A frame revalidated while it waits on the deferred list keeps its place and its references. */
START_TEST(test_revalidated_while_listed)
{
    mfn_t d[2], a = mk_l1(2, true, d);

    ck_assert_int_eq(pin(a, PGT_L1), 0);
    ck_assert_int_eq(unpin(a), 0);
    ck_assert_int_eq(pin(a, PGT_L1), 0);
    ck_assert(has(a, PGT_ON_LIST | PGT_VALIDATED) && !has(a, PGT_DEVAL));
    ck_assert_int_eq(run_deferred(BIG), 0);
    ck_assert(!has(a, PGT_ON_LIST));
    ck_assert_uint_eq(fm_typ(d[1]), 1);
    ck_assert_int_eq(unpin(a), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

/* ---- pt_mod_entry on an L1 ---- */

enum mod_tgt { MT_NONE, MT_D, MT_E, MT_TABLE, MT_FOREIGN, MT_XEN_HEAP };

static const struct {
    const char *name;
    enum mod_tgt old_t;
    uint64_t old_f;
    enum mod_tgt new_t;
    uint64_t new_f;
    bool ok;
    uint64_t d_gen, d_typ, e_gen, e_typ; /* after */
} mod_cases[] = {
    {"same frame, flags", MT_D, RO, MT_D, RO | FM_NX | FM_D | (3ull << 9), true, 1, 0, 0, 0},
    {"same frame RW, flags", MT_D, RW, MT_D, RW & ~FM_A, true, 1, 1, 0, 0},
    {"RO -> RW", MT_D, RO, MT_D, RW, true, 1, 1, 0, 0},
    {"RW -> RO", MT_D, RW, MT_D, RO, true, 1, 0, 0, 0},
    {"replace RO", MT_D, RO, MT_E, RO, true, 0, 0, 1, 0},
    {"replace RW by RW", MT_D, RW, MT_E, RW, true, 0, 0, 1, 1},
    {"clear", MT_D, RW, MT_NONE, 0, true, 0, 0, 0, 0},
    {"clear, garbage kept", MT_D, RW, MT_NONE, ~FM_P, true, 0, 0, 0, 0},
    {"fill", MT_NONE, 0, MT_E, RW, true, 0, 0, 1, 1},
    {"RW page table refused", MT_D, RO, MT_TABLE, RW, false, 1, 0, 0, 0},
    {"RO page table", MT_D, RW, MT_TABLE, RO, true, 0, 0, 0, 0},
    {"same frame, bad bits", MT_D, RO, MT_D, RO | FM_PCD, false, 1, 0, 0, 0},
    {"same frame, grant bit", MT_D, RW, MT_D, RW | FM_GNTTAB, false, 1, 1, 0, 0},
    {"foreign refused", MT_D, RO, MT_FOREIGN, RO, false, 1, 0, 0, 0},
    {"xen heap RW", MT_D, RO, MT_XEN_HEAP, RW, true, 0, 0, 0, 0},
    {"G dropped", MT_D, RO, MT_E, RO | FM_G, true, 0, 0, 1, 0},
};

static mfn_t mod_target(enum mod_tgt t, mfn_t d, mfn_t e, mfn_t table)
{
    switch (t) {
    case MT_D:
        return d;
    case MT_E:
        return e;
    case MT_TABLE:
        return table;
    case MT_FOREIGN:
        return FM_OTHER_FIRST + 2;
    case MT_XEN_HEAP:
        return FM_XEN_HEAP;
    default:
        return 0;
    }
}

START_TEST(test_mod_l1)
{
    mfn_t t = fm_alloc(), d = fm_alloc(), e = fm_alloc(), table = fm_alloc();
    uint64_t old = fm_pte(mod_target(mod_cases[_i].old_t, d, e, table), mod_cases[_i].old_f);
    uint64_t new = fm_pte(mod_target(mod_cases[_i].new_t, d, e, table), mod_cases[_i].new_f);
    uint64_t stored;
    struct counts before;
    int rc;

    if (mod_cases[_i].old_t == MT_NONE)
        old = 0;
    if (mod_cases[_i].new_t == MT_NONE)
        new = mod_cases[_i].new_f;
    ck_assert_int_eq(pin(table, PGT_L1), 0);
    set(t, 9, old);
    ck_assert_int_eq(pin(t, PGT_L1), 0);
    stored = get(t, 9);
    counts_take(&before);
    rc = mod(t, PGT_L1, 9, new);
    if (!mod_cases[_i].ok) {
        ck_assert_msg(refused(rc), "%s: %d", mod_cases[_i].name, rc);
        ck_assert_uint_eq(get(t, 9), stored);
        COUNTS_SAME(&before);
    } else {
        ck_assert_msg(rc == 0, "%s: %d", mod_cases[_i].name, rc);
        ck_assert_uint_eq(get(t, 9), new &FM_P ? (new | FM_U) & ~FM_G : new);
    }
    ck_assert_msg(fm_gen(d) == mod_cases[_i].d_gen && fm_typ(d) == mod_cases[_i].d_typ &&
                      fm_gen(e) == mod_cases[_i].e_gen && fm_typ(e) == mod_cases[_i].e_typ,
                  "%s: d %lu/%lu e %lu/%lu", mod_cases[_i].name, (unsigned long)fm_gen(d),
                  (unsigned long)fm_typ(d), (unsigned long)fm_gen(e), (unsigned long)fm_typ(e));
    ck_assert_uint_eq(fm_typ(table), 1);
    ck_assert_uint_eq(fm_gen(table), 1 + (mod_cases[_i].ok && mod_cases[_i].new_t == MT_TABLE));
    ck_assert_int_eq(unpin(t), 0);
    ck_assert_int_eq(unpin(table), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

START_TEST(test_mod_preserve_ad)
{
    mfn_t t = fm_alloc(), d = fm_alloc(), e = fm_alloc();

    set(t, 4, fm_pte(d, FM_P | FM_W));
    ck_assert_int_eq(pin(t, PGT_L1), 0);
    fm_table(t)[4] |= FM_A | FM_D; /* the CPU set them */
    ck_assert_int_eq(mod_w(t, PGT_L1, 4, fm_pte(d, FM_P), true, BIG), 0);
    ck_assert_uint_eq(get(t, 4), fm_pte(d, FM_P | FM_U | FM_A | FM_D));
    ck_assert_uint_eq(fm_typ(d), 0);
    ck_assert_int_eq(mod_w(t, PGT_L1, 4, fm_pte(e, FM_P | FM_W), true, BIG), 0); /* as Xen */
    ck_assert_uint_eq(get(t, 4), fm_pte(e, FM_P | FM_W | FM_U | FM_A | FM_D));
    ck_assert_int_eq(mod_w(t, PGT_L1, 4, fm_pte(e, FM_P | FM_W), false, BIG), 0);
    ck_assert_uint_eq(get(t, 4), fm_pte(e, FM_P | FM_W | FM_U));
    ck_assert_uint_eq(fm_gen(d), 0);
    ck_assert_uint_eq(fm_typ(e), 1);
}
END_TEST

/* ---- pt_mod_entry on higher levels ---- */

START_TEST(test_mod_l2)
{
    mfn_t da[3], db[3], a = mk_l1(3, true, da), b = mk_l1(3, true, db), x = mk_parent(1, &a);
    mfn_t bad = fm_alloc();
    uint64_t map0;

    ck_assert_int_eq(pin(x, PGT_L2), 0);
    map0 = fm.map_calls;
    ck_assert_int_eq(mod(x, PGT_L2, 0, fm_pte(a, FM_P | FM_W)), 0); /* same table, A cleared */
    ck_assert_uint_eq(fm_typ(a), 1);
    ck_assert(has(a, PGT_VALIDATED));
    ck_assert_uint_eq(fm.map_calls - map0, 1); /* only x's slot: a was not revalidated */
    ck_assert_int_eq(mod(x, PGT_L2, 0, fm_pte(a, RW | FM_PS)), -HV_EINVAL);
    ck_assert_int_eq(mod(x, PGT_L2, 0, fm_pte(a, RW | FM_G)), -HV_EINVAL);
    ck_assert_int_eq(mod(x, PGT_L2, 0, fm_pte(a, RW | FM_PCD)), -HV_EINVAL);
    ck_assert_int_eq(mod(x, PGT_L2, 0, fm_pte(b, RW)), 0); /* replace: a's references go */
    ck_assert_uint_eq(fm_typ(b), 1);
    ck_assert(has(a, PGT_DEVAL));
    ck_assert_uint_eq(fm_typ(da[0]), 1); /* deferred */
    ck_assert_int_eq(run_deferred(BIG), 0);
    ck_assert_uint_eq(fm_typ(da[0]), 0);
    ck_assert_uint_eq(fm_gen(a), 0);

    set(bad, 0, fm_pte(db[0], RW));
    set(bad, 1, fm_pte(FM_HYP_FIRST + 1, RW));
    ck_assert(refused(mod(x, PGT_L2, 7, fm_pte(bad, RW))));
    ck_assert_uint_eq(get(x, 7), 0);
    ck_assert_uint_eq(fm_typ(db[0]), 1);
    ck_assert_uint_eq(fm_gen(bad), 0);
    ck_assert(refused(mod(x, PGT_L2, 7, fm_pte(x, RW)))); /* linear */
    ck_assert(refused(mod(x, PGT_L2, 7, fm_pte(FM_XEN_HEAP, RW))));
    ck_assert(refused(mod(x, PGT_L2, 7, fm_pte(FM_OTHER_FIRST, RW))));
    ck_assert_uint_eq(get(x, 7), 0);
    ck_assert_int_eq(unpin(x), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

START_TEST(test_mod_restart)
{
    mfn_t a = mk_l1(200, false, NULL), x = fm_alloc();
    int rc;
    unsigned int restarts = 0;

    ck_assert_int_eq(pin(x, PGT_L2), 0);
    while ((rc = mod_w(x, PGT_L2, 3, fm_pte(a, RW), false, 64)) == PT_ERESTART) {
        restarts++;
        ck_assert_uint_eq(get(x, 3), 0); /* nothing changed */
        ck_assert(has(a, PGT_PARTIAL));
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(restarts, 7);
    ck_assert_uint_eq(fm_typ(a), 1);
    ck_assert_uint_eq(fm_gen(a), 1);
    ck_assert_int_eq(unpin(x), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    ALL_ZERO();
}
END_TEST

/* ---- pt_cmpxchg_entry ---- */

START_TEST(test_cmpxchg)
{
    mfn_t t = fm_alloc(), d = fm_alloc(), e = fm_alloc(), r = fm_alloc();
    struct counts before;
    uint64_t cur;

    set(t, 3, fm_pte(d, RO));
    ck_assert_int_eq(pin(t, PGT_L1), 0);
    cur = get(t, 3);
    ck_assert_int_eq(pt_cmpxchg_entry(D, t, PGT_L1, 3, cur, fm_pte(d, RW), &(struct pt_work){BIG}),
                     0);
    REFS_OK("cmpxchg RO -> RW");
    ck_assert_uint_eq(get(t, 3), fm_pte(d, RW));
    ck_assert_uint_eq(fm_typ(d), 1);

    cur = get(t, 3);
    fm_table(t)[3] &= ~FM_D; /* changed since the guest read it */
    counts_take(&before);
    ck_assert_int_eq(pt_cmpxchg_entry(D, t, PGT_L1, 3, cur, fm_pte(e, RW), &(struct pt_work){BIG}),
                     PT_ECHANGED);
    REFS_OK("cmpxchg stale");
    ck_assert_uint_eq(get(t, 3), cur & ~FM_D);
    COUNTS_SAME(&before); /* e's references undone */
    ck_assert_int_eq(pt_cmpxchg_entry(D, t, PGT_L1, 3, cur, fm_pte(d, RO), &(struct pt_work){BIG}),
                     PT_ECHANGED);
    REFS_OK("cmpxchg stale, same frame");
    COUNTS_SAME(&before);

    cur = get(t, 3);
    ck_assert(refused(
        pt_cmpxchg_entry(D, t, PGT_L1, 3, cur, fm_pte(FM_HYP_FIRST, RW), &(struct pt_work){BIG})));
    REFS_OK("cmpxchg refused");
    ck_assert_uint_eq(get(t, 3), cur);
    COUNTS_SAME(&before);
    ck_assert_int_eq(pt_cmpxchg_entry(D, t, PGT_L1, 3, cur, 0, &(struct pt_work){BIG}), 0);
    REFS_OK("cmpxchg clear");
    ck_assert_uint_eq(fm_gen(d) + fm_typ(d), 0);

    ck_assert_int_eq(pin(r, PGT_L4), 0);
    ck_assert_int_eq(pt_cmpxchg_entry(D, r, PGT_L4, PT_L4_HYP_FIRST, fm_hyp_l4e(PT_L4_HYP_FIRST), 0,
                                      &(struct pt_work){BIG}),
                     -HV_EINVAL);
    ck_assert_uint_eq(get(r, PT_L4_HYP_FIRST), fm_hyp_l4e(PT_L4_HYP_FIRST));
    REFS_OK("cmpxchg hypervisor slot");
}
END_TEST

/* ---- the xen-heap page ---- */

START_TEST(test_xen_heap)
{
    mfn_t t = fm_alloc(), x = fm_alloc();
    const uint64_t types[] = {PGT_L1, PGT_L2, PGT_L3, PGT_L4};

    set(t, 0, fm_pte(FM_XEN_HEAP, RW));
    set(t, 1, fm_pte(FM_XEN_HEAP, RO));
    ck_assert_int_eq(pin(t, PGT_L1), 0);
    ck_assert_uint_eq(fm_gen(FM_XEN_HEAP), 2);
    ck_assert_uint_eq(fm_typ(FM_XEN_HEAP), 1);
    for (unsigned int i = 0; i < 4; i++)
        ck_assert(refused(pin(FM_XEN_HEAP, types[i])));
    ck_assert(refused(get_root(FM_XEN_HEAP, PGT_SEG_DESC)));
    set(x, 0, fm_pte(FM_XEN_HEAP, RW));
    ck_assert(refused(pin(x, PGT_L2)));
    ck_assert_int_eq(unpin(t), 0);
    ck_assert_int_eq(run_deferred(BIG), 0);
    for (unsigned int i = 0; i < 4; i++) /* not even at type count 0 */
        ck_assert(refused(pin(FM_XEN_HEAP, types[i])));
    ck_assert_uint_eq(fm.pages[FM_XEN_HEAP].count_info, PGC_XEN_HEAP);
    ALL_ZERO();
}
END_TEST

/* ---- TLB flushes on type changes ---- */

enum flush_history { H_FRESH, H_WRITABLE, H_L1_SETTLED, H_L1_DEVAL, H_SEG_DESC };

static const struct {
    const char *name;
    enum flush_history history;
    uint64_t next; /* the type taken next */
    uint64_t flushes;
} flush_cases[] = {
    {"fresh -> L1", H_FRESH, PGT_L1, 0},
    {"fresh -> writable", H_FRESH, PGT_WRITABLE, 0},
    {"fresh -> L4", H_FRESH, PGT_L4, 0},
    {"writable -> L1", H_WRITABLE, PGT_L1, 1},
    {"writable -> L3", H_WRITABLE, PGT_L3, 1},
    {"writable -> descriptors", H_WRITABLE, PGT_SEG_DESC, 1},
    {"writable -> writable", H_WRITABLE, PGT_WRITABLE, 0},
    {"L1 -> writable", H_L1_SETTLED, PGT_WRITABLE, 1},
    {"L1 (deferred) -> writable", H_L1_DEVAL, PGT_WRITABLE, 1},
    {"L1 -> L1", H_L1_SETTLED, PGT_L1, 0},
    {"L1 (deferred) -> L1", H_L1_DEVAL, PGT_L1, 0},
    {"descriptors -> writable", H_SEG_DESC, PGT_WRITABLE, 1},
};

START_TEST(test_flush)
{
    mfn_t f = fm_alloc();

    switch (flush_cases[_i].history) {
    case H_WRITABLE:
    case H_SEG_DESC:
        ck_assert_int_eq(
            get_root(f, flush_cases[_i].history == H_WRITABLE ? PGT_WRITABLE : PGT_SEG_DESC), 0);
        put_root(f);
        break;
    case H_L1_SETTLED:
    case H_L1_DEVAL:
        ck_assert_int_eq(pin(f, PGT_L1), 0);
        ck_assert_int_eq(unpin(f), 0);
        if (flush_cases[_i].history == H_L1_SETTLED)
            ck_assert_int_eq(run_deferred(BIG), 0);
        break;
    default:
        break;
    }
    fm.flush_calls = 0;
    D->flushes = 0;
    ck_assert_int_eq(get_root(f, flush_cases[_i].next), 0);
    ck_assert_msg(fm.flush_calls == flush_cases[_i].flushes, "%s: %lu flushes",
                  flush_cases[_i].name, (unsigned long)fm.flush_calls);
    ck_assert_uint_eq(D->flushes, fm.flush_calls);
}
END_TEST

/* ---- the reference checker itself: each corruption must be seen ---- */

enum corruption {
    C_GEN,
    C_TYP,
    C_FLAG,
    C_ENTRY_RW,
    C_ENTRY_FOREIGN,
    C_HYP_SLOT,
    C_ON_LIST,
    C_LIST_CYCLE,
    C_PARTIAL_COUNT,
    C_UNHELD,
    C_ENTRY_BITS,
    C_HYP_FRAME
};

START_TEST(test_checker_catches)
{
    mfn_t d[2], a = mk_l1(2, false, d), x = mk_parent(1, &a), s = mk_parent(1, &x);
    mfn_t r = mk_parent(1, &s), f = fm_alloc(), g = fm_alloc();

    ck_assert_int_eq(pin(r, PGT_L4), 0);
    ck_assert_int_eq(pin(f, PGT_L1), 0);
    ck_assert_int_eq(unpin(f), 0); /* f on the deferred list */
    ck_assert_int_eq(get_root(g, PGT_WRITABLE), 0);
    switch ((enum corruption)_i) {
    case C_GEN:
        fm.pages[d[1]].count_info++;
        break;
    case C_TYP:
        fm.pages[a].type_info--;
        break;
    case C_FLAG:
        fm.pages[x].type_info &= ~PGT_VALIDATED;
        break;
    case C_ENTRY_RW:
        fm_table(a)[0] |= FM_W;
        break;
    case C_ENTRY_FOREIGN:
        fm_table(a)[1] = fm_pte(FM_OTHER_FIRST, RO);
        break;
    case C_HYP_SLOT:
        fm_table(r)[PT_L4_HYP_LAST] ^= FM_W;
        break;
    case C_ON_LIST:
        fm.pages[g].type_info |= PGT_ON_LIST;
        break;
    case C_LIST_CYCLE:
        fm.pages[f].order = f + 1;
        break;
    case C_PARTIAL_COUNT:
        fm.pages[a].type_info |= PGT_PARTIAL;
        break;
    case C_UNHELD:
        fm_unhold(0);
        break;
    case C_ENTRY_BITS:
        fm_table(x)[0] |= FM_PS;
        break;
    case C_HYP_FRAME:
        fm.pages[FM_HYP_FIRST + 1].count_info = 1;
        break;
    }
    ck_assert_msg(fm_check() != 0, "corruption %d not seen", _i);
}
END_TEST

/* ---- bugs found by these tests and the fuzzer, kept as regression tests: each failed while its
 * bug was there (the mod_entry and budget ones were fixed in commit 0723615) ---- */

/*
 * pt_mod_entry on a table T whose only reference is held by a table D waiting for deferred
 * devalidation (D's last reference went earlier in the same batch). The new entry's validation
 * needs D writable, which finishes D's devalidation on the spot and so drops T's last reference,
 * then needs T itself writable, which finishes T's devalidation and releases every entry of T --
 * including the one being replaced. pt_mod_entry then writes the new entry into what is now a
 * writable data page and releases the old entry a second time.
 */
START_TEST(test_bug_mod_entry_table_devalidated_midway)
{
    mfn_t w = mk_l1(2, true, NULL), t = fm_alloc(), d = fm_alloc(), z = fm_alloc();
    bool panicked;
    int rc = -1;

    set(t, 5, fm_pte(w, RW)); /* T (L2) slot 5 -> W (L1) */
    set(d, 0, fm_pte(t, RW)); /* D (L3) slot 0 -> T */
    ck_assert_int_eq(pin(d, PGT_L3), 0);
    ck_assert_int_eq(unpin(d), 0); /* D waits for devalidation; T still counted by D */
    REFS_OK("setup");
    set(z, 0, fm_pte(d, RW)); /* Z (L1 to be): D writable, then T writable */
    set(z, 1, fm_pte(t, RW));
    ck_assert(has(t, PGT_VALIDATED) && fm_typ(t) == 1); /* what mmu_update checks */
    panicked = SUPPORT_PANICS(
        rc = pt_mod_entry(D, t, PGT_L2, 5, fm_pte(z, RW), false, &(struct pt_work){BIG}));
    ck_assert_msg(!panicked, "pt_mod_entry panicked: %s", support_panic_msg);
    ck_assert_msg(fm_check() == 0, "pt_mod_entry returned %d; reference problems: %s", rc, fm.why);
}
END_TEST

/*
 * The simplest form, found by the fuzzer (two frames): L2 T's only reference is in L3 X, which
 * waits for devalidation. pt_mod_entry(T, slot 2, X as an L1) validates X as an L1, which settles
 * X (T loses its last reference) and then needs T writable (X's old slot 2 maps T): T is settled
 * and becomes a writable page, and then receives the L2 entry. X's type and general references
 * are leaked into a data page.
 */
START_TEST(test_bug_mod_entry_leak)
{
    mfn_t x = fm_alloc(), t = fm_alloc();
    int rc;

    ck_assert_int_eq(pin(x, PGT_L3), 0);
    ck_assert_int_eq(mod(x, PGT_L3, 2, fm_pte(t, FM_P | FM_W | FM_D)), 0);
    ck_assert_int_eq(unpin(x), 0);
    ck_assert(has(t, PGT_VALIDATED) && fm_typ(t) == 1); /* mmu_update would go ahead */
    rc =
        pt_mod_entry(D, t, PGT_L2, 2, fm_pte(x, FM_P | FM_W | FM_D), false, &(struct pt_work){BIG});
    ck_assert_msg(fm_check() == 0,
                  "pt_mod_entry returned %d; T is now type %lu, X type %lu; first problem: %s", rc,
                  (unsigned long)(fm_type(t) >> PGT_TYPE_SHIFT),
                  (unsigned long)(fm_type(x) >> PGT_TYPE_SHIFT), fm.why);
}
END_TEST

/* The same with pt_cmpxchg_entry (the emulated locked read-modify-write of ptwr). */
START_TEST(test_bug_cmpxchg_entry_leak)
{
    mfn_t x = fm_alloc(), t = fm_alloc();
    int rc;

    ck_assert_int_eq(pin(x, PGT_L3), 0);
    ck_assert_int_eq(mod(x, PGT_L3, 2, fm_pte(t, FM_P | FM_W | FM_D)), 0);
    ck_assert_int_eq(unpin(x), 0);
    rc =
        pt_cmpxchg_entry(D, t, PGT_L2, 2, 0, fm_pte(x, FM_P | FM_W | FM_D), &(struct pt_work){BIG});
    ck_assert_msg(fm_check() == 0, "pt_cmpxchg_entry returned %d; first problem: %s", rc, fm.why);
}
END_TEST

/*
 * The same hole, turned into a writable mapping of a page table: the L3 being modified is
 * devalidated and revalidated as an L1 by the new entry's own validation, then receives the new
 * L3 entry, which an L1 reads as a writable mapping of the L2 it points to.
 */
START_TEST(test_bug_mod_entry_writable_page_table)
{
    mfn_t r = fm_alloc(), t = fm_alloc(), q = fm_alloc(), z2 = fm_alloc(), a = fm_alloc();
    int rc;

    set(r, 0, fm_pte(t, RW)); /* R (L4) -> T (L3) -> Q (L2, read-only entry) */
    set(t, 0, fm_pte(q, RO));
    ck_assert_int_eq(pin(r, PGT_L4), 0);
    ck_assert_int_eq(unpin(r), 0); /* R waits for devalidation */
    set(a, 0, fm_pte(r, RW));      /* A (L1): R writable, which settles R, then T loses its ref */
    set(z2, 0, fm_pte(a, RW));     /* Z2 (L2): A, then T as an L1 */
    set(z2, 1, fm_pte(t, RW));
    rc = mod(t, PGT_L3, 1, fm_pte(z2, RW)); /* REFS_OK inside fails while the bug is there */
    ck_assert_msg(rc != 0 || fm_type(t) == PGT_L3,
                  "T is now an L1 (type %#lx) whose slot 1 maps L2 %#lx writable",
                  (unsigned long)fm_type(t), (unsigned long)z2);
}
END_TEST

/*
 * pt_settle() does not check that the frame is pd's (every other entry point does): settling
 * domain 1's frame in domain 2's name queues its children on domain 2's deferred list, where
 * domain 2's lock, not domain 1's, guards them. Found by the fuzzer; today's callers check the
 * owner first, so this is hardening.
 */
START_TEST(test_bug_settle_foreign_frame)
{
    mfn_t a = mk_l1(1, true, NULL), x = mk_parent(1, &a);

    ck_assert_int_eq(pin(x, PGT_L2), 0);
    ck_assert_int_eq(unpin(x), 0);
    pt_settle(fm_other(), x);
    ck_assert_msg(fm_check() == 0, "%s", fm.why);
}
END_TEST

/*
 * validate() charges a parent's entry before descending into its child and charges it again on
 * every resume, so a budget no larger than the depth below the partial frame is all spent on the
 * way down: each call returns PT_ERESTART without validating a single L1 entry, forever.
 */
START_TEST(test_bug_small_budget_no_progress)
{
    mfn_t a = mk_l1(3, true, NULL), x = mk_parent(1, &a);
    unsigned int calls = 0;
    int rc;

    while ((rc = pin_w(x, PGT_L2, 1)) == PT_ERESTART && ++calls < 10 * 2 * PT_ENTRIES)
        ;
    ck_assert_msg(rc == 0, "budget 1: still PT_ERESTART after %u calls; L1 at index %lu", calls,
                  (unsigned long)((fm.pages[a].type_info & PGT_IDX_MASK) >> PGT_IDX_SHIFT));
}
END_TEST

static Suite *ptype_suite(void)
{
    Suite *s = suite_create("ptype");
    TCase *tc = tcase_create("core");
    TCase *bugs = tcase_create("bugs");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_check_entry_bits, 0, 8);
    tcase_add_test(tc, test_child_type);
    tcase_add_test(tc, test_check_entry_not_present);
    tcase_add_test(tc, test_check_entry_combined);
    tcase_add_loop_test(tc, test_get_page, 0, ARRAY_SIZE(get_page_cases));
    tcase_add_test(tc, test_get_page_other_domain_and_limits);
    tcase_add_loop_test(tc, test_l1_entry, 0, ARRAY_SIZE(l1_cases));
    tcase_add_test(tc, test_l1_cache_bits_with_io_caps);
    tcase_add_test(tc, test_one_type_at_a_time);
    tcase_add_test(tc, test_type_count_saturated);
    tcase_add_test(tc, test_unpin_refusals);
    tcase_add_test(tc, test_hierarchy_counts);
    tcase_add_loop_test(tc, test_rollback, 0, ARRAY_SIZE(rollback_cases));
    tcase_add_loop_test(tc, test_linear_refused, 0, ARRAY_SIZE(linear_cases));
    tcase_add_test(tc, test_l4_hyp_slots);
    tcase_add_loop_test(tc, test_preempted_pin_matches_unpreempted, 0, ARRAY_SIZE(budgets));
    tcase_add_test(tc, test_zero_budget_still_progresses);
    tcase_add_test(tc, test_partial_child_finished_by_other_pin);
    tcase_add_test(tc, test_partial_finished_by_other_path);
    tcase_add_test(tc, test_partial_then_failure);
    tcase_add_test(tc, test_unpin_deferred);
    tcase_add_test(tc, test_deferred_blocks_retype);
    tcase_add_test(tc, test_settle);
    tcase_add_test(tc, test_revalidated_while_listed);
    tcase_add_loop_test(tc, test_mod_l1, 0, ARRAY_SIZE(mod_cases));
    tcase_add_test(tc, test_mod_preserve_ad);
    tcase_add_test(tc, test_mod_l2);
    tcase_add_test(tc, test_mod_restart);
    tcase_add_test(tc, test_cmpxchg);
    tcase_add_test(tc, test_xen_heap);
    tcase_add_loop_test(tc, test_flush, 0, ARRAY_SIZE(flush_cases));
    tcase_add_loop_test(tc, test_checker_catches, 0, C_HYP_FRAME + 1);
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(bugs, setup, teardown);
    tcase_add_test(bugs, test_bug_mod_entry_leak);
    tcase_add_test(bugs, test_bug_cmpxchg_entry_leak);
    tcase_add_test(bugs, test_bug_mod_entry_table_devalidated_midway);
    tcase_add_test(bugs, test_bug_mod_entry_writable_page_table);
    tcase_add_test(bugs, test_bug_small_budget_no_progress);
    tcase_add_test(bugs, test_bug_settle_foreign_frame);
    suite_add_tcase(s, bugs);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ptype_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
