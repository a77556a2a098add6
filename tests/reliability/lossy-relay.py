#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A fault-injecting UDP relay for the reliability tests (seeded).

    lossy-relay.py --a 127.0.0.3:PORT --b 127.0.0.4:PORT --to 127.0.0.2:PORT
                   [--seed N] [--ctrl-drop P] [--ctrl-dup P] [--ctrl-reorder P]
                   [--ctrl-delay MS] [--ctrl-corrupt P] [--data-...] [--stats FILE]

Side A faces the initiator (the LAC sends to --a); side B sends from --b to
--to (the LNS sees --b as its peer) and answers go back to the last address
that sent to A. Each datagram is classified by the L2TP T bit (control or
data) and, per class, independently: dropped with probability drop,
corrupted (one random octet xor a random non-zero value) with probability
corrupt, duplicated with probability dup, held back and released after the
next datagram of the same direction (or 200 ms) with probability reorder,
and delayed by a uniform 0..delay ms.

Signals: SIGUSR1 cuts the network (everything dropped, counted as "cut"),
SIGUSR2 restores it. Counters go to --stats (JSON) on every signal and at
exit (SIGTERM/SIGINT); "ready" is printed once both sockets are bound.
"""
import argparse
import heapq
import json
import random
import select
import signal
import socket
import sys
import time

KINDS = ("drop", "dup", "reorder", "delay", "corrupt")


def addr(s):
    h, p = s.rsplit(":", 1)
    return (h, int(p))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True, type=addr)
    ap.add_argument("--b", required=True, type=addr)
    ap.add_argument("--to", required=True, type=addr)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stats")
    for cls in ("ctrl", "data"):
        for k in KINDS:
            ap.add_argument("--%s-%s" % (cls, k), type=float, default=0.0)
    o = ap.parse_args()
    rnd = random.Random(o.seed)
    prob = {cls: {k: getattr(o, "%s_%s" % (cls, k)) for k in KINDS} for cls in ("ctrl", "data")}

    sa = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sa.bind(o.a)
    sb = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sb.bind(o.b)
    for s in (sa, sb):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        s.setblocking(False)
    peer_a = [None]
    stats = {"cut": 0}
    for d in ("a2b", "b2a"):
        for cls in ("ctrl", "data"):
            for k in ("in", "out", "drop", "dup", "reorder", "corrupt", "delayed"):
                stats["%s_%s_%s" % (d, cls, k)] = 0
    state = {"cut": False, "stop": False}
    heap = []           # (time, seq, sock, data, dest)
    held = {}           # direction -> (deadline, sock, data, dest)
    seq = [0]

    def dump():
        if o.stats:
            with open(o.stats + ".tmp", "w") as f:
                json.dump(stats, f, sort_keys=True)
            import os
            os.replace(o.stats + ".tmp", o.stats)

    def on_sig(sig, frame):
        if sig == signal.SIGUSR1:
            state["cut"] = True
        elif sig == signal.SIGUSR2:
            state["cut"] = False
        else:
            state["stop"] = True
        dump()

    for sg in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM, signal.SIGINT):
        signal.signal(sg, on_sig)

    def schedule(sock, data, dest, delay_ms, key):
        d = rnd.uniform(0, delay_ms) if delay_ms > 0 else 0
        if d > 0:
            stats[key + "delayed"] += 1
        seq[0] += 1
        heapq.heappush(heap, (time.monotonic() + d / 1000.0, seq[0], sock, data, dest, key))

    def relay(direction, data, out_sock, dest):
        cls = "data" if not data or not (data[0] & 0x80) else "ctrl"
        key = "%s_%s_" % (direction, cls)
        p = prob[cls]
        stats[key + "in"] += 1
        if state["cut"]:
            stats["cut"] += 1
            return
        if rnd.random() < p["drop"]:
            stats[key + "drop"] += 1
            return
        if data and rnd.random() < p["corrupt"]:
            b = bytearray(data)
            b[rnd.randrange(len(b))] ^= rnd.randrange(1, 256)
            data = bytes(b)
            stats[key + "corrupt"] += 1
        copies = 2 if rnd.random() < p["dup"] else 1
        if copies == 2:
            stats[key + "dup"] += 1
        h = held.pop(direction, None)
        if rnd.random() < p["reorder"] and h is None:
            stats[key + "reorder"] += 1
            held[direction] = (time.monotonic() + 0.2, out_sock, data, dest, key, copies)
            return
        for _ in range(copies):
            schedule(out_sock, data, dest, p["delay"], key)
        if h is not None:           # the held one goes after this one
            for _ in range(h[5]):
                schedule(h[1], h[2], h[3], 0, h[4])

    print("ready", flush=True)
    while not state["stop"]:
        now = time.monotonic()
        timeout = 0.05
        if heap:
            timeout = max(0.0, min(timeout, heap[0][0] - now))
        try:
            r, _, _ = select.select([sa, sb], [], [], timeout)
        except InterruptedError:
            continue
        for s in r:
            for _ in range(64):
                try:
                    data, src = s.recvfrom(65536)
                except (BlockingIOError, InterruptedError):
                    break
                if s is sa:
                    peer_a[0] = src
                    relay("a2b", data, sb, o.to)
                elif peer_a[0] is not None:
                    relay("b2a", data, sa, peer_a[0])
        now = time.monotonic()
        for d in list(held):
            if held[d][0] <= now:
                h = held.pop(d)
                for _ in range(h[5]):
                    schedule(h[1], h[2], h[3], 0, h[4])
        while heap and heap[0][0] <= now:
            _, _, sock, data, dest, key = heapq.heappop(heap)
            try:
                sock.sendto(data, dest)
                stats[key + "out"] += 1
            except OSError:
                pass
    dump()


if __name__ == "__main__":
    sys.exit(main())
