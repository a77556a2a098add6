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
skipped = None
for line in open(raw_path):
    f = line.split()
    if not f:
        continue
    if f[0] == "skipped":
        skipped = line.strip()
    elif f[0] in ("dataplane_pps", "dataplane_bps", "forwarder_pps", "forwarder_bps"):
        runs.setdefault("%s_%s" % (f[0], f[1]), []).append(float(f[3]))
    elif f[0] in ("l2tp_only_sps", "xl2tpd_l2tp_only_sps", "lns_setup_sps_1k"):
        runs.setdefault(f[0], []).append(float(f[2]))
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

r = {
    # end to end (ISDN call at the LAC -> IPCP Opened at the LNS): not measured
    "setup_rate_sps_1k": None,
    "setup_rate_sps_60k": None,
    "sessions_one_tunnel": n1,
    "sessions_one_lns": n2,
    "rss_per_session_bytes_lac": None,
    "rss_per_session_bytes_lns": per2 if per2 is not None else per1,
    "dataplane_pps_64": med("dataplane_pps_64"),
    "dataplane_pps_1400": med("dataplane_pps_1400"),
    "dataplane_bps_64": med("dataplane_bps_64"),
    "dataplane_bps_1400": med("dataplane_bps_1400"),
    "forwarder_pps_64": med("forwarder_pps_64"),
    "forwarder_pps_1400": med("forwarder_pps_1400"),
    "dataplane_ratio_64": ratio(med("dataplane_pps_64"), med("forwarder_pps_64")),
    "dataplane_ratio_1400": ratio(med("dataplane_pps_1400"), med("forwarder_pps_1400")),
    "l2tp_only_sps": med("l2tp_only_sps"),
    "xl2tpd_l2tp_only_sps": med("xl2tpd_l2tp_only_sps"),
    "l2tp_only_ratio_vs_xl2tpd": ratio(med("l2tp_only_sps"), med("xl2tpd_l2tp_only_sps")),
    # the PPP set-up at the LNS (generator as LAC + user), not end to end
    "lns_setup_rate_sps_1k": med("lns_setup_sps_1k"),
    "lns_setup_rate_sps_at_1k_one_run": rate_1k,
    "lns_setup_rate_sps_at_60k_one_run": rate_60k,
    "growth_ratio": ratio(rate_60k, rate_1k),
    "rss_per_session_bytes_lns_one_tunnel": per1,
    "idle_cpu_lns_one_tunnel": cpu1,
    "idle_cpu_lns_one_lns": cpu2,
    "detail": {k: stat(k) for k in sorted(runs)},
    "steps_one_tunnel": [{"sessions": s, "rate_sps": round(rt, 1), "rss_mib": round(m, 1)}
                         for s, rt, m in steps],
    "machine": {
        "cpus": os.cpu_count(),
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                     if l.startswith("model name")), platform.machine()),
        "kernel": platform.release(),
    },
    "not_measured": {
        "setup_rate_sps_1k": "end-to-end ISDN -> LAC -> LNS load path not built yet: the generator "
                             "plays the LAC (L2TP + proxy LCP/CHAP) and the user, so the LAC's own "
                             "work is not in the path; see lns_setup_rate_sps_1k",
        "setup_rate_sps_60k": "as setup_rate_sps_1k; see lns_setup_rate_sps_at_60k_one_run",
        "rss_per_session_bytes_lac": "needs the ISDN load path (thousands of B channels at the LAC)",
        "growth_ratio": "measured at the LNS (generator as LAC), not end to end",
    },
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
    ("  LNS PPP set-up rate, 1k sessions (sessions/s)", r["lns_setup_rate_sps_1k"], ""),
    ("  LNS PPP set-up rate at 59k..60k (sessions/s)", r["lns_setup_rate_sps_at_60k_one_run"], ""),
    ("growth ratio (rate at 60k / at 1k, LNS)", r["growth_ratio"], ">= 0.9"),
    ("sessions held on one tunnel (LNS)", r["sessions_one_tunnel"], "65 535"),
    ("sessions held in one LNS (2 tunnels)", r["sessions_one_lns"], "100 000"),
    ("RSS per session, LNS (bytes)", r["rss_per_session_bytes_lns"], "<= 4 096"),
    ("RSS per session, LAC (bytes)", r["rss_per_session_bytes_lac"], "<= 4 096"),
    ("idle CPU, LNS with 65 535 sessions (cores)", r["idle_cpu_lns_one_tunnel"], ""),
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
print("%-50s %16s  %s" % ("figure (median)", "value", "target"))
for name, v, tgt in rows:
    print("%-50s %16s  %s" % (name, fmt(v), tgt))
print("results: %s" % out_json)

if steps and shutil.which("gnuplot"):
    dat = png[:-4] + ".dat"
    with open(dat, "w") as f:
        for s, rt, m in steps:
            f.write("%d %.1f %.1f\n" % (s, rt, m))
    script = """
set terminal png size 800,450 font ",10"
set output '%s'
set title 'LNS: PPP set-up rate and resident memory as sessions grow (one tunnel)'
set xlabel 'established sessions'
set ylabel 'set-up rate (sessions/s, over the step)'
set y2label 'RSS (MiB)'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key left top
set grid
plot '%s' using 1:2 with linespoints title 'set-up rate' axes x1y1, \\
     '%s' using 1:3 with linespoints title 'RSS' axes x1y2
""" % (png, dat, dat)
    subprocess.run(["gnuplot"], input=script.encode(), check=False)
    print("chart: %s" % png)
