#!/usr/bin/env python3
"""Run the whole test suite through meson and print one closing line,
covering every build given (the normal one, and with --sanitized the
AddressSanitizer + UndefinedBehaviorSanitizer one, where the unit and
process tests run again; the fuzzers are sanitized already, and the SDK
install test, the .deb package test, the VM interop suite, the valgrind run
(ASan and valgrind do not mix), the bench smoke run and the lints (Python
over the source tree) are not repeated),
"N passed, N failed", counting every test case that ran: a test program that
prints its own "N passed, M failed" line (every CUnit program and process
test does) counts as N+M cases, any other test counts as one. A test that
was skipped is reported with its reason, and counted as skipped.

The whole suite's VM tests (suite interop: each boots a QEMU guest, one
at a time, mostly waiting on the guest) run in a meson of their own beside
the rest (the normal build's other tests, then the sanitized pass), not
in front of a core left idle: same tests, same counts, its log
meson-logs/testlog-interop.*. VPDND_CHECK_SERIAL=1 runs them in line as
before.

A run leaves nothing behind: processes, network namespaces and temporary
files are snapshotted before and after (see leftovers()); anything of the
run's still there at the end is listed and counted as a failure."""
import glob
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

COUNT_RE = re.compile(r'^\s*(?:\w+:\s*)?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$')
TEST_NAME_RE = re.compile(r'^\s*Test: ')
SKIP_RE = re.compile(r'^SKIP(?:PED)?:\s*(.*)$', re.M)


# What the tests start (argv[0]'s base name): a new one of these after the
# run is a leftover unless it belongs to another run (see _proc_is_ours).
WATCHED = {'vpdnd', 'vpdnctl', 'dbus-daemon', 'busctl', 'xl2tpd', 'pppd',
           'qemu-system-x86_64', 'tshark', 'dumpcap', 'l2tpns', 'nsctl',
           'freeradius', 'radiusd', 'valgrind', 'testcarrier', 'fake-l2tp-node',
           'socat'}
# Temporary files the tests make in /tmp whatever TMPDIR says (the C unit
# tests' UNIX sockets); everything else goes under the run's own TMPDIR,
# so that another run's /tmp/vpdnd-test.* is not taken for ours.
TMP_GLOBS = ['/tmp/vpdnd-isdn-*', '/tmp/isdn-serial.*']
# Set in the environment of every test of this run, so that its processes
# are told from those of another run (or of a running service).
TOKEN_VAR = 'VPDND_CHECK_RUN'


def _proc_table():
    """{(pid, starttime): (argv0 base name, cmdline, environ)} of every process."""
    table = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/stat') as f:
                stat = f.read()
            fields = stat[stat.rindex(')') + 2:].split()
            if fields[0] == 'Z':
                continue  # dead already, waiting for its parent
            with open(f'/proc/{d}/cmdline', 'rb') as f:
                argv = [a.decode(errors='replace') for a in f.read().split(b'\0') if a]
            try:
                with open(f'/proc/{d}/environ', 'rb') as f:
                    environ = f.read().split(b'\0')
            except OSError:
                environ = []
        except (OSError, ValueError):
            continue  # gone meanwhile, or a kernel thread
        if not argv:
            continue
        table[(int(d), fields[19])] = (os.path.basename(argv[0]), ' '.join(argv), environ)
    return table


def _netns():
    out = subprocess.run(['ip', 'netns', 'list'], capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def _tmp_entries():
    return {p for g in TMP_GLOBS for p in glob.glob(g)}


def snapshot():
    return {'procs': set(_proc_table()), 'netns': _netns(), 'tmp': _tmp_entries()}


def _proc_is_ours(environ, token, builds):
    """A process carrying this run's token is ours; one carrying another
    run's token (or the test environment of another build tree) is not;
    any other (a service a package started, a process that cleared its
    environment) is counted."""
    tag = f'{TOKEN_VAR}={token}'.encode()
    if tag in environ:
        return True
    for e in environ:
        if e.startswith(f'{TOKEN_VAR}='.encode()):
            return False
        if e.startswith(b'VPDND_BUILD_ROOT='):
            root = os.path.realpath(e.split(b'=', 1)[1].decode(errors='replace'))
            if root not in builds:
                return False
    return None


def _held_by_other_run(name, token):
    """Tests name their namespaces and /tmp sockets after their pid
    (vscn$$, vpdnd-isdn-ppp-<pid>.sock). A name holding the pid of a live
    process that is not of this run belongs to a test still running
    elsewhere, not to a leftover of ours."""
    tag = f'{TOKEN_VAR}={token}'.encode()
    for digits in re.findall(r'\d{2,}', os.path.basename(name)):
        try:
            with open(f'/proc/{int(digits)}/environ', 'rb') as f:
                environ = f.read().split(b'\0')
        except (OSError, ValueError):
            continue
        if tag not in environ:
            return True
    return False


def leftovers(before, token, builds, tmpdir, grace=5.0):
    """What the run left: processes, namespaces and temporary files that
    were not there before. Waits up to GRACE seconds for processes that
    are on their way out. Stops the run's own leftover processes and
    removes its TMPDIR (after listing them). Returns the rows."""
    builds = {os.path.realpath(b) for b in builds}
    deadline = time.monotonic() + grace
    while True:
        procs = {}
        for key, (name, cmd, environ) in _proc_table().items():
            if key in before['procs'] or key[0] == os.getpid():
                continue
            ours = _proc_is_ours(environ, token, builds)
            if ours or (ours is None and name in WATCHED):
                procs[key] = (name, cmd, bool(ours))
        if not procs or time.monotonic() >= deadline:
            break
        time.sleep(0.25)
    rows = []
    for (pid, _), (name, cmd, ours) in sorted(procs.items()):
        rows.append(f'FAILED  leftover process {pid} ({name}): {cmd[:160]}')
        if ours:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    for ns in sorted(_netns() - before['netns']):
        if not _held_by_other_run(ns, token):
            rows.append(f'FAILED  leftover network namespace {ns}')
    for p in sorted(_tmp_entries() - before['tmp']):
        if not _held_by_other_run(p, token):
            rows.append(f'FAILED  leftover temporary file {p}')
    for p in sorted(os.listdir(tmpdir)):
        rows.append(f'FAILED  leftover temporary file {os.path.join(tmpdir, p)}')
    shutil.rmtree(tmpdir, ignore_errors=True)
    return rows


def start_build(build, extra, env=None, logbase='testlog', jobs=None, rebuild=True):
    """Start meson test in one build dir; returns the Popen."""
    cmd = ['meson', 'test', '-C', build, '--print-errorlogs', '--num-processes',
           jobs or os.environ.get('VPDND_TEST_JOBS', '2'), '--logbase', logbase]
    if not rebuild:
        cmd.append('--no-rebuild')
    return subprocess.Popen(cmd + extra, env=env)


def run_build(build, extra, label, env=None, logbase='testlog', proc=None, rebuild=True):
    """meson test in one build dir (or wait for PROC, started by
    start_build); returns (passed, failed, skipped, rows, rc)."""
    if proc is None:
        proc = start_build(build, extra, env, logbase, rebuild=rebuild)
    rc = proc.wait()
    log = os.path.join(build, 'meson-logs', logbase + '.json')
    passed = failed = skipped = 0
    rows = []
    try:
        with open(log) as f:
            entries = [json.loads(line) for line in f if line.strip()]
    except OSError as e:
        rows.append(f'FAILED  {label}: cannot read {log}: {e}')
        return 0, 1, 0, rows, 1
    if not entries:
        rows.append(f'FAILED  {label}: no test ran')
        return 0, 1, 0, rows, 1
    for e in entries:
        name = label + e.get('name', '?')
        result = e.get('result', 'FAIL')
        out = e.get('stdout') or ''
        p = f = None
        s = 0
        for line in reversed(out.splitlines()):
            m = COUNT_RE.match(line)
            if m:
                p, f, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
                break
        if result == 'SKIP':
            reason = SKIP_RE.search(out)
            rows.append(f'SKIPPED {name}: {reason.group(1) if reason else "no reason given"}')
            skipped += 1
            continue
        ok = result in ('OK', 'EXPECTEDFAIL')
        if p is None:
            p, f = (1, 0) if ok else (0, 1)
        elif not ok and f == 0:
            f = 1  # crashed or exited non-zero after its count line
        passed += p
        failed += f
        skipped += s
        if f:
            rows.append(f'FAILED  {name}: {f} failed ({result})')
    return passed, failed, skipped, rows, rc


def scan_secrets(builds):
    """Grep every test's captured output and the node logs the process
    tests kept for the secrets the suite configures. Returns (ok, rows)."""
    here = os.path.dirname(os.path.abspath(__file__))
    patterns = []
    with open(os.path.join(here, 'secrets.txt')) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                patterns.append(re.compile(line))
    files = []
    for b in builds:
        for base in ('testlog', 'testlog-interop'):
            files.append(os.path.join(b, 'meson-logs', base + '.txt'))
        for root, _, names in os.walk(os.path.join(b, 'test-logs')):
            files += [os.path.join(root, n) for n in names]
    rows, scanned, node_logs = [], 0, 0
    for path in files:
        try:
            with open(path, errors='replace') as f:
                text = f.read()
        except OSError:
            continue
        scanned += 1
        node_logs += 'test-logs' in path
        for lineno, line in enumerate(text.splitlines(), 1):
            if TEST_NAME_RE.match(line):  # CUnit's list of test names
                continue
            for p in patterns:
                if p.search(line):
                    rows.append(f'FAILED  secrets-in-logs: {path}:{lineno}: matches /{p.pattern}/')
                    break
    if node_logs == 0:
        rows.append('FAILED  secrets-in-logs: no node logs were kept to scan')
    else:
        print(f'secrets-in-logs: {len(patterns)} secrets, {scanned} files '
              f'({node_logs} node logs): {"clean" if not rows else "FOUND"}')
    return not rows, rows[:20]


def main():
    args = sys.argv[1:]
    sanitized = None
    if '--sanitized' in args:
        i = args.index('--sanitized')
        sanitized = args[i + 1]
        del args[i:i + 2]
    build = args[0] if args else 'build'
    extra = args[1:]
    totals = [0, 0, 0]
    rows = []
    rcs = []
    # Every test of the run gets the token and a TMPDIR of the run's own
    # (whatever is left in it at the end is a leftover).
    token = secrets.token_hex(8)
    tmpdir = tempfile.mkdtemp(prefix='vpdnd-check.')
    # Like /tmp (sticky, world-writable): the privilege tests run vpdnctl
    # as nobody against a bus socket made under TMPDIR.
    os.chmod(tmpdir, 0o1777)
    base_env = dict(os.environ, **{TOKEN_VAR: token, 'TMPDIR': tmpdir})
    before = snapshot()
    runs = [(build, extra, '', base_env)]
    if sanitized:
        env = dict(base_env)
        env.setdefault('ASAN_OPTIONS', 'detect_leaks=1:abort_on_error=1')
        env.setdefault('UBSAN_OPTIONS', 'print_stacktrace=1:halt_on_error=1')
        runs.append((sanitized, extra + ['--no-suite', 'fuzz', '--no-suite', 'sdk',
                                         '--no-suite', 'interop', '--no-suite', 'valgrind',
                                         '--no-suite', 'package',
                                         '--no-suite', 'bench', '--no-suite', 'lint'],
                     'asan+ubsan:', env))
        print('asan+ubsan: not repeated: suite lint (Python over the source tree '
              'and run-check.py itself, no C of the build runs: the same input '
              'in both builds)')
    for b, _, _, _ in runs:
        shutil.rmtree(os.path.join(b, 'test-logs'), ignore_errors=True)
        for old in glob.glob(os.path.join(b, 'meson-logs', 'testlog-interop.*')):
            os.unlink(old)
    side = None
    if not extra and not os.environ.get('VPDND_CHECK_SERIAL'):
        # The VM tests one at a time beside everything else. Built first:
        # two meson test runs must not both run ninja in one tree.
        rc = subprocess.call(['meson', 'compile', '-C', build])
        if rc:
            print(f'FAILED  meson compile -C {build} (exit {rc})')
            return 1
        side = start_build(build, ['--suite', 'interop'], base_env, 'testlog-interop',
                           jobs='1', rebuild=False)
        runs[0] = (build, ['--no-suite', 'interop'], '', base_env)
    for b, x, label, env in runs:
        p, f, s, r, rc = run_build(b, x, label, env, rebuild=side is None or b != build)
        totals[0] += p
        totals[1] += f
        totals[2] += s
        rows += r
        rcs.append(rc)
    if side is not None:
        p, f, s, r, rc = run_build(build, [], '', base_env, 'testlog-interop', side)
        totals[0] += p
        totals[1] += f
        totals[2] += s
        rows += r
        rcs.append(rc)
    if not extra:  # the whole suite ran: check its logs for secrets
        clean, r = scan_secrets([b for b, _, _, _ in runs])
        totals[0 if clean else 1] += 1
        rows += r
    left = leftovers(before, token, [b for b, _, _, _ in runs], tmpdir)
    print(f'leftovers (processes, network namespaces, temporary files): '
          f'{len(left) or "none"}')
    totals[1] += len(left)
    rows += left
    print()
    for r in rows:
        print(r)
    tail = f', {totals[2]} skipped' if totals[2] else ''
    print(f'{totals[0]} passed, {totals[1]} failed{tail}')
    return 1 if (totals[1] or any(rcs)) else 0


if __name__ == '__main__':
    sys.exit(main())
