#!/bin/sh
# The ppp module in a real vpdnd process: its interface options validate
# (the scenario's interface sections), bad values are refused naming file
# and line, and the module exports only its descriptor.
set -u
. "$VPDND_SOURCE_ROOT/tests/integration/check.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/lns.conf" <<'CONF'
hostname = "LNS"
modules = {"ppp"}
interface "Loopback0" { ip-address = "18.18.18.2" }
interface "Virtual-Template1" {
  ip-unnumbered = "Loopback0"
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LNS"
  ppp-lcp-renegotiation = "on-mismatch"
}
interface "Dialer2" {
  ip-unnumbered = "Loopback0"
  ppp-authentication = {"chap", "callin"}
  ppp-chap-hostname = "LNS"
  ppp-keepalive = 10
  ppp-keepalive-count = 5
}
interface "Serial0:15" { ppp-authentication = {"chap"}  ppp-chap-hostname = "LAC" }
interface "Pool" {
  ip-address = "10.0.0.1"
  ppp-authentication = {"pap", "chap"}
  ppp-peer-pool = "10.0.0.10 10.0.0.20"
  ppp-dns = {"10.0.0.53"}
  ppp-restart-timer = 2000
  ppp-max-configure = 8
  ppp-max-failure = 4
  ppp-max-terminate = 3
  ppp-mru = 1492
  ppp-force-local-chap = true
}
interface "Virtual-Template2" { ipv6-enable = true  ipv6-interface-id = "::205:ff:fe00:1" }
CONF
out=$("$VPDND" -c "$tmp/lns.conf" --check 2>&1); rc=$?
check "scenario interface options validate" [ "$rc" -eq 0 ]
check "--check lists ppp" sh -c 'printf "%s\n" "$1" | grep -q "^ppp"' _ "$out"

bad() { # name, interface body
	printf 'modules = {"ppp"}\ninterface "X" {\n  %s\n}\n' "$2" > "$tmp/$1.conf"
	out=$("$VPDND" -c "$tmp/$1.conf" --check 2>&1); rc=$?
	check "$1 refused" [ "$rc" -ne 0 ]
	check "$1 names the file" sh -c 'printf "%s" "$1" | grep -qF "$2"' _ "$out" "$tmp/$1.conf"
}
bad ms-chap 'ppp-authentication = {"ms-chap"}'
bad renegotiation 'ppp-lcp-renegotiation = "sometimes"'
bad pool 'ppp-peer-pool = "10.0.0.9 10.0.0.1"'
bad address 'ppp-peer-default-ip-address = "10.0.0.300"'
bad typo 'ppp-chap-hostnme = "LNS"'
bad ifid-prefix 'ipv6-interface-id = "2001:db8::1"'
bad ifid-zero 'ipv6-interface-id = "::"'
out=$("$VPDND" -c "$tmp/ifid-zero.conf" --check 2>&1); rc=$?
check "a zero interface id exits 78 at its line" sh -c '[ "$1" -eq 78 ] && printf "%s" "$2" | grep -q "ifid-zero.conf:3: .*ipv6-interface-id"' _ "$rc" "$out"
out=$("$VPDND" -c "$tmp/typo.conf" --check 2>&1); rc=$?
check "typo exits 78" [ "$rc" -eq 78 ]

# Named pools (ip-local-pool): a good one validates; a bad range, overlapping
# ranges and a template naming an unknown pool are refused with file:line.
pool() { # name, pool body, expected rc (0 or 78)
	printf 'modules = {"ppp"}\nip-local-pool "A" {\n  %s\n}\ninterface "Virtual-Template1" {\n  ppp-peer-default-ip-address-pool = "A"\n}\n' "$2" > "$tmp/$1.conf"
	out=$("$VPDND" -c "$tmp/$1.conf" --check 2>&1); rc=$?
	check "pool $1 exits $3" [ "$rc" -eq "$3" ]
	[ "$3" -eq 0 ] || check "pool $1 names file:line" sh -c 'printf "%s" "$1" | grep -qE "$2:[0-9]+"' _ "$out" "$tmp/$1.conf"
}
pool good 'range = {"10.8.0.10 10.8.0.20", "10.9.0.1-10.9.0.5"}' 0
pool reversed 'range = {"10.8.0.20 10.8.0.10"}' 78
pool overlap 'range = {"10.8.0.10 10.8.0.20", "10.8.0.20 10.8.0.30"}' 78
pool multicast 'range = {"224.0.0.1 224.0.0.9"}' 78
printf 'modules = {"ppp"}\ninterface "Virtual-Template1" {\n  ppp-peer-default-ip-address-pool = "nope"\n}\n' > "$tmp/unknown.conf"
out=$("$VPDND" -c "$tmp/unknown.conf" --check 2>&1); rc=$?
check "unknown template pool exits 78" [ "$rc" -eq 78 ]
check "unknown template pool says so" sh -c 'printf "%s" "$1" | grep -qF "no ip-local-pool of that name"' _ "$out"

so="$VPDND_BUILD_ROOT/modules/ppp/ppp.so"
check "ppp.so built" [ -f "$so" ]
syms=$(nm -D --defined-only "$so" 2>/dev/null | awk '$2 ~ /[TDRB]/ {print $3}' | tr '\n' ' ')
check "ppp.so exports only vpdn_module ($syms)" [ "$syms" = "vpdn_module " ]

# The node starts with the module and stops cleanly on SIGTERM.
"$VPDND" -c "$tmp/lns.conf" --no-bus > "$tmp/run.log" 2>&1 &
pid=$!
sleep 1
check "vpdnd with ppp runs" kill -0 "$pid"
kill -TERM "$pid" 2>/dev/null
wait "$pid"; rc=$?
check "vpdnd with ppp stops cleanly (rc $rc)" [ "$rc" -eq 0 ]
finish
