#!/usr/bin/env python3
"""Turn bench/results/system.txt (bench/bench.sh) into bench/results.json, a
table on stdout and the chart bench/results/growth.png (gnuplot).

Every figure is the median of the runs made (min and max kept); a figure
that was not measured is null, with the reason in "not_measured"."""
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys

src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
smoke = len(sys.argv) > 1
raw_path = os.path.join(src, "bench", "results", "system-smoke.txt" if smoke else "system.txt")
out_json = sys.argv[1] if smoke else os.path.join(src, "bench", "results.json")
png = os.path.join(src, "bench", "results", "growth-smoke.png" if smoke else "growth.png")

runs = {}      # name -> [values]
big = {"one_tunnel": {}, "one_lns": {}}
steps = []     # (total sessions, rate, rss MiB) of the one-tunnel run
e2e = {"phases": [], "rss": {}, "cpu": {}, "cpu_s": {}}  # the end-to-end run to 60k (e2e_big)
# PPPoE end to end (pppoegen -> LAC -> LNS): fresh 1k runs, one big run
pppoe = {"phases": [], "rss": {}, "cpu_s": {}, "cpu": {}}
skipped = None
# Section 7, side by side with l2tpns: vs[WHO][RUN] (WHO ours_proxy,
# ours_reneg, l2tpns; RUN 1..3 for the 1k runs, "big" for the 10k run);
# watched process 0 is the LNS, 1 FreeRADIUS.
vs = {}


def vs_parse(who, run, g):
    d = vs.setdefault(who, {}).setdefault(run, {"cpu_us": {}, "pps": {}, "us_pkt": {},
                                                 "rss": {}, "cpu_s": {}, "hold": {}})
    if g[0] == "phase" and len(g) > 9 and g[2] == "sessions":
        d["rate"], d["n"] = float(g[9]), int(g[5])
    elif g[0] == "phase" and len(g) > 2 and g[2] == "timeout":
        d["timeout"] = True
    elif g[0] == "phase_cpu" and len(g) > 6:
        d["cpu_us"][int(g[2])] = float(g[6])
    elif g[0] == "blast_size":
        d["size"] = int(g[1])
    elif g[0] == "blast_back_pps":
        d["pps"][d.get("size")] = float(g[1])
    elif g[0] == "blast_cpu_us_per_pkt":
        d["us_pkt"][d.get("size")] = float(g[1])
    elif g[0] == "rss_kib" and len(g) > 3:
        d["rss"][(g[1], int(g[2]))] = int(g[3])
    elif g[0] == "cpu_s" and len(g) > 3:
        d["cpu_s"][(g[1], int(g[2]))] = float(g[3])
    elif g[0] == "hold_cpu" and len(g) > 2:
        d["hold"][int(g[1])] = float(g[2])


for line in open(raw_path):
    f = line.split()
    if not f:
        continue
    if f[0] == "skipped":
        skipped = line.strip()
    elif f[0] in ("dataplane_pps", "dataplane_bps", "forwarder_pps", "forwarder_bps",
                  "pppoe_dataplane_pps", "pppoe_dataplane_lac_cpu_us",
                  "pppoe_dataplane_sessions"):
        runs.setdefault("%s_%s" % (f[0], f[1]), []).append(float(f[3]))
    elif f[0] in ("l2tp_only_sps", "xl2tpd_l2tp_only_sps", "lns_setup_sps_1k",
                  "lns_setup_sps_1k_reneg",
                  "freeradius_rps", "lns_setup_sps_radrun_local",
                  "lns_setup_sps_radrun_radius", "loadgen_cpu_us_radrun_local",
                  "loadgen_cpu_us_radrun_radius"):
        runs.setdefault(f[0], []).append(float(f[2]))
    elif f[0] in ("restart_switch_ms", "restart_node_ms", "restart_packets_lost",
                  "restart_sessions") and len(f) > 2:   # section 9: RUN VALUE
        runs.setdefault(f[0], []).append(float(f[2]))
    elif f[0] == "tcp_bps" and len(f) > 3:   # section 8: WHO (session, veth, *_rev) RUN BIT/S
        runs.setdefault("tcp_bps_%s" % f[1], []).append(float(f[3]))
    elif f[0] == "tcp_gen" and len(f) > 5 and f[2] == "tun_writes":   # loadgen --tun's counters
        if float(f[3]) > 0:
            runs.setdefault("tcp_gen_segments_per_tun_write", []).append(float(f[5]) / float(f[3]))
    elif f[0] == "tcp_gen" and len(f) > 7 and f[2] == "tun_reads":
        if float(f[7]) > 0:
            runs.setdefault("tcp_gen_tun_reads_per_udp_send", []).append(float(f[3]) / float(f[7]))
    elif f[0] == "vs_l2tpns" and len(f) > 4:
        vs_parse(f[1], f[2], f[3:])
    elif f[0] == "e2e_1k" and len(f) > 11 and f[2] == "phase" and f[4] == "sessions":
        runs.setdefault("e2e_setup_sps_1k", []).append(float(f[11]))
    elif f[0] == "e2e_1k" and len(f) > 3 and f[2] == "lac_start_ms":
        runs.setdefault("e2e_lac_start_ms", []).append(float(f[3]))
    elif f[0] == "pppoe_1k" and len(f) > 11 and f[2] == "phase" and f[4] == "sessions":
        runs.setdefault("pppoe_setup_sps_1k", []).append(float(f[11]))
    elif f[0] == "pppoe_1k" and len(f) > 5 and f[2] == "cpu_s" and f[3] == "after0" and f[4] == "0":
        runs.setdefault("pppoe_cpu_s_lac_1k", []).append(float(f[5]))
    elif f[0] == "pppoe_big":
        if f[1] == "phase" and f[3] == "sessions":
            pppoe["phases"].append((int(f[6]), float(f[10])))
        elif f[1] == "phase" and f[3] == "timeout":
            pppoe["timeout"] = int(f[4])
        elif f[1] == "rss_kib":
            pppoe["rss"][(f[2], int(f[3]))] = int(f[4])
        elif f[1] == "cpu_s":
            pppoe["cpu_s"][(f[2], int(f[3]))] = float(f[4])
        elif f[1] == "hold_cpu":
            pppoe["cpu"][int(f[2])] = float(f[3])
    elif f[0] == "e2e_big":
        if f[1] == "phase" and f[3] == "sessions":
            e2e["phases"].append((int(f[6]), float(f[10])))
        elif f[1] == "phase" and f[3] == "timeout":
            e2e["timeout"] = int(f[4])
        elif f[1] == "rss_kib":   # tag, watched process (0 LAC, 1 LNS), KiB
            e2e["rss"][(f[2], int(f[3]))] = int(f[4])
        elif f[1] == "hold_cpu":
            e2e["cpu"][int(f[2])] = float(f[3])
        elif f[1] == "cpu_s":     # CPU seconds so far: tag, process, seconds
            e2e["cpu_s"][(f[2], int(f[3]))] = float(f[4])
        elif f[1] == "ports":
            e2e["ports"], e2e["b_channels"] = int(f[2]), int(f[4])
    elif f[0] in big:
        b = big[f[0]]
        if f[1] == "phase" and f[3] == "sessions":
            b.setdefault("phases", []).append((int(f[6]), float(f[10])))
        elif f[1] == "phase" and f[3] == "timeout":
            b["timeout"] = int(f[4])
        elif f[1] == "rss_kib":
            b.setdefault("rss", {})[f[2]] = int(f[4])
        elif f[1] == "hold_cpu":
            b["cpu"] = float(f[3])
        elif f[1] == "hold_seconds":
            b["hold"] = float(f[2])
            b["echo"] = int(f[4])
            b["hellos"] = int(f[6])


def stat(name):
    v = runs.get(name)
    if not v:
        return None
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "runs": len(v)}


def med(name):
    s = stat(name)
    return round(s["median"], 1) if s else None


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def held(b):
    """(sessions established and held, RSS bytes per session, idle CPU)"""
    if "phases" not in b or "timeout" in b or "hold" not in b:
        return None, None, None
    n = b["phases"][-1][0]
    rss = b.get("rss", {})
    per = None
    if "none" in rss and "held" in rss and n:
        per = round((rss["held"] - rss["none"]) * 1024 / n)
    return n, per, round(b.get("cpu", 0), 4)


one_t = big["one_tunnel"]
n1, per1, cpu1 = held(one_t)
n2, per2, cpu2 = held(big["one_lns"])
ph = one_t.get("phases", [])
rate_1k = rate_60k = None
for total, rate in ph:
    if total == 1000:
        rate_1k = round(rate, 1)
    if total == 60000:
        rate_60k = round(rate, 1)
rss = one_t.get("rss", {})
for i, (total, rate) in enumerate(ph):
    r = rss.get("after%d" % i)
    steps.append((total, rate, (r or 0) / 1024.0))

# End to end (isdngen -> LAC -> LNS): the step rates of the run to 60k, the
# RSS of LAC (0) and LNS (1) per established session after the last step.
e2e_rate = {total: round(rate, 1) for total, rate in e2e["phases"]}
e2e_n = e2e["phases"][-1][0] if e2e["phases"] and "timeout" not in e2e else None
e2e_last = "after%d" % (len(e2e["phases"]) - 1)


def e2e_per_session(who):
    a, b = e2e["rss"].get(("none", who)), e2e["rss"].get((e2e_last, who))
    return round((b - a) * 1024 / e2e_n) if e2e_n and a is not None and b is not None else None


e2e_steps = [(total, rate, e2e["rss"].get(("after%d" % i, 0), 0) / 1024.0,
              e2e["rss"].get(("after%d" % i, 1), 0) / 1024.0)
             for i, (total, rate) in enumerate(e2e["phases"])]
# The rate at 60 000: the median of the last three 1 000-session steps
# (57k..58k, 58k..59k, 59k..60k); one step lasts well under a second, so a
# single one is at the mercy of whatever else the machine does then.
e2e_last3 = [rate for total, rate in e2e["phases"] if total in (58000, 59000, 60000)]
e2e_60k = (round(statistics.median(e2e_last3), 1)
           if e2e_n == 60000 and len(e2e_last3) == 3 else None)


def cpu_growth(who):
    """CPU microseconds per session set up over the second step (1k..10k)
    and the last one of at least 5 000 (50k..57k) of the run to 60k, for the LAC (0) or
    the LNS (1), and first / last: a growth figure that the sharing of the
    cores does not move much (clock ticks of 10 ms over 9 000 sessions)."""
    ph, c = e2e["phases"], e2e["cpu_s"]
    if e2e_60k is None or len(ph) < 4:
        return None, None, None
    def per(i):
        a, b = c.get(("after%d" % (i - 1), who)), c.get(("after%d" % i, who))
        n = ph[i][0] - ph[i - 1][0]
        return (b - a) * 1e6 / n if a is not None and b is not None and n else None
    # the last step of at least 5 000 sessions (50k..57k in the full run)
    big = [i for i in range(2, len(ph)) if ph[i][0] - ph[i - 1][0] >= 5000]
    first, last = per(1), (per(big[-1]) if big else None)
    if not first or not last:
        return None, None, None
    return round(first, 1), round(last, 1), round(first / last, 3)


def pppoe_big_fig():
    """(sessions, set-up rate, LAC RSS bytes per session, LAC CPU us per
    session) of the big PPPoE run (one phase from 0)."""
    ph = pppoe["phases"]
    if not ph or "timeout" in pppoe:
        return None, None, None, None
    n, rate = ph[-1][0], round(ph[-1][1], 1)
    last = "after%d" % (len(ph) - 1)
    a, b = pppoe["rss"].get(("none", 0)), pppoe["rss"].get((last, 0))
    per = round((b - a) * 1024 / n) if a is not None and b is not None else None
    c0, c1 = pppoe["cpu_s"].get(("none", 0)), pppoe["cpu_s"].get((last, 0))
    cpu = round((c1 - c0) * 1e6 / n, 1) if c0 is not None and c1 is not None else None
    return n, rate, per, cpu


def vs_figures():
    """The figures of section 7 (ours and l2tpns, same work): the 1k runs'
    medians go to runs (hence to "detail"), the 10k run's are single."""
    for who, byrun in vs.items():
        for run, d in byrun.items():
            if run == "big" or d.get("timeout") or "rate" not in d:
                continue
            runs.setdefault("vs_%s_setup_sps_1k" % who, []).append(d["rate"])
            for i, tag in ((0, "lns"), (1, "freeradius")):
                if i in d["cpu_us"]:
                    runs.setdefault("vs_%s_cpu_us_%s_1k" % (who, tag), []).append(d["cpu_us"][i])
            for size in (64, 1400):
                if size in d["pps"]:
                    runs.setdefault("vs_%s_pps_%d" % (who, size), []).append(d["pps"][size])
                if size in d["us_pkt"]:
                    runs.setdefault("vs_%s_us_pkt_%d" % (who, size), []).append(d["us_pkt"][size])

    def big(who):
        d = vs.get(who, {}).get("big")
        if not d or d.get("timeout") or "rate" not in d or not d["hold"]:
            return {}
        n = d["n"]
        o = {"rate": round(d["rate"], 1), "n": n}
        a, b = d["rss"].get(("none", 0)), d["rss"].get(("held", 0))
        if a is not None and b is not None and n:
            o["rss_per"] = round((b - a) * 1024 / n)
            o["rss_kib"] = b
        o["idle"] = round(d["hold"].get(0, 0), 4)
        o["cpu_us"] = d["cpu_us"].get(0)
        o["rad_cpu_us"] = d["cpu_us"].get(1)
        return o
    bp, br, bl = big("ours_proxy"), big("ours_reneg"), big("l2tpns")

    def m(who, what):
        return med("vs_%s_%s" % (who, what))
    o = {
        # ours with auth-radius against the same FreeRADIUS, addresses from a pool
        "lns_setup_rate_sps_1k_radius_proxy": m("ours_proxy", "setup_sps_1k"),
        "lns_setup_rate_sps_1k_radius_reneg": m("ours_reneg", "setup_sps_1k"),
        "l2tpns_setup_rate_sps_1k": m("l2tpns", "setup_sps_1k"),
        "setup_ratio_vs_l2tpns_proxy": ratio(m("ours_proxy", "setup_sps_1k"),
                                             m("l2tpns", "setup_sps_1k")),
        "setup_ratio_vs_l2tpns_reneg": ratio(m("ours_reneg", "setup_sps_1k"),
                                             m("l2tpns", "setup_sps_1k")),
        "lns_setup_rate_sps_10k_radius_proxy": bp.get("rate"),
        "lns_setup_rate_sps_10k_radius_reneg": br.get("rate"),
        "l2tpns_setup_rate_sps_10k": bl.get("rate"),
        "setup_ratio_vs_l2tpns_proxy_10k": ratio(bp.get("rate"), bl.get("rate")),
        "setup_ratio_vs_l2tpns_reneg_10k": ratio(br.get("rate"), bl.get("rate")),
        # CPU microseconds per session set up (1k runs, medians; 10k run)
        "cpu_us_per_session_lns_proxy": m("ours_proxy", "cpu_us_lns_1k"),
        "cpu_us_per_session_lns_reneg": m("ours_reneg", "cpu_us_lns_1k"),
        "cpu_us_per_session_l2tpns": m("l2tpns", "cpu_us_lns_1k"),
        "cpu_ratio_per_session_vs_l2tpns_proxy": ratio(m("ours_proxy", "cpu_us_lns_1k"),
                                                       m("l2tpns", "cpu_us_lns_1k")),
        "cpu_ratio_per_session_vs_l2tpns_reneg": ratio(m("ours_reneg", "cpu_us_lns_1k"),
                                                       m("l2tpns", "cpu_us_lns_1k")),
        "cpu_us_per_session_lns_proxy_10k": bp.get("cpu_us"),
        "cpu_us_per_session_lns_reneg_10k": br.get("cpu_us"),
        "cpu_us_per_session_l2tpns_10k": bl.get("cpu_us"),
        # FreeRADIUS's CPU per session, in the runs with ours / with l2tpns
        "cpu_us_per_session_freeradius_with_lns_proxy": m("ours_proxy", "cpu_us_freeradius_1k"),
        "cpu_us_per_session_freeradius_with_lns_reneg": m("ours_reneg", "cpu_us_freeradius_1k"),
        "cpu_us_per_session_freeradius_with_l2tpns": m("l2tpns", "cpu_us_freeradius_1k"),
        "cpu_us_per_session_freeradius_with_lns_proxy_10k": bp.get("rad_cpu_us"),
        "cpu_us_per_session_freeradius_with_l2tpns_10k": bl.get("rad_cpu_us"),
        # data plane through session 0 of those runs (1 000 sessions up)
        "lns_dataplane_pps_64_l2tpns_run": m("ours_proxy", "pps_64"),
        "lns_dataplane_pps_1400_l2tpns_run": m("ours_proxy", "pps_1400"),
        "l2tpns_dataplane_pps_64": m("l2tpns", "pps_64"),
        "l2tpns_dataplane_pps_1400": m("l2tpns", "pps_1400"),
        "dataplane_ratio_vs_l2tpns_64": ratio(m("ours_proxy", "pps_64"), m("l2tpns", "pps_64")),
        "dataplane_ratio_vs_l2tpns_1400": ratio(m("ours_proxy", "pps_1400"),
                                                m("l2tpns", "pps_1400")),
        "dataplane_cpu_us_per_pkt_lns_64": m("ours_proxy", "us_pkt_64"),
        "dataplane_cpu_us_per_pkt_lns_1400": m("ours_proxy", "us_pkt_1400"),
        "dataplane_cpu_us_per_pkt_l2tpns_64": m("l2tpns", "us_pkt_64"),
        "dataplane_cpu_us_per_pkt_l2tpns_1400": m("l2tpns", "us_pkt_1400"),
        # CPU per packet ours / l2tpns (the rate is also the generator's core's)
        "dataplane_cpu_ratio_vs_l2tpns_64": ratio(m("ours_proxy", "us_pkt_64"),
                                                  m("l2tpns", "us_pkt_64")),
        "dataplane_cpu_ratio_vs_l2tpns_1400": ratio(m("ours_proxy", "us_pkt_1400"),
                                                    m("l2tpns", "us_pkt_1400")),
        # 10 000 sessions held (the proxy run for ours)
        "rss_per_session_bytes_lns_10k": bp.get("rss_per"),
        "rss_per_session_bytes_l2tpns": bl.get("rss_per"),
        "rss_per_session_ratio_vs_l2tpns": ratio(bp.get("rss_per"), bl.get("rss_per")),
        "rss_total_kib_lns_10k": bp.get("rss_kib"),
        "rss_total_kib_l2tpns_10k": bl.get("rss_kib"),
        "idle_cpu_lns_10k": bp.get("idle"),
        "idle_cpu_l2tpns_10k": bl.get("idle"),
        "idle_cpu_ratio_vs_l2tpns": ratio(bp.get("idle"), bl.get("idle")),
        "sessions_held_vs_l2tpns": bl.get("n") if bp.get("n") == bl.get("n") else None,
    }
    return o


vs_fig = vs_figures()
po_n, po_rate, po_rss, po_cpu = pppoe_big_fig()
lac_cpu = cpu_growth(0)
lns_cpu = cpu_growth(1)

r = {
    # end to end: ISDN call at the LAC -> IPCP Opened at the LNS (isdngen)
    "setup_rate_sps_1k": med("e2e_setup_sps_1k"),
    "setup_rate_sps_60k": e2e_60k,
    "sessions_one_tunnel": n1,
    "sessions_one_lns": n2,
    "rss_per_session_bytes_lac": e2e_per_session(0) if e2e_60k else None,
    "rss_per_session_bytes_lns": per2 if per2 is not None else per1,
    "dataplane_pps_64": med("dataplane_pps_64"),
    "dataplane_pps_1400": med("dataplane_pps_1400"),
    "dataplane_bps_64": med("dataplane_bps_64"),
    "dataplane_bps_1400": med("dataplane_bps_1400"),
    "forwarder_pps_64": med("forwarder_pps_64"),
    "forwarder_pps_1400": med("forwarder_pps_1400"),
    "dataplane_ratio_64": ratio(med("dataplane_pps_64"), med("forwarder_pps_64")),
    "dataplane_ratio_1400": ratio(med("dataplane_pps_1400"), med("forwarder_pps_1400")),
    # PPPoE <-> L2TP through the LAC (pppoegen --blast, section 5b): packets
    # back per second over N sessions, against the bare forwarder, and the
    # LAC's CPU per packet back (each crossed the LAC twice)
    "pppoe_dataplane_sessions": med("pppoe_dataplane_sessions_64"),
    "pppoe_dataplane_pps_64": med("pppoe_dataplane_pps_64"),
    "pppoe_dataplane_pps_1400": med("pppoe_dataplane_pps_1400"),
    "pppoe_dataplane_ratio_64": ratio(med("pppoe_dataplane_pps_64"), med("forwarder_pps_64")),
    "pppoe_dataplane_ratio_1400": ratio(med("pppoe_dataplane_pps_1400"), med("forwarder_pps_1400")),
    "pppoe_dataplane_lac_cpu_us_per_pkt_64": med("pppoe_dataplane_lac_cpu_us_64"),
    "pppoe_dataplane_lac_cpu_us_per_pkt_1400": med("pppoe_dataplane_lac_cpu_us_1400"),
    # restart in place at 10 000 sessions (section 9): the longest gap
    # without a packet back at loadgen (old process's last packet to the
    # new one's first), the node's own view (its log: restart requested
    # -> ppp restored), packets lost, sessions restored
    "restart_switch_ms_10k": med("restart_switch_ms"),
    "restart_node_ms_10k": med("restart_node_ms"),
    "restart_packets_lost_10k": med("restart_packets_lost"),
    "restart_sessions_restored_10k": med("restart_sessions"),
    "l2tp_only_sps": med("l2tp_only_sps"),
    "xl2tpd_l2tp_only_sps": med("xl2tpd_l2tp_only_sps"),
    "l2tp_only_ratio_vs_xl2tpd": ratio(med("l2tp_only_sps"), med("xl2tpd_l2tp_only_sps")),
    # the PPP set-up at the LNS (generator as LAC + user), not end to end
    "lns_setup_rate_sps_1k": med("lns_setup_sps_1k"),   # proxy LCP + CHAP accepted
    # LCP + CHAP renegotiated by the LNS (ppp-lcp-renegotiation "always")
    "lns_setup_rate_sps_1k_reneg": med("lns_setup_sps_1k_reneg"),
    # RADIUS (section 6): FreeRADIUS alone (radclient), then the
    # LNS set-up with auth-local and with auth-radius against it
    "freeradius_rps": med("freeradius_rps"),
    "lns_setup_rate_sps_1k_auth_local": med("lns_setup_sps_radrun_local"),
    "lns_setup_rate_sps_1k_auth_radius": med("lns_setup_sps_radrun_radius"),
    "radius_setup_ratio_vs_freeradius": ratio(med("lns_setup_sps_radrun_radius"),
                                              med("freeradius_rps")),
    "radius_setup_ratio_vs_auth_local": ratio(med("lns_setup_sps_radrun_radius"),
                                              med("lns_setup_sps_radrun_local")),
    # loadgen's own CPU (getrusage user + system) per session of those
    # runs: it shares FreeRADIUS's core, so it bounds (c)
    "loadgen_cpu_us_per_session": med("loadgen_cpu_us_radrun_radius"),
    "loadgen_cpu_us_per_session_auth_local": med("loadgen_cpu_us_radrun_local"),
    "lns_setup_rate_sps_at_1k_one_run": rate_1k,
    "lns_setup_rate_sps_at_60k_one_run": rate_60k,
    # end to end, same run: rate over 59k -> 60k / rate over 0 -> 1k
    # end to end: rate at 60k (median of the last three 1k steps of the run
    # to 60k) / rate at 1k (median of the fresh 1k runs)
    "growth_ratio": ratio(e2e_60k, med("e2e_setup_sps_1k")),
    "growth_ratio_one_run": ratio(e2e_rate.get(60000), e2e_rate.get(1000)),
    "e2e_setup_rate_sps_at_1k_one_run": e2e_rate.get(1000),
    "e2e_sessions": e2e_n,
    "e2e_lac_controllers": e2e.get("ports"),
    "e2e_lac_b_channels": e2e.get("b_channels"),
    "e2e_rss_per_session_bytes_lns": e2e_per_session(1),
    "e2e_idle_cpu_lac": round(e2e["cpu"][0], 4) if 0 in e2e["cpu"] else None,
    "e2e_idle_cpu_lns": round(e2e["cpu"][1], 4) if 1 in e2e["cpu"] else None,
    "e2e_lac_start_ms": med("e2e_lac_start_ms"),
    "e2e_cpu_us_per_session_lac_1k_10k": lac_cpu[0],
    "e2e_cpu_us_per_session_lac_50k_57k": lac_cpu[1],
    "e2e_cpu_growth_ratio_lac": lac_cpu[2],
    "e2e_cpu_us_per_session_lns_1k_10k": lns_cpu[0],
    "e2e_cpu_us_per_session_lns_50k_57k": lns_cpu[1],
    "e2e_cpu_growth_ratio_lns": lns_cpu[2],
    # the PPP set-up at the LNS alone (loadgen as LAC + user), same steps
    "growth_ratio_lns": ratio(rate_60k, rate_1k),
    "rss_per_session_bytes_lns_one_tunnel": per1,
    "idle_cpu_lns_one_tunnel": cpu1,
    "idle_cpu_lns_one_lns": cpu2,
    # end to end over PPPoE: PADI at the LAC -> IPCP Opened at the LNS
    # (pppoegen); the LAC's CPU per session says what one free core does
    "pppoe_setup_rate_sps_1k": med("pppoe_setup_sps_1k"),
    "pppoe_sessions": po_n,
    "pppoe_setup_rate_sps_big": po_rate,
    "pppoe_rss_per_session_bytes_lac": po_rss,
    "pppoe_cpu_us_per_session_lac": po_cpu,
    "pppoe_setup_rate_sps_one_lac_core": round(1e6 / po_cpu) if po_cpu else None,
    "pppoe_idle_cpu_lac": round(pppoe["cpu"][0], 4) if 0 in pppoe["cpu"] else None,
    # side by side with l2tpns (section 7)
    **vs_fig,
    "detail": {k: stat(k) for k in sorted(runs)},
    "steps_e2e": [{"sessions": s, "rate_sps": round(rt, 1), "rss_mib_lac": round(a, 1),
                   "rss_mib_lns": round(b, 1)} for s, rt, a, b in e2e_steps],
    "steps_one_tunnel": [{"sessions": s, "rate_sps": round(rt, 1), "rss_mib": round(m, 1)}
                         for s, rt, m in steps],
    "machine": {
        "cpus": os.cpu_count(),
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                     if l.startswith("model name")), platform.machine()),
        "kernel": platform.release(),
    },
    "not_measured": {},
}
why = {
    "setup_rate_sps_1k": "the end-to-end section did not run (see bench.sh section 4)",
    "setup_rate_sps_60k": "the end-to-end run to 60 000 did not complete (smoke run, or timeout)",
    "rss_per_session_bytes_lac": "as setup_rate_sps_60k",
    "growth_ratio": "as setup_rate_sps_60k",
}
for k, v in why.items():
    if r.get(k) is None:
        r["not_measured"][k] = v
for k in ("sessions_one_tunnel", "sessions_one_lns", "dataplane_pps_64", "l2tp_only_sps",
          "xl2tpd_l2tp_only_sps", "rss_per_session_bytes_lns", "freeradius_rps",
          "radius_setup_ratio_vs_freeradius"):
    if r.get(k) is None:
        r["not_measured"][k] = "that section did not run or did not complete"
# Section 7 stands in for section 6 when that did not run: our LNS with
# auth-radius (proxy path) over FreeRADIUS's own rate, same FreeRADIUS.
if r["radius_setup_ratio_vs_freeradius"] is None and r["freeradius_rps"]:
    r["radius_setup_ratio_vs_freeradius"] = ratio(r["lns_setup_rate_sps_1k_radius_proxy"],
                                                  r["freeradius_rps"])
    if r["radius_setup_ratio_vs_freeradius"] is not None:
        r["radius_setup_ratio_source"] = "section 7 (l2tpns runs: pool addresses)"
# The same ratio at 10 000 set-ups (section 7's proxy run, pool addresses):
# a 1k run lasts about 20 ms, and its start-up (a few ms) weighs on it.
r["radius_setup_ratio_vs_freeradius_10k"] = ratio(r.get("lns_setup_rate_sps_10k_radius_proxy"),
                                                  r["freeradius_rps"])
for k in ("l2tpns_setup_rate_sps_1k", "setup_ratio_vs_l2tpns_proxy", "setup_ratio_vs_l2tpns_reneg",
          "l2tpns_setup_rate_sps_10k", "dataplane_ratio_vs_l2tpns_64",
          "dataplane_ratio_vs_l2tpns_1400", "rss_per_session_bytes_l2tpns",
          "idle_cpu_ratio_vs_l2tpns"):
    if r.get(k) is None:
        r["not_measured"][k] = ("section 7 (side by side with l2tpns) did not run or did not "
                                "complete (l2tpns, freeradius, radclient installed? BENCH_ONLY?)")
# Section 8: bulk TCP (iperf3) through one session (loadgen's user as a
# TUN in a namespace of its own) and over a bare veth between the same
# namespaces; the data plane itself is not changed (issue 19 part 3 is).
r["tcp_bps_one_session"] = med("tcp_bps_session")
r["tcp_bps_veth"] = med("tcp_bps_veth")
r["tcp_ratio_vs_veth"] = ratio(r["tcp_bps_one_session"], r["tcp_bps_veth"])
r["tcp_ratio_vs_dataplane_bps_1400"] = ratio(r["tcp_bps_one_session"], r["dataplane_bps_1400"])
# Issue 19's ">= 5x today's 1400 B figure": against a fixed figure, the
# 1400 B data plane in bit/s of the committed results when part 3 began
# (session 5's merged tree, quiet machine), so that the target does not
# move with the run (and holds when BENCH_ONLY=tcp runs section 8 alone).
TCP_1400B_BASELINE_BPS = 1320857067.0
r["tcp_1400b_baseline_bps"] = TCP_1400B_BASELINE_BPS
r["tcp_ratio_vs_1400b_bps"] = ratio(r["tcp_bps_one_session"], TCP_1400B_BASELINE_BPS)
# The reverse direction (the user's side sending, iperf3 -R; loadgen cuts
# the TUN's TSO packets and sends them with UDP_SEGMENT), and how much
# loadgen coalesced (IP packets per TUN write) / batched.
r["tcp_bps_one_session_reverse"] = med("tcp_bps_session_rev")
r["tcp_bps_veth_reverse"] = med("tcp_bps_veth_rev")
r["tcp_ratio_vs_veth_reverse"] = ratio(r["tcp_bps_one_session_reverse"], r["tcp_bps_veth_reverse"])
r["tcp_gen_segments_per_tun_write"] = med("tcp_gen_segments_per_tun_write")
r["tcp_gen_tun_reads_per_udp_send"] = med("tcp_gen_tun_reads_per_udp_send")
for k in ("tcp_bps_one_session", "tcp_bps_veth", "tcp_ratio_vs_veth", "tcp_ratio_vs_1400b_bps",
          "tcp_bps_one_session_reverse", "tcp_ratio_vs_veth_reverse"):
    if r[k] is None:
        r["not_measured"][k] = "section 8 (bulk TCP, iperf3) did not run or did not complete"

# The targets of issue 19, as ratios of this run: met, missed (with where
# the profile that says why is), or not measured.
PROF = "docs/PERFORMANCE.md, 'Side by side with l2tpns', profile"


def target(key, op, want, why):
    v = r.get(key)
    if v is None:
        st = "not measured"
    else:
        st = "met" if (v >= want if op == ">=" else v <= want) else "missed"
    t = {"value": v, "target": "%s %s" % (op, want), "status": st}
    if st == "missed":
        t["why"] = why
    return t


cpu_r = r.get("cpu_ratio_per_session_vs_l2tpns_reneg")
TAIL = ("a 1k run (about 20 ms) pays a start-up of a few ms that a 10k run spreads (not the "
        "generator's window: 1 024 sessions in flight instead of 256 gave the same); at 10k %s")
r["targets"] = {
    "setup_ratio_vs_l2tpns_reneg": target(
        "setup_ratio_vs_l2tpns_reneg", ">=", 5,
        "CPU per session ours / l2tpns %s; both cores are ~90 %% busy (FreeRADIUS and the "
        "generator on one); %s: %s" % (cpu_r, TAIL % ("%sx" % r.get("setup_ratio_vs_l2tpns_reneg_10k")),
                                      PROF)),
    "setup_ratio_vs_l2tpns_proxy": target(
        "setup_ratio_vs_l2tpns_proxy", ">=", 6,
        "as the renegotiation path (CPU per session ours / l2tpns %s); %s: %s" % (
            r.get("cpu_ratio_per_session_vs_l2tpns_proxy"),
            TAIL % ("%sx" % r.get("setup_ratio_vs_l2tpns_proxy_10k")), PROF)),
    "radius_setup_ratio_vs_freeradius": target(
        "radius_setup_ratio_vs_freeradius", ">=", 0.8,
        "%s; both cores are ~90 %% busy: docs/PERFORMANCE.md, 'The tree of session 10'" % (
            TAIL % r.get("radius_setup_ratio_vs_freeradius_10k"))),
    "dataplane_ratio_64": target(
        "dataplane_ratio_64", ">=", 1.0,
        "about 91 %% of the LNS's data-plane time is the kernel's UDP<->TUN path, one packet per "
        "read/write on the TUN (issue 19 part 3, offloads, not done): docs/PROFILING.md, %s" % PROF),
    "tcp_ratio_vs_dataplane_bps_1400": target(
        "tcp_ratio_vs_dataplane_bps_1400", ">=", 5,
        "the LNS cuts every TSO packet into segments of the session's MSS and sends them as "
        "L2TP datagrams (UDP GSO), loadgen joins them again (tcp_gen_segments_per_tun_write "
        "%s); a loaded machine lowers it most: docs/PERFORMANCE.md, 'Bulk TCP with offloads at "
        "both ends'" % r.get("tcp_gen_segments_per_tun_write")),
    "tcp_ratio_vs_1400b_bps": target(
        "tcp_ratio_vs_1400b_bps", ">=", 5,
        "bulk TCP through one session against the fixed 1400 B figure (%.0f bit/s) of the "
        "results when part 3 began; see tcp_ratio_vs_veth's why" % TCP_1400B_BASELINE_BPS),
    "tcp_ratio_vs_veth": target(
        "tcp_ratio_vs_veth", ">=", 0.3,
        "the veth moves 64 KB TSO/GRO super-packets end to end; the session is cut into "
        "1 400-byte L2TP datagrams at the LNS and joined again at loadgen (%s IP packets per "
        "TUN write), two user-space forwarders: docs/PERFORMANCE.md, 'Bulk TCP with offloads "
        "at both ends'" % r.get("tcp_gen_segments_per_tun_write")),
    "rss_per_session_bytes_lns": target(
        "rss_per_session_bytes_lns", "<=", 1536,
        "the per-session state of the LNS (heap profile: issue 15's work): docs/PERFORMANCE.md"),
    "rss_per_session_bytes_lac": target(
        "rss_per_session_bytes_lac", "<=", 1024,
        "the LAC's per-session state (B channel call and link, PPP in forwarding mode, L2TP "
        "session): docs/PERFORMANCE.md"),
    "idle_cpu_ratio_vs_l2tpns": target(
        "idle_cpu_ratio_vs_l2tpns", "<=", 0.5,
        "both send one LCP Echo-Request per session every 10 s; ours %s, l2tpns %s cores: %s" % (
            r.get("idle_cpu_lns_10k"), r.get("idle_cpu_l2tpns_10k"), PROF)),
    "sessions_one_tunnel": target("sessions_one_tunnel", ">=", 65535, "see section 3"),
    "sessions_one_lns": target("sessions_one_lns", ">=", 100000, "see section 3"),
    "growth_ratio": target("growth_ratio", ">=", 0.9, "see section 4"),
}
if skipped:
    r["skipped"] = skipped
with open(out_json, "w") as f:
    json.dump(r, f, indent=1)
    f.write("\n")


def fmt(v, unit=""):
    if v is None:
        return "not measured"
    if isinstance(v, float) and v >= 1000:
        return "{:,.0f}{}".format(v, unit)
    return "{}{}".format(v, unit)


rows = [
    ("set-up rate end to end at 1k (sessions/s)", r["setup_rate_sps_1k"], ">= 5 000"),
    ("set-up rate end to end at 60k (sessions/s)", r["setup_rate_sps_60k"], ">= 5 000"),
    ("  end to end at 0..1k in the run to 60k", r["e2e_setup_rate_sps_at_1k_one_run"], ""),
    ("growth ratio end to end (rate at 60k / rate at 1k)", r["growth_ratio"], ">= 0.9"),
    ("  same run only (59k..60k / 0..1k)", r["growth_ratio_one_run"], ""),
    ("  CPU us per session, LAC, 1k..10k / 50k..57k",
     None if r["e2e_cpu_growth_ratio_lac"] is None else "%s / %s" % (
         r["e2e_cpu_us_per_session_lac_1k_10k"], r["e2e_cpu_us_per_session_lac_50k_57k"]), ""),
    ("  CPU us per session, LNS, 1k..10k / 50k..57k",
     None if r["e2e_cpu_growth_ratio_lns"] is None else "%s / %s" % (
         r["e2e_cpu_us_per_session_lns_1k_10k"], r["e2e_cpu_us_per_session_lns_50k_57k"]), ""),
    ("  LNS PPP set-up rate, 1k sessions (sessions/s)", r["lns_setup_rate_sps_1k"], ""),
    ("  same, LCP + CHAP renegotiated (sessions/s)", r["lns_setup_rate_sps_1k_reneg"], ""),
    ("  LNS PPP set-up rate at 59k..60k (sessions/s)", r["lns_setup_rate_sps_at_60k_one_run"], ""),
    ("  growth ratio, LNS alone", r["growth_ratio_lns"], ""),
    ("sessions held on one tunnel (LNS)", r["sessions_one_tunnel"], "65 535"),
    ("sessions held in one LNS (2 tunnels)", r["sessions_one_lns"], "100 000"),
    ("RSS per session, LNS (bytes)", r["rss_per_session_bytes_lns"], "<= 4 096"),
    ("RSS per session, LAC (bytes, 60k end to end)", r["rss_per_session_bytes_lac"], "<= 4 096"),
    ("  RSS per session, LNS in that run (bytes)", r["e2e_rss_per_session_bytes_lns"], ""),
    ("  idle CPU, LAC / LNS with 60k (cores)",
     None if r["e2e_idle_cpu_lac"] is None else "%s / %s" % (r["e2e_idle_cpu_lac"], r["e2e_idle_cpu_lns"]), ""),
    ("idle CPU, LNS with 65 535 sessions (cores)", r["idle_cpu_lns_one_tunnel"], ""),
    ("PPPoE -> L2TP set-up end to end, 1k (sessions/s)", r["pppoe_setup_rate_sps_1k"], ">= 10 000"),
    ("  PPPoE -> L2TP set-up, 0..%s (sessions/s)" % (r["pppoe_sessions"] or "?"),
     r["pppoe_setup_rate_sps_big"], ""),
    ("  LAC CPU us per PPPoE session (1e6/it: one core)", r["pppoe_cpu_us_per_session_lac"], ""),
    ("PPPoE <-> L2TP data plane at the LAC, 64 B (pps back)", r["pppoe_dataplane_pps_64"], ""),
    ("  same, 1400 B (pps back)", r["pppoe_dataplane_pps_1400"], ""),
    ("  ratio to the bare forwarder, 64 B / 1400 B",
     None if r["pppoe_dataplane_ratio_64"] is None else "%s / %s" % (
         r["pppoe_dataplane_ratio_64"], r["pppoe_dataplane_ratio_1400"]), ""),
    ("  LAC CPU us per packet back, 64 B / 1400 B",
     None if r["pppoe_dataplane_lac_cpu_us_per_pkt_64"] is None else "%s / %s" % (
         r["pppoe_dataplane_lac_cpu_us_per_pkt_64"], r["pppoe_dataplane_lac_cpu_us_per_pkt_1400"]), ""),
    ("RSS per PPPoE session, LAC (bytes)", r["pppoe_rss_per_session_bytes_lac"], "<= 2 048"),
    ("data plane 64 B (pps)", r["dataplane_pps_64"], ""),
    ("bare forwarder 64 B (pps)", r["forwarder_pps_64"], ""),
    ("data plane / forwarder, 64 B", r["dataplane_ratio_64"], ">= 0.8"),
    ("data plane 1400 B (pps)", r["dataplane_pps_1400"], ""),
    ("data plane 1400 B (bit/s)", r["dataplane_bps_1400"], ""),
    ("data plane / forwarder, 1400 B", r["dataplane_ratio_1400"], ""),
    ("L2TP-only set-up, our LNS (sessions/s)", r["l2tp_only_sps"], ""),
    ("L2TP-only set-up, xl2tpd (sessions/s)", r["xl2tpd_l2tp_only_sps"], ""),
    ("ours / xl2tpd", r["l2tp_only_ratio_vs_xl2tpd"], "> 1"),
]
rows += [
    ("side by side with l2tpns (section 7), same FreeRADIUS", "", ""),
    ("  set-up 1k, ours proxy / reneg / l2tpns (sessions/s)",
     "%s / %s / %s" % (fmt(r["lns_setup_rate_sps_1k_radius_proxy"]),
                       fmt(r["lns_setup_rate_sps_1k_radius_reneg"]),
                       fmt(r["l2tpns_setup_rate_sps_1k"])), ""),
    ("  ours / l2tpns, renegotiation path, 1k", r["setup_ratio_vs_l2tpns_reneg"], ">= 5"),
    ("  ours / l2tpns, proxy path, 1k", r["setup_ratio_vs_l2tpns_proxy"], ">= 6"),
    ("  set-up 0..10k, ours proxy / reneg / l2tpns",
     "%s / %s / %s" % (fmt(r["lns_setup_rate_sps_10k_radius_proxy"]),
                       fmt(r["lns_setup_rate_sps_10k_radius_reneg"]),
                       fmt(r["l2tpns_setup_rate_sps_10k"])), ""),
    ("  CPU us/session, ours proxy / reneg / l2tpns",
     "%s / %s / %s" % (r["cpu_us_per_session_lns_proxy"], r["cpu_us_per_session_lns_reneg"],
                       r["cpu_us_per_session_l2tpns"]), ""),
    ("  CPU us/session at FreeRADIUS, with ours / l2tpns",
     "%s / %s" % (r["cpu_us_per_session_freeradius_with_lns_proxy"],
                  r["cpu_us_per_session_freeradius_with_l2tpns"]), ""),
    ("  FreeRADIUS alone (answers/s)", r["freeradius_rps"], ""),
    ("  RADIUS set-up 0..10k (proxy) / FreeRADIUS alone", r["radius_setup_ratio_vs_freeradius_10k"],
     ""),
    ("  data plane 64 B ours / l2tpns (pps)",
     "%s / %s" % (fmt(r["lns_dataplane_pps_64_l2tpns_run"]), fmt(r["l2tpns_dataplane_pps_64"])),
     ""),
    ("  ours / l2tpns, 64 B / 1400 B",
     "%s / %s" % (r["dataplane_ratio_vs_l2tpns_64"], r["dataplane_ratio_vs_l2tpns_1400"]), ""),
    ("  CPU us/packet 64 B, ours / l2tpns",
     "%s / %s" % (r["dataplane_cpu_us_per_pkt_lns_64"], r["dataplane_cpu_us_per_pkt_l2tpns_64"]),
     ""),
    ("  CPU us/packet 1400 B, ours / l2tpns",
     "%s / %s" % (r["dataplane_cpu_us_per_pkt_lns_1400"],
                  r["dataplane_cpu_us_per_pkt_l2tpns_1400"]), ""),
    ("  RSS/session at 10k, ours / l2tpns (bytes)",
     "%s / %s" % (r["rss_per_session_bytes_lns_10k"], r["rss_per_session_bytes_l2tpns"]), ""),
    ("  RSS total at 10k, ours / l2tpns (KiB)",
     "%s / %s" % (r["rss_total_kib_lns_10k"], r["rss_total_kib_l2tpns_10k"]), ""),
    ("  idle CPU with 10k, ours / l2tpns (cores)",
     "%s / %s" % (r["idle_cpu_lns_10k"], r["idle_cpu_l2tpns_10k"]), ""),
    ("  idle CPU ours / l2tpns", r["idle_cpu_ratio_vs_l2tpns"], "<= 0.5"),
    ("bulk TCP through one session (bit/s)", r["tcp_bps_one_session"], ""),
    ("bulk TCP over a bare veth (bit/s)", r["tcp_bps_veth"], ""),
    ("  session / veth", r["tcp_ratio_vs_veth"], ">= 0.3"),
    ("  session TCP / data plane 1400 B bit/s", r["tcp_ratio_vs_dataplane_bps_1400"], ">= 5"),
    ("  session TCP / the 1400 B figure when part 3 began", r["tcp_ratio_vs_1400b_bps"], ">= 5"),
    ("  loadgen: IP packets per TUN write (its GRO)", r["tcp_gen_segments_per_tun_write"], ""),
    ("reverse, the user sending (bit/s): session / veth",
     "%s / %s" % (fmt(r["tcp_bps_one_session_reverse"]), fmt(r["tcp_bps_veth_reverse"])), ""),
    ("  session / veth, reverse", r["tcp_ratio_vs_veth_reverse"], ""),
]
print("%-50s %16s  %s" % ("figure (median)", "value", "target"))
for name, v, tgt in rows:
    print("%-50s %16s  %s" % (name, fmt(v), tgt))
print("targets of issue 19 (this run):")
for k, t in r["targets"].items():
    print("  %-34s %-14s %-12s %s" % (k, fmt(t["value"]), t["target"], t["status"]))
    if "why" in t:
        print("      why: %s" % t["why"])
print("results: %s" % out_json)

if (steps or e2e_steps) and shutil.which("gnuplot"):
    dat = png[:-4] + ".dat"
    dat2 = png[:-4] + "-e2e.dat"
    with open(dat, "w") as f:
        for s, rt, m in steps:
            f.write("%d %.1f %.1f\n" % (s, rt, m))
    with open(dat2, "w") as f:
        for s, rt, a, b in e2e_steps:
            f.write("%d %.1f %.1f %.1f\n" % (s, rt, a, b))
    curves = []
    if steps:
        curves += ["'%s' using 1:2 with linespoints title 'LNS alone: set-up rate' axes x1y1" % dat,
                   "'%s' using 1:3 with linespoints title 'LNS alone: RSS' axes x1y2" % dat]
    if e2e_steps:
        curves += ["'%s' using 1:2 with linespoints lw 2 title 'end to end: set-up rate' axes x1y1" % dat2,
                   "'%s' using 1:3 with linespoints dt 2 title 'end to end: LAC RSS' axes x1y2" % dat2,
                   "'%s' using 1:4 with linespoints dt 3 title 'end to end: LNS RSS' axes x1y2" % dat2]
    script = """
set terminal png size 800,520 font ",10"
set output '%s'
set title 'Set-up rate and RSS as sessions grow (end to end: ISDN -> LAC -> LNS; LNS alone: one tunnel)'
set xlabel 'established sessions'
set ylabel 'set-up rate (sessions/s, over the step)'
set y2label 'RSS (MiB)'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key below
set grid
plot %s
""" % (png, ", \\\n     ".join(curves))
    subprocess.run(["gnuplot"], input=script.encode(), check=False)
    print("chart: %s" % png)
