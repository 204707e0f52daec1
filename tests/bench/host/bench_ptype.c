/* bench_ptype.c - a host driver for counting the instructions of one L1 validation in
 * hyp/mm/ptype.c under callgrind (make bench-ptype-host); the fake machine is the unit tests'. */
#include <stdio.h>
#include <string.h>

#include "fake_mem.h"

#define NFRAMES 1100

/*
 * The shapes measured, each an L1 of 512 entries (frames 9.. are domain 1's):
 *   rw-fresh      every entry writable, to a frame never typed (takes its writable type)
 *   rw-writable   every entry writable, to a frame already writable elsewhere (a count++)
 *   ro            every entry read-only (general references only)
 *   empty         no entry present
 * Each is validated by bench_validate() and devalidated by bench_devalidate(), the functions
 * callgrind is told to count (--toggle-collect).
 */
enum shape { RW_FRESH, RW_WRITABLE, RO, EMPTY, NSHAPES };
static const char *const names[NSHAPES] = {"rw-fresh", "rw-writable", "ro", "empty"};

__attribute__((noinline)) int bench_validate(mfn_t l1);
__attribute__((noinline)) int bench_devalidate(mfn_t l1);

int bench_validate(mfn_t l1)
{
    return pt_pin(fm_dom(), l1, PGT_L1, &(struct pt_work){PT_WORK_BUDGET});
}

int bench_devalidate(mfn_t l1)
{
    int rc = pt_unpin(fm_dom(), l1);

    return rc ? rc : pt_run_deferred(fm_dom(), &(struct pt_work){PT_WORK_BUDGET});
}

static mfn_t build(enum shape s)
{
    mfn_t l1 = fm_alloc();

    for (unsigned int i = 0; i < PT_ENTRIES; i++) {
        mfn_t d = fm_alloc();

        if (s == RW_WRITABLE && fm_get(fm_dom(), d, PGT_WRITABLE, &(struct pt_work){0}) != 0)
            return 0;
        if (s != EMPTY)
            fm_table(l1)[i] = fm_pte(d, FM_P | FM_U | FM_A | (s == RO ? 0 : FM_W | FM_D));
    }
    return l1;
}

int main(int argc, char **argv)
{
    for (int s = 0; s < NSHAPES; s++) {
        mfn_t l1;
        int rc1, rc2;

        if (argc > 1 && strcmp(argv[1], names[s]) != 0)
            continue;
        fm_init(NFRAMES, false);
        l1 = build((enum shape)s);
        rc1 = bench_validate(l1);
        rc2 = bench_devalidate(l1);
        printf("%-12s validate %d devalidate %d check %lu\n", names[s], rc1, rc2, fm_check());
        fm_fini();
    }
    return 0;
}
