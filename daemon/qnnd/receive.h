/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * receive.h - the socket's byte stream in (receive.c): complete frames go to
 * requests.c; EOF, stalled and malformed frames end the connection.
 */
#ifndef QNND_RECEIVE_H
#define QNND_RECEIVE_H

#include <stddef.h>
#include <stdint.h>

struct server;
struct conn;

/* The socket is readable (or hung up). */
void receive_readable(struct server *s, struct conn *c);
/* The largest frame the current model and max_samples allow. */
size_t receive_max_frame(const struct server *s);
/* From the tick: close clients stalled mid-frame for frame_timeout_ms. */
void receive_stalled(struct server *s, uint64_t now);

#endif
