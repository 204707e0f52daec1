#!/usr/bin/env python3
"""Hearth integration tests: boot the hypervisor in QEMU (TCG) and drive its serial console.

Each test boots build/hyp/hyp.elf (PVH, `-kernel`) or build/hearth.iso (GRUB), waits for console
lines with pexpect, presses debug keys and checks QEMU's exit status. See README.md here.
"""

import argparse
import calendar
import io
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

try:
    import pexpect
except ImportError:        # reported as a failure of every test, never as a skip
    pexpect = None

BASE_CMDLINE = 'console=com1 loglvl=all qemu_exit'
BANNER_HEAD = [(r'^\(HV\) Hearth \S+ \(gcc [\d.]+\)', 'version banner'),
               (r'^\(HV\) Command line: %s$' % re.escape(BASE_CMDLINE), '"Command line:" line')]
ISO_MODULE = 'hello-module arg=1'      # the module string in hyp/boot/grub.cfg
STATUS_OFF, STATUS_FATAL, STATUS_RESET = 33, 35, 0
STATUS_MEANING = {33: 'clean power-off', 35: 'hypervisor reported a fatal error',
                  0: 'reset or triple fault', 1: 'QEMU error'}
EOL = r'\r*\n'            # QEMU leaves OPOST on the pty, so "\r\n" arrives as "\r\r\n"
READY = r"Hearth ready\. Debug keys: press 'h' for help\."
HV_LINE = r'(?m)^\(HV\) '


class Fail(Exception):
    """A check failed; the message is the reason shown to the user."""


def describe_status(status, signal):
    if signal:
        return 'killed by signal %d' % signal
    return 'status %s (%s)' % (status, STATUS_MEANING.get(status, 'unexpected'))


class SerialLog(io.StringIO):
    """pexpect's logfile_read: keeps the whole serial stream, echoes it with -v."""

    def __init__(self, verbose):
        super().__init__()
        self.verbose = verbose

    def write(self, data):
        if self.verbose:
            sys.stdout.write(data.replace('\r', ''))
            sys.stdout.flush()
        return super().write(data)

    def text(self):
        return self.getvalue().replace('\r', '')


class Session:
    """One QEMU process; every wait is bounded by the test's deadline."""

    def __init__(self, ctx, argv):
        self.ctx, self.argv = ctx, argv
        self.log = SerialLog(ctx.opts.verbose)
        fd, self.errpath = tempfile.mkstemp(prefix='hearth-qemu-', suffix='.stderr')
        os.close(fd)
        self.status = self.signal = None
        self.stderr = []
        self.t0 = time.monotonic()
        try:
            self.child = pexpect.spawn(argv[0], argv[1:], encoding='utf-8', echo=False,
                                       codec_errors='replace', timeout=None,
                                       preexec_fn=self._stderr_to_file)
        except Exception:
            os.unlink(self.errpath)
            raise
        self.child.delaybeforesend = None
        self.child.logfile_read = self.log

    def _stderr_to_file(self):
        # Runs in the child before exec: QEMU's stderr (CPU feature warnings) stays off the serial
        # stream and is shown on failure, minus the warnings.
        fd = os.open(self.errpath, os.O_WRONLY | os.O_TRUNC)
        os.dup2(fd, 2)
        os.close(fd)

    def expect(self, pattern, what):
        """Wait for regex pattern; return (match, text consumed since the last wait, no CRs)."""
        timeout = self.ctx.remaining()
        idx = self.child.expect([re.compile(pattern), pexpect.EOF, pexpect.TIMEOUT],
                                timeout=timeout)
        if idx == 0:
            return self.child.match, (self.child.before + self.child.after).replace('\r', '')
        if idx == 1:
            self._reap()
            raise Fail('QEMU exited, %s, before %s'
                       % (describe_status(self.status, self.signal), what))
        self.kill()
        raise Fail('timed out (%g s) waiting for %s' % (self.ctx.timeout, what))

    def line(self, pattern, what=None):
        """Wait for a whole '(HV) ' console line whose text starts with pattern."""
        return self.expect(HV_LINE + pattern + r'[^\r\n]*' + EOL, what or repr(pattern))

    def ready(self):
        """Wait for the ready line; return the boot log up to it."""
        return self.line(READY, 'the "Hearth ready" line')[1]

    def send(self, key):
        self.child.send(key)

    def finish(self, want):
        """Wait for QEMU to exit and check its status."""
        idx = self.child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=self.ctx.remaining())
        if idx == 1:
            self.kill()
            raise Fail('QEMU did not exit within %g s (wanted status %d)'
                       % (self.ctx.timeout, want))
        self._reap()
        if self.signal or self.status != want:
            raise Fail('QEMU exit %s, wanted %s'
                       % (describe_status(self.status, self.signal), describe_status(want, None)))

    def _reap(self, grace=5.0):
        # After EOF pexpect's isalive() would block in waitpid; clear the flag to poll instead.
        self.child.flag_eof = False
        end, killed = time.monotonic() + grace, False
        while self.child.isalive():
            if not killed and time.monotonic() > end:
                self.child.kill(9)
                killed = True
            time.sleep(0.01)
        self.status, self.signal = self.child.exitstatus, self.child.signalstatus

    def kill(self):
        if self.status is None and self.signal is None:
            if self.child.isalive():
                self.child.kill(9)
            self._reap()

    def close(self):
        """Kill QEMU if it still runs; keep its stderr minus warnings in self.stderr."""
        self.kill()
        self.child.close(force=True)
        try:
            with open(self.errpath, errors='replace') as f:
                self.stderr = [l for l in f.read().splitlines() if l and 'warning:' not in l]
            os.unlink(self.errpath)
        except OSError:
            pass


class Ctx:
    """What a test function gets: boot() QEMU, note() a figure, remaining() time."""

    def __init__(self, opts):
        self.opts = opts
        self.timeout = opts.timeout    # a test may extend it (extend_timeout)
        self.deadline = time.monotonic() + opts.timeout
        self.sessions, self.notes = [], []
        self.tmpdir = None

    def remaining(self):
        return max(0.0, self.deadline - time.monotonic())

    def extend_timeout(self, seconds):
        """Give the test at least seconds from now (never less than --timeout)."""
        if seconds > self.timeout:
            self.timeout = seconds
            self.deadline = max(self.deadline, time.monotonic() + seconds)

    def note(self, text):
        self.notes.append(text.strip().replace('(HV) ', '', 1))

    def tmpfile(self, name, data):
        """Write a file that lives until the test ends; return its path."""
        if self.tmpdir is None:
            self.tmpdir = tempfile.mkdtemp(prefix='hearth-test-')
        path = os.path.join(self.tmpdir, name)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def boot(self, iso=False, extra='', cmdline=None, cpu='max', mem='256M', smp=1, initrd=None):
        """Start QEMU: GRUB ISO (fixed cmdline) or PVH with BASE_CMDLINE + extra (or cmdline)."""
        if pexpect is None:
            raise Fail('python3-pexpect is not installed (run make deps)')
        qemu = shutil.which(self.opts.qemu)
        if qemu is None:
            raise Fail('%s not found (run make deps)' % self.opts.qemu)
        image = os.path.join(self.opts.build, 'hearth.iso' if iso else 'hyp/hyp.elf')
        if not os.path.isfile(image):
            raise Fail('%s is missing (run make hyp iso)' % image)
        argv = [qemu, '-accel', 'tcg', '-cpu', cpu, '-m', mem, '-smp', str(smp),
                '-display', 'none', '-monitor', 'none', '-nic', 'none', '-no-reboot',
                '-chardev', 'stdio,id=ser0,signal=off', '-serial', 'chardev:ser0',
                '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
        if iso:
            argv += ['-boot', 'd', '-cdrom', image]
        else:
            if cmdline is None:
                cmdline = (BASE_CMDLINE + ' ' + extra).strip()
            argv += ['-kernel', image, '-append', cmdline]
            if initrd:
                argv += ['-initrd', initrd]
        session = Session(self, argv)
        self.sessions.append(session)
        return session


# ----------------------------------------------------------------------------------------------
# Checks on a block of console text (CRs already removed).

def need(text, pattern, what):
    """Return the first match of pattern in text, or fail naming what was missing."""
    m = re.search(pattern, text, re.M)
    if m is None:
        raise Fail('missing %s' % what)
    return m


def hv(pattern):
    """Regex for a console line '(HV) <pattern>...' anywhere in a text block."""
    return r'^\(HV\) ' + pattern


def need_in_order(text, items):
    """items: (regex, what) pairs that must appear in this order; returns the matches."""
    pos, found = 0, []
    for pattern, what in items:
        m = re.compile(pattern, re.M).search(text, pos)
        if m is None:
            raise Fail(('%s is out of order' if re.search(pattern, text, re.M) else 'missing %s')
                       % what)
        found.append(m)
        pos = m.end()
    return found


def power_off(s):
    s.send('o')
    s.line(r'Powering off')
    s.finish(STATUS_OFF)


TESTS = {}


def register(name, doc=None):
    def wrap(fn):
        TESTS[name] = (fn, doc or fn.__doc__.strip())
        return fn
    return wrap


# ----------------------------------------------------------------------------------------------
# Tests. Each takes a Ctx and raises Fail on the first failed check.

@register('banner_pvh')
def t_banner_pvh(ctx):
    """PVH boot + -initrd: banner lines in order, module size, wall clock, 'h' help, 'o' -> 33."""
    data = b'hello from the PVH module\n'
    s = ctx.boot(initrd=ctx.tmpfile('module.bin', data))
    text = s.ready()
    need_in_order(text, BANNER_HEAD + [
        (hv(r'Loader: QEMU PVH$'), '"Loader: QEMU PVH"'),
        (hv(r'Module 0: \[0x([0-9a-f]{16})-0x([0-9a-f]{16})\)'), '"Module 0:" line'),
        (hv(r'TSC: [\d.]+ MHz'), '"TSC:" line'),
        (hv(r'Wall clock: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC$'), '"Wall clock:" line'),
        (hv(r'Memory: \d+ KiB usable \(\d+ frames\)'), '"Memory:" line'),
        (hv(r'CPUs: 1 online$'), '"CPUs: 1 online"'),
        (hv(READY), 'ready line')])
    mod = need(text, hv(r'Module 0: \[0x(\w+)-0x(\w+)\)'), '"Module 0:" line')
    start, end = (int(x, 16) for x in mod.groups())
    if end - start != len(data):
        raise Fail('Module 0 spans %d bytes, the -initrd file has %d' % (end - start, len(data)))
    clock = need(text, hv(r'Wall clock: (\S+ \S+) UTC'), '"Wall clock:" line').group(1)
    if abs(calendar.timegm(time.strptime(clock, '%Y-%m-%d %H:%M:%S')) - time.time()) > 120:
        raise Fail('wall clock %s is more than 2 min from the host UTC time' % clock)
    s.send('h')
    s.line(r'Debug keys:', 'the help list after "h"')
    power_off(s)


@register('banner_iso')
def t_banner_iso(ctx):
    """GRUB ISO boot: 'Loader: GRUB', the module string from grub.cfg, 'o' -> 33."""
    s = ctx.boot(iso=True)
    text = s.ready()
    need_in_order(text, BANNER_HEAD + [
        (hv(r'Loader: GRUB \S+'), '"Loader: GRUB <version>"'),
        (hv(r"Module 0: \[0x[0-9a-f]{16}-0x[0-9a-f]{16}\) '%s'$" % re.escape(ISO_MODULE)),
         '"Module 0:" with \'%s\'' % ISO_MODULE),
        (hv(r'CPUs: 1 online$'), '"CPUs: 1 online"')])
    power_off(s)


def boot_times(ctx, iso, runs=3):
    times = []
    for _ in range(runs):
        s = ctx.boot(iso=iso)
        s.ready()
        times.append(time.monotonic() - s.t0)
        power_off(s)
    ctx.note('boot to banner: min %.3f s, median %.3f s (%s, TCG)'
             % (min(times), statistics.median(times), 'GRUB ISO' if iso else 'PVH'))
    return min(times)


@register('boot_time')
def t_boot_time(ctx):
    """Spawn-to-ready time over 3 boots: GRUB ISO min must be < 2.0 s; PVH is reported only."""
    iso_min = boot_times(ctx, iso=True)
    boot_times(ctx, iso=False)
    if iso_min >= 2.0:
        raise Fail('GRUB ISO boot to banner took %.3f s at best (limit 2.0 s)' % iso_min)


def memory_test(mem, kib):
    def run(ctx):
        s = ctx.boot(mem=mem)
        text = s.ready()
        m = need(text, hv(r'Memory: (\d+) KiB usable \((\d+) frames\)'), '"Memory:" line')
        usable = int(m.group(1))
        ctx.note('Memory: %d KiB usable for -m %s (%d KiB)' % (usable, mem, kib))
        if abs(usable - kib) > 2048:
            raise Fail('Memory: %d KiB is not within 2048 KiB of -m %s = %d KiB'
                       % (usable, mem, kib))
        s.send('m')
        m, _ = s.line(r'Frames: total (\d+), free (\d+), hypervisor (\d+), firmware (\d+)',
                      'the "Frames:" line after "m"')
        ctx.note(m.group(0))
        if int(m.group(2)) == 0:
            raise Fail('no free frames')
        power_off(s)
    return run


for _mem, _kib in (('128M', 128 << 10), ('256M', 256 << 10), ('1G', 1 << 20), ('4G', 4 << 20)):
    register('memory_' + _mem, '-m %s: "Memory:" within 2 MiB of %d KiB; "m" shows free frames%s.'
             % (_mem, _kib, ' (RAM above 4 GiB)' if _mem == '4G' else ''))(memory_test(_mem, _kib))


def smp_test(n):
    def run(ctx):
        s = ctx.boot(smp=n)
        need(s.ready(), hv(r'CPUs: %d online$' % n), '"CPUs: %d online"' % n)
        s.send('c')
        m, _ = s.line(r'IPI check: (\d+)/(\d+) CPUs answered', 'the "IPI check:" line after "c"')
        if (int(m.group(1)), int(m.group(2))) != (n, n):
            raise Fail('IPI check: %s/%s CPUs answered, wanted %d/%d'
                       % (m.group(1), m.group(2), n, n))
        power_off(s)
    return run


for _n in (1, 2, 4):
    register('smp_%d' % _n, '-smp %d: "CPUs: %d online" and "c" gets an IPI answer from every CPU.'
             % (_n, _n))(smp_test(_n))


@register('timer_accuracy')
def t_timer_accuracy(ctx):
    """'t': the timer check PASSes with |error| <= 1.0 % by the TSC; soft-timer lateness shown."""
    s = ctx.boot()
    s.ready()
    s.send('t')
    m, _ = s.line(r'Timer check: (\d+) ticks, expected (\d+) ns, measured (\d+) ns by TSC, '
                  r'error (-?[\d.]+)%: (PASS|FAIL)', 'the "Timer check:" line after "t"')
    ctx.note(m.group(0))
    soft, _ = s.line(r'Soft timers: (\d+) fired, lateness median (\d+) ns, max (\d+) ns',
                     'the "Soft timers:" line')
    ctx.note(soft.group(0))
    if m.group(5) != 'PASS':
        raise Fail('the hypervisor reports the timer check as FAIL')
    if abs(float(m.group(4))) > 1.0:
        raise Fail('timer error %s%% is above 1.0%%' % m.group(4))
    power_off(s)


@register('console_ring')
def t_console_ring(ctx):
    """'l': the console ring dump holds the "Command line:" and "Hearth ready" lines."""
    s = ctx.boot()
    s.ready()
    s.send('l')
    m, _ = s.line(r'Console ring: (\d+) bytes kept', 'the "Console ring:" line after "l"')
    ctx.note(m.group(0))
    marker = r'(?m)^(?:\(HV\) )?--- console ring %s ---' + EOL
    s.expect(marker % 'begin', 'the "--- console ring begin ---" line')
    _, ring = s.expect(marker % 'end', 'the "--- console ring end ---" line')
    need(ring, r'Command line: ', '"Command line:" in the ring')
    need(ring, READY, '"Hearth ready" in the ring')
    power_off(s)


# kind: (header regex, error-code words that must be present, extra (regex, what) checks)
FAULTS = {
    'null': (r'FATAL: #PF page fault \(vector 14\)', {'read', 'not-present', 'supervisor'},
             [(hv(r'CR2: 0x0000000000000008\b'), '"CR2: 0x0000000000000008"')]),
    'ud': (r'FATAL: #UD invalid opcode \(vector 6\)', set(), []),
    'de': (r'FATAL: #DE divide error \(vector 0\)', set(), []),
    'gp': (r'FATAL: #GP general protection \(vector 13\)', set(), []),
    'nx': (r'FATAL: #PF page fault \(vector 14\)', {'instruction fetch'}, []),
    'wp': (r'FATAL: #PF page fault \(vector 14\)', {'present', 'write'}, []),
    'stack': (r'FATAL: #DF double fault \(vector 8\)', set(), []),
    'assert': (r'PANIC: ', set(), []),
}


def fault_test(kind):
    header, words, extra = FAULTS[kind]

    def run(ctx):
        s = ctx.boot(extra='test_fault=' + kind, smp=2)  # the other CPU is stopped by NMI
        _, text = s.line(r'\*\*\* System halted', 'the "*** System halted" line')
        s.finish(STATUS_FATAL)
        if re.search(READY, text):
            raise Fail('"Hearth ready" printed although test_fault runs before it')
        m = need(text, hv(r'\*\*\* ' + header + r'.*$'), '"*** %s"' % header.replace('\\', ''))
        if words:
            code = re.search(r'error code 0x[0-9a-f]+ \[([^\]]*)\]', m.group(0))
            got = set(w.strip() for w in code.group(1).split(',')) if code else set()
            if not words <= got:
                raise Fail('error code words %s lack %s' % (sorted(got), sorted(words - got)))
        for pattern, what in extra:
            need(text, pattern, what)
        need_in_order(text[m.start():], [
            (hv(r'Backtrace:'), '"Backtrace:"'),
            (r'^\(HV\)\s+0x[0-9a-f]+ test_fault\w*', 'a backtrace line in test_fault*'),
            (hv(r'\*\*\* System halted'), '"*** System halted"')])
    return run


for _kind, (_hdr, _words, _extra) in FAULTS.items():
    _doc = '%s%s%s' % (_hdr.replace('\\', '').rstrip(': '), ' [%s]' % ', '.join(sorted(_words))
                       if _words else '', ''.join(', ' + w for _, w in _extra))
    register('fault_' + _kind, 'test_fault=%s: %s; backtrace via test_fault*, halted, status 35.'
             % (_kind, _doc))(fault_test(_kind))


@register('cmdline_malformed')
def t_cmdline_malformed(ctx):
    """Unknown options and bad values are each reported, and the boot still reaches ready."""
    s = ctx.boot(extra='loglvl=bogus frobnicate=1 dom0_mem=xyz')
    text = s.ready()
    need(text, hv(r"cmdline: unknown option 'frobnicate'"), "unknown option 'frobnicate'")
    need(text, hv(r"cmdline: bad value 'bogus' for option 'loglvl'"), "bad value 'bogus'")
    need(text, hv(r"cmdline: bad value 'xyz' for option 'dom0_mem'"), "bad value 'xyz'")
    power_off(s)


def cpu_test(cpu):
    def run(ctx):
        s = ctx.boot(cpu=cpu)
        s.ready()
        power_off(s)
    return run


for _name, _cpu, _why in (('qemu64', 'qemu64', ' (no SMEP/SMAP/1G pages)'),
                         ('nosmap', 'max,-smap', '')):
    register('cpu_' + _name, '-cpu %s%s boots to ready; "o" -> 33.' % (_cpu, _why))(cpu_test(_cpu))


@register('reboot')
def t_reboot(ctx):
    """'R' prints "Rebooting" and resets: under -no-reboot QEMU exits with status 0."""
    s = ctx.boot()
    s.ready()
    s.send('R')
    s.line(r'Rebooting')
    s.finish(STATUS_RESET)


@register('poweroff_acpi')
def t_poweroff_acpi(ctx):
    """Without qemu_exit, 'o' powers off through ACPI S5 (FADT PM1a_CNT, DSDT _S5): QEMU quits."""
    s = ctx.boot(cmdline='console=com1 loglvl=all')
    s.ready()
    s.send('o')
    s.line(r'Powering off')
    s.finish(STATUS_RESET)
    if 'Power-off failed' in s.log.text():
        raise Fail('the hypervisor says the ACPI power-off failed')


@register('noreboot_fault')
def t_noreboot_fault(ctx):
    """Without qemu_exit, noreboot keeps a crashed machine halted (no reboot after the report)."""
    s = ctx.boot(cmdline='console=com1 loglvl=all noreboot test_fault=ud')
    s.line(r'\*\*\* System halted')
    time.sleep(1.0)
    if 'Rebooting' in s.log.text():
        raise Fail('noreboot was given but the hypervisor rebooted')
    s.kill()


BOCHSRC = """megs: 256
cpu: model=corei7_skylake_x, count=2, ips=100000000, reset_on_triple_fault=0
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=bochs.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=serial.txt
display_library: rfb, options="timeout=0"
clock: sync=none, time0=local
log: bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
"""


@register('bochs_x2apic')
def t_bochs_x2apic(ctx):
    """Bochs, Skylake-X model (x2APIC, which QEMU TCG lacks): both CPUs up in x2APIC mode, timers
    calibrated, a fault report; Bochs has no debug-exit, so the serial log decides."""
    for tool in ('bochs', 'grub-mkrescue'):
        if shutil.which(tool) is None:
            raise Fail('%s is not installed (make deps installs it)' % tool)
    work = os.path.dirname(ctx.tmpfile('bochsrc', BOCHSRC.encode()))
    os.makedirs(os.path.join(work, 'iso/boot/grub'))
    shutil.copy(os.path.join(ctx.opts.build, 'hyp/hyp.elf'), os.path.join(work, 'iso/boot'))
    with open(os.path.join(work, 'iso/boot/grub/grub.cfg'), 'w') as f:
        f.write('set timeout=0\nmenuentry "Hearth" {\n multiboot2 /boot/hyp.elf console=com1 '
                'loglvl=all noreboot test_fault=ud\n boot\n}\n')
    subprocess.run(['grub-mkrescue', '-o', os.path.join(work, 'bochs.iso'),
                    os.path.join(work, 'iso')], capture_output=True, check=True)
    ctx.tmpfile('cont.rc', b'continue\nquit\n')
    serial = os.path.join(work, 'serial.txt')
    proc = subprocess.Popen(['bochs', '-q', '-f', 'bochsrc', '-rc', 'cont.rc'], cwd=work,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    text, end = '', time.monotonic() + min(ctx.remaining(), 90)
    try:
        while time.monotonic() < end and '*** System halted' not in text:
            time.sleep(0.5)
            if os.path.exists(serial):
                with open(serial, errors='replace') as f:
                    text = f.read().replace('\r', '')
    finally:
        proc.kill()
        proc.wait()
    if '*** System halted' not in text:
        raise Fail('Bochs did not reach the fault report in time; serial log:\n' + text[-2000:])
    need(text, hv(r'CPU: .* x2apic'), 'x2apic in the "CPU:" line')
    need(text, hv(r'CPUs: 2 online'), '"CPUs: 2 online"')
    need(text, hv(r'TSC: [\d.]+ MHz'), 'the TSC calibration line')
    need(text, hv(r'\*\*\* FATAL: #UD invalid opcode'), 'the #UD report')
    need(text, hv(r'  0x[0-9a-f]+ test_fault_ud'), 'test_fault_ud in the backtrace')


# ----------------------------------------------------------------------------------------------
# PV test kernels (tests/guests/), each booted as dom0 (PVH -kernel hyp.elf -initrd test.elf).

GUEST_RESULT = r'\(d0\) Test result: (SUCCESS|FAILURE|ERROR|SKIP)[^\r\n]*'


def guest_test(ctx, name):
    """Boot build/guests/<name>.elf as dom0; SUCCESS, a clean frame audit, then a clean
    power-off through Hearth (which shows the hypervisor survived whatever the test threw at
    it)."""
    kernel = os.path.join(ctx.opts.build, 'guests', name + '.elf')
    if not os.path.exists(kernel):
        raise Fail('%s is missing (make builds it)' % kernel)
    s = ctx.boot(extra='dom0_mem=64M', initrd=kernel)
    m, _ = s.expect(GUEST_RESULT, 'the "Test result:" line of the guest')
    line = m.group(0).replace('\r', '')
    ctx.note(line)
    if m.group(1) != 'SUCCESS':
        raise Fail(line)
    s.line(r'd0 audit: clean', 'a clean frame audit (types and references) before teardown')
    s.line(r'd0 destroyed: .*: all returned', 'every frame of dom0 back in the allocator')
    s.line(r'Powering off', 'the hypervisor powering off after the guest')
    s.finish(STATUS_OFF)
    if re.search(r'\*\*\* (FATAL|PANIC)', s.log.text()):
        raise Fail('the hypervisor reported a fatal error')


def guest_console_read_test(ctx):
    """console_read as dom0: Ctrl-A three times switches the serial input to dom0 (Hearth says
    so), then "ping" reaches the guest through CONSOLEIO_read."""
    kernel = os.path.join(ctx.opts.build, 'guests', 'console_read.elf')
    s = ctx.boot(extra='dom0_mem=64M', initrd=kernel)
    s.expect(r'\(d0\) console_read: waiting for input', 'the guest waiting for input')
    s.send('\x01\x01\x01')
    s.line(r'\*\*\* Serial input to DOM0', 'the switch of the serial input to dom0')
    s.send('ping')
    m, _ = s.expect(GUEST_RESULT, 'the "Test result:" line of the guest')
    if m.group(1) != 'SUCCESS':
        raise Fail(m.group(0))
    s.finish(STATUS_OFF)


def guest_crash_test(ctx):
    """crash as dom0: an exception with no handler crashes dom0; Hearth names the reason, dumps
    the guest's registers (r12 = 0x1234abcd as the kernel set it) and stops (status 35)."""
    kernel = os.path.join(ctx.opts.build, 'guests', 'crash.elf')
    s = ctx.boot(extra='dom0_mem=64M', initrd=kernel)
    s.line(r'd0 crashed: exception without a handler', 'the crash reason')
    s.line(r'd0 shut down: crash', 'the shutdown line')
    s.line(r'd0 v0 kernel mode: RIP', 'the guest register dump')
    s.line(r'R9 .* R12 000000001234abcd', "the guest's r12 in the dump")
    s.finish(STATUS_FATAL)


def _register_guests():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'guests')
    for name in sorted(os.listdir(here)):
        # A PENDING file names what the test still waits for in Hearth; it is built, not run.
        if os.path.isfile(os.path.join(here, name, 'PENDING')):
            continue
        # A SCENARIO_ONLY kernel needs other domains: the scenarios below boot it.
        if os.path.isfile(os.path.join(here, name, 'SCENARIO_ONLY')):
            continue
        if name == 'console_read':
            register('guest_console_read')(guest_console_read_test)
            continue
        if os.path.isfile(os.path.join(here, name, 'CRASHES')):
            register('guest_' + name)(guest_crash_test)
            continue
        if os.path.isfile(os.path.join(here, name, 'main.c')):
            register('guest_' + name, 'PV test kernel %s as dom0: Test result: SUCCESS, clean '
                     'power-off' % name)(lambda ctx, n=name: guest_test(ctx, n))


_register_guests()


# ----------------------------------------------------------------------------------------------
# Multi-domain scenarios (tests/guests/scenarios/<name>.dts -> build/guests/<name>.dtb): one
# device tree of boot-time domains, passed as the only module (PVH -initrd), no dom0. Every
# domain ends on its own; the last one's teardown powers the machine off.

DOM_RESULT = r'\(d(\d+)\) Test result: (SUCCESS|FAILURE|ERROR|SKIP)[^\r\n]*'
LAST_DOMAIN = r'\(HV\) no domain left: powering off'


def dom_lines(text, domid, pattern):
    """Matches of pattern in the console lines of domain domid ('(dN) ' stripped)."""
    return [m for m in re.finditer(r'(?m)^\(d%d\) (?:%s)' % (domid, pattern), text)]


def scenario_test(ctx, name, success, crashed=(), timeout=60.0, check=None):
    """Boot build/guests/<name>.dtb with 2 CPUs and 512 MiB. Every domain in success prints
    exactly one "Test result: SUCCESS", every domain in crashed is reported crashed by Hearth;
    each one is audited clean and destroyed, the last teardown returns every frame, Hearth
    powers off (status 33). Then check(ctx, log) for scenario-specific figures."""
    dtb = os.path.join(ctx.opts.build, 'guests', name + '.dtb')
    if not os.path.exists(dtb):
        raise Fail('%s is missing (make builds it)' % dtb)
    ctx.extend_timeout(timeout)
    s = ctx.boot(smp=2, mem='512M', initrd=dtb)
    t_ready = None
    while True:
        m, _ = s.expect(r'(?:%s|%s|\(HV\) %s)' % (DOM_RESULT, LAST_DOMAIN, READY),
                        'every domain\'s result and "no domain left: powering off"')
        if re.search(READY, m.group(0)):
            t_ready = time.monotonic()
        elif re.search(LAST_DOMAIN, m.group(0)):
            break
    elapsed = time.monotonic() - (t_ready or s.t0)
    s.line(r'Powering off', 'the hypervisor powering off after the last domain')
    s.finish(STATUS_OFF)
    log = s.log.text()
    n = len(success) + len(crashed)
    ctx.note('%s: %d domain%s done %.1f s after "Hearth ready" (TCG, -smp 2)'
             % (name, n, '' if n == 1 else 's', elapsed))
    for m in re.finditer(r'(?m)^\(d\d+\) bench [^\n]*', log):
        ctx.note(m.group(0))
    problems = []
    for d in success:
        results = dom_lines(log, d, r'Test result: .*')
        if len(results) != 1 or results[0].group(0) != '(d%d) Test result: SUCCESS' % d:
            problems.append('d%d: %s' % (d, '; '.join(r.group(0) for r in results)
                                         or 'no "Test result:" line'))
    for d in crashed:
        if not re.search(hv(r'd%d crashed: ' % d), log, re.M):
            problems.append('d%d: no "d%d crashed:" line' % (d, d))
        if not re.search(hv(r'd%d shut down: crash$' % d), log, re.M):
            problems.append('d%d: no "d%d shut down: crash" line' % (d, d))
    for d in list(success) + list(crashed):
        if not re.search(hv(r'd%d audit: clean' % d), log, re.M):
            problems.append('d%d: no clean frame audit' % d)
        if not re.search(hv(r'd%d destroyed: ' % d), log, re.M):
            problems.append('d%d: not destroyed' % d)
    others = sorted({int(m.group(1)) for m in re.finditer(hv(r'd(\d+) shut down: '), log, re.M)}
                    - set(success) - set(crashed))
    if others:
        problems.append('unexpected domains shut down: %s' % ', '.join('d%d' % d for d in others))
    if not re.search(hv(r'd\d+ destroyed: .*: all returned$'), log, re.M):
        last = re.findall(hv(r'(d\d+ destroyed: .*)$'), log, re.M)
        problems.append('the last teardown does not say "all returned" (%s)'
                        % (last[-1] if last else 'no "destroyed" line'))
    if re.search(r'\*\*\* (FATAL|PANIC)', log):
        problems.append('the hypervisor reported a fatal error')
    if problems:
        raise Fail('; '.join(problems))
    if check:
        check(ctx, log)


def register_scenario(name, doc, success, **kw):
    register('scenario_' + name, doc)(lambda ctx: scenario_test(ctx, name, success, **kw))


def bench_figure(log, domid, bench, field='median'):
    """The number after <field>= in domain domid's "bench <bench> ..." line."""
    m = dom_lines(log, domid, r'bench %s .*\b%s=(\d+)' % (re.escape(bench), field))
    if len(m) != 1:
        raise Fail('d%d printed %d "bench %s ... %s=" lines, wanted 1'
                   % (domid, len(m), bench, field))
    return int(m[0].group(1))


def check_pingpong(bench):
    def check(ctx, log):
        n = bench_figure(log, 2, bench, 'n')
        if n != 100000:
            raise Fail('bench %s: n=%d round trips, wanted 100000' % (bench, n))
        for d, what in ((1, r'pong: 100000 events received, 100000 sent'),
                        (2, r'ping: 100000 events sent, 100000 received')):
            if not dom_lines(log, d, what):
                raise Fail('d%d did not print "%s"' % (d, what))
        bench_figure(log, 2, bench)
    return check


def check_crash_isolation(ctx, log):
    # d2 is built (and runnable) first and spins 3 s: it lives through d1's whole life.
    need_in_order(log, [(hv(r'd2: \d+ MiB'), 'd2 built'),
                        (hv(r'Building d1 '), 'd1 built after d2'),
                        (hv(r'd1 crashed: exception without a handler'), 'd1\'s crash'),
                        (hv(r'd1 destroyed: '), 'd1\'s teardown'),
                        (r'^\(d2\) hog: running=', 'd2 still running after the crash'),
                        (r'^\(d2\) Test result: SUCCESS', 'd2\'s SUCCESS')])
    need(log, hv(r'd1 v0 kernel mode: RIP'), 'the register dump of d1')
    ctx.note(need(log, r'^\(d2\) hog: .*', 'the hog line').group(0))


def check_timer_virq(ctx, log):
    bench_figure(log, 1, 'timer_lateness')
    for what in (r'periodic 5 ms: .*', r'runstate v0 .*', r'vCPU 0: \d+ reads.*'):
        ctx.note(need(log, r'^\(d1\) ' + what, 'the "%s" line of d1' % what).group(0))


def dom_figures(log, domid, prefix):
    """The name=<int> pairs of domain domid's single '<prefix>: ...' line, as a dict."""
    m = dom_lines(log, domid, re.escape(prefix) + r': .*')
    if len(m) != 1:
        raise Fail('d%d printed %d "%s:" lines, wanted 1' % (domid, len(m), prefix))
    return {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', m[0].group(0))}


def check_within(what, value, want, rel):
    if abs(value - want) > rel * want:
        raise Fail('%s is %.3f, wanted %.3f within %g %%' % (what, value, want, rel * 100))


def check_weights(ctx, log):
    light, heavy = dom_figures(log, 1, 'hog'), dom_figures(log, 2, 'hog')
    ratio = heavy['running'] / max(light['running'], 1)
    ctx.note('sched_weights: running d1 (weight 256) %.3f s, d2 (weight 512) %.3f s, ratio %.3f '
             '(wanted 2.0 +- 5 %%)' % (light['running'] / 1e9, heavy['running'] / 1e9, ratio))
    check_within('the running-time ratio d2/d1 (weights 512/256)', ratio, 2.0, 0.05)


def check_cap(ctx, log):
    hog, sleeper = dom_figures(log, 1, 'hog'), dom_figures(log, 2, 'sleeper')
    share = hog['running'] / hog['elapsed']
    idle = sleeper['running'] / sleeper['elapsed']
    ctx.note('sched_cap: d1 (cap 50) ran %.1f %% of %.3f s; d2 (blocked) ran %.3f %%'
             % (share * 100, hog['elapsed'] / 1e9, idle * 100))
    check_within('the running share of d1 (cap 50)', share, 0.5, 0.05)
    if idle >= 0.01:
        raise Fail('d2 ran %.2f %% of the time while blocked (limit 1 %%)' % (idle * 100))


def check_io(ctx, log):
    io = dom_figures(log, 1, 'io')
    hogs = [dom_figures(log, d, 'hog') for d in (2, 3)]
    bench_figure(log, 1, 'wake_latency_with_hogs')
    ctx.note('sched_io: d1 slept 500 x 1 ms in %.3f s, running %.3f s; hogs ran %.3f s and '
             '%.3f s of %.3f s' % (io['elapsed'] / 1e9, io['running'] / 1e9,
                                   hogs[0]['running'] / 1e9, hogs[1]['running'] / 1e9,
                                   hogs[0]['elapsed'] / 1e9))
    if io['elapsed'] > min(h['elapsed'] for h in hogs):
        raise Fail('d1 took %.3f s: longer than the hogs spun (%.3f s), so not all of its '
                   'sleeps were measured next to them'
                   % (io['elapsed'] / 1e9, min(h['elapsed'] for h in hogs) / 1e9))


def check_hostile(ctx, log):
    need(log, r'^\(d3\) attacker: 31 ports allocated, then -28$', 'd3 allocating 31 ports, '
         'then -ENOSPC')
    need_in_order(log, [(r'^\(d1\) owner: port \d+ for d2, port \d+ for d3', 'd1\'s ports'),
                        (r'^\(d3\) attacker: bound port \d+ to d1 port \d+', 'd3\'s bind')])


# Each scenario and what it expects (the list of scenarios is GUEST_SCENARIOS in
# tests/guests/guests.mk).
register_scenario('evt_pingpong', 'd1 pong / d2 ping, both on CPU 0: 100,000 event-channel '
                  'round trips, none lost; bench evtchn_rtt_same_cpu', (1, 2), timeout=240,
                  check=check_pingpong('evtchn_rtt_same_cpu'))
register_scenario('evt_pingpong_smp', 'd1 pong on CPU 1 / d2 ping on CPU 0: 100,000 '
                  'cross-CPU round trips, none lost; bench evtchn_rtt_cross_cpu', (1, 2),
                  timeout=300, check=check_pingpong('evtchn_rtt_cross_cpu'))
register_scenario('evt_hostile', 'event_channel_op refusals (closed, free, foreign and '
                  'out-of-range ports, foreign domains), exhaustion at max-evtchn-port 31 '
                  '(-ENOSPC), a port for d2 that d3 cannot bind', (1, 3), check=check_hostile)
register_scenario('many_domains', 'd1..d8, 16 MiB each, running time_info on 2 CPUs: all '
                  'SUCCESS, every frame returned', tuple(range(1, 9)), timeout=120)
register_scenario('crash_isolation', 'd1 runs crash (ud2, no trap table) while d2 spins 3 s: '
                  'd1 crashed and torn down, d2 goes on to SUCCESS, all frames returned', (2,),
                  crashed=(1,), check=check_crash_isolation)
register_scenario('timer_virq', 'one domain, 2 vCPUs: VIRQ_TIMER never early (bench '
                  'timer_lateness), singleshot -ETIME, 5 ms periodic, runstate sums, vCPU 1 up '
                  'and time monotonic across vCPUs', (1,), check=check_timer_virq)
register_scenario('sched_weights', 'two CPU hogs on CPU 0, weights 256 and 512: running '
                  'times 1:2 within 5 %', (1, 2), check=check_weights)
register_scenario('sched_cap', 'a CPU hog alone on CPU 1 with cap 50: runs 50 % within 5 %; '
                  'a domain blocked 3 s in poll runs < 1 %', (1, 2), check=check_cap)
register_scenario('sched_io', 'a domain sleeping 500 x 1 ms in poll next to two CPU hogs on '
                  'CPU 0: never woken early; bench wake_latency_with_hogs', (1, 2, 3),
                  check=check_io)


@register('loglvl_error')
def t_loglvl_error(ctx):
    """loglvl=error hides info lines ("TSC:") but "Hearth ready" still shows; "o" -> 33."""
    s = ctx.boot(cmdline='console=com1 loglvl=error qemu_exit')
    text = s.ready()
    if re.search(hv(r'TSC:'), text, re.M):
        raise Fail('the info-level "TSC:" line is shown with loglvl=error')
    s.send('o')
    s.finish(STATUS_OFF)


# ----------------------------------------------------------------------------------------------

def run_one(name, opts):
    """Run one test; print its result and, on failure, the reason and the serial tail."""
    fn, _ = TESTS[name]
    ctx = Ctx(opts)
    t0 = time.monotonic()
    reason = None
    try:
        fn(ctx)
    except Fail as e:
        reason = str(e)
    except Exception:  # a bug in the test or the runner still counts as a failure
        reason = 'runner error:\n' + traceback.format_exc().rstrip()
    finally:
        for s in ctx.sessions:
            s.close()
        if ctx.tmpdir:
            shutil.rmtree(ctx.tmpdir, ignore_errors=True)
    if opts.verbose and ctx.sessions and not ctx.sessions[-1].log.text().endswith('\n'):
        print()
    print('%s %s (%.2f s)' % ('PASS' if reason is None else 'FAIL', name, time.monotonic() - t0))
    for n in ctx.notes:
        print('  ' + n)
    if reason is not None:
        print('  reason: ' + reason)
        if ctx.sessions:
            s = ctx.sessions[-1]
            tail = s.log.text().splitlines()[-60:]
            print('  --- last %d serial lines ---' % len(tail))
            for l in tail:
                print('  | ' + l)
            for l in s.stderr[-20:]:
                print('  qemu stderr: ' + l)
            print('  command: ' + ' '.join(shlex.quote(a) for a in s.argv))
    sys.stdout.flush()
    return reason is None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--build', default='build', help='build directory (default: build)')
    ap.add_argument('--list', action='store_true', help='list the tests and exit')
    ap.add_argument('--only', help='comma-separated names or substrings of names to run')
    ap.add_argument('-v', '--verbose', action='store_true', help='echo the serial stream')
    ap.add_argument('--timeout', type=float, default=60.0, help='seconds per test (default 60)')
    ap.add_argument('--qemu', default=os.environ.get('HEARTH_QEMU', 'qemu-system-x86_64'),
                    help='QEMU binary (default: $HEARTH_QEMU or qemu-system-x86_64)')
    opts = ap.parse_args()
    opts.build = os.path.abspath(opts.build)
    if opts.list:
        width = max(len(n) for n in TESTS)
        for name, (_, doc) in TESTS.items():
            print('%-*s  %s' % (width, name, doc))
        return 0
    names = list(TESTS)
    if opts.only:
        keys = [k.strip() for k in opts.only.split(',') if k.strip()]
        # A key that names a test exactly selects only it ("smp_1"); otherwise it is a substring.
        names = [n for n in names if any(k == n or (k not in TESTS and k in n) for k in keys)]
        if not names:
            ap.error('--only %s matches no test (see --list)' % opts.only)
    passed = sum(run_one(n, opts) for n in names)
    print('%d passed, %d failed' % (passed, len(names) - passed))
    return 1 if passed < len(names) else 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:     # run_one has already killed QEMU
        sys.exit(130)
