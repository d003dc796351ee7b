// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * oip_load - a known load, through qnn-oipd or straight through libqnn:
 *   oip_load http URL CLIENTS REQUESTS SAMPLES [json|binary]
 *   oip_load direct SOCKET CLIENTS REQUESTS SAMPLES
 * CLIENTS threads each send REQUESTS inference requests of SAMPLES MNIST-
 * shaped samples, one after another: over HTTP (one keep-alive libcurl
 * connection per client, to URL = .../v2/models/{m}/infer; binary tensor
 * data by default, FP32 JSON with "json") or through qnn_classify() on one
 * shared libqnn connection (what the front itself uses). Prints one line:
 *   mode=.. clients=.. requests=.. samples=.. ok=.. failed=.. seconds=..
 *   rps=.. p50_us=.. p99_us=..
 * Used by prometheus.sh (the counts) and bench-oipd (the rates).
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qnn.h"

#define N_IN 784

static struct {
	bool http, json;
	const char *target;
	int clients, requests, samples;
	qnn_client *qc;
	uint64_t *lat_us; /* clients * requests */
	atomic_long ok, failed;
} L;

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void inputs(float *in, size_t n, unsigned seed)
{
	uint32_t x = seed * 2654435761u + 1u;

	for (size_t i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		in[i] = (float)(x >> 24) / 255.0f;
	}
}

static size_t sink(char *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n;
}

/* The request body and, for binary data, the JSON part's length. */
static char *http_body(const float *in, size_t *len, size_t *json_len)
{
	size_t count = (size_t)L.samples * N_IN, cap = 256 + count * 16;
	char *b = malloc(cap);
	int n;

	if (!L.json) {
		n = snprintf(b, cap,
			     "{\"inputs\":[{\"name\":\"input\",\"shape\":[%d,28,28,1],\"datatype\":"
			     "\"FP32\",\"parameters\":{\"binary_data_size\":%zu}}]}",
			     L.samples, count * 4);
		*json_len = (size_t)n;
		memcpy(b + n, in, count * 4); /* little-endian host */
		*len = (size_t)n + count * 4;
		return b;
	}
	n = snprintf(b, cap,
		     "{\"inputs\":[{\"name\":\"input\",\"shape\":[%d,784],\"datatype\":\"FP32\","
		     "\"data\":[",
		     L.samples);
	for (size_t i = 0; i < count; i++)
		n += snprintf(b + n, cap - (size_t)n, "%s%.9g", i ? "," : "", (double)in[i]);
	n += snprintf(b + n, cap - (size_t)n, "]}]}");
	*len = *json_len = (size_t)n;
	return b;
}

static void *http_client(void *arg)
{
	int id = (int)(intptr_t)arg;
	float *in = malloc(sizeof(float) * (size_t)L.samples * N_IN);
	size_t len, json_len;
	char hdr[80];
	CURL *h = curl_easy_init();
	struct curl_slist *sl = NULL;

	inputs(in, (size_t)L.samples * N_IN, (unsigned)id);
	char *body = http_body(in, &len, &json_len);

	sl = curl_slist_append(sl, "Expect:");
	if (!L.json) {
		snprintf(hdr, sizeof(hdr), "Inference-Header-Content-Length: %zu", json_len);
		sl = curl_slist_append(sl, hdr);
	}
	curl_easy_setopt(h, CURLOPT_URL, L.target);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, sl);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
	for (int k = 0; k < L.requests; k++) {
		uint64_t t0 = now_us();
		long code = 0;

		if (curl_easy_perform(h) == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		L.lat_us[(size_t)id * L.requests + k] = now_us() - t0;
		atomic_fetch_add(code == 200 ? &L.ok : &L.failed, 1);
	}
	curl_slist_free_all(sl);
	curl_easy_cleanup(h);
	free(body);
	free(in);
	return NULL;
}

static void *direct_client(void *arg)
{
	int id = (int)(intptr_t)arg;
	size_t count = (size_t)L.samples * N_IN;
	float *in = malloc(sizeof(float) * count), *probs = malloc(sizeof(float) * L.samples * 16);
	int32_t *cls = malloc(sizeof(int32_t) * L.samples);

	inputs(in, count, (unsigned)id);
	for (int k = 0; k < L.requests; k++) {
		struct qnn_outputs out = {.classes = cls, .probs = probs};
		uint64_t t0 = now_us();
		int r = qnn_classify(L.qc, in, (size_t)L.samples, &out, 60000);

		L.lat_us[(size_t)id * L.requests + k] = now_us() - t0;
		atomic_fetch_add(r == QNN_OK ? &L.ok : &L.failed, 1);
	}
	free(in);
	free(probs);
	free(cls);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 6 || (strcmp(argv[1], "http") && strcmp(argv[1], "direct"))) {
		fprintf(stderr, "usage: oip_load http URL|direct SOCKET CLIENTS REQUESTS SAMPLES "
				"[json|binary]\n");
		return 2;
	}
	L.http = !strcmp(argv[1], "http");
	L.target = argv[2];
	L.clients = atoi(argv[3]);
	L.requests = atoi(argv[4]);
	L.samples = atoi(argv[5]);
	L.json = argc > 6 && !strcmp(argv[6], "json");
	if (L.clients < 1 || L.requests < 1 || L.samples < 1 || L.clients > 1024)
		return 2;
	if (L.http) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
	} else {
		int r = qnn_connect(L.target, &L.qc);

		if (r) {
			fprintf(stderr, "oip_load: %s: %s\n", L.target, qnn_strerror(r));
			return 1;
		}
	}
	L.lat_us = calloc((size_t)L.clients * L.requests, sizeof(uint64_t));
	pthread_t *th = calloc((size_t)L.clients, sizeof(pthread_t));
	uint64_t t0 = now_us();

	for (int i = 0; i < L.clients; i++)
		pthread_create(&th[i], NULL, L.http ? http_client : direct_client,
			       (void *)(intptr_t)i);
	for (int i = 0; i < L.clients; i++)
		pthread_join(th[i], NULL);
	double secs = (now_us() - t0) / 1e6;
	size_t n = (size_t)L.clients * L.requests;

	qsort(L.lat_us, n, sizeof(uint64_t), cmp_u64);
	printf("mode=%s clients=%d requests=%zu samples=%zu ok=%ld failed=%ld seconds=%.3f "
	       "rps=%.0f p50_us=%llu p99_us=%llu\n",
	       L.http ? (L.json ? "http-json" : "http-binary") : "direct", L.clients, n,
	       n * (size_t)L.samples, atomic_load(&L.ok), atomic_load(&L.failed), secs, n / secs,
	       (unsigned long long)L.lat_us[n / 2], (unsigned long long)L.lat_us[(n * 99) / 100]);
	if (L.qc)
		qnn_close(L.qc);
	free(th);
	free(L.lat_us);
	return atomic_load(&L.failed) ? 1 : 0;
}
