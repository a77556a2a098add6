#!/bin/bash
# SPDX-License-Identifier: MIT
# The reference scenario (tests/scenario/test-scenario.sh) once with every
# vpdnd node under valgrind (memcheck): afterwards every node that exited
# by itself must report no errors and no definitely lost memory. Nodes the
# scenario kills with SIGKILL leave no summary; they are counted and
# skipped, not judged.
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed"; exit 77; }

VG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vpdnd-valgrind.XXXXXX")
trap 'rm -rf "$VG_DIR"' EXIT
REAL_VPDND=$VPDND
cat >"$VG_DIR/vpdnd" <<WRAP
#!/bin/sh
# --check runs (config validation) need no memcheck; nodes do.
case " \$* " in *" --check "*) exec "$REAL_VPDND" "\$@" ;; esac
# --vgdb=no: no vgdb FIFOs in TMPDIR (a node the test kills would leave
# them behind, and make check counts leftovers).
exec valgrind --quiet --vgdb=no --error-exitcode=99 --leak-check=full \\
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \\
	--log-file="$VG_DIR/vg-%p.log" "$REAL_VPDND" "\$@"
WRAP
chmod +x "$VG_DIR/vpdnd"

# Valgrind slows the nodes down some twenty times: the scenario's bounded
# waits are generous, and its pings allow lost packets.
VPDND="$VG_DIR/vpdnd" VPDND_SCENARIO_SLOW=1 bash "$VPDND_SOURCE_ROOT/tests/scenario/test-scenario.sh" >"$VG_DIR/scenario.out" 2>&1
scenario_rc=$?
tail -n 1 "$VG_DIR/scenario.out"

passed=0
failed=0
judge() { if "$@"; then passed=$((passed + 1)); echo "ok   - $desc"; else failed=$((failed + 1)); echo "FAIL - $desc"; fi; }

desc="the scenario passes with every node under valgrind"
judge [ "$scenario_rc" -eq 0 ]
if [ "$scenario_rc" -ne 0 ]; then grep -E "not ok" "$VG_DIR/scenario.out" | head -20; fi

logs=0
judged=0
for log in "$VG_DIR"/vg-*.log; do
	[ -e "$log" ] || continue
	logs=$((logs + 1))
	if ! grep -q "ERROR SUMMARY" "$log" && [ ! -s "$log" ]; then
		judged=$((judged + 1))   # --quiet: an empty log is a clean exit
		continue
	fi
	if grep -qE "Process terminating with default action of signal 9|killed" "$log"; then
		continue                 # SIGKILLed by the scenario: no summary
	fi
	judged=$((judged + 1))
	desc="$(basename "$log"): no memcheck errors or definite leaks"
	judge sh -c "! grep -qE 'Invalid (read|write|free)|uninitialised|definitely lost: [1-9]|ERROR SUMMARY: [1-9]' '$log'"
	grep -qE 'Invalid|uninitialised|definitely lost: [1-9]|ERROR SUMMARY: [1-9]' "$log" && sed 's/^/    /' "$log" | head -40
done
desc="valgrind watched the nodes ($logs logs, $judged judged)"
judge [ "$logs" -ge 5 ] && [ "$judged" -ge 4 ]
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
