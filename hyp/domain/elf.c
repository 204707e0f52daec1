/* elf.c - a hostile-input-safe reader of PV kernel images (ELF64 x86-64, Xen notes). */
#include "domain/elf.h"
#include "lib/lib.h"

/*
 * Every field is read with load_u*() at a checked offset, so an image may be unaligned and no
 * byte outside [image, image + size) is ever touched. Offsets are the ELF64 gABI layout.
 */
#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define SHDR_SIZE 64
#define NOTE_HDR_SIZE 12

#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_X86_64 62

#define E_TYPE 16
#define E_MACHINE 18
#define E_ENTRY 24
#define E_PHOFF 32
#define E_SHOFF 40
#define E_PHENTSIZE 54
#define E_PHNUM 56
#define E_SHENTSIZE 58
#define E_SHNUM 60
#define E_SHSTRNDX 62

#define PT_LOAD 1
#define PT_NOTE 4
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define P_TYPE 0
#define P_FLAGS 4
#define P_OFFSET 8
#define P_VADDR 16
#define P_PADDR 24
#define P_FILESZ 32
#define P_MEMSZ 40
#define P_ALIGN 48

#define SHT_NOTE 7
#define SH_NAME 0
#define SH_TYPE 4
#define SH_OFFSET 24
#define SH_SIZE 32
#define SH_ADDRALIGN 48

/* Xen public/elfnote.h. */
#define XEN_ELFNOTE_ENTRY 1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE 3
#define XEN_ELFNOTE_PADDR_OFFSET 4
#define XEN_ELFNOTE_XEN_VERSION 5
#define XEN_ELFNOTE_GUEST_OS 6
#define XEN_ELFNOTE_GUEST_VERSION 7
#define XEN_ELFNOTE_LOADER 8
#define XEN_ELFNOTE_PAE_MODE 9
#define XEN_ELFNOTE_FEATURES 10
#define XEN_ELFNOTE_BSD_SYMTAB 11
#define XEN_ELFNOTE_HV_START_LOW 12
#define XEN_ELFNOTE_INIT_P2M 15
#define XEN_ELFNOTE_MOD_START_PFN 16
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17

#define ELF_PAGE_SIZE 4096u
/* Guest virtual addresses a PV kernel may not use: the non-canonical hole, then the
 * hypervisor's L4 slots 256-271, which every PV L4 carries. */
#define VA_NONCANON_START 0x0000800000000000ull
#define VA_HYP_START 0xffff800000000000ull
#define VA_HYP_END 0xffff880000000000ull

#define elf_warn(...) printk(KERN_WARNING "elf: " __VA_ARGS__)

/* The image and the header fields the later steps use. */
struct elf_image {
    const uint8_t *p;
    uint64_t size;
    uint64_t e_entry, phoff, shoff;
    unsigned int phnum, shnum, shstrndx;
    uint32_t notes_seen;   /* bit n: a Xen note of type n (< 32) was read */
    uint64_t pstart, pend; /* lowest p_paddr, highest p_paddr + p_memsz */
};

/* True if [off, off + len) lies inside [0, size); written so that nothing can overflow. */
static bool elf_range_ok(uint64_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

static bool elf_seen(const struct elf_image *im, unsigned int type)
{
    return (im->notes_seen >> type) & 1;
}

/* e_ident, e_type and e_machine: is this an ELF64 x86-64 little-endian executable at all? */
static int elf_check_ident(const struct elf_image *im)
{
    const uint8_t *p = im->p;
    int rc = -ELF_ENOEXEC;

    if (im->size < EHDR_SIZE)
        elf_warn("image of %lu bytes is smaller than an ELF64 header\n", im->size);
    else if (p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F')
        elf_warn("bad magic: not an ELF image\n");
    else if (p[EI_CLASS] != ELFCLASS64)
        elf_warn("ELF class %u is not ELFCLASS64\n", p[EI_CLASS]);
    else if (p[EI_DATA] != ELFDATA2LSB)
        elf_warn("ELF data encoding %u is not little-endian\n", p[EI_DATA]);
    else if (p[EI_VERSION] != EV_CURRENT)
        elf_warn("ELF version %u is not 1\n", p[EI_VERSION]);
    else if (load_u16(p + E_TYPE) != ET_EXEC)
        elf_warn("ELF type %u is not ET_EXEC\n", load_u16(p + E_TYPE));
    else if (load_u16(p + E_MACHINE) != EM_X86_64)
        elf_warn("machine %u is not x86-64\n", load_u16(p + E_MACHINE));
    else
        rc = 0;
    return rc;
}

/* Reads the header fields and checks that both header tables lie inside the image. */
static int elf_check_tables(struct elf_image *im)
{
    const uint8_t *p = im->p;
    int rc = -ELF_EINVAL;

    im->e_entry = load_u64(p + E_ENTRY);
    im->phoff = load_u64(p + E_PHOFF);
    im->shoff = load_u64(p + E_SHOFF);
    im->phnum = load_u16(p + E_PHNUM);
    im->shnum = load_u16(p + E_SHNUM);
    im->shstrndx = load_u16(p + E_SHSTRNDX);
    /* phnum, shnum < 2^16, so the table sizes below cannot overflow. */
    if (im->phnum == 0)
        elf_warn("no program headers\n");
    else if (load_u16(p + E_PHENTSIZE) != PHDR_SIZE)
        elf_warn("program header size %u is not %u\n", load_u16(p + E_PHENTSIZE), PHDR_SIZE);
    else if (!elf_range_ok(im->size, im->phoff, (uint64_t)im->phnum * PHDR_SIZE))
        elf_warn("program header table (offset %#lx, %u entries) is outside the image\n", im->phoff,
                 im->phnum);
    else if (im->shnum != 0 && load_u16(p + E_SHENTSIZE) != SHDR_SIZE)
        elf_warn("section header size %u is not %u\n", load_u16(p + E_SHENTSIZE), SHDR_SIZE);
    else if (im->shnum != 0 && !elf_range_ok(im->size, im->shoff, (uint64_t)im->shnum * SHDR_SIZE))
        elf_warn("section header table (offset %#lx, %u entries) is outside the image\n", im->shoff,
                 im->shnum);
    else
        rc = 0;
    return rc;
}

/* Reads program header idx (a loadable one) into a new segment, checking it on its own.
 * The caller has made sure there is room. */
static int elf_add_segment(struct elf_image *im, unsigned int idx, const uint8_t *ph,
                           struct pv_kernel_info *out)
{
    struct elf_segment *s = &out->segs[out->nr_segs]; /* nr_segs < ELF_MAX_SEGS */
    int rc = -ELF_EINVAL;

    s->flags = load_u32(ph + P_FLAGS);
    s->offset = load_u64(ph + P_OFFSET);
    s->vaddr = load_u64(ph + P_VADDR);
    s->paddr = load_u64(ph + P_PADDR);
    s->filesz = load_u64(ph + P_FILESZ);
    s->memsz = load_u64(ph + P_MEMSZ);
    if (!elf_range_ok(im->size, s->offset, s->filesz)) {
        elf_warn("PT_LOAD %u: file bytes [%#lx, +%#lx) are outside the image\n", idx, s->offset,
                 s->filesz);
    } else if (s->filesz > s->memsz) {
        elf_warn("PT_LOAD %u: filesz %#lx > memsz %#lx\n", idx, s->filesz, s->memsz);
    } else if (s->memsz > UINT64_MAX - s->paddr) {
        elf_warn("PT_LOAD %u: [%#lx, +%#lx) wraps 2^64\n", idx, s->paddr, s->memsz);
    } else {
        out->nr_segs++;
        im->pstart = MIN(im->pstart, s->paddr);
        im->pend = MAX(im->pend, s->paddr + s->memsz);
        rc = 0;
    }
    return rc;
}

/* Segments land at p_paddr + a common offset: no two may share a byte. */
static int elf_check_overlaps(const struct pv_kernel_info *out)
{
    const struct elf_segment *a, *b;
    unsigned int i, j;
    int rc = 0;

    for (i = 0; i < out->nr_segs && rc == 0; i++) {
        for (j = i + 1; j < out->nr_segs && rc == 0; j++) {
            a = &out->segs[i];
            b = &out->segs[j];
            if (a->memsz && b->memsz && a->paddr < b->paddr + b->memsz &&
                b->paddr < a->paddr + a->memsz) {
                elf_warn("PT_LOAD segments at paddr %#lx and %#lx overlap\n", a->paddr, b->paddr);
                rc = -ELF_EINVAL;
            }
        }
    }
    return rc;
}

/* Collects the loadable segments: PT_LOAD with some of R/W/X, as libelf's elf_phdr_is_loadable. */
static int elf_collect_segments(struct elf_image *im, struct pv_kernel_info *out)
{
    const uint8_t *ph;
    unsigned int i;
    int rc = 0;

    im->pstart = UINT64_MAX;
    im->pend = 0;
    for (i = 0; i < im->phnum && rc == 0; i++) {
        ph = im->p + im->phoff + (uint64_t)i * PHDR_SIZE;
        if (load_u32(ph + P_TYPE) != PT_LOAD || !(load_u32(ph + P_FLAGS) & (PF_R | PF_W | PF_X)))
            continue;
        if (out->nr_segs == ELF_MAX_SEGS) {
            elf_warn("more than %u loadable PT_LOAD segments\n", ELF_MAX_SEGS);
            rc = -ELF_E2BIG;
        } else
            rc = elf_add_segment(im, i, ph, out);
    }
    if (rc == 0 && out->nr_segs == 0) {
        elf_warn("no loadable PT_LOAD segment\n");
        rc = -ELF_EINVAL;
    }
    if (rc == 0)
        rc = elf_check_overlaps(out);
    return rc;
}

/* Copies a note's string (not necessarily NUL-terminated) into dst, cutting it to fit. Bytes
 * other than printable ASCII become '?', so that the strings are safe to print on a console. */
static void elf_copy_str(char *dst, size_t dst_size, const uint8_t *src, uint64_t len)
{
    size_t i, n = strnlen((const char *)src, MIN(len, dst_size - 1));

    for (i = 0; i < n; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
    dst[n] = '\0';
}

/* A numeric note: libelf's elf_note_numeric reads 1, 2, 4 or 8 bytes; anything else is refused
 * here (libelf would silently read 0). */
static int elf_note_number(unsigned int type, const uint8_t *desc, uint64_t descsz, uint64_t *val)
{
    int rc = 0;

    if (descsz == 1)
        *val = desc[0];
    else if (descsz == 2)
        *val = load_u16(desc);
    else if (descsz == 4)
        *val = load_u32(desc);
    else if (descsz == 8)
        *val = load_u64(desc);
    else {
        elf_warn("Xen note %u: numeric value of %lu bytes\n", type, descsz);
        rc = -ELF_EINVAL;
    }
    return rc;
}

/* Sets the XENFEAT bit a FEATURES word names (libelf's list); false if the name is unknown. */
static bool elf_feature_set(const char *name, size_t len, uint32_t *bits)
{
    static const struct {
        const char *name;
        unsigned int bit;
    } names[] = {
        {"writable_page_tables", ELF_XENFEAT_WRITABLE_PAGE_TABLES},
        {"writable_descriptor_tables", ELF_XENFEAT_WRITABLE_DESCRIPTOR_TABLES},
        {"auto_translated_physmap", ELF_XENFEAT_AUTO_TRANSLATED_PHYSMAP},
        {"supervisor_mode_kernel", ELF_XENFEAT_SUPERVISOR_MODE_KERNEL},
        {"pae_pgdir_above_4gb", ELF_XENFEAT_PAE_PGDIR_ABOVE_4GB},
        {"hvm_callback_vector", ELF_XENFEAT_HVM_CALLBACK_VECTOR},
        {"dom0", ELF_XENFEAT_DOM0},
    };
    unsigned int i;
    bool found = false;

    for (i = 0; i < ARRAY_SIZE(names) && !found; i++) {
        if (strnlen(names[i].name, len + 1) == len && memcmp(names[i].name, name, len) == 0) {
            *bits |= 1u << names[i].bit;
            found = true;
        }
    }
    return found;
}

/* FEATURES: words separated by '|'; "!word" is required. As libelf, an unknown required
 * feature is fatal and an unknown optional one is ignored. */
static int elf_parse_features(const uint8_t *s, uint64_t len, struct pv_kernel_info *out)
{
    uint64_t start = 0, end;
    const char *name;
    size_t name_len;
    char shown[ELF_NOTE_STR_SIZE];
    bool req;
    int rc = 0;

    len = strnlen((const char *)s, len);
    while (start < len && rc == 0) {
        for (end = start; end < len && s[end] != '|'; end++)
            ;
        req = s[start] == '!';
        name = (const char *)s + start + req;
        name_len = end - start - req;
        if (!elf_feature_set(name, name_len, out->supported_features) && req) {
            elf_copy_str(shown, sizeof(shown), (const uint8_t *)name, name_len);
            elf_warn("FEATURES: unknown required feature '%s'\n", shown);
            rc = -ELF_ENOEXEC;
        } else if (req)
            elf_feature_set(name, name_len, out->required_features);
        start = end + 1;
    }
    return rc;
}

/* Where each string note goes. */
static char *elf_note_string_dst(struct pv_kernel_info *out, unsigned int type, size_t *size)
{
    char *dst = NULL;

    *size = ELF_NOTE_STR_SIZE;
    if (type == XEN_ELFNOTE_XEN_VERSION)
        dst = out->xen_version;
    else if (type == XEN_ELFNOTE_GUEST_OS)
        dst = out->guest_os;
    else if (type == XEN_ELFNOTE_GUEST_VERSION)
        dst = out->guest_version;
    else if (type == XEN_ELFNOTE_LOADER)
        dst = out->loader;
    else if (type == XEN_ELFNOTE_FEATURES) {
        dst = out->features;
        *size = ELF_FEATURES_SIZE;
    }
    return dst;
}

/* Where each numeric note goes. */
static uint64_t *elf_note_number_dst(struct pv_kernel_info *out, unsigned int type)
{
    uint64_t *dst = NULL;

    if (type == XEN_ELFNOTE_ENTRY)
        dst = &out->entry;
    else if (type == XEN_ELFNOTE_HYPERCALL_PAGE)
        dst = &out->hypercall_page;
    else if (type == XEN_ELFNOTE_VIRT_BASE)
        dst = &out->virt_base;
    else if (type == XEN_ELFNOTE_PADDR_OFFSET)
        dst = &out->paddr_offset;
    else if (type == XEN_ELFNOTE_HV_START_LOW)
        dst = &out->hv_start_low;
    else if (type == XEN_ELFNOTE_INIT_P2M)
        dst = &out->init_p2m;
    return dst;
}

/* True if a string note says exactly "yes" (libelf: strcmp(str, "yes") == 0). */
static bool elf_desc_is_yes(const uint8_t *desc, uint64_t descsz)
{
    return descsz >= 3 && memcmp(desc, "yes", 3) == 0 && (descsz == 3 || desc[3] == '\0');
}

/* Notes that are neither a plain string nor a plain number. */
static int elf_store_special_note(unsigned int type, const uint8_t *desc, uint64_t descsz,
                                  struct pv_kernel_info *out)
{
    uint64_t val = 0;
    int rc = 0;

    if (type == XEN_ELFNOTE_PAE_MODE) {
        out->pae_yes = elf_desc_is_yes(desc, descsz);
    } else if (type == XEN_ELFNOTE_MOD_START_PFN) {
        rc = elf_note_number(type, desc, descsz, &val);
        out->unmapped_initrd = val != 0;
    } else if (type == XEN_ELFNOTE_SUPPORTED_FEATURES) {
        /* A u32 bitmap per XENFEAT submap; libelf reads submap 0 only, as here. */
        if (descsz == 0 || descsz % 4) {
            elf_warn("SUPPORTED_FEATURES note of %lu bytes\n", descsz);
            rc = -ELF_EINVAL;
        } else
            out->supported_features[0] |= load_u32(desc);
    } else if (type == XEN_ELFNOTE_BSD_SYMTAB) {
        if (elf_desc_is_yes(desc, descsz)) {
            elf_warn("BSD_SYMTAB (a symbol table loaded after the kernel) is not supported\n");
            rc = -ELF_ENOEXEC;
        }
    }
    return rc;
}

/* One Xen note. As libelf, a later note of a type replaces an earlier one; unknown types
 * (INFO, L1_MFN_VALID, SUSPEND_CANCEL, PHYS32_ENTRY, newer ones) are ignored. */
static int elf_store_note(struct elf_image *im, unsigned int type, const uint8_t *desc,
                          uint64_t descsz, struct pv_kernel_info *out)
{
    uint64_t *num = elf_note_number_dst(out, type);
    size_t str_size;
    char *str = elf_note_string_dst(out, type, &str_size);
    int rc = 0;

    if (num)
        rc = elf_note_number(type, desc, descsz, num);
    else if (str)
        elf_copy_str(str, str_size, desc, descsz);
    else
        rc = elf_store_special_note(type, desc, descsz, out);
    if (rc == 0 && type == XEN_ELFNOTE_FEATURES)
        rc = elf_parse_features(desc, descsz, out);
    if (type < 32)
        im->notes_seen |= 1u << type;
    return rc;
}

/*
 * Reads the notes in image bytes [off, off + len) (already checked to be inside). Name and
 * descriptor are padded to 4 bytes, or to 8 if the segment or section is more than 4-aligned
 * (the heuristic of GNU readelf and newer libelf). Any note running past the area is an error.
 * *nr_xen counts the Xen notes read.
 */
static int elf_parse_note_area(struct elf_image *im, uint64_t off, uint64_t len, uint64_t align,
                               unsigned int *nr_xen, struct pv_kernel_info *out)
{
    const uint8_t *n;
    uint64_t pos = 0, left, namesz, descsz, desc, pad = align > 4 ? 7 : 3;
    int rc = 0;

    while (rc == 0 && len - pos >= NOTE_HDR_SIZE) {
        n = im->p + off + pos;
        left = len - pos;
        namesz = load_u32(n);
        descsz = load_u32(n + 4);
        desc = (NOTE_HDR_SIZE + namesz + pad) & ~pad; /* < 2^33: no overflow */
        if (namesz > left - NOTE_HDR_SIZE || (descsz && (desc > left || descsz > left - desc))) {
            elf_warn("note at offset %#lx (namesz %lu, descsz %lu) runs past its area\n", off + pos,
                     namesz, descsz);
            rc = -ELF_EINVAL;
        } else if (namesz == 4 && memcmp(n + NOTE_HDR_SIZE, "Xen", 4) == 0) {
            /* An empty descriptor may start past the area: point it at the note instead. */
            rc = elf_store_note(im, load_u32(n + 8), descsz ? n + desc : n, descsz, out);
            (*nr_xen)++;
        }
        /* The next note: past the padded descriptor, or the end of the area. */
        desc += (descsz + pad) & ~pad;
        pos = desc >= left ? len : pos + desc;
    }
    return rc;
}

/* Notes in PT_NOTE segments. As libelf, one with p_offset 0 is skipped (old binutils bug). */
static int elf_scan_segment_notes(struct elf_image *im, unsigned int *nr_xen,
                                  struct pv_kernel_info *out)
{
    const uint8_t *ph;
    uint64_t off, len;
    unsigned int i;
    int rc = 0;

    for (i = 0; i < im->phnum && rc == 0; i++) {
        ph = im->p + im->phoff + (uint64_t)i * PHDR_SIZE;
        off = load_u64(ph + P_OFFSET);
        len = load_u64(ph + P_FILESZ);
        if (load_u32(ph + P_TYPE) != PT_NOTE || off == 0)
            continue;
        if (!elf_range_ok(im->size, off, len)) {
            elf_warn("PT_NOTE %u: [%#lx, +%#lx) is outside the image\n", i, off, len);
            rc = -ELF_EINVAL;
        } else
            rc = elf_parse_note_area(im, off, len, load_u64(ph + P_ALIGN), nr_xen, out);
    }
    return rc;
}

/* Notes in SHT_NOTE sections, for images without PT_NOTE (Mini-OS). Section 0 is null. */
static int elf_scan_section_notes(struct elf_image *im, unsigned int *nr_xen,
                                  struct pv_kernel_info *out)
{
    const uint8_t *sh;
    uint64_t off, len;
    unsigned int i;
    int rc = 0;

    for (i = 1; i < im->shnum && rc == 0; i++) {
        sh = im->p + im->shoff + (uint64_t)i * SHDR_SIZE;
        off = load_u64(sh + SH_OFFSET);
        len = load_u64(sh + SH_SIZE);
        if (load_u32(sh + SH_TYPE) != SHT_NOTE)
            continue;
        if (!elf_range_ok(im->size, off, len)) {
            elf_warn("SHT_NOTE section %u: [%#lx, +%#lx) is outside the image\n", i, off, len);
            rc = -ELF_EINVAL;
        } else
            rc = elf_parse_note_area(im, off, len, load_u64(sh + SH_ADDRALIGN), nr_xen, out);
    }
    return rc;
}

/* True if a section is named "__xen_guest" (the pre-3.0 way to give Xen's parameters). */
static bool elf_has_xen_guest_section(const struct elf_image *im)
{
    static const char name[] = "__xen_guest";
    const uint8_t *sh;
    uint64_t str_off = 0, str_len = 0, name_off;
    unsigned int i;
    bool found = false;

    if (im->shstrndx != 0 && im->shstrndx < im->shnum) {
        sh = im->p + im->shoff + (uint64_t)im->shstrndx * SHDR_SIZE;
        str_off = load_u64(sh + SH_OFFSET);
        str_len = load_u64(sh + SH_SIZE);
    }
    if (!elf_range_ok(im->size, str_off, str_len))
        str_len = 0;
    for (i = 1; i < im->shnum && !found; i++) {
        sh = im->p + im->shoff + (uint64_t)i * SHDR_SIZE;
        name_off = load_u32(sh + SH_NAME);
        found = elf_range_ok(str_len, name_off, sizeof(name)) &&
                memcmp(im->p + str_off + name_off, name, sizeof(name)) == 0;
    }
    return found;
}

/* Finds the Xen notes: PT_NOTE first, SHT_NOTE sections only if those had none (libelf). */
static int elf_read_notes(struct elf_image *im, struct pv_kernel_info *out)
{
    unsigned int nr_xen = 0;
    int rc;

    rc = elf_scan_segment_notes(im, &nr_xen, out);
    if (rc == 0 && nr_xen == 0)
        rc = elf_scan_section_notes(im, &nr_xen, out);
    if (rc == 0 && nr_xen == 0) {
        if (elf_has_xen_guest_section(im))
            elf_warn("legacy __xen_guest section is not supported: use Xen ELF notes\n");
        else
            elf_warn("no Xen ELF notes: not a Xen PV kernel\n");
        rc = -ELF_ENOEXEC;
    }
    out->has_xen_notes = nr_xen != 0;
    return rc;
}

/* libelf's elf_xen_note_check: built for the generic loader or Linux, and for Xen 3.0 ABI. */
static int elf_check_loader(const struct pv_kernel_info *out)
{
    int rc = -ELF_ENOEXEC;

    if (strncmp(out->loader, "generic", 7) != 0 && strncmp(out->guest_os, "linux", 5) != 0)
        elf_warn("LOADER '%s' is not 'generic' and GUEST_OS '%s' is not 'linux'\n", out->loader,
                 out->guest_os);
    else if (strncmp(out->xen_version, "xen-3.0", 7) != 0)
        elf_warn("XEN_VERSION '%s' is not 'xen-3.0'\n", out->xen_version);
    else
        rc = 0;
    return rc;
}

/* libelf's elf_xen_addr_calc_check: defaults, then [virt_kstart, virt_kend) and the entry. */
static int elf_calc_addresses(struct elf_image *im, struct pv_kernel_info *out)
{
    uint64_t virt_offset;
    unsigned int i;
    int rc = -ELF_EINVAL;

    /* Unset VIRT_BASE and PADDR_OFFSET are already 0: libelf's defaults with notes. */
    if (!elf_seen(im, XEN_ELFNOTE_ENTRY))
        out->entry = im->e_entry;
    virt_offset = out->virt_base - out->paddr_offset; /* modulo 2^64, as libelf */
    out->virt_kstart = im->pstart + virt_offset;
    out->virt_kend = im->pend + virt_offset;
    for (i = 0; i < out->nr_segs; i++)
        out->segs[i].gpaddr = out->segs[i].paddr + virt_offset - out->virt_base;
    if (elf_seen(im, XEN_ELFNOTE_PADDR_OFFSET) && !elf_seen(im, XEN_ELFNOTE_VIRT_BASE))
        elf_warn("PADDR_OFFSET is set but VIRT_BASE is not\n");
    else if (out->virt_kstart > out->virt_kend)
        elf_warn("kernel range [%#lx, %#lx) wraps 2^64\n", out->virt_kstart, out->virt_kend);
    else if (out->virt_base > out->virt_kstart)
        elf_warn("VIRT_BASE %#lx is above the kernel start %#lx\n", out->virt_base,
                 out->virt_kstart);
    else if (out->entry < out->virt_kstart || out->entry >= out->virt_kend)
        elf_warn("entry %#lx is outside the kernel [%#lx, %#lx)\n", out->entry, out->virt_kstart,
                 out->virt_kend);
    else
        rc = 0;
    return rc;
}

/* The rest of the layout: hypervisor area, canonical form, hypercall page, INIT_P2M. */
static int elf_check_layout(const struct elf_image *im, struct pv_kernel_info *out)
{
    uint64_t start = out->virt_kstart, end = out->virt_kend, hc = out->hypercall_page;
    int rc = -ELF_EINVAL;

    out->has_hypercall_page = elf_seen(im, XEN_ELFNOTE_HYPERCALL_PAGE);
    if (start < VA_HYP_END && end > VA_HYP_START)
        elf_warn("kernel [%#lx, %#lx) overlaps the hypervisor area [%#llx, %#llx)\n", start, end,
                 VA_HYP_START, VA_HYP_END);
    else if (start < VA_HYP_START && end > VA_NONCANON_START)
        elf_warn("kernel [%#lx, %#lx) is not canonical\n", start, end);
    else if (out->has_hypercall_page && !IS_ALIGNED(hc, ELF_PAGE_SIZE))
        elf_warn("hypercall page %#lx is not page-aligned\n", hc);
    else if (out->has_hypercall_page && (hc < start || hc >= end || end - hc < ELF_PAGE_SIZE))
        elf_warn("hypercall page %#lx is outside the kernel [%#lx, %#lx)\n", hc, start, end);
    else if (elf_seen(im, XEN_ELFNOTE_INIT_P2M) && out->init_p2m >= start && out->init_p2m < end)
        elf_warn("INIT_P2M %#lx is inside the kernel [%#lx, %#lx)\n", out->init_p2m, start, end);
    else
        rc = 0;
    return rc;
}

int elf_parse_pv_kernel(const void *image, size_t size, struct pv_kernel_info *out)
{
    struct elf_image im = {.p = image, .size = size};
    int rc;

    ASSERT(out && (image || size == 0));
    memset(out, 0, sizeof(*out));
    rc = elf_check_ident(&im);
    if (rc == 0)
        rc = elf_check_tables(&im);
    if (rc == 0)
        rc = elf_collect_segments(&im, out);
    if (rc == 0)
        rc = elf_read_notes(&im, out);
    if (rc == 0)
        rc = elf_check_loader(out);
    if (rc == 0)
        rc = elf_calc_addresses(&im, out);
    if (rc == 0)
        rc = elf_check_layout(&im, out);
    if (rc != 0)
        memset(out, 0, sizeof(*out));
    return rc;
}

int elf_load_segments(const void *image, size_t size, const struct pv_kernel_info *ki,
                      elf_write_fn write, elf_zero_fn zero, void *ctx)
{
    const struct elf_segment *s;
    unsigned int i;
    int rc = 0;

    ASSERT(image && ki && write && zero);
    if (ki->nr_segs > ELF_MAX_SEGS) {
        elf_warn("load: %u segments\n", ki->nr_segs);
        rc = -ELF_EINVAL;
    }
    for (i = 0; i < ki->nr_segs && rc == 0; i++) {
        s = &ki->segs[i];
        if (!elf_range_ok(size, s->offset, s->filesz) || s->filesz > s->memsz) {
            elf_warn("load: segment %u does not fit the image\n", i);
            rc = -ELF_EINVAL;
        }
        if (rc == 0 && s->filesz)
            rc = write(ctx, s->gpaddr, (const uint8_t *)image + s->offset, s->filesz);
        if (rc == 0 && s->memsz > s->filesz)
            rc = zero(ctx, s->gpaddr + s->filesz, s->memsz - s->filesz);
    }
    return rc;
}
