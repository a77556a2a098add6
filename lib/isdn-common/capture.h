/* SPDX-License-Identifier: MIT */
/*
 * The capture of the PPP frames of one port, line or B channel
 * (org.vpdnd.Isdn1.StartCapture), written by the tree's one pcap writer
 * (lib/pcap-writer: libpcap's savefile writer; magic 0xa1b2c3d4, version
 * 2.4, snaplen 65535), LINKTYPE_PPP (9): our link frames are PPP frames as
 * on a sync line (FF 03 + protocol + info, or without FF 03 under ACFC),
 * which is what LINKTYPE_PPP holds. Real timestamps. Records go from the
 * writer's preallocated record buffer into a 64 KiB buffered FILE*: no
 * allocation per frame.
 */
#ifndef ISDN_CAPTURE_H
#define ISDN_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#define ISDN_CAPTURE_SNAPLEN 65535u
#define ISDN_CAPTURE_LINKTYPE_PPP 9u

struct isdn_capture;

/* Write the file header to fd (a new file from vpdn_capture_create(); the
 * capture owns it from here on, also on failure). 0 or negative errno. */
int isdn_capture_open(int fd, struct isdn_capture **out);
/* Append one frame (truncated to the snaplen). Write errors are kept for
 * close. */
void isdn_capture_frame(struct isdn_capture *cap, const uint8_t *data, size_t len);
uint64_t isdn_capture_packets(const struct isdn_capture *cap);
/* Flush and close; *packets gets the records written. 0, or negative
 * errno if the file was not written completely. Frees cap. */
int isdn_capture_close(struct isdn_capture *cap, uint64_t *packets);

#endif
