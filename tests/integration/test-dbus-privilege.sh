#!/bin/bash
# SPDX-License-Identifier: MIT
# The modules' state-changing D-Bus methods refuse an unprivileged caller
# themselves (the bus here allows everything, as a misconfigured system bus
# might), while reading stays open to everyone. As root the same calls get
# past the privilege check (they fail for another reason: nothing to clear).
. "$(dirname "$0")/lib.sh"

command -v busctl >/dev/null || skip "busctl not installed"
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${AS_NOBODY[@]}" true 2>/dev/null || skip "cannot run commands as nobody here"

PORT=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_bus
write_config node.conf <<EOF2
hostname = "PRIV"
modules = {"ppp", "l2tp", "dialer"}
capture-directory = "$T"
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "PRIV"
  tunnel-password = "l2tptunnel"
}
l2tp { listen = {"127.0.0.1"}  port = $PORT }
interface "Virtual-Template1" { }
dialer-list "1" { protocol = "ip"  permit = true }
interface "Dialer1" {
  dialer-pool = 1
  dialer-string = "6121"
}
EOF2
start_node PRIV "$T/node.conf" || { _fail "vpdnd starts"; finish; }
NAME=org.vpdnd.Node.PRIV
L2TP=(/org/vpdnd/module/l2tp org.vpdnd.L2tp1)
DIALER=(/org/vpdnd/module/dialer org.vpdnd.Dialer1)
nobody() { "${AS_NOBODY[@]}" busctl --address="$BUS" call "$NAME" "$@"; }
root() { busctl --address="$BUS" call "$NAME" "$@"; }

# Each state-changing method: nobody gets AccessDenied, root does not.
for m in "${L2TP[*]} ClearTunnel q 1" "${L2TP[*]} ClearSession q 1" \
	"${L2TP[*]} StartCapture ssq x.pcap all 0" "${L2TP[*]} StopCapture" \
	"${DIALER[*]} Dial s Dialer1"; do
	# shellcheck disable=SC2086
	set -- $m
	ko "nobody may not call ${2##*.}.$3" nobody "$@"
	contains "${2##*.}.$3 from nobody: AccessDenied" "$ERR" "Access denied"
	# shellcheck disable=SC2086
	root "$@" >/dev/null 2>"$T/root.err"
	check "${2##*.}.$3 from root passes the privilege check" sh -c "! grep -q 'Access denied' '$T/root.err'"
done
[ -e "$T/x.pcap" ] && rm -f "$T/x.pcap"
# The capture root started is stopped again (it may or may not have begun).
root "${L2TP[@]}" StopCapture >/dev/null 2>&1

# Reading stays open.
ok "nobody may read the l2tp module's properties" "${AS_NOBODY[@]}" busctl --address="$BUS" \
	introspect "$NAME" /org/vpdnd/module/l2tp
ok "nobody may read the dialers" "${AS_NOBODY[@]}" busctl --address="$BUS" \
	get-property "$NAME" "${DIALER[@]}" Dialers
check "the node survived" name_on_bus "$NAME"
finish
