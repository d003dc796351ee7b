/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * oip_client.h - what the qnn-oipd tests need around the real daemons:
 * start qnnd (tests/system/daemon/harness.h) on the real MNIST CNN, start
 * the real build/bin/qnn-oipd on a free loopback port, and an HTTP client
 * (libcurl) that returns status, headers and body.
 */
#ifndef OIP_CLIENT_H
#define OIP_CLIENT_H

#include <arpa/inet.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <netinet/in.h>

#include "harness.h"

struct tfront {
	pid_t pid;
	int port;
	char log[160];
};

/* A loopback port nobody listens on now. */
static inline int t_free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

/* The MNIST CNN imported by the make rule (QNN_OIPD_MODEL) replaces the fixture model. */
static inline void t_use_mnist_model(struct tdaemon *d)
{
	const char *src = getenv("QNN_OIPD_MODEL");
	char cmd[512];

	cr_assert_not_null(src, "QNN_OIPD_MODEL (the imported MNIST CNN) not set");
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", src, d->model);
	cr_assert_eq(system(cmd), 0);
}

struct http_reply {
	long status;
	char *body;
	size_t len;
	char headers[4096];
	size_t hlen;
};

static inline size_t t_http_body_cb(char *p, size_t sz, size_t n, void *arg)
{
	struct http_reply *r = arg;
	size_t add = sz * n;
	char *b = realloc(r->body, r->len + add + 1);

	cr_assert_not_null(b);
	memcpy(b + r->len, p, add);
	r->body = b;
	r->len += add;
	r->body[r->len] = 0;
	return add;
}

static inline size_t t_http_header_cb(char *p, size_t sz, size_t n, void *arg)
{
	struct http_reply *r = arg;
	size_t add = sz * n;

	if (r->hlen + add < sizeof(r->headers)) {
		memcpy(r->headers + r->hlen, p, add);
		r->hlen += add;
		r->headers[r->hlen] = 0;
	}
	return add;
}

/* A header's value in r (case-insensitive name), copied into out; 0 or -1. */
static inline int t_http_header(const struct http_reply *r, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);

	for (const char *l = r->headers; *l;) {
		const char *e = strchr(l, '\n');

		if (!strncasecmp(l, name, nl) && l[nl] == ':') {
			const char *v = l + nl + 1;

			while (*v == ' ')
				v++;
			size_t k = (size_t)((e ? e : v + strlen(v)) - v);

			while (k && (v[k - 1] == '\r' || v[k - 1] == '\n'))
				k--;
			if (k >= cap)
				k = cap - 1;
			memcpy(out, v, k);
			out[k] = 0;
			return 0;
		}
		if (!e)
			break;
		l = e + 1;
	}
	return -1;
}

/*
 * One request on handle h (a fresh one if NULL). method "GET"/"POST"/...;
 * body may be NULL; hdrs: extra header lines, NULL-terminated.
 */
static inline void t_http(CURL *h, int port, const char *method, const char *path, const void *body,
			  size_t len, const char *const *hdrs, struct http_reply *r)
{
	char *url = malloc(strlen(path) + 64);
	struct curl_slist *sl = NULL;
	bool own = !h;

	memset(r, 0, sizeof(*r));
	if (own)
		h = curl_easy_init();
	else
		curl_easy_reset(h);
	cr_assert_not_null(h);
	sprintf(url, "http://127.0.0.1:%d%s", port, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	sl = curl_slist_append(sl, "Expect:"); /* no 100-continue round trip */
	for (int i = 0; hdrs && hdrs[i]; i++)
		sl = curl_slist_append(sl, hdrs[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, sl);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, t_http_body_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, t_http_header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
	CURLcode e = curl_easy_perform(h);

	cr_assert_eq(e, CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(e));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(sl);
	free(url);
	if (own)
		curl_easy_cleanup(h);
}

static inline void t_http_free(struct http_reply *r)
{
	free(r->body);
	r->body = NULL;
}

static inline struct json_object *t_json(const struct http_reply *r, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = r->body ? json_tokener_parse_ex(tok, r->body, (int)len) : NULL;

	json_tokener_free(tok);

	cr_assert_not_null(o, "not JSON: %.300s", r->body ? r->body : "(empty)");
	return o;
}

/* An error reply: the status, a JSON object with a non-empty string "error". */
static inline void t_assert_error(const struct http_reply *r, long status, const char *what)
{
	char ct[128] = "";

	cr_assert_eq(r->status, status, "%s: status %ld, want %ld (%.300s)", what, r->status,
		     status, r->body ? r->body : "");
	t_http_header(r, "Content-Type", ct, sizeof(ct));
	cr_assert_str_eq(ct, "application/json", "%s: content type", what);
	struct json_object *o = t_json(r, r->len), *e;

	cr_assert(json_object_object_get_ex(o, "error", &e) &&
		      json_object_is_type(e, json_type_string) && json_object_get_string_len(e) > 0,
		  "%s: body %.300s is not {\"error\": \"...\"}", what, r->body);
	json_object_put(o);
}

/* Start qnn-oipd on a free loopback port (extra args NULL-terminated); waits for /v2/health/live.
 */
static inline void t_front_start(struct tfront *f, const struct tdaemon *d,
				 const char *const *extra)
{
	const char *argv[40];
	char listen[64];
	int n = 0;

	f->port = t_free_port();
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", f->port);
	snprintf(f->log, sizeof(f->log), "%s/oipd.log", d->dir);
	argv[n++] = t_bin("qnn-oipd");
	argv[n++] = "--listen";
	argv[n++] = listen;
	argv[n++] = "--socket";
	argv[n++] = d->sock;
	for (int i = 0; extra && extra[i] && n < 38; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	int logfd = open(f->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	cr_assert_geq(logfd, 0);
	f->pid = fork();
	cr_assert_geq(f->pid, 0);
	if (f->pid == 0) {
		dup2(logfd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(logfd);
	uint64_t end = t_now_ms() + 20000;

	while (t_now_ms() < end) {
		CURL *h = curl_easy_init();
		char url[128];
		long code = 0;

		snprintf(url, sizeof(url), "http://127.0.0.1:%d/v2/health/live", f->port);
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 1000L);
		if (curl_easy_perform(h) == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_cleanup(h);
		if (code == 200)
			return;
		usleep(20000);
	}
	cr_assert_fail("qnn-oipd did not come up (log %s)", f->log);
}

/* SIGTERM and wait; the exit status (0: clean), or -1 if it had to be killed. */
static inline int t_front_stop(struct tfront *f)
{
	int st = 0;
	uint64_t end = t_now_ms() + 20000;

	if (f->pid <= 0)
		return 0;
	kill(f->pid, SIGTERM);
	while (t_now_ms() < end) {
		if (waitpid(f->pid, &st, WNOHANG) == f->pid) {
			f->pid = -1;
			return st;
		}
		usleep(10000);
	}
	kill(f->pid, SIGKILL);
	waitpid(f->pid, &st, 0);
	f->pid = -1;
	return -1;
}

#endif
