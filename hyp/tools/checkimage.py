#!/usr/bin/env python3
"""checkimage.py STAGE1 FINAL - fail unless both links put every symbol outside the symbol
table at the same address (the table must be last), and the image has no relocations left."""
import subprocess
import sys

SKIP = ("hyp_sym_", "_end")


def symbols(path):
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and not parts[2].startswith(SKIP):
            syms[parts[2]] = parts[0]
    return syms


def main():
    a, b = symbols(sys.argv[1]), symbols(sys.argv[2])
    moved = [n for n in a if a[n] != b.get(n)]
    if moved:
        print("checkimage: symbols moved between links: " + ", ".join(moved[:10]))
        return 1
    hdr = subprocess.run(["readelf", "-r", sys.argv[2]], capture_output=True, text=True).stdout
    if "Relocation section" in hdr:
        print("checkimage: the image has relocations left")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
