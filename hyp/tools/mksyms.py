#!/usr/bin/env python3
"""mksyms.py - turn `nm -n` output (stdin) into the assembly of hyp's symbol table (stdout).

Only text symbols are kept. Empty input gives an empty table, for the first of the two links.
"""
import sys


def main():
    syms = []
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in ("t", "T", "W", "w"):
            continue
        addr = int(parts[0], 16)
        if addr < 0xffff800000000000:
            continue
        syms.append((addr, parts[2]))
    syms.sort()
    out = ['\t.section .hyp_symbols, "a"', "\t.balign 8"]
    for name in ("hyp_sym_count", "hyp_sym_addrs", "hyp_sym_name_offs", "hyp_sym_names"):
        out.append("\t.globl " + name)
    out.append("hyp_sym_count:\n\t.quad %d" % len(syms))
    out.append("hyp_sym_addrs:")
    out += ["\t.quad 0x%x" % a for a, _ in syms]
    out.append("hyp_sym_name_offs:")
    off = 0
    for _, n in syms:
        out.append("\t.long %d" % off)
        off += len(n) + 1
    out.append("hyp_sym_names:")
    out += ['\t.asciz "%s"' % n for _, n in syms]
    out.append('\t.section .note.GNU-stack, "", @progbits')
    print("\n".join(out))


if __name__ == "__main__":
    main()
