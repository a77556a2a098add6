# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# The simulated ISDN network and a PPP server on it, for process tests of
# PPP over ISDN. Source after lib.sh, then start_bus:
#
#   isdn_network_start   an isdn-switch node ("isdnnet") listening on $sock
#                        ($T/isdn.sock)
#   ppp_srv_start        "srv": PRI E1 0 with number 8211, its B channels
#                        answer with PPP, ask CHAP as "srv" (18.18.18.9)
#                        and verify remote1@cisco.com (password "secret1")
#                        with auth-local; its log is $S
#   ISDN_DBG             the debug categories these tests turn on

sock="$T/isdn.sock"
ISDN_DBG=(-d "dialer events" -d "ppp negotiation" -d "ppp authentication" -d "isdn events")

isdn_network_start() {
	write_config isdnnet.conf <<CONF
hostname = "isdnnet"
modules = {"isdn-switch"}
isdn-switch { listen = "unix:$sock" }
CONF
	start_node isdnnet "$T/isdnnet.conf"
}

ppp_srv_start() {
	write_config srv.conf <<CONF
hostname = "srv"
modules = {"isdn", "dialer", "ppp", "auth-local"}
isdn { switch-type = "primary-net5"  network = "unix:$sock" }
controller "E1 0" { pri-group-timeslots = "1-31"  number = {"8211"} }
interface "Serial0:15" {
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "srv"
  ip-address = "18.18.18.9"
}
username "remote1@cisco.com" { password = "secret1"  ip-address = "17.17.17.1" }
CONF
	S="$T/srv.log"
	start_node srv "$T/srv.conf" "${ISDN_DBG[@]}"
}
