/* symbols.c - function names for addresses, from the table the build links in (mksyms.py). */
#include "lib/lib.h"

/* Generated: hyp_sym_count entries, sorted by address; names are offsets into hyp_sym_names. */
extern const uint64_t hyp_sym_count;
extern const uint64_t hyp_sym_addrs[];
extern const uint32_t hyp_sym_name_offs[];
extern const char hyp_sym_names[];
extern const char _stext[], _etext[];

const char *symbol_lookup(uint64_t addr, uint64_t *off)
{
    uint64_t lo = 0, hi = hyp_sym_count;

    if (addr < (uint64_t)_stext || addr >= (uint64_t)_etext || hi == 0)
        return NULL;
    /* Find the last symbol at or below addr. */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;

        if (hyp_sym_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (hyp_sym_addrs[lo] > addr)
        return NULL;
    *off = addr - hyp_sym_addrs[lo];
    return &hyp_sym_names[hyp_sym_name_offs[lo]];
}
