/* domtree.c - reads the boot-time domains from a flattened device tree (libfdt), checking every
 * property of every domain node before it is accepted. */
#include <libfdt.h>

#include "boot/domtree.h"
#include "domain/domain.h"
#include "hv/shared_info.h"

#define ROOT_COMPATIBLE "hearth,boot-domains"
#define DOMAIN_COMPATIBLE "hearth,domain"

#define DEFAULT_WEIGHT 256
#define MAX_WEIGHT 65535
#define MAX_CAP (100 * MAX_CPUS)
#define DEFAULT_MAX_EVTCHN_PORT 1023
#define MAX_EVTCHN_PORT (HV_EVTCHN_2L_NR_CHANNELS - 1)

/* Automatic domids are bits of one uint64_t, and always found: there are fewer nodes than ids. */
BUILD_BUG_ON(DOM_MAX_DOMAINS > 64);
BUILD_BUG_ON(DOMTREE_MAX_DOMAINS >= DOM_MAX_DOMAINS);
BUILD_BUG_ON(MAX_CAP > 0xffff);

/* One domain node being read; errors counts the problems reported so far. */
struct node_ctx {
    const void *blob;
    paddr_t blob_pa;
    int node;         /* structure offset of the node */
    const char *name; /* its full name, NUL-terminated inside the blob (libfdt checks) */
    const struct boot_module *mods;
    unsigned int nr_mods;
    unsigned int tree_index;
    unsigned int errors;
};

/* What read_num() found. */
enum num_result { NUM_ABSENT, NUM_OK, NUM_BAD };

/* Properties of a domain node; anything else gets a warning. */
static const char *const known_props[] = {
    "compatible", "domid", "privileged", "kernel", "kernel-image", "ramdisk", "ramdisk-image",
    "memory", "cpus", "bootargs", "weight", "cap", "max-evtchn-port", "cpu-affinity",
    "phandle", "linux,phandle", "name",
};

static void __printf(3, 4) prop_error(struct node_ctx *c, const char *prop, const char *fmt, ...)
{
    char what[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    printk(KERN_ERR "domtree: /domains/%s: property '%s': %s\n", c->name, prop, what);
    c->errors++;
}

/*
 * The value of prop and its length; NULL with *len 0 if the node has no such property, NULL with
 * *len -1 if libfdt could not read it (reported; check_structure() makes that unlikely).
 */
static const void *get_prop(struct node_ctx *c, const char *prop, int *len)
{
    const void *p = fdt_getprop(c->blob, c->node, prop, len);

    if (p == NULL && *len != -FDT_ERR_NOTFOUND) {
        prop_error(c, prop, "%s", fdt_strerror(*len));
        *len = -1;
    } else if (p == NULL) {
        *len = 0;
    }
    return p;
}

static void range_error(struct node_ctx *c, const char *prop, uint64_t v, uint64_t min,
                        uint64_t max)
{
    if (max > UINT32_MAX)
        prop_error(c, prop, "0x%llx is out of range 0x%llx..0x%llx", (unsigned long long)v,
                   (unsigned long long)min, (unsigned long long)max);
    else
        prop_error(c, prop, "%llu is out of range %llu..%llu", (unsigned long long)v,
                   (unsigned long long)min, (unsigned long long)max);
}

/*
 * Read prop as a number: one cell, or with wide also two (a u64). *val gets it if the property
 * has one of those sizes and the value is in [min, max]; otherwise it is left alone and, unless
 * the property is absent, the problem is reported.
 */
static enum num_result read_num(struct node_ctx *c, const char *prop, bool wide, uint64_t min,
                                uint64_t max, uint64_t *val)
{
    enum num_result r = NUM_BAD;
    int len;
    const void *p = get_prop(c, prop, &len);
    uint64_t v;

    if (p == NULL) {
        r = len < 0 ? NUM_BAD : NUM_ABSENT;
        goto out;
    }
    if (len == 4) {
        v = fdt32_ld(p);
    } else if (len == 8 && wide) {
        v = fdt64_ld(p);
    } else {
        prop_error(c, prop, "%d bytes, expected %s", len,
                   wide ? "4 or 8 (one or two cells)" : "4 (one cell)");
        goto out;
    }
    if (v < min || v > max) {
        range_error(c, prop, v, min, max);
        goto out;
    }
    *val = v;
    r = NUM_OK;
out:
    return r;
}

static void check_compatible(struct node_ctx *c)
{
    int r = fdt_node_check_compatible(c->blob, c->node, DOMAIN_COMPATIBLE);

    if (r == -FDT_ERR_NOTFOUND)
        prop_error(c, "compatible", "missing");
    else if (r < 0)
        prop_error(c, "compatible", "%s", fdt_strerror(r));
    else if (r > 0)
        prop_error(c, "compatible", "does not list \"" DOMAIN_COMPATIBLE "\"");
}

/* True if the node names its domid and the id is valid (then d->domid is set). */
static bool parse_domid(struct node_ctx *c, struct boot_domain *d)
{
    uint64_t v = 0;
    bool ok = false;

    if (read_num(c, "domid", false, 0, UINT32_MAX, &v) != NUM_OK)
        goto out;
    if (v >= DOMID_FIRST_RESERVED)
        prop_error(c, "domid", "0x%llx is a reserved domain id (0x%x and above)",
                   (unsigned long long)v, DOMID_FIRST_RESERVED);
    else if (v >= DOM_MAX_DOMAINS)
        prop_error(c, "domid", "%llu is above the last domain id, %u", (unsigned long long)v,
                   DOM_MAX_DOMAINS - 1);
    else
        ok = true;
    d->domid = (uint16_t)v;
out:
    return ok;
}

/* An empty property: true if present. */
static bool parse_flag(struct node_ctx *c, const char *prop)
{
    int len;
    bool present = get_prop(c, prop, &len) != NULL;

    if (present && len != 0)
        prop_error(c, prop, "takes no value (%d bytes found)", len);
    return present;
}

/* Module idx as the image: it must exist, not be the tree, nor the module in other_mod. */
static void use_module(struct node_ctx *c, const char *prop, uint64_t idx, int other_mod,
                       struct boot_module *m)
{
    if (idx >= c->nr_mods)
        prop_error(c, prop, "module %llu does not exist (%u modules)", (unsigned long long)idx,
                   c->nr_mods);
    else if (idx == c->tree_index)
        prop_error(c, prop, "module %llu is the device tree itself", (unsigned long long)idx);
    else if (other_mod >= 0 && idx == (uint64_t)other_mod)
        prop_error(c, prop, "module %llu is the kernel", (unsigned long long)idx);
    else
        *m = c->mods[idx];
}

/* The image embedded in the tree: its physical range inside the tree's module. */
static void use_embedded(struct node_ctx *c, const char *prop, const void *img, int len,
                         struct boot_module *m)
{
    paddr_t off = (paddr_t)((const char *)img - (const char *)c->blob);

    if (len == 0) {
        prop_error(c, prop, "empty");
        return;
    }
    m->start = c->blob_pa + off;
    m->end = m->start + (paddr_t)len;
    m->string[0] = '\0';
}

/*
 * An image given as a module index (idx_prop) or embedded (img_prop), at most one of them, into
 * *m (zeroed first). Returns whether either property is present; *mod gets the module index, or
 * -1 when there is none or it is not valid.
 */
static bool parse_image(struct node_ctx *c, const char *idx_prop, const char *img_prop,
                        int other_mod, struct boot_module *m, int *mod)
{
    int len;
    const void *img = get_prop(c, img_prop, &len);
    uint64_t idx = 0;
    enum num_result r = read_num(c, idx_prop, false, 0, UINT32_MAX, &idx);
    unsigned int errors = c->errors;

    memset(m, 0, sizeof(*m));
    *mod = -1;
    if (r != NUM_ABSENT && img != NULL) {
        prop_error(c, img_prop, "'%s' is given too: use one of them", idx_prop);
    } else if (r == NUM_OK) {
        use_module(c, idx_prop, idx, other_mod, m);
        if (c->errors == errors)
            *mod = (int)idx;
    } else if (img != NULL) {
        use_embedded(c, img_prop, img, len, m);
    }
    return r != NUM_ABSENT || img != NULL;
}

/* The numeric properties, with their defaults; memory is required. */
static void parse_numbers(struct node_ctx *c, struct boot_domain *d)
{
    uint64_t v;

    v = 1;
    read_num(c, "cpus", false, 1, DOM_MAX_VCPUS, &v);
    d->nr_vcpus = (unsigned int)v;
    v = DEFAULT_WEIGHT;
    read_num(c, "weight", false, 1, MAX_WEIGHT, &v);
    d->weight = (uint16_t)v;
    v = 0;
    read_num(c, "cap", false, 0, MAX_CAP, &v);
    d->cap = (uint16_t)v;
    v = DEFAULT_MAX_EVTCHN_PORT;
    read_num(c, "max-evtchn-port", false, 1, MAX_EVTCHN_PORT, &v);
    d->max_evtchn_port = (uint32_t)v;
    v = ~0ull;
    read_num(c, "cpu-affinity", true, 1, UINT64_MAX, &v);
    d->cpu_affinity = v;
    v = 0;
    if (read_num(c, "memory", true, 1, UINT64_MAX >> 10, &v) == NUM_ABSENT)
        prop_error(c, "memory", "missing");
    d->mem_bytes = v << 10;
}

/* bootargs, or the kernel module's string (bounded: a loader's string is not trusted). */
static void parse_bootargs(struct node_ctx *c, struct boot_domain *d, int kernel_mod)
{
    int len;
    const char *s = get_prop(c, "bootargs", &len);
    size_t n;

    d->cmdline[0] = '\0';
    if (s == NULL) {
        if (kernel_mod < 0)
            return;
        n = strnlen(c->mods[kernel_mod].string, BOOT_MODSTR_MAX - 1);
        BUILD_BUG_ON(BOOT_MODSTR_MAX > BOOT_CMDLINE_MAX);
        memcpy(d->cmdline, c->mods[kernel_mod].string, n);
        d->cmdline[n] = '\0';
    } else if (len == 0 || strnlen(s, (size_t)len) != (size_t)len - 1) {
        prop_error(c, "bootargs", "not one NUL-terminated string (%d bytes)", len);
    } else if (len > BOOT_CMDLINE_MAX) {
        prop_error(c, "bootargs", "%d bytes, at most %d", len, BOOT_CMDLINE_MAX);
    } else {
        memcpy(d->cmdline, s, (size_t)len);
    }
}

static bool is_known_prop(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(known_props); i++)
        if (strcmp(name, known_props[i]) == 0)
            return true;
    return false;
}

/* Warn about properties we do not know (a misspelt optional one would take its default). */
static void warn_unknown_props(struct node_ctx *c)
{
    const char *name;
    int prop, len;

    fdt_for_each_property_offset(prop, c->blob, c->node) {
        if (fdt_getprop_by_offset(c->blob, prop, &name, &len) == NULL)
            continue; /* cannot happen: check_structure() read every property */
        if (!is_known_prop(name))
            printk(KERN_WARNING "domtree: /domains/%s: property '%s': unknown, ignored\n",
                   c->name, name);
    }
}

/* Read the node into *d. Returns whether its domid is explicit and valid. */
static bool parse_domain(struct node_ctx *c, struct boot_domain *d)
{
    size_t n = strnlen(c->name, DOMTREE_NAME_MAX - 1);
    bool has_id;
    int kernel_mod, ramdisk_mod;

    memset(d, 0, sizeof(*d));
    memcpy(d->name, c->name, n);
    check_compatible(c);
    has_id = parse_domid(c, d);
    d->privileged = parse_flag(c, "privileged");
    if (!parse_image(c, "kernel", "kernel-image", -1, &d->kernel, &kernel_mod))
        prop_error(c, "kernel", "missing (or 'kernel-image')");
    d->has_ramdisk = parse_image(c, "ramdisk", "ramdisk-image", kernel_mod, &d->ramdisk,
                                 &ramdisk_mod);
    parse_numbers(c, d);
    parse_bootargs(c, d, kernel_mod);
    warn_unknown_props(c);
    return has_id;
}

/* out[n] is read; accepted if it has no problem and its explicit domid is not taken. */
static bool accept_domain(struct node_ctx *c, struct boot_domain *out, unsigned int n,
                          bool *explicit_id)
{
    unsigned int i;

    explicit_id[n] = parse_domain(c, &out[n]);
    for (i = 0; explicit_id[n] && i < n; i++) {
        if (explicit_id[i] && out[i].domid == out[n].domid) {
            prop_error(c, "domid", "%u is already the domid of /domains/%s", out[n].domid,
                       out[i].name);
            break;
        }
    }
    if (c->errors > 0)
        printk(KERN_ERR "domtree: /domains/%s: refused, %u problem%s\n", c->name,
               c->errors, c->errors == 1 ? "" : "s");
    return c->errors == 0;
}

/* Nodes without domid: the lowest ids that no explicit domid names, in tree order. */
static void assign_domids(struct boot_domain *out, unsigned int n, const bool *explicit_id)
{
    uint64_t used = 0;
    unsigned int i, id;

    for (i = 0; i < n; i++)
        if (explicit_id[i])
            used |= 1ull << out[i].domid;
    for (i = 0; i < n; i++) {
        if (explicit_id[i])
            continue;
        id = (unsigned int)__builtin_ctzll(~used);
        out[i].domid = (uint16_t)id;
        used |= 1ull << id;
    }
}

/*
 * Read every node name and property once, so that the parse meets no malformed data halfway.
 * Returns 0 or a libfdt error (negative).
 */
static int check_structure(const void *blob)
{
    const char *name;
    int node = 0, depth = 0, prop = 0, len;

    while (node >= 0 && depth >= 0) {
        if (fdt_get_name(blob, node, &len) == NULL)
            return len;
        fdt_for_each_property_offset(prop, blob, node) {
            if (fdt_getprop_by_offset(blob, prop, &name, &len) == NULL)
                return len;
        }
        if (prop != -FDT_ERR_NOTFOUND)
            return prop;
        node = fdt_next_node(blob, node, &depth);
    }
    return node >= 0 || node == -FDT_ERR_NOTFOUND ? 0 : node;
}

/* Is the blob a well-formed tree that fits in len bytes? Says why not. */
static bool blob_is_sound(const void *blob, size_t len)
{
    bool sound = false;
    int err;

    if (len < sizeof(struct fdt_header)) {
        printk(KERN_ERR "domtree: malformed device tree: %zu bytes, shorter than a header\n", len);
        goto out;
    }
    err = fdt_check_header(blob);
    if (err == 0 && fdt_totalsize(blob) > len) {
        printk(KERN_ERR "domtree: malformed device tree: its size is %u bytes, the module's %zu\n",
               fdt_totalsize(blob), len);
        goto out;
    }
    if (err == 0)
        err = check_structure(blob);
    if (err != 0) {
        printk(KERN_ERR "domtree: malformed device tree: %s\n", fdt_strerror(err));
        goto out;
    }
    sound = true;
out:
    return sound;
}

/* Check the blob as a whole; returns the offset of /domains, or -1 (reported). */
static int find_domains(const void *blob, size_t len)
{
    int node = -1;

    if (!blob_is_sound(blob, len))
        goto out;
    if (fdt_node_check_compatible(blob, 0, ROOT_COMPATIBLE) != 0) {
        printk(KERN_ERR "domtree: /: property 'compatible': does not list \"" ROOT_COMPATIBLE
               "\": not a tree of boot-time domains\n");
        goto out;
    }
    node = fdt_subnode_offset(blob, 0, "domains");
    if (node < 0) {
        printk(KERN_ERR "domtree: no /domains node (%s)\n", fdt_strerror(node));
        node = -1;
    }
out:
    return node;
}

bool domtree_is_fdt(const void *data, size_t len)
{
    return len >= sizeof(struct fdt_header) && fdt32_ld(data) == FDT_MAGIC;
}

unsigned int domtree_parse(const void *blob, size_t len, paddr_t blob_pa,
                           const struct boot_module *mods, unsigned int nr_mods,
                           unsigned int tree_index, struct boot_domain *out, unsigned int max_out)
{
    bool explicit_id[DOMTREE_MAX_DOMAINS];
    unsigned int n = 0;
    int domains, node;

    max_out = MIN(max_out, DOMTREE_MAX_DOMAINS);
    domains = find_domains(blob, len);
    if (domains < 0)
        goto out;
    fdt_for_each_subnode(node, blob, domains) {
        struct node_ctx c = { .blob = blob, .blob_pa = blob_pa, .node = node, .mods = mods,
                              .nr_mods = nr_mods, .tree_index = tree_index };

        c.name = fdt_get_name(blob, node, NULL);
        if (n == max_out)
            printk(KERN_ERR "domtree: /domains/%s: refused: more than %u domains\n",
                   c.name, max_out);
        else if (accept_domain(&c, out, n, explicit_id))
            n++;
    }
    assign_domids(out, n, explicit_id);
out:
    return n;
}
