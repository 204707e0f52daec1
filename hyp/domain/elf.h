/* elf.h - parse a PV kernel image (ELF64 x86-64 with Xen ELF notes) and copy it into a guest. */
#ifndef HYP_DOMAIN_ELF_H
#define HYP_DOMAIN_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Errors, as negative return values. Xen's errno numbers (public/errno.h), kept local so this
 * parser depends on nothing else; they equal HV_E2BIG, HV_ENOEXEC, HV_ENOMEM, HV_EINVAL. */
#define ELF_E2BIG 7   /* more loadable segments than ELF_MAX_SEGS */
#define ELF_ENOEXEC 8 /* not an x86-64 executable, or not a Xen PV kernel we can boot */
#define ELF_ENOMEM 12 /* not returned by this file; for the loader's callbacks */
#define ELF_EINVAL 22 /* malformed image: a table, segment, note or address is inconsistent */

#define ELF_MAX_SEGS 16
#define ELF_NOTE_STR_SIZE 32 /* room for a string note, NUL included */
#define ELF_FEATURES_SIZE 256

/* XENFEAT_* bits named in XEN_ELFNOTE_FEATURES (Xen public/features.h). */
#define ELF_XENFEAT_WRITABLE_PAGE_TABLES 0
#define ELF_XENFEAT_WRITABLE_DESCRIPTOR_TABLES 1
#define ELF_XENFEAT_AUTO_TRANSLATED_PHYSMAP 2
#define ELF_XENFEAT_SUPERVISOR_MODE_KERNEL 3
#define ELF_XENFEAT_PAE_PGDIR_ABOVE_4GB 4
#define ELF_XENFEAT_HVM_CALLBACK_VECTOR 8
#define ELF_XENFEAT_DOM0 11

/* One loadable segment (PT_LOAD with any of PF_R/PF_W/PF_X, as libelf counts them). */
struct elf_segment {
    uint64_t paddr;  /* p_paddr: what libelf places by (Linux's percpu segment has p_vaddr 0) */
    uint64_t vaddr;  /* p_vaddr: informational only */
    uint64_t filesz; /* bytes copied from the image, at offset */
    uint64_t memsz;  /* bytes in the guest; memsz - filesz are zeroed */
    uint64_t offset; /* p_offset into the image */
    uint64_t gpaddr; /* guest pseudo-physical load address: paddr - paddr_offset, which is the
                      * segment's virtual address minus virt_base */
    uint32_t flags;  /* p_flags: PF_X 1, PF_W 2, PF_R 4 */
};

/*
 * What the domain builder needs from a PV kernel. Addresses follow Xen's libelf
 * (libelf-dominfo.c elf_xen_addr_calc_check): virt_offset = virt_base - paddr_offset, and a
 * segment lives at virtual address p_paddr + virt_offset.
 */
struct pv_kernel_info {
    uint64_t entry;          /* XEN_ELFNOTE_ENTRY if given, else e_entry */
    uint64_t virt_base;      /* XEN_ELFNOTE_VIRT_BASE, else 0; guest PFN 0 is mapped here */
    uint64_t paddr_offset;   /* XEN_ELFNOTE_PADDR_OFFSET, else 0 (libelf's default with notes) */
    uint64_t hypercall_page; /* XEN_ELFNOTE_HYPERCALL_PAGE (a VA), valid if has_hypercall_page */
    uint64_t init_p2m;     /* XEN_ELFNOTE_INIT_P2M, or 0 if absent (a note of 0 counts as absent) */
    uint64_t hv_start_low; /* XEN_ELFNOTE_HV_START_LOW, or 0; informational on x86-64 */
    /* Strings: NUL-terminated, cut to fit, bytes other than printable ASCII shown as '?'. */
    char guest_os[ELF_NOTE_STR_SIZE];      /* XEN_ELFNOTE_GUEST_OS */
    char guest_version[ELF_NOTE_STR_SIZE]; /* XEN_ELFNOTE_GUEST_VERSION */
    char xen_version[ELF_NOTE_STR_SIZE];   /* XEN_ELFNOTE_XEN_VERSION */
    char loader[ELF_NOTE_STR_SIZE];        /* XEN_ELFNOTE_LOADER */
    char features[ELF_FEATURES_SIZE];      /* XEN_ELFNOTE_FEATURES as given (maybe cut) */
    uint32_t supported_features[1]; /* FEATURES names plus XEN_ELFNOTE_SUPPORTED_FEATURES bits */
    uint32_t required_features[1];  /* FEATURES names written "!name" */
    bool pae_yes;            /* XEN_ELFNOTE_PAE_MODE is "yes" (matters for 32-bit guests only) */
    bool has_xen_notes;      /* always true after a successful parse */
    bool has_hypercall_page; /* XEN_ELFNOTE_HYPERCALL_PAGE given: fill that page */
    bool unmapped_initrd;    /* XEN_ELFNOTE_MOD_START_PFN non-zero: mod_start is a PFN */
    uint64_t virt_kstart;    /* lowest virtual address of the loadable segments */
    uint64_t virt_kend;      /* highest + 1; [virt_kstart, virt_kend) is what gets loaded */
    struct elf_segment segs[ELF_MAX_SEGS]; /* in program header order */
    unsigned int nr_segs;
};

/*
 * elf_parse_pv_kernel - check a PV kernel image and describe it, changing nothing else.
 * @image, @size: the whole image; every byte is treated as hostile. @image may be unaligned.
 * @out: filled in on success; zeroed on failure.
 * Notes are read from PT_NOTE segments and, if those hold no Xen note, from SHT_NOTE sections
 * (Mini-OS has only those). The legacy __xen_guest section is recognised and refused.
 * On success: 1..ELF_MAX_SEGS segments, non-overlapping, inside the image; virt_base <=
 * virt_kstart <= entry < virt_kend; [virt_kstart, virt_kend) canonical, not wrapping 2^64 and
 * clear of the hypervisor's slots 0xffff800000000000-0xffff880000000000; the hypercall page (if
 * any) page-aligned and inside; INIT_P2M (if any) outside. The caller must still check that
 * virt_kend - virt_base fits the domain's memory.
 * Returns 0; -ELF_ENOEXEC if it is not an ELF64 x86-64 little-endian ET_EXEC image, has no Xen
 * notes, fails libelf's loader check (LOADER "generic" or GUEST_OS "linux", XEN_VERSION
 * "xen-3.0"), requires an unknown feature, or asks for BSD_SYMTAB or __xen_guest;
 * -ELF_E2BIG if it has more than ELF_MAX_SEGS loadable segments; -ELF_EINVAL for anything
 * malformed. Each failure prints one KERN_WARNING line "elf: ..." naming the problem.
 * Stricter than libelf, on purpose: entry == virt_kend, e_type other than ET_EXEC, e_phentsize
 * other than 56, and a used numeric note of a size other than 1, 2, 4 or 8 bytes (libelf reads
 * such a note as 0) are refused.
 * Context: any; no locks, no allocation; time linear in @size (the section scan is bounded
 * by e_shnum < 2^16), so no preemption point is needed.
 */
int elf_parse_pv_kernel(const void *image, size_t size, struct pv_kernel_info *out);

/* Writers into guest memory for elf_load_segments(): 0 or a negative error. */
typedef int (*elf_write_fn)(void *ctx, uint64_t gpaddr, const void *src, size_t len);
typedef int (*elf_zero_fn)(void *ctx, uint64_t gpaddr, size_t len);

/*
 * elf_load_segments - copy each segment of a parsed kernel into the guest.
 * @image, @size: the image given to elf_parse_pv_kernel() (unchanged since).
 * @ki: its result. Segment file ranges are checked against @size again.
 * @write: called once per segment with filesz > 0, with the segment's gpaddr (guest
 *         pseudo-physical address = virtual address - virt_base) and its bytes in the image.
 * @zero: called once per segment with memsz > filesz, for [gpaddr + filesz, gpaddr + memsz).
 * @ctx: passed through to both.
 * Returns 0, -ELF_EINVAL if @ki does not fit @image, or the first error a callback returned
 * (segments before it are already written).
 * Context: any; whatever the callbacks need.
 */
int elf_load_segments(const void *image, size_t size, const struct pv_kernel_info *ki,
                      elf_write_fn write, elf_zero_fn zero, void *ctx);

#endif /* HYP_DOMAIN_ELF_H */
