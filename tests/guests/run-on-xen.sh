#!/bin/bash
# Boot one PV test kernel as dom0 of real Xen 4.17 in QEMU (TCG) and print its result line.
#
# Usage: tests/guests/run-on-xen.sh [-v] [-t SECONDS] [-l LOG] [-x XEN_GZ] KERNEL.elf
#   -v   also print the test kernel's own console lines (those without Xen's "(XEN)" prefix)
#   -t   give up after SECONDS (default 300; a TCG boot of Xen takes about 15-30 s)
#   -l   keep the whole serial log there (default: a file in a temporary directory, removed)
#   -x   the Xen image (default /boot/xen-4.17-amd64.gz, from xen-hypervisor-4.17-amd64)
# Exit status: 0 SUCCESS, 1 FAILURE, 2 ERROR / crash / timeout / no result, 3 SKIP.
#
# GRUB (grub-mkrescue, BIOS) loads xen.gz with multiboot2 and the kernel as module2. Xen's dom0
# poweroff only halts the machine, so QEMU is killed once the result line has arrived.
set -u

verbose=0
timeout=300
log=
xen=/boot/xen-4.17-amd64.gz
while getopts "vt:l:x:" opt; do
    case $opt in
    v) verbose=1 ;;
    t) timeout=$OPTARG ;;
    l) log=$OPTARG ;;
    x) xen=$OPTARG ;;
    *) sed -n '2,13s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ]; then
    sed -n '2,13s/^# \{0,1\}//p' "$0" >&2
    exit 2
fi
kernel=$1

for f in "$kernel" "$xen"; do
    if [ ! -r "$f" ]; then
        echo "run-on-xen: cannot read $f (Xen: apt-get install -y xen-hypervisor-4.17-amd64)" >&2
        exit 2
    fi
done

work=$(mktemp -d /tmp/run-on-xen.XXXXXX)
qemu_pid=
cleanup() {
    if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
        kill "$qemu_pid" 2>/dev/null
        wait "$qemu_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 2' INT TERM
[ -n "$log" ] || log=$work/serial.log

mkdir -p "$work/iso/boot/grub"
cp "$xen" "$work/iso/boot/xen.gz"
cp "$kernel" "$work/iso/boot/test.elf"
cat > "$work/iso/boot/grub/grub.cfg" <<'CFG'
set timeout=0
set default=0
menuentry "Xen 4.17 + PV test kernel as dom0" {
    multiboot2 /boot/xen.gz console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all bootscrub=0 dom0_mem=64M
    module2 /boot/test.elf
}
CFG
if ! grub-mkrescue -o "$work/test.iso" "$work/iso" > "$work/grub-mkrescue.log" 2>&1; then
    cat "$work/grub-mkrescue.log" >&2
    exit 2
fi

# -cpu max,-smap: QEMU 7.2's TCG with SMAP breaks Xen's PV bounce frames (TOOLCHAIN.md 8).
: > "$log"
qemu-system-x86_64 -machine q35 -accel tcg -cpu max,-smap -m 512 -smp 2 -nographic \
    -no-reboot -nic none -boot d -cdrom "$work/test.iso" < /dev/null > "$log" 2>&1 &
qemu_pid=$!

result=
deadline=$((SECONDS + timeout))
while [ $SECONDS -lt $deadline ]; do
    result=$(grep -a -m1 -o 'Test result: .*' "$log" | tr -d '\r')
    [ -n "$result" ] && break
    kill -0 "$qemu_pid" 2>/dev/null || break
    sleep 0.5
done
if [ -n "$result" ]; then
    sleep 1  # let Xen's shutdown messages reach the log
else
    result=$(grep -a -m1 -o 'Test result: .*' "$log" | tr -d '\r')
fi

if [ $verbose = 1 ]; then
    # The kernel's lines: after Xen hands over to dom0, everything without Xen's prefix.
    tr -d '\r' < "$log" | sed -n '/Freed .* init memory/,$p' | grep -a -v '^(XEN)' \
        | grep -a -v 'Test result: '
fi

if [ -z "$result" ]; then
    if kill -0 "$qemu_pid" 2>/dev/null; then
        echo "Test result: ERROR: no result within ${timeout}s"
    else
        echo "Test result: ERROR: QEMU exited without a result"
    fi
    tr -d '\r' < "$log" | grep -a '(XEN)' | tail -15 >&2
    exit 2
fi
echo "$result"
case $result in
"Test result: SUCCESS") exit 0 ;;
"Test result: FAILURE"*) exit 1 ;;
"Test result: SKIP"*) exit 3 ;;
*) exit 2 ;;
esac
