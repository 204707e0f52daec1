/* test_elf.c - elf_parse_pv_kernel() and elf_load_segments() on built, hostile and real images. */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/elf.h"
#include "elf_image.h"
#include "support.h"

static struct tb_spec spec;
static uint8_t img[TB_SIZE];
static struct pv_kernel_info ki;

/* Parses a copy of image[0, len) in a buffer of exactly len bytes, so ASan sees over-reads. */
static int parse_exact(const uint8_t *image, size_t len, struct pv_kernel_info *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    ck_assert_ptr_nonnull(copy);
    memcpy(copy, image, len);
    rc = elf_parse_pv_kernel(len ? copy : NULL, len, out);
    free(copy);
    return rc;
}

static int build_and_parse(void)
{
    size_t len = tb_build(&spec, img);

    support_reset();
    return parse_exact(img, len, &ki);
}

/* Sets (or adds) an 8-byte numeric note. */
static void set_u64_note(uint32_t type, uint64_t v)
{
    struct tb_note *n = tb_find_note(&spec, type);

    if (!n)
        n = tb_note_u64(&spec, type, v);
    n->descsz = 8;
    memcpy(n->desc, &v, 8);
}

/* ---- good images ---------------------------------------------------------------------- */

START_TEST(test_linux_like)
{
    tb_linux(&spec);
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_str_eq(support_log, "");
    ck_assert_uint_eq(ki.entry, TB_ENTRY);
    ck_assert_uint_eq(ki.virt_base, TB_VIRT_BASE);
    ck_assert_uint_eq(ki.paddr_offset, 0);
    ck_assert(ki.has_hypercall_page);
    ck_assert_uint_eq(ki.hypercall_page, TB_HYPERCALL);
    ck_assert_uint_eq(ki.init_p2m, TB_P2M);
    ck_assert_uint_eq(ki.hv_start_low, 0xffff800000000000ull);
    ck_assert_str_eq(ki.guest_os, "linux");
    ck_assert_str_eq(ki.guest_version, "2.6");
    ck_assert_str_eq(ki.xen_version, "xen-3.0");
    ck_assert_str_eq(ki.loader, "generic");
    ck_assert_str_eq(ki.features, "!writable_page_tables|pae_pgdir_above_4gb");
    /* FEATURES bits 0 and 4, plus SUPPORTED_FEATURES 0x8801. */
    ck_assert_uint_eq(ki.supported_features[0], 0x8801 | 0x11);
    ck_assert_uint_eq(ki.required_features[0], 0x1);
    ck_assert(ki.pae_yes);
    ck_assert(ki.has_xen_notes);
    ck_assert(ki.unmapped_initrd);
    ck_assert_uint_eq(ki.virt_kstart, TB_KSTART);
    ck_assert_uint_eq(ki.virt_kend, TB_KEND);
    ck_assert_uint_eq(ki.nr_segs, 2);
    ck_assert_uint_eq(ki.segs[0].paddr, 0x1000000);
    ck_assert_uint_eq(ki.segs[0].gpaddr, 0x1000000);
    ck_assert_uint_eq(ki.segs[0].vaddr, TB_KSTART);
    ck_assert_uint_eq(ki.segs[0].offset, TB_DATA_OFF);
    ck_assert_uint_eq(ki.segs[0].filesz, 0x1000);
    ck_assert_uint_eq(ki.segs[0].memsz, 0x2000);
    ck_assert_uint_eq(ki.segs[0].flags, TB_PF_R | TB_PF_X);
    ck_assert_uint_eq(ki.segs[1].vaddr, 0);
    ck_assert_uint_eq(ki.segs[1].gpaddr, 0x1002000);
}
END_TEST

START_TEST(test_minios_like_section_notes)
{
    tb_minios(&spec);
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_uint_eq(ki.entry, 0);
    ck_assert_uint_eq(ki.virt_base, 0);
    ck_assert_uint_eq(ki.paddr_offset, 0);
    ck_assert_uint_eq(ki.virt_kstart, 0);
    ck_assert_uint_eq(ki.virt_kend, 0x4000);
    ck_assert_uint_eq(ki.hypercall_page, 0x2000);
    ck_assert(ki.has_hypercall_page);
    ck_assert(!ki.unmapped_initrd);
    ck_assert_uint_eq(ki.init_p2m, 0);
    ck_assert_str_eq(ki.guest_os, "Mini-OS");
    ck_assert_uint_eq(ki.nr_segs, 1);
}
END_TEST

/* libelf skips a PT_NOTE with p_offset 0 (old binutils) and then reads the sections. */
START_TEST(test_pt_note_offset_zero_falls_back_to_sections)
{
    tb_linux(&spec);
    build_and_parse();
    spec.note_ph = -1;
    spec.ph[2].offset = 0;
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_uint_eq(ki.entry, TB_ENTRY);
}
END_TEST

/* A PT_NOTE holding only non-Xen notes does not stop the section fallback. */
START_TEST(test_non_xen_pt_note_then_sections)
{
    tb_linux(&spec);
    tb_build(&spec, img); /* puts the notes' offset into ph[2] */
    spec.note_ph = -1;
    spec.ph[2].filesz = 12 + 4 + 8; /* just the first note, GUEST_OS, renamed: */
    strcpy(spec.notes[0].name, "GNU");
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_str_eq(ki.guest_os, "");
    ck_assert_str_eq(ki.loader, "generic");
    ck_assert_uint_eq(ki.entry, TB_ENTRY);
}
END_TEST

START_TEST(test_eight_byte_note_padding)
{
    tb_linux(&spec);
    spec.note_align = 8;
    spec.ph[2].align = 8;
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_uint_eq(ki.entry, TB_ENTRY);
    ck_assert_str_eq(ki.loader, "generic");
    ck_assert_uint_eq(ki.init_p2m, TB_P2M);
}
END_TEST

START_TEST(test_numeric_sizes)
{
    static const uint8_t one = 0x7f;
    static const uint16_t two = 0x1234;

    tb_linux(&spec);
    tb_find_note(&spec, 15)->descsz = 4; /* INIT_P2M 0x8000000000 cut to 4 bytes: 0 */
    tb_note_raw(&spec, 12, &one, 1);
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_uint_eq(ki.init_p2m, 0);
    ck_assert_uint_eq(ki.hv_start_low, 0x7f);
    tb_note_raw(&spec, 12, &two, 2);
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_uint_eq(ki.hv_start_low, 0x1234);
}
END_TEST

/* Strings are cut to fit and need no NUL; later notes of a type replace earlier ones. */
START_TEST(test_strings_cut_and_replaced)
{
    static const char long_os[40] = "linux-but-a-much-longer-name-than-32-by";
    char features[300];

    tb_linux(&spec);
    tb_note_raw(&spec, 6, long_os, sizeof(long_os)); /* no NUL at all */
    memset(features, 'a', sizeof(features));
    tb_note_raw(&spec, 7, features, 60);
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_uint_eq(strlen(ki.guest_os), ELF_NOTE_STR_SIZE - 1);
    ck_assert(strncmp(ki.guest_os, long_os, ELF_NOTE_STR_SIZE - 1) == 0);
    ck_assert_uint_eq(strlen(ki.guest_version), ELF_NOTE_STR_SIZE - 1);
    /* Control characters never reach the console. */
    tb_note_str(&spec, 7, "2.6\n\x1b[2J\x7f\xff");
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_str_eq(ki.guest_version, "2.6??[2J??");
}
END_TEST

START_TEST(test_ignored_notes_and_segments)
{
    static const uint8_t junk[5] = {1, 2, 3, 4, 5};

    tb_linux(&spec);
    tb_note_raw(&spec, 99, junk, sizeof(junk));          /* unknown Xen type */
    tb_note_raw(&spec, 0x1000001, junk, 3);              /* crash-dump note range */
    strcpy(tb_note_raw(&spec, 1, junk, 3)->name, "GNU"); /* not Xen: 3-byte "ENTRY" ignored */
    tb_note_str(&spec, 0, "info");
    tb_add_ph(&spec, TB_PT_LOAD, 0, TB_DATA_OFF, 0, 0, 0x10, 0x10); /* no R/W/X: not loaded */
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_uint_eq(ki.nr_segs, 2);
    ck_assert_uint_eq(ki.entry, TB_ENTRY);
}
END_TEST

START_TEST(test_sixteen_segments)
{
    tb_linux(&spec);
    spec.nr_ph = 2; /* drop PT_NOTE; notes come from the section */
    spec.note_ph = -1;
    spec.ph[1].memsz = 0x1000;
    for (unsigned int i = 2; i < ELF_MAX_SEGS; i++)
        tb_add_ph(&spec, TB_PT_LOAD, TB_PF_R, TB_DATA_OFF + i * 0x80, 0, 0x1003000 + i * 0x100,
                  0x80, 0x100);
    spec.phnum = (uint16_t)spec.nr_ph;
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_uint_eq(ki.nr_segs, ELF_MAX_SEGS);
    ck_assert_uint_eq(ki.virt_kend, TB_VIRT_BASE + 0x1003000 + 15 * 0x100 + 0x100);
}
END_TEST

/* PADDR_OFFSET = VIRT_BASE (old Linux style: p_paddr holds virtual addresses). */
START_TEST(test_paddr_offset)
{
    tb_linux(&spec);
    set_u64_note(4, TB_VIRT_BASE);
    spec.ph[0].paddr += TB_VIRT_BASE;
    spec.ph[1].paddr += TB_VIRT_BASE;
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_uint_eq(ki.paddr_offset, TB_VIRT_BASE);
    ck_assert_uint_eq(ki.virt_kstart, TB_KSTART);
    ck_assert_uint_eq(ki.segs[0].gpaddr, 0x1000000);
    ck_assert_uint_eq(ki.segs[1].gpaddr, 0x1002000);
}
END_TEST

START_TEST(test_edges_accepted)
{
    tb_linux(&spec);
    tb_del_note(&spec, 2); /* no hypercall page */
    tb_del_note(&spec, 1); /* e_entry, at the very start */
    spec.entry = TB_KSTART;
    tb_find_note(&spec, 10)->descsz = 0; /* empty FEATURES */
    set_u64_note(15, TB_KEND);           /* INIT_P2M just past the kernel */
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert(!ki.has_hypercall_page);
    ck_assert_uint_eq(ki.hypercall_page, 0);
    ck_assert_uint_eq(ki.entry, TB_KSTART);
    ck_assert_uint_eq(ki.supported_features[0], 0x8801);
    ck_assert_uint_eq(ki.required_features[0], 0);
    /* A kernel ending exactly at the top of the lower canonical half. */
    tb_minios(&spec);
    spec.ph[0].paddr = 0x800000000000ull - 0x4000;
    spec.entry = spec.ph[0].paddr;
    set_u64_note(2, spec.ph[0].paddr + 0x3000);
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_uint_eq(ki.virt_kend, 0x800000000000ull);
}
END_TEST

START_TEST(test_required_dom0_reported)
{
    tb_linux(&spec);
    tb_find_note(&spec, 10)->descsz = 0;
    tb_note_str(&spec, 10, "writable_descriptor_tables|!dom0|unknown_optional");
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_uint_eq(ki.required_features[0], 1u << ELF_XENFEAT_DOM0);
    ck_assert_uint_eq(ki.supported_features[0] & 0xfff,
                      (1u << ELF_XENFEAT_DOM0) | (1u << 1) | 0x801);
}
END_TEST

/* ---- hostile images: one mutation each, with the error and the message expected ---------- */

static void m_magic(void)
{
    spec.ident[1] = 'e';
}
static void m_class(void)
{
    spec.ident[4] = 1;
}
static void m_data(void)
{
    spec.ident[5] = 2;
}
static void m_version(void)
{
    spec.ident[6] = 0;
}
static void m_type(void)
{
    spec.type = 3;
}
static void m_machine(void)
{
    spec.machine = 3;
}
static void m_phnum0(void)
{
    spec.phnum = 0;
}
static void m_phentsize(void)
{
    spec.phentsize = 32;
}
static void m_phoff_huge(void)
{
    spec.phoff = UINT64_MAX - 8;
}
static void m_phoff_end(void)
{
    spec.phoff = TB_SIZE - 100;
}
static void m_phnum_max(void)
{
    spec.phnum = 0xffff;
}
static void m_shentsize(void)
{
    spec.shentsize = 40;
}
static void m_shoff(void)
{
    spec.shoff = TB_SH_OFF + 1;
}
static void m_shnum(void)
{
    spec.shnum = 200;
}
static void m_seg_offset(void)
{
    spec.ph[1].offset = TB_SIZE - 0x7ff;
}
static void m_seg_offset_wrap(void)
{
    spec.ph[0].offset = UINT64_MAX - 0xf;
}
static void m_seg_filesz(void)
{
    spec.ph[0].filesz = 0x2001;
    spec.ph[0].memsz = 0x2000;
}
static void m_seg_wrap(void)
{
    spec.ph[1].paddr = UINT64_MAX - 0x1000;
}
static void m_seg_overlap(void)
{
    spec.ph[1].paddr = 0x1001fff;
}
static void m_seg_overlap_inside(void)
{
    spec.ph[1].paddr = 0x1000800;
    spec.ph[1].memsz = 0x800;
}
static void m_no_loadable(void)
{
    spec.ph[0].flags = 0;
    spec.ph[1].type = 6;
}
static void m_ptnote_outside(void)
{
    spec.note_ph = -1;
    spec.ph[2].offset = TB_SIZE;
    spec.ph[2].filesz = 1;
}
static void m_ptnote_wrap(void)
{
    spec.note_ph = -1;
    spec.ph[2].offset = 0x800;
    spec.ph[2].filesz = UINT64_MAX;
}
static void m_note_namesz(void)
{
    tb_note_str(&spec, 0, "x")->namesz_field = 0x100000;
}
static void m_note_namesz_max(void)
{
    tb_note_str(&spec, 0, "x")->namesz_field = 0xffffffffu;
}
static void m_note_name_past(void) /* a first note whose name lies past its PT_NOTE */
{
    memmove(&spec.notes[1], &spec.notes[0], spec.nr_notes++ * sizeof(spec.notes[0]));
    memset(&spec.notes[0], 0, sizeof(spec.notes[0]));
    strcpy(spec.notes[0].name, "Xen");
    tb_build(&spec, img);
    spec.note_ph = -1;
    spec.ph[2].filesz = 12;
}
static void m_note_descsz(void)
{
    tb_note_str(&spec, 0, "x")->descsz_field = 0x1000;
}
static void m_note_descsz_max(void)
{
    tb_note_str(&spec, 0, "x")->descsz_field = 0xffffffffu;
}
static void m_note_numeric_3(void)
{
    tb_find_note(&spec, 3)->descsz = 3;
}
static void m_note_numeric_16(void)
{
    tb_find_note(&spec, 1)->descsz = 16;
}
static void m_supported_3(void)
{
    tb_find_note(&spec, 17)->descsz = 3;
}
static void m_section_outside(void)
{
    spec.nr_ph = spec.phnum = 2;
    spec.note_ph = -1;
    spec.note_sh_manual = true;
    spec.sh_off = TB_SIZE - 4;
    spec.sh_size = 8;
}
static void m_no_xen_notes(void)
{
    for (unsigned int i = 0; i < spec.nr_notes; i++)
        strcpy(spec.notes[i].name, "Xem");
}
static void m_xen_guest(void)
{
    m_no_xen_notes();
    strcpy(spec.note_sh_name, "__xen_guest");
    spec.note_sh_type = 1; /* PROGBITS */
}
static void m_loader(void)
{
    tb_note_str(&spec, 8, "elsewhere");
    tb_note_str(&spec, 6, "NetBSD");
}
static void m_xen_version(void)
{
    tb_note_str(&spec, 5, "xen-2.0");
}
static void m_xen_version_none(void)
{
    tb_del_note(&spec, 5);
}
static void m_feature(void)
{
    tb_note_str(&spec, 10, "pae_pgdir_above_4gb|!flying");
}
static void m_feature_bang(void)
{
    tb_note_str(&spec, 10, "!|x");
}
static void m_feature_ctrl(void)
{
    tb_note_str(&spec, 10, "!\x1b[2Jevil\n");
}
static void m_bsd_symtab(void)
{
    tb_note_str(&spec, 11, "yes");
}
static void m_paddr_no_virt(void)
{
    tb_del_note(&spec, 3);
}
static void m_entry_low(void)
{
    set_u64_note(1, TB_KSTART - 1);
}
static void m_entry_end(void)
{
    set_u64_note(1, TB_KEND);
}
static void m_entry_e_entry(void)
{
    tb_del_note(&spec, 1);
}
static void m_virt_base_high(void)
{
    set_u64_note(4, 0x2000000);
} /* PADDR_OFFSET > pstart */
static void m_kernel_wraps(void)
{
    set_u64_note(3, 0xfffffffffeffe000ull); /* kstart 2^64 - 0x2000, kend wraps */
    set_u64_note(1, 0xffffffffffffe000ull);
}
static void m_hyp_area(void)
{
    set_u64_note(3, 0xffff800000000000ull - 0x1000000);
    set_u64_note(1, 0xffff800000000000ull);
    set_u64_note(2, 0xffff800000001000ull);
}
static void m_hyp_area_end(void)
{
    set_u64_note(3, 0xffff880000000000ull - 0x1001000); /* last page inside the area */
    set_u64_note(1, 0xffff880000000000ull - 0x1000);
    tb_del_note(&spec, 2);
}
static void m_noncanonical(void)
{
    set_u64_note(3, 0x800000000000ull - 0x1001000); /* crosses the top of the lower half */
    set_u64_note(1, 0x800000000000ull - 0x1000);
    tb_del_note(&spec, 2);
}
static void m_hypercall_unaligned(void)
{
    set_u64_note(2, TB_HYPERCALL + 8);
}
static void m_hypercall_low(void)
{
    set_u64_note(2, TB_KSTART - 0x1000);
}
static void m_hypercall_end(void)
{
    set_u64_note(2, TB_KEND);
}
static void m_hypercall_partial(void)
{
    spec.ph[1].memsz = 0x2800; /* kend = TB_KEND - 0x800 */
    set_u64_note(2, TB_KEND - 0x1000);
}
static void m_p2m_inside(void)
{
    set_u64_note(15, TB_KSTART + 0x2000);
}
static void m_p2m_zero(void)
{
    set_u64_note(15, 0);
} /* on Mini-OS, VA 0 is the kernel */

struct hostile {
    const char *what;
    void (*base)(struct tb_spec *);
    void (*mutate)(void);
    int err;
    const char *msg;
};

static const struct hostile hostile[] = {
    {"magic", tb_linux, m_magic, -ELF_ENOEXEC, "elf: bad magic"},
    {"class", tb_linux, m_class, -ELF_ENOEXEC, "ELF class 1 is not ELFCLASS64"},
    {"data", tb_linux, m_data, -ELF_ENOEXEC, "not little-endian"},
    {"version", tb_linux, m_version, -ELF_ENOEXEC, "ELF version 0"},
    {"type", tb_linux, m_type, -ELF_ENOEXEC, "ELF type 3 is not ET_EXEC"},
    {"machine", tb_linux, m_machine, -ELF_ENOEXEC, "machine 3 is not x86-64"},
    {"phnum 0", tb_linux, m_phnum0, -ELF_EINVAL, "no program headers"},
    {"phentsize", tb_linux, m_phentsize, -ELF_EINVAL, "program header size 32"},
    {"phoff huge", tb_linux, m_phoff_huge, -ELF_EINVAL, "program header table"},
    {"phoff end", tb_linux, m_phoff_end, -ELF_EINVAL, "program header table"},
    {"phnum max", tb_linux, m_phnum_max, -ELF_EINVAL, "program header table"},
    {"shentsize", tb_linux, m_shentsize, -ELF_EINVAL, "section header size 40"},
    {"shoff", tb_linux, m_shoff, -ELF_EINVAL, "section header table"},
    {"shnum", tb_linux, m_shnum, -ELF_EINVAL, "section header table"},
    {"seg offset", tb_linux, m_seg_offset, -ELF_EINVAL, "PT_LOAD 1: file bytes"},
    {"seg offset wrap", tb_linux, m_seg_offset_wrap, -ELF_EINVAL, "PT_LOAD 0: file bytes"},
    {"filesz > memsz", tb_linux, m_seg_filesz, -ELF_EINVAL, "filesz 0x2001 > memsz 0x2000"},
    {"seg wraps", tb_linux, m_seg_wrap, -ELF_EINVAL, "PT_LOAD 1: [0xffffffffffffefff"},
    {"overlap", tb_linux, m_seg_overlap, -ELF_EINVAL, "overlap"},
    {"overlap inside", tb_linux, m_seg_overlap_inside, -ELF_EINVAL, "overlap"},
    {"no loadable", tb_linux, m_no_loadable, -ELF_EINVAL, "no loadable PT_LOAD"},
    {"PT_NOTE outside", tb_linux, m_ptnote_outside, -ELF_EINVAL, "PT_NOTE 2:"},
    {"PT_NOTE wraps", tb_linux, m_ptnote_wrap, -ELF_EINVAL, "PT_NOTE 2:"},
    {"note namesz", tb_linux, m_note_namesz, -ELF_EINVAL, "runs past its area"},
    {"note namesz max", tb_linux, m_note_namesz_max, -ELF_EINVAL, "runs past its area"},
    {"note name past", tb_linux, m_note_name_past, -ELF_EINVAL, "(namesz 4, descsz 0) runs past"},
    {"note descsz", tb_linux, m_note_descsz, -ELF_EINVAL, "descsz 4096) runs past"},
    {"note descsz max", tb_linux, m_note_descsz_max, -ELF_EINVAL, "runs past its area"},
    {"numeric 3 bytes", tb_linux, m_note_numeric_3, -ELF_EINVAL,
     "Xen note 3: numeric value of 3 bytes"},
    {"numeric 16 bytes", tb_linux, m_note_numeric_16, -ELF_EINVAL, "numeric value of 16"},
    {"supported 3 bytes", tb_linux, m_supported_3, -ELF_EINVAL, "SUPPORTED_FEATURES note of 3"},
    {"SHT_NOTE outside", tb_linux, m_section_outside, -ELF_EINVAL, "SHT_NOTE section 1:"},
    {"no Xen notes", tb_linux, m_no_xen_notes, -ELF_ENOEXEC, "no Xen ELF notes"},
    {"__xen_guest", tb_linux, m_xen_guest, -ELF_ENOEXEC, "__xen_guest section is not supported"},
    {"loader", tb_linux, m_loader, -ELF_ENOEXEC,
     "LOADER 'elsewhere' is not 'generic' and GUEST_OS 'NetBSD'"},
    {"xen version", tb_linux, m_xen_version, -ELF_ENOEXEC, "XEN_VERSION 'xen-2.0'"},
    {"xen version none", tb_linux, m_xen_version_none, -ELF_ENOEXEC, "XEN_VERSION ''"},
    {"feature", tb_linux, m_feature, -ELF_ENOEXEC, "unknown required feature 'flying'"},
    {"feature bang", tb_linux, m_feature_bang, -ELF_ENOEXEC, "unknown required feature ''"},
    {"feature ctrl", tb_linux, m_feature_ctrl, -ELF_ENOEXEC,
     "unknown required feature '?[2Jevil?'"},
    {"bsd symtab", tb_linux, m_bsd_symtab, -ELF_ENOEXEC, "BSD_SYMTAB"},
    {"paddr no virt", tb_linux, m_paddr_no_virt, -ELF_EINVAL,
     "PADDR_OFFSET is set but VIRT_BASE is not"},
    {"entry low", tb_linux, m_entry_low, -ELF_EINVAL, "entry 0xffffffff80ffffff is outside"},
    {"entry at end", tb_linux, m_entry_end, -ELF_EINVAL, "entry 0xffffffff81005000 is outside"},
    {"e_entry", tb_linux, m_entry_e_entry, -ELF_EINVAL, "entry 0x1000000 is outside"},
    {"virt base high", tb_linux, m_virt_base_high, -ELF_EINVAL,
     "VIRT_BASE 0xffffffff80000000 is above the kernel start 0xffffffff7f000000"},
    {"kernel wraps", tb_linux, m_kernel_wraps, -ELF_EINVAL, "wraps 2^64"},
    {"hypervisor area", tb_linux, m_hyp_area, -ELF_EINVAL, "overlaps the hypervisor area"},
    {"hypervisor area end", tb_linux, m_hyp_area_end, -ELF_EINVAL, "overlaps the hypervisor area"},
    {"non-canonical", tb_linux, m_noncanonical, -ELF_EINVAL, "is not canonical"},
    {"hypercall unaligned", tb_linux, m_hypercall_unaligned, -ELF_EINVAL,
     "hypercall page 0xffffffff81001008 is not page-aligned"},
    {"hypercall low", tb_linux, m_hypercall_low, -ELF_EINVAL,
     "hypercall page 0xffffffff80fff000 is outside"},
    {"hypercall end", tb_linux, m_hypercall_end, -ELF_EINVAL,
     "hypercall page 0xffffffff81005000 is outside"},
    {"hypercall partial", tb_linux, m_hypercall_partial, -ELF_EINVAL,
     "hypercall page 0xffffffff81004000 is outside"},
    {"p2m inside", tb_linux, m_p2m_inside, -ELF_EINVAL, "INIT_P2M 0xffffffff81002000 is inside"},
    {"p2m zero, kernel at 0", tb_minios, m_p2m_zero, -ELF_EINVAL, "INIT_P2M 0 is inside"},
    {"minios no notes", tb_minios, m_no_xen_notes, -ELF_ENOEXEC, "no Xen ELF notes"},
};

START_TEST(test_hostile)
{
    const struct hostile *h = &hostile[_i];
    int rc;

    h->base(&spec);
    h->mutate();
    rc = build_and_parse();
    ck_assert_msg(rc == h->err, "%s: rc %d, want %d; log: %s", h->what, rc, h->err, support_log);
    ck_assert_msg(support_log_has(h->msg), "%s: want '%s' in log: %s", h->what, h->msg,
                  support_log);
    ck_assert_msg(strncmp(support_log, "<1>elf: ", 8) == 0, "%s: log: %s", h->what, support_log);
    ck_assert_msg(strchr(support_log, '\n') == support_log + strlen(support_log) - 1,
                  "%s: want one line: %s", h->what, support_log);
    /* On failure the result is all zeroes. */
    for (size_t i = 0; i < sizeof(ki); i++)
        ck_assert_msg(((const uint8_t *)&ki)[i] == 0, "%s: ki byte %zu set", h->what, i);
}
END_TEST

START_TEST(test_too_many_segments)
{
    tb_linux(&spec);
    spec.nr_ph = 2;
    spec.note_ph = -1;
    spec.ph[1].memsz = 0x1000;
    for (unsigned int i = 2; i <= ELF_MAX_SEGS; i++)
        tb_add_ph(&spec, TB_PT_LOAD, TB_PF_W, TB_DATA_OFF, 0, 0x1003000 + i * 0x100, 0x80, 0x100);
    ck_assert_int_eq(build_and_parse(), -ELF_E2BIG);
    ck_assert(support_log_has("more than 16 loadable PT_LOAD segments"));
}
END_TEST

START_TEST(test_null_and_tiny)
{
    support_reset();
    ck_assert_int_eq(elf_parse_pv_kernel(NULL, 0, &ki), -ELF_ENOEXEC);
    ck_assert(support_log_has("0 bytes is smaller than an ELF64 header"));
}
END_TEST

/* Every proper prefix of valid images must fail cleanly (ASan guards the reads). */
START_TEST(test_every_truncation_fails)
{
    void (*bases[])(struct tb_spec *) = {tb_linux, tb_minios};

    for (unsigned int b = 0; b < 2; b++) {
        bases[b](&spec);
        size_t len = tb_build(&spec, img);

        for (size_t cut = 0; cut < len; cut++) {
            support_reset();
            ck_assert_msg(parse_exact(img, cut, &ki) < 0, "base %u cut at %zu parsed", b, cut);
        }
        ck_assert_int_eq(parse_exact(img, len, &ki), 0);
    }
}
END_TEST

/* Each byte of the headers and notes, flipped, must give 0 or a clean error, never a fault. */
START_TEST(test_every_byte_flip_is_safe)
{
    tb_linux(&spec);
    size_t len = tb_build(&spec, img);
    static const uint8_t flips[] = {0x01, 0x80, 0xff};

    for (size_t i = 0; i < TB_DATA_OFF; i++) {
        for (unsigned int f = 0; f < sizeof(flips); f++) {
            img[i] ^= flips[f];
            support_reset();
            int rc = parse_exact(img, len, &ki);
            ck_assert(rc == 0 || rc == -ELF_EINVAL || rc == -ELF_ENOEXEC || rc == -ELF_E2BIG);
            ck_assert(rc == 0 || support_log_has("elf: "));
            img[i] ^= flips[f];
        }
    }
}
END_TEST

/* ---- loading ---------------------------------------------------------------------------- */

#define GUEST_MEM 0x1008000u
struct fake_guest {
    uint8_t *mem; /* GUEST_MEM bytes of pseudo-physical memory */
    unsigned int writes, zeroes;
    int fail_at; /* call number that returns -ELF_ENOMEM, or -1 */
};

static int fake_write(void *ctx, uint64_t gpaddr, const void *src, size_t len)
{
    struct fake_guest *g = ctx;

    ck_assert(gpaddr <= GUEST_MEM && len <= GUEST_MEM - gpaddr);
    if ((int)(g->writes + g->zeroes) == g->fail_at)
        return -ELF_ENOMEM;
    memcpy(g->mem + gpaddr, src, len);
    g->writes++;
    return 0;
}

static int fake_zero(void *ctx, uint64_t gpaddr, size_t len)
{
    struct fake_guest *g = ctx;

    ck_assert(gpaddr <= GUEST_MEM && len <= GUEST_MEM - gpaddr);
    if ((int)(g->writes + g->zeroes) == g->fail_at)
        return -ELF_ENOMEM;
    memset(g->mem + gpaddr, 0, len);
    g->zeroes++;
    return 0;
}

START_TEST(test_load_segments)
{
    struct fake_guest g = {.mem = malloc(GUEST_MEM), .fail_at = -1};

    ck_assert_ptr_nonnull(g.mem);
    memset(g.mem, 0xcc, GUEST_MEM);
    tb_linux(&spec);
    ck_assert_int_eq(build_and_parse(), 0);
    ck_assert_int_eq(elf_load_segments(img, TB_SIZE, &ki, fake_write, fake_zero, &g), 0);
    ck_assert_uint_eq(g.writes, 2);
    ck_assert_uint_eq(g.zeroes, 2);
    ck_assert_mem_eq(g.mem + 0x1000000, img + TB_DATA_OFF, 0x1000);
    ck_assert_mem_eq(g.mem + 0x1002000, img + TB_DATA_OFF + 0x1000, 0x800);
    for (uint32_t a = 0x1001000; a < 0x1002000; a++)
        ck_assert_uint_eq(g.mem[a], 0);
    for (uint32_t a = 0x1002800; a < 0x1005000; a++)
        ck_assert_uint_eq(g.mem[a], 0);
    ck_assert_uint_eq(g.mem[0xffffff], 0xcc);
    ck_assert_uint_eq(g.mem[0x1005000], 0xcc);
    /* A callback's error stops the load and is returned. */
    g.writes = g.zeroes = 0;
    g.fail_at = 2;
    ck_assert_int_eq(elf_load_segments(img, TB_SIZE, &ki, fake_write, fake_zero, &g), -ELF_ENOMEM);
    ck_assert_uint_eq(g.writes + g.zeroes, 2);
    /* A result that does not fit the image is refused before any copy. */
    g.writes = g.zeroes = 0;
    g.fail_at = -1;
    support_reset();
    ck_assert_int_eq(elf_load_segments(img, 0x1800, &ki, fake_write, fake_zero, &g), -ELF_EINVAL);
    ck_assert_uint_eq(g.writes + g.zeroes, 0); /* segment 0 is [0x1000, 0x2000) */
    ck_assert(support_log_has("load: segment 0 does not fit the image"));
    free(g.mem);
}
END_TEST

/* ---- real kernels ----------------------------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)n;
    }
    if (f)
        fclose(f);
    return buf;
}

/* Callbacks that only check each range lies inside [virt_kstart, virt_kend) - virt_base. */
static void check_in_kernel(const struct pv_kernel_info *k, uint64_t gpaddr, size_t len)
{
    uint64_t lo = k->virt_kstart - k->virt_base, hi = k->virt_kend - k->virt_base;

    ck_assert(gpaddr >= lo && gpaddr <= hi && len <= hi - gpaddr && len > 0);
}

static int count_write(void *ctx, uint64_t gpaddr, const void *src, size_t len)
{
    check_in_kernel(ctx, gpaddr, len);
    (void)src;
    return 0;
}

static int count_zero(void *ctx, uint64_t gpaddr, size_t len)
{
    check_in_kernel(ctx, gpaddr, len);
    return 0;
}

/* build/guests/ holds the PV test kernels when they are built; without them this is a no-op. */
START_TEST(test_real_guest_kernels)
{
    glob_t g;
    size_t len = 0;
    unsigned int parsed = 0;

    if (glob("build/guests/*.elf", 0, NULL, &g) != 0) {
        fprintf(stderr, "test_elf: no build/guests/*.elf, real-kernel check skipped\n");
        return;
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        uint8_t *buf = read_file(g.gl_pathv[i], &len);

        ck_assert_ptr_nonnull(buf);
        support_reset();
        int rc = elf_parse_pv_kernel(buf, len, &ki);
        ck_assert_msg(rc == 0, "%s: rc %d: %s", g.gl_pathv[i], rc, support_log);
        ck_assert(ki.nr_segs >= 1);
        ck_assert(ki.entry >= ki.virt_kstart && ki.entry < ki.virt_kend);
        ck_assert_int_eq(elf_load_segments(buf, len, &ki, count_write, count_zero, &ki), 0);
        free(buf);
        parsed++;
    }
    fprintf(stderr, "test_elf: parsed %u real guest kernel(s)\n", parsed);
    globfree(&g);
}
END_TEST

static Suite *elf_suite(void)
{
    Suite *s = suite_create("elf");
    TCase *good = tcase_create("good");
    TCase *bad = tcase_create("hostile");
    TCase *load = tcase_create("load");

    tcase_add_test(good, test_linux_like);
    tcase_add_test(good, test_minios_like_section_notes);
    tcase_add_test(good, test_pt_note_offset_zero_falls_back_to_sections);
    tcase_add_test(good, test_non_xen_pt_note_then_sections);
    tcase_add_test(good, test_eight_byte_note_padding);
    tcase_add_test(good, test_numeric_sizes);
    tcase_add_test(good, test_strings_cut_and_replaced);
    tcase_add_test(good, test_ignored_notes_and_segments);
    tcase_add_test(good, test_sixteen_segments);
    tcase_add_test(good, test_paddr_offset);
    tcase_add_test(good, test_edges_accepted);
    tcase_add_test(good, test_required_dom0_reported);
    tcase_add_test(good, test_real_guest_kernels);
    suite_add_tcase(s, good);
    tcase_add_loop_test(bad, test_hostile, 0, sizeof(hostile) / sizeof(hostile[0]));
    tcase_add_test(bad, test_too_many_segments);
    tcase_add_test(bad, test_null_and_tiny);
    tcase_add_test(bad, test_every_truncation_fails);
    tcase_add_test(bad, test_every_byte_flip_is_safe);
    suite_add_tcase(s, bad);
    tcase_add_test(load, test_load_segments);
    suite_add_tcase(s, load);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(elf_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
