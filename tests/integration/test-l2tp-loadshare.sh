#!/bin/bash
# SPDX-License-Identifier: MIT
# Load sharing on loopback: one LAC (127.0.0.1) whose vpdn-group initiates
# to two LNS nodes (127.0.0.2, 127.0.0.3) of equal priority, each with
# "limit 3". Six dial-ins split 3/3 over two tunnels, the seventh is
# refused (every LNS full); `vpdnctl show vpdn group [--json]` shows the
# state; `debug vpdn l2x-packets` logs messages both ways with their AVPs
# and never the secret.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"

tc_require

PORT=$(free_port 127.0.0.1 127.0.0.2 127.0.0.3)
[ -n "$PORT" ] || skip "no free UDP port"

start_bus

write_config lac.conf <<EOF
hostname = "LAC"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  initiate-to = {"127.0.0.2 limit 3", "127.0.0.3 priority 1 limit 3"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.1"
  hidden-avps = true
  lns-dead-time = 30
}
l2tp { listen = {"127.0.0.1"}  port = $PORT }
EOF
for n in 2 3; do
	write_config "lns$n.conf" <<EOF
hostname = "LNS$n"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "LNS$n"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.$n"
  hidden-avps = true
}
l2tp { listen = {"127.0.0.$n"}  port = $PORT }
EOF
done

ok "config check (LAC)" "$VPDND" -c "$T/lac.conf" --check
start_node LNS2 "$T/lns2.conf" -d "vpdn l2x-packets" || { _fail "LNS2 starts"; finish; }
LNS2_LOG=$NODE_LOG
start_node LNS3 "$T/lns3.conf" || { _fail "LNS3 starts"; finish; }
start_node LAC "$T/lac.conf" -d "vpdn l2x-packets" -d "vpdn errors" || { _fail "LAC starts"; finish; }
LAC_LOG=$NODE_LOG
_pass "three nodes run"

for i in 1 2 3 4 5 6; do
	ok "DialIn $i" tc LAC DialIn sss "user$i@cisco.com" 612$i 211
done
for i in 1 2 3 4 5 6; do
	wait_until 10 state_is LAC "$i" up
	check "dial-in $i up" state_is LAC "$i" up
done
wait_until 5 state_is LNS2 3 up
check "LNS2 carries 3 sessions" state_is LNS2 3 up
wait_until 5 state_is LNS3 3 up
check "LNS3 carries 3 sessions" state_is LNS3 3 up
check "LNS2 has no fourth" ! state_is LNS2 4 up
check "LNS3 has no fourth" ! state_is LNS3 4 up

ok "DialIn 7: every LNS at its limit" tc LAC DialIn sss user7@cisco.com 6127 211
wait_until 5 state_is LAC 7 failed
check "dial-in 7 refused" state_is LAC 7 failed
check "LAC: vpdn errors says why" log_has "$LAC_LOG" "every one is at its session limit"

if [ -x "$VPDNCTL" ]; then
	ok "show vpdn group" "$VPDNCTL" -n LAC show vpdn group
	contains "header" "$OUT" "Group  Address    Priority  Limit  Sessions  Status"
	contains "LNS2 row" "$OUT" "1      127.0.0.2  1         3      3         alive"
	contains "LNS3 row" "$OUT" "1      127.0.0.3  1         3      3         alive"
	ok "show vpdn group --json" "$VPDNCTL" -n LAC --json show vpdn group
	contains "JSON row" "$OUT" '{"group":"1","address":"127.0.0.2","priority":1,"limit":3,"sessions":3,"dead":false,"dead_seconds":0}'
fi

check "LAC: O SCCRQ with its AVPs" log_has "$LAC_LOG" 'L2TP: O SCCRQ tnl 0, cl 0, ns 0, nr 0: Message-Type SCCRQ'
check "LAC: I SCCRP, hidden AVPs in clear" log_has "$LAC_LOG" 'Vendor-Name(H) "vpdnd"'
check "LAC: O ICRQ, called number in clear" log_has "$LAC_LOG" 'Called-Number(H) "211"'
check "LNS2: I ICCN with masked proxy response" log_has "$LNS2_LOG" "Proxy-Authen-Response(H) xxxxxx"
check "LNS2: I ICRQ" log_has "$LNS2_LOG" "L2TP: I ICRQ tnl "
check "LNS2: O ZLB" log_has "$LNS2_LOG" "L2TP: O ZLB tnl "
check "secret never logged" ! grep -q l2tptunnel "$LAC_LOG" "$LNS2_LOG"

stop_node LAC
stop_node LNS2
stop_node LNS3
finish
