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

#endif /* HYP_BOOT_BOOTINFO_H */
