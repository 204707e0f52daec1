/* pvh.h - reading the PVH direct-boot start_info (as QEMU and Xen pass it) into a struct boot_info. */
#ifndef HYP_BOOT_PVH_H
#define HYP_BOOT_PVH_H

#include "boot/bootinfo.h"

/* hvm_start_info.magic: "xEn3" with the 0x80 bit of the "E" set. */
#define PVH_START_MAGIC 0x336ec578u

/*
 * A way to read physical memory: returns a readable pointer to [pa, pa + len), or NULL if that
 * range is not accessible. The pointer need only stay valid until the next call.
 */
typedef const void *(*pvh_map_fn)(void *ctx, paddr_t pa, size_t len);

/*
 * pvh_parse - copy what the PVH start_info says into bi.
 * @start_info_paddr: physical address of struct hvm_start_info (%ebx at the PVH entry point).
 * @map, @ctx:        how to read physical memory (see pvh_map_fn); every pointer in the structures
 *                    is read through it, so nothing unreadable is touched.
 * @bi:               zeroed, then filled: cmdline, mods (with their command lines), mem (from the
 *                    version 1 memory map), rsdp (the RSDP's address; no copy is made),
 *                    info_start/info_end (the start_info structure itself).
 *
 * Every malformed item is reported with a KERN_WARNING "pvh: ..." message and counted in
 * bi->nr_errors: unreadable structures or strings, strings not terminated within the field of bi
 * (truncated), more modules or memory ranges than fit (dropped), modules passing 2^64 (dropped),
 * memory ranges passing 2^64 (clamped to end at 2^64 - 1). Zero-length memory ranges are dropped
 * silently. Modules are then checked by bootinfo_check_modules(). An address of 0 means absent.
 *
 * Returns 0 if bi is usable; -1 if start_info is unreadable or has a bad magic, if there is no
 * memory map (version 0, or no entries), or if the memory map offers no usable RAM. Boot context.
 */
int pvh_parse(paddr_t start_info_paddr, pvh_map_fn map, void *ctx, struct boot_info *bi);

#endif /* HYP_BOOT_PVH_H */
