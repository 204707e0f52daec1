/* bootinfo.h - what the boot loader told us, in one loader-independent form. */
#ifndef HYP_BOOT_BOOTINFO_H
#define HYP_BOOT_BOOTINFO_H

#include "lib/lib.h"

#define BOOT_MAX_MEMMAP 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODSTR_MAX 256
#define BOOT_LOADER_MAX 64

/* E820 types, as the Multiboot2 memory map and PVH's memmap use them. */
#define MEM_USABLE 1
#define MEM_RESERVED 2
#define MEM_ACPI 3
#define MEM_NVS 4
#define MEM_BAD 5

struct boot_mem_range {
    uint64_t base;
    uint64_t len;
    uint32_t type; /* MEM_* (other values are kept as given and treated as reserved) */
};

struct boot_module {
    paddr_t start; /* first byte */
    paddr_t end;   /* one past the last byte */
    char string[BOOT_MODSTR_MAX];
};

/*
 * Filled by mb2_parse() or pvh_parse(). Everything is copied out of the loader's structures, so
 * the loader's memory may be reused afterwards (except the modules' contents).
 */
struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];
    char loader[BOOT_LOADER_MAX];
    struct boot_mem_range mem[BOOT_MAX_MEMMAP];
    unsigned int nr_mem;
    struct boot_module mods[BOOT_MAX_MODULES];
    unsigned int nr_mods;
    paddr_t rsdp;         /* physical address of the ACPI RSDP copy or table, 0 if none given */
    uint8_t rsdp_copy[36]; /* Multiboot2 passes a copy of the RSDP; valid when rsdp_copy_len */
    unsigned int rsdp_copy_len;
    paddr_t info_start;   /* the loader's information structure, to keep out of the allocator */
    paddr_t info_end;
    unsigned int nr_errors; /* malformed items found (each reported on the console) */
};

/*
 * bootinfo_check_modules - drop the modules a loader got wrong, so later code may trust the list.
 * @bi:  filled by a parser; its mods[], nr_mods, info_start and info_end are read.
 * @who: the message prefix naming the loader format ("mb2", "pvh").
 *
 * A module is dropped, with a KERN_WARNING message and nr_errors incremented, when its end is not
 * above its start, when it overlaps [info_start, info_end), or when it overlaps an earlier module
 * that was kept (the message names both indices; the first one wins). Indices in messages are the
 * loader's order. The kept modules stay in order, packed at the front of mods[]. Boot context.
 */
void bootinfo_check_modules(struct boot_info *bi, const char *who);

/*
 * bootinfo_usable_bytes - how many bytes of RAM the memory map offers.
 * @bi: a filled boot_info; not changed.
 *
 * Returns the size of the union of the MEM_USABLE ranges: firmware maps can list a usable range
 * twice or overlapping, and such bytes are counted once. Ranges of other types do not reduce the
 * total (a byte listed as both usable and reserved counts as usable). A range whose base + len
 * would pass 2^64 counts only up to 2^64 - 1. Boot context, no locks.
 */
uint64_t bootinfo_usable_bytes(const struct boot_info *bi);

#endif /* HYP_BOOT_BOOTINFO_H */
