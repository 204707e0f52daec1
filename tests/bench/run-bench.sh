#!/usr/bin/env bash
# run-bench.sh hearth|xen BUILD KERNEL... - boot each benchmark kernel as dom0 (on Hearth by PVH,
# on Xen 4.17 through tests/guests/run-on-xen.sh) and print its "bench ..." lines.
set -u
target=$1 build=$2
shift 2
status=0
for k in "$@"; do
    log=$(mktemp)
    # A scenario (several domains from one device tree) runs on Hearth only: Xen has no boot-time
    # domains from our tree format.
    case "$k" in *.dtb) [ "$target" = hearth ] || continue ;; esac
    if [ "$target" = hearth ]; then
        timeout 300 qemu-system-x86_64 -accel tcg -cpu max -m 512M -smp 2 -display none \
            -monitor none -no-reboot -nic none -serial stdio \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$build/hyp/hyp.elf" \
            -initrd "$k" -append "console=com1 qemu_exit dom0_mem=128M dom0_max_vcpus=2" > "$log" 2>/dev/null
    else
        tests/guests/run-on-xen.sh -v -t 300 -l "$log" "$k" > /dev/null
    fi
    tr -d '\r' < "$log" | sed -n 's/^.*\(bench [a-z_0-9]* median=.*\)$/\1/p'
    grep -q 'Test result: SUCCESS' "$log" || { echo "bench: $(basename "$k") did not finish" >&2; status=1; }
    rm -f "$log"
done
exit $status
