/* keys.c - debug keys on the hypervisor console: one character runs one diagnostic. */
#include "console/console.h"

#define MAX_KEYS 32

struct key_handler {
    char key;
    const char *desc;
    void (*fn)(void);
};

static struct key_handler keys[MAX_KEYS];
static unsigned int nr_keys;

void keys_register(char key, const char *desc, void (*fn)(void))
{
    ASSERT(nr_keys < MAX_KEYS);
    keys[nr_keys++] = (struct key_handler){key, desc, fn};
}

static void key_help(void)
{
    printk("Debug keys:\n");
    for (unsigned int i = 0; i < nr_keys; i++)
        printk("  %c  %s\n", keys[i].key, keys[i].desc);
}

static void key_dump_ring(void)
{
    uint64_t end = console_ring_bytes(), pos = 0;
    char chunk[256];
    size_t n;

    printk("Console ring: %lu bytes kept\n", (unsigned long)MIN(end, (uint64_t)1 << 16));
    end = console_ring_bytes();
    console_write_serial("--- console ring begin ---\n", 27);
    while (pos < end && (n = console_ring_read(&pos, chunk, MIN(sizeof(chunk), end - pos))) > 0)
        console_write_serial(chunk, n);
    console_write_serial("--- console ring end ---\n", 25);
}

void keys_init(void)
{
    keys_register('h', "this help", key_help);
    keys_register('l', "dump the console ring (the hypervisor log)", key_dump_ring);
}

void keys_poll(void)
{
    int c;

    while ((c = console_getc()) >= 0) {
        for (unsigned int i = 0; i < nr_keys; i++) {
            if (keys[i].key == c) {
                keys[i].fn();
                break;
            }
        }
    }
}
