/*
 * mm_ops: the cost of the PV memory-management operations a guest kernel leans on, measured
 * with the TSC from the guest kernel:
 *   - mmu_update with batches of 1, 8, 64 and 512 entries, each entry rewriting a PTE of a live
 *     L1 (hooked into the boot L2) so that it maps the other of two scratch frames, writable;
 *   - update_va_mapping, one per call, with UVMF_NONE and UVMF_INVLPG, and a multicall of 64;
 *   - the batch gain: per-entry cost of 64 single-entry mmu_update calls over that of one
 *     64-entry call (the issue asks for >= 5x on Hearth);
 *   - pin + unpin of an L4 tree (L4 -> L3 -> L2 -> 8 L1s -> 4096 distinct frames read-only:
 *     a 16 MiB process image, which is what fork/exec hand to the hypervisor to validate);
 *   - create + destroy of a minimal user address space, the page-table cost behind fork and
 *     exit (see measure_user_as()).
 * Each figure is the median of SAMPLES samples; a sample covers two passes over the 512 entries
 * (or one pin/unpin, one create/destroy). Lines: "bench <name> median=<value> <unit> n=<n>";
 * costs in TSC cycles, rates in updates per second (TSC scale from vcpu_time_info).
 */
#include "mm.h"
#include "../bench.h"

const char test_title[] = "bench mm_ops: page-table updates, pinning, user address spaces";

#define SAMPLES 51
#define NR_ENTRIES 512                  /* entries of the live L1, all rewritten per pass */
#define PASSES 2                        /* passes per sample: one to each scratch frame */
#define MC_BATCH 64                     /* update_va_mapping calls per multicall */
#define GAIN_BATCH 64
#define TREE_L1S 8
#define L2_SPAN (1ull << 21)            /* what one L2 entry maps */
#define NS_PER_S 1000000000ull

static struct bench_tsc_scale tsc;

/* An L1 of ours hooked into an empty entry of the boot L2: it maps [va, va + 2 MiB). */
struct window {
    uint64_t va;
    uint64_t l1;                        /* its MFN */
};

/* The live L1 of the update figures and the two frames its entries alternate between. */
static struct window upd;
static uint64_t scratch[2];
static unsigned int cur;                /* every entry of upd maps scratch[cur] (writable) */
static struct mmu_update reqs[2][NR_ENTRIES];            /* entry i -> scratch[f] */
/*
 * Multicall entries are written just before each call, as a guest kernel does: Xen rewrites the
 * arguments of an entry that it preempts (the continuation's), so an entry is not reusable.
 */
static struct multicall_entry mcs[MC_BATCH];

/* Hook a fresh, zeroed L1 below the first empty boot L2 entry at or past `from`. */
static void window_hook(struct window *w, uint64_t from)
{
    uint64_t va = (from + L2_SPAN - 1) & ~(L2_SPAN - 1);
    uint64_t l2e = mm_boot_entry_maddr(va, 2);
    long rc;

    for (unsigned int tries = 0; l2e && (mm_read_entry(l2e) & PTE_P) && tries < 16; tries++) {
        va += L2_SPAN;
        l2e = mm_boot_entry_maddr(va, 2);
    }
    if (!l2e || (mm_read_entry(l2e) & PTE_P))
        xtf_panic("no empty boot L2 entry past %#lx", (unsigned long)from);
    w->va = va;
    w->l1 = mm_alloc_mfn();
    rc = mm_set_entry(l2e, mm_pte(w->l1, PTE_FLAGS_TABLE));
    if (rc)
        xtf_panic("hooking L1 %#lx at %#lx: %ld", (unsigned long)w->l1, (unsigned long)va, rc);
}

/* Print the per-entry cost (cycles) and rate (entries/s) of samples of `entries` entries. */
static void report_entries(const char *name, uint64_t *cycles, uint64_t entries)
{
    char n[64];
    uint64_t med = bench_median(cycles, SAMPLES);
    uint64_t ns = bench_tsc_to_ns(&tsc, med);

    snprintf(n, sizeof(n), "%s_cost", name);
    bench_print(n, med / entries, "cycles", SAMPLES);
    if (ns) {
        snprintf(n, sizeof(n), "%s_rate", name);
        bench_print(n, entries * NS_PER_S / ns, "updates/s", SAMPLES);
    }
}

/* Print a whole-operation cost in cycles, and in ns when the TSC scale is known. */
static void report_op(const char *name, uint64_t *cycles)
{
    char n[64];
    uint64_t med = bench_median(cycles, SAMPLES);
    uint64_t ns = bench_tsc_to_ns(&tsc, med);

    bench_print(name, med, "cycles", SAMPLES);
    if (ns) {
        snprintf(n, sizeof(n), "%s_time", name);
        bench_print(n, ns, "ns", SAMPLES);
    }
}

/* --- Updates of the live L1 ---------------------------------------------------------------- */

static void setup_updates(void)
{
    window_hook(&upd, mm_initial_end());
    scratch[0] = mm_alloc_mfn();
    scratch[1] = mm_alloc_mfn();
    for (unsigned int f = 0; f < 2; f++)
        for (unsigned int i = 0; i < NR_ENTRIES; i++) {
            uint64_t pte = mm_pte(scratch[f], PTE_FLAGS_RW);

            reqs[f][i].ptr = mm_entry_maddr(upd.l1, i) | MMU_NORMAL_PT_UPDATE;
            reqs[f][i].val = pte;
        }
    cur = 0;
    if (mm_update_batch(reqs[0], NR_ENTRIES, NULL))
        xtf_panic("filling the live L1 failed");
    printk("live L1 %#lx maps %#lx; scratch frames %#lx %#lx\n", (unsigned long)upd.l1,
           (unsigned long)upd.va, (unsigned long)scratch[0], (unsigned long)scratch[1]);
}

/* Point every entry at the other scratch frame, `batch` entries per mmu_update. */
static void pass_mmu_update(unsigned int batch)
{
    const struct mmu_update *r = reqs[cur ^ 1];

    for (unsigned int i = 0; i < NR_ENTRIES; i += batch) {
        unsigned int done = 0;
        long rc = hc_mmu_update(&r[i], batch, &done, DOMID_SELF);

        if (rc || done != batch)
            xtf_panic("mmu_update(%u entries at %u): %ld, done %u", batch, i, rc, done);
    }
    cur ^= 1;
}

/* The same, one update_va_mapping per entry with these flags. */
static void pass_update_va_mapping(unsigned int flags)
{
    uint64_t pte = mm_pte(scratch[cur ^ 1], PTE_FLAGS_RW);

    for (unsigned int i = 0; i < NR_ENTRIES; i++) {
        long rc = hc_update_va_mapping(upd.va + i * PAGE_SIZE, pte, flags);

        if (rc)
            xtf_panic("update_va_mapping(entry %u, flags %u): %ld", i, flags, rc);
    }
    cur ^= 1;
}

/* The same, `batch` (at most MC_BATCH) update_va_mapping calls (UVMF_NONE) per multicall. */
static void pass_multicall(unsigned int batch)
{
    uint64_t pte = mm_pte(scratch[cur ^ 1], PTE_FLAGS_RW);

    for (unsigned int i = 0; i < NR_ENTRIES; i += batch) {
        long rc;

        for (unsigned int j = 0; j < batch; j++)
            mcs[j] = (struct multicall_entry){
                .op = XEN_HC_update_va_mapping,
                .args = { upd.va + (i + j) * PAGE_SIZE, pte, UVMF_NONE },
            };
        rc = hc_multicall(mcs, batch);
        if (rc)
            xtf_panic("multicall of %u update_va_mapping: %ld", batch, rc);
        for (unsigned int j = 0; j < batch; j++)
            if (mcs[j].result)
                xtf_panic("multicall entry %u: update_va_mapping returned %ld", i + j,
                          (long)mcs[j].result);
    }
    cur ^= 1;
}

static void measure_passes(const char *name, void (*pass)(unsigned int), unsigned int arg)
{
    static uint64_t cycles[SAMPLES];

    for (unsigned int s = 0; s < SAMPLES; s++) {
        uint64_t t0 = bench_rdtsc();

        for (unsigned int p = 0; p < PASSES; p++)
            pass(arg);
        cycles[s] = bench_rdtsc() - t0;
    }
    report_entries(name, cycles, PASSES * NR_ENTRIES);
}

/*
 * Per sample: entries 0..63 to the other frame by 64 single-entry calls, then back by one
 * 64-entry call; the ratio of the two times (the entries end where they started).
 */
static void measure_batch_gain(void)
{
    static uint64_t ratio[SAMPLES];

    for (unsigned int s = 0; s < SAMPLES; s++) {
        uint64_t t0 = bench_rdtsc(), t1, t2;
        long rc = 0;

        for (unsigned int i = 0; i < GAIN_BATCH; i++)
            rc |= hc_mmu_update(&reqs[cur ^ 1][i], 1, NULL, DOMID_SELF);
        t1 = bench_rdtsc();
        rc |= hc_mmu_update(reqs[cur], GAIN_BATCH, NULL, DOMID_SELF);
        t2 = bench_rdtsc();
        if (rc)
            xtf_panic("mmu_update in the batch-gain figure failed");
        ratio[s] = (t1 - t0) * 100 / (t2 - t1 ? t2 - t1 : 1);
    }
    bench_print_ratio("mmu_update_batch_gain", bench_median(ratio, SAMPLES), SAMPLES);
}

static void measure_updates(void)
{
    static const unsigned int batches[] = { 1, 8, 64, 512 };
    char name[48];

    setup_updates();
    for (unsigned int b = 0; b < ARRAY_SIZE(batches); b++) {
        snprintf(name, sizeof(name), "mmu_update_batch%u", batches[b]);
        measure_passes(name, pass_mmu_update, batches[b]);
    }
    measure_batch_gain();
    measure_passes("update_va_mapping_none", pass_update_va_mapping, UVMF_NONE);
    measure_passes("update_va_mapping_invlpg", pass_update_va_mapping, UVMF_INVLPG);
    measure_passes("multicall64_update_va_mapping", pass_multicall, MC_BATCH);
}

/* --- Pin + unpin of an L4 tree ---------------------------------------------------------------- */

/* Fill a fresh, unmapped table frame with entries 0..nr-1 = mfns[i] | flags through a scratch slot. */
static void fill_table(uint64_t mfn, const uint64_t *mfns, unsigned int nr, uint64_t flags)
{
    long rc;
    uint64_t *t = mm_map(mfn, true, &rc);

    if (!t)
        xtf_panic("mapping table frame %#lx writable: %ld", (unsigned long)mfn, rc);
    for (unsigned int i = 0; i < nr; i++)
        t[i] = mm_pte(mfns[i], flags);
    rc = mm_unmap(t);
    if (rc)
        xtf_panic("unmapping table frame %#lx: %ld", (unsigned long)mfn, rc);
}

/* L4[0] -> L3[0] -> L2[0..7] -> 8 L1s, each mapping 512 distinct free frames read-only. */
static uint64_t build_tree(void)
{
    static uint64_t data[NR_ENTRIES];
    uint64_t l1[TREE_L1S], l2, l3, l4;

    for (unsigned int t = 0; t < TREE_L1S; t++) {
        for (unsigned int i = 0; i < NR_ENTRIES; i++)
            data[i] = mm_alloc_mfn();
        l1[t] = mm_alloc_mfn();
        fill_table(l1[t], data, NR_ENTRIES, PTE_FLAGS_RO);
    }
    l2 = mm_alloc_mfn();
    fill_table(l2, l1, TREE_L1S, PTE_FLAGS_TABLE);
    l3 = mm_alloc_mfn();
    fill_table(l3, &l2, 1, PTE_FLAGS_TABLE);
    l4 = mm_alloc_mfn();
    fill_table(l4, &l3, 1, PTE_FLAGS_TABLE);
    return l4;
}

static void measure_pin_tree(void)
{
    static uint64_t pin[SAMPLES], both[SAMPLES];
    uint64_t l4 = build_tree();

    for (unsigned int s = 0; s < SAMPLES; s++) {
        uint64_t t0 = bench_rdtsc(), t1, t2;
        long rc_pin, rc_unpin;

        rc_pin = mm_pin(4, l4);
        t1 = bench_rdtsc();
        rc_unpin = mm_unpin(l4);
        t2 = bench_rdtsc();
        if (rc_pin || rc_unpin)
            xtf_panic("pin / unpin of the L4 tree %#lx: %ld / %ld", (unsigned long)l4, rc_pin,
                      rc_unpin);
        pin[s] = t1 - t0;
        both[s] = t2 - t0;
    }
    bench_print("pin_l4_tree", bench_median(pin, SAMPLES), "cycles", SAMPLES);
    report_op("pin_unpin_l4_tree", both);
}

/* --- Create + destroy of a user address space ------------------------------------------------ */

/*
 * The user address space: L4[0] -> L3[0] -> L2[2] -> L1[0] = code (read-only), L1[1] = stack.
 * Its four table frames stay mapped writable in a kernel window (as in Linux's direct map);
 * as_ro / as_rw rewrite those four window entries.
 */
static struct window dm;
static uint64_t as_tables[5];           /* [1..4]: MFNs of the L1..L4 frames */
static uint64_t as_code, as_stack;
static struct mmu_update as_ro[4], as_rw[4];
static struct mmuext_op as_create_ops[2], as_destroy_ops[2], as_flush_op;

/* A multicall entry for mmu_update or mmuext_op: (arg, n, no `done` count, DOMID_SELF). */
static void mc_set(struct multicall_entry *m, unsigned int op, const void *arg, unsigned int n)
{
    *m = (struct multicall_entry){ .op = op, .args = { (uint64_t)arg, n, 0, DOMID_SELF } };
}

static void setup_user_as(void)
{
    uint64_t l4;

    window_hook(&dm, upd.va + L2_SPAN);
    for (unsigned int l = 1; l <= 4; l++) {
        as_tables[l] = mm_alloc_mfn();
        as_ro[l - 1].ptr = mm_entry_maddr(dm.l1, l - 1) | MMU_NORMAL_PT_UPDATE;
        as_ro[l - 1].val = mm_pte(as_tables[l], PTE_FLAGS_RO);
        as_rw[l - 1].ptr = as_ro[l - 1].ptr;
        as_rw[l - 1].val = mm_pte(as_tables[l], PTE_FLAGS_RW);
    }
    as_code = mm_alloc_mfn();
    as_stack = mm_alloc_mfn();
    if (mm_update_batch(as_rw, 4, NULL))
        xtf_panic("mapping the user tables in the kernel window failed");
    l4 = as_tables[4];
    as_create_ops[0] = (struct mmuext_op){ .cmd = MMUEXT_PIN_L4_TABLE, .arg1 = l4 };
    as_create_ops[1] = (struct mmuext_op){ .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1 = l4 };
    as_destroy_ops[0] = (struct mmuext_op){ .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1 = 0 };
    as_destroy_ops[1] = (struct mmuext_op){ .cmd = MMUEXT_UNPIN_TABLE, .arg1 = l4 };
    as_flush_op = (struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
}

static void run_multicall(const char *what, struct multicall_entry *m, unsigned int n)
{
    long rc = hc_multicall(m, n);

    if (rc)
        xtf_panic("%s multicall: %ld", what, rc);
    for (unsigned int i = 0; i < n; i++)
        if (m[i].result)
            xtf_panic("%s multicall entry %u: %ld", what, i, (long)m[i].result);
}

static void create_user_as(void)
{
    mc_set(&mcs[0], XEN_HC_mmu_update, as_ro, 4);
    mc_set(&mcs[1], XEN_HC_mmuext_op, as_create_ops, 2);
    run_multicall("create", mcs, 2);
}

static void destroy_user_as(void)
{
    mc_set(&mcs[0], XEN_HC_mmuext_op, as_destroy_ops, 2);
    mc_set(&mcs[1], XEN_HC_mmu_update, as_rw, 4);
    mc_set(&mcs[2], XEN_HC_mmuext_op, &as_flush_op, 1);
    run_multicall("destroy", mcs, 3);
}

/* Clear the four tables through the window and fill in the user mappings. */
static void fill_user_tables(void)
{
    uint64_t *t[5];

    for (unsigned int l = 1; l <= 4; l++) {
        t[l] = (uint64_t *)(dm.va + (l - 1) * PAGE_SIZE);
        memset(t[l], 0, PAGE_SIZE);
    }
    t[1][0] = mm_pte(as_code, PTE_FLAGS_RO);
    t[1][1] = mm_pte(as_stack, PTE_FLAGS_RW);
    t[2][2] = mm_pte(as_tables[1], PTE_FLAGS_TABLE);
    t[3][0] = mm_pte(as_tables[2], PTE_FLAGS_TABLE);
    t[4][0] = mm_pte(as_tables[3], PTE_FLAGS_TABLE);
}

/*
 * Create: clear and fill the four tables (their frames come from a free list in a real kernel:
 * allocation is not counted), then one multicall {mmu_update: the four window entries read-only;
 * mmuext_op: PIN_L4_TABLE, NEW_USER_BASEPTR}. Destroy: one multicall {mmuext_op:
 * NEW_USER_BASEPTR 0, UNPIN_TABLE; mmu_update: the window entries writable again; mmuext_op:
 * TLB_FLUSH_LOCAL, so the next clear does not meet stale read-only TLB entries}.
 */
static void measure_user_as(void)
{
    static uint64_t create[SAMPLES], destroy[SAMPLES], both[SAMPLES];

    setup_user_as();
    for (unsigned int s = 0; s < SAMPLES; s++) {
        uint64_t t0 = bench_rdtsc(), t1, t2;

        fill_user_tables();
        create_user_as();
        t1 = bench_rdtsc();
        destroy_user_as();
        t2 = bench_rdtsc();
        create[s] = t1 - t0;
        destroy[s] = t2 - t1;
        both[s] = t2 - t0;
    }
    bench_print("user_as_create", bench_median(create, SAMPLES), "cycles", SAMPLES);
    bench_print("user_as_destroy", bench_median(destroy, SAMPLES), "cycles", SAMPLES);
    report_op("user_as_create_destroy", both);
}

void test_main(void)
{
    bench_tsc_init(&tsc);
    measure_updates();
    measure_pin_tree();
    measure_user_as();
    mm_audit("the benchmarks");
    xtf_success();
}
