#!/bin/sh
# Every module exports its descriptor and nothing else.
set -u
. "$(dirname "$0")/check.sh"
found=0
for so in $(find "$VPDND_BUILD_ROOT/modules" "$VPDND_BUILD_ROOT/tests/unit" -name '*.so' ! -name 'not-a-module.so' 2>/dev/null | sort); do
	found=$((found + 1))
	syms=$(nm -D --defined-only "$so" | awk '$2 ~ /^[A-Za-z]$/ {print $3}' | sort -u | tr '\n' ' ')
	check "$(basename "$so") exports only vpdn_module (got: $syms)" [ "$syms" = "vpdn_module " ]
done
check "found modules to check" [ "$found" -gt 0 ]
finish
