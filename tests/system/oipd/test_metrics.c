// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * qnn-oipd's /metrics against the real daemons: the Prometheus text
 * exposition format (HELP/TYPE for every family, *_total counters,
 * cumulative histograms), the front's counters against what was sent,
 * qnnd's counters against `qnnctl status` (the same STATS request, so the
 * same numbers), and the per-device sysfs counters (read from a directory
 * laid out as kernel/qnn_sysfs.c lays out /sys/class/qnn/qnnN: there is no
 * qnn device on this machine).
 */
#include <ctype.h>
#include <strings.h>

#include "oip_client.h"

static struct tdaemon d;
static struct tfront f;
static struct qnn_model_info mi;
static char sysfs[128];

static void write_attr(const char *dev, const char *name, const char *value)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", sysfs, dev);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", sysfs, dev, name);
	t_write_file(path, value, strlen(value));
}

static void setup(void)
{
	const char *qargs[] = {"--backend", "sw", NULL};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	t_prepare(&d);
	t_use_mnist_model(&d);
	t_start(&d, qargs);
	qnn_client *c = t_connect(&d);

	cr_assert_eq(qnn_get_model_info(c, &mi), QNN_OK);
	qnn_close(c);
	snprintf(sysfs, sizeof(sysfs), "%s/sys-class-qnn", d.dir);
	mkdir(sysfs, 0755);
	const char *fargs[] = {"--sysfs", sysfs, NULL};

	t_front_start(&f, &d, fargs);
}

static void teardown(void)
{
	/* A clean exit: drained, and (under ASan) no leak and no error report. */
	if (f.pid > 0)
		cr_expect_eq(t_front_stop(&f), 0, "qnn-oipd's exit status (log %s)", f.log);
	t_cleanup(&d);
}

TestSuite(metrics, .init = setup, .fini = teardown, .timeout = 120);

static char *scrape(void)
{
	struct http_reply r;
	char ct[128] = "";

	t_http(NULL, f.port, "GET", "/metrics", NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 200);
	t_http_header(&r, "Content-Type", ct, sizeof(ct));
	cr_assert_str_eq(ct, "text/plain; version=0.0.4; charset=utf-8");
	return r.body;
}

/* The value of the sample line "name{labels} v" (labels as written, "" for none); -1 if absent. */
static double sample(const char *text, const char *series)
{
	size_t n = strlen(series);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, series, n) && l[n] == ' ')
			return strtod(l + n + 1, NULL);
	return -1;
}

/* The base family of a sample's metric name, as its TYPE line names it. */
static void family(const char *name, const char *types, char *out, size_t cap)
{
	static const char *suffixes[] = {"_bucket", "_sum", "_count"};

	snprintf(out, cap, "%s", name);
	for (int i = 0; i < 3; i++) {
		size_t nl = strlen(name), sl = strlen(suffixes[i]);
		char base[160], want[200];

		if (nl <= sl || strcmp(name + nl - sl, suffixes[i]))
			continue;
		snprintf(base, sizeof(base), "%.*s", (int)(nl - sl), name);
		snprintf(want, sizeof(want), "# TYPE %s histogram\n", base);
		if (strstr(types, want)) {
			snprintf(out, cap, "%s", base);
			return;
		}
	}
}

/* Every sample belongs to a family with HELP and TYPE; counters are *_total; histograms cumulative.
 */
static void check_format(const char *text)
{
	char name[160], fam[160], want[200], type[32];
	int samples = 0;

	for (const char *l = text; *l;) {
		const char *e = strchr(l, '\n');

		cr_assert_not_null(e, "the exposition ends with a new line");
		if (*l != '#') {
			size_t k = strcspn(l, "{ ");

			cr_assert(k > 0 && k < sizeof(name));
			snprintf(name, sizeof(name), "%.*s", (int)k, l);
			for (size_t i = 0; i < k; i++)
				cr_assert(isalnum((unsigned char)name[i]) || name[i] == '_' ||
					      name[i] == ':',
					  "metric name %s", name);
			family(name, text, fam, sizeof(fam));
			snprintf(want, sizeof(want), "# HELP %s ", fam);
			cr_assert_not_null(strstr(text, want), "no HELP for %s", fam);
			snprintf(want, sizeof(want), "# TYPE %s ", fam);
			const char *t = strstr(text, want);

			cr_assert_not_null(t, "no TYPE for %s", fam);
			cr_assert_eq(sscanf(t + strlen(want), "%31s", type), 1);
			if (!strcmp(type, "counter"))
				cr_assert(strlen(fam) > 6 &&
					      !strcmp(fam + strlen(fam) - 6, "_total"),
					  "counter %s is not named *_total", fam);
			if (!strcmp(type, "histogram"))
				cr_assert(strstr(fam, "_seconds"), "histogram %s not in seconds",
					  fam);
			const char *v = l + k;

			if (*v == '{')
				v = strchr(v, '}') + 1;
			cr_assert_eq(*v, ' ', "%.*s", (int)(e - l), l);
			char *end;

			strtod(v + 1, &end);
			cr_assert_eq(end, e, "value of %.*s", (int)(e - l), l);
			samples++;
		}
		l = e + 1;
	}
	cr_assert_gt(samples, 50);
	/* each histogram: buckets non-decreasing, +Inf == _count */
	const char *hists[] = {"qnn_oip_request_duration_seconds", "qnn_oip_queue_seconds",
			       "qnn_oip_compute_seconds"};

	for (int h = 0; h < 3; h++) {
		double prev = 0, inf = -1;
		char series[200];

		for (const char *l = text; (l = strstr(l, hists[h])); l++) {
			if (strncmp(l + strlen(hists[h]), "_bucket{le=\"", 12))
				continue;
			double v = strtod(strchr(l, ' ') + 1, NULL);

			cr_assert_geq(v, prev, "%s buckets are cumulative", hists[h]);
			prev = v;
			if (!strncmp(l + strlen(hists[h]) + 12, "+Inf", 4))
				inf = v;
		}
		snprintf(series, sizeof(series), "%s_count", hists[h]);
		cr_assert_eq(inf, sample(text, series), "%s: +Inf bucket == _count", hists[h]);
	}
}

static void post(const char *body, long want)
{
	struct http_reply r;
	char path[160];

	snprintf(path, sizeof(path), "/v2/models/%s/infer", mi.name);
	t_http(NULL, f.port, "POST", path, body, strlen(body), NULL, &r);
	cr_assert_eq(r.status, want, "%ld: %.200s", r.status, r.body);
	t_http_free(&r);
}

static char *u8_request(uint32_t n)
{
	size_t cap = 64 + (size_t)n * mi.n_in * 4 + 128, len = 0;
	char *s = malloc(cap);

	len += (size_t)snprintf(s, cap,
				"{\"inputs\":[{\"name\":\"input\",\"shape\":[%u,%u],"
				"\"datatype\":\"UINT8\",\"data\":[",
				n, mi.n_in);
	for (size_t i = 0; i < (size_t)n * mi.n_in; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%zu", i ? "," : "", (i * 7) % 256);
	snprintf(s + len, cap - len, "]}]}");
	return s;
}

Test(metrics, exposition_format_and_front_counters)
{
	uint64_t samples = 0;
	const uint32_t ns[] = {1, 3, 8, 2, 16, 1};

	for (size_t i = 0; i < 6; i++) {
		char *b = u8_request(ns[i]);

		post(b, 200);
		samples += ns[i];
		free(b);
	}
	post("{\"inputs\": 3}", 400);
	post("not json", 400);
	char *text = scrape();

	check_format(text);
	cr_assert_eq(sample(text, "qnn_oip_infer_requests_total{outcome=\"ok\"}"), 6);
	cr_assert_eq(sample(text, "qnn_oip_infer_samples_total{outcome=\"ok\"}"), (double)samples);
	cr_assert_eq(sample(text, "qnn_oip_infer_requests_total{outcome=\"invalid\"}"), 2);
	cr_assert_eq(sample(text, "qnn_oip_queue_seconds_count"), 6);
	cr_assert_eq(sample(text, "qnn_oip_compute_seconds_count"), 6);
	cr_assert_eq(sample(text, "qnn_oip_request_duration_seconds_count"), 8);
	cr_assert_gt(sample(text, "qnn_oip_compute_seconds_sum"), 0,
		     "qnnd's run time arrives through qnn_submit_timed()");
	cr_assert_eq(sample(text, "qnn_oip_http_requests_total{endpoint=\"infer\",code=\"200\"}"),
		     6);
	cr_assert_eq(sample(text, "qnn_oip_http_requests_total{endpoint=\"infer\",code=\"400\"}"),
		     2);
	cr_assert_eq(sample(text, "qnn_oip_inflight_requests"), 0);
	cr_assert_eq(sample(text, "qnnd_up"), 1);
	cr_assert_eq(sample(text, "qnnd_samples_total"), (double)samples);
	cr_assert_eq(sample(text, "qnnd_requests_total"), 6);
	free(text);
}

/* `qnnctl status --daemon-only` as name -> value. */
static double qnnctl_value(const char *out, const char *name)
{
	char key[64];

	snprintf(key, sizeof(key), "\n  %s ", name);
	const char *p = strstr(out, key);

	cr_assert_not_null(p, "qnnctl status shows no %s:\n%s", name, out);
	return strtod(p + strlen(key), NULL);
}

Test(metrics, qnnd_counters_are_qnnctl_status)
{
	char cmd[1200], out[8192];
	size_t len = 0;

	for (uint32_t n = 1; n <= 5; n++) {
		char *b = u8_request(n);

		post(b, 200);
		free(b);
	}
	char *text = scrape();

	snprintf(cmd, sizeof(cmd), "'%s' -s '%s' status --daemon-only", t_bin("qnnctl"), d.sock);
	FILE *p = popen(cmd, "r");

	cr_assert_not_null(p);
	len = fread(out, 1, sizeof(out) - 1, p);
	out[len] = 0;
	cr_assert_eq(pclose(p), 0, "qnnctl status: %s", out);
	/* Idle daemon: the counters cannot move between the scrape and qnnctl's STATS. */
	const char *same[][2] = {
	    {"requests", "qnnd_requests_total"},
	    {"samples", "qnnd_samples_total"},
	    {"batches", "qnnd_batches_total"},
	    {"busy_rejects", "qnnd_busy_rejects_total"},
	    {"timeouts", "qnnd_timeouts_total"},
	    {"errors", "qnnd_errors_total"},
	    {"nonfinite_rejects", "qnnd_nonfinite_rejects_total"},
	    {"queue_depth", "qnnd_queue_depth_samples"},
	    {"inflight_batches", "qnnd_inflight_batches"},
	    {"reloads", "qnnd_reloads_total"},
	    {"backend_failures", "qnnd_backend_failures_total"},
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		cr_assert_eq(qnnctl_value(out, same[i][0]), sample(text, same[i][1]), "%s vs %s",
			     same[i][0], same[i][1]);
	cr_assert_eq(qnnctl_value(out, "requests"), 5);
	/* qnnctl's own connection is one more client and one more connection than the scrape saw.
	 */
	cr_assert_eq(qnnctl_value(out, "clients"), sample(text, "qnnd_clients") + 1);
	cr_assert_eq(qnnctl_value(out, "connections_total"),
		     sample(text, "qnnd_connections_total") + 1);
	cr_assert_geq(qnnctl_value(out, "uptime_ms") / 1000, sample(text, "qnnd_uptime_seconds"));
	char info[128];

	snprintf(info, sizeof(info), "qnnd_info{backend=\"sw\",model=\"%s\"}", mi.name);
	cr_assert_eq(sample(text, info), 1, "%s", info);
	free(text);
	/* qnnd gone: the scrape still answers, qnnd_up says so */
	cr_assert_eq(t_stop(&d, SIGTERM, 20000), 0);
	text = scrape();
	cr_assert_eq(sample(text, "qnnd_up"), 0);
	cr_assert_eq(sample(text, "qnnd_requests_total"), -1);
	free(text);
}

Test(metrics, device_counters_from_sysfs)
{
	char *text = scrape();

	cr_assert_eq(sample(text, "qnn_devices"), 0);
	free(text);
	const char *attrs[][2] = {
	    {"jobs", "17"},	     {"samples", "1088"},  {"errors", "2"},
	    {"timeouts", "1"},	     {"dma_errors", "0"},  {"proto_errors", "0"},
	    {"canceled", "3"},	     {"resets", "1"},	   {"busy_ns", "2500000000"},
	    {"queue_depth", "4"},    {"needs_reset", "0"}, {"uevent", "MAJOR=240"},
	    {"model_name", "mnist"}, {"n_inputs", "784"}};
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		write_attr("qnn0", attrs[i][0], attrs[i][1]);
	write_attr("qnn1", "jobs", "5\n");
	write_attr("qnn1", "errors", "garbage\n");
	text = scrape();
	check_format(text);
	cr_assert_eq(sample(text, "qnn_devices"), 2);
	cr_assert_eq(sample(text, "qnn_device_jobs_total{device=\"qnn0\"}"), 17);
	cr_assert_eq(sample(text, "qnn_device_samples_total{device=\"qnn0\"}"), 1088);
	cr_assert_eq(sample(text, "qnn_device_errors_total{device=\"qnn0\"}"), 2);
	cr_assert_eq(sample(text, "qnn_device_timeouts_total{device=\"qnn0\"}"), 1);
	cr_assert_eq(sample(text, "qnn_device_resets_total{device=\"qnn0\"}"), 1);
	cr_assert_eq(sample(text, "qnn_device_canceled_total{device=\"qnn0\"}"), 3);
	cr_assert_eq(sample(text, "qnn_device_busy_seconds_total{device=\"qnn0\"}"), 2.5);
	cr_assert_eq(sample(text, "qnn_device_queue_depth{device=\"qnn0\"}"), 4);
	cr_assert_eq(sample(text, "qnn_device_jobs_total{device=\"qnn1\"}"), 5);
	cr_assert_eq(sample(text, "qnn_device_errors_total{device=\"qnn1\"}"), -1,
		     "an unreadable value is left out, not invented");
	cr_assert_eq(sample(text, "qnn_device_samples_total{device=\"qnn1\"}"), -1);
	free(text);
}
