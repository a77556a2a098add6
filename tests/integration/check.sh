# Minimal check counters for process tests that need no D-Bus.
# check "description" command...  runs the command, counts pass/fail.
# finish                         prints "N passed, M failed" and exits.
_passed=0
_failed=0
check() {
	_desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		_passed=$((_passed + 1))
		echo "ok   - $_desc"
	else
		_failed=$((_failed + 1))
		echo "FAIL - $_desc"
	fi
}
finish() {
	echo "$_passed passed, $_failed failed"
	[ "$_failed" -eq 0 ]
	exit $?
}
