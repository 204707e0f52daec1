/* fuzz_elf.c - libFuzzer harness for elf_parse_pv_kernel() and elf_load_segments(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/elf.h"
#include "elf_image.h"
#include "support.h"

/*
 * Input byte 0 picks a mode. Odd: the rest is the image, as is. Even: the rest is a list of
 * 3-byte patches {offset (u16, modulo the size), xor value} applied to a valid built image
 * (bit 1: Mini-OS-like, else Linux-like), so mutations reach the note and address checks that
 * random bytes seldom get past. Either way the image sits in a buffer of exactly its size.
 */

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)

struct bounds {
    const struct pv_kernel_info *ki;
    const uint8_t *img;
    size_t size;
};

static void check_range(const struct bounds *b, uint64_t gpaddr, uint64_t len)
{
    uint64_t lo = b->ki->virt_kstart - b->ki->virt_base, hi = b->ki->virt_kend - b->ki->virt_base;

    CHECK(len > 0 && gpaddr >= lo && gpaddr <= hi && len <= hi - gpaddr);
}

static int fz_write(void *ctx, uint64_t gpaddr, const void *src, size_t len)
{
    const struct bounds *b = ctx;
    const uint8_t *s = src;

    check_range(b, gpaddr, len);
    CHECK(s >= b->img && len <= b->size && s - b->img <= (ptrdiff_t)(b->size - len));
    return 0;
}

static int fz_zero(void *ctx, uint64_t gpaddr, size_t len)
{
    check_range(ctx, gpaddr, len);
    return 0;
}

static bool is_terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* What a successful parse promises (elf.h). */
static void check_result(const struct pv_kernel_info *ki, const uint8_t *img, size_t size)
{
    struct bounds b = {ki, img, size};

    CHECK(ki->nr_segs >= 1 && ki->nr_segs <= ELF_MAX_SEGS && ki->has_xen_notes);
    CHECK(ki->virt_base <= ki->virt_kstart && ki->virt_kstart <= ki->entry &&
          ki->entry < ki->virt_kend);
    CHECK(ki->virt_kend <= 0x800000000000ull || ki->virt_kstart >= 0xffff880000000000ull);
    CHECK(!ki->has_hypercall_page ||
          (ki->hypercall_page % 4096 == 0 && ki->hypercall_page >= ki->virt_kstart &&
           ki->virt_kend - ki->hypercall_page >= 4096));
    CHECK(is_terminated(ki->guest_os, sizeof(ki->guest_os)) &&
          is_terminated(ki->guest_version, sizeof(ki->guest_version)) &&
          is_terminated(ki->xen_version, sizeof(ki->xen_version)) &&
          is_terminated(ki->loader, sizeof(ki->loader)) &&
          is_terminated(ki->features, sizeof(ki->features)));
    for (unsigned int i = 0; i < ki->nr_segs; i++) {
        const struct elf_segment *s = &ki->segs[i];

        CHECK(s->filesz <= s->memsz && s->offset <= size && s->filesz <= size - s->offset);
        for (unsigned int j = i + 1; j < ki->nr_segs; j++) {
            const struct elf_segment *t = &ki->segs[j];

            CHECK(!s->memsz || !t->memsz || s->gpaddr + s->memsz <= t->gpaddr ||
                  t->gpaddr + t->memsz <= s->gpaddr);
        }
    }
    CHECK(elf_load_segments(img, size, ki, fz_write, fz_zero, &b) == 0);
}

/* A failure prints exactly one warning line of printable ASCII. */
static void check_log(void)
{
    size_t n = strlen(support_log);

    CHECK(n > 9 && strncmp(support_log, "<1>elf: ", 8) == 0 && support_log[n - 1] == '\n');
    for (size_t i = 0; i + 1 < n; i++)
        CHECK(support_log[i] >= 0x20 && support_log[i] < 0x7f);
}

static uint8_t *make_image(const uint8_t *data, size_t len, size_t *size)
{
    static struct tb_spec spec;
    static uint8_t templates[2][TB_SIZE];
    static bool built;
    uint8_t *img;

    if (!built) {
        tb_linux(&spec);
        tb_build(&spec, templates[0]);
        tb_minios(&spec);
        tb_build(&spec, templates[1]);
        built = true;
    }
    if (data[0] & 1) {
        *size = len - 1;
        img = malloc(*size ? *size : 1);
        if (img)
            memcpy(img, data + 1, *size);
    } else {
        *size = TB_SIZE;
        img = malloc(TB_SIZE);
        if (img) {
            memcpy(img, templates[(data[0] >> 1) & 1], TB_SIZE);
            for (size_t i = 1; i + 3 <= len; i += 3)
                img[(data[i] | (size_t)data[i + 1] << 8) % TB_SIZE] ^= data[i + 2];
        }
    }
    return img;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct pv_kernel_info ki;
    size_t size;
    uint8_t *img;
    int rc;

    if (len == 0)
        return 0;
    img = make_image(data, len, &size);
    if (!img)
        return 0;
    support_reset();
    rc = elf_parse_pv_kernel(size ? img : NULL, size, &ki);
    CHECK(rc == 0 || rc == -ELF_EINVAL || rc == -ELF_ENOEXEC || rc == -ELF_E2BIG);
    if (rc == 0)
        check_result(&ki, img, size);
    else
        check_log();
    free(img);
    return 0;
}
