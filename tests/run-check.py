#!/usr/bin/env python3
"""Run the whole test suite through meson and print one closing line,
"N passed, N failed", counting every test case that ran: a test program that
prints its own "N passed, M failed" line (every CUnit program and process
test does) counts as N+M cases, any other test counts as one. A test that
was skipped is reported with its reason, and counted as skipped."""
import json
import os
import re
import subprocess
import sys

COUNT_RE = re.compile(r'^\s*(?:\w+:\s*)?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$')
SKIP_RE = re.compile(r'^SKIP(?:PED)?:\s*(.*)$', re.M)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    extra = sys.argv[2:]
    cmd = ['meson', 'test', '-C', build, '--print-errorlogs', '--num-processes',
           os.environ.get('VPDND_TEST_JOBS', '2')] + extra
    rc = subprocess.call(cmd)
    log = os.path.join(build, 'meson-logs', 'testlog.json')
    passed = failed = skipped = 0
    rows = []
    try:
        with open(log) as f:
            entries = [json.loads(line) for line in f if line.strip()]
    except OSError as e:
        print(f'run-check: cannot read {log}: {e}')
        entries = []
    for e in entries:
        name = e.get('name', '?')
        result = e.get('result', 'FAIL')
        out = e.get('stdout') or ''
        p = f = s = None
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
    print()
    for r in rows:
        print(r)
    tail = f', {skipped} skipped' if skipped else ''
    print(f'{passed} passed, {failed} failed{tail}')
    if not entries:
        return 1
    return 1 if (failed or rc != 0) else 0


if __name__ == '__main__':
    sys.exit(main())
