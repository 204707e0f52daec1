/* fake_mem.c - the fake machine under mm/ptype.c in host tests and the fuzzer (fake_mem.h), with
 * the reference checker: an independent recount of every reference, as hyp/pv/audit.c does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_mem.h"

struct fake_mem fm;

/* ---- the hooks ptype.c needs ---- */

struct page_info *mm_frame(mfn_t mfn)
{
    return mfn < fm.nframes ? &fm.pages[mfn] : NULL;
}

uint64_t *pt_map_table(mfn_t mfn)
{
    if (mfn >= fm.nframes)
        panic("pt_map_table: frame %#llx is not in the frame table", (unsigned long long)mfn);
    fm.map_calls++;
    return fm.mem[mfn];
}

uint64_t fm_hyp_l4e(unsigned int i)
{
    /* Hypervisor frames 0-3, present, writable, accessed, dirty, AVL bits 0b101 as a mark. */
    return fm_pte(FM_HYP_FIRST + (i & 3), FM_P | FM_W | FM_A | FM_D | (5ull << 9));
}

void pt_fill_hyp_l4_slots(uint64_t *l4)
{
    for (unsigned int i = PT_L4_HYP_FIRST; i <= PT_L4_HYP_LAST; i++)
        l4[i] = fm_hyp_l4e(i);
}

void pt_flush_tlbs(struct pt_dom *pd)
{
    if (pd != &fm.dom[0] && pd != &fm.dom[1])
        panic("pt_flush_tlbs: unknown domain %p", (void *)pd);
    fm.flush_calls++;
}

/* ---- building the machine ---- */

void fm_init(uint64_t n, bool io_caps)
{
    if (n < FM_MIN_FRAMES || n > FM_MAX_FRAMES)
        panic("fm_init: %llu frames", (unsigned long long)n);
    memset(&fm, 0, sizeof(fm));
    fm.nframes = n;
    fm.pages = calloc(n, sizeof(*fm.pages));
    fm.mem = aligned_alloc(PAGE_SIZE, n * PAGE_SIZE);
    if (!fm.pages || !fm.mem)
        panic("fm_init: out of host memory");
    memset(fm.mem, 0, n * PAGE_SIZE);
    for (mfn_t m = 0; m < n; m++) {
        fm.pages[m].next = fm.pages[m].prev = PG_LIST_NONE;
        fm.pages[m].owner = m < FM_OTHER_FIRST ? PG_OWNER_HYP : m < FM_XEN_HEAP ? FM_OTHER : FM_DOM;
    }
    fm.pages[FM_XEN_HEAP].count_info = PGC_XEN_HEAP;
    fm.dom[0].id = FM_DOM;
    fm.dom[0].io_caps = io_caps;
    fm.dom[1].id = FM_OTHER;
    fm.next_free = FM_DOM_FIRST;
}

void fm_fini(void)
{
    free(fm.pages);
    free(fm.mem);
    memset(&fm, 0, sizeof(fm));
}

struct pt_dom *fm_dom(void)
{
    return &fm.dom[0];
}

struct pt_dom *fm_other(void)
{
    return &fm.dom[1];
}

mfn_t fm_alloc(void)
{
    if (fm.next_free >= fm.nframes)
        panic("fm_alloc: no frame left");
    memset(fm.mem[fm.next_free], 0, PAGE_SIZE);
    return fm.next_free++;
}

uint64_t *fm_table(mfn_t mfn)
{
    if (mfn >= fm.nframes)
        panic("fm_table: frame %#llx", (unsigned long long)mfn);
    return fm.mem[mfn];
}

uint64_t fm_gen(mfn_t mfn)
{
    return fm.pages[mfn].count_info & PGC_COUNT_MASK;
}

uint64_t fm_typ(mfn_t mfn)
{
    return fm.pages[mfn].type_info & PGT_COUNT_MASK;
}

uint64_t fm_type(mfn_t mfn)
{
    return fm.pages[mfn].type_info & PGT_TYPE_MASK;
}

/* ---- references the harness holds ---- */

void fm_hold(struct pt_dom *pd, mfn_t mfn, uint64_t type)
{
    if (fm.nheld == FM_MAX_HELD)
        panic("fm_hold: too many held references");
    fm.held[fm.nheld++] = (struct fm_held){pd->id, mfn, type};
}

void fm_unhold(unsigned int i)
{
    if (i >= fm.nheld)
        panic("fm_unhold: %u", i);
    fm.held[i] = fm.held[--fm.nheld];
}

int fm_get(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w)
{
    int rc = type == PGT_NONE ? pt_get_page(pd, mfn) : pt_get_page_and_type(pd, mfn, type, w);

    if (rc == 0)
        fm_hold(pd, mfn, type);
    return rc;
}

void fm_put(unsigned int i)
{
    struct fm_held h = fm.held[i];

    fm_unhold(i);
    if (h.type == PGT_NONE)
        pt_put_page(h.mfn);
    else
        pt_put_page_and_type(&fm.dom[h.dom == FM_DOM ? 0 : 1], h.mfn);
}

/* ---- the reference checker ---- */

/* What one check found: expected counts per frame, and the problems. */
struct recount {
    uint64_t gen[FM_MAX_FRAMES];
    uint64_t typ[FM_MAX_FRAMES];
    bool on_list[FM_MAX_FRAMES];
    unsigned long problems;
};

static struct recount rc_state;

static void problem(struct recount *r, const char *fmt, unsigned long long a, unsigned long long b,
                    unsigned long long c)
{
    if (r->problems++ == 0)
        snprintf(fm.why, sizeof(fm.why), fmt, a, b, c);
}

static bool is_table(uint64_t type)
{
    return type >= PGT_L1 && type <= PGT_L4;
}

static bool is_domain_owner(uint32_t owner)
{
    return owner == FM_DOM || owner == FM_OTHER;
}

static const struct pt_dom *dom_of(uint32_t owner)
{
    return owner == FM_DOM ? &fm.dom[0] : &fm.dom[1];
}

unsigned int fm_live_entries(uint64_t t)
{
    if (!is_table(t & PGT_TYPE_MASK))
        return 0;
    if (t & PGT_PARTIAL)
        return (unsigned int)((t & PGT_IDX_MASK) >> PGT_IDX_SHIFT);
    if ((t & PGT_DEVAL) || ((t & PGT_VALIDATED) && (t & PGT_COUNT_MASK)))
        return PT_ENTRIES;
    return 0;
}

/* The flag combinations a frame's type word may show (ptype.h's states). */
static void check_state(struct recount *r, mfn_t m, const struct page_info *pg)
{
    uint64_t t = pg->type_info, type = t & PGT_TYPE_MASK, n = t & PGT_COUNT_MASK;
    bool tbl = is_table(type);

    if (!is_domain_owner(pg->owner) && (pg->count_info || t))
        problem(r, "frame %#llx of no domain has counts %#llx/%#llx", m, pg->count_info, t);
    if (type > PGT_WRITABLE)
        problem(r, "frame %#llx has a bad type (%#llx)", m, t, 0);
    if ((pg->count_info & ~PGC_COUNT_MASK) != (m == FM_XEN_HEAP ? PGC_XEN_HEAP : 0))
        problem(r, "frame %#llx count_info flags changed (%#llx)", m, pg->count_info, 0);
    if ((t & PGT_PARTIAL) && (!tbl || n != 1 || (t & (PGT_VALIDATED | PGT_DEVAL | PGT_PINNED))))
        problem(r, "frame %#llx partial in a bad state %#llx", m, t, 0);
    if ((t & PGT_DEVAL) && (!tbl || n || !(t & PGT_ON_LIST) || (t & (PGT_VALIDATED | PGT_PINNED))))
        problem(r, "frame %#llx awaiting devalidation in a bad state %#llx", m, t, 0);
    if ((t & PGT_VALIDATED) && (!tbl || !n))
        problem(r, "frame %#llx validated in a bad state %#llx", m, t, 0);
    if ((t & PGT_PINNED) && (!tbl || !n || !(t & PGT_VALIDATED)))
        problem(r, "frame %#llx pinned in a bad state %#llx", m, t, 0);
    if (tbl && n && !(t & (PGT_VALIDATED | PGT_PARTIAL)))
        problem(r, "table %#llx has type references but is neither validated nor partial (%#llx)",
                m, t, 0);
    if (!(t & PGT_PARTIAL) && (t & PGT_IDX_MASK))
        problem(r, "frame %#llx has an index but is not partial (%#llx)", m, t, 0);
    if ((pg->count_info & PGC_XEN_HEAP) && type != PGT_NONE && type != PGT_WRITABLE)
        problem(r, "xen-heap frame %#llx has type %#llx", m, t, 0);
}

/* The bits a present entry of a table of `type` may not have (ptype.h: "Refused"), written
 * from the contract, not from ptype.c. */
static uint64_t refused_bits(uint64_t type, bool io_caps)
{
    if (type == PGT_L1)
        return FM_GNTTAB | (io_caps ? 0 : FM_PWT | FM_PCD | FM_PS);
    return FM_PWT | FM_PCD | FM_PS | FM_G;
}

/* Count the references present entry e (slot i of table m, owned by owner) holds. */
static void count_entry(struct recount *r, mfn_t m, unsigned int i, uint64_t type, uint32_t owner,
                        uint64_t e)
{
    mfn_t target = (e & FM_ADDR) >> PAGE_SHIFT;
    const struct page_info *tp = mm_frame(target);
    uint64_t want = type == PGT_L1 ? PGT_WRITABLE : type - (1ull << PGT_TYPE_SHIFT);

    if (e & refused_bits(type, dom_of(owner)->io_caps))
        problem(r, "table %#llx slot %llu holds a refused entry %#llx", m, i, e);
    if (!(e & FM_U) || (e & FM_G))
        problem(r, "table %#llx slot %llu holds an unadjusted entry %#llx (U set, G clear)", m, i,
                e);
    if (!tp || tp->owner != owner) {
        problem(r, "table %#llx slot %llu maps frame %#llx, not its domain's", m, i, target);
        return;
    }
    r->gen[target]++;
    if (type == PGT_L1 && !(e & FM_W))
        return;
    r->typ[target]++;
    if ((tp->type_info & PGT_TYPE_MASK) != want)
        problem(r, "table %#llx slot %llu refers to frame %#llx of the wrong type", m, i, target);
    else if (type != PGT_L1 && !(tp->type_info & PGT_VALIDATED))
        problem(r, "table %#llx slot %llu refers to table %#llx, not validated", m, i, target);
}

static bool is_hyp_slot(uint64_t type, unsigned int i)
{
    return type == PGT_L4 && i >= PT_L4_HYP_FIRST && i <= PT_L4_HYP_LAST;
}

/* The references frame m's pin, partial state and entries hold. */
static void count_frame(struct recount *r, mfn_t m)
{
    const struct page_info *pg = &fm.pages[m];
    uint64_t t = pg->type_info, type = t & PGT_TYPE_MASK;
    unsigned int n = fm_live_entries(t);
    const uint64_t *table = fm.mem[m];

    if (!is_domain_owner(pg->owner))
        return;
    r->gen[m] += !!(t & PGT_PINNED);
    r->typ[m] += !!(t & PGT_PINNED) + !!(t & PGT_PARTIAL);
    for (unsigned int i = 0; i < n; i++)
        if ((table[i] & FM_P) && !is_hyp_slot(type, i))
            count_entry(r, m, i, type, pg->owner, table[i]);
    if (type == PGT_L4 && (n || (t & PGT_PARTIAL)))
        for (unsigned int i = PT_L4_HYP_FIRST; i <= PT_L4_HYP_LAST; i++)
            if (table[i] != fm_hyp_l4e(i))
                problem(r, "L4 %#llx slot %llu is %#llx, not the hypervisor's", m, i, table[i]);
}

/* Walk a domain's deferred list: every frame on it once, all of them marked ON_LIST. */
static void check_deferred(struct recount *r, const struct pt_dom *pd)
{
    uint64_t steps = 0;

    for (uint32_t link = pd->deferred; link; steps++) {
        mfn_t m = link - 1;

        if (m >= fm.nframes || steps > fm.nframes) {
            problem(r, "d%llu deferred list broken at link %#llx (step %llu)", pd->id, link, steps);
            return;
        }
        if (fm.pages[m].owner != pd->id || !(fm.pages[m].type_info & PGT_ON_LIST) || r->on_list[m])
            problem(r, "d%llu deferred list: frame %#llx (type %#llx) should not be there", pd->id,
                    m, fm.pages[m].type_info);
        if (r->on_list[m])
            return;
        r->on_list[m] = true;
        link = fm.pages[m].order;
    }
}

unsigned long fm_check(void)
{
    struct recount *r = &rc_state;

    memset(r->gen, 0, fm.nframes * sizeof(r->gen[0])); /* only what this machine uses: cheap */
    memset(r->typ, 0, fm.nframes * sizeof(r->typ[0]));
    memset(r->on_list, 0, fm.nframes * sizeof(r->on_list[0]));
    r->problems = 0;
    fm.why[0] = '\0';
    for (mfn_t m = 0; m < fm.nframes; m++) {
        check_state(r, m, &fm.pages[m]);
        count_frame(r, m);
    }
    for (unsigned int i = 0; i < fm.nheld; i++) {
        r->gen[fm.held[i].mfn]++;
        r->typ[fm.held[i].mfn] += fm.held[i].type != PGT_NONE;
    }
    check_deferred(r, &fm.dom[0]);
    check_deferred(r, &fm.dom[1]);
    for (mfn_t m = 0; m < fm.nframes; m++) {
        const struct page_info *pg = &fm.pages[m];

        if ((pg->type_info & PGT_ON_LIST) && !r->on_list[m])
            problem(r, "frame %#llx marked on a deferred list but not on it (%#llx)", m,
                    pg->type_info, 0);
        if ((pg->count_info & PGC_COUNT_MASK) != r->gen[m])
            problem(r, "frame %#llx general count %llu, references found %llu", m,
                    pg->count_info & PGC_COUNT_MASK, r->gen[m]);
        if ((pg->type_info & PGT_COUNT_MASK) != r->typ[m])
            problem(r, "frame %#llx type count %llu, references found %llu", m,
                    pg->type_info & PGT_COUNT_MASK, r->typ[m]);
    }
    return r->problems;
}

/* ---- snapshots ---- */

void fm_snap_take(struct fm_snap *s)
{
    s->nframes = fm.nframes;
    s->pages = malloc(fm.nframes * sizeof(*s->pages));
    s->mem = malloc(fm.nframes * PAGE_SIZE);
    if (!s->pages || !s->mem)
        panic("fm_snap_take: out of host memory");
    memcpy(s->pages, fm.pages, fm.nframes * sizeof(*s->pages));
    memcpy(s->mem, fm.mem, fm.nframes * PAGE_SIZE);
}

uint64_t fm_snap_diff(const struct fm_snap *s)
{
    for (mfn_t m = 0; m < s->nframes; m++) {
        const struct page_info *a = &s->pages[m], *b = &fm.pages[m];

        if (a->count_info != b->count_info || a->type_info != b->type_info) {
            snprintf(fm.why, sizeof(fm.why),
                     "frame %#llx: count_info %#llx vs %#llx, type_info %#llx vs %#llx",
                     (unsigned long long)m, (unsigned long long)a->count_info,
                     (unsigned long long)b->count_info, (unsigned long long)a->type_info,
                     (unsigned long long)b->type_info);
            return m + 1;
        }
        if (memcmp(s->mem[m], fm.mem[m], PAGE_SIZE) != 0) {
            snprintf(fm.why, sizeof(fm.why), "frame %#llx: contents differ", (unsigned long long)m);
            return m + 1;
        }
    }
    return 0;
}

void fm_snap_free(struct fm_snap *s)
{
    free(s->pages);
    free(s->mem);
    s->pages = NULL;
    s->mem = NULL;
}
