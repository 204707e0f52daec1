/* domtree.h - the domains to build at boot, read from a flattened device tree passed as a
 * module. */
#ifndef HYP_BOOT_DOMTREE_H
#define HYP_BOOT_DOMTREE_H

#include "boot/bootinfo.h"

/*
 * The format (compile with `dtc -I dts -O dtb`; pass the .dtb as a Multiboot2 module):
 *
 *   /dts-v1/;
 *   / {
 *       compatible = "hearth,boot-domains";         required: anything else is not our tree
 *       domains {
 *           ping {                                  one node per domain, in boot order
 *               compatible = "hearth,domain";       required
 *               domid = <1>;                        optional, see below
 *               privileged;                         optional, empty: a control domain like dom0
 *               kernel = <1>;                       a module index, or:
 *               kernel-image = /incbin/("ping.elf");  the ELF image inside the tree
 *               ramdisk = <2>;                      optional, module index, or:
 *               ramdisk-image = /incbin/("initrd");   optional, inside the tree
 *               memory = <16384>;                   KiB, required
 *               cpus = <1>;                         optional
 *               bootargs = "console=hvc0";          optional
 *               weight = <256>;                     optional
 *               cap = <0>;                          optional
 *               max-evtchn-port = <1023>;           optional
 *               cpu-affinity = <0x1>;               optional
 *           };
 *       };
 *   };
 *
 * Node names are free-form; the first 31 bytes are kept, and messages name a node by its path
 * ("/domains/ping"). Numbers are one 32-bit cell (<n>) unless said otherwise; a property of any
 * other size is refused, never truncated or read as a different width.
 *
 *   domid            0 .. DOM_MAX_DOMAINS - 1 (63); DOMID_FIRST_RESERVED (0x7ff0) and above are
 *                    Xen's special ids. Without it, a node gets the lowest id that no accepted
 *                    node names explicitly (explicit ids are reserved first, whatever the order
 *                    of the nodes) and no earlier node without domid was given; a refused node
 *                    reserves nothing. Two nodes naming the same id: the later one is refused.
 *   privileged       no value (a present property with a value is refused).
 *   kernel           module index: the N of "Module N:" in the boot log (mods[N], from 0). Not
 *                    the tree's own module.
 *   kernel-image     the image's bytes, embedded in the tree (dtc's /incbin/); not empty.
 *                    Exactly one of kernel and kernel-image.
 *   ramdisk          as kernel (and not the kernel's module); ramdisk-image as kernel-image; at
 *                    most one of the two. None: no ramdisk.
 *   memory           KiB, one cell or two (a 64-bit number, <hi lo>); at least 1.
 *   cpus             vCPUs, 1 .. DOM_MAX_VCPUS (32); default 1.
 *   bootargs         one string of at most BOOT_CMDLINE_MAX bytes with its NUL, which must be
 *                    the last byte of the property (no list of strings). Default: the kernel
 *                    module's string, or "" for an embedded kernel.
 *   weight           scheduler weight, 1 .. 65535; default 256.
 *   cap              percent of one CPU, 0 (no cap) .. 100 * MAX_CPUS (6400); default 0.
 *   max-evtchn-port  1 .. 4095 (the 2-level event channel ABI's last port); default 1023.
 *   cpu-affinity     a bit mask of physical CPUs, one cell or two; not 0; default all (~0).
 *
 * Other properties of a domain node are ignored with a warning (a misspelt optional property
 * would otherwise silently take its default); phandle, linux,phandle and name (which dtc and old
 * tree versions add) are ignored silently. Sub-nodes of a domain node are ignored.
 */

#define DOMTREE_MAX_DOMAINS 16
#define DOMTREE_NAME_MAX 32

/* One domain to build, checked against everything this parser can know. */
struct boot_domain {
    char name[DOMTREE_NAME_MAX];   /* node name (truncated), NUL-terminated */
    uint16_t domid;
    bool privileged;
    struct boot_module kernel;     /* a copy of the module, or the embedded image's physical range
                                    * inside the tree module (string "") */
    struct boot_module ramdisk;    /* start == end when none */
    bool has_ramdisk;
    uint64_t mem_bytes;            /* memory * 1024 */
    unsigned int nr_vcpus;
    char cmdline[BOOT_CMDLINE_MAX]; /* NUL-terminated */
    uint16_t weight, cap;
    uint32_t max_evtchn_port;
    uint64_t cpu_affinity;
};

/*
 * domtree_is_fdt - is this module a flattened device tree?
 * @data, @len: the module's bytes.
 *
 * Returns true if len covers an FDT header and the data starts with the FDT magic (0xd00dfeed,
 * big endian). Nothing else is checked: domtree_parse() does that. Any context.
 */
bool domtree_is_fdt(const void *data, size_t len);

/*
 * domtree_parse - read the boot-time domains from a device tree.
 * @blob:       the tree's bytes (module mods[tree_index], mapped); 8-byte aligned, as libfdt
 *              requires (modules are page-aligned).
 * @len:        bytes readable at blob; the tree's own totalsize must fit in it.
 * @blob_pa:    the physical address of blob[0], to give embedded images physical ranges
 *              (blob_pa + offset in the blob).
 * @mods:       the boot modules, @nr_mods of them: kernel and ramdisk indices refer to them.
 * @tree_index: the tree's own module, which no kernel or ramdisk may be.
 * @out:        gets the valid domains, in tree order; @max_out entries (at most
 *              DOMTREE_MAX_DOMAINS are used).
 *
 * Every problem is printed (KERN_ERR) with the node's path and the property, as in
 * "domtree: /domains/ping: property 'memory': missing", and every problem of a node is reported
 * before the node is refused ("domtree: /domains/ping: refused, N problems"). A blob that libfdt
 * finds malformed anywhere (checked before anything is read), a root without the compatible
 * "hearth,boot-domains" or a tree without /domains gives one message and 0. Valid domains beyond
 * max_out are refused with a message. Memory sizes are not compared with the machine's: that is
 * the domain builder's job.
 *
 * Returns the number of entries filled in out[]. Allocates nothing; writes only out[]. Boot
 * context, no locks.
 */
unsigned int domtree_parse(const void *blob, size_t len, paddr_t blob_pa,
                           const struct boot_module *mods, unsigned int nr_mods,
                           unsigned int tree_index, struct boot_domain *out, unsigned int max_out);

#endif /* HYP_BOOT_DOMTREE_H */
