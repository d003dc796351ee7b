/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * config.h - qnnd's settings: defaults, then the YAML file
 * (/etc/qnn/qnnd.conf: one flat mapping of scalars, parsed with libyaml;
 * unknown keys and bad values are errors naming the line), then
 * command-line flags (struct config_source keeps them). The file is read
 * again on every reload; the flags still win.
 */
#ifndef QNND_CONFIG_H
#define QNND_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QNND_DEFAULT_CONFIG "/etc/qnn/qnnd.conf"
/*
 * The model served when the configuration names none: the file the
 * overlays' firmware-name names (the driver loads the same one from
 * /lib/firmware), shipped by the qnn-model-mnist package.
 */
#define QNND_DEFAULT_MODEL "/lib/firmware/qnn/mnist_cnn.qnn"

struct qnnd_config {
	char socket[108];
	uint32_t socket_mode;  /* when qnnd creates the socket itself */
	char socket_group[64]; /* "" = leave the group as created */
	char model[4096];
	char backend[16];	      /* auto | sw | dev | null */
	char device[64];	      /* dev backend: "" = first /dev/qnn* */
	uint32_t threads;	      /* sw workers; 0 = one per CPU */
	uint32_t max_batch;	      /* samples per batch */
	uint32_t max_samples;	      /* samples per request; 0 = max_batch */
	uint32_t max_queue;	      /* samples waiting; beyond: BUSY */
	uint64_t max_queue_delay_us;  /* 0 = no added delay */
	uint32_t max_inflight;	      /* requests pending per client */
	uint32_t shm_slots;	      /* shared-memory ring slots per client; 0 = socket only */
	bool io_uring;		      /* ring the clients' doorbells through io_uring (at start) */
	uint32_t busy_poll_us;	      /* idle backend: poll this long after client traffic */
	uint32_t backend_inflight;    /* batches in flight; 0 = backend default */
	uint32_t backend_timeout_ms;  /* dev job timeout; 0 = driver default */
	uint32_t default_timeout_ms;  /* deadline for requests that give none; 0 = none */
	uint32_t frame_timeout_ms;    /* a partial frame older than this closes the client */
	uint32_t drain_timeout_ms;    /* SIGTERM: longest wait for in-flight work */
	uint32_t stats_interval_s;    /* journal throughput record period */
	uint32_t uid_max_connections; /* per peer uid; 0 = no limit */
	uint32_t uid_max_inflight;    /* requests in flight per peer uid; 0 = no limit */
	uint32_t uid_max_ring_mib;    /* shared-memory ring MiB per peer uid; 0 = no limit */
	char log[16];		      /* auto | journal | stderr */
	char allow_group[64];	      /* "" = socket permissions decide; else peers must
				       * be root, our uid, or members of this group */
};

void config_defaults(struct qnnd_config *c);
/* Read a config file over c. 0, or -1 with a message in err. A missing file is -2. */
int config_load(struct qnnd_config *c, const char *path, char *err, size_t errlen);
/* Set one key from a string (file and flags share this). 0 or -1 with err. */
int config_set(struct qnnd_config *c, const char *key, const char *value, char *err, size_t errlen);
/* Cross-field checks after everything is applied. */
int config_check(struct qnnd_config *c, char *err, size_t errlen);

#define CONFIG_MAX_FLAGS 64

/* Where the settings come from: the file and the command line's flags, kept for reloads. */
struct config_source {
	const char *path;   /* the config file */
	bool explicit_path; /* named by -c: a missing file is an error, not "defaults" */
	int n_flags;
	struct {
		const char *key, *value; /* config_set() keys; the strings outlive the source */
	} flags[CONFIG_MAX_FLAGS];
};

/* The default path, no flags. */
void config_source_init(struct config_source *src);
/* A flag setting key (applied after the file, in order). 0, or -1 when full. */
int config_add_flag(struct config_source *src, const char *key, const char *value);
/* The last value a flag gave key, or dflt. */
const char *config_flag(const struct config_source *src, const char *key, const char *dflt);
/* Defaults, then the file, then the flags, then config_check(): at start and per reload. */
int config_build(const struct config_source *src, struct qnnd_config *cfg, char *err,
		 size_t errlen);

#endif
