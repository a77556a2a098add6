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
#   tc_require                         skip (77) unless D-Bus, vpdnd and the
#                                      testcarrier module are there; exports
#                                      VPDND_MODULE_PATH
#   free_port ADDR...                  a UDP port free on every address

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

tc_require() {
	command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed"
	command -v busctl >/dev/null || skip "busctl not installed"
	[ -x "$VPDND" ] || skip "vpdnd not built"
	: "${VPDND_MODULE_PATH:=$VPDND_BUILD_ROOT/modules/l2tp}"
	export VPDND_MODULE_PATH
	[ -f "$VPDND_MODULE_PATH/testcarrier.so" ] || skip "testcarrier module not built"
}

free_port() { # free_port ADDR...: a UDP port free on every address
	python3 - "$@" <<'PYEOF'
import socket, sys
for _ in range(100):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((sys.argv[1], 0))
    p = s.getsockname()[1]; ok = True; keep = [s]
    for a in sys.argv[2:]:
        t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            t.bind((a, p)); keep.append(t)
        except OSError:
            ok = False; break
    if ok:
        print(p); break
PYEOF
}
