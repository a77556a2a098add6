#!/bin/bash
# SPDX-License-Identifier: MIT
# Reload errors over D-Bus (Node1.Reload via vpdnctl): a refused reload
# names the real file and line after comments, with nothing stale from an
# earlier run-time lookup (the ip module used to ask libconfuse for the
# dialer module's dialer-pool, which left "no such option" behind for the
# next failed reload); the ip module's own check errors name the file, not
# "<config>".
. "$(dirname "$0")/lib.sh"

[ -x "$VPDNCTL" ] || skip "vpdnctl not built"
start_bus

node_conf() { # node_conf EXTRA
	write_config node.conf <<EOF
# A node with ppp and ip, no dialer module.
# Two comment lines above the first statement.
hostname = "RELOADER"
modules = {"ppp", "ip"}   # no dialer: dialer-pool is nobody's option
// a C++ comment
/* and a C comment
   over two lines */
interface "Dialer1" {
  ip-address = "10.9.0.1/24"
}
$1
EOF
}
node_conf ""
start_node RELOADER "$T/node.conf" || { _fail "node starts"; finish; }
_pass "node runs"

ok "a good reload" "$VPDNCTL" -n RELOADER reload

node_conf "# one more comment
bogus-after-comments = 1"
ko "a reload with an unknown option is refused" 1 "$VPDNCTL" -n RELOADER reload
contains "it names the exact file and line" "$ERR$OUT" "$T/node.conf:12: no such option 'bogus-after-comments'"
lacks "nothing stale from the ip module's lookups" "$ERR$OUT" "dialer-pool"
check "one line" [ "$(printf '%s\n' "$ERR$OUT" | grep -c "node.conf")" -eq 1 ]

node_conf "ip {
  # too small
  mtu = 10
}"
ko "a reload with a bad ip mtu is refused" 1 "$VPDNCTL" -n RELOADER reload
contains "the ip module's error names the file and the option's line" "$ERR$OUT" "$T/node.conf:13: ip: mtu must be"
lacks "not <config>" "$ERR$OUT" "<config>"
check "the node still runs" kill -0 "$NODE_PID"
node_conf ""
ok "a good reload after the refused ones" "$VPDNCTL" -n RELOADER reload

# isdn used to have no reload(): a changed number "reloaded" with status 0.
isdn_conf() { # isdn_conf NUMBER CALL-TIMEOUT
	write_config isdn.conf <<EOF
hostname = "ISDNRELOAD"
modules = {"isdn"}
# the network is not there: the node keeps trying, which is enough here
isdn {
  switch-type = "basic-net3"
  network = "unix:$T/no-network.sock"
  call-timeout = $2
}
# c
controller "BRI 0" {
  number = {"$1"}
}
EOF
}
isdn_conf 6122 30
start_node ISDNRELOAD "$T/isdn.conf" || { _fail "isdn node starts"; finish; }
ISDN_LOG=$NODE_LOG
isdn_conf 6199 30
ko "a changed controller number is refused" 1 "$VPDNCTL" -n ISDNRELOAD reload
contains "one line naming the option, at its line" "$ERR$OUT" "$T/isdn.conf:11: controller \"BRI 0\": number cannot change live"
check "one line" [ "$(printf '%s\n' "$ERR$OUT" | grep -c "isdn.conf")" -eq 1 ]
isdn_conf 6122 45
ok "a changed call-timeout is applied" "$VPDNCTL" -n ISDNRELOAD reload
check "the isdn module applied it" grep -q "ISDN: configuration reloaded: call-timeout 45 s" "$ISDN_LOG"
isdn_conf 6199 45
ko "the number is still refused after it" 1 "$VPDNCTL" -n ISDNRELOAD reload

# The network node (isdn-switch) had no reload() either.
sw_conf() {
	write_config sw.conf <<EOF
hostname = "SWRELOAD"
modules = {"isdn-switch"}
# c
isdn-switch {
  # c
  listen = "unix:$T/$1"
}
EOF
}
sw_conf sw.sock
start_node SWRELOAD "$T/sw.conf" || { _fail "switch node starts"; finish; }
ok "an unchanged switch reloads" "$VPDNCTL" -n SWRELOAD reload
sw_conf other.sock
ko "a changed listen path is refused" 1 "$VPDNCTL" -n SWRELOAD reload
contains "naming the option at its line" "$ERR$OUT" "$T/sw.conf:6: isdn-switch: listen cannot change live"
finish
