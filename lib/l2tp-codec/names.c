/* SPDX-License-Identifier: MIT */
/* Names and texts for logs (RFC 2661 §4.4, §6). */
#include <stddef.h>

#include "codec.h"

const char *l2tp_msg_type_name(unsigned type)
{
	switch (type) {
	case L2TP_MSG_ZLB: return "ZLB";
	case L2TP_MSG_SCCRQ: return "SCCRQ";
	case L2TP_MSG_SCCRP: return "SCCRP";
	case L2TP_MSG_SCCCN: return "SCCCN";
	case L2TP_MSG_STOPCCN: return "StopCCN";
	case L2TP_MSG_HELLO: return "HELLO";
	case L2TP_MSG_OCRQ: return "OCRQ";
	case L2TP_MSG_OCRP: return "OCRP";
	case L2TP_MSG_OCCN: return "OCCN";
	case L2TP_MSG_ICRQ: return "ICRQ";
	case L2TP_MSG_ICRP: return "ICRP";
	case L2TP_MSG_ICCN: return "ICCN";
	case L2TP_MSG_CDN: return "CDN";
	case L2TP_MSG_WEN: return "WEN";
	case L2TP_MSG_SLI: return "SLI";
	default: return "unknown";
	}
}

bool l2tp_msg_type_known(unsigned type)
{
	return type != L2TP_MSG_ZLB && l2tp_msg_mandatory_avps(type) != 0;
}

static const char *const avp_names[L2TP_AVP__COUNT] = {
	[L2TP_AVP_MESSAGE_TYPE] = "Message Type",
	[L2TP_AVP_RESULT_CODE] = "Result Code",
	[L2TP_AVP_PROTOCOL_VERSION] = "Protocol Version",
	[L2TP_AVP_FRAMING_CAPS] = "Framing Capabilities",
	[L2TP_AVP_BEARER_CAPS] = "Bearer Capabilities",
	[L2TP_AVP_TIE_BREAKER] = "Tie Breaker",
	[L2TP_AVP_FIRMWARE_REVISION] = "Firmware Revision",
	[L2TP_AVP_HOST_NAME] = "Host Name",
	[L2TP_AVP_VENDOR_NAME] = "Vendor Name",
	[L2TP_AVP_ASSIGNED_TUNNEL_ID] = "Assigned Tunnel ID",
	[L2TP_AVP_RECEIVE_WINDOW_SIZE] = "Receive Window Size",
	[L2TP_AVP_CHALLENGE] = "Challenge",
	[L2TP_AVP_Q931_CAUSE] = "Q.931 Cause Code",
	[L2TP_AVP_CHALLENGE_RESPONSE] = "Challenge Response",
	[L2TP_AVP_ASSIGNED_SESSION_ID] = "Assigned Session ID",
	[L2TP_AVP_CALL_SERIAL_NUMBER] = "Call Serial Number",
	[L2TP_AVP_MIN_BPS] = "Minimum BPS",
	[L2TP_AVP_MAX_BPS] = "Maximum BPS",
	[L2TP_AVP_BEARER_TYPE] = "Bearer Type",
	[L2TP_AVP_FRAMING_TYPE] = "Framing Type",
	[L2TP_AVP_CALLED_NUMBER] = "Called Number",
	[L2TP_AVP_CALLING_NUMBER] = "Calling Number",
	[L2TP_AVP_SUB_ADDRESS] = "Sub-Address",
	[L2TP_AVP_TX_CONNECT_SPEED] = "Tx Connect Speed",
	[L2TP_AVP_PHYSICAL_CHANNEL_ID] = "Physical Channel ID",
	[L2TP_AVP_INITIAL_RCVD_LCP_CONFREQ] = "Initial Received LCP CONFREQ",
	[L2TP_AVP_LAST_SENT_LCP_CONFREQ] = "Last Sent LCP CONFREQ",
	[L2TP_AVP_LAST_RCVD_LCP_CONFREQ] = "Last Received LCP CONFREQ",
	[L2TP_AVP_PROXY_AUTHEN_TYPE] = "Proxy Authen Type",
	[L2TP_AVP_PROXY_AUTHEN_NAME] = "Proxy Authen Name",
	[L2TP_AVP_PROXY_AUTHEN_CHALLENGE] = "Proxy Authen Challenge",
	[L2TP_AVP_PROXY_AUTHEN_ID] = "Proxy Authen ID",
	[L2TP_AVP_PROXY_AUTHEN_RESPONSE] = "Proxy Authen Response",
	[L2TP_AVP_CALL_ERRORS] = "Call Errors",
	[L2TP_AVP_ACCM] = "ACCM",
	[L2TP_AVP_RANDOM_VECTOR] = "Random Vector",
	[L2TP_AVP_PRIVATE_GROUP_ID] = "Private Group ID",
	[L2TP_AVP_RX_CONNECT_SPEED] = "Rx Connect Speed",
	[L2TP_AVP_SEQUENCING_REQUIRED] = "Sequencing Required",
	[L2TP_AVP_PPP_DISCONNECT_CAUSE] = "PPP Disconnect Cause Code",
};

bool l2tp_avp_type_known(unsigned type)
{
	return type < L2TP_AVP__COUNT && avp_names[type] != NULL;
}

const char *l2tp_avp_name(unsigned type)
{
	return l2tp_avp_type_known(type) ? avp_names[type] : "unknown";
}

/* M bits as RFC 2661 §4.4 specifies them for each AVP. */
#define B(t) ((uint64_t)1 << (t))
static const uint64_t avp_not_mandatory =
	B(L2TP_AVP_TIE_BREAKER) | B(L2TP_AVP_FIRMWARE_REVISION) |
	B(L2TP_AVP_VENDOR_NAME) | B(L2TP_AVP_PHYSICAL_CHANNEL_ID) |
	B(L2TP_AVP_INITIAL_RCVD_LCP_CONFREQ) | B(L2TP_AVP_LAST_SENT_LCP_CONFREQ) |
	B(L2TP_AVP_LAST_RCVD_LCP_CONFREQ) | B(L2TP_AVP_PROXY_AUTHEN_TYPE) |
	B(L2TP_AVP_PROXY_AUTHEN_NAME) | B(L2TP_AVP_PROXY_AUTHEN_CHALLENGE) |
	B(L2TP_AVP_PROXY_AUTHEN_ID) | B(L2TP_AVP_PROXY_AUTHEN_RESPONSE) |
	B(L2TP_AVP_PRIVATE_GROUP_ID) | B(L2TP_AVP_RX_CONNECT_SPEED) |
	B(L2TP_AVP_PPP_DISCONNECT_CAUSE);

static const uint64_t avp_never_hidden =
	B(L2TP_AVP_MESSAGE_TYPE) | B(L2TP_AVP_RESULT_CODE) |
	B(L2TP_AVP_PROTOCOL_VERSION) | B(L2TP_AVP_TIE_BREAKER) |
	B(L2TP_AVP_HOST_NAME) | B(L2TP_AVP_RECEIVE_WINDOW_SIZE) |
	B(L2TP_AVP_Q931_CAUSE) | B(L2TP_AVP_RANDOM_VECTOR) |
	B(L2TP_AVP_SEQUENCING_REQUIRED);

bool l2tp_avp_mandatory(unsigned type)
{
	return l2tp_avp_type_known(type) && !(avp_not_mandatory & B(type));
}

bool l2tp_avp_hideable(unsigned type)
{
	return l2tp_avp_type_known(type) && !(avp_never_hidden & B(type));
}

const char *l2tp_proxy_authen_type_name(unsigned type)
{
	switch (type) {
	case L2TP_PROXY_AUTH_RESERVED: return "reserved";
	case L2TP_PROXY_AUTH_TEXT: return "text";
	case L2TP_PROXY_AUTH_CHAP: return "CHAP";
	case L2TP_PROXY_AUTH_PAP: return "PAP";
	case L2TP_PROXY_AUTH_NONE: return "none";
	case L2TP_PROXY_AUTH_MSCHAPV1: return "MS-CHAPv1";
	default: return "unknown";
	}
}

static const char *stopccn_result_text(unsigned result)
{
	switch (result) {
	case L2TP_STOPCCN_CLEAR: return "General request to clear control connection";
	case L2TP_STOPCCN_GENERAL_ERROR: return "General error, see Error Code";
	case L2TP_STOPCCN_ALREADY_EXISTS: return "Control channel already exists";
	case L2TP_STOPCCN_NOT_AUTHORIZED: return "Requester is not authorized to establish a control channel";
	case L2TP_STOPCCN_BAD_VERSION: return "The protocol version of the requester is not supported";
	case L2TP_STOPCCN_SHUTTING_DOWN: return "Requester is being shut down";
	case L2TP_STOPCCN_FSM_ERROR: return "Finite State Machine error";
	default: return "unknown result code";
	}
}

static const char *cdn_result_text(unsigned result)
{
	switch (result) {
	case L2TP_CDN_LOST_CARRIER: return "Call disconnected due to loss of carrier";
	case L2TP_CDN_GENERAL_ERROR: return "Call disconnected for the reason indicated in error code";
	case L2TP_CDN_ADMIN: return "Call disconnected for administrative reasons";
	case L2TP_CDN_TEMP_NO_FACILITIES: return "Call failed due to lack of appropriate facilities being available (temporary condition)";
	case L2TP_CDN_PERM_NO_FACILITIES: return "Call failed due to lack of appropriate facilities being available (permanent condition)";
	case L2TP_CDN_INVALID_DEST: return "Invalid destination";
	case L2TP_CDN_NO_CARRIER: return "Call failed due to no carrier detected";
	case L2TP_CDN_BUSY: return "Call failed due to detection of a busy signal";
	case L2TP_CDN_NO_DIAL_TONE: return "Call failed due to lack of a dial tone";
	case L2TP_CDN_TIMEOUT: return "Call was not established within time allotted by LAC";
	case L2TP_CDN_NO_FRAMING: return "Call was connected but no appropriate framing was detected";
	default: return "unknown result code";
	}
}

const char *l2tp_result_text(unsigned msg_type, unsigned result)
{
	if (msg_type == L2TP_MSG_STOPCCN)
		return stopccn_result_text(result);
	if (msg_type == L2TP_MSG_CDN)
		return cdn_result_text(result);
	return "unknown result code";
}

const char *l2tp_error_text(unsigned error)
{
	switch (error) {
	case L2TP_ERR_NONE: return "No general error";
	case L2TP_ERR_NO_CONTROL_CONNECTION: return "No control connection exists yet for this LAC-LNS pair";
	case L2TP_ERR_BAD_LENGTH: return "Length is wrong";
	case L2TP_ERR_OUT_OF_RANGE: return "One of the field values was out of range or reserved field was non-zero";
	case L2TP_ERR_NO_RESOURCES: return "Insufficient resources to handle this operation now";
	case L2TP_ERR_BAD_SESSION_ID: return "The Session ID is invalid in this context";
	case L2TP_ERR_VENDOR: return "A generic vendor-specific error occurred in the LAC";
	case L2TP_ERR_TRY_ANOTHER: return "Try another";
	case L2TP_ERR_UNKNOWN_MANDATORY_AVP: return "Session or tunnel was shutdown due to receipt of an unknown AVP with the M-bit set";
	default: return "unknown error code";
	}
}
