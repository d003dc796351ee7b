// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * qnnd - the batching inference daemon. main.c: the flags, the start-up in
 * its order (settings, model, backend self-test, listener, READY=1), the
 * loop (loop.c), the shut-down (see qnnd.h for the map of the files).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void shutdown_all(struct server *s)
{
	while (s->conns.head)
		conn_close(s, s->conns.head, "daemon exit");
	/* Close services first: their batches hold requests of closed connections. */
	service_close(s, s->svcs.old);
	service_close(s, s->svcs.cur);
	reply_flush_all(s, true);
	accept_close(s);
}

/*
 * A model that is not there is a configuration error, like a bad setting: exit
 * status 2, which the unit's RestartPreventExitStatus keeps from becoming a restart
 * loop on a machine not yet set up.
 */
static int model_missing(const struct server *s, const char *config_path)
{
	if (!access(s->cfg.model, R_OK))
		return 0;
	log_failure("config",
		    "model %s: %s. Set 'model' in %s to a .qnn file, install "
		    "qnn-model-mnist (" QNND_DEFAULT_MODEL "), or make one with "
		    "'hlsgen import model.json weights.h5 --config hls4ml.yml -o %s'",
		    s->cfg.model, strerror(errno), config_path, s->cfg.model);
	return 1;
}

int main(int argc, char **argv)
{
	static struct server srv;
	static struct config_source src; /* kept: every reload applies the flags again */
	struct server *s = &srv;
	enum mode mode = MODE_SERVE;
	int verbose = 0;
	char err[512], status[256], bells[96];

	s->acc.lfd = -1;
	s->acc.spare_fd = -1;
	if (parse_args(&src, argc, argv, &mode, &verbose))
		return 2;
	if (mode == MODE_RELOAD)
		return reload_client(config_flag(&src, "socket", QNN_DEFAULT_SOCKET),
				     RELOAD_WAIT_MS);
	log_set_verbose(verbose);
	if (config_build(&src, &s->cfg, err, sizeof(err))) {
		log_setup("stderr");
		log_failure("config", "%s", err);
		return 2;
	}
	log_setup(s->cfg.log);
	if (accept_allow_group(s))
		return 2;
	/* The server lock is held from here on; loop_run() lets go of it only in epoll_wait(). */
	if (loop_open(s)) {
		log_err("cannot create epoll/signal/timer fds: %s", strerror(errno));
		return 1;
	}
	reply_init(s, s->cfg.io_uring, bells, sizeof(bells));
	if (model_missing(s, src.path))
		return 2;
	s->svcs.cur = service_open(s, &s->cfg, err, sizeof(err));
	if (!s->svcs.cur) {
		log_failure("startup", "%s", err);
		return 1;
	}
	if (mode == MODE_CHECK) {
		printf("qnnd: configuration, model and backend self-test OK (%s)\n",
		       s->svcs.cur->be->desc);
		service_close(s, s->svcs.cur);
		return 0;
	}
	service_apply_limits(s);
	reload_init(s, &src);
	queue_init(s, s->svcs.cur->info.max_batch);
	if (accept_open(s)) {
		service_close(s, s->svcs.cur);
		return 1;
	}
	housekeeping_init(s, now_us());
	housekeeping_status(s, status, sizeof(status));
	/* Only now: the backend passed its self-test and the socket accepts. */
	notify_ready(status);
	log_info("ready (%s; client doorbells: %s)", s->svcs.cur->be->desc, bells);
	int rc = loop_run(s);

	shutdown_all(s);
	reply_exit(s);
	log_info("exiting");
	return rc;
}
