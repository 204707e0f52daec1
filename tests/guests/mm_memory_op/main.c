/*
 * mm_memory_op: HYPERVISOR_memory_op as a PV kernel uses it — the memory map, the reservation
 * counters, the M2P's location, giving frames back (decrease_reservation), getting frames
 * (populate_physmap sets the M2P, increase_reservation stops at the maximum) — and hostile
 * requests: bad extent lists, huge orders, other domains, frames that are not ours or still in
 * use. Hearth refuses to free a frame that still has references; Xen 4.17 takes it (the frame
 * lives on until its last reference goes), so that case is checked per hypervisor.
 */
#include "mm2.h"

const char test_title[] = "mm_memory_op: reservations, populate_physmap, hostile extents";

#define E820_RAM   1
#define E820_SIZE  20           /* packed {u64 addr; u64 size; u32 type} */
#define MAX_E820   32
#define NR_FRAMES  3            /* frames given back and populated again */
#define PATTERN    0x5a5a5a5a5a5a5a5aull
#define HUGE_ORDER 40
#define NO_SUCH_DOMID 0x7fef    /* below DOMID_FIRST_RESERVED, never created here */
#define HYP_VA     0xffff830000000000ull  /* the hypervisor's direct map: never a guest buffer */
#define NONCANON_VA 0x0000800000000000ull

/* One reservation-style call: cmd on n extents of 2^order pages listed at `list`. */
static long reservation(unsigned int cmd, uint64_t *list, uint64_t n, unsigned int order,
                        uint16_t domid)
{
    struct xen_memory_reservation r = {
        .extent_start = (uint64_t)list, .nr_extents = n, .extent_order = order, .domid = domid,
    };

    return mm_memory_op(cmd, &r);
}

static long decrease(uint64_t *mfns, uint64_t n)
{
    return reservation(XENMEM_decrease_reservation, mfns, n, 0, DOMID_SELF);
}

static uint64_t max_p2m_mfn(void)
{
    uint64_t max = 0;

    for (uint64_t pfn = 0; pfn < mm_nr_pages(); pfn++)
        if (mm_pfn_to_mfn(pfn) != MM_INVALID && mm_pfn_to_mfn(pfn) > max)
            max = mm_pfn_to_mfn(pfn);
    return max;
}

/* Fill a frame of ours with PATTERN, so that a later reader can tell if it was scrubbed. */
static void fill(uint64_t mfn)
{
    long rc;
    uint64_t *p = mm_map(mfn, true, &rc);

    if (!p)
        xtf_panic("mapping our frame %#lx writable: %ld", (unsigned long)mfn, rc);
    for (unsigned int i = 0; i < 512; i++)
        p[i] = PATTERN;
    mm_unmap(p);
}

/* Number of non-zero qwords in a frame of ours (mapped read-only for the look). */
static unsigned int nonzero_words(uint64_t mfn)
{
    long rc;
    const volatile uint64_t *p = mm_map(mfn, false, &rc);
    unsigned int n = 0;

    if (!p) {
        xtf_failure("mapping the populated frame %#lx: %ld", (unsigned long)mfn, rc);
        return 0;
    }
    for (unsigned int i = 0; i < 512; i++)
        n += p[i] != 0;
    mm_unmap((const void *)p);
    return n;
}

/* The reservation must be `want` now. */
static void expect_reservation(const char *what, long want)
{
    long cur = mm2_current_reservation();

    if (cur != want)
        xtf_failure("%s: current_reservation %ld, expected %ld", what, cur, want);
}

/*
 * populate_physmap one frame into pfn (which has none), record it in the P2M and check the
 * M2P and the contents; returns the new MFN or MM_INVALID. Xen 4.17 scrubs freed frames only
 * for dying domains, so it often hands back the very frame we filled with PATTERN; Hearth must
 * give zeroed frames.
 */
static uint64_t repopulate(uint64_t pfn)
{
    uint64_t list = pfn;
    long rc = reservation(XENMEM_populate_physmap, &list, 1, 0, DOMID_SELF);
    unsigned int dirty;

    if (rc != 1) {
        xtf_failure("populate_physmap(pfn %#lx): %ld, expected 1", (unsigned long)pfn, rc);
        return MM_INVALID;
    }
    /* The M2P must name pfn; only then is list an MFN we may record (and touch). */
    if (mm_m2p(list) != pfn) {
        xtf_failure("after populate_physmap: M2P[%#lx] = %#lx, expected pfn %#lx",
                    (unsigned long)list, (unsigned long)mm_m2p(list), (unsigned long)pfn);
        return MM_INVALID;
    }
    mm2_set_p2m(pfn, list);
    dirty = nonzero_words(list);
    if (dirty && xtf_on_hearth())
        xtf_failure("populated frame %#lx has %u non-zero words: not scrubbed",
                    (unsigned long)list, dirty);
    else if (dirty)
        printk("populated frame %#lx has %u non-zero words (Xen scrubs only for dying "
               "domains)\n", (unsigned long)list, dirty);
    return list;
}

/* --- Queries ------------------------------------------------------------------------------ */

static void test_memory_map(void)
{
    static uint8_t buf[MAX_E820 * E820_SIZE];
    struct xen_memory_map map = { .nr_entries = MAX_E820, .buffer = (uint64_t)buf };
    uint64_t ram = 0, need = mm_nr_pages() << PAGE_SHIFT;
    long rc = mm_memory_op(XENMEM_memory_map, &map);

    printk("memory_map: %ld, %u entries\n", rc, map.nr_entries);
    if (rc) {
        /* Xen 4.17: -ENOSYS, it keeps no e820 for a PV dom0 (the toolstack sets a domU's). */
        if (xtf_on_hearth())
            xtf_failure("memory_map returned %ld", rc);
        return;
    }
    for (unsigned int i = 0; i < map.nr_entries && i < MAX_E820; i++) {
        uint64_t addr, size;
        uint32_t type;

        memcpy(&addr, buf + i * E820_SIZE, 8);
        memcpy(&size, buf + i * E820_SIZE + 8, 8);
        memcpy(&type, buf + i * E820_SIZE + 16, 4);
        printk("  e820 %#lx-%#lx type %u\n", (unsigned long)addr,
               (unsigned long)(addr + size), type);
        if (type == E820_RAM && addr == 0)
            ram = size;
    }
    if (map.nr_entries == 0 || map.nr_entries > MAX_E820 || ram < need)
        xtf_failure("memory_map: %u entries, RAM from 0 of %#lx bytes; expected one covering "
                    "nr_pages (%#lx bytes)", map.nr_entries, (unsigned long)ram,
                    (unsigned long)need);
}

static void test_counters(void)
{
    uint16_t self = DOMID_SELF;
    struct xen_machphys_mapping mp = { 0, 0, 0 };
    long max_ram = mm_memory_op(XENMEM_maximum_ram_page, NULL);
    long cur = mm2_current_reservation();
    long max = mm_memory_op(XENMEM_maximum_reservation, &self);
    long rc = mm_memory_op(XENMEM_machphys_mapping, &mp);
    uint64_t top = max_p2m_mfn();

    printk("maximum_ram_page %#lx (highest mfn of ours %#lx), current_reservation %ld, "
           "maximum_reservation %ld, nr_pages %lu\n", max_ram, (unsigned long)top, cur, max,
           (unsigned long)mm_nr_pages());
    printk("machphys_mapping: %ld {%#lx, %#lx, max_mfn %#lx}\n", rc, (unsigned long)mp.v_start,
           (unsigned long)mp.v_end, (unsigned long)mp.max_mfn);
    if (max_ram <= (long)top)
        xtf_failure("maximum_ram_page %#lx is not above our mfn %#lx", max_ram,
                    (unsigned long)top);
    if (cur != (long)mm_nr_pages())
        xtf_failure("current_reservation %ld, expected nr_pages %lu", cur,
                    (unsigned long)mm_nr_pages());
    if (max < cur)
        xtf_failure("maximum_reservation %ld below current_reservation %ld", max, cur);
    if (rc || mp.v_start != MACH2PHYS_VIRT_START || mp.v_end <= mp.v_start ||
        mp.v_end > MACH2PHYS_VIRT_END || mp.max_mfn < top ||
        (mp.v_end - mp.v_start) / 8 < mp.max_mfn)
        xtf_failure("machphys_mapping: %ld {%#lx, %#lx, %#lx}, expected v_start %#llx and room "
                    "for mfn %#lx", rc, (unsigned long)mp.v_start, (unsigned long)mp.v_end,
                    (unsigned long)mp.max_mfn, MACH2PHYS_VIRT_START, (unsigned long)top);
}

/* --- Giving frames back and getting them again --------------------------------------------- */

/*
 * Increase beyond the maximum: only `room` extents come back (partial count). Frames we get
 * are given back at once. Skipped when the maximum is far away (no cheap way to reach it).
 */
static void test_increase(void)
{
    uint16_t self = DOMID_SELF;
    long cur = mm2_current_reservation(), max = mm_memory_op(XENMEM_maximum_reservation, &self);
    uint64_t list[8];
    long room = max - cur, rc;

    printk("increase: room %ld below the maximum\n", room);
    if (room < 0 || room > (long)ARRAY_SIZE(list) - 2) {
        /* Xen 4.17's dom0 has no maximum (UINT_MAX): nothing cheap to run into. */
        printk("maximum_reservation %ld is %ld above current_reservation: increase beyond "
               "the maximum not tried\n", max, room);
        rc = reservation(XENMEM_increase_reservation, list, 1, 0, DOMID_SELF);
        mm2_expect_rc("increase_reservation(1)", rc, 1);
        if (rc == 1)
            mm2_expect_rc("decrease_reservation of the new frame", decrease(list, 1), 1);
        return;
    }
    rc = reservation(XENMEM_increase_reservation, list, (uint64_t)room + 2, 0, DOMID_SELF);
    mm2_expect_rc("increase_reservation(room + 2)", rc, room);
    expect_reservation("after increase_reservation", max);
    for (long i = 0; i < rc; i++)
        printk("  new frame %#lx, M2P %#lx\n", (unsigned long)list[i],
               (unsigned long)mm_m2p(list[i]));
    if (rc > 0)
        mm2_expect_rc("decrease_reservation of the new frames", decrease(list, (uint64_t)rc),
                      rc);
    expect_reservation("after giving the new frames back", cur);
}

static void test_decrease_populate(void)
{
    uint64_t pfns[NR_FRAMES], mfns[NR_FRAMES];
    long cur = mm2_current_reservation(), rc;

    for (unsigned int i = 0; i < NR_FRAMES; i++) {
        pfns[i] = mm_alloc_pfn();
        mfns[i] = mm_pfn_to_mfn(pfns[i]);
        fill(mfns[i]);
    }
    rc = decrease(mfns, NR_FRAMES);
    mm2_expect_rc("decrease_reservation of 3 free frames", rc, NR_FRAMES);
    expect_reservation("after decrease_reservation", cur - NR_FRAMES);
    /* A frame given back is no longer ours: Xen 4.17 maps it with -EBUSY, M2P reads ~0. */
    for (unsigned int i = 0; i < NR_FRAMES; i++) {
        unsigned int slot = mm_slot_alloc();
        long mrc = mm_slot_set(slot, mm_pte(mfns[i], PTE_FLAGS_RO));

        printk("  freed mfn %#lx: M2P %#lx, mapping it: %ld\n", (unsigned long)mfns[i],
               (unsigned long)mm_m2p(mfns[i]), mrc);
        if (mrc == 0)
            xtf_failure("mapped mfn %#lx after giving it back", (unsigned long)mfns[i]);
        mm_slot_free(slot);
        mm2_set_p2m(pfns[i], MM_INVALID);
    }

    test_increase();

    for (unsigned int i = 0; i < NR_FRAMES; i++)
        repopulate(pfns[i]);
    expect_reservation("after populate_physmap", cur);
    mm_audit("decrease and populate");
}

/* --- Hostile requests ---------------------------------------------------------------------- */

/*
 * Bad lists, huge orders and sizes: nothing done, nothing changed. Xen 4.17 returns 0 for each
 * (it checks the list's range first, and each copy of an extent only stops the count). The list
 * is one extent followed by zeros (MFN 0 is never ours), so that a hypervisor which does walk a
 * 2^40-entry list stops after the first.
 */
static void test_bad_arguments(void)
{
    static uint64_t list[512] __attribute__((aligned(4096)));
    uint64_t pfn = mm_alloc_pfn(), mfn = mm_pfn_to_mfn(pfn);
    long cur = mm2_current_reservation();
    bool lost = false;
    const struct {
        const char *what;
        unsigned int cmd;
        uint64_t list, n;
        unsigned int order;
    } bad[] = {
        { "decrease, list NULL", XENMEM_decrease_reservation, 0, 1, 0 },
        { "decrease, list in the hypervisor", XENMEM_decrease_reservation, HYP_VA, 1, 0 },
        { "decrease, list non-canonical", XENMEM_decrease_reservation, NONCANON_VA, 1, 0 },
        { "populate, list in the hypervisor", XENMEM_populate_physmap, HYP_VA, 1, 0 },
        { "decrease, order 40", XENMEM_decrease_reservation, (uint64_t)list, 1, HUGE_ORDER },
        { "populate, order 40", XENMEM_populate_physmap, (uint64_t)list, 1, HUGE_ORDER },
        { "increase, order 40", XENMEM_increase_reservation, (uint64_t)list, 1, HUGE_ORDER },
        { "decrease, 2^40 extents", XENMEM_decrease_reservation, (uint64_t)list, 1ull << 40, 0 },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(bad) && !lost; i++) {
        /* A free frame of ours, or its PFN: what would go if the request were taken. */
        list[0] = bad[i].cmd == XENMEM_populate_physmap ? pfn : mfn;
        mm2_expect_rc(bad[i].what, reservation(bad[i].cmd, (uint64_t *)bad[i].list, bad[i].n,
                                               bad[i].order, DOMID_SELF), 0);
        if (mm2_current_reservation() != cur) {
            expect_reservation(bad[i].what, cur);
            lost = true;
        }
    }
    if (lost)
        mm2_set_p2m(pfn, MM_INVALID);   /* whatever happened to it, it is not ours to reuse */
    else
        mm_free_pfn(pfn);
    mm_audit("bad extent lists and orders");
}

/*
 * Domains other than ourselves: none exists here. Xen 4.17 answers current_reservation with
 * -ESRCH but the reservation ops with 0 (extents done: it returns the start extent when the
 * domain lookup fails); Hearth may say either for those, as long as nothing happens.
 */
static void test_other_domains(void)
{
    static const uint16_t ids[] = { NO_SUCH_DOMID, DOMID_IO, DOMID_XEN, DOMID_INVALID };
    uint64_t list[1] = { mm_alloc_mfn() };
    long cur = mm2_current_reservation();

    for (unsigned int i = 0; i < ARRAY_SIZE(ids); i++) {
        uint16_t id = ids[i];
        char what[80];
        long dec, inc;

        snprintf(what, sizeof(what), "current_reservation(domid %#x)", id);
        mm2_expect_rc(what, mm_memory_op(XENMEM_current_reservation, &id), -XEN_ESRCH);
        dec = reservation(XENMEM_decrease_reservation, list, 1, 0, id);
        inc = reservation(XENMEM_increase_reservation, list, 1, 0, id);
        printk("decrease / increase_reservation(domid %#x): %ld / %ld\n", id, dec, inc);
        if ((dec != 0 && dec != -XEN_ESRCH) || (inc != 0 && inc != -XEN_ESRCH))
            xtf_failure("decrease / increase_reservation(domid %#x): %ld / %ld, expected 0 or "
                        "-ESRCH", id, dec, inc);
    }
    expect_reservation("after requests for other domains", cur);
    mm_free_mfn(list[0]);
    mm_audit("other domains");
}

/* Frames that are not ours: not freed; a list stops at the first such extent. */
static void test_foreign_frames(void)
{
    uint64_t pfn = mm_alloc_pfn();
    uint64_t list[2] = { mm2_hyp_mfn(), 1ull << 36 };
    long cur = mm2_current_reservation();

    mm2_expect_rc("decrease of a hypervisor frame", decrease(&list[0], 1), 0);
    mm2_expect_rc("decrease of an mfn beyond RAM", decrease(&list[1], 1), 0);
    expect_reservation("after decreasing foreign frames", cur);

    /* Ours first, then the hypervisor's: one done. */
    list[1] = list[0];
    list[0] = mm_pfn_to_mfn(pfn);
    mm2_expect_rc("decrease of [ours, hypervisor's]", decrease(list, 2), 1);
    expect_reservation("after the partial decrease", cur - 1);
    mm2_set_p2m(pfn, MM_INVALID);
    if (repopulate(pfn) != MM_INVALID)
        mm_free_pfn(pfn);
    mm_audit("foreign frames");
}

/*
 * A frame that is still mapped. Xen 4.17 returns 1 but drops only the allocation reference:
 * the mapping keeps the frame (its contents, its M2P entry and the reservation) until it goes.
 * Hearth refuses (0) and takes the frame once unmapped.
 */
static void test_mapped_frame(void)
{
    uint64_t pfn = mm_alloc_pfn(), mfn = mm_pfn_to_mfn(pfn);
    long cur = mm2_current_reservation(), rc, mrc;
    volatile uint64_t *p = mm_map(mfn, true, &mrc);

    if (!p)
        xtf_panic("mapping our frame %#lx: %ld", (unsigned long)mfn, mrc);
    p[0] = PATTERN;
    rc = decrease(&mfn, 1);
    printk("decrease of a mapped frame: %ld; reservation %ld (was %ld); M2P %#lx; the "
           "mapping reads %#lx\n", rc, mm2_current_reservation(), cur,
           (unsigned long)mm_m2p(mfn), (unsigned long)p[0]);
    mm2_expect_rc("decrease of a mapped frame", rc, xtf_on_hearth() ? 0 : 1);
    expect_reservation("while the frame is mapped", cur);
    mm_unmap((const void *)p);
    if (rc == 0)
        mm2_expect_rc("decrease of the frame once unmapped", decrease(&mfn, 1), 1);
    expect_reservation("after the frame was unmapped and given back", cur - 1);
    mm2_set_p2m(pfn, MM_INVALID);
    if (repopulate(pfn) != MM_INVALID)
        mm_free_pfn(pfn);
    mm_audit("mapped frame");
}

/*
 * A pinned page table. Xen 4.17 returns 1 and drops the allocation reference; the pin keeps
 * the frame, typed and counted, until the unpin frees it. Hearth refuses while the pin holds
 * it (0), and takes it once unpinned.
 */
static void test_page_table_frame(void)
{
    uint64_t pfn = mm_alloc_pfn(), mfn = mm_pfn_to_mfn(pfn);
    long cur = mm2_current_reservation(), rc;

    mm2_expect_rc("pin a free frame as L1", mm_pin(1, mfn), 0);
    rc = decrease(&mfn, 1);
    mm2_expect_rc("decrease of a pinned L1", rc, xtf_on_hearth() ? 0 : 1);
    expect_reservation("while the L1 is pinned", cur);
    mm2_expect_rc("unpin the L1", mm_unpin(mfn), 0);
    if (rc == 0)
        mm2_expect_rc("decrease of the L1 once unpinned", decrease(&mfn, 1), 1);
    expect_reservation("after the L1 was unpinned and given back", cur - 1);
    mm2_set_p2m(pfn, MM_INVALID);
    if (repopulate(pfn) != MM_INVALID)
        mm_free_pfn(pfn);
    mm_audit("page-table frame");
}

/*
 * The shared_info frame: the hypervisor's page, lent to us. Xen 4.17 takes it back (1) and it
 * can no longer be mapped (update_va_mapping -EBUSY); Hearth refuses (0). Run last, as on Xen
 * the domain has lost its shared_info afterwards.
 */
static void test_shared_info_frame(void)
{
    uint64_t mfn = xtf_start_info->shared_info >> PAGE_SHIFT;
    long cur = mm2_current_reservation(), rc, mrc;
    void *p;

    rc = decrease(&mfn, 1);
    p = mm_map(mfn, false, &mrc);
    if (p)
        mm_unmap(p);
    printk("decrease of the shared_info frame %#lx: %ld; mapping it afterwards: %ld\n",
           (unsigned long)mfn, rc, mrc);
    if (xtf_on_hearth()) {
        mm2_expect_rc("decrease of the shared_info frame", rc, 0);
        mm2_expect_rc("mapping shared_info after the refused decrease", mrc, 0);
    } else if (rc != 0 && rc != 1) {
        xtf_failure("decrease of the shared_info frame: %ld", rc);
    }
    expect_reservation("after decreasing the shared_info frame", cur);
    mm_audit("shared_info frame");
}

void test_main(void)
{
    long start = mm2_current_reservation();

    test_memory_map();
    test_counters();
    test_decrease_populate();
    test_bad_arguments();
    test_other_domains();
    test_foreign_frames();
    test_mapped_frame();
    test_page_table_frame();
    test_shared_info_frame();
    expect_reservation("at the end", start);
    mm_audit("the end");
    xtf_success();
}
