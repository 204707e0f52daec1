/* hv/elfnote.h - the ELF notes a PV kernel image carries to tell the domain builder how to load
 * and enter it (Xen's XEN_ELFNOTE_*). */
#ifndef HV_ELFNOTE_H
#define HV_ELFNOTE_H

/*
 * Notes live in a PT_NOTE segment or, as Mini-OS does, only in a SHT_NOTE section; the builder
 * looks in both. Each note has name "Xen" (namesz 4, with the NUL) and one of the types below.
 * "str" notes hold a NUL-terminated ASCII string; "num" notes hold a little-endian number of
 * 1, 2, 4 or 8 bytes (descsz says which).
 *
 * A 64-bit PV kernel must carry XEN_VERSION "xen-3.0" and either LOADER "generic" or a
 * GUEST_OS that starts with "linux"; the builder refuses the image otherwise. ENTRY defaults to
 * e_entry, VIRT_BASE and PADDR_OFFSET to 0. See guest-abi/README.md for the full boot contract.
 */
#define HV_ELFNOTE_NAME "Xen"

#define HV_ELFNOTE_INFO 0            /* str: NAME=VALUE, informational */
#define HV_ELFNOTE_ENTRY 1           /* num: virtual address of the entry point */
#define HV_ELFNOTE_HYPERCALL_PAGE 2  /* num: VA of a page the builder fills with stubs */
#define HV_ELFNOTE_VIRT_BASE 3       /* num: VA at which pseudo-physical frame 0 is mapped */
#define HV_ELFNOTE_PADDR_OFFSET 4    /* num: subtracted from p_paddr to get the load offset */
#define HV_ELFNOTE_XEN_VERSION 5     /* str: ABI version expected, must be "xen-3.0" */
#define HV_ELFNOTE_GUEST_OS 6        /* str: e.g. "linux", "Mini-OS" */
#define HV_ELFNOTE_GUEST_VERSION 7   /* str: informational */
#define HV_ELFNOTE_LOADER 8          /* str: "generic" */
#define HV_ELFNOTE_PAE_MODE 9        /* str: 32-bit guests only; ignored for x86-64 */
#define HV_ELFNOTE_FEATURES 10       /* str: feature names, '|'-separated, '!' = required */
#define HV_ELFNOTE_BSD_SYMTAB 11     /* str: "yes" to have the symbol table loaded */
#define HV_ELFNOTE_HV_START_LOW 12   /* num: lowest start of the hypervisor hole (32-bit) */
#define HV_ELFNOTE_L1_MFN_VALID 13   /* num pairs: mask/value marking non-present PTEs with MFNs */
#define HV_ELFNOTE_SUSPEND_CANCEL 14 /* num: guest supports cooperative suspend cancel */
#define HV_ELFNOTE_INIT_P2M 15       /* num: VA at which to place the initial p2m list */
#define HV_ELFNOTE_MOD_START_PFN 16  /* num: 1 = initrd may be passed unmapped, as a PFN */
#define HV_ELFNOTE_SUPPORTED_FEATURES 17 /* num: 32-bit mask of HV_FEAT_* bits supported */
#define HV_ELFNOTE_PHYS32_ENTRY 18   /* num: PVH 32-bit physical entry; ignored for PV */
#define HV_ELFNOTE_PHYS32_RELOC 19   /* PVH relocation limits; ignored for PV (newer than 4.17) */
#define HV_ELFNOTE_MAX HV_ELFNOTE_PHYS32_RELOC

/* Notes written into crash dumps and core files, never read from a kernel image. */
#define HV_ELFNOTE_CRASH_INFO 0x1000001
#define HV_ELFNOTE_CRASH_REGS 0x1000002
#define HV_ELFNOTE_DUMPCORE_NONE 0x2000000
#define HV_ELFNOTE_DUMPCORE_HEADER 0x2000001
#define HV_ELFNOTE_DUMPCORE_XEN_VERSION 0x2000002
#define HV_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

/* The strings the builder checks (prefix match, as Xen's libelf does). */
#define HV_ELFNOTE_XEN_VERSION_STR "xen-3.0"
#define HV_ELFNOTE_LOADER_GENERIC "generic"
#define HV_ELFNOTE_GUEST_OS_LINUX "linux"

/*
 * Names in the FEATURES note: the HV_FEAT_* name (hv/features.h) without its prefix, e.g.
 * "!writable_page_tables|pae_pgdir_above_4gb". Xen's libelf knows only the names below; it
 * ignores others in the string (a kernel states newer bits with SUPPORTED_FEATURES). Linux 6.1
 * carries "!writable_page_tables|pae_pgdir_above_4gb"; for a 64-bit PV guest the builder accepts
 * the required writable_page_tables (the guest gets it as VMASST_TYPE_writable_pagetables).
 */
#define HV_ELFNOTE_FEATNAME_writable_page_tables "writable_page_tables"
#define HV_ELFNOTE_FEATNAME_writable_descriptor_tables "writable_descriptor_tables"
#define HV_ELFNOTE_FEATNAME_auto_translated_physmap "auto_translated_physmap"
#define HV_ELFNOTE_FEATNAME_supervisor_mode_kernel "supervisor_mode_kernel"
#define HV_ELFNOTE_FEATNAME_pae_pgdir_above_4gb "pae_pgdir_above_4gb"
#define HV_ELFNOTE_FEATNAME_hvm_callback_vector "hvm_callback_vector"
#define HV_ELFNOTE_FEATNAME_dom0 "dom0"
#define HV_ELFNOTE_FEATURE_SEPARATOR '|'
#define HV_ELFNOTE_FEATURE_REQUIRED '!'

#endif /* HV_ELFNOTE_H */
