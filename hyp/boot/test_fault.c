/* test_fault.c - deliberate hypervisor faults (command line test_fault=<kind>), one function per
 * kind, each named test_fault_* so that the report's backtrace can be checked by name. */
#include "boot/test_fault.h"

/* volatile: the compiler must neither see through the faults nor fold them away. */
static volatile uint64_t fault_zero;
static volatile unsigned int stack_depth_limit = 0xffffffffu;
static uint8_t nx_page[16] __attribute__((aligned(16))) = {0xc3}; /* ret, in a no-execute page */

static __attribute__((noinline)) void test_fault_null(void)
{
    (void)*(volatile uint64_t *)(fault_zero + 8);
}

static __attribute__((noinline)) void test_fault_ud(void)
{
    __asm__ volatile("ud2");
}

static __attribute__((noinline)) void test_fault_de(void)
{
    uint64_t quot, rem, divisor = fault_zero;

    /* In assembly: the compiler may legally turn 1 / x into x == 1. */
    __asm__ volatile("divq %2" : "=a"(quot), "=d"(rem) : "r"(divisor), "a"(1ull), "d"(0ull));
    (void)quot;
    (void)rem;
}

static __attribute__((noinline)) void test_fault_gp(void)
{
    (void)*(volatile uint64_t *)(fault_zero + 0x8000000000000000ull);
}

static __attribute__((noinline)) void test_fault_nx(void)
{
    void (*fn)(void) = (void (*)(void))(uintptr_t)(nx_page + fault_zero);

    fn();
    __asm__ volatile("" ::: "memory"); /* no tail call: keep this frame for the backtrace */
}

static __attribute__((noinline)) void test_fault_wp(void)
{
    *(volatile uint8_t *)((uintptr_t)test_fault_wp + fault_zero) = 0x90;
}

static __attribute__((noinline)) unsigned int test_fault_stack_recurse(unsigned int depth)
{
    volatile uint8_t pad[512];

    pad[0] = (uint8_t)depth;
    if (depth < stack_depth_limit)
        pad[1] = (uint8_t)test_fault_stack_recurse(depth + 1);
    return pad[0] + pad[1];
}

static __attribute__((noinline)) void test_fault_stack(void)
{
    (void)test_fault_stack_recurse(0);
}

static __attribute__((noinline)) void test_fault_assert(void)
{
    ASSERT(fault_zero == 1);
}

/* Not inlined: its frame names the test in every backtrace (the faulting helper itself may be
 * a leaf without one). */
__attribute__((noinline)) bool test_fault_run(const char *kind)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } kinds[] = {
        {"null", test_fault_null}, {"ud", test_fault_ud},   {"de", test_fault_de},
        {"gp", test_fault_gp},     {"nx", test_fault_nx},   {"wp", test_fault_wp},
        {"stack", test_fault_stack}, {"assert", test_fault_assert},
    };

    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        if (!strcmp(kind, kinds[i].name)) {
            printk(KERN_ERR "test_fault: triggering '%s'\n", kind);
            kinds[i].fn();
        }
    }
    return false;
}
