#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hand-made PPPoE discovery packets on a raw socket, for test-pppoe.sh.

  pppoe-probe.py cookie IFACE      PADI, then a PADR with the PADO's cookie
                                   flipped (must get no PADS), then with it
                                   intact (must get a PADS; PADT after it).
                                   Prints "wrong-cookie-pads N good-pads N".
  pppoe-probe.py flood IFACE N     N PADIs from N made-up MACs as fast as
                                   possible; prints "pados N" (answers seen
                                   within 1 s after the last).
  pppoe-probe.py offer IFACE       PADI; prints what the PADO offers:
                                   "ac-name NAME services A,B" (then a
                                   session by PADR and its PADT)
  pppoe-probe.py padt IFACE SID    a PADT for session SID from a made-up MAC
                                   (a spoofed PADT: the AC must ignore it).
"""
import os
import select
import socket
import struct
import sys
import time

DISC = 0x8863
BCAST = b"\xff" * 6


def tags(*pairs):
    return b"".join(struct.pack("!HH", t, len(v)) + v for t, v in pairs)


def pkt(code, sid, body):
    return struct.pack("!BBHH", 0x11, code, sid, len(body)) + body


def frame(dst, src, payload):
    return dst + src + struct.pack("!H", DISC) + payload


def parse_tags(body):
    out = {}
    while len(body) >= 4:
        t, n = struct.unpack("!HH", body[:4])
        out.setdefault(t, body[4:4 + n])
        body = body[4 + n:]
    return out


def recv_until(s, deadline, want_code, src_filter=None, first=False):
    """Frames with code want_code until deadline: list of (src, sid, tags).
    With FIRST, returns as soon as one came (a PADO the caller answers:
    only the first one is used)."""
    got = []
    while not (first and got):
        left = deadline - time.time()
        if left <= 0:
            return got
        r, _, _ = select.select([s], [], [], left)
        if not r:
            return got
        f = s.recv(2000)
        if len(f) < 20:
            continue
        dst, src = f[:6], f[6:12]
        ver, code, sid, ln = struct.unpack("!BBHH", f[14:20])
        if code != want_code or (src_filter and dst != src_filter):
            continue
        if code == 0x07:
            del PADO_SERVICES[:]
            body = f[20:20 + ln]
            while len(body) >= 4:
                t, n = struct.unpack("!HH", body[:4])
                if t == 0x0101 and n:
                    PADO_SERVICES.append(body[4:4 + n].decode(errors="replace"))
                body = body[4 + n:]
        got.append((src, sid, parse_tags(f[20:20 + ln])))
    return got


def open_sock(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(DISC))
    s.bind((iface, DISC))
    mac = s.getsockname()[4][:6]
    return s, mac


def cookie_test(iface):
    s, mac = open_sock(iface)
    hu = os.urandom(4)
    s.send(frame(BCAST, mac, pkt(0x09, 0, tags((0x0101, b""), (0x0103, hu)))))
    pados = recv_until(s, time.time() + 2, 0x07, mac, first=True)
    if not pados:
        print("no-pado")
        return 1
    ac, _, t = pados[0]
    cookie = t.get(0x0104, b"")
    bad = bytes([cookie[0] ^ 0xff]) + cookie[1:]
    s.send(frame(ac, mac, pkt(0x19, 0, tags((0x0101, b""), (0x0103, hu), (0x0104, bad)))))
    wrong = recv_until(s, time.time() + 1, 0x65, mac)
    s.send(frame(ac, mac, pkt(0x19, 0, tags((0x0101, b""), (0x0103, hu), (0x0104, cookie)))))
    good = recv_until(s, time.time() + 2, 0x65, mac)
    for _, sid, _ in good:
        if sid:
            s.send(frame(ac, mac, pkt(0xa7, sid, b"")))
    print("wrong-cookie-pads %d good-pads %d" % (len(wrong), len([g for g in good if g[1]])))
    return 0


def offer(iface):
    s, mac = open_sock(iface)
    hu = os.urandom(4)
    s.send(frame(BCAST, mac, pkt(0x09, 0, tags((0x0101, b""), (0x0103, hu)))))
    pados = recv_until(s, time.time() + 2, 0x07, mac, first=True)
    if not pados:
        print("no-pado")
        return 1
    ac, _, t = pados[0]
    # PADO_SERVICES: every Service-Name of that PADO (recv_until)
    s.send(frame(ac, mac, pkt(0x19, 0, tags((0x0101, b""), (0x0103, hu),
                                            (0x0104, t.get(0x0104, b""))))))
    good = recv_until(s, time.time() + 2, 0x65, mac)
    for _, sid, _ in good:
        if sid:
            s.send(frame(ac, mac, pkt(0xa7, sid, b"")))
    print("ac-name %s services %s pads %d" % (t.get(0x0102, b"").decode(errors="replace"),
                                              ",".join(PADO_SERVICES) or "-",
                                              len([g for g in good if g[1]])))
    return 0


PADO_SERVICES = []


def flood(iface, n):
    s, mac = open_sock(iface)
    sent = 0
    for i in range(n):
        src = bytes([0x02, 0x55, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff, 0x01])
        try:
            s.send(frame(BCAST, src, pkt(0x09, 0, tags((0x0101, b"")))))
            sent += 1
        except BlockingIOError:
            pass
    # PADOs go to the made-up MACs: count every PADO seen on the wire
    got = recv_until(s, time.time() + 1, 0x07)
    print("sent %d pados %d" % (sent, len(got)))
    return 0


def padt(iface, sid):
    s, _ = open_sock(iface)
    fake = b"\x02\x66\x00\x00\x00\x01"
    # to every AC: broadcast is not allowed for PADT, so send to the
    # broadcast MAC is a test too; the AC's MAC is given when known
    dst = bytes.fromhex(sys.argv[4].replace(":", "")) if len(sys.argv) > 4 else BCAST
    s.send(frame(dst, fake, pkt(0xa7, sid, b"")))
    print("sent")
    return 0


def main():
    mode, iface = sys.argv[1], sys.argv[2]
    if mode == "cookie":
        return cookie_test(iface)
    if mode == "flood":
        return flood(iface, int(sys.argv[3]))
    if mode == "offer":
        return offer(iface)
    if mode == "padt":
        return padt(iface, int(sys.argv[3]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
