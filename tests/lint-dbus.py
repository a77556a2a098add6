#!/usr/bin/env python3
"""D-Bus objects the one way (issue #15 item 3): in every modules/<m>/*-bus.c
and tests/integration/testcarrier/*.c no property getter chooses what to
answer by comparing the property name (strcmp/g_strcmp0/g_str_equal on
`property`: one getter per vtable entry, vpdn_dbus_property_get_* for a
member), and no error name is set by hand where an errno says it
(sd_bus_error_set* with a name of the errno table, a literal
"org.freedesktop..."/"org.vpdnd..." name, or sd_bus_error_set_errno's own
mapping): vpdn_dbus_errorf()/vpdn_dbus_error_from_errno() in
core/dbus-util.c is the one mapping. UnknownObject/UnknownProperty (no
errno behind them) are allowed. Prints one line per offence and "N passed,
M failed"."""
import glob
import os
import re
import sys

top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
files = sorted(glob.glob(os.path.join(top, 'modules', '*', '*-bus.c')) +
               glob.glob(os.path.join(top, 'tests', 'integration', 'testcarrier', '*.c')))
# The names core/dbus-util.c's table maps errnos to (and Failed, its default).
errno_names = ('ACCESS_DENIED', 'INVALID_ARGS', 'FILE_EXISTS', 'LIMITS_EXCEEDED',
               'NOT_SUPPORTED', 'IO_ERROR', 'FAILED', 'FILE_NOT_FOUND', 'NO_MEMORY')
checks = [
    ('a property ladder (compares the property name)',
     re.compile(r'\b(?:strcmp|strncmp|g_strcmp0|g_str_equal|strcasecmp)\s*\(\s*property\b'
                r'|\b(?:strcmp|strncmp|g_strcmp0|g_str_equal|strcasecmp)\s*\([^;]*,\s*property\s*\)')),
    ('an error name set by hand (use vpdn_dbus_errorf)',
     re.compile(r'\bsd_bus_error_set(?:f|const)?\s*\(\s*[^,]+,\s*(?:SD_BUS_ERROR_(?:%s)\b|"org\.)'
                % '|'.join(errno_names), re.S)),
    ('sd-bus\'s own errno mapping (use vpdn_dbus_errorf)',
     re.compile(r'\bsd_bus_error_set_errno(?:f)?\s*\(')),
]
passed = failed = 0
for path in files:
    rel = os.path.relpath(path, top)
    text = open(path, encoding='utf-8', errors='replace').read()
    bad = []
    for what, rx in checks:
        for mo in rx.finditer(text):
            line = text.count('\n', 0, mo.start()) + 1
            bad.append(f'{rel}:{line}: {what}')
    if bad:
        failed += 1
        print(f'not ok - {rel}')
        for b in sorted(bad):
            print(f'    {b}')
    else:
        passed += 1
        print(f'ok - {rel}')
if not files:
    print('not ok - no *-bus.c found under', top)
    failed += 1
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
