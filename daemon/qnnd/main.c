// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * qnnd - the batching inference daemon. main.c: flags, signals (signalfd:
 * SIGHUP reloads, SIGTERM/SIGINT drain and exit), and the epoll loop that
 * drives everything else (see qnnd.h for the map of the files).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "notify.h"
#include "qnnd.h"
#include "reload_client.h"

/* --reload: less than the unit's TimeoutStartSec (60 s), so our reason gets out first. */
#define RELOAD_WAIT_MS 55000

#ifndef QNN_VERSION
#define QNN_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: qnnd [OPTIONS]\n"
		"  -c, --config FILE          settings (default " QNND_DEFAULT_CONFIG ")\n"
		"  -s, --socket PATH          listen here unless systemd passes a socket\n"
		"                             (default " QNN_DEFAULT_SOCKET ")\n"
		"  -m, --model FILE           the .qnn model to serve\n"
		"  -b, --backend NAME         auto | sw | dev | null\n"
		"      --device PATH          dev backend: /dev/qnnN\n"
		"      --threads N            sw backend worker threads (0: one per CPU)\n"
		"      --max-batch N          samples per batch\n"
		"      --max-samples N        samples per request\n"
		"      --max-queue N          samples waiting before BUSY\n"
		"      --max-queue-delay-us N wait up to N us to fill a batch\n"
		"      --max-inflight N       requests pending per client\n"
		"      --log auto|journal|stderr\n"
		"      --set KEY=VALUE        any setting of the config file\n"
		"      --check-config         load settings and model, self-test, exit\n"
		"      --reload               ask the running qnnd (at --socket) to reload, and\n"
		"                             wait until it took effect or was refused\n"
		"  -v, --verbose\n"
		"  -V, --version              print the version and exit\n");
}

enum mode { MODE_SERVE, MODE_CHECK, MODE_RELOAD };

static int parse_args(struct config_source *src, int argc, char **argv, enum mode *mode,
		      int *verbose)
{
	enum {
		O_DEVICE = 256,
		O_THREADS,
		O_MAXB,
		O_MAXS,
		O_MAXQ,
		O_DELAY,
		O_INFL,
		O_LOG,
		O_SET,
		O_CHECK,
		O_RELOAD
	};
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"socket", required_argument, NULL, 's'},
	    {"model", required_argument, NULL, 'm'},
	    {"backend", required_argument, NULL, 'b'},
	    {"device", required_argument, NULL, O_DEVICE},
	    {"threads", required_argument, NULL, O_THREADS},
	    {"max-batch", required_argument, NULL, O_MAXB},
	    {"max-samples", required_argument, NULL, O_MAXS},
	    {"max-queue", required_argument, NULL, O_MAXQ},
	    {"max-queue-delay-us", required_argument, NULL, O_DELAY},
	    {"max-inflight", required_argument, NULL, O_INFL},
	    {"log", required_argument, NULL, O_LOG},
	    {"set", required_argument, NULL, O_SET},
	    {"check-config", no_argument, NULL, O_CHECK},
	    {"reload", no_argument, NULL, O_RELOAD},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {0},
	};
	static const char *const keys[] = {
	    [O_DEVICE - O_DEVICE] = "device",	  [O_THREADS - O_DEVICE] = "threads",
	    [O_MAXB - O_DEVICE] = "max_batch",	  [O_MAXS - O_DEVICE] = "max_samples",
	    [O_MAXQ - O_DEVICE] = "max_queue",	  [O_DELAY - O_DEVICE] = "max_queue_delay_us",
	    [O_INFL - O_DEVICE] = "max_inflight", [O_LOG - O_DEVICE] = "log",
	};
	int o, r = 0;

	config_source_init(src);
	while ((o = getopt_long(argc, argv, "c:s:m:b:vhV", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			src->path = optarg;
			src->explicit_path = true;
			break;
		case 's':
			r = config_add_flag(src, "socket", optarg);
			break;
		case 'm':
			r = config_add_flag(src, "model", optarg);
			break;
		case 'b':
			r = config_add_flag(src, "backend", optarg);
			break;
		case O_SET: {
			char *eq = strchr(optarg, '=');

			if (!eq) {
				fprintf(stderr, "qnnd: --set wants KEY=VALUE\n");
				return -1;
			}
			*eq = 0;
			r = config_add_flag(src, optarg, eq + 1);
			break;
		}
		case O_CHECK:
			*mode = MODE_CHECK;
			break;
		case O_RELOAD:
			*mode = MODE_RELOAD;
			break;
		case 'v':
			(*verbose)++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("qnnd %s (protocol %d)\n", QNN_VERSION, QNN_API_VERSION);
			exit(0);
		default:
			if (o >= O_DEVICE && o <= O_LOG) {
				r = config_add_flag(src, keys[o - O_DEVICE], optarg);
				break;
			}
			usage(stderr);
			return -1;
		}
		if (r) {
			fprintf(stderr, "qnnd: too many options\n");
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "qnnd: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

static int add_fd(struct server *s, int fd, struct ev_src *src, enum src_kind kind)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = src};

	src->kind = kind;
	src->obj = NULL;
	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int setup_fds(struct server *s)
{
	sigset_t mask;
	struct itimerspec tick = {{0, 100000000}, {0, 100000000}};

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	s->tickfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	s->wakefd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (s->epfd < 0 || s->sigfd < 0 || s->tickfd < 0 || s->wakefd < 0)
		return -1;
	timerfd_settime(s->tickfd, 0, &tick, NULL);
	return add_fd(s, s->sigfd, &s->sigsrc, SRC_SIGNAL) ||
	       add_fd(s, s->tickfd, &s->ticksrc, SRC_TICK) ||
	       add_fd(s, s->wakefd, &s->wakesrc, SRC_WAKE);
}

static void start_drain(struct server *s, const char *why)
{
	if (s->draining)
		return;
	s->draining = true;
	s->drain_start_us = now_us();
	notify_stopping();
	log_info("%s: draining %u queued samples and %u batches in flight, then exiting", why,
		 s->bq.queued_samples, s->svc ? s->svc->inflight : 0);
	if (s->lfd >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->lfd, NULL);
		listen_close(s->lfd, &s->cfg, s->lfd_owned);
		s->lfd = -1;
	}
}

static void on_signal(struct server *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload_request(s);
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			start_drain(s, si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	}
}

static bool drained(struct server *s, uint64_t now)
{
	if (!s->draining)
		return false;
	bool output_pending = false;

	for (struct conn *c = s->conns; c; c = c->next)
		output_pending |= c->wlen > c->woff;
	if (dispatch_idle(s) && !output_pending)
		return true;
	if (now - s->drain_start_us > (uint64_t)s->cfg.drain_timeout_ms * 1000) {
		log_failure("drain", "gave up after %u ms with %u samples queued",
			    s->cfg.drain_timeout_ms, s->bq.queued_samples);
		return true;
	}
	return false;
}

/* Handles one event; true when it was client traffic (a frame, a kick, a new client). */
static bool handle(struct server *s, struct ev_src *src, uint32_t events)
{
	uint64_t v;

	switch (src->kind) {
	case SRC_LISTEN:
		conn_accept(s);
		return true;
	case SRC_SIGNAL:
		on_signal(s);
		break;
	case SRC_TICK:
		if (read(s->tickfd, &v, sizeof(v)) > 0)
			housekeeping_tick(s, now_us());
		break;
	case SRC_WAKE:
		if (read(s->wakefd, &v, sizeof(v)) > 0)
			s->wake_armed_us = 0;
		break;
	case SRC_BACKEND:
		dispatch_complete(s, src->obj);
		break;
	case SRC_KICK:
		shm_kicked(src->obj); /* the rings are pulled after the events */
		return true;
	case SRC_CONN: {
		struct conn *c = src->obj;

		if (!c->dead && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			conn_writable(s, c);
		if (!c->dead && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			conn_readable(s, c);
		return true;
	}
	}
	return false;
}

/*
 * Busy polling: a client with one request at a time waits for each reply, and on a
 * VM a cross-CPU wake-up costs about 20 us each way, more than the work. So after
 * client traffic, while the backend is idle (it would not need the CPU), the loop
 * polls for busy_poll_us before it sleeps; under load the workers reply and the loop
 * sleeps. The cost is bounded: busy_poll_us of CPU per burst of client traffic.
 */
static int wait_timeout(bool ring_work, uint64_t poll_until)
{
	if (ring_work || (poll_until && now_us() < poll_until))
		return 0;
	return 1000;
}

static int run(struct server *s)
{
	struct epoll_event evs[64];
	bool ring_work = false;
	uint64_t poll_until = 0;

	s->assist_on = true;
	while (!s->quit) {
		/* The only place the loop lets go of the lock: a worker may do a turn. */
		pthread_mutex_unlock(&s->lock);
		int n = epoll_wait(s->epfd, evs, 64, wait_timeout(ring_work, poll_until));

		pthread_mutex_lock(&s->lock);
		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s", strerror(errno));
			s->assist_on = false;
			return 1;
		}
		bool traffic = false;

		for (int i = 0; i < n; i++)
			traffic |= handle(s, evs[i].data.ptr, evs[i].events);
		reload_run(s);
		dispatch_turn(s, true);
		uint64_t now = now_us();

		if (drained(s, now))
			break;
		ring_work = shm_arm_all(s);
		if (traffic && s->cfg.busy_poll_us && dispatch_idle(s))
			poll_until = now + s->cfg.busy_poll_us;
	}
	s->assist_on = false;
	return 0;
}

static void shutdown_all(struct server *s)
{
	while (s->conns)
		conn_close(s, s->conns, "daemon exit");
	/* Close services first: their batches hold requests of closed connections. */
	service_close(s, s->old);
	service_close(s, s->svc);
	conn_flush_all(s, true);
	if (s->lfd >= 0)
		listen_close(s->lfd, &s->cfg, s->lfd_owned);
	if (s->spare_fd >= 0)
		close(s->spare_fd);
}

int main(int argc, char **argv)
{
	static struct server srv;
	static struct config_source src; /* kept: every reload applies the flags again */
	struct server *s = &srv;
	enum mode mode = MODE_SERVE;
	int verbose = 0;
	char err[512], status[256], bells[96];

	s->lfd = -1;
	s->spare_fd = -1;
	/* Held from here on; run() lets go of it only inside epoll_wait(). */
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_lock(&s->lock);
	if (parse_args(&src, argc, argv, &mode, &verbose))
		return 2;
	if (mode == MODE_RELOAD)
		return reload_client(config_flag(&src, "socket", QNN_DEFAULT_SOCKET),
				     RELOAD_WAIT_MS);
	log_set_verbose(verbose);
	s->config_src = &src;
	if (config_build(&src, &s->cfg, err, sizeof(err))) {
		log_setup("stderr");
		log_failure("config", "%s", err);
		return 2;
	}
	log_setup(s->cfg.log);
	if (s->cfg.allow_group[0]) {
		struct group *g = getgrnam(s->cfg.allow_group);

		if (!g) {
			log_failure("config", "allow_group: no group '%s'", s->cfg.allow_group);
			return 2;
		}
		s->allow_gid = g->gr_gid;
		s->allow_gid_set = true;
	}
	if (setup_fds(s)) {
		log_err("cannot create epoll/signal/timer fds: %s", strerror(errno));
		return 1;
	}
	doorbells_init(&s->bells, s->cfg.io_uring, bells, sizeof(bells));
	/*
	 * A model that is not there is a configuration error, like a bad
	 * setting: exit status 2, which the unit's RestartPreventExitStatus
	 * keeps from becoming a restart loop on a machine not yet set up.
	 */
	if (access(s->cfg.model, R_OK)) {
		log_failure("config",
			    "model %s: %s. Set 'model' in %s to a .qnn file, install "
			    "qnn-model-mnist (" QNND_DEFAULT_MODEL "), or make one with "
			    "'hlsgen import model.json weights.h5 --config hls4ml.yml -o %s'",
			    s->cfg.model, strerror(errno), src.path, s->cfg.model);
		return 2;
	}
	s->svc = service_open(s, &s->cfg, err, sizeof(err));
	if (!s->svc) {
		log_failure("startup", "%s", err);
		return 1;
	}
	if (mode == MODE_CHECK) {
		printf("qnnd: configuration, model and backend self-test OK (%s)\n",
		       s->svc->be->desc);
		service_close(s, s->svc);
		return 0;
	}
	service_apply_limits(s);
	s->config_gen = 1;
	accept_init(s);
	batcher_init(&s->bq, s->svc->info.max_batch, s->cfg.max_queue, s->cfg.max_queue_delay_us);
	s->lfd = listen_open(&s->cfg, &s->lfd_owned);
	if (s->lfd < 0 || add_fd(s, s->lfd, &s->lsrc, SRC_LISTEN)) {
		log_failure("startup", "no listening socket");
		service_close(s, s->svc);
		return 1;
	}
	uint64_t now = now_us();

	stats_init(&s->st, now);
	s->last_status_us = s->last_journal_us = s->last_wd_us = s->last_progress_us = now;
	s->wd_usec = notify_watchdog_usec();
	housekeeping_status(s, status, sizeof(status));
	/* Only now: the backend passed its self-test and the socket accepts. */
	notify_ready(status);
	log_info("ready (%s; client doorbells: %s)", s->svc->be->desc, bells);
	int rc = run(s);

	shutdown_all(s);
	doorbells_exit(&s->bells);
	log_info("exiting");
	return rc;
}
