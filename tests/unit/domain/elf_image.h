/* elf_image.h - builds PV kernel ELF images in memory for test_elf.c and fuzz_elf.c. */
#ifndef TESTS_UNIT_DOMAIN_ELF_IMAGE_H
#define TESTS_UNIT_DOMAIN_ELF_IMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * Layout of every built image (written here from the ELF64 gABI, independently of elf.c):
 *   [0, 0x40) ELF header; [0x40, ...) program headers; [TB_NOTE_OFF, ...) notes;
 *   [TB_DATA_OFF, TB_STRTAB_OFF) segment bytes (a known pattern); [TB_STRTAB_OFF, ...) the
 *   section name table; [TB_SH_OFF, TB_SIZE) three section headers: null, notes, .shstrtab.
 * The section headers end the image, so cutting any byte off must make the parse fail.
 */
#define TB_NOTE_OFF 0x800u
#define TB_DATA_OFF 0x1000u
#define TB_STRTAB_OFF 0x2f00u
#define TB_SH_OFF 0x3000u
#define TB_NR_SECTIONS 3u
#define TB_SIZE (TB_SH_OFF + TB_NR_SECTIONS * 64u)
#define TB_MAX_PH 24
#define TB_MAX_NOTES 32

#define TB_PT_LOAD 1u
#define TB_PT_NOTE 4u
#define TB_PF_X 1u
#define TB_PF_W 2u
#define TB_PF_R 4u
#define TB_SHT_NOTE 7u
#define TB_SHT_STRTAB 3u

/* The default image: Linux-like (VIRT_BASE 0xffffffff80000000, PADDR_OFFSET 0). */
#define TB_VIRT_BASE 0xffffffff80000000ull
#define TB_KSTART 0xffffffff81000000ull
#define TB_KEND 0xffffffff81005000ull
#define TB_ENTRY (TB_KSTART + 0x100)
#define TB_HYPERCALL (TB_KSTART + 0x1000)
#define TB_P2M 0x8000000000ull

struct tb_note {
    char name[8];
    uint32_t type;
    uint32_t descsz;
    uint8_t desc[72];
    uint32_t namesz_field; /* written instead of strlen(name) + 1 if non-zero */
    uint32_t descsz_field; /* written instead of descsz if non-zero */
};

struct tb_ph {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct tb_spec {
    uint8_t ident[16];
    uint16_t type, machine, phentsize, shentsize, phnum, shnum, shstrndx;
    uint64_t entry, phoff, shoff;
    struct tb_ph ph[TB_MAX_PH];
    unsigned int nr_ph;
    int note_ph;             /* program header given the notes' offset and size, or -1 */
    unsigned int note_align; /* padding of names and descriptors: 4 or 8 */
    uint32_t note_sh_type;
    char note_sh_name[16];
    bool note_sh_manual; /* leave section 1's offset and size as in sh_off/sh_size */
    uint64_t sh_off, sh_size;
    struct tb_note notes[TB_MAX_NOTES];
    unsigned int nr_notes;
};

static inline void tb_put16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}
static inline void tb_put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}
static inline void tb_put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static inline struct tb_note *tb_note_raw(struct tb_spec *s, uint32_t type, const void *desc,
                                          uint32_t descsz)
{
    struct tb_note *n = &s->notes[s->nr_notes++];

    memset(n, 0, sizeof(*n));
    strcpy(n->name, "Xen");
    n->type = type;
    n->descsz = descsz;
    memcpy(n->desc, desc, descsz);
    return n;
}

static inline struct tb_note *tb_note_str(struct tb_spec *s, uint32_t type, const char *str)
{
    return tb_note_raw(s, type, str, (uint32_t)strlen(str) + 1);
}

static inline struct tb_note *tb_note_u64(struct tb_spec *s, uint32_t type, uint64_t v)
{
    return tb_note_raw(s, type, &v, 8);
}

static inline struct tb_note *tb_note_u32(struct tb_spec *s, uint32_t type, uint32_t v)
{
    return tb_note_raw(s, type, &v, 4);
}

/* Finds the last note of a type, or NULL. */
static inline struct tb_note *tb_find_note(struct tb_spec *s, uint32_t type)
{
    struct tb_note *found = NULL;

    for (unsigned int i = 0; i < s->nr_notes; i++)
        if (s->notes[i].type == type)
            found = &s->notes[i];
    return found;
}

static inline void tb_del_note(struct tb_spec *s, uint32_t type)
{
    unsigned int j = 0;

    for (unsigned int i = 0; i < s->nr_notes; i++)
        if (s->notes[i].type != type)
            s->notes[j++] = s->notes[i];
    s->nr_notes = j;
}

static inline struct tb_ph *tb_add_ph(struct tb_spec *s, uint32_t type, uint32_t flags,
                                      uint64_t offset, uint64_t vaddr, uint64_t paddr,
                                      uint64_t filesz, uint64_t memsz)
{
    struct tb_ph *p = &s->ph[s->nr_ph++];

    *p = (struct tb_ph){type, flags, offset, vaddr, paddr, filesz, memsz, 0x1000};
    s->phnum = (uint16_t)s->nr_ph;
    return p;
}

/* The headers and layout common to every image, with no segments and no notes. */
static inline void tb_init(struct tb_spec *s)
{
    static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};

    memset(s, 0, sizeof(*s));
    memcpy(s->ident, ident, sizeof(ident));
    s->type = 2;     /* ET_EXEC */
    s->machine = 62; /* EM_X86_64 */
    s->phentsize = 56;
    s->shentsize = 64;
    s->phoff = 64;
    s->shoff = TB_SH_OFF;
    s->shnum = TB_NR_SECTIONS;
    s->shstrndx = 2;
    s->note_ph = -1;
    s->note_align = 4;
    s->note_sh_type = TB_SHT_NOTE;
    strcpy(s->note_sh_name, ".note.Xen");
}

/* A Linux 6.1-like kernel: text, a data segment with p_vaddr 0 (.data..percpu), notes. */
static inline void tb_linux(struct tb_spec *s)
{
    static const uint8_t l1_mfn_valid[16] = {1, 0, 0, 0, 0, 0, 0, 0, 1};

    tb_init(s);
    s->entry = 0x1000000;
    tb_add_ph(s, TB_PT_LOAD, TB_PF_R | TB_PF_X, TB_DATA_OFF, TB_KSTART, 0x1000000, 0x1000, 0x2000);
    tb_add_ph(s, TB_PT_LOAD, TB_PF_R | TB_PF_W, TB_DATA_OFF + 0x1000, 0, 0x1002000, 0x800, 0x3000);
    tb_add_ph(s, TB_PT_NOTE, TB_PF_R, 0, 0, 0, 0, 0)->align = 4;
    s->note_ph = 2;
    tb_note_str(s, 6, "linux");
    tb_note_str(s, 7, "2.6");
    tb_note_str(s, 5, "xen-3.0");
    tb_note_u64(s, 3, TB_VIRT_BASE);
    tb_note_u64(s, 1, TB_ENTRY);
    tb_note_u64(s, 2, TB_HYPERCALL);
    tb_note_str(s, 10, "!writable_page_tables|pae_pgdir_above_4gb");
    tb_note_u32(s, 17, 0x8801);
    tb_note_str(s, 9, "yes");
    tb_note_str(s, 8, "generic");
    tb_note_raw(s, 13, l1_mfn_valid, sizeof(l1_mfn_valid));
    tb_note_u32(s, 14, 1);
    tb_note_u64(s, 12, 0xffff800000000000ull);
    tb_note_u64(s, 4, 0);
    tb_note_u64(s, 15, TB_P2M);
    tb_note_u32(s, 16, 1);
    tb_note_u32(s, 18, 0x1000850);
}

/* A Mini-OS-like kernel: linked at 0, notes only in a section, no VIRT_BASE, e_entry used. */
static inline void tb_minios(struct tb_spec *s)
{
    tb_init(s);
    s->entry = 0;
    tb_add_ph(s, TB_PT_LOAD, TB_PF_R | TB_PF_X | TB_PF_W, TB_DATA_OFF, 0, 0, 0x1800, 0x4000);
    tb_note_str(s, 6, "Mini-OS");
    tb_note_str(s, 8, "generic");
    tb_note_str(s, 5, "xen-3.0");
    tb_note_u64(s, 2, 0x2000);
}

static inline size_t tb_pad(size_t n, unsigned int align)
{
    return (n + align - 1) & ~(size_t)(align - 1);
}

/* Writes the notes at TB_NOTE_OFF; returns their length. */
static inline size_t tb_write_notes(const struct tb_spec *s, uint8_t *img)
{
    size_t pos = TB_NOTE_OFF;

    for (unsigned int i = 0; i < s->nr_notes; i++) {
        const struct tb_note *n = &s->notes[i];
        uint32_t namesz = (uint32_t)strlen(n->name) + 1;

        tb_put32(img + pos, n->namesz_field ? n->namesz_field : namesz);
        tb_put32(img + pos + 4, n->descsz_field ? n->descsz_field : n->descsz);
        tb_put32(img + pos + 8, n->type);
        memcpy(img + pos + 12, n->name, namesz);
        pos = TB_NOTE_OFF + tb_pad(pos - TB_NOTE_OFF + 12 + namesz, s->note_align);
        memcpy(img + pos, n->desc, n->descsz);
        pos = TB_NOTE_OFF + tb_pad(pos - TB_NOTE_OFF + n->descsz, s->note_align);
    }
    return pos - TB_NOTE_OFF;
}

static inline void tb_write_section(uint8_t *sh, uint32_t name, uint32_t type, uint64_t off,
                                    uint64_t size, uint64_t align)
{
    tb_put32(sh, name);
    tb_put32(sh + 4, type);
    tb_put64(sh + 24, off);
    tb_put64(sh + 32, size);
    tb_put64(sh + 48, align);
}

/* Builds the image into img[TB_SIZE]; returns TB_SIZE. */
static inline size_t tb_build(struct tb_spec *s, uint8_t *img)
{
    size_t notes_len, name_len = strlen(s->note_sh_name);

    memset(img, 0, TB_SIZE);
    for (size_t i = TB_DATA_OFF; i < TB_STRTAB_OFF; i++)
        img[i] = (uint8_t)(i * 7 + 3);
    notes_len = tb_write_notes(s, img);
    if (s->note_ph >= 0) {
        s->ph[s->note_ph].offset = TB_NOTE_OFF;
        s->ph[s->note_ph].filesz = notes_len;
    }
    memcpy(img, s->ident, 16);
    tb_put16(img + 16, s->type);
    tb_put16(img + 18, s->machine);
    tb_put32(img + 20, 1);
    tb_put64(img + 24, s->entry);
    tb_put64(img + 32, s->phoff);
    tb_put64(img + 40, s->shoff);
    tb_put16(img + 52, 64);
    tb_put16(img + 54, s->phentsize);
    tb_put16(img + 56, s->phnum);
    tb_put16(img + 58, s->shentsize);
    tb_put16(img + 60, s->shnum);
    tb_put16(img + 62, s->shstrndx);
    for (unsigned int i = 0; i < s->nr_ph && 64 + (i + 1) * 56 <= TB_NOTE_OFF; i++) {
        uint8_t *p = img + 64 + i * 56;

        tb_put32(p, s->ph[i].type);
        tb_put32(p + 4, s->ph[i].flags);
        tb_put64(p + 8, s->ph[i].offset);
        tb_put64(p + 16, s->ph[i].vaddr);
        tb_put64(p + 24, s->ph[i].paddr);
        tb_put64(p + 32, s->ph[i].filesz);
        tb_put64(p + 40, s->ph[i].memsz);
        tb_put64(p + 48, s->ph[i].align);
    }
    /* .shstrtab: "\0<note section name>\0.shstrtab\0" */
    memcpy(img + TB_STRTAB_OFF + 1, s->note_sh_name, name_len + 1);
    memcpy(img + TB_STRTAB_OFF + 2 + name_len, ".shstrtab", 10);
    if (!s->note_sh_manual) {
        s->sh_off = TB_NOTE_OFF;
        s->sh_size = notes_len;
    }
    tb_write_section(img + TB_SH_OFF + 64, 1, s->note_sh_type, s->sh_off, s->sh_size,
                     s->note_align);
    tb_write_section(img + TB_SH_OFF + 128, (uint32_t)(2 + name_len), TB_SHT_STRTAB, TB_STRTAB_OFF,
                     12 + name_len, 1);
    return TB_SIZE;
}

#endif /* TESTS_UNIT_DOMAIN_ELF_IMAGE_H */
