#!/bin/bash
# SPDX-License-Identifier: MIT
# Packet capture: `vpdnctl capture FILE [tunnel ID | session ID]` on the
# LAC of the two-node loopback setup (l2tp + testcarrier) while a dial-in
# comes up and carries frames; tshark must read the pcap as L2TP (SCCRQ ...
# ICCN, data both ways, the PPP inside), with nothing malformed, right
# checksums, and as many packets as vpdnctl reported. The node runs as root
# and the files hold CHAP exchanges: a capture is only ever a new file
# (mode 0600) inside the config's capture-directory; a symlink or an
# existing file at the name, a path outside the directory and a `..`
# escape are refused with the target untouched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"

tc_require

PORT=$(free_port 127.0.0.1 127.0.0.2)
[ -n "$PORT" ] || skip "no free UDP port"

[ -x "$VPDNCTL" ] || skip "vpdnctl not built"
command -v tshark >/dev/null || skip "tshark not installed"

start_bus
mkdir -p "$T/caps" "$T/outside"
CAPS=$(realpath "$T/caps")

write_config lac.conf <<EOF
hostname = "LAC"
modules = {"l2tp", "testcarrier"}
capture-directory = "$CAPS"
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
EOF
write_config lns.conf <<EOF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.2"
}
l2tp { listen = {"127.0.0.2"}  port = $PORT }
EOF

start_node LNS "$T/lns.conf" || { _fail "LNS starts"; finish; }
start_node LAC "$T/lac.conf" || { _fail "LAC starts"; finish; }
_pass "both nodes run"

frame() { tc "$1" SendFrame uay "$2" 12 255 3 192 33 9 1 0 8 0 0 0 0; }
DECODE=(-d "udp.port==$PORT,l2tp")
capturing() { busctl --address="$BUS" get-property org.vpdnd.Node.LAC /org/vpdnd/module/l2tp \
	org.vpdnd.L2tp1 Capturing | grep -q "b true"; }
# stop_capture KEY: Ctrl-C the vpdnctl capture and wait for it.
stop_capture() {
	kill -INT "${NODE_PIDS[$1]}"
	wait_node_exit "$1" 10
}

# --- capture everything during a dial-in ------------------------------------
ALL="$CAPS/all.pcap"
spawn cap1 "$VPDNCTL" -n LAC capture "$ALL"
wait_until 10 capturing
check "the capture is running (L2tp1.Capturing)" capturing
ko "a second capture is refused" 1 "$VPDNCTL" -n LAC capture second.pcap --seconds 1
contains "refusal says one runs" "$ERR" "already running"
ok "DialIn remote1@cisco.com" tc LAC DialIn sss remote1@cisco.com 6122 211
wait_until 10 state_is LAC 1 up
check "dial-in session up" state_is LAC 1 up
for i in 1 2 3; do frame LAC 1 >/dev/null; done
wait_until 5 frames_in_at_least LAC 1 3
check "three frames echoed" frames_in_at_least LAC 1 3
sleep 0.5 # the ZLB acks after ICCN
stop_capture cap1
check "vpdnctl capture exits 0 on Ctrl-C" [ $? -eq 0 ]
CAP1_OUT=$(cat "$T/cap1.log")
contains "it reports the packet count" "$CAP1_OUT" "packets captured to $ALL"
N=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$T/cap1.log")
check "capture stopped (Capturing false)" ! capturing
check "the file exists" [ -s "$ALL" ]
read -r TOTAL L2 MAL DATA_OUT DATA_IN PPP < <(tcount "$ALL" "${DECODE[@]}" -- l2tp _ws.malformed \
	"l2tp.type == 0 && ip.src == 127.0.0.1" "l2tp.type == 0 && ip.src == 127.0.0.2" lcp)
check "tshark reads as many packets as reported ($TOTAL = $N)" [ "$TOTAL" = "$N" ]
check "every packet is L2TP ($L2 of $TOTAL)" [ "$L2" = "$TOTAL" ]
check "no malformed packet" [ "$MAL" -eq 0 ]
EXP=$(tshark -r "$ALL" "${DECODE[@]}" -q -z expert,error 2>/dev/null)
lacks "no expert errors" "$EXP" "Malformed"
BADSUM=$(tshark -r "$ALL" "${DECODE[@]}" -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE \
	-Y "udp.checksum.status == 0 || ip.checksum.status == 0" 2>/dev/null | wc -l)
check "IP and UDP checksums are right" [ "$BADSUM" -eq 0 ]
CTRL=$(tshark -r "$ALL" "${DECODE[@]}" -Y l2tp -T fields -e l2tp.avp.message_type 2>/dev/null |
	tr ',' '\n' | grep . | sort -n | uniq | tr '\n' ' ')
contains "SCCRQ SCCRP SCCCN ICRQ ICRP ICCN in the capture" "$CTRL" "1 2 3 10 11 12"
ORDER=$(tshark -r "$ALL" "${DECODE[@]}" -Y "l2tp.avp.message_type" -T fields \
	-e l2tp.avp.message_type 2>/dev/null | cut -d, -f1 | tr '\n' ' ')
contains "in order" "$ORDER" "1 2 3 10 11 12"
FIRST=$(tshark -r "$ALL" "${DECODE[@]}" -c 1 -T fields -e ip.src -e ip.dst -e udp.srcport -e udp.dstport 2>/dev/null)
check "the SCCRQ goes 127.0.0.1 -> 127.0.0.2 port $PORT" \
	[ "$FIRST" = "$(printf '127.0.0.1\t127.0.0.2\t%s\t%s' "$PORT" "$PORT")" ]
check "data both ways (out $DATA_OUT, in $DATA_IN)" [ "$DATA_OUT" -ge 3 ] && [ "$DATA_IN" -ge 3 ]
check "the PPP inside the data messages decodes ($PPP LCP)" [ "$PPP" -ge 6 ]

# --- one tunnel, for a few seconds ------------------------------------------
TID=$("$VPDNCTL" -n LAC --json show vpdn | python3 -c 'import json,sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])')
RTID=$("$VPDNCTL" -n LAC --json show vpdn | python3 -c 'import json,sys; print(json.load(sys.stdin)["tunnels"][0]["remote_id"])')
ko "an unknown tunnel is refused" 1 "$VPDNCTL" -n LAC capture x.pcap tunnel 1 --seconds 1
contains "naming it" "$ERR" "No tunnel 1"
ko "a bad filter is a usage error" 2 "$VPDNCTL" -n LAC capture x.pcap tunnel
TUN="$CAPS/tunnel.pcap"
spawn cap2 "$VPDNCTL" -n LAC capture tunnel.pcap tunnel "$TID" --seconds 3  # relative: in $CAPS
wait_until 10 capturing
for i in 1 2; do frame LAC 1 >/dev/null; done
wait_until 5 frames_in_at_least LAC 1 5
wait_node_exit cap2 10
check "--seconds stops by itself" [ $? -eq 0 ]
N2=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$T/cap2.log")
T2=$(tshark -r "$TUN" 2>/dev/null | wc -l)
check "tunnel capture: count matches ($T2 = $N2)" [ -n "$N2" ] && [ "$T2" = "$N2" ]
check "tunnel capture: the 4 data messages" [ "${N2:-0}" -ge 4 ]
IDS=$(tshark -r "$TUN" "${DECODE[@]}" -T fields -e l2tp.tunnel 2>/dev/null | sort -u | tr '\n' ' ')
check "only tunnel $TID/$RTID in it ($IDS)" python3 -c '
import sys
ids = set(sys.argv[1].split()); assert ids and ids <= {sys.argv[2], sys.argv[3]}, ids' "$IDS" "$TID" "$RTID"
contains "vpdnctl names the file inside the directory" "$(cat "$T/cap2.log")" "captured to $TUN"
check "a capture file is mode 0600" [ "$(stat -c %a "$TUN")" = 600 ]
check "the first one too" [ "$(stat -c %a "$ALL")" = 600 ]

# --- the capture directory ---------------------------------------------------
L2TP=(/org/vpdnd/module/l2tp org.vpdnd.L2tp1)
start() { busctl --address="$BUS" call org.vpdnd.Node.LAC "${L2TP[@]}" StartCapture ssq "$1" "" 0; }
echo secret >"$T/outside/victim"
ln -s "$T/outside/victim" "$CAPS/link.pcap"
ko "a symlink at the name is refused" start link.pcap
contains "symlink: FileExists" "$ERR" "already exists"
check "the symlink's target is untouched" [ "$(cat "$T/outside/victim")" = secret ]
ln -s "$T/outside/made-through-link" "$CAPS/dangling.pcap"
ko "a dangling symlink is refused" start "$CAPS/dangling.pcap"
check "nothing was created through it" [ ! -e "$T/outside/made-through-link" ]
echo "keep me" >"$CAPS/old.pcap"
ko "vpdnctl: an existing file is refused" 1 "$VPDNCTL" -n LAC capture old.pcap --seconds 1
contains "saying it exists" "$ERR" "already exists"
check "the existing file is not truncated" [ "$(cat "$CAPS/old.pcap")" = "keep me" ]
ko "a path outside the directory is refused" start "$T/outside/x.pcap"
contains "outside: AccessDenied" "$ERR" "Access denied"
ko "vpdnctl: outside is refused" 1 "$VPDNCTL" -n LAC capture "$T/outside/x.pcap" --seconds 1
contains "saying why" "$ERR" "is outside the capture directory $CAPS"
check "nothing created outside" [ ! -e "$T/outside/x.pcap" ]
ko "/etc is outside too" start /etc/vpdnd-test.pcap
check "nothing in /etc" [ ! -e /etc/vpdnd-test.pcap ]
ko "a .. escape is refused" start ../outside/y.pcap
contains ".. escape: AccessDenied" "$ERR" "Access denied"
ko "an absolute .. escape is refused" start "$CAPS/../outside/y.pcap"
check "nothing created by the escapes" [ ! -e "$T/outside/y.pcap" ]
ln -s "$T/outside" "$CAPS/sub"
ko "a symlinked directory leading out is refused" start sub/z.pcap
check "nothing created through it" [ ! -e "$T/outside/z.pcap" ]
check "no capture runs after the refusals" ! capturing
check "each refusal logged" grep -q "capture refused" "$T/LAC.log"
ok "a new name works after all that" start fresh.pcap
contains "StartCapture answers the file" "$OUT" "$CAPS/fresh.pcap"
ok "StopCapture" busctl --address="$BUS" call org.vpdnd.Node.LAC "${L2TP[@]}" StopCapture
check "fresh.pcap is 0600" [ "$(stat -c %a "$CAPS/fresh.pcap")" = 600 ]

finish
