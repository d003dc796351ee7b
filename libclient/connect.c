/* SPDX-License-Identifier: MIT */
/*
 * connect.c - finding the daemon, the INFO handshake, and the one
 * transparent reconnect: a dead connection is marked broken (every request
 * on it fails with QNN_E_DISCONNECTED) and the next caller that needs the
 * connection opens a new one.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client_internal.h"

__thread int qnn_errno_last;

QNN_EXPORT int qnn_last_errno(void)
{
	return qnn_errno_last;
}

QNN_EXPORT const char *qnn_default_socket(void)
{
	const char *env = getenv(QNN_SOCKET_ENV);

	return env && *env ? env : QNN_DEFAULT_SOCKET;
}

/* A non-blocking connected socket, or a negative status. */
static int open_socket(const char *path, int64_t deadline)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	strcpy(sa.sun_path, path); /* length checked by qnn_connect() */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		qnn_set_errno(errno);
		return QNN_E_CONNECT;
	}
	/* A full listen backlog gives EAGAIN on a non-blocking AF_UNIX connect. */
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN && qnn_remaining_ms(deadline) != 0) {
			usleep(1000);
			continue;
		}
		qnn_set_errno(errno);
		close(fd);
		return QNN_E_CONNECT;
	}
	return fd;
}

static int write_all(int fd, const uint8_t *p, size_t len, int64_t deadline)
{
	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w > 0) {
			p += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};
			int r = poll(&pfd, 1, qnn_remaining_ms(deadline));

			if (r == 0)
				return QNN_E_TIMEOUT;
			continue;
		}
		qnn_set_errno(errno);
		return QNN_E_DISCONNECTED;
	}
	return 0;
}

static int read_exact(int fd, uint8_t *p, size_t len, int64_t deadline)
{
	while (len) {
		ssize_t r = recv(fd, p, len, 0);

		if (r > 0) {
			p += r;
			len -= (size_t)r;
			continue;
		}
		if (r == 0)
			return QNN_E_DISCONNECTED;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};

			if (poll(&pfd, 1, qnn_remaining_ms(deadline)) == 0)
				return QNN_E_TIMEOUT;
			continue;
		}
		qnn_set_errno(errno);
		return QNN_E_DISCONNECTED;
	}
	return 0;
}

/* INFO request/reply on a fresh socket nobody else uses yet. */
static int handshake(int fd, struct qnn_model_info *info, int64_t deadline)
{
	uint8_t hdr[QNN_PROTO_HDR_SIZE], buf[QNN_WIRE_ERROR_SIZE + QNN_PROTO_MAX_ERRMSG];
	struct qnn_frame_hdr h;
	int r, st;

	qnn_proto_put_hdr(hdr, QNN_MSG_INFO, 1, 0);
	int wr = write_all(fd, hdr, sizeof(hdr), deadline);

	if (wr && wr != QNN_E_DISCONNECTED)
		return wr;
	/*
	 * Even when the write failed: a daemon that refuses us (allow_group) sends
	 * its ERROR at accept and hangs up, maybe before our INFO went out (EPIPE).
	 * Its reason is still in our receive queue.
	 */
	r = read_exact(fd, hdr, sizeof(hdr), deadline);
	if (r)
		return r == QNN_E_DISCONNECTED || wr ? QNN_E_CONNECT : r;
	r = qnn_proto_parse_hdr(hdr, sizeof(hdr), sizeof(buf), &h);
	if (r != QNN_PROTO_HDR_OK)
		return r < 0 ? r : QNN_E_PROTO;
	r = read_exact(fd, buf, h.len, deadline);
	if (r)
		return r;
	if (h.type == QNN_MSG_ERROR)
		return qnn_proto_get_error(buf, h.len, &st, NULL, 0) ? QNN_E_PROTO : st;
	if (wr)
		return QNN_E_CONNECT;
	if (h.type != QNN_MSG_INFO_REPLY || h.id != 1)
		return QNN_E_PROTO;
	return qnn_proto_get_info(buf, h.len, info);
}

/* Largest frame the daemon may send us with this model. */
static size_t max_reply(const struct qnn_model_info *i)
{
	size_t m = qnn_proto_reply_len(i->max_samples, i->n_out, QNN_RF_PROBS | QNN_RF_LOGITS);
	size_t s = 8 + 8 * QNN_WIRE_STATS_MAX_COUNT + 64;

	if (m < s)
		m = s;
	return QNN_PROTO_HDR_SIZE + m;
}

/* Whether to ask for the shared-memory ring ($QNN_NO_SHM=1 keeps everything on the socket). */
static bool want_shm(const struct qnn_model_info *info)
{
	const char *no = getenv("QNN_NO_SHM");

	return (info->flags & QNN_INFO_SHM) && !(no && *no && strcmp(no, "0"));
}

static int open_connection(qnn_client *c, int64_t deadline, int *fd_out,
			   struct qnn_model_info *info, struct qnn_shm **shm)
{
	int fd = open_socket(c->path, deadline);

	*shm = NULL;
	if (fd < 0)
		return fd;
	int r = handshake(fd, info, deadline);

	if (!r && want_shm(info))
		r = qnn_shm_open(fd, info, deadline, shm);

	if (r) {
		close(fd);
		return r;
	}
	*fd_out = fd;
	return 0;
}

/* Under mu. Fails every request sent on generation gen. */
void qnn_conn_set_broken(qnn_client *c, uint64_t gen)
{
	if (gen != c->gen || c->broken || c->fd < 0)
		return;
	c->broken = true;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	if (c->shm)
		epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->shm->notify_fd, NULL);
	for (unsigned b = 0; b < QNN_BUCKETS; b++) {
		struct wreq **pp = &c->table[b];

		while (*pp) {
			struct wreq *w = *pp;

			if (w->gen != gen) {
				pp = &w->next;
				continue;
			}
			*pp = w->next;
			c->inflight--;
			if (!w->on_shm)
				c->sock_inflight--;
			qnn_shm_forget(c, w);
			qnn_op_part_done(c, w->op, QNN_E_DISCONNECTED);
			free(w);
		}
	}
	pthread_cond_broadcast(&c->cv);
}

static int cond_wait_until(qnn_client *c, int64_t deadline)
{
	struct timespec ts;
	int64_t until = deadline < 0 ? qnn_now_ms() + 200 : deadline;

	if (deadline >= 0 && qnn_now_ms() >= deadline)
		return QNN_E_TIMEOUT;
	ts.tv_sec = until / 1000;
	ts.tv_nsec = (long)(until % 1000) * 1000000;
	pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	return 0;
}

int qnn_conn_ensure(qnn_client *c, int64_t deadline, uint64_t *gen)
{
	struct qnn_model_info info;
	struct qnn_shm *shm = NULL;
	int fd = -1, r;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		if (!c->connecting && c->fd >= 0 && !c->broken) {
			*gen = c->gen;
			pthread_mutex_unlock(&c->mu);
			return 0;
		}
		/* Close the dead fd only once nobody is inside a syscall on it. */
		if (!c->connecting && !(c->fd >= 0 && (c->reader_active || c->fd_users)))
			break;
		if (cond_wait_until(c, deadline)) {
			pthread_mutex_unlock(&c->mu);
			return QNN_E_TIMEOUT;
		}
	}
	c->connecting = true;
	if (c->fd >= 0) {
		close(c->fd); /* also leaves the epoll set */
		c->fd = -1;
	}
	if (c->shm) {
		/* The daemon may still hold the eventfd: leave the set explicitly. */
		epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->shm->notify_fd, NULL);
		qnn_shm_free(c->shm);
		c->shm = NULL;
	}
	pthread_mutex_unlock(&c->mu);

	r = open_connection(c, deadline, &fd, &info, &shm);

	pthread_mutex_lock(&c->mu);
	c->connecting = false;
	if (!r) {
		size_t need = max_reply(&info);
		uint8_t *nb = need > c->rcap ? realloc(c->rbuf, need) : c->rbuf;

		if (!nb) {
			close(fd);
			qnn_shm_free(shm);
			r = QNN_E_NOMEM;
		} else {
			struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

			c->rbuf = nb;
			c->rcap = need > c->rcap ? need : c->rcap;
			c->rlen = 0;
			c->fd = fd;
			c->gen++;
			c->broken = false;
			c->info = info;
			c->sock_classify = 0;
			epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev);
			c->shm = shm;
			if (shm) {
				struct epoll_event nev = {.events = EPOLLIN,
							  .data.fd = shm->notify_fd};

				epoll_ctl(c->epfd, EPOLL_CTL_ADD, shm->notify_fd, &nev);
			}
			*gen = c->gen;
		}
	}
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return r;
}

QNN_EXPORT int qnn_connect(const char *path, qnn_client **out)
{
	uint64_t gen;
	qnn_client *c;
	int r;

	if (!out)
		return QNN_E_INVAL;
	*out = NULL;
	if (!path)
		path = qnn_default_socket();
	if (!*path || strlen(path) >= sizeof(c->path))
		return QNN_E_INVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return QNN_E_NOMEM;
	strcpy(c->path, path);
	c->fd = -1;
	c->next_id = 1;
	c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&c->mu, NULL);
	pthread_mutex_init(&c->send_mu, NULL);
	if (c->efd < 0 || c->epfd < 0) {
		qnn_set_errno(errno);
		qnn_close(c);
		return QNN_E_IO;
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = c->efd};

	epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->efd, &ev);
	/* The first connection gets a bounded wait: a dead daemon is an error, not a hang. */
	r = qnn_conn_ensure(c, qnn_deadline(10000), &gen);
	if (r) {
		qnn_close(c);
		return r;
	}
	*out = c;
	return QNN_OK;
}

QNN_EXPORT void qnn_close(qnn_client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	if (c->efd >= 0)
		close(c->efd);
	if (c->epfd >= 0)
		close(c->epfd);
	for (unsigned b = 0; b < QNN_BUCKETS; b++) {
		while (c->table[b]) {
			struct wreq *w = c->table[b];

			c->table[b] = w->next;
			/* An asynchronous op is freed with its last part. */
			if (w->op->async && ++w->op->answered == w->op->sent)
				free(w->op);
			free(w);
		}
	}
	while (c->done_head) {
		struct op *op = c->done_head;

		c->done_head = op->next_done;
		free(op);
	}
	qnn_shm_free(c->shm);
	pthread_mutex_destroy(&c->mu);
	pthread_mutex_destroy(&c->send_mu);
	pthread_cond_destroy(&c->cv);
	free(c->rbuf);
	free(c);
}
