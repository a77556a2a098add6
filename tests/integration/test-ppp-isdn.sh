#!/bin/bash
# Process-level: PPP over the simulated ISDN network, driven by the dialer.
# An isdn-switch node; "remote1" (BRI 6122, dialer profiles Dialer1 and
# Dialer2 for 8211, PPP client answering CHAP as remote1@cisco.com) and
# "srv" (PRI 8211, PPP server asking CHAP, auth-local). remote1 dials
# Dialer1 over D-Bus (Dial): both sides reach IPCP Open, auth-local on srv
# verified the user; Dialer2 (wrong password) is refused with CHAP Failure
# and the call cleared with a cause; Dialer1's idle-timeout clears it.
set -u
. "$(dirname "$0")/lib.sh"

command -v busctl >/dev/null || skip "busctl not found"
command -v dbus-daemon >/dev/null || skip "dbus-daemon not found"

start_bus
. "$(dirname "$0")/lib-isdn.sh"
DBG=("${ISDN_DBG[@]}")
isdn_network_start || { _fail "isdn-switch node starts"; finish; }
ppp_srv_start || { _fail "srv starts"; finish; }

write_config remote1.conf <<EOF
hostname = "remote1"
modules = {"isdn", "dialer", "ppp"}
isdn { switch-type = "basic-net3"  network = "unix:$sock" }
controller "BRI 0" { number = {"6122"} }
interface "BRI0" { dialer-pool-member = {1} }
interface "Dialer1" {
  dialer-pool = 1
  dialer-string = "8211"
  dialer-idle-timeout = 8
  ppp-chap-hostname = "remote1@cisco.com"
  ppp-chap-password = "secret1"
  ip-address = "17.17.17.1"
}
interface "Dialer2" {
  dialer-pool = 1
  dialer-string = "8211"
  dialer-enable-timeout = 30
  ppp-chap-hostname = "remote1@cisco.com"
  ppp-chap-password = "wrong-secret"
  ip-address = "17.17.17.1"
}
EOF
start_node remote1 "$T/remote1.conf" "${DBG[@]}" || { _fail "remote1 starts"; finish; }
R="$T/remote1.log"

in_log() { grep -q -- "$2" "$1"; }
check "srv registered its PRI" wait_until 10 in_log "$S" "E1 0: registered"
check "remote1 registered its BRI" wait_until 10 in_log "$R" "BRI 0: registered"

R1=$(node_name remote1)
dial() {
	busctl --address="$BUS" call "$R1" /org/vpdnd/module/dialer org.vpdnd.Dialer1 Dial s "$1"
}
dialers() {
	busctl --address="$BUS" get-property "$R1" /org/vpdnd/module/dialer org.vpdnd.Dialer1 Dialers
}
dialer_state() { # NAME STATE
	dialers | grep -q "\"$1\" \"isdn\" \"$2\""
}

# --- a good call ---------------------------------------------------------
ok "Dial(Dialer1) over D-Bus" dial Dialer1
ko "Dial(Dialer1) again while it is busy" dial Dialer1
ko "Dial of an unknown profile" dial Dialer9
check "remote1 dials 8211 on BRI 0" wait_until 5 in_log "$R" "BR0 DDR: Attempting to dial 8211"
check "srv answers with PPP (server, Serial0:15 settings)" \
	wait_until 10 in_log "$S" "DDR: Incoming call from 6122 on Serial0:15, PPP server"
check "remote1 reaches IPCP Open" wait_until 15 in_log "$R" "BR0:[12] IPCP: State is Open"
check "srv reaches IPCP Open" wait_until 15 in_log "$S" "IPCP: State is Open"
check "srv: auth-local verified remote1@cisco.com by CHAP" \
	in_log "$S" 'AUTH-LOCAL: CHAP user "remote1@cisco.com" authenticated'
check "srv sent CHAP Success" in_log "$S" "CHAP: O SUCCESS"
check "remote1: dialer protocol up" in_log "$R" "BR0:[12] DDR: dialer protocol up"
run dialers
contains "Dialers property: Dialer1 connected on a B channel" "$OUT" '"Dialer1" "isdn" "connected" "8211" "" "BR0:'

# --- a wrong password ----------------------------------------------------
ok "Dial(Dialer2) (wrong password) over D-Bus" dial Dialer2
check "srv refuses: auth-local bad response" \
	wait_until 15 in_log "$S" 'AUTH-LOCAL: CHAP authentication of user "remote1@cisco.com" failed: bad response'
check "srv sent CHAP Failure" wait_until 5 in_log "$S" "CHAP: O FAILURE"
check "remote1: Dialer2 call failed" wait_until 10 in_log "$R" "Di2 DDR: Dialer call failed"
check "remote1's call is cleared with a cause" \
	wait_until 10 in_log "$R" "ISDN BR0: Event: call id 0x[0-9A-F]* cleared, cause [0-9]"
check "srv's side of it is cleared too" wait_until 10 in_log "$S" "cleared, cause [0-9]"
check "remote1's Dialer2 waits for its enable timeout" wait_until 5 dialer_state Dialer2 enable-wait
ko "Dial(Dialer2) refused during the enable timeout" dial Dialer2
check "Dialer1 still connected" dialer_state Dialer1 connected

# --- idle timeout --------------------------------------------------------
check "Dialer1 hangs up after 8 s idle" wait_until 15 in_log "$R" "BR0:[12] DDR: idle timeout"
check "srv sees the call disconnected" \
	wait_until 10 in_log "$S" "%ISDN-6-DISCONNECT: Interface Serial0:[0-9]* disconnected from 6122"
check "Dialer1 is idle again" wait_until 5 dialer_state Dialer1 idle
check "no secret in the logs" sh -c "! grep -q -e secret1 -e wrong-secret '$R' '$S'"
check "srv still runs" kill -0 "${NODE_PIDS[srv]}"
check "remote1 still runs" kill -0 "${NODE_PIDS[remote1]}"
finish
