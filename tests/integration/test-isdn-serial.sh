#!/bin/bash
# Process-level test of the isdn and line modules' operations: a node with
# an E1 PRI on the simulated ISDN network (an isdn-switch node) and a serial
# line (the line module) listening on a UNIX socket; the isdn-testpeer stand-in answers calls and
# echoes probes. A caller (python3) connects to the line and speaks async
# HDLC; `vpdnctl show isdn status` / `show isdn active` (and --json) must
# show the layers, the active call on tty0 and its numbers; the caller
# leaving clears the call (cause 16).
set -u
. "$(dirname "$0")/lib.sh"

: "${VPDND:?}" "${ISDN_MODULE_DIR:?}"
export VPDND_MODULE_PATH="$ISDN_MODULE_DIR"
command -v python3 >/dev/null || skip "python3 not installed"
[ -x "$VPDNCTL" ] || skip "vpdnctl not built ($VPDNCTL)"

start_bus
sock="$T/isdn.sock"
line="$T/tty0.sock"

write_config net.conf <<CONF
hostname = "isdnnet"
modules = {"isdn-switch"}
isdn-switch { listen = "unix:$sock" }
CONF
spawn isdnnet "$VPDND" -c "$T/net.conf" --no-bus
wait_until 10 grep -q "listening on $sock" "$T/isdnnet.log"

write_config lac.conf <<CONF
hostname = "LAC"
modules = {"isdn", "line", "isdn-testpeer"}
capture-directory = "$T/caps"
isdn { switch-type = "primary-net5" network = "unix:$sock" }
controller "E1 0" { pri-group-timeslots = "1-31" number = {"8211"} dnis-digits = 3 }
line "tty0" { listen = "unix:$line" number = "6122" called = "211" interface = "Serial0:15" }
CONF
check "LAC starts" start_node LAC "$T/lac.conf" -d "isdn events"
check "E1 0 registered" wait_until 10 grep -q "E1 0: registered" "$NODE_LOG"
check "tty0 listens" wait_until 10 grep -q "ISDN tty0: listening on $line" "$NODE_LOG"

ok "show isdn status, no calls" "$VPDNCTL" -n LAC show isdn status
contains "global switch type" "$OUT" "Global ISDN Switchtype = primary-net5"
contains "PRI D channel" "$OUT" "ISDN Serial0:15 interface (PRI E1 0)"
contains "layer 1 active" "$OUT" "Layer 1 Status:
        ACTIVE"
contains "layer 2 established" "$OUT" "State = MULTIPLE_FRAME_ESTABLISHED"
contains "30 B channels free" "$OUT" "Number of available B-channels = 30"
contains "the serial line" "$OUT" "ISDN tty0 interface (serial line, owned by Serial0:15)"
contains "no calls" "$OUT" "0 Active Layer 3 Call(s)"

# The caller: HDLC-encodes a probe (LCP code 9 ending in 01), expects the
# testpeer's echo (ending in 02), then holds the line until told to go.
cat >"$T/caller.py" <<'PY'
import os, socket, sys, time
def fcs16(data):
    fcs = 0xffff
    for b in data:
        fcs ^= b
        for _ in range(8):
            fcs = (fcs >> 1) ^ 0x8408 if fcs & 1 else fcs >> 1
    return fcs ^ 0xffff
def encode(frame):
    f = fcs16(frame)
    body = frame + bytes([f & 0xff, f >> 8])
    out = bytearray([0x7e])
    for b in body:
        if b < 0x20 or b in (0x7d, 0x7e):
            out += bytes([0x7d, b ^ 0x20])
        else:
            out.append(b)
    out.append(0x7e)
    return bytes(out)
def decode(raw):
    frames, cur, esc = [], bytearray(), False
    for b in raw:
        if b == 0x7e:
            if len(cur) >= 4 and fcs16(bytes(cur[:-2])) == (cur[-2] | cur[-1] << 8):
                frames.append(bytes(cur[:-2]))
            cur, esc = bytearray(), False
        elif b == 0x7d:
            esc = True
        else:
            cur.append(b ^ 0x20 if esc else b)
            esc = False
    return frames
path, tdir = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
s.sendall(b"\x7e\x41\x42\x43\x44\x45\x7e")  # garbage: a bad FCS
s.sendall(encode(bytes([0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x05, 0x01])))
s.settimeout(10)
raw = b""
while not any(f.endswith(b"\x02") for f in decode(raw)):
    chunk = s.recv(4096)
    if not chunk:
        break
    raw += chunk
open(os.path.join(tdir, "echo"), "w").write("ok" if decode(raw) else "none")
for _ in range(400):
    if os.path.exists(os.path.join(tdir, "go")):
        break
    time.sleep(0.05)
s.close()
PY
# A capture of the line's PPP frames (the line module's Line1, which
# vpdnctl picks for a line's name) while the caller is on it.
mkdir -p "$T/caps"
line_capturing() {
	run busctl --address="$BUS" get-property "$(node_name LAC)" /org/vpdnd/module/line \
		org.vpdnd.Line1 Capturing
	[ "$OUT" = "b true" ]
}
LINE1=(/org/vpdnd/module/line org.vpdnd.Line1)
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
nobody() { "${AS_NOBODY[@]}" busctl --address="$BUS" call "$(node_name LAC)" "$@"; }
if "${AS_NOBODY[@]}" true 2>/dev/null; then
	ko "nobody may not start a line capture" nobody "${LINE1[@]}" StartCapture ss nobody.pcap tty0
	contains "nobody: AccessDenied" "$ERR" "Access denied"
	ko "nobody may not hang up over Line1" nobody "${LINE1[@]}" HangUp u 283
	contains "nobody's HangUp: AccessDenied" "$ERR" "Access denied"
	check "nobody's capture file was not created" [ ! -e "$T/caps/nobody.pcap" ]
else
	echo "# cannot run commands as nobody here: privilege checks not made"
fi
run busctl --address="$BUS" call "$(node_name LAC)" "${LINE1[@]}" StartCapture ss x.pcap E1_0
check "Line1 refuses an ISDN port (no such line)" [ "$RC" -ne 0 ]
contains "with InvalidArgs naming it" "$ERR" "No serial line"
# HangUp of no call: InvalidArgs through the one errno mapping
# (vpdn_dbus_errorf, core/dbus-util.c), the name pinned, not only the text.
hangup() {
	gdbus call --address "$BUS" --dest "$(node_name LAC)" --object-path "$1" \
		--method "$2.HangUp" "uint32 $3"
}
ko "Line1.HangUp(0) fails" hangup "${LINE1[@]}" 0
contains "... with InvalidArgs" "$ERR" \
	"org.freedesktop.DBus.Error.InvalidArgs: Call id 0 is not a call"
ko "Isdn1.HangUp of no call fails" hangup /org/vpdnd/module/isdn org.vpdnd.Isdn1 65000
contains "... with InvalidArgs naming it" "$ERR" \
	"org.freedesktop.DBus.Error.InvalidArgs: No call 0xFDE8 on this node"
spawn linecap "$VPDNCTL" -n LAC capture "$T/caps/tty0.pcap" port tty0
check "the line capture runs (Line1.Capturing)" wait_until 10 line_capturing

spawn caller python3 "$T/caller.py" "$line" "$T"
check "the caller gets its probe echoed through HDLC" wait_until 10 grep -q ok "$T/echo"
check "the call was offered async to the testpeer" grep -q "incoming from 6122 to 211 on tty0" "$NODE_LOG"

kill -INT "${NODE_PIDS[linecap]}"
wait_node_exit linecap 10
check "vpdnctl capture port tty0 exits 0 on Ctrl-C" [ $? -eq 0 ]
N=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$T/linecap.log")
check "the probe and its echo were captured (${N:-none})" [ "${N:-0}" -ge 2 ]
check "the capture file is there" [ -s "$T/caps/tty0.pcap" ]

ok "show isdn active" "$VPDNCTL" -n LAC show isdn active
contains "active calls header" "$OUT" "ISDN ACTIVE CALLS"
contains "column headers" "$OUT" "Call Type"
contains "the call row" "$OUT" "In"
contains "calling number" "$OUT" "6122"
contains "called number" "$OUT" "211"
contains "interface tty0" "$OUT" "tty0"

ok "show isdn active --json" "$VPDNCTL" -n LAC --json show isdn active
contains "json call" "$OUT" '"calling":"6122"'
contains "json called" "$OUT" '"called":"211"'
contains "json port" "$OUT" '"port":"tty0"'

ok "show isdn status with the call" "$VPDNCTL" -n LAC show isdn status
contains "one active call on the line" "$OUT" "1 Active Layer 3 Call(s)"
contains "CCB on tty0" "$OUT" "CCB:callid=0x"

ok "show isdn status --json" "$VPDNCTL" -n LAC --json show isdn status
contains "json line type" "$OUT" '"type":"line"'
contains "json PRI" "$OUT" '"type":"PRI"'
contains "json channel active" "$OUT" '"state":"active"'
contains "json numbers" "$OUT" '"numbers":["8211"]'

run busctl --address="$BUS" get-property "$(node_name LAC)" /org/vpdnd/isdn/tty0 org.vpdnd.IsdnLine1 BadFcs
check "bad FCS counted on D-Bus" [ "$OUT" = "t 1" ]

# The line module's interfaces, and the ports' and lines' IsdnPort1 (two
# modules' classes under one prefix), as dbus/<interface>.xml says.
intro() { # PATH IFACE
	local f="$T/intro.busctl"
	busctl --address="$BUS" call "$(node_name LAC)" "$1" org.freedesktop.DBus.Introspectable \
		Introspect >"$f" || return 1
	python3 "$VPDND_SOURCE_ROOT/tests/integration/introspect-compare.py" \
		"$VPDND_SOURCE_ROOT/dbus/$2.xml" "$f"
}
for spec in "/org/vpdnd/module/line org.vpdnd.Line1" "/org/vpdnd/isdn/tty0 org.vpdnd.IsdnPort1" \
	"/org/vpdnd/isdn/E1_0 org.vpdnd.IsdnPort1"; do
	set -- $spec
	check "introspection of $2 at $1 matches dbus/$2.xml" intro "$@"
done
run busctl --address="$BUS" get-property "$(node_name LAC)" /org/vpdnd/isdn/E1_0 org.vpdnd.IsdnLine1 Speed
check "an ISDN port has no IsdnLine1" [ "$RC" -ne 0 ]

touch "$T/go"
check "the caller leaving clears the call with cause 16" \
	wait_until 10 grep -q "cleared tty0 cause 16" "$NODE_LOG"
ok "show isdn active after" "$VPDNCTL" -n LAC --json show isdn active
check "no active calls" [ "$OUT" = '{"calls":[]}' ]

# Dial-out lines (calls = "out"/"both"): refusals name file and line.
write_config badcalls.conf <<CONF
hostname = "LAC"
modules = {"line"}
line "tty1" {
  listen = "unix:$T/tty1.sock"
  calls = "out"
}
line "tty2" { device = "/dev/null" calls = "sideways" }
CONF
run "$VPDND" -c "$T/badcalls.conf" --check
check "calls = out on a listen line is refused (exit 78)" [ "$RC" -eq 78 ]
contains "names file:line and why" "$OUT$ERR" "badcalls.conf:5: line \"tty1\": calls = \"out\" needs a device or connect line"
sed -i 's/  calls = "out"/  calls = "in"/' "$T/badcalls.conf"
run "$VPDND" -c "$T/badcalls.conf" --check
contains "an unknown calls value names file:line" "$OUT$ERR" \
	"badcalls.conf:7: line \"tty2\": calls must be \"in\", \"out\" or \"both\", not \"sideways\""
finish
