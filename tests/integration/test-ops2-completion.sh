#!/bin/bash
# SPDX-License-Identifier: MIT
# Bash completion of vpdnctl: `vpdnctl --complete` lists the words that may
# follow from the command tables (no node needed), and the completion script
# (tools/vpdnctl/vpdnctl.bash-completion) fills COMPREPLY from it.
. "$(dirname "$0")/lib.sh"

run "$VPDNCTL" --complete ""
for w in show debug undebug clear reload monitor capture metrics dial; do
	contains "first word: $w" "$OUT" "$w"
done
run "$VPDNCTL" --complete show ""
for w in version vpdn isdn dialer interfaces users; do
	contains "after show: $w" "$OUT" "$w"
done
lacks "after show: no top-level word" "$OUT" "reload"
run "$VPDNCTL" --complete sh int ""
check "abbreviated 'sh int' completes to virtual-access only" [ "$OUT" = "virtual-access" ]
run "$VPDNCTL" --complete show v
check "'show v' -> version, vpdn" [ "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" = "version vpdn " ]
run "$VPDNCTL" --complete -n LAC --bus session clear vpdn ""
check "options and their values are skipped: clear vpdn -> tunnel, session" \
	[ "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" = "session tunnel " ]
run "$VPDNCTL" --complete show vpdn session ""
check "show vpdn session -> all (IDs come from the node)" [ "$OUT" = "all" ]
run "$VPDNCTL" --complete --j
check "options complete" [ "$OUT" = "--json" ]
run "$VPDNCTL" --complete show nosuch ""
check "nothing after an unknown word" [ -z "$OUT" ]

# The script, as bash runs it on <TAB>.
comp() { # WORDS...: COMPREPLY for the last word
	bash -c '
		. "$1"; shift
		vpdnctl() { "$VPDNCTL" "$@"; }
		COMP_WORDS=("$VPDNCTL" "$@"); COMP_CWORD=$#
		_vpdnctl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$VPDND_SOURCE_ROOT/tools/vpdnctl/vpdnctl.bash-completion" "$@"
}
run comp show us
check "script: 'vpdnctl show us<TAB>' -> users" [ "$OUT" = "users" ]
run comp show interfaces ""
check "script: 'vpdnctl show interfaces <TAB>' -> virtual-access" [ "$OUT" = "virtual-access" ]
run comp show vpdn hi
check "script: 'vpdnctl show vpdn hi<TAB>' -> history" [ "$OUT" = "history" ]
run comp show vpdn history ""
check "script: 'vpdnctl show vpdn history <TAB>' -> failure" [ "$OUT" = "failure" ]
run comp show vpdn session ""
check "script: 'vpdnctl show vpdn session <TAB>' with no node -> all" [ "$OUT" = "all" ]
run comp monitor --e
check "script: 'vpdnctl monitor --e<TAB>' -> --events" [ "$OUT" = "--events" ]
run comp monitor ""
check "script: 'vpdnctl monitor <TAB>' -> its options" \
	[ "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" = "--events --json --seconds " ]
run comp monitor --events --s
check "script: 'vpdnctl monitor --events --s<TAB>' -> --seconds" [ "$OUT" = "--seconds" ]
run comp monitor --seconds ""
check "script: no completion for the number of seconds" [ -z "$OUT" ]
run comp --bus s
check "script: '--bus s<TAB>' -> system, session" [ "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" = "session system " ]
finish
