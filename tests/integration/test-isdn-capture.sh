#!/bin/bash
# SPDX-License-Identifier: MIT
# Packet capture on an ISDN port: `vpdnctl capture FILE port NAME`
# (org.vpdnd.Isdn1.StartCapture/StopCapture). An isdn-switch node, "srv"
# (PRI 8211, PPP server asking CHAP) and "remote1" (BRI 6122, dialer
# profile Dialer1) as in test-ppp-isdn.sh. A capture on remote1's "BRI 0"
# starts before the call; remote1 dials, both sides reach IPCP Open, the
# capture stops: tshark reads the file as PPP (LCP, CHAP, IPCP), nothing
# malformed, as many packets as StopCapture reported. Refused: an
# unprivileged caller, an unknown port, a second capture, a path outside
# the config's capture-directory, a symlink at the name (the shared
# vpdn_capture_create(), tested in full by core-capture and ops-capture).
set -u
. "$(dirname "$0")/lib.sh"

command -v busctl >/dev/null || skip "busctl not found"
command -v dbus-daemon >/dev/null || skip "dbus-daemon not found"
command -v tshark >/dev/null || skip "tshark not found"
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

start_bus
mkdir -p "$T/caps"
CAPS=$(realpath "$T/caps")
. "$(dirname "$0")/lib-isdn.sh"
DBG=("${ISDN_DBG[@]}")
isdn_network_start || { _fail "isdn-switch node starts"; finish; }
ppp_srv_start || { _fail "srv starts"; finish; }

write_config remote1.conf <<EOF2
hostname = "remote1"
modules = {"isdn", "dialer", "ppp"}
capture-directory = "$CAPS"
isdn { switch-type = "basic-net3"  network = "unix:$sock" }
controller "BRI 0" { number = {"6122"} }
interface "BRI0" { dialer-pool-member = {1} }
interface "Dialer1" {
  dialer-pool = 1
  dialer-string = "8211"
  ppp-chap-hostname = "remote1@cisco.com"
  ppp-chap-password = "secret1"
  ip-address = "17.17.17.1"
}
EOF2
start_node remote1 "$T/remote1.conf" "${DBG[@]}" || { _fail "remote1 starts"; finish; }
R="$T/remote1.log"

in_log() { grep -q -- "$2" "$1"; }
check "srv registered its PRI" wait_until 10 in_log "$S" "E1 0: registered"
check "remote1 registered its BRI" wait_until 10 in_log "$R" "BRI 0: registered"

R1=$(node_name remote1)
ISDN=(/org/vpdnd/module/isdn org.vpdnd.Isdn1)
root() { busctl --address="$BUS" call "$R1" "$@"; }
nobody() { "${AS_NOBODY[@]}" busctl --address="$BUS" call "$R1" "$@"; }
capturing() { busctl --address="$BUS" get-property "$R1" "${ISDN[@]}" Capturing | grep -q "b true"; }

# --- refusals --------------------------------------------------------------
if "${AS_NOBODY[@]}" true 2>/dev/null; then
	ko "nobody may not start a capture" nobody "${ISDN[@]}" StartCapture ss nobody.pcap "BRI 0"
	contains "nobody: AccessDenied" "$ERR" "Access denied"
	ko "nobody may not stop a capture" nobody "${ISDN[@]}" StopCapture
	contains "nobody's stop: AccessDenied" "$ERR" "Access denied"
	check "nobody's capture file was not created" [ ! -e "$CAPS/nobody.pcap" ]
else
	echo "# cannot run commands as nobody here: privilege checks not made"
fi
ko "an unknown port is refused" root "${ISDN[@]}" StartCapture ss x.pcap "BRI 7"
contains "unknown port: InvalidArgs" "$ERR" "No ISDN port"
ko "a path outside the capture directory is refused" root "${ISDN[@]}" StartCapture ss "$T/x.pcap" "BRI 0"
contains "outside: AccessDenied" "$ERR" "Access denied"
check "nothing created outside" [ ! -e "$T/x.pcap" ]
echo secret >"$T/victim"
ln -s "$T/victim" "$CAPS/link.pcap"
ko "a symlink at the name is refused" root "${ISDN[@]}" StartCapture ss link.pcap "BRI 0"
check "its target is untouched" [ "$(cat "$T/victim")" = secret ]
ko "StopCapture with none running fails" root "${ISDN[@]}" StopCapture
check "no capture runs (Capturing false)" ! capturing

# --- capture a PPP call ----------------------------------------------------
CAP="$CAPS/bri.pcap"
spawn cap "$VPDNCTL" -n remote1 capture "$CAP" port BRI 0  # unquoted: the port is "BRI 0"
wait_until 10 capturing
check "the capture is running (Isdn1.Capturing)" capturing
ko "a second capture is refused" root "${ISDN[@]}" StartCapture ss second.pcap "BR0:1"
contains "second capture: LimitsExceeded" "$ERR" "already running"
ko "vpdnctl: a second capture is refused" 1 "$VPDNCTL" -n remote1 capture second.pcap \
	port "BRI 0" --seconds 1

ok "Dial(Dialer1) over D-Bus" root /org/vpdnd/module/dialer org.vpdnd.Dialer1 Dial s Dialer1
check "remote1 reaches IPCP Open" wait_until 15 in_log "$R" "BR0:[12] IPCP: State is Open"
check "srv reaches IPCP Open" wait_until 15 in_log "$S" "IPCP: State is Open"
sleep 0.5
kill -INT "${NODE_PIDS[cap]}"
wait_node_exit cap 10
check "vpdnctl capture exits 0 on Ctrl-C" [ $? -eq 0 ]
contains "it reports the packet count" "$(cat "$T/cap.log")" "packets captured to $CAP"
N=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$T/cap.log")
check "capture stopped (Capturing false)" ! capturing
check "the file exists" [ -s "$CAP" ]
check "it is mode 0600" [ "$(stat -c %a "$CAP")" = 600 ]
MAGIC=$(od -An -N4 -tx4 "$CAP" | tr -d ' ')
check "classic pcap magic ($MAGIC)" [ "$MAGIC" = a1b2c3d4 ]
read -r TOTAL PPP N_lcp N_chap N_ipcp SUCC IPCP_ACK MAL < <(tcount "$CAP" -- ppp lcp chap ipcp \
	"chap.code == 3" "ipcp && ppp.code == 2" _ws.malformed)
check "tshark reads as many packets as StopCapture reported ($TOTAL = $N)" [ "$TOTAL" = "${N:-none}" ]
check "the call's frames were captured ($TOTAL)" [ "$TOTAL" -gt 0 ]
ENCAP=$(capinfos -E "$CAP" 2>/dev/null)
contains "the file is PPP (capinfos)" "$ENCAP" "PPP"
check "every packet is PPP ($PPP of $TOTAL)" [ "$PPP" = "$TOTAL" ]
for p in lcp chap ipcp; do
	v=N_$p
	n=${!v}
	check "tshark decodes $p ($n packets)" [ "$n" -gt 0 ]
done
check "CHAP Success is in the capture" [ "$SUCC" -gt 0 ]
check "IPCP Configure-Acks in both directions ($IPCP_ACK)" [ "$IPCP_ACK" -ge 2 ]
check "no malformed packet" [ "$MAL" -eq 0 ]

# --- a capture on the B channel by its short name, through busctl ---------
CH=$(busctl --address="$BUS" get-property "$R1" /org/vpdnd/isdn/BRI_0 org.vpdnd.IsdnPort1 Channels |
	grep -o '"BRI0:[12]" "active"' | grep -o 'BRI0:[12]')
check "the call is on a B channel ($CH)" [ -n "$CH" ]
SHORT="BR0:${CH#BRI0:}"
ok "StartCapture on the channel $SHORT" root "${ISDN[@]}" StartCapture ss ch.pcap "$SHORT"
contains "StartCapture answers the file" "$OUT" "$CAPS/ch.pcap"
sleep 1
ok "StopCapture" root "${ISDN[@]}" StopCapture
CHN=$(echo "$OUT" | sed -n 's/^t \([0-9]*\)$/\1/p')
CHT=$(tshark -r "$CAPS/ch.pcap" 2>/dev/null | wc -l)
check "channel capture: tshark count equals StopCapture's ($CHT = $CHN)" [ "$CHT" = "$CHN" ]

check "srv still runs" kill -0 "${NODE_PIDS[srv]}"
check "remote1 still runs" kill -0 "${NODE_PIDS[remote1]}"
finish
