#!/usr/bin/env python3
"""No shell script of the project backgrounds a shell function: `f ... &`
runs f in a subshell, and $! is the subshell's pid, not the program's;
stopping it leaves the program running (a remote1 vpdnd was left behind
by every make check that way). Background the command itself
(`ip netns exec NS prog &` is fine: ip execs the program).

Scans every *.sh under the source root given (default: this file's
parent's parent): collects the functions any of them defines, then every
command that ends with a single `&` (continuation lines joined) and
every `spawn KEY PROGRAM` (lib.sh runs PROGRAM with &), and fails on
those whose program is one of them.
Prints "N passed, M failed" (one case per script)."""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUNC_RE = re.compile(r'^\s*(?:function\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*\(\)\s*\{?')
BG_RE = re.compile(r'(?<![&|])&\s*(?:#.*)?$')

scripts = []
for top in ('tests', 'scripts', 'bench'):
    for d, dirs, files in os.walk(os.path.join(root, top)):
        dirs[:] = [x for x in dirs if x not in ('corpus',)]
        scripts += [os.path.join(d, f) for f in files if f.endswith('.sh')]
scripts.sort()

functions = set()
texts = {}
for path in scripts:
    with open(path, errors='replace') as f:
        texts[path] = f.read().splitlines()
    for line in texts[path]:
        m = FUNC_RE.match(line)
        if m:
            functions.add(m.group(1))
# Not functions in this sense: the VM side's busybox helpers run in the VM.
functions.discard('w')


def commands(lines):
    """(line number, command) with backslash continuations joined."""
    buf, start = '', 0
    for n, line in enumerate(lines, 1):
        if not buf:
            start = n
        if line.endswith('\\'):
            buf += line[:-1] + ' '
            continue
        yield start, buf + line
        buf = ''


passed = failed = 0
for path in scripts:
    bad = []
    for n, cmd in commands(texts[path]):
        words = cmd.strip().split()
        if not words:
            continue
        if words[0] == 'spawn' and len(words) > 2:
            first = words[2]  # lib.sh's spawn KEY PROGRAM...: runs PROGRAM with &
        elif BG_RE.search(cmd):
            first = words[0]
        else:
            continue
        if first in functions:
            bad.append(f'{os.path.relpath(path, root)}:{n}: function {first} run with & ($! is a subshell)')
    name = os.path.relpath(path, root)
    if bad:
        failed += 1
        print(f'not ok {passed + failed} - {name}')
        for b in bad:
            print(f'#   {b}')
    else:
        passed += 1
        print(f'ok {passed + failed} - {name}')
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
