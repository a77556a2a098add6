/* SPDX-License-Identifier: MIT */
/* Names of the built-in events and of Q.931 causes, for logs. */
#include <stddef.h>

#include <vpdnd/events.h>

static const char *const event_names[VPDN_EV__BUILTIN_COUNT] = {
	[VPDN_EV_NONE] = NULL,
	[VPDN_EV_CALL_INCOMING] = "call-incoming",
	[VPDN_EV_CALL_PLACE] = "call-place",
	[VPDN_EV_CALL_CONNECTED] = "call-connected",
	[VPDN_EV_CALL_CLEARED] = "call-cleared",
	[VPDN_EV_CALL_HANGUP] = "call-hangup",
	[VPDN_EV_DIAL_REQUEST] = "dial-request",
	[VPDN_EV_DIALOUT_REQUEST] = "dialout-request",
	[VPDN_EV_INTERESTING_TRAFFIC] = "interesting-traffic",
	[VPDN_EV_DIALER_BIND] = "dialer-bind",
	[VPDN_EV_PPP_START] = "ppp-start",
	[VPDN_EV_PPP_PHASE] = "ppp-phase",
	[VPDN_EV_PPP_AUTHENTICATED] = "ppp-authenticated",
	[VPDN_EV_PPP_NETWORK_UP] = "ppp-network-up",
	[VPDN_EV_PPP_NETWORK_DOWN] = "ppp-network-down",
	[VPDN_EV_PPP_DOWN] = "ppp-down",
	[VPDN_EV_FORWARD_REQUEST] = "forward-request",
	[VPDN_EV_LINK_ACCM] = "link-accm",
	[VPDN_EV_AUTH_REQUEST] = "auth-request",
	[VPDN_EV_SECRET_REQUEST] = "secret-request",
	[VPDN_EV_TUNNEL_UP] = "tunnel-up",
	[VPDN_EV_TUNNEL_DOWN] = "tunnel-down",
	[VPDN_EV_SESSION_INCOMING] = "session-incoming",
	[VPDN_EV_SESSION_UP] = "session-up",
	[VPDN_EV_SESSION_DOWN] = "session-down",
	[VPDN_EV_INTERFACE_CREATED] = "interface-created",
	[VPDN_EV_INTERFACE_DESTROYED] = "interface-destroyed",
	[VPDN_EV_CONFIG_RELOADED] = "config-reloaded",
	[VPDN_EV_SHUTDOWN] = "shutdown",
	[VPDN_EV_DIAL_FAILED] = "dial-failed",
	[VPDN_EV_ADDRESS_CHECK] = "address-check",
	[VPDN_EV_TUNNEL_AUTHORIZE] = "tunnel-authorize",
	[VPDN_EV_SESSION_FAILED] = "session-failed",
	[VPDN_EV_PPP_IPV6_UP] = "ppp-ipv6-up",
	[VPDN_EV_PPP_IPV6_DOWN] = "ppp-ipv6-down",
	[VPDN_EV_IPV6_ROUTE] = "ipv6-route",
	[VPDN_EV_INTERFACE_COUNTERS] = "interface-counters",
};

const char *vpdn_event_type_name(uint32_t type)
{
	if (type >= VPDN_EV__BUILTIN_COUNT)
		return NULL;
	return event_names[type];
}

const char *vpdn_q931_cause_name(int cause)
{
	switch (cause) {
	case VPDN_CAUSE_UNALLOCATED_NUMBER: return "Unallocated (unassigned) number";
	case VPDN_CAUSE_NO_ROUTE: return "No route to destination";
	case VPDN_CAUSE_NORMAL_CLEARING: return "Normal call clearing";
	case VPDN_CAUSE_USER_BUSY: return "User busy";
	case VPDN_CAUSE_NO_USER_RESPONDING: return "No user responding";
	case VPDN_CAUSE_NO_ANSWER: return "No answer from user (user alerted)";
	case VPDN_CAUSE_CALL_REJECTED: return "Call rejected";
	case VPDN_CAUSE_DEST_OUT_OF_ORDER: return "Destination out of order";
	case VPDN_CAUSE_INVALID_NUMBER_FORMAT: return "Invalid number format";
	case VPDN_CAUSE_NORMAL_UNSPECIFIED: return "Normal, unspecified";
	case VPDN_CAUSE_NO_CHANNEL: return "No circuit/channel available";
	case VPDN_CAUSE_NETWORK_OUT_OF_ORDER: return "Network out of order";
	case VPDN_CAUSE_TEMPORARY_FAILURE: return "Temporary failure";
	case VPDN_CAUSE_RESOURCE_UNAVAILABLE: return "Resource unavailable, unspecified";
	case VPDN_CAUSE_BEARER_NOT_AVAILABLE: return "Bearer capability not presently available";
	case VPDN_CAUSE_INCOMPATIBLE_DESTINATION: return "Incompatible destination";
	case VPDN_CAUSE_RECOVERY_ON_TIMER: return "Recovery on timer expiry";
	case VPDN_CAUSE_INTERWORKING: return "Interworking, unspecified";
	}
	return "Unknown cause";
}

const char *vpdn_ppp_disconnect_name(int code)
{
	switch (code) {
	case VPDN_PPP_DISC_NO_INFO: return "no information";
	case VPDN_PPP_DISC_ADMIN: return "administrative disconnect";
	case VPDN_PPP_DISC_LCP_RENEG_DISABLED: return "LCP renegotiation at LNS disabled";
	case VPDN_PPP_DISC_NORMAL: return "normal disconnection";
	case VPDN_PPP_DISC_ENCRYPTION_REFUSED: return "compulsory encryption refused";
	case VPDN_PPP_DISC_LCP_FSM_TIMEOUT: return "LCP FSM timeout";
	case VPDN_PPP_DISC_LCP_NO_PACKETS: return "no recognizable LCP packets";
	case VPDN_PPP_DISC_LCP_MAGIC: return "LCP magic number error";
	case VPDN_PPP_DISC_LCP_ECHO_TIMEOUT: return "LCP echo request timeout";
	case VPDN_PPP_DISC_MP_ENDPOINT: return "unexpected MP endpoint discriminator";
	case VPDN_PPP_DISC_MP_MRRU: return "unexpected MP MRRU";
	case VPDN_PPP_DISC_MP_SSN: return "unexpected MP short sequence numbers";
	case VPDN_PPP_DISC_CALLBACK_REFUSED: return "compulsory callback refused";
	case VPDN_PPP_DISC_AUTH_FSM_TIMEOUT: return "authentication timeout";
	case VPDN_PPP_DISC_AUTH_MP_NAME: return "unexpected MP authenticated name";
	case VPDN_PPP_DISC_AUTH_PROTOCOL: return "authentication protocol unacceptable";
	case VPDN_PPP_DISC_AUTH_FAILED: return "authentication failed";
	case VPDN_PPP_DISC_NCP_FSM_TIMEOUT: return "NCP FSM timeout";
	case VPDN_PPP_DISC_NCP_NONE: return "no NCPs available";
	case VPDN_PPP_DISC_NCP_ADDRESSES: return "NCP failed to converge on addresses";
	case VPDN_PPP_DISC_NCP_NOT_PERMITTED: return "no permitted addresses";
	}
	return "unknown";
}

const char *vpdn_end_side_name(int side)
{
	switch (side) {
	case VPDN_END_LOCAL: return "local";
	case VPDN_END_PEER: return "peer";
	}
	return "unknown";
}
