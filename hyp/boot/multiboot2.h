/* multiboot2.h - reading the Multiboot2 boot information structure into a struct boot_info. */
#ifndef HYP_BOOT_MULTIBOOT2_H
#define HYP_BOOT_MULTIBOOT2_H

#include "boot/bootinfo.h"

/* What a Multiboot2 loader leaves in %eax. */
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/*
 * mb2_magic_ok - did a Multiboot2 loader start us?
 * @eax: the value %eax held at entry.
 *
 * Returns true if eax is MB2_BOOTLOADER_MAGIC.
 */
bool mb2_magic_ok(uint32_t eax);

/*
 * mb2_parse - copy what a Multiboot2 loader told us into bi.
 * @mbi:       the caller's mapping of the information structure (any alignment).
 * @avail:     how many bytes may be read at mbi; nothing past MIN(avail, total_size) is read.
 * @mbi_paddr: the structure's physical address, for info_start/info_end and the RSDP copy.
 * @bi:        zeroed, then filled: cmdline (tag 1), loader (2), mods (3), mem (6, or 4 when there
 *             is no memory map), rsdp_copy (15 preferred over 14). Unknown tags are skipped.
 *
 * Every malformed item is reported with a KERN_WARNING "mb2: ..." message naming the problem and
 * the tag's offset, and counted in bi->nr_errors. A bad item is skipped when the walk can go on
 * safely; a broken tag header ends the walk, keeping what was read before it. Zero-length memory
 * ranges are dropped silently; ranges passing 2^64 are clamped to end at 2^64 - 1. Modules are
 * checked by bootinfo_check_modules(). Strings are truncated to the fields of bi and always
 * NUL-terminated.
 *
 * Returns 0 if bi is usable, or -1 if the memory map offers no usable RAM at all. Pure function of
 * its inputs (no global state); boot context.
 */
int mb2_parse(const void *mbi, size_t avail, paddr_t mbi_paddr, struct boot_info *bi);

#endif /* HYP_BOOT_MULTIBOOT2_H */
