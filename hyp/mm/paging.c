/* paging.c - 4-level x86-64 page tables for the hypervisor's own address space. */
#include "arch/arch.h"
#include "mm/paging.h"

#define ENTRIES 512
#define TABLE_FLAGS (PTE_P | PTE_W) /* leaves decide the real permissions */

static paddr_t (*pt_alloc_fn)(void);

void paging_set_allocator(paddr_t (*alloc)(void))
{
    pt_alloc_fn = alloc;
}

static paddr_t pt_alloc(void)
{
    paddr_t pa = pt_alloc_fn ? pt_alloc_fn() : 0;

    if (!pa)
        panic("paging: out of memory for page tables");
    memset(maddr_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

paddr_t paging_new_root(void)
{
    return pt_alloc();
}

static unsigned int pt_index(uint64_t va, unsigned int level)
{
    return (unsigned int)(va >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

/* The entry for va at `level` (1 = 4 KiB leaf), creating tables on the way. A large page met
 * on the way is split into the next level so the walk can go on. `user` (0 or PTE_U) is added
 * to the entries on the way: a user-accessible leaf needs U at every level. */
static uint64_t *pt_entry(paddr_t root, uint64_t va, unsigned int level, uint64_t user)
{
    uint64_t *table = maddr_to_virt(root);

    for (unsigned int l = 4; l > level; l--) {
        uint64_t *e = &table[pt_index(va, l)];

        if (!(*e & PTE_P)) {
            *e = pt_alloc() | TABLE_FLAGS;
        } else if (*e & PTE_PS) {
            uint64_t old = *e, step = 1ull << (12 + 9 * (l - 2));
            paddr_t sub = pt_alloc();
            uint64_t *st = maddr_to_virt(sub);

            /* 4 KiB leaves have no PS bit (bit 7 is PAT there; we never use PAT). */
            for (unsigned int i = 0; i < ENTRIES; i++)
                st[i] = (old + i * step) & ~(l == 2 ? PTE_PS : 0);
            *e = sub | TABLE_FLAGS;
        }
        *e |= user;
        table = maddr_to_virt(*e & PTE_ADDR_MASK);
    }
    return &table[pt_index(va, level)];
}

static unsigned int pick_level(uint64_t va, paddr_t pa, uint64_t left, bool large)
{
    if (large && boot_cpu_features.pdpe1gb && !((va | pa) & (GiB(1) - 1)) && left >= GiB(1))
        return 3;
    if (large && !((va | pa) & (MiB(2) - 1)) && left >= MiB(2))
        return 2;
    return 1;
}

void paging_map(paddr_t root, uint64_t va, paddr_t pa, uint64_t len, uint64_t flags, bool large)
{
    ASSERT(IS_ALIGNED(va, PAGE_SIZE) && IS_ALIGNED(pa, PAGE_SIZE) && IS_ALIGNED(len, PAGE_SIZE));
    while (len) {
        unsigned int level = pick_level(va, pa, len, large);
        uint64_t size = 1ull << (12 + 9 * (level - 1));
        uint64_t *e = pt_entry(root, va, level, flags & PTE_U);

        *e = pa | flags | PTE_P | (level > 1 ? PTE_PS : 0);
        va += size;
        pa += size;
        len -= size;
    }
}

void paging_unmap(paddr_t root, uint64_t va)
{
    uint64_t *e = pt_entry(root, va, 1, 0);

    *e = 0;
    invlpg((void *)va);
}
