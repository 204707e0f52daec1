/* ptype.c - typed page frames and page-table validation (rules and states in ptype.h). */
#include "mm/ptype.h"
#include "hv/errno.h"

#define E_P (1ull << 0)
#define E_W (1ull << 1)
#define E_U (1ull << 2)
#define E_PWT (1ull << 3)
#define E_PCD (1ull << 4)
#define E_A (1ull << 5)
#define E_D (1ull << 6)
#define E_PS (1ull << 7)  /* L2/L3: superpage; L1: PAT */
#define E_G (1ull << 8)
#define E_GNTTAB (1ull << 62)
#define E_ADDR 0x000ffffffffff000ull

static uint64_t ti_type(uint64_t t)
{
    return t & PGT_TYPE_MASK;
}

static uint64_t ti_count(uint64_t t)
{
    return t & PGT_COUNT_MASK;
}

static unsigned int ti_idx(uint64_t t)
{
    return (unsigned int)((t & PGT_IDX_MASK) >> PGT_IDX_SHIFT);
}

static bool is_table_type(uint64_t type)
{
    return type >= PGT_L1 && type <= PGT_L4;
}

static bool is_hyp_slot(uint64_t type, unsigned int i)
{
    return type == PGT_L4 && i >= PT_L4_HYP_FIRST && i <= PT_L4_HYP_LAST;
}

static mfn_t entry_mfn(uint64_t e)
{
    return (e & E_ADDR) >> PAGE_SHIFT;
}

/*
 * The helpers every page-table update runs several times per entry are forced inline (HOT):
 * there a call costs as much as the work, most of all under QEMU's TCG, where each return is an
 * indirect jump through a lookup. The public pt_* functions are thin wrappers around them.
 */
#define HOT static inline __attribute__((always_inline))

uint64_t pt_child_type(uint64_t type)
{
    return type - (1ull << PGT_TYPE_SHIFT);
}

HOT int check_entry(const struct pt_dom *pd, uint64_t type, uint64_t e)
{
    uint64_t disallowed;

    if (!(e & E_P))
        return 0;
    if (type == PGT_L1)
        disallowed = E_GNTTAB | (pd->io_caps ? 0 : E_PWT | E_PCD | E_PS);
    else
        disallowed = E_PWT | E_PCD | E_PS | E_G;
    return (e & disallowed) ? -HV_EINVAL : 0;
}

int pt_check_entry(const struct pt_dom *pd, uint64_t type, uint64_t e)
{
    return check_entry(pd, type, e);
}

/* What the hypervisor stores for a checked guest entry: guests run in ring 3, so every present
 * entry is user-accessible; global L1 mappings would survive the CR3 reloads that flush a
 * guest's TLB, so G is dropped (accepted, as Xen accepts it, but not kept). */
static uint64_t adjust_entry(uint64_t e)
{
    return (e & E_P) ? (e | E_U) & ~E_G : e;
}

HOT int get_page(struct pt_dom *pd, mfn_t mfn)
{
    struct page_info *pg = mm_frame(mfn);

    if (!pg || pg->owner != pd->id || (pg->count_info & PGC_COUNT_MASK) == PGC_COUNT_MASK)
        return -HV_EINVAL;
    pg->count_info++;
    return 0;
}

HOT void put_page(mfn_t mfn)
{
    struct page_info *pg = mm_frame(mfn);

    ASSERT(pg && (pg->count_info & PGC_COUNT_MASK) != 0);
    pg->count_info--;
}

int pt_get_page(struct pt_dom *pd, mfn_t mfn)
{
    return get_page(pd, mfn);
}

void pt_put_page(mfn_t mfn)
{
    put_page(mfn);
}

static int get_type_slow(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w);
static void defer(struct pt_dom *pd, mfn_t mfn, struct page_info *pg);

/* The fast path of taking a type reference on pg (pd's): one more use of a frame that already
 * has this type, complete (not PARTIAL; a frame in use never awaits devalidation either). */
HOT bool add_type_fast(struct page_info *pg, uint64_t type)
{
    uint64_t t = pg->type_info;

    if ((t & (PGT_TYPE_MASK | PGT_PARTIAL)) != type || ti_count(t) == 0 ||
        ti_count(t) == PGT_COUNT_MASK)
        return false;
    pg->type_info = t + 1;
    return true;
}

/* Drop a type reference from pg; the last one of a validated table queues its devalidation. */
HOT void drop_type(struct pt_dom *pd, mfn_t mfn, struct page_info *pg)
{
    uint64_t t = pg->type_info;

    ASSERT(ti_count(t) != 0 && !(t & PGT_PARTIAL));
    pg->type_info = t - 1;
    if (ti_count(t) == 1 && (t & PGT_VALIDATED))
        defer(pd, mfn, pg);
}

HOT int get_type(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w)
{
    struct page_info *pg = mm_frame(mfn);

    if (pg && pg->owner == pd->id && add_type_fast(pg, type))
        return 0;
    return get_type_slow(pd, mfn, type, w);
}

HOT void put_type(struct pt_dom *pd, mfn_t mfn)
{
    drop_type(pd, mfn, mm_frame(mfn));
}

/* Both references, the frame looked up once; the fast path as get_type's. */
HOT int get_page_and_type(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w)
{
    struct page_info *pg = mm_frame(mfn);
    int rc;

    if (!pg || pg->owner != pd->id || (pg->count_info & PGC_COUNT_MASK) == PGC_COUNT_MASK)
        return -HV_EINVAL;
    pg->count_info++;
    if (add_type_fast(pg, type))
        return 0;
    if ((rc = get_type_slow(pd, mfn, type, w)) != 0)
        pg->count_info--;
    return rc;
}

HOT void put_page_and_type(struct pt_dom *pd, mfn_t mfn)
{
    struct page_info *pg = mm_frame(mfn);

    ASSERT((pg->count_info & PGC_COUNT_MASK) != 0);
    drop_type(pd, mfn, pg);
    pg->count_info--;
}

/* References an entry of a table of `type` holds: L1 entries a general reference on the frame
 * (plus a writable-type one if writable), higher entries a general and a table-type reference
 * on the next table down. */
HOT int get_entry_refs(struct pt_dom *pd, uint64_t type, uint64_t e, struct pt_work *w)
{
    mfn_t mfn = entry_mfn(e);
    int rc;

    if (!(e & E_P))
        return 0;
    if ((rc = check_entry(pd, type, e)) < 0)
        return rc;
    if (type != PGT_L1)
        return get_page_and_type(pd, mfn, pt_child_type(type), w);
    /* As Xen: a frame that is not the domain's, or cannot be writable, is -HV_EBUSY. */
    rc = (e & E_W) ? get_page_and_type(pd, mfn, PGT_WRITABLE, w) : get_page(pd, mfn);
    return rc ? -HV_EBUSY : 0;
}

HOT void put_entry_refs(struct pt_dom *pd, uint64_t type, uint64_t e)
{
    mfn_t mfn = entry_mfn(e);

    if (!(e & E_P))
        return;
    if (type != PGT_L1) {
        put_page_and_type(pd, mfn);
        return;
    }
    if (e & E_W)
        put_page_and_type(pd, mfn);
    else
        put_page(mfn);
}

/* Release the references held by entries [0, n) of a table (rollback and devalidation). */
static void release_entries(struct pt_dom *pd, mfn_t mfn, uint64_t type, unsigned int n)
{
    const uint64_t *table = pt_map_table(mfn);

    for (unsigned int i = n; i-- > 0;)
        if (!is_hyp_slot(type, i))
            put_entry_refs(pd, type, table[i]);
}

/*
 * Validate (or go on validating) the PARTIAL table mfn from its recorded index. On success the
 * frame is VALIDATED with its type count (1) handed to the caller. On an error the entries done
 * are released and the type count drops to 0. PT_ERESTART keeps the progress in the frame.
 */
static int validate(struct pt_dom *pd, mfn_t mfn, struct page_info *pg, struct pt_work *w)
{
    uint64_t type = ti_type(pg->type_info), *table = pt_map_table(mfn);
    unsigned int i = ti_idx(pg->type_info);
    int rc = 0;

    unsigned int first = i;

    if (type == PGT_L4 && i == 0)
        pt_fill_hyp_l4_slots(table);
    for (; i < PT_ENTRIES; i++) {
        uint64_t e = table[i];

        if (is_hyp_slot(type, i))
            continue;
        /* Out of budget: stop, but only after one entry, so that every call makes progress
         * in the deepest partial table of a chain. */
        if (w->left == 0 && i != first) {
            rc = PT_ERESTART;
            break;
        }
        w->left -= w->left != 0;
        if ((rc = get_entry_refs(pd, type, e, w)) != 0)
            break;
        table[i] = adjust_entry(e);
    }
    if (rc == PT_ERESTART) {
        pg->type_info = (pg->type_info & ~PGT_IDX_MASK) | ((uint64_t)i << PGT_IDX_SHIFT);
    } else if (rc) {
        release_entries(pd, mfn, type, i);
        pg->type_info &= ~(PGT_PARTIAL | PGT_IDX_MASK | PGT_COUNT_MASK);
    } else {
        pg->type_info = (pg->type_info & ~(PGT_PARTIAL | PGT_IDX_MASK)) | PGT_VALIDATED;
    }
    return rc;
}

void pt_settle(struct pt_dom *pd, mfn_t mfn)
{
    struct page_info *pg = mm_frame(mfn);

    if (!pg || pg->owner != pd->id || !(pg->type_info & PGT_DEVAL))
        return; /* only pd's own frames: their children go on pd's list, under pd's lock */
    pg->type_info &= ~PGT_DEVAL; /* first: the releases below may reach this frame again */
    release_entries(pd, mfn, ti_type(pg->type_info), PT_ENTRIES);
}

/* Give a frame at type count 0 the new type, flushing TLBs when it had another one in use
 * before (stale writable translations, or cached page-table entries, may remain). */
static void retype(struct pt_dom *pd, struct page_info *pg, uint64_t type)
{
    uint64_t old = ti_type(pg->type_info);

    if (old != type && old != PGT_NONE) {
        pt_flush_tlbs(pd);
        pd->flushes++;
    }
    pg->type_info = (pg->type_info & PGT_ON_LIST) | type | 1 |
                    (is_table_type(type) ? PGT_PARTIAL : 0);
}

static int get_type_slow(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w)
{
    struct page_info *pg = mm_frame(mfn);
    uint64_t t;

    if (!pg || pg->owner != pd->id || ((pg->count_info & PGC_XEN_HEAP) && type != PGT_WRITABLE))
        return -HV_EINVAL;
    pt_settle(pd, mfn);
    t = pg->type_info;
    if (ti_count(t) == 0) {
        retype(pd, pg, type);
        return is_table_type(type) ? validate(pd, mfn, pg, w) : 0;
    }
    if (ti_type(t) != type || ti_count(t) == PGT_COUNT_MASK)
        return -HV_EINVAL;
    if (t & PGT_PARTIAL)
        return validate(pd, mfn, pg, w); /* resume; the partial reference becomes the caller's */
    pg->type_info++;
    return 0;
}

/* Queue a table whose last type reference went for deferred devalidation. */
static void defer(struct pt_dom *pd, mfn_t mfn, struct page_info *pg)
{
    pg->type_info = (pg->type_info & ~PGT_VALIDATED) | PGT_DEVAL;
    if (pg->type_info & PGT_ON_LIST)
        return;
    pg->type_info |= PGT_ON_LIST;
    pg->order = pd->deferred;
    pd->deferred = (uint32_t)(mfn + 1);
}

int pt_get_type(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w)
{
    return get_type(pd, mfn, type, w);
}

void pt_put_type(struct pt_dom *pd, mfn_t mfn)
{
    put_type(pd, mfn);
}

int pt_get_page_and_type(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w)
{
    return get_page_and_type(pd, mfn, type, w);
}

void pt_put_page_and_type(struct pt_dom *pd, mfn_t mfn)
{
    put_page_and_type(pd, mfn);
}

int pt_run_deferred(struct pt_dom *pd, struct pt_work *w)
{
    bool progress = false;

    while (pd->deferred) {
        mfn_t mfn = pd->deferred - 1;
        struct page_info *pg = mm_frame(mfn);

        if (w->left < PT_ENTRIES && progress)
            return PT_ERESTART;
        pd->deferred = pg->order;
        pg->order = 0;
        pg->type_info &= ~PGT_ON_LIST;
        if (pg->type_info & PGT_DEVAL) {
            w->left -= MIN(w->left, PT_ENTRIES);
            pt_settle(pd, mfn);
            progress = true; /* at least one table per call, whatever the budget */
        }
    }
    return 0;
}

/* Is e's replacement by n a change of flags only, holding the same references? */
HOT bool same_refs(uint64_t type, uint64_t e, uint64_t n)
{
    if (!((e & n) & E_P) || entry_mfn(e) != entry_mfn(n))
        return false;
    return type != PGT_L1 || !((e ^ n) & E_W);
}

HOT bool is_validated(const struct pt_dom *pd, mfn_t mfn, uint64_t type)
{
    const struct page_info *pg = mm_frame(mfn);
    uint64_t t = pg ? pg->type_info : 0;

    return pg && pg->owner == pd->id &&
           (t & (PGT_TYPE_MASK | PGT_VALIDATED)) == (type | PGT_VALIDATED);
}

bool pt_is_validated(const struct pt_dom *pd, mfn_t mfn, uint64_t type)
{
    return is_validated(pd, mfn, type);
}

enum mod_mode { MOD_STORE, MOD_PRESERVE_AD, MOD_CMPXCHG };

HOT int store_entry(struct pt_dom *pd, mfn_t mfn, uint64_t type, unsigned int idx, uint64_t e,
                    enum mod_mode mode, uint64_t expect, struct pt_work *w);

/* The common part of pt_mod_entry and pt_cmpxchg_entry: take the new entry's references, store
 * it as mode says, release the old one's. MOD_CMPXCHG stores only if the slot still holds
 * expect (refs were decided against it) and otherwise undoes everything: PT_ECHANGED. */
HOT int mod_entry(struct pt_dom *pd, mfn_t mfn, uint64_t type, unsigned int idx, uint64_t e,
                  enum mod_mode mode, uint64_t expect, struct pt_work *w)
{
    int rc;

    if (idx >= PT_ENTRIES || is_hyp_slot(type, idx))
        return -HV_EINVAL;
    if (type == PGT_L1)
        return is_validated(pd, mfn, type) ? store_entry(pd, mfn, type, idx, e, mode, expect, w)
                                           : -HV_EINVAL;
    /*
     * Hold an L2-L4 table meanwhile: taking the new entry's references may validate a child,
     * which may finish deferred devalidations (pt_settle), which may drop this table's last
     * type reference and then settle it too before the store (found by the fuzzer). An L1
     * needs no hold: its entry's references are a general one and a writable type, and taking
     * those settles at most the target frame, whose releases only queue (never settle) others;
     * so this table, if its last reference goes, is only queued, and its queued devalidation
     * will release whatever entry it then holds, the new one included.
     */
    if ((rc = get_page_and_type(pd, mfn, type, w)) != 0)
        return rc == PT_ERESTART ? -HV_EINVAL : rc;
    rc = store_entry(pd, mfn, type, idx, e, mode, expect, w);
    put_page_and_type(pd, mfn);
    return rc;
}

/* mod_entry's work, with the table held. */
HOT int store_entry(struct pt_dom *pd, mfn_t mfn, uint64_t type, unsigned int idx, uint64_t e,
                    enum mod_mode mode, uint64_t expect, struct pt_work *w)
{
    volatile uint64_t *slot = &pt_map_table(mfn)[idx];
    uint64_t old = mode == MOD_CMPXCHG ? expect : *slot;
    /* Decided once: meanwhile only the CPU can change the slot (under mm_lock), and only its
     * A and D bits, which hold no references. */
    bool same = same_refs(type, old, e);
    int rc;

    if (same) {
        if ((rc = check_entry(pd, type, e)) < 0)
            return rc;
    } else if ((rc = get_entry_refs(pd, type, e, w)) != 0) {
        return rc;
    }
    e = adjust_entry(e);
    if (mode == MOD_CMPXCHG) {
        if (!__atomic_compare_exchange_n(slot, &old, e, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST)) {
            if (!same)
                put_entry_refs(pd, type, e);
            return PT_ECHANGED;
        }
    } else if (mode == MOD_PRESERVE_AD) {
        /* The CPU may set A or D between the read and the write: keep what it set. */
        while (!__atomic_compare_exchange_n(slot, &old, e | (old & (E_A | E_D)), false,
                                            __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            ;
    } else {
        old = __atomic_exchange_n(slot, e, __ATOMIC_SEQ_CST);
    }
    if (!same)
        put_entry_refs(pd, type, old);
    return 0;
}

/* Every other kind of update: out of line, off the hot page. */
static __attribute__((noinline)) int mod_entry_other(struct pt_dom *pd, mfn_t mfn, uint64_t type,
                                                     unsigned int idx, uint64_t e,
                                                     enum mod_mode mode, struct pt_work *w)
{
    return mod_entry(pd, mfn, type, idx, e, mode, 0, w);
}

/* The plain store into an L1, the update guests make by far most often, is a copy of mod_entry
 * specialised for it (type and mode constant): fewer branches per entry. */
__hot int pt_mod_entry(struct pt_dom *pd, mfn_t mfn, uint64_t type, unsigned int idx,
                       uint64_t e, bool preserve_ad, struct pt_work *w)
{
    if (type == PGT_L1 && !preserve_ad)
        return mod_entry(pd, mfn, PGT_L1, idx, e, MOD_STORE, 0, w);
    return mod_entry_other(pd, mfn, type, idx, e, preserve_ad ? MOD_PRESERVE_AD : MOD_STORE, w);
}

int pt_cmpxchg_entry(struct pt_dom *pd, mfn_t mfn, uint64_t type, unsigned int idx,
                     uint64_t expect, uint64_t e, struct pt_work *w)
{
    return mod_entry(pd, mfn, type, idx, e, MOD_CMPXCHG, expect, w);
}

int pt_pin(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w)
{
    int rc = get_page_and_type(pd, mfn, type, w);

    if (rc)
        return rc;
    if (mm_frame(mfn)->type_info & PGT_PINNED) {
        put_page_and_type(pd, mfn);
        return -HV_EINVAL;
    }
    mm_frame(mfn)->type_info |= PGT_PINNED;
    return 0;
}

int pt_unpin(struct pt_dom *pd, mfn_t mfn)
{
    struct page_info *pg = mm_frame(mfn);

    if (!pg || pg->owner != pd->id || !(pg->type_info & PGT_PINNED))
        return -HV_EINVAL;
    pg->type_info &= ~PGT_PINNED;
    put_page_and_type(pd, mfn);
    return 0;
}
