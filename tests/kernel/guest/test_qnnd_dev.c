// SPDX-License-Identifier: GPL-2.0
/*
 * test_qnnd_dev.c - qnnd's `dev` backend (daemon/qnnd/backend/backend_dev.c, built
 * into this program unchanged) against the real driver and the simulated
 * accelerator, through the backend vtable exactly as qnnd's dispatcher
 * drives it (get_batch, fill b->in, submit, poll the event fd, complete,
 * read b->values, put_batch):
 *   - open + self-test (the device's outputs compared bit for bit with the
 *     engine before qnnd would report READY=1);
 *   - b->in and b->values are the device's mmapped DMA buffers (zero-copy);
 *   - 1000 real MNIST digits in batches of 1..256 with up to 4 jobs in
 *     flight (>= 2 seen at once), outputs bit-identical to the host engine;
 *   - stall, DMA error and short transfer become QNN_E_BACKEND with a
 *     message naming the failure, and the next batch is right again;
 *   - unbinding the device under queued jobs fails them with "removed",
 *     close() does not hang, and after binding again a new backend works.
 * The daemon-side helpers backend_dev.c calls (backend.c in qnnd) are
 * provided here: the test pattern and the engine reference.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qg.h"
#include "qnn_engine.h"

#include "../../../daemon/qnnd/backend/backend_dev.c"

#define MODEL_PATH "/lib/firmware/qnn/mnist_cnn.qnn"

/* ---- what qnnd's backend.c provides to backends ---- */

bool backend_dev_present(char *path, size_t len)
{
	if (access(QG_DEV, F_OK))
		return false;
	if (path)
		snprintf(path, len, "%s", QG_DEV);
	return true;
}

void backend_test_pattern(float *in, uint32_t n, uint32_t n_in, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (uint64_t i = 0; i < (uint64_t)n * n_in; i++) {
		x = x * 1664525u + 1013904223u;
		in[i] = (float)(x >> 8) / (float)(1u << 24);
	}
}

int backend_reference_run(const struct qnn_model *m, const float *in, uint32_t n,
			  uint32_t *values, int32_t *logits, uint16_t *classes)
{
	size_t ws_size = qnn_engine_workspace_size(m);
	void *ws = malloc(ws_size);
	struct qnn_engine e;
	struct qnn_engine_out out = { .values = values, .logits = logits,
				      .classes = classes };
	int ret = -ENOMEM;

	if (ws && qnn_engine_init(&e, m, ws, ws_size) == 0)
		ret = qnn_engine_run(&e, QNN_INPUT_F32, in, n, &out, NULL, NULL);
	free(ws);
	return ret;
}

/* ---- the test ---- */

static struct qnn_model model;
static void *model_buf;
static size_t model_len;
static struct qg_mnist mnist;

static struct backend *open_backend(uint32_t timeout_ms)
{
	struct backend_conf conf = {
		.model = &model, .model_buf = model_buf, .model_len = model_len,
		.model_path = MODEL_PATH, .device = NULL, .max_batch = 256,
		.inflight = 4, .timeout_ms = timeout_ms,
	};
	struct backend *be = NULL;
	char err[256] = "";
	int ret = backend_dev_ops.open(&be, &conf, err, sizeof(err));

	if (ret)
		qg_die("open: %d %s", ret, err);
	return be;
}

/* Is p inside a mapping of the device (/proc/self/maps)? */
static bool in_device_mapping(const void *p)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && strstr(line, QG_DEV) &&
		    (unsigned long)p >= lo && (unsigned long)p < hi)
			found = true;
	}
	if (f)
		fclose(f);
	return found;
}

/* Waits for the event fd, then collects; returns completions or -1 on timeout. */
static int wait_complete(struct backend *be, struct qnnd_batch **done, unsigned max,
			 int timeout_ms)
{
	struct pollfd p = { .fd = be->ops->event_fd(be), .events = POLLIN };
	int k = be->ops->complete(be, done, max);

	if (k)
		return k;
	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	return be->ops->complete(be, done, max);
}

static void fill(struct qnnd_batch *b, size_t first, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		memcpy(b->in + (size_t)i * 784,
		       mnist.in + ((first + i) % mnist.n) * 784, 784 * sizeof(float));
	b->n = n;
}

static bool bit_exact(const struct qnnd_batch *b, size_t first)
{
	for (uint32_t i = 0; i < b->n; i++)
		if (memcmp(b->values + (size_t)i * 10,
			   mnist.expected + ((first + i) % mnist.n) * 10, 40))
			return false;
	return true;
}

static void test_pipelined(struct backend *be)
{
	static const uint32_t sizes[] = { 1, 7, 64, 256, 100, 3, 200, 33 };
	size_t next = 0, done_samples = 0, firsts[16];
	unsigned inflight = 0, peak = 0, batches = 0, wrong = 0, k_size = 0;
	uint64_t t0 = qg_now_ns();

	while (done_samples < mnist.n) {
		struct qnnd_batch *b, *done[8];
		int k;

		while (next < mnist.n && (b = be->ops->get_batch(be))) {
			uint32_t n = sizes[k_size++ % 8];

			if (n > mnist.n - next)
				n = (uint32_t)(mnist.n - next);
			fill(b, next, n);
			firsts[(struct dev_slot *)b - to_dev(be)->slots] = next;
			if (be->ops->submit(be, b))
				qg_die("submit %u samples: %s", n, b->err);
			next += n;
			if (++inflight > peak)
				peak = inflight;
		}
		k = wait_complete(be, done, 8, 60000);
		if (k < 0)
			qg_die("no completion within 60 s (%u in flight)", inflight);
		for (int i = 0; i < k; i++) {
			b = done[i];
			inflight--;
			batches++;
			if (b->status)
				qg_check(false, "batch of %u: %s", b->n, b->err);
			else if (!bit_exact(b, firsts[(struct dev_slot *)b - to_dev(be)->slots]))
				wrong++;
			done_samples += b->n;
			be->ops->put_batch(be, b);
		}
	}
	qg_log("%zu digits in %u batches (1..256 samples), peak %u jobs in flight, %.0f ms",
	       done_samples, batches, peak, (qg_now_ns() - t0) / 1e6);
	qg_check(wrong == 0, "%u batches differ from the host engine", wrong);
	qg_check(peak >= 2, "only %u job(s) in flight at once", peak);
}

struct fault {
	const char *mode, *says;
};

static void test_faults(void)
{
	static const struct fault faults[] = {
		{ "stall 1", "timed out" },
		{ "error 1", "DMA engine reported an error" },
		{ "short_s2mm 1", "short transfer" },
	};
	struct backend *be = open_backend(500);

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		struct qnnd_batch *b = be->ops->get_batch(be), *done[1];
		int k;

		qg_check(qg_sim_fault(faults[i].mode) == 0, "inject %s", faults[i].mode);
		fill(b, 10 * i, 8);
		qg_check(be->ops->submit(be, b) == 0, "submit under %s", faults[i].mode);
		k = wait_complete(be, done, 1, 15000);
		qg_check(k == 1 && done[0] == b, "%s: completion (%d)", faults[i].mode, k);
		qg_check(b->status == QNN_E_BACKEND && strstr(b->err, faults[i].says),
			 "%s: status %d, '%s' (want QNN_E_BACKEND, '%s')", faults[i].mode,
			 b->status, b->err, faults[i].says);
		qg_log("%s -> %s", faults[i].mode, b->err);
		be->ops->put_batch(be, b);

		/* The next batch must be right again (core reset if needed). */
		b = be->ops->get_batch(be);
		fill(b, 10 * i + 100, 8);
		qg_check(be->ops->submit(be, b) == 0, "submit after %s", faults[i].mode);
		k = wait_complete(be, done, 1, 15000);
		qg_check(k == 1 && b->status == 0 && bit_exact(b, 10 * i + 100),
			 "after %s: status %d '%s', outputs %s", faults[i].mode, b->status,
			 b->err, bit_exact(b, 10 * i + 100) ? "exact" : "WRONG");
		be->ops->put_batch(be, b);
	}
	be->ops->close(be);
}

static void test_removal(void)
{
	struct backend *be = open_backend(0);
	struct qnnd_batch *b[2], *done[2];
	int got = 0, removed = 0;

	/* The first job stalls (long timeout), the second queues behind it. */
	qg_sysfs_write("timeout_base_ms", "30000");
	qg_check(qg_sim_fault("stall 1") == 0, "inject stall");
	for (int i = 0; i < 2; i++) {
		b[i] = be->ops->get_batch(be);
		fill(b[i], 8 * i, 8);
		qg_check(be->ops->submit(be, b[i]) == 0, "submit %d", i);
	}
	usleep(300000);
	qg_check(qg_unbind() == 0, "unbind");
	while (got < 2) {
		int k = wait_complete(be, done, 2, 10000);

		if (k <= 0)
			break;
		for (int i = 0; i < k; i++) {
			removed += done[i]->status == QNN_E_BACKEND && strstr(done[i]->err, "removed");
			qg_log("after unbind: %s", done[i]->err);
			be->ops->put_batch(be, done[i]);
		}
		got += k;
	}
	qg_check(got == 2 && removed == 2, "%d completions, %d say the device was removed", got,
		 removed);
	be->ops->close(be); /* must neither hang nor crash on a removed device */
	qg_check(qg_bind() == 0, "bind again");
	qg_check(qg_wait_dev(5000) == 0, "/dev/qnn0 back");
	/*
	 * A new device starts with the driver's default timeouts (1 s + 100 us per
	 * sample), which the simulated accelerator under a loaded TCG guest can miss:
	 * the self-test that follows is about rebinding, not about the defaults.
	 */
	qg_relax_timeouts();
}

int main(void)
{
	struct qg_dev d;
	struct backend *be;
	struct qnnd_batch *b;
	char err[256] = "";
	int ret;

	qg_begin("qnnd_dev");
	qg_relax_timeouts();
	model_buf = qg_slurp(MODEL_PATH, &model_len);
	if (!model_buf || qnn_model_parse(model_buf, model_len, &model, err, sizeof(err)))
		qg_die("model %s: %s", MODEL_PATH, model_buf ? err : "missing");
	ret = qg_open(&d, QG_DEV);
	if (ret || qg_mnist_load(&mnist, &d))
		qg_die("device or MNIST data missing");
	qg_close(&d);

	be = open_backend(0);
	qg_log("%s", be->desc);
	qg_check(be->capacity == 256 && be->max_inflight == 4 && be->n_in == 784 &&
		 be->n_out == 10 && !be->has_logits,
		 "capacity %u, inflight %u, %u -> %u", be->capacity, be->max_inflight, be->n_in,
		 be->n_out);
	ret = be->ops->self_test(be, err, sizeof(err));
	qg_check(ret == 0, "self-test: %d %s", ret, err);

	b = be->ops->get_batch(be);
	qg_check(b && in_device_mapping(b->in) && in_device_mapping(b->values),
		 "batch buffers are the device's mmapped DMA buffers (zero-copy)");
	be->ops->put_batch(be, b);

	test_pipelined(be);
	be->ops->close(be);
	test_faults();
	test_removal();

	be = open_backend(0);
	ret = be->ops->self_test(be, err, sizeof(err));
	qg_check(ret == 0, "self-test after rebinding: %d %s", ret, err);
	be->ops->close(be);
	return qg_finish();
}
