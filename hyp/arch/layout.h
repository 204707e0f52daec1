/* layout.h - the hypervisor's virtual address map, inside Xen's hypervisor L4 slots 256-271. */
#ifndef HYP_ARCH_LAYOUT_H
#define HYP_ARCH_LAYOUT_H

/*
 * 0xffff800000000000  slot 256      reserved: the read-only M2P table for PV guests (later)
 * 0xffff82d040000000  slot 261      hypervisor image: VA = PA + HYP_VIRT_START (1 GiB window)
 * 0xffff82d080000000                per-CPU stacks with guard pages, STACK_STRIDE per CPU
 * 0xffff82d0c0000000                I/O remapping area (LAPIC, IOAPIC, ACPI tables), 1 GiB
 * 0xffff830000000000  slots 262-271 direct map of all RAM (5 TiB), never executable
 * Guests own slots 0-255 and 272-511.
 */
#define M2P_VIRT_START 0xffff800000000000 /* machine-to-phys table, read-only to guests (slot 256) */
#define M2P_VIRT_END 0xffff804000000000
#define HYP_VIRT_START 0xffff82d040000000
#define HYP_LOAD_PADDR 0x200000
#define STACKS_VIRT_START 0xffff82d080000000
#define STACK_STRIDE 0x20000 /* 128 KiB of address space per CPU */
#define IOREMAP_VIRT_START 0xffff82d0c0000000
#define IOREMAP_SIZE 0x40000000
#define DIRECTMAP_VIRT_START 0xffff830000000000
#define DIRECTMAP_SIZE 0x50000000000 /* 5 TiB */

/* Per-CPU stack window, in pages from its start; every page not listed is an unmapped guard. */
#define STACK_NMI_PAGE 1     /* IST 1: 2 pages */
#define STACK_DF_PAGE 4      /* IST 2: 2 pages */
#define STACK_MC_PAGE 7      /* IST 3: 2 pages */
#define STACK_IST_PAGES 2
#define STACK_MAIN_PAGE 16   /* the CPU's normal stack: 16 pages (64 KiB), guard page 15 below */
#define STACK_MAIN_PAGES 16

/*
 * Segment selectors: Xen's x86-64 layout. Each CPU's GDT is 16 pages; the first 14 (entries
 * 0-7167) belong to the guest (zero until a guest's set_gdt), the reserved entries start at
 * 0xe000 (entry 7168). Guests run on the flat ring-3 selectors.
 */
#define GDT_PAGES 16
#define GDT_FIRST_RESERVED_ENTRY 7168
#define HYP_CS 0xe008
#define HYP_DS 0xe010
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_DS 0xe02b /* also SS for 64-bit guests */
#define FLAT_RING3_CS64 0xe033
#define HYP_TSS 0xe040
#define HYP_LDT 0xe050

#define MAX_CPUS 64

#endif /* HYP_ARCH_LAYOUT_H */
