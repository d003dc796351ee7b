// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * service.c - a model and the backend running it. Opening one loads and
 * validates the .qnn file, opens the backend and runs its self-test; a
 * reload (reload.c) opens the new one first and only then swaps, so a bad
 * file or a failing device leaves the daemon serving the old model.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "qnnd.h"

/* The whole file in an 8-byte aligned buffer (qnn_model_parse needs that). */
static void *read_model(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *buf = NULL;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size <= 0 || (uint64_t)st.st_size > QNN_MAX_FILE_SIZE) {
		snprintf(err, errlen, "%s: size %lld is not a model file", path,
			 (long long)st.st_size);
		goto out;
	}
	buf = aligned_alloc(64, ((size_t)st.st_size + 63) & ~(size_t)63);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	size_t got = 0;

	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, (char *)buf + got, (size_t)st.st_size - got);

		if (r <= 0) {
			snprintf(err, errlen, "%s: read: %s", path, r ? strerror(errno) : "short");
			free(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)r;
	}
	*len = got;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

void service_close(struct server *s, struct service *svc)
{
	if (!svc)
		return;
	if (svc->be) {
		loop_unwatch(s, svc->be->ops->event_fd(svc->be));
		svc->be->ops->close(svc->be);
	}
	free(svc->model_buf);
	free(svc);
}

static void log_auto_choice(const struct backend_ops *ops)
{
	char dev[64] = "";

	if (ops == &backend_sw_ops)
		log_backend_choice("sw", "no /dev/qnn* device: no accelerator bound, serving from "
					 "the bit-exact software engine");
	else if (backend_dev_present(dev, sizeof(dev)))
		log_backend_choice("dev", dev);
}

/*
 * At boot the driver's node can exist before udev has applied packaging/udev's rule
 * (root:root 0600 until GROUP="qnn" MODE="0660" land): qnnd, in group qnn but not root,
 * gets EACCES. That is a race, not a configuration error, so at start-up wait for the
 * rule, boundedly, saying so in the journal and STATUS=; then open and report whatever
 * open() says. Only a node that exists waits: with none, auto picks sw at once.
 */
#define UDEV_WAIT_MS 5000 /* well inside WatchdogSec and TimeoutStartSec of the unit */
#define UDEV_POLL_MS 50

static void wait_for_udev(const struct qnnd_config *cfg)
{
	char path[64];
	unsigned waited = 0;

	if (cfg->device[0])
		snprintf(path, sizeof(path), "%s", cfg->device);
	else if (!backend_dev_present(path, sizeof(path)))
		return;
	if (!access(path, R_OK | W_OK) || errno != EACCES)
		return;
	log_warn("%s: permission denied; waiting up to %u ms for udev to give it to group qnn "
		 "(packaging/udev/60-qnn.rules)",
		 path, UDEV_WAIT_MS);
	notify_status("waiting for udev to give the device to group qnn");
	while (waited < UDEV_WAIT_MS && access(path, R_OK | W_OK) && errno == EACCES) {
		usleep(UDEV_POLL_MS * 1000);
		waited += UDEV_POLL_MS;
		notify_watchdog();
	}
	if (access(path, R_OK | W_OK))
		log_warn("%s: still %s after %u ms", path, strerror(errno), waited);
	else
		log_info("%s: accessible after %u ms", path, waited);
}

struct service *service_open(struct server *s, const struct qnnd_config *cfg, char *err,
			     size_t errlen)
{
	struct service *svc = calloc(1, sizeof(*svc));
	const struct backend_ops *ops = backend_find(cfg->backend);
	char why[256] = "";

	if (!svc) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	svc->src = (struct ev_src){SRC_BACKEND, svc};
	svc->srv = s;
	if (!ops) {
		snprintf(err, errlen, "backend '%s' is not available in this build", cfg->backend);
		goto fail;
	}
	if (!strcmp(cfg->backend, "auto"))
		log_auto_choice(ops);
	if (ops == &backend_dev_ops && !s->svcs.cur) /* start-up, not a reload */
		wait_for_udev(cfg);
	svc->model_buf = read_model(cfg->model, &svc->model_len, err, errlen);
	if (!svc->model_buf)
		goto fail;
	if (qnn_model_parse(svc->model_buf, svc->model_len, &svc->model, why, sizeof(why))) {
		snprintf(err, errlen, "%s: %s", cfg->model, why);
		goto fail;
	}
	svc->model_crc = svc->model.hdr->crc32;
	struct backend_conf bc = {
	    .model = &svc->model,
	    .model_buf = svc->model_buf,
	    .model_len = svc->model_len,
	    .model_path = cfg->model,
	    .device = cfg->device[0] ? cfg->device : NULL,
	    .max_batch = cfg->max_batch,
	    .threads = cfg->threads,
	    .inflight = cfg->backend_inflight,
	    .timeout_ms = cfg->backend_timeout_ms,
	    .assist = assist_turn,
	    .assist_ctx = svc,
	};

	if (ops->open(&svc->be, &bc, why, sizeof(why))) {
		svc->be = NULL;
		snprintf(err, errlen, "backend %s: %s", ops->name, why);
		goto fail;
	}
	if (ops->self_test(svc->be, why, sizeof(why))) {
		snprintf(err, errlen, "backend %s self-test: %s", ops->name, why);
		goto fail;
	}
	if (loop_watch(s, ops->event_fd(svc->be), EPOLLIN, &svc->src) < 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		goto fail;
	}
	const struct qnn_file_header *h = svc->model.hdr;
	struct qnn_model_info *i = &svc->info;

	i->n_in = svc->model.n_in;
	i->in_h = h->in_h;
	i->in_w = h->in_w;
	i->in_c = h->in_c;
	i->n_out = svc->model.n_out;
	i->max_batch = cfg->max_batch < svc->be->capacity ? cfg->max_batch : svc->be->capacity;
	i->max_samples = cfg->max_samples < i->max_batch ? cfg->max_samples : i->max_batch;
	i->max_inflight = cfg->max_inflight;
	i->flags =
	    (svc->be->has_logits ? QNN_INFO_HAS_LOGITS : 0) | (cfg->shm_slots ? QNN_INFO_SHM : 0);
	i->logits_frac_bits = svc->be->logits_frac_bits;
	i->model_crc = svc->model_crc;
	snprintf(i->name, sizeof(i->name), "%.*s", (int)sizeof(i->name) - 1, h->name);
	snprintf(i->backend, sizeof(i->backend), "%s", ops->name);
	if (qnn_proto_classify_len(i->max_samples, i->n_in) == 0) {
		snprintf(err, errlen,
			 "max_samples %u x %u inputs exceeds the protocol's frame limit",
			 i->max_samples, i->n_in);
		loop_unwatch(s, ops->event_fd(svc->be));
		goto fail;
	}
	svc->gen = ++s->svcs.next_gen;
	log_info("model %s (%s): %u inputs (%ux%ux%u), %u outputs; backend %s; max batch %u",
		 i->name, cfg->model, i->n_in, i->in_h, i->in_w, i->in_c, i->n_out, svc->be->desc,
		 i->max_batch);
	return svc;
fail:
	service_close(s, svc);
	return NULL;
}

/* Batcher and per-client limits follow the current service and config. */
void service_apply_limits(struct server *s)
{
	struct qnn_model_info *i = &s->svcs.cur->info;

	s->cfg.max_samples = i->max_samples;
	queue_set_limits(s, i->max_batch);
}

void service_retire_if_done(struct server *s, struct service *svc)
{
	if (svc->retiring && !svc->inflight) {
		if (s->svcs.old == svc)
			s->svcs.old = NULL;
		service_close(s, svc);
	}
}

struct reshape {
	bool same_shape;
	uint32_t max_samples;
};

/* Queued requests the new model cannot run: sized for another shape, or too many samples. */
static bool wrong_shape(struct bq_req *q, void *arg)
{
	const struct reshape *rs = arg;

	return !rs->same_shape || q->n > rs->max_samples;
}

/*
 * Called by reload.c once no retiring service is left, with the new configuration: its
 * service is opened and self-tested, and only then swapped in. Any failure leaves the
 * daemon as it was.
 */
int service_swap(struct server *s, const struct qnnd_config *new_cfg, char *err, size_t errlen)
{
	struct qnnd_config cfg = *new_cfg;
	char why[512];
	struct service *n = service_open(s, &cfg, why, sizeof(why));

	if (!n) {
		snprintf(err, errlen, "%s (still serving the previous model)", why);
		return -1;
	}
	struct service *prev = s->svcs.cur;
	bool same_shape = prev->info.n_in == n->info.n_in && prev->info.n_out == n->info.n_out;
	char keep_socket[sizeof(cfg.socket)];

	/* The listening socket stays: a new path takes a restart. */
	snprintf(keep_socket, sizeof(keep_socket), "%s", s->cfg.socket);
	if (strcmp(keep_socket, cfg.socket))
		log_warn("socket path changes take effect on restart");
	snprintf(cfg.socket, sizeof(cfg.socket), "%s", keep_socket);
	s->cfg = cfg;
	s->svcs.cur = n;
	service_apply_limits(s);
	log_setup(cfg.log);
	prev->retiring = true;
	if (prev->inflight)
		s->svcs.old = prev;
	else
		service_close(s, prev);
	/* Connections told about the old model keep working if the shape is the same. */
	if (same_shape)
		requests_model_swapped(s, n->gen);
	struct reshape rs = {same_shape, n->info.max_samples};

	queue_fail_if(s, wrong_shape, &rs, QNN_E_MODEL_CHANGED,
		      "the daemon reloaded a model of another shape");
	s->st.reloads++;
	log_info("reload done: serving %s on %s", n->info.name, n->be->desc);
	return 0;
}
