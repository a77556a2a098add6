#!/usr/bin/env python3
"""Run the whole test suite through meson and print one closing line,
covering every build given (the normal one, and with --sanitized the
AddressSanitizer + UndefinedBehaviorSanitizer one, where the unit and
process tests run again; the fuzzers are sanitized already, and the SDK
install test, the VM interop suite, the valgrind run (ASan and valgrind
do not mix) and the bench smoke run are not repeated),
"N passed, N failed", counting every test case that ran: a test program that
prints its own "N passed, M failed" line (every CUnit program and process
test does) counts as N+M cases, any other test counts as one. A test that
was skipped is reported with its reason, and counted as skipped."""
import json
import os
import re
import shutil
import subprocess
import sys

COUNT_RE = re.compile(r'^\s*(?:\w+:\s*)?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$')
TEST_NAME_RE = re.compile(r'^\s*Test: ')
SKIP_RE = re.compile(r'^SKIP(?:PED)?:\s*(.*)$', re.M)


def run_build(build, extra, label, env=None):
    """meson test in one build dir; returns (passed, failed, skipped, rows, rc)."""
    cmd = ['meson', 'test', '-C', build, '--print-errorlogs', '--num-processes',
           os.environ.get('VPDND_TEST_JOBS', '2')] + extra
    rc = subprocess.call(cmd, env=env)
    log = os.path.join(build, 'meson-logs', 'testlog.json')
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
        files.append(os.path.join(b, 'meson-logs', 'testlog.txt'))
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
    runs = [(build, extra, '', None)]
    if sanitized:
        env = dict(os.environ)
        env.setdefault('ASAN_OPTIONS', 'detect_leaks=1:abort_on_error=1')
        env.setdefault('UBSAN_OPTIONS', 'print_stacktrace=1:halt_on_error=1')
        runs.append((sanitized, extra + ['--no-suite', 'fuzz', '--no-suite', 'sdk',
                                         '--no-suite', 'interop', '--no-suite', 'valgrind',
                                         '--no-suite', 'bench'],
                     'asan+ubsan:', env))
    for b, _, _, _ in runs:
        shutil.rmtree(os.path.join(b, 'test-logs'), ignore_errors=True)
    for b, x, label, env in runs:
        p, f, s, r, rc = run_build(b, x, label, env)
        totals[0] += p
        totals[1] += f
        totals[2] += s
        rows += r
        rcs.append(rc)
    if not extra:  # the whole suite ran: check its logs for secrets
        clean, r = scan_secrets([b for b, _, _, _ in runs])
        totals[0 if clean else 1] += 1
        rows += r
    print()
    for r in rows:
        print(r)
    tail = f', {totals[2]} skipped' if totals[2] else ''
    print(f'{totals[0]} passed, {totals[1]} failed{tail}')
    return 1 if (totals[1] or any(rcs)) else 0


if __name__ == '__main__':
    sys.exit(main())
