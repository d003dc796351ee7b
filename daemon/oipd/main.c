// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * qnn-oipd - the Open Inference Protocol v2 REST front of qnnd (and its
 * Prometheus /metrics). main() parses the options, takes the listening
 * socket from systemd (socket activation) or binds its own (loopback by
 * default), starts the qnnd connection and the HTTP server, and on
 * SIGTERM/SIGINT stops accepting, lets the requests in flight finish
 * (bounded by their deadline), then exits.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "oipd.h"

static const char usage[] =
    "usage: qnn-oipd [OPTIONS]\n"
    "  Open Inference Protocol v2 (KServe) REST front and Prometheus /metrics for qnnd.\n"
    "  -l, --listen HOST:PORT   where to listen unless systemd passes a socket\n"
    "                           (default 127.0.0.1:8000; [::1]:8000 for IPv6)\n"
    "  -s, --socket PATH        qnnd's socket (default $QNN_SOCKET, else " QNN_DEFAULT_SOCKET ")\n"
    "      --threads N          HTTP event threads (default 2)\n"
    "      --max-connections N  connections at once (default 512)\n"
    "      --per-ip N           connections at once per client address (default 256)\n"
    "      --idle-timeout S     close a connection idle this long, e.g. a stalled sender\n"
    "                           (default 10)\n"
    "      --request-ms MS      an upload may take at most this long (default 30000)\n"
    "      --max-body BYTES     request body limit, 413 beyond (default 16777216)\n"
    "      --header-mem BYTES   per-connection memory for request line + headers\n"
    "                           (default 65536)\n"
    "      --max-samples N      samples per inference request (default 1024)\n"
    "      --qnn-timeout-ms MS  qnnd-side deadline of each request (default 10000)\n"
    "      --max-waiting N      requests held for a free qnnd slot, 503 beyond (default 4096)\n"
    "      --sysfs DIR          the devices' counters (default /sys/class/qnn)\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static unsigned long long num(const char *opt, const char *v, unsigned long long lo,
			      unsigned long long hi)
{
	char *end;

	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);

	if (errno || end == v || *end || v[0] == '-' || x < lo || x > hi) {
		fprintf(stderr, "qnn-oipd: %s wants a whole number in [%llu, %llu], not '%s'\n",
			opt, lo, hi, v);
		exit(2);
	}
	return x;
}

/* Bind HOST:PORT ([v6]:port too); the listening fd or -1. */
static int listen_on(const char *spec)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST}, *ai;
	int fd = -1, one = 1;

	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(host)) {
		fprintf(stderr, "qnn-oipd: --listen wants HOST:PORT, not '%s'\n", spec);
		return -1;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = 0;
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = 0;
	}
	int e = getaddrinfo(host, colon + 1, &hints, &ai);

	if (e) {
		fprintf(stderr, "qnn-oipd: --listen %s: %s\n", spec, gai_strerror(e));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1024)) {
			fprintf(stderr, "qnn-oipd: --listen %s: %s\n", spec, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	return fd;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"socket", required_argument, NULL, 's'},
	    {"threads", required_argument, NULL, 1},
	    {"max-connections", required_argument, NULL, 2},
	    {"per-ip", required_argument, NULL, 3},
	    {"idle-timeout", required_argument, NULL, 4},
	    {"request-ms", required_argument, NULL, 5},
	    {"max-body", required_argument, NULL, 6},
	    {"header-mem", required_argument, NULL, 7},
	    {"max-samples", required_argument, NULL, 8},
	    {"qnn-timeout-ms", required_argument, NULL, 9},
	    {"max-waiting", required_argument, NULL, 10},
	    {"sysfs", required_argument, NULL, 11},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct oip_http_cfg http = {
	    .threads = 2,
	    .max_conns = 512,
	    .per_ip = 256,
	    .timeout_s = 10,
	    .request_ms = 30000,
	    .max_body = 16u << 20,
	    .header_mem = 65536,
	    .max_samples = 1024,
	    .sysfs_root = "/sys/class/qnn",
	};
	struct oip_backend_cfg be = {.timeout_ms = 10000, .max_waiting = 4096};
	const char *listen_spec = "127.0.0.1:8000";
	int c;

	while ((c = getopt_long(argc, argv, "l:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen_spec = optarg;
			break;
		case 's':
			be.socket = optarg;
			break;
		case 1:
			http.threads = (unsigned)num("--threads", optarg, 1, 64);
			break;
		case 2:
			http.max_conns = (unsigned)num("--max-connections", optarg, 1, 100000);
			break;
		case 3:
			http.per_ip = (unsigned)num("--per-ip", optarg, 1, 100000);
			break;
		case 4:
			http.timeout_s = (unsigned)num("--idle-timeout", optarg, 1, 3600);
			break;
		case 5:
			http.request_ms = (unsigned)num("--request-ms", optarg, 1, 3600000);
			break;
		case 6:
			http.max_body = (size_t)num("--max-body", optarg, 1024, 1ull << 30);
			break;
		case 7:
			http.header_mem = (size_t)num("--header-mem", optarg, 4096, 1u << 24);
			break;
		case 8:
			http.max_samples = (uint32_t)num("--max-samples", optarg, 1, 1u << 20);
			break;
		case 9:
			be.timeout_ms = (int)num("--qnn-timeout-ms", optarg, 1, 3600000);
			break;
		case 10:
			be.max_waiting = (uint32_t)num("--max-waiting", optarg, 0, 1u << 24);
			break;
		case 11:
			http.sysfs_root = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fputs(usage, stderr);
		return 2;
	}
	int n = sd_listen_fds(1);

	if (n > 1) {
		fprintf(stderr, "qnn-oipd: systemd passed %d sockets, expected one\n", n);
		return 1;
	}
	http.listen_fd = n == 1 ? SD_LISTEN_FDS_START : listen_on(listen_spec);
	if (http.listen_fd < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = {.sa_handler = on_signal};

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* qnnd may come later (socket activation of both): requests connect on demand. */
	int r = oip_backend_start(&be);

	if (r)
		fprintf(stderr, "qnn-oipd: qnnd not reachable yet (%s); will retry per request\n",
			qnn_strerror(r));
	if (oip_http_start(&http)) {
		fprintf(stderr, "qnn-oipd: cannot start the HTTP server\n");
		return 1;
	}
	sd_notify(0, "READY=1\nSTATUS=serving");
	fprintf(stderr, "qnn-oipd: serving (%s)\n", n == 1 ? "socket from systemd" : listen_spec);
	while (!stop)
		pause();
	sd_notify(0, "STOPPING=1");
	oip_http_quiesce();
	/* Requests in flight finish (their qnnd deadline bounds the wait). */
	for (long waited = 0; waited < be.timeout_ms + 2000; waited += 20) {
		uint64_t inflight, waiting;

		oip_backend_depth(&inflight, &waiting);
		if (!inflight && !waiting)
			break;
		sleep_ms(20);
	}
	/*
	 * Fail what still waits (their connections resume), stop the HTTP
	 * threads (a /metrics request may still be reading qnnd's stats),
	 * and only then free the qnnd connection they share.
	 */
	oip_backend_stop();
	oip_http_stop();
	oip_backend_close();
	return 0;
}
