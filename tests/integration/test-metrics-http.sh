#!/bin/bash
# SPDX-License-Identifier: MIT
# The Prometheus endpoint (core/metrics-http.c, `metrics { listen }`): an
# LNS on 127.0.0.1 and a LAC on [::1] (when the host has IPv6 loopback),
# sessions brought up with the testcarrier module. /metrics is checked with
# curl and promtool (HELP/TYPE per family, node label, the l2tp gauges and
# counters); 404 for other paths, 405 for other methods; hostile requests
# do not disturb it; four sessions make no more series than one; a real
# Prometheus server scrapes it (up{job="vpdnd"} == 1 and a vpdnd series);
# a reload moves the listener; bad values and a port in use are reported
# with file:line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"

tc_require
command -v curl >/dev/null || { _fail "curl installed (scripts/deps.sh)"; finish; }
command -v promtool >/dev/null || { _fail "promtool installed (prometheus, scripts/deps.sh)"; finish; }
PORT=$(free_port 127.0.0.1 127.0.0.2)
[ -n "$PORT" ] || skip "no free UDP port"
tcp_port() { # tcp_port ADDR: a free TCP port on ADDR
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "$1"
}
HP=$(tcp_port 127.0.0.1)
HP2=$(tcp_port 127.0.0.1)
V6=""
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	V6=$(tcp_port ::1)
	LAC_LISTEN="[::1]:$V6"
	LAC_URL="http://[::1]:$V6/metrics"
else
	echo "# no IPv6 loopback here: the LAC listens on 127.0.0.1"
	V6=$(tcp_port 127.0.0.1)
	LAC_LISTEN="127.0.0.1:$V6"
	LAC_URL="http://127.0.0.1:$V6/metrics"
fi
URL="http://127.0.0.1:$HP/metrics"

start_bus

write_config lac.conf <<CONF
hostname = "LAC"
modules = {"l2tp", "testcarrier"}
metrics { listen = "$LAC_LISTEN" }
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  terminate-from = "LNS"
  initiate-to = {"127.0.0.2"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.1"
}
l2tp { listen = {"127.0.0.1"}  port = $PORT }
CONF
lns_conf() { # lns_conf HTTP-PORT
	write_config lns.conf <<CONF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
metrics {
  listen = "127.0.0.1:$1"
}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.2"
}
l2tp { listen = {"127.0.0.2"}  port = $PORT }
CONF
}
lns_conf "$HP"

start_node LNS "$T/lns.conf" || { _fail "LNS starts"; finish; }
LNS_PID=$NODE_PID
LNS_LOG=$NODE_LOG
start_node LAC "$T/lac.conf" || { _fail "LAC starts"; finish; }
check "the node says where it serves" log_has "$LNS_LOG" "serving Prometheus metrics on http://127.0.0.1:$HP/metrics"

scrape() { curl -sS --max-time 5 "$@"; }
series() { scrape "$1" | grep -vc '^#'; }

ok "DialIn remote1@cisco.com" tc LAC DialIn sss remote1@cisco.com 6122 211
wait_until 10 state_is LAC 1 up
check "session 1 up" state_is LAC 1 up
wait_until 5 eval 'scrape "$URL" | grep -qF "vpdnd_l2tp_sessions{node=\"LNS\",role=\"lns\",state=\"est\"} 1"'

ok "GET /metrics (LNS)" scrape -D "$T/headers" -o "$T/m1" "$URL"
M=$(cat "$T/m1")
check "200 OK" grep -q "^HTTP/1.1 200" "$T/headers"
check "text format 0.0.4" grep -qi "^Content-Type: text/plain; version=0.0.4" "$T/headers"
contains "HELP line" "$M" "# HELP vpdnd_l2tp_control_rx_total L2TP control messages received in order"
contains "TYPE counter for a _total" "$M" "# TYPE vpdnd_l2tp_control_rx_total counter"
contains "TYPE gauge otherwise" "$M" "# TYPE vpdnd_l2tp_sessions gauge"
contains "one established session" "$M" 'vpdnd_l2tp_sessions{node="LNS",role="lns",state="est"} 1'
contains "one established tunnel" "$M" 'vpdnd_l2tp_tunnels{node="LNS",state="est"} 1'
contains "a counter with its node label" "$M" 'vpdnd_l2tp_sessions_up_total{node="LNS"} 1'
contains "uptime in seconds" "$M" '# TYPE vpdnd_uptime_seconds gauge'
contains "build info" "$M" 'vpdnd_build_info{node="LNS",version="'
check "one TYPE line per family" python3 -c '
import collections, sys
c = collections.Counter(l.split()[2] for l in sys.argv[1].splitlines() if l.startswith("# TYPE "))
assert c and max(c.values()) == 1, c' "$M"
ok "promtool check metrics (LNS)" promtool check metrics <"$T/m1"
# promtool also lints (e.g. a counter without _total); it prints nothing when clean.
check "promtool has no complaints" [ -z "$OUT" ]
ok "GET /metrics (LAC, $LAC_LISTEN)" scrape -o "$T/lac.m" "$LAC_URL"
contains "LAC: one established session" "$(cat "$T/lac.m")" 'vpdnd_l2tp_sessions{node="LAC",role="lac",state="est"} 1'
ok "promtool check metrics (LAC)" promtool check metrics <"$T/lac.m"
ok "vpdnctl metrics (LNS)" "$VPDNCTL" -n LNS metrics
check "vpdnctl and HTTP name the same families" python3 -c '
import sys
fam = lambda t: {l.split()[2] for l in t.splitlines() if l.startswith("# TYPE ")}
a, b = fam(sys.argv[1]), fam(open(sys.argv[2]).read())
missing = a - b
assert not missing, missing' "$OUT" "$T/m1"

# --- methods, paths, HEAD ----------------------------------------------------
code() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@"; }
check "HEAD /metrics: 200" [ "$(code -I "$URL")" = 200 ]
check "HEAD has no body" [ -z "$(curl -s --max-time 5 -I "$URL" | sed '1,/^\r$/d')" ]
check "GET /: 404" [ "$(code "http://127.0.0.1:$HP/")" = 404 ]
check "GET /metrics/x: 404" [ "$(code "http://127.0.0.1:$HP/metrics/x")" = 404 ]
check "POST /metrics: 405" [ "$(code -X POST -d x=1 "$URL")" = 405 ]
check "DELETE /metrics: 405" [ "$(code -X DELETE "$URL")" = 405 ]
check "405 says Allow: GET, HEAD" eval 'curl -s -i -X PUT --max-time 5 "$URL" | grep -qi "^Allow: GET, HEAD"'
contains "requests counted by code" "$(scrape "$URL")" 'vpdnd_metrics_http_requests_total{node="LNS",code="404"} 2'

# --- hostile requests ----------------------------------------------------
ok "garbage, a huge header, a slow half request, 40 connections" python3 - "$HP" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s
s = conn(); s.sendall(b"\x00\xff\x16\x03\x01 garbage\r\n\r\n"); s.close()
s = conn(); s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"); s.close()
s = conn(); s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"A" * 100000 + b"\r\n\r\n")
try:
    r = s.recv(4096)
    assert not r.startswith(b"HTTP/1.1 200"), r[:40]
except (ConnectionResetError, BrokenPipeError):
    pass
s.close()
held = []
for i in range(40):
    try:
        c = conn(); c.sendall(b"GET /met"); held.append(c)
    except OSError:
        pass
time.sleep(0.3)
for c in held:
    c.close()
PY
check "still serving after them" [ "$(code "$URL")" = 200 ]
check "the LNS is alive" kill -0 "$LNS_PID"
check "the session is still up" state_is LAC 1 up

# --- bounded series: 4 sessions, no more series than 1 ---------------------
N1=$(series "$URL")
for u in 2 3 4; do
	ok "DialIn remote$u@cisco.com" tc LAC DialIn sss "remote$u@cisco.com" "612$u" 211
done
wait_until 10 eval 'scrape "$URL" | grep -qF "vpdnd_l2tp_sessions{node=\"LNS\",role=\"lns\",state=\"est\"} 4"'
contains "four established sessions" "$(scrape "$URL")" 'vpdnd_l2tp_sessions{node="LNS",role="lns",state="est"} 4'
N4=$(series "$URL")
check "series count independent of sessions ($N1 with 1, $N4 with 4)" [ "$N1" -eq "$N4" ]
contains "nothing dropped by max-series" "$(scrape "$URL")" 'vpdnd_metrics_series_dropped{node="LNS"} 0'

# --- a real Prometheus scraping it --------------------------------------------
if command -v prometheus >/dev/null; then
	PP=$(tcp_port 127.0.0.1)
	cat >"$T/prom.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: vpdnd
    static_configs:
      - targets: ["127.0.0.1:$HP"]
YML
	spawn prometheus prometheus --config.file="$T/prom.yml" --storage.tsdb.path="$T/tsdb" \
		--web.listen-address="127.0.0.1:$PP"
	q() { curl -s --max-time 2 "http://127.0.0.1:$PP/api/v1/query" --data-urlencode "query=$1"; }
	vec_is() { q "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = d["data"]["result"]
assert d["status"] == "success" and r and r[0]["value"][1] == sys.argv[1], r' "$2"; }
	wait_until 30 vec_is 'up{job="vpdnd"}' 1
	check "Prometheus: up{job=\"vpdnd\"} == 1" vec_is 'up{job="vpdnd"}' 1
	wait_until 5 vec_is 'vpdnd_l2tp_sessions{job="vpdnd",role="lns",state="est"}' 4
	check "Prometheus: vpdnd_l2tp_sessions{role=\"lns\",state=\"est\"} == 4" \
		vec_is 'vpdnd_l2tp_sessions{job="vpdnd",role="lns",state="est"}' 4
	stop_node prometheus
else
	_fail "prometheus installed (scripts/deps.sh)"
fi

# --- reload moves the listener ------------------------------------------------
lns_conf "$HP2"
ok "vpdnctl reload (new port)" "$VPDNCTL" -n LNS reload
wait_until 5 [ "$(code "http://127.0.0.1:$HP2/metrics")" = 200 ]
check "serves on the new port" [ "$(code "http://127.0.0.1:$HP2/metrics")" = 200 ]
check "the old port is closed" [ "$(code "$URL")" = 000 ]
# A reload onto a port that is taken is refused with file:line; the
# endpoint is then closed (its old socket was freed for the new bind).
HP3=$(tcp_port 127.0.0.1)
spawn holder python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); print("held", flush=True); time.sleep(60)' "$HP3"
wait_until 5 grep -q held "$T/holder.log"
lns_conf "$HP3"
ko "reload onto a port in use is refused" "$VPDNCTL" -n LNS reload
contains "with file:line and errno" "$OUT$ERR" \
	"lns.conf:4: metrics: cannot listen on 127.0.0.1:$HP3: Address already in use"
stop_node holder
check "the endpoint in force stays" [ "$(code "http://127.0.0.1:$HP2/metrics")" = 200 ]
check "the LNS is alive after the reloads" kill -0 "$LNS_PID"

# --- bad config ---------------------------------------------------------------
bad() { # bad NAME VALUE EXPECTED
	write_config "$1.conf" <<CONF
hostname = "X"

metrics {
  listen = "$2"
}
CONF
	run "$VPDND" -c "$T/$1.conf" --check
	check "listen = \"$2\": exit 78" [ "$RC" -eq 78 ]
	contains "listen = \"$2\": file:line" "$ERR" "$1.conf:4: metrics listen '$2'"
	contains "listen = \"$2\": why" "$ERR" "$3"
}
bad nonsense nonsense "is not ADDRESS:PORT"
bad noport 127.0.0.1 "is not ADDRESS:PORT"
bad bigport 127.0.0.1:70000 "the port must be 1..65535"
bad v6nobrackets ::1:9464 "is not ADDRESS:PORT"
bad name localhost:9464 "is not ADDRESS:PORT with a numeric address"

write_config inuse.conf <<CONF
hostname = "Y"
metrics { listen = "127.0.0.1:$HP2" }
CONF
run timeout 10 "$VPDND" -c "$T/inuse.conf" --no-bus
check "port in use: exit 1" [ "$RC" -eq 1 ]
contains "port in use: file:line and errno" "$ERR" \
	"inuse.conf:2: metrics: cannot listen on 127.0.0.1:$HP2: Address already in use"

finish
