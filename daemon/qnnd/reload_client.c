// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * reload_client.c - `qnnd --reload`: a client of the running qnnd that asks
 * it to read its configuration and model again (a RELOAD frame; what SIGHUP
 * does) and waits for the answer, which qnnd sends only once that reload has
 * run. So it returns when the new settings are in effect (exit 0, the new
 * generation printed) or qnnd refused them (exit 1 with qnnd's reason; it
 * keeps the previous setup). This is the unit's ExecReload: systemd 252
 * (bookworm) has no Type=notify-reload (that is 253), and `kill -HUP`
 * returns before the reload ran, so `systemctl reload` could not tell.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "qnn_proto.h"
#include "reload_client.h"

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read exactly len bytes by deadline: 0, or -1 (errno; ETIMEDOUT, or 0 for EOF). */
static int read_all(int fd, uint8_t *p, size_t len, int64_t deadline)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - mono_ms();

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		int r = poll(&pf, 1, (int)left);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			errno = r ? errno : ETIMEDOUT;
			return -1;
		}
		ssize_t n = recv(fd, p + got, len - got, 0);

		if (n == 0) {
			errno = 0;
			return -1;
		}
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

static int connect_daemon(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The daemon's answer to our RELOAD (id 1): 0 applied, 1 refused or failed. */
static int await_answer(int fd, int64_t deadline)
{
	uint8_t hb[QNN_PROTO_HDR_SIZE], p[QNN_WIRE_ERROR_SIZE + QNN_PROTO_MAX_ERRMSG];
	struct qnn_frame_hdr h;

	if (read_all(fd, hb, sizeof(hb), deadline) ||
	    qnn_proto_parse_hdr(hb, sizeof(hb), sizeof(p), &h) != QNN_PROTO_HDR_OK ||
	    read_all(fd, p, h.len, deadline)) {
		fprintf(stderr, "qnnd --reload: no answer from qnnd (%s)\n",
			errno == ETIMEDOUT ? "timed out"
			: errno		   ? strerror(errno)
					   : "connection closed");
		return 1;
	}
	if (h.type == QNN_MSG_RELOAD_REPLY && h.id == 1 && h.len == QNN_WIRE_RELOAD_SIZE) {
		printf("qnnd reloaded: configuration generation %" PRIu64 " (%u requests)\n",
		       qnn_get_u64(p), qnn_get_u32(p + 8));
		return 0;
	}
	int st = 0;
	char msg[QNN_PROTO_MAX_ERRMSG + 1] = "";

	if (h.type != QNN_MSG_ERROR || qnn_proto_get_error(p, h.len, &st, msg, sizeof(msg))) {
		fprintf(stderr, "qnnd --reload: unexpected answer (frame type %u)\n", h.type);
		return 1;
	}
	/* An older qnnd does not know RELOAD: it closes with a protocol error. */
	fprintf(stderr, "qnnd --reload: %s%s%s\n", qnn_strerror(st), msg[0] ? ": " : "", msg);
	return 1;
}

int reload_client(const char *path, int timeout_ms)
{
	int fd = connect_daemon(path);

	if (fd < 0) {
		fprintf(stderr, "qnnd --reload: %s: %s\n", path, strerror(errno));
		return 1;
	}
	uint8_t hb[QNN_PROTO_HDR_SIZE];

	qnn_proto_put_hdr(hb, QNN_MSG_RELOAD, 1, 0);
	if (send(fd, hb, sizeof(hb), MSG_NOSIGNAL) != (ssize_t)sizeof(hb)) {
		fprintf(stderr, "qnnd --reload: %s: send: %s\n", path, strerror(errno));
		close(fd);
		return 1;
	}
	int r = await_answer(fd, mono_ms() + timeout_ms);

	close(fd);
	return r;
}
