#!/bin/bash
# SPDX-License-Identifier: MIT
# The ppp module's named pools on D-Bus and in vpdnctl: org.vpdnd.Ppp1.Pools
# and `show ip local pool` (--json) list each ip-local-pool with its
# ranges, size and use; a reload that changes a pool shows the new one.
. "$(dirname "$0")/lib.sh"

[ -x "$VPDNCTL" ] || skip "vpdnctl not built"
start_bus

pools_conf() { # the second pool's range
	write_config node.conf <<EOF
hostname = "POOLS"
modules = {"ppp"}
ip-local-pool "ISP-A" { range = {"10.8.0.10 10.8.0.19", "10.9.0.1-10.9.0.5"} }
ip-local-pool "B" { range = {"$1"} }
interface "Virtual-Template1" { ppp-peer-default-ip-address-pool = "ISP-A" }
EOF
}
pools_conf "192.0.2.1 192.0.2.4"
start_node POOLS "$T/node.conf" || { _fail "node starts"; finish; }
_pass "node with two pools runs"

run "$VPDNCTL" -n POOLS show ip local pool
contains "show ip local pool lists ISP-A with both ranges" "$OUT" "10.8.0.10-10.8.0.19,10.9.0.1-10.9.0.5"
check "ISP-A: 15 addresses, none in use" sh -c "printf '%s\n' \"\$1\" | grep -qE '^ISP-A +[^ ]+ +15 +0 +15 +0\$'" _ "$OUT"
contains "and B" "$OUT" "192.0.2.1-192.0.2.4"
contains "two pools" "$OUT" "2 pools"
run "$VPDNCTL" -n POOLS --json show ip local pool
check "--json: the fields" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert [p["name"] for p in d] == ["B", "ISP-A"], d
a = d[1]
assert a["size"] == 15 and a["in_use"] == 0 and a["free"] == 15 and a["exhausted"] == 0, a
' "$OUT"
run busctl --address="$BUS" get-property "$(node_name POOLS)" /org/vpdnd/module/ppp org.vpdnd.Ppp1 Pools
contains "org.vpdnd.Ppp1.Pools on D-Bus" "$OUT" '"B" "192.0.2.1-192.0.2.4" 4 0 0'

pools_conf "192.0.2.1 192.0.2.8"
ok "reload with B grown" "$VPDNCTL" -n POOLS reload
run "$VPDNCTL" -n POOLS show ip local pool
contains "B has 8 addresses now" "$OUT" "192.0.2.1-192.0.2.8"
finish
