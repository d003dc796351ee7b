// SPDX-License-Identifier: GPL-2.0 OR MIT
/* listen.c - listen.h. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"

static int from_systemd(void)
{
	int n = sd_listen_fds(1);

	if (n <= 0)
		return -1;
	if (n > 1)
		log_warn("systemd passed %d sockets; using the first", n);
	int fd = SD_LISTEN_FDS_START;

	if (sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0) <= 0) {
		log_err("the socket systemd passed is not a listening AF_UNIX stream socket");
		return -2;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	log_info("listening on the socket passed by systemd (socket activation)");
	return fd;
}

/* A stale socket file (nobody accepting) is replaced; a live one is an error. */
static int path_in_use(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), live;

	if (fd < 0)
		return 0;
	strcpy(sa.sun_path, path);
	live = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return live;
}

int listen_open(const struct qnnd_config *cfg, bool *owned)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = from_systemd();

	*owned = false;
	if (fd >= 0 || fd == -2)
		return fd >= 0 ? fd : -1;
	if (strlen(cfg->socket) >= sizeof(sa.sun_path)) {
		log_err("socket path too long: %s", cfg->socket);
		return -1;
	}
	strcpy(sa.sun_path, cfg->socket);
	if (path_in_use(cfg->socket)) {
		log_err("%s: another daemon is already listening there", cfg->socket);
		return -1;
	}
	unlink(cfg->socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		log_err("socket: %s", strerror(errno));
		return -1;
	}
	/* Create it with no access, then open it up: no window with wrong permissions. */
	mode_t old = umask(0777);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));

	umask(old);
	if (r < 0 || listen(fd, 512) < 0) {
		log_err("%s: %s", cfg->socket, strerror(errno));
		close(fd);
		return -1;
	}
	if (cfg->socket_group[0]) {
		struct group *g = getgrnam(cfg->socket_group);

		if (!g || chown(cfg->socket, (uid_t)-1, g->gr_gid) < 0)
			log_warn("%s: cannot give the socket to group %s", cfg->socket,
				 cfg->socket_group);
	}
	if (chmod(cfg->socket, cfg->socket_mode) < 0)
		log_warn("%s: chmod: %s", cfg->socket, strerror(errno));
	*owned = true;
	log_info("listening on %s (mode %04o)", cfg->socket, cfg->socket_mode);
	return fd;
}

void listen_close(int fd, const struct qnnd_config *cfg, bool owned)
{
	if (fd < 0)
		return;
	close(fd);
	if (owned)
		unlink(cfg->socket);
}
