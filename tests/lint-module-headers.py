#!/usr/bin/env python3
"""No module's sources include another module's headers (issue #15): every
#include "x.h" in modules/<m>/ names a header of modules/<m>/ itself, of
lib/<any>/, or of the SDK (include/vpdnd, through <vpdnd/...>). Shared code
belongs in lib/. Prints one line per offence and "N passed, M failed"."""
import os
import re
import sys

top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
mods = os.path.join(top, 'modules')
libs = os.path.join(top, 'lib')
lib_headers = set()
for d in os.listdir(libs):
    p = os.path.join(libs, d)
    if os.path.isdir(p):
        lib_headers.update(f for f in os.listdir(p) if f.endswith('.h'))
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
passed = failed = 0
for m in sorted(os.listdir(mods)):
    mdir = os.path.join(mods, m)
    if not os.path.isdir(mdir):
        continue
    own = {f for f in os.listdir(mdir) if f.endswith('.h')}
    bad = []
    for f in sorted(os.listdir(mdir)):
        if not f.endswith(('.c', '.h')):
            continue
        for h in inc.findall(open(os.path.join(mdir, f), encoding='utf-8', errors='replace').read()):
            if '/' in h or (h not in own and h not in lib_headers):
                bad.append(f'{f}: "{h}"')
    if bad:
        failed += 1
        print(f'not ok - modules/{m} includes headers that are neither its own nor lib/\'s:')
        for b in bad:
            print(f'    {b}')
    else:
        passed += 1
        print(f'ok - modules/{m}')
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
