/* bootinfo.c - checks on a parsed boot_info that every loader format shares. */
#include "boot/bootinfo.h"

static bool ranges_overlap(paddr_t a_start, paddr_t a_end, paddr_t b_start, paddr_t b_end)
{
    return a_start < b_end && b_start < a_end;
}

/* True if module i must go; says why. Earlier modules marked in drop[] no longer count. */
static bool module_is_bad(struct boot_info *bi, unsigned int i, const bool *drop, const char *who)
{
    const struct boot_module *m = &bi->mods[i];
    bool bad = true;
    unsigned int j;

    if (m->end <= m->start) {
        printk(KERN_WARNING "%s: module %u: end 0x%llx is not above start 0x%llx; dropped\n", who,
               i, (unsigned long long)m->end, (unsigned long long)m->start);
        goto out;
    }
    if (ranges_overlap(m->start, m->end, bi->info_start, bi->info_end)) {
        printk(KERN_WARNING "%s: module %u [0x%llx, 0x%llx) overlaps the boot information "
               "structure [0x%llx, 0x%llx); dropped\n", who, i, (unsigned long long)m->start,
               (unsigned long long)m->end, (unsigned long long)bi->info_start,
               (unsigned long long)bi->info_end);
        goto out;
    }
    for (j = 0; j < i; j++) {
        const struct boot_module *k = &bi->mods[j];

        if (drop[j] || !ranges_overlap(m->start, m->end, k->start, k->end))
            continue;
        printk(KERN_WARNING "%s: modules %u and %u overlap ([0x%llx, 0x%llx) and [0x%llx, 0x%llx));"
               " module %u dropped\n", who, j, i, (unsigned long long)k->start,
               (unsigned long long)k->end, (unsigned long long)m->start,
               (unsigned long long)m->end, i);
        goto out;
    }
    bad = false;
out:
    return bad;
}

void bootinfo_check_modules(struct boot_info *bi, const char *who)
{
    bool drop[BOOT_MAX_MODULES] = { false };
    unsigned int i, kept = 0;

    ASSERT(bi->nr_mods <= BOOT_MAX_MODULES);
    for (i = 0; i < bi->nr_mods; i++) {
        drop[i] = module_is_bad(bi, i, drop, who);
        if (drop[i])
            bi->nr_errors++;
    }
    for (i = 0; i < bi->nr_mods; i++) {
        if (drop[i])
            continue;
        if (kept != i)
            bi->mods[kept] = bi->mods[i];
        kept++;
    }
    bi->nr_mods = kept;
}

/* One past the last byte of a range, clamped so that it stays representable. */
static uint64_t range_end(const struct boot_mem_range *r)
{
    return r->base + MIN(r->len, UINT64_MAX - r->base);
}

static bool is_usable(const struct boot_mem_range *r)
{
    return r->type == MEM_USABLE && range_end(r) > r->base;
}

/* The lowest usable address at or above pos, in *start; false if there is none. */
static bool next_usable(const struct boot_info *bi, uint64_t pos, uint64_t *start)
{
    bool found = false;
    unsigned int i;

    for (i = 0; i < bi->nr_mem; i++) {
        const struct boot_mem_range *r = &bi->mem[i];
        uint64_t s = MAX(r->base, pos);

        if (!is_usable(r) || range_end(r) <= pos)
            continue;
        if (!found || s < *start)
            *start = s;
        found = true;
    }
    return found;
}

/* How far usable memory reaches without a gap from start (which is usable). */
static uint64_t usable_reach(const struct boot_info *bi, uint64_t start)
{
    uint64_t end = start;
    bool grew = true;
    unsigned int i;

    while (grew) {
        grew = false;
        for (i = 0; i < bi->nr_mem; i++) {
            const struct boot_mem_range *r = &bi->mem[i];

            if (is_usable(r) && r->base <= end && range_end(r) > end) {
                end = range_end(r);
                grew = true;
            }
        }
    }
    return end;
}

/*
 * Walks up the address space without sorting or changing bi: each step takes the lowest usable
 * address not yet counted and extends it as far as usable ranges reach without a gap. Each step
 * passes the end of at least one range, so there are at most nr_mem steps of O(nr_mem^2) each;
 * for BOOT_MAX_MEMMAP that is cheap, once, at boot.
 */
uint64_t bootinfo_usable_bytes(const struct boot_info *bi)
{
    uint64_t total = 0, pos = 0, start = 0, end;

    while (next_usable(bi, pos, &start)) {
        end = usable_reach(bi, start);
        total += end - start;
        pos = end;
    }
    return total;
}
