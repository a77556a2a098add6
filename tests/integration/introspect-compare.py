#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""introspect-compare.py XML BUSCTL_OUTPUT [--write]

Compare one interface's members (methods with argument directions and
types, properties with type and access, signals with argument types) in
dbus/<interface>.xml with what the running daemon's Introspect returned
(busctl's `s "<xml>"` output). The interface is the one XML names.
--write: (re)generate XML from the daemon instead (for maintainers)."""
import ast
import sys
import xml.etree.ElementTree as ET


def members(root, name):
    iface = root.find("./interface[@name='%s']" % name)
    if iface is None:
        raise SystemExit("%s missing from the introspection" % name)
    out = set()
    for m in iface.findall('method'):
        args = tuple((a.get('direction', 'in'), a.get('type')) for a in m.findall('arg'))
        out.add(('method', m.get('name'), args))
    for p in iface.findall('property'):
        out.add(('property', p.get('name'), p.get('type'), p.get('access')))
    for s in iface.findall('signal'):
        out.add(('signal', s.get('name'), tuple(a.get('type') for a in s.findall('arg'))))
    return out, iface


def daemon_xml(path):
    raw = open(path).read().strip()
    assert raw.startswith('s '), raw[:60]
    return ET.fromstring(ast.literal_eval(raw[2:]).encode())


def main():
    xml_path, busctl_path = sys.argv[1], sys.argv[2]
    got_root = daemon_xml(busctl_path)
    if len(sys.argv) > 3 and sys.argv[3] == '--write':
        name = sys.argv[4]
        _, iface = members(got_root, name)
        for a in iface.iter('annotation'):
            pass
        node = ET.Element('node')
        node.append(iface)
        ET.indent(node, ' ')
        with open(xml_path, 'w') as f:
            f.write('<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"\n'
                    ' "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n'
                    '<!-- %s: see docs/dbus.md. Checked against the running daemon by\n'
                    '     tests/integration/test-ops2-scenario.sh. -->\n' % name)
            f.write(ET.tostring(node, encoding='unicode'))
            f.write('\n')
        return
    want_root = ET.parse(xml_path).getroot()
    name = want_root.find('interface').get('name')
    want, _ = members(want_root, name)
    got, _ = members(got_root, name)
    if want != got:
        print('%s: only in %s:' % (name, xml_path), sorted(want - got, key=str))
        print('%s: only in the daemon:' % name, sorted(got - want, key=str))
        raise SystemExit(1)


main()
