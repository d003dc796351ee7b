// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * config.c - config.h: the settings from defaults, file and flags. The
 * file is YAML because libyaml is already a dependency of the project; only
 * a flat mapping of scalars is accepted, so the format stays as simple as
 * key=value but with a real parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config.h"
#include "qnn_proto.h" /* and, beside it, the client API qnn.h */

void config_defaults(struct qnnd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket, sizeof(c->socket), "%s", QNN_DEFAULT_SOCKET);
	c->socket_mode = 0660;
	snprintf(c->model, sizeof(c->model), "%s", QNND_DEFAULT_MODEL);
	snprintf(c->backend, sizeof(c->backend), "auto");
	c->max_batch = 64;
	c->max_queue = 4096;
	c->max_inflight = 64;
	c->shm_slots = 64;
	c->io_uring = true;
	c->busy_poll_us = 50;
	c->frame_timeout_ms = 10000;
	c->drain_timeout_ms = 10000;
	c->stats_interval_s = 10;
	/* One user may not hold every connection (descriptors: 3 per ring client) or queue slot. */
	c->uid_max_connections = 256;
	c->uid_max_inflight = 4096;
	c->uid_max_ring_mib = 256;
	snprintf(c->log, sizeof(c->log), "auto");
}

static int parse_u64(const char *v, uint64_t max, uint64_t *out, int base)
{
	char *end;

	if (!*v || *v == '-')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(v, &end, base);

	if (errno || *end || x > max)
		return -1;
	*out = x;
	return 0;
}

static int set_str(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return -1;
	strcpy(dst, v);
	return 0;
}

static int one_of(const char *v, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(v, *set))
			return 0;
	return -1;
}

int config_set(struct qnnd_config *c, const char *key, const char *v, char *err, size_t errlen)
{
	static const char *const backends[] = {"auto", "sw", "dev", "null", NULL};
	static const char *const logs[] = {"auto", "journal", "stderr", NULL};
	static const char *const yes_no[] = {"yes", "no", NULL};
	const struct {
		const char *key;
		uint32_t *u32;
		uint64_t max;
	} nums[] = {
	    {"threads", &c->threads, 256},
	    {"max_batch", &c->max_batch, 65536},
	    {"max_samples", &c->max_samples, 65536},
	    {"max_queue", &c->max_queue, 1u << 20},
	    {"max_inflight", &c->max_inflight, 65536},
	    {"shm_slots", &c->shm_slots, QNN_SHM_MAX_SLOTS},
	    {"backend_inflight", &c->backend_inflight, 64},
	    {"backend_timeout_ms", &c->backend_timeout_ms, 600000},
	    {"default_timeout_ms", &c->default_timeout_ms, 86400000},
	    {"frame_timeout_ms", &c->frame_timeout_ms, 86400000},
	    {"drain_timeout_ms", &c->drain_timeout_ms, 86400000},
	    {"stats_interval_s", &c->stats_interval_s, 86400},
	    {"busy_poll_us", &c->busy_poll_us, 1000},
	    {"uid_max_connections", &c->uid_max_connections, 1u << 20},
	    {"uid_max_inflight", &c->uid_max_inflight, 1u << 24},
	    {"uid_max_ring_mib", &c->uid_max_ring_mib, 1u << 20},
	};
	uint64_t x;
	int bad = 0;

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (strcmp(key, nums[i].key))
			continue;
		if (parse_u64(v, nums[i].max, &x, 10)) {
			snprintf(err, errlen, "%s: '%s' is not an integer in 0..%llu", key, v,
				 (unsigned long long)nums[i].max);
			return -1;
		}
		*nums[i].u32 = (uint32_t)x;
		return 0;
	}
	if (!strcmp(key, "max_queue_delay_us")) {
		bad = parse_u64(v, 10000000, &c->max_queue_delay_us, 10);
	} else if (!strcmp(key, "socket_mode")) {
		bad = parse_u64(v, 0777, &x, 8);
		c->socket_mode = (uint32_t)x;
	} else if (!strcmp(key, "socket")) {
		bad = set_str(c->socket, sizeof(c->socket), v) || !*v;
	} else if (!strcmp(key, "socket_group")) {
		bad = set_str(c->socket_group, sizeof(c->socket_group), v);
	} else if (!strcmp(key, "model")) {
		bad = set_str(c->model, sizeof(c->model), v) || !*v;
	} else if (!strcmp(key, "backend")) {
		bad = one_of(v, backends) || set_str(c->backend, sizeof(c->backend), v);
	} else if (!strcmp(key, "device")) {
		bad = set_str(c->device, sizeof(c->device), v);
	} else if (!strcmp(key, "log")) {
		bad = one_of(v, logs) || set_str(c->log, sizeof(c->log), v);
	} else if (!strcmp(key, "io_uring")) {
		bad = one_of(v, yes_no);
		c->io_uring = !strcmp(v, "yes");
	} else if (!strcmp(key, "allow_group")) {
		bad = set_str(c->allow_group, sizeof(c->allow_group), v);
	} else {
		snprintf(err, errlen, "unknown setting '%s'", key);
		return -1;
	}
	if (bad) {
		snprintf(err, errlen, "%s: invalid value '%s'", key, v);
		return -1;
	}
	return 0;
}

int config_check(struct qnnd_config *c, char *err, size_t errlen)
{
	if (!c->max_batch) {
		snprintf(err, errlen, "max_batch must be at least 1");
		return -1;
	}
	if (!c->max_samples)
		c->max_samples = c->max_batch;
	if (c->max_samples > c->max_batch) {
		snprintf(err, errlen, "max_samples (%u) may not exceed max_batch (%u)",
			 c->max_samples, c->max_batch);
		return -1;
	}
	if (c->max_queue < c->max_samples) {
		snprintf(err, errlen, "max_queue (%u) must hold one request of max_samples (%u)",
			 c->max_queue, c->max_samples);
		return -1;
	}
	if (!c->max_inflight) {
		snprintf(err, errlen, "max_inflight must be at least 1");
		return -1;
	}
	return 0;
}

/* Walks the event stream: STREAM DOCUMENT MAPPING (SCALAR SCALAR)* END. */
int config_load(struct qnnd_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	yaml_parser_t p;
	yaml_event_t ev;
	char key[64] = "";
	int depth = 0, have_key = 0, ret = -1, done = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? -2 : -1;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			snprintf(err, errlen, "%s:%zu: %s", path, p.problem_mark.line + 1,
				 p.problem ? p.problem : "YAML syntax error");
			goto out;
		}
		size_t line = ev.start_mark.line + 1;

		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
			if (depth++) {
				snprintf(err, errlen, "%s:%zu: nested mappings are not allowed",
					 path, line);
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT: {
			const char *v = (const char *)ev.data.scalar.value;

			if (!depth) {
				snprintf(err, errlen, "%s:%zu: expected 'key: value' lines", path,
					 line);
				yaml_event_delete(&ev);
				goto out;
			}
			if (!have_key) {
				snprintf(key, sizeof(key), "%s", v);
				have_key = 1;
				break;
			}
			have_key = 0;
			char msg[256];

			if (config_set(c, key, v, msg, sizeof(msg))) {
				snprintf(err, errlen, "%s:%zu: %s", path, line, msg);
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		}
		default:
			snprintf(err, errlen, "%s:%zu: only 'key: value' scalars are allowed", path,
				 line);
			yaml_event_delete(&ev);
			goto out;
		}
		yaml_event_delete(&ev);
	}
	ret = 0;
out:
	yaml_parser_delete(&p);
	fclose(f);
	return ret;
}

void config_source_init(struct config_source *src)
{
	memset(src, 0, sizeof(*src));
	src->path = QNND_DEFAULT_CONFIG;
}

int config_add_flag(struct config_source *src, const char *key, const char *value)
{
	if (src->n_flags == CONFIG_MAX_FLAGS)
		return -1;
	src->flags[src->n_flags].key = key;
	src->flags[src->n_flags].value = value;
	src->n_flags++;
	return 0;
}

const char *config_flag(const struct config_source *src, const char *key, const char *dflt)
{
	const char *v = dflt;

	for (int i = 0; i < src->n_flags; i++)
		if (!strcmp(src->flags[i].key, key))
			v = src->flags[i].value;
	return v;
}

int config_build(const struct config_source *src, struct qnnd_config *cfg, char *err, size_t errlen)
{
	config_defaults(cfg);
	int r = config_load(cfg, src->path, err, errlen);

	if (r == -2 && !src->explicit_path)
		r = 0; /* no file at the default path: defaults and flags */
	if (r)
		return -1;
	for (int i = 0; i < src->n_flags; i++) {
		char msg[256];

		if (config_set(cfg, src->flags[i].key, src->flags[i].value, msg, sizeof(msg))) {
			snprintf(err, errlen, "command line: %s", msg);
			return -1;
		}
	}
	return config_check(cfg, err, errlen);
}
