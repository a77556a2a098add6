# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# Helpers for tests that drive the test-only testcarrier module (the
# stand-in for PPP behind L2TP sessions) over D-Bus. Source after lib.sh
# (needs $BUS):
#
#   tc NODE METHOD SIGNATURE ARGS...   call a TestCarrier1 method
#   calls NODE                         one line per call: id kind state intf in out
#   call_state NODE ID / call_field NODE ID FIELD
#   state_is NODE ID STATE
#   frames_in_at_least NODE ID N
#   log_has FILE STRING                fixed-string match in a log file

TC_PATH=/org/vpdnd/module/testcarrier
TC_IFACE=org.vpdnd.TestCarrier1
tc() { # tc NODE METHOD SIGNATURE ARGS...
	local node=$1
	shift
	busctl --address="$BUS" call "org.vpdnd.Node.$node" "$TC_PATH" "$TC_IFACE" "$@"
}
calls() { # calls NODE: one line per call: id kind state intf in out
	busctl --address="$BUS" --json=short get-property "org.vpdnd.Node.$1" "$TC_PATH" \
		"$TC_IFACE" Calls | python3 -c '
import json, sys
for c in json.load(sys.stdin)["data"]:
    print(*c)'
}
call_state() { calls "$1" | awk -v id="$2" '$1 == id { print $3 }'; }
call_field() { calls "$1" | awk -v id="$2" -v f="$3" '$1 == id { print $f }'; }
state_is() { [ "$(call_state "$1" "$2")" = "$3" ]; }
frames_in_at_least() { [ "$(call_field "$1" "$2" 5)" -ge "$3" ] 2>/dev/null; }
log_has() { grep -qF -- "$2" "$1"; }
