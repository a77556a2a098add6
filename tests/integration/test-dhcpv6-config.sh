#!/bin/sh
# The dhcpv6 module's config through the real daemon: a good config
# passes --check, each bad value exits 78 naming file and line.
set -u
. "$(dirname "$0")/check.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

good() {
	cat <<'CONF'
hostname = "LNS"
modules = {"ppp", "dhcpv6", "ip"}
dhcpv6-pool "subs" {
  prefix = "2001:db8:100::/40"
  assign-length = 56
  dns = {"2001:db8::53"}
}
dhcpv6-max-leases-per-session = 2
interface "Virtual-Template1" {
  dhcpv6-server = "subs"
}
interface "Dialer1" {
  dhcpv6-client-pd = "PD"
  dhcpv6-client-pd-interface = "lan0"
  dhcpv6-client-pd-address = "::1/64"
}
CONF
}

good > "$tmp/good.conf"
out=$("$VPDND" -c "$tmp/good.conf" --check 2>&1); rc=$?
check "a good dhcpv6 config passes --check" [ "$rc" -eq 0 ]
check "--check lists dhcpv6" expr "$out" : ".*dhcpv6"

# bad(NAME, LINE, SED, MESSAGE): the good config edited by SED must exit 78
# with FILE:LINE: and MESSAGE.
bad() {
	good | sed "$3" > "$tmp/$1.conf"
	out=$("$VPDND" -c "$tmp/$1.conf" --check 2>&1); rc=$?
	check "$1 exits 78" [ "$rc" -eq 78 ]
	check "$1 names file and line" sh -c 'printf "%s" "$1" | grep -qF "$2:$3:" && printf "%s" "$1" | grep -qF "$4"' _ "$out" "$tmp/$1.conf" "$2" "$4"
}
bad host-bits 4 's|2001:db8:100::/40|2001:db8:100::1/40|' 'not an IPv6 prefix'
bad not-prefix 4 's|2001:db8:100::/40|banana|' 'not an IPv6 prefix'
bad assign-short 5 's|assign-length = 56|assign-length = 32|' 'assign-length must be 40..64'
bad assign-huge 5 's|assign-length = 56|assign-length = 64|; s|2001:db8:100::/40|2001::/16|' 'at most 48'
bad bad-dns 6 's|2001:db8::53|10.0.0.1|' 'dns "10.0.0.1": not an IPv6 address'
bad no-pool 10 's|dhcpv6-server = "subs"|dhcpv6-server = "gold"|' 'no such dhcpv6-pool'
bad per-session 8 's|dhcpv6-max-leases-per-session = 2|dhcpv6-max-leases-per-session = 0|' 'must be 1..16'
bad pd-address 15 's|"::1/64"|"2001:db8::1/64"|' 'a host part /64'
bad order 13 's|{"ppp", "dhcpv6", "ip"}|{"ppp", "ip", "dhcpv6"}|' 'list "dhcpv6" before "ip" in modules'
finish
