// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Criterion units for qnnd's settings (daemon/qnnd/config.c): the file, and the file + flags. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char path[64];
static char err[512];
static struct qnnd_config c;

static void write_conf(const char *text)
{
	strcpy(path, "/tmp/qnnd-conf-XXXXXX");
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	config_defaults(&c);
}

static void cleanup(void)
{
	if (path[0])
		unlink(path);
}

TestSuite(config, .fini = cleanup);

Test(config, valid_file)
{
	write_conf("# qnnd\nsocket: /tmp/x.sock\nmodel: /m.qnn\nbackend: null\nmax_batch: 32\n"
		   "max_queue_delay_us: 200\nsocket_mode: \"0600\"\n");
	cr_assert_eq(config_load(&c, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(config_check(&c, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(c.socket, "/tmp/x.sock");
	cr_assert_str_eq(c.backend, "null");
	cr_assert_eq(c.max_batch, 32);
	cr_assert_eq(c.max_samples, 32, "max_samples defaults to max_batch");
	cr_assert_eq(c.max_queue_delay_us, 200);
	cr_assert_eq(c.socket_mode, 0600);
}

Test(config, errors_name_the_line)
{
	write_conf("max_batch: 8\nmax_bacth: 9\n");
	cr_assert_eq(config_load(&c, path, err, sizeof(err)), -1);
	cr_assert(strstr(err, ":2:") && strstr(err, "max_bacth"), "%s", err);
	write_conf("max_batch: -3\n");
	cr_assert_eq(config_load(&c, path, err, sizeof(err)), -1);
	write_conf("max_batch: 12abc\n");
	cr_assert_eq(config_load(&c, path, err, sizeof(err)), -1);
	write_conf("backend: gpu\n");
	cr_assert_eq(config_load(&c, path, err, sizeof(err)), -1);
	write_conf("limits:\n  max_batch: 3\n");
	cr_assert_eq(config_load(&c, path, err, sizeof(err)), -1, "nested mapping");
	write_conf("- a\n- b\n");
	cr_assert_eq(config_load(&c, path, err, sizeof(err)), -1, "sequence");
	write_conf("socket: [unclosed\n");
	cr_assert_eq(config_load(&c, path, err, sizeof(err)), -1, "syntax");
}

Test(config, missing_file_and_cross_checks)
{
	config_defaults(&c);
	cr_assert_eq(config_load(&c, "/nonexistent/qnnd.conf", err, sizeof(err)), -2);
	config_defaults(&c);
	cr_assert_eq(config_set(&c, "max_samples", "100", err, sizeof(err)), 0);
	cr_assert_eq(config_set(&c, "max_batch", "10", err, sizeof(err)), 0);
	cr_assert_eq(config_check(&c, err, sizeof(err)), -1, "max_samples > max_batch");
	config_defaults(&c);
	cr_assert_eq(config_set(&c, "max_queue", "3", err, sizeof(err)), 0);
	cr_assert_eq(config_check(&c, err, sizeof(err)), -1, "queue smaller than one request");
}

/* config_build(): defaults, then the file, then the flags in order (the last wins), then
 * the cross-field checks; what a reload runs again with the same source. */
Test(config, build_applies_file_then_flags)
{
	struct config_source src;

	write_conf("max_batch: 32\nbackend: null\nmax_inflight: 7\n");
	config_source_init(&src);
	cr_assert_str_eq(src.path, QNND_DEFAULT_CONFIG);
	src.path = path;
	src.explicit_path = true;
	cr_assert_eq(config_add_flag(&src, "max_batch", "16"), 0);
	cr_assert_eq(config_add_flag(&src, "backend", "sw"), 0);
	cr_assert_eq(config_add_flag(&src, "backend", "dev"), 0);
	cr_assert_eq(config_build(&src, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.max_batch, 16, "a flag wins over the file");
	cr_assert_str_eq(c.backend, "dev", "the last flag wins");
	cr_assert_eq(c.max_inflight, 7, "the file wins over the defaults");
	cr_assert_eq(c.max_samples, 16, "config_check ran: max_samples = max_batch");
	cr_assert_str_eq(config_flag(&src, "backend", "auto"), "dev");
	cr_assert_str_eq(config_flag(&src, "socket", "/run/x"), "/run/x");
	/* Again, as a reload does: the same result from the same source. */
	cr_assert_eq(config_build(&src, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.max_batch, 16);
}

Test(config, build_errors)
{
	struct config_source src;

	config_source_init(&src);
	src.path = "/nonexistent/qnnd.conf";
	cr_assert_eq(config_build(&src, &c, err, sizeof(err)), 0,
		     "no file at a path nobody named: the defaults");
	cr_assert_eq(c.max_batch, 64);
	src.explicit_path = true;
	cr_assert_eq(config_build(&src, &c, err, sizeof(err)), -1, "a named file must exist");
	cr_assert(strstr(err, "/nonexistent/qnnd.conf"), "%s", err);
	src.explicit_path = false;
	cr_assert_eq(config_add_flag(&src, "max_batch", "many"), 0);
	cr_assert_eq(config_build(&src, &c, err, sizeof(err)), -1);
	cr_assert(strstr(err, "command line") && strstr(err, "max_batch"), "%s", err);
	config_source_init(&src);
	cr_assert_eq(config_add_flag(&src, "max_samples", "128"), 0);
	cr_assert_eq(config_build(&src, &c, err, sizeof(err)), -1, "cross-field check");
	cr_assert(strstr(err, "max_samples"), "%s", err);
	config_source_init(&src);
	for (int i = 0; i < CONFIG_MAX_FLAGS; i++)
		cr_assert_eq(config_add_flag(&src, "threads", "1"), 0);
	cr_assert_eq(config_add_flag(&src, "threads", "1"), -1, "full");
}
