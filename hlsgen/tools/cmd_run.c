// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_run.c - `hlsgen run`: what the accelerator's AXI output carries for
 * a file of inputs, computed by the bit-exact engine; optionally every
 * layer's output (--trace), like hls4ml's trace.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_engine_opts.h"
#include "hlsgen_cmd.h"
#include "hlsgen_engine_batch.h"
#include "hlsgen_io.h"
#include "hlsgen_progress.h"
#include "qnn_engine.h"

static const char usage[] =
    "usage: hlsgen run MODEL.qnn -i|--input X.npy|X.f32 -o|--output Y.npy|Y.f32 [options]\n"
    "\n"
    "Runs the bit-exact engine and writes float32 (N, n_out): exactly what the\n"
    "accelerator's AXI output stream carries for these inputs.\n"
    "\n"
    "  -i, --input FILE   .npy (shape (N, h, w, c), (N, h, w) for one channel, or\n"
    "                     (N, h*w*c)) or raw little-endian .f32; float32/float64\n"
    "                     used as they are, uint8/uint16 pixels divided by 255/65535\n"
    "  -o, --output FILE  .npy (float32, (N, n_out)) or raw .f32\n"
    "  -t, --trace DIR    also write every layer's output as DIR/<idx>_<layer>.npy\n"
    "                     (float values of the codes, (N, h, w, c) or (N, c))\n"
    "  --threads N        engine threads (default: all CPUs)\n"
    "  --allow-nonfinite  feed NaN/Inf inputs to the engine instead of refusing\n"
    "                     them; the engine's rule: NaN becomes 0, +-inf saturates\n"
    "                     under AP_SAT and becomes 0 under AP_WRAP (qnn_fixed.h)\n"
    "  --reference        compute with the engine's scalar reference kernels instead\n"
    "                     of its SIMD lane paths (bit-identical by design; slower)\n"
    "  --quiet            no progress indicator\n";

struct run_opts {
	const char *model, *input, *output, *trace_dir;
	struct cli_engine_opts eng;
	int reference;
};

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
	    {"input", required_argument, NULL, 'i'},
	    {"output", required_argument, NULL, 'o'},
	    {"trace", required_argument, NULL, 't'},
	    {"reference", no_argument, NULL, 'R'},
	    CLI_ENGINE_LONG_OPTS,
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:o:t:" CLI_ENGINE_SHORT_OPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->input = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 't':
			o->trace_dir = optarg;
			break;
		case 'R':
			o->reference = 1;
			break;
		default:
			if (cli_engine_option("run", c, optarg, &o->eng) != 1)
				return -1;
		}
	}
	if (optind != argc - 1 || !o->input || !o->output) {
		fprintf(stderr, "hlsgen run: %s\n\n",
			optind == argc	    ? "MODEL.qnn is required"
			: optind < argc - 1 ? "one MODEL.qnn only"
			: !o->input	    ? "--input FILE is required"
					    : "--output FILE is required");
		return -1;
	}
	o->model = argv[optind];
	return 0;
}

/* ---- --trace: per-layer outputs ---- */

struct trace_buf {
	const struct qnn_model *m;
	uint64_t base; /* first sample of the current engine call */
	uint32_t count[QNN_MAX_LAYERS];
	int frac[QNN_MAX_LAYERS]; /* fraction bits of each layer's codes */
	float *v[QNN_MAX_LAYERS]; /* [n][count] values */
};

static void on_trace(void *ctx, uint32_t sample, uint32_t layer, const int32_t *codes,
		     uint32_t count)
{
	struct trace_buf *t = ctx;
	float *dst;

	if (layer >= t->m->n_layers || count != t->count[layer])
		return;
	dst = t->v[layer] + (t->base + sample) * count;
	for (uint32_t i = 0; i < count; i++)
		dst[i] = (float)ldexp(codes[i], -t->frac[layer]);
}

/* Layers without a result type (flatten, dropout) pass their input's codes on. */
static int trace_init(struct trace_buf *t, const struct qnn_model *m, uint64_t n)
{
	const struct qnn_fixed_type *ty = &m->hdr->input_t;

	memset(t, 0, sizeof(*t));
	t->m = m;
	for (uint32_t i = 0; i < m->n_layers; i++) {
		const struct qnn_layer_rec *r = m->layers[i].rec;

		if (r->result_t.width)
			ty = &r->result_t;
		t->frac[i] = (int)ty->width - ty->int_bits;
		t->count[i] = r->out_h * r->out_w * r->out_c;
		t->v[i] = malloc(n * t->count[i] * sizeof(float) + 1);
		if (!t->v[i])
			return -ENOMEM;
	}
	return 0;
}

static void trace_free(struct trace_buf *t)
{
	for (uint32_t i = 0; i < QNN_MAX_LAYERS; i++)
		free(t->v[i]);
}

static int trace_write(const struct trace_buf *t, const char *dir, uint64_t n, char *err,
		       size_t errlen)
{
	if (mkdir(dir, 0777) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	for (uint32_t i = 0; i < t->m->n_layers; i++) {
		const struct qnn_layer_rec *r = t->m->layers[i].rec;
		uint64_t shape[4] = {n, r->out_h, r->out_w, r->out_c};
		uint64_t flat[2] = {n, r->out_c};
		int is_flat = r->out_h == 1 && r->out_w == 1;
		char path[4200], name[QNN_NAME_LEN + 1];
		int ret;

		snprintf(name, sizeof(name), "%.*s", (int)QNN_NAME_LEN, r->name);
		for (char *p = name; *p; p++)
			if (*p == '/')
				*p = '_';
		snprintf(path, sizeof(path), "%s/%02u_%s.npy", dir, i, name);
		ret = hlsgen_npy_save(path, HLSGEN_DT_F32, t->v[i], is_flat ? 2 : 4,
				      is_flat ? flat : shape, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

/* Single-threaded with the trace hook; the outputs are the same as the batch path's. */
static int run_traced(const struct qnn_model *m, const float *x, uint64_t n, float *values,
		      uint32_t flags, const char *dir, char *err, size_t errlen)
{
	size_t ws_size = qnn_engine_workspace_size(m);
	void *ws = malloc(ws_size + 1);
	struct trace_buf t;
	struct qnn_engine e = {.flags = flags};
	int ret = trace_init(&t, m, n);

	if (ret || !ws) {
		snprintf(err, errlen, "out of memory for the trace of %llu samples",
			 (unsigned long long)n);
		ret = -ENOMEM;
		goto out;
	}
	ret = qnn_engine_init(&e, m, ws, ws_size);
	for (uint64_t s = 0; !ret && s < n; s += 64) {
		uint32_t count = (uint32_t)(n - s < 64 ? n - s : 64);
		struct qnn_engine_out o = {.values = (uint32_t *)(values + s * m->n_out)};

		t.base = s;
		ret = qnn_engine_run(&e, QNN_INPUT_F32, x + s * m->n_in, count, &o, on_trace, &t);
	}
	if (ret)
		snprintf(err, errlen, "traced run failed: error %d (%s)", ret, strerror(-ret));
	else
		ret = trace_write(&t, dir, n, err, errlen);
out:
	trace_free(&t);
	free(ws);
	return ret;
}

/* ---- the command ---- */

static int check_finite(const char *name, const float *x, uint64_t n, uint32_t n_in, int allow,
			char *err, size_t errlen)
{
	uint64_t bad = hlsgen_find_nonfinite(x, n * n_in);

	if (bad == n * n_in)
		return 0;
	if (allow) {
		fprintf(stderr,
			"hlsgen: warning: %s: non-finite inputs (first: sample %llu); the engine "
			"converts NaN to 0 and +-inf as an out-of-range value\n",
			name, (unsigned long long)(bad / n_in));
		return 0;
	}
	snprintf(err, errlen,
		 "%s: sample %llu (element %llu) is %s; inputs must be finite (ap_fixed does not "
		 "define NaN; --allow-nonfinite applies the engine's documented rule)",
		 name, (unsigned long long)(bad / n_in), (unsigned long long)(bad % n_in),
		 isnan(x[bad]) ? "NaN" : "infinite");
	return -EINVAL;
}

static int write_output(const char *path, const float *v, uint64_t n, uint32_t n_out, char *err,
			size_t errlen)
{
	size_t len = strlen(path);
	uint64_t shape[2] = {n, n_out};

	if (len > 4 && !strcmp(path + len - 4, ".f32"))
		return hlsgen_f32_save(path, v, n * n_out, err, errlen);
	return hlsgen_npy_save(path, HLSGEN_DT_F32, v, 2, shape, err, errlen);
}

static int run_model(const struct run_opts *o, const struct qnn_model *m, char *err, size_t errlen)
{
	const struct qnn_file_header *h = m->hdr;
	struct hlsgen_engine_results res = {.engine_flags =
						o->reference ? QNN_ENGINE_REFERENCE : 0};
	struct hlsgen_progress prog;
	float *x = NULL;
	uint64_t n;
	double t0, dt;
	int ret;

	ret = hlsgen_input_load(o->input, h->in_h, h->in_w, h->in_c, &n, &x, err, errlen);
	if (!ret)
		ret = check_finite(o->input, x, n, m->n_in, o->eng.allow_nonfinite, err, errlen);
	if (!ret) {
		res.values = malloc(n * m->n_out * sizeof(float) + 1);
		if (!res.values) {
			snprintf(err, errlen, "out of memory for %llu outputs",
				 (unsigned long long)n);
			ret = -ENOMEM;
		}
	}
	if (ret)
		goto out;
	t0 = hlsgen_now();
	if (o->trace_dir) {
		ret = run_traced(m, x, n, res.values, res.engine_flags, o->trace_dir, err, errlen);
	} else {
		hlsgen_progress_begin(&prog, NULL, "run", n, !o->eng.quiet && n >= 1000);
		ret = hlsgen_engine_batch(m, x, n, o->eng.threads, &res, &prog, err, errlen);
		hlsgen_progress_end(&prog);
	}
	dt = hlsgen_now() - t0;
	if (!ret)
		ret = write_output(o->output, res.values, n, m->n_out, err, errlen);
	if (!ret && !o->eng.quiet)
		fprintf(stderr, "hlsgen run: %llu samples -> %s in %.3f s (%.0f images/s)\n",
			(unsigned long long)n, o->output, dt, dt > 0 ? (double)n / dt : 0.0);
out:
	free(x);
	free(res.values);
	return ret;
}

static int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct qnn_model m;
	char err[512];
	void *buf;
	int ret;

	if (parse_args(argc, argv, &o)) {
		fputs(usage, stderr);
		return 2;
	}
	ret = hlsgen_model_load(o.model, &buf, &m, err, sizeof(err));
	if (!ret) {
		ret = run_model(&o, &m, err, sizeof(err));
		free(buf);
	}
	if (ret) {
		fprintf(stderr, "hlsgen run: %s\n", err);
		return 1;
	}
	return 0;
}

const struct hlsgen_cmd hlsgen_cmd_run = {
    .name = "run",
    .summary = "run the bit-exact engine on a file of inputs (as the accelerator would)",
    .usage = usage,
    .run = cmd_run,
};
