# SPDX-License-Identifier: MIT
# Node configs shared by bench/bench.sh and bench/heap-profile.sh (sourced;
# $T is the caller's scratch directory, holding the ISDN network's socket).

# lac_isdn_conf FILE CONTROLLERS: the LAC of the end-to-end runs: E1
# controllers of 31 B channels each, every call forwarded by domain
# (cisco.com) to the LNS at 127.0.0.2.
lac_isdn_conf() { # FILE CONTROLLERS
	{
		cat <<EOF
hostname = "LAC"
modules = {"isdn", "dialer", "ppp", "l2tp"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  initiate-to = {"127.0.0.2"}
  local-name = "LAC"
  tunnel-password = "benchtunnel"
  source-ip = "127.0.0.1"
  receive-window = 1024
}
l2tp { listen = {"127.0.0.1"}  port = 1701 }
isdn { switch-type = "primary-net5"  network = "unix:$T/isdn.sock" }
EOF
		awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) {
			printf "controller \"E1 %d\" { pri-group-timeslots = \"1-31\"  number = {\"8%04d\"} }\n", i, i
			printf "interface \"Serial%d:15\" { dialer-vpdn-forward = true  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LAC\" }\n", i
		} }'
	} >"$1"
	chmod 600 "$1"
}
