// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_train_export.c - what the trainer writes and reads: the published
 * QKeras model JSON reads as the lab's CNN; our JSON reads back to the same
 * spec; unsupported features are refused by layer name; the checkpoint
 * round-trips bit for bit and is rejected when corrupted or truncated; and
 * the Keras JSON + HDF5 pair goes through the importer into a .qnn whose
 * QKeras float reference (hlsgen/ref) computes what the trainer computes.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hlsgen_io.h"
#include "hlsgen_ref.h"
#include "hlsgen_train.h"
#include "hlsgen_train_run.h"

static char tmpdir[64];

static void mk_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hg_export_XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

static const char *tmp(const char *name)
{
	static char paths[8][128];
	static int k;
	char *p = paths[k++ % 8];

	snprintf(p, 128, "%s/%s", tmpdir, name);
	return p;
}

static struct hg_quantizer q6(void)
{
	return (struct hg_quantizer){.kind = HG_Q_BITS, .bits = 6, .keep_negative = 1};
}

static void expect_same_spec(const struct hg_net_spec *a, const struct hg_net_spec *b)
{
	cr_assert_eq(a->n_layers, b->n_layers);
	cr_expect(a->in_h == b->in_h && a->in_w == b->in_w && a->in_c == b->in_c);
	for (int l = 0; l < a->n_layers; l++) {
		const struct hg_layer_spec *x = &a->layers[l], *y = &b->layers[l];

		cr_expect_str_eq(x->name, y->name);
		cr_expect_eq(x->kind, y->kind, "%s", x->name);
		cr_expect(x->units == y->units && x->kh == y->kh && x->kw == y->kw &&
			      x->sh == y->sh && x->sw == y->sw &&
			      x->same_padding == y->same_padding,
			  "%s: geometry differs", x->name);
		cr_expect_eq(x->activation, y->activation, "%s", x->name);
		cr_expect_eq(x->use_bias, y->use_bias, "%s", x->name);
		cr_expect_float_eq(x->rate, y->rate, 1e-6, "%s", x->name);
		cr_expect_eq(memcmp(&x->kernel_q, &y->kernel_q, sizeof(x->kernel_q)), 0, "%s",
			     x->name);
		cr_expect_eq(memcmp(&x->bias_q, &y->bias_q, sizeof(x->bias_q)), 0, "%s", x->name);
		cr_expect_eq(memcmp(&x->act_q, &y->act_q, sizeof(x->act_q)), 0, "%s", x->name);
	}
}

Test(train_export, published_qkeras_json_is_the_lab_cnn)
{
	const char *shared = getenv("QNN_SHARED");
	struct hg_net_spec got, want;
	struct hg_quantizer w = q6(), r6 = {.kind = HG_Q_RELU, .bits = 6};
	char path[512], err[256];

	cr_assert_not_null(shared, "QNN_SHARED is not set");
	snprintf(path, sizeof(path), "%s/models/qkeras_mnist_cnn.json", shared);
	cr_assert_eq(hg_spec_from_keras_json(path, &got, err, sizeof(err)), 0, "%s", err);
	hg_spec_lab_cnn(&want, &w, &w, &r6);
	expect_same_spec(&got, &want);
}

Test(train_export, json_round_trip)
{
	struct hg_net_spec s, back;
	struct hg_quantizer po2 = {.kind = HG_Q_PO2, .bits = 4, .has_max = 1, .max_value = 1.0f};
	struct hg_quantizer b4 = {
	    .kind = HG_Q_BITS, .bits = 4, .integer = 1, .symmetric = 1, .keep_negative = 1};
	struct hg_quantizer r3 = {.kind = HG_Q_RELU, .bits = 3, .integer = 1};
	char err[256], *text;

	hg_spec_lab_cnn(&s, &po2, &b4, &r3);
	s.layers[0].same_padding = 1;
	s.layers[0].sh = 2;
	s.layers[7].rate = 0.25f;
	text = hg_keras_json_string(&s);
	cr_assert_not_null(text);
	cr_assert_eq(hg_spec_from_keras_json_text(text, &back, err, sizeof(err)), 0, "%s", err);
	expect_same_spec(&back, &s);
	free(text);
	/* a float model writes plain Keras layers and reads back the same */
	hg_spec_lab_cnn(&s, &(struct hg_quantizer){0}, &(struct hg_quantizer){0},
			&(struct hg_quantizer){0});
	text = hg_keras_json_string(&s);
	cr_expect(strstr(text, "\"Conv2D\"") && !strstr(text, "QConv2D"));
	cr_assert_eq(hg_spec_from_keras_json_text(text, &back, err, sizeof(err)), 0, "%s", err);
	expect_same_spec(&back, &s);
	free(text);
}

Test(train_export, json_reader_names_what_it_refuses)
{
	static const struct {
		const char *json, *needle;
	} bad[] = {
	    {"{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":"
	     "\"InputLayer\","
	     "\"config\":{\"name\":\"in\",\"batch_input_shape\":[null,8,8,1]}},{\"class_name\":"
	     "\"Conv2D\",\"config\":{\"name\":\"c1\",\"filters\":2,\"kernel_size\":[3,3],"
	     "\"dilation_rate\":[2,2]}}]}}",
	     "c1"},
	    {"{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":"
	     "\"InputLayer\","
	     "\"config\":{\"name\":\"in\",\"batch_input_shape\":[null,8,8,1]}},{\"class_name\":"
	     "\"LSTM\",\"config\":{\"name\":\"rnn\"}}]}}",
	     "rnn"},
	    {"{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":"
	     "\"InputLayer\","
	     "\"config\":{\"name\":\"in\",\"batch_input_shape\":[null,4]}},{\"class_name\":"
	     "\"QDense\","
	     "\"config\":{\"name\":\"qd\",\"units\":2,\"kernel_quantizer\":{\"class_name\":"
	     "\"quantized_bits\",\"config\":{\"bits\":4,\"integer\":0,\"alpha\":\"auto\"}}}}]}}",
	     "qd"},
	    {"[1,2,3]", "Keras"},
	    {"{not json", "JSON"},
	};
	struct hg_net_spec s;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		cr_expect_eq(hg_spec_from_keras_json_text(bad[i].json, &s, err, sizeof(err)), -1,
			     "case %zu accepted", i);
		cr_expect(strstr(err, bad[i].needle) != NULL, "case %zu: '%s' lacks '%s'", i, err,
			  bad[i].needle);
	}
}

static struct hg_net *lab_net(void)
{
	struct hg_net_spec s;
	struct hg_quantizer w = q6(), r6 = {.kind = HG_Q_RELU, .bits = 6};
	struct hg_net *net;
	char err[256];

	hg_spec_lab_cnn(&s, &w, &w, &r6);
	cr_assert_eq(hg_net_create(&net, &s, 2, err, sizeof(err)), 0, "%s", err);
	hg_net_init_weights(net, 42);
	for (int l = 0; l < s.n_layers; l++) {
		size_t n;
		float *b = hg_net_param(net, l, HG_P_BIAS, &n);
		float *m = hg_net_param(net, l, HG_P_MASK, &n);

		hg_net_param(net, l, HG_P_BIAS, &n);
		for (size_t i = 0; i < n; i++)
			b[i] = 0.01f * (float)((int)(i % 7) - 3);
		m = hg_net_param(net, l, HG_P_MASK, &n);
		for (size_t i = 0; i < n; i++)
			m[i] = (i % 4) ? 0.0f : 1.0f; /* 75% pruned */
	}
	return net;
}

static void random_images(float *x, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n * 784; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		x[i] = (float)((seed >> 40) & 0xff) / 255.0f;
	}
}

Test(train_export, checkpoint_round_trip_and_corruption)
{
	struct hg_net *a = lab_net(), *b = NULL;
	char err[256];
	FILE *f;
	long len;
	unsigned char *buf;
	float x[4 * 784], pa[40], pb[40];

	mk_tmp();
	cr_assert_eq(hg_checkpoint_write(a, tmp("m.ckpt"), err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(hg_checkpoint_read(tmp("m.ckpt"), 1, &b, err, sizeof(err)), 0, "%s", err);
	expect_same_spec(hg_net_spec_of(a), hg_net_spec_of(b));
	for (int l = 0; l < hg_net_spec_of(a)->n_layers; l++)
		for (int k = HG_P_KERNEL; k <= HG_P_MASK; k++) {
			size_t n1, n2;
			float *p1 = hg_net_param(a, l, (enum hg_param)k, &n1);
			float *p2 = hg_net_param(b, l, (enum hg_param)k, &n2);

			if (k == HG_P_KERNEL_GRAD || k == HG_P_BIAS_GRAD)
				continue;
			cr_assert_eq(n1, n2);
			cr_expect(!n1 || !memcmp(p1, p2, n1 * sizeof(float)), "layer %d tensor %d",
				  l, k);
		}
	random_images(x, 4, 1);
	hg_net_predict(a, x, 4, 1, pa);
	hg_net_predict(b, x, 4, 1, pb);
	cr_expect_eq(memcmp(pa, pb, sizeof(pa)), 0);
	hg_net_free(b);

	/* one flipped byte, a truncated copy, a foreign file */
	f = fopen(tmp("m.ckpt"), "rb");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len);
	cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	buf[len / 2] ^= 0x10;
	f = fopen(tmp("bad.ckpt"), "wb");
	fwrite(buf, 1, (size_t)len, f);
	fclose(f);
	cr_expect_eq(hg_checkpoint_read(tmp("bad.ckpt"), 1, &b, err, sizeof(err)), -1);
	cr_expect(strstr(err, "checksum") != NULL, "%s", err);
	buf[len / 2] ^= 0x10;
	f = fopen(tmp("short.ckpt"), "wb");
	fwrite(buf, 1, (size_t)len - 100, f);
	fclose(f);
	cr_expect_eq(hg_checkpoint_read(tmp("short.ckpt"), 1, &b, err, sizeof(err)), -1);
	f = fopen(tmp("other.ckpt"), "wb");
	fputs("hello, world, this is not a checkpoint", f);
	fclose(f);
	cr_expect_eq(hg_checkpoint_read(tmp("other.ckpt"), 1, &b, err, sizeof(err)), -1);
	cr_expect(strstr(err, "not an hlsgen checkpoint") != NULL, "%s", err);
	cr_expect_eq(hg_checkpoint_read(tmp("missing.ckpt"), 1, &b, err, sizeof(err)), -1);
	cr_expect_null(b);
	free(buf);
	hg_net_free(a);
	rm_tmp();
}

Test(train_export, imported_qnn_computes_what_the_trainer_computes, .timeout = 60)
{
	struct hg_net *net = lab_net();
	struct hg_export_paths p;
	struct hg_export_opts o = {.hls4ml_major = 0, .hls4ml_minor = 8};
	struct hlsgen_ref ref;
	struct hlsgen_ref_ws ws;
	struct qnn_model m;
	void *buf;
	char err[512];
	enum { N = 16 };
	static float x[N * 784], ours[N * 10], theirs[10];
	double worst = 0.0;

	mk_tmp();
	hg_export_paths_from_prefix(&p, tmp("lab"));
	cr_assert_eq(hg_export_model(net, &p, &o, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(access(p.json, R_OK) | access(p.h5, R_OK) | access(p.ckpt, R_OK), 0);
	cr_assert_eq(hlsgen_model_load(p.qnn, &buf, &m, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(m.n_in, 784u);
	cr_expect_eq(m.n_out, 10u);
	random_images(x, N, 9);
	hg_net_predict(net, x, N, 1, ours);
	cr_assert_eq(hlsgen_ref_init(&ref, &m, HLSGEN_REF_QKERAS, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(hlsgen_ref_ws_alloc(&ref, &ws), 0);
	for (int i = 0; i < N; i++) {
		hlsgen_ref_forward(&ref, &ws, x + i * 784, theirs, (uint64_t)i, NULL, NULL);
		for (int j = 0; j < 10; j++)
			worst = fmax(worst, fabs(theirs[j] - ours[i * 10 + j]));
	}
	/* same QKeras math, float32 vs double accumulation */
	cr_expect_lt(worst, 1e-4, "largest softmax difference %g", worst);
	hlsgen_ref_ws_free(&ws);
	hlsgen_ref_free(&ref);
	free(buf);
	hg_net_free(net);
	rm_tmp();
}

Test(train_export, text_spec_is_the_lab_cnn_and_errors_name_lines)
{
	static const char lab[] =
	    "# the lab's CNN\n"
	    "input 28 28 1\n"
	    "conv2d q_conv2d filters=16 kernel=3 activation=relu \\\n"
	    "   kernel_quantizer=quantized_bits(6, 0, alpha=1) bias_quantizer=quantized_bits(6,0)\n"
	    "activation q_activation quantized_relu(6)\n"
	    "maxpool max_pooling2d 2\n"
	    "conv2d q_conv2d_1 filters=16 kernel=3 activation=relu "
	    "kernel_quantizer=quantized_bits(6,0) bias_quantizer=quantized_bits(6,0)\n"
	    "activation q_activation_1 quantized_relu(6)\n"
	    "maxpool max_pooling2d_1 2\n"
	    "\n"
	    "flatten flatten\n"
	    "dropout dropout 0.5\n"
	    "dense q_dense units=10 kernel_quantizer=quantized_bits(6,0) "
	    "bias_quantizer=quantized_bits(6,0)\n"
	    "softmax softmax\n";
	static const struct {
		const char *text, *needle;
	} bad[] = {
	    {"conv2d c filters=2 kernel=3\n", "line 1"},
	    {"input 8 8 1\nconv2d c filters=2\n", "line 2"},
	    {"input 8 8 1\n\n\nfoo x\n", "line 4: unknown layer kind 'foo'"},
	    {"input 8 8 1\ndropout d 1.5\n", "RATE"},
	    {"input 8 8 1\nactivation a quantized_relu(6,0,use_sigmoid=1)\n", "use_sigmoid"},
	    {"input 8 8 1\ndense d units=4 bogus=1\n", "bogus"},
	};
	struct hg_net_spec got, want;
	struct hg_quantizer w = q6(), r6 = {.kind = HG_Q_RELU, .bits = 6};
	char err[256];

	cr_assert_eq(hg_spec_from_text(lab, &got, err, sizeof(err)), 0, "%s", err);
	hg_spec_lab_cnn(&want, &w, &w, &r6);
	expect_same_spec(&got, &want);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		cr_expect_eq(hg_spec_from_text(bad[i].text, &got, err, sizeof(err)), -1, "case %zu",
			     i);
		cr_expect(strstr(err, bad[i].needle) != NULL, "case %zu: '%s' lacks '%s'", i, err,
			  bad[i].needle);
	}
}
