// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_model_parse.c - the .qnn parser accepts what the writer produces and
 * rejects each class of malformed file with the right errno and a message
 * naming the problem. Malformed files are valid fixtures corrupted in one
 * place and, where the point is not the checksum, re-sealed (crc fixed) so
 * the check under test is the one that fires.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "test_model_fixture.h"

static void *buf;
static size_t len;
static struct qnn_model model;
static char err[256];

static void setup(void)
{
	buf = fx_build(&len);
	cr_assert_not_null(buf, "fixture must build");
}

static void teardown(void)
{
	free(buf);
}

TestSuite(model_parse, .init = setup, .fini = teardown);

static int parse(void)
{
	return qnn_model_parse(buf, len, &model, err, sizeof(err));
}

static int reseal_parse(void)
{
	hlsgen_model_seal(buf, len);
	return parse();
}

#define expect_reject(code, needle)                                                                \
	do {                                                                                       \
		int rc_ = reseal_parse();                                                          \
		cr_expect_eq(rc_, -(code), "rc %d, want %d (%s)", rc_, -(code), err);              \
		cr_expect(strstr(err, needle) != NULL, "message '%s' lacks '%s'", err, needle);    \
	} while (0)

Test(model_parse, valid_fixture)
{
	cr_assert_eq(parse(), 0, "%s", err);
	cr_expect_eq(model.n_layers, FX_N_LAYERS);
	cr_expect_eq(model.n_in, 72);
	cr_expect_eq(model.n_out, 5);
	cr_expect_eq(model.max_tensor, 72, "max of input 72 and outputs (48 largest)");
	cr_expect_eq(err[0], 0);
	cr_expect_not_null(model.layers[0].weights);
	cr_expect_not_null(model.layers[0].bias);
	cr_expect_null(model.layers[0].float_weights);
	cr_expect_null(model.layers[1].weights);
	cr_expect_not_null(model.layers[7].float_weights);
	cr_expect_not_null(model.layers[8].exp_table);
	cr_expect_eq(model.hdr->hls4ml_minor, 8);
}

Test(model_parse, round_trip_arrays)
{
	struct hlsgen_model_desc d;
	struct hlsgen_layer_desc L[FX_N_LAYERS];

	cr_assert_eq(parse(), 0, "%s", err);
	fx_desc(&d, L);
	for (int i = 0; i < FX_N_LAYERS; i++) {
		const struct qnn_layer *l = &model.layers[i];

		cr_expect_str_eq(l->rec->name, L[i].rec.name);
		cr_expect_eq(l->rec->kind, L[i].rec.kind);
		cr_expect_eq(memcmp(&l->rec->result_t, &L[i].rec.result_t, 8), 0);
		if (L[i].weights) {
			cr_expect_eq(l->rec->weights.offset % 8, 0);
			cr_expect_eq(memcmp(l->weights, L[i].weights, 4 * L[i].n_weights), 0);
			cr_expect_eq(memcmp(l->bias, L[i].bias, 4 * L[i].n_bias), 0);
		}
	}
	cr_expect_eq(memcmp(model.layers[7].float_weights, fx_d_fw, sizeof(fx_d_fw)), 0);
	cr_expect_eq(memcmp(model.layers[7].float_bias, fx_d_fb, sizeof(fx_d_fb)), 0);
	cr_expect_eq(memcmp(model.layers[8].exp_table, fx_exp, sizeof(fx_exp)), 0);
	cr_expect_eq(memcmp(model.layers[8].inv_table, fx_inv, sizeof(fx_inv)), 0);
	cr_expect_eq(model.layers[2].rec->pad_bottom, 1);
	cr_expect_eq(model.layers[3].rec->result_q.kind, QNN_QK_QUANTIZED_RELU);
}

Test(model_parse, crc_matches_zlib_check_value)
{
	/* the standard CRC-32 check value and chaining */
	cr_expect_eq(qnn_crc32(0, "123456789", 9), 0xcbf43926u);
	cr_expect_eq(qnn_crc32(qnn_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
	cr_expect_eq(qnn_crc32(0, "", 0), 0u);
}

Test(model_parse, truncated_at_every_length)
{
	/* every shorter prefix, in particular each header/record boundary */
	for (size_t n = 0; n < len; n++) {
		int rc = qnn_model_parse(buf, n, &model, err, sizeof(err));

		cr_assert_eq(rc, -EINVAL, "length %zu: rc %d (%s)", n, rc, err);
		cr_assert(strstr(err, "truncated"), "length %zu: '%s'", n, err);
	}
}

Test(model_parse, trailing_bytes)
{
	void *big = aligned_alloc(8, len + 8);

	memcpy(big, buf, len);
	memset((char *)big + len, 0, 8);
	cr_expect_eq(qnn_model_parse(big, len + 8, &model, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "trailing"), "%s", err);
	free(big);
}

Test(model_parse, unaligned_buffer)
{
	char *copy = aligned_alloc(8, len + 8);

	memcpy(copy + 4, buf, len);
	cr_expect_eq(qnn_model_parse(copy + 4, len, &model, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "aligned"), "%s", err);
	free(copy);
}

Test(model_parse, bad_magic)
{
	fx_hdr(buf)->magic = 0x12345678;
	expect_reject(EINVAL, "bad magic");
}

Test(model_parse, unknown_major_version)
{
	fx_hdr(buf)->version_major = 2;
	expect_reject(EOPNOTSUPP, "unknown major version 2");
}

Test(model_parse, newer_minor_version_accepted)
{
	fx_hdr(buf)->version_minor = 9;
	cr_expect_eq(reseal_parse(), 0, "%s", err);
}

Test(model_parse, bad_checksum_names_both_values)
{
	char want[64];
	uint32_t stored = fx_hdr(buf)->crc32;

	((uint8_t *)buf)[len - 1] ^= 0x40; /* last data byte */
	cr_expect_eq(parse(), -EBADMSG);
	snprintf(want, sizeof(want), "header says 0x%x", stored);
	cr_expect(strstr(err, "bad checksum"), "%s", err);
	cr_expect(strstr(err, want), "'%s' lacks '%s'", err, want);
	cr_expect(strstr(err, "contents give 0x"), "%s", err);
}

Test(model_parse, every_single_bit_flip_detected)
{
	for (size_t i = 0; i < len; i++) {
		((uint8_t *)buf)[i] ^= 1;
		cr_assert_neq(parse(), 0, "flip at byte %zu accepted", i);
		((uint8_t *)buf)[i] ^= 1;
	}
	cr_expect_eq(parse(), 0, "%s", err);
}

Test(model_parse, header_and_record_sizes)
{
	fx_hdr(buf)->header_size = 128;
	expect_reject(EINVAL, "header_size 128");
	fx_hdr(buf)->header_size = QNN_HEADER_SIZE;
	fx_hdr(buf)->layer_rec_size = 512;
	expect_reject(EINVAL, "layer_rec_size 512");
}

Test(model_parse, file_size_fields)
{
	fx_hdr(buf)->file_size = 0xffffffffu;
	expect_reject(EOVERFLOW, "file_size 4294967295 exceeds");
	fx_hdr(buf)->file_size = (uint32_t)len + 8;
	expect_reject(EINVAL, "truncated");
}

Test(model_parse, layer_counts)
{
	fx_hdr(buf)->n_layers = 0;
	expect_reject(EINVAL, "no layers");
	fx_hdr(buf)->n_layers = QNN_MAX_LAYERS + 1;
	expect_reject(EOVERFLOW, "65 layers exceed");
	fx_hdr(buf)->n_layers = 0xffffffffu;
	expect_reject(EOVERFLOW, "layers exceed");
	fx_hdr(buf)->n_layers = 40; /* records would run past the file */
	expect_reject(EINVAL, "truncated: 40 layer records");
}

Test(model_parse, reserved_fields)
{
	fx_hdr(buf)->reserved[36] = 1;
	expect_reject(EINVAL, "header reserved");
	fx_hdr(buf)->reserved[36] = 0;
	fx_hdr(buf)->flags = 4;
	expect_reject(EINVAL, "unknown header flags");
	fx_hdr(buf)->flags = 0;
	fx_layer(buf, 3)->reserved[7] = 9;
	expect_reject(EINVAL, "layer 3 'qa': reserved bytes");
	fx_layer(buf, 3)->reserved[7] = 0;
	fx_layer(buf, 3)->reserved0 = 1;
	expect_reject(EINVAL, "reserved bytes");
	fx_layer(buf, 3)->reserved0 = 0;
	fx_layer(buf, 0)->weight_t.reserved = 1;
	expect_reject(EINVAL, "weight_t reserved");
	fx_layer(buf, 0)->weight_t.reserved = 0;
	fx_layer(buf, 3)->result_q.reserved[2] = 1;
	expect_reject(EINVAL, "result_q reserved");
}

Test(model_parse, unknown_enums)
{
	fx_layer(buf, 1)->kind = 0;
	expect_reject(EINVAL, "unknown layer kind 0");
	fx_layer(buf, 1)->kind = QNN_LAYER_KIND_MAX;
	expect_reject(EINVAL, "unknown layer kind");
	fx_layer(buf, 1)->kind = QNN_LAYER_RELU;
	fx_layer(buf, 0)->flags |= 0x8000;
	expect_reject(EINVAL, "unknown flags");
	fx_layer(buf, 0)->flags = QNN_LF_HAS_BIAS;
	fx_layer(buf, 1)->result_t.rounding = QNN_RND_COUNT;
	expect_reject(EINVAL, "unknown rounding mode 7");
	fx_layer(buf, 1)->result_t.rounding = 0;
	fx_layer(buf, 1)->result_t.overflow = QNN_OVF_COUNT;
	expect_reject(EINVAL, "unknown overflow mode 4");
	fx_layer(buf, 1)->result_t.overflow = 0;
	fx_layer(buf, 1)->result_t.is_signed = 2;
	expect_reject(EINVAL, "is_signed");
	fx_layer(buf, 1)->result_t.is_signed = 1;
	fx_layer(buf, 2)->padding = 2;
	expect_reject(EINVAL, "unknown padding mode 2");
	fx_layer(buf, 2)->padding = QNN_PAD_SAME;
	fx_layer(buf, 8)->softmax_impl = QNN_SOFTMAX_IMPL_COUNT;
	expect_reject(EINVAL, "unknown softmax implementation");
	fx_layer(buf, 8)->softmax_impl = 0;
	fx_layer(buf, 8)->softmax_rule = QNN_SMX_RULE_COUNT;
	expect_reject(EINVAL, "unknown softmax table rule");
	fx_layer(buf, 8)->softmax_rule = 0;
	fx_layer(buf, 3)->result_q.kind = QNN_QK_COUNT;
	expect_reject(EINVAL, "unknown quantizer kind");
	fx_layer(buf, 3)->result_q.kind = QNN_QK_QUANTIZED_RELU;
	cr_expect_eq(reseal_parse(), 0, "%s", err);
}

Test(model_parse, softmax_hls4ml_12_types)
{
	struct qnn_layer_rec *s = fx_layer(buf, 8);

	s->inp_norm_t = fx_type(16, 6, 0, 0, 0);
	expect_reject(EINVAL, "layer 8 's': inp_norm_t is set but unused");
	s->softmax_rule = QNN_SMX_RULE_HLS4ML_12;
	cr_expect_eq(reseal_parse(), 0, "%s", err);
	s->inv_inp_t = fx_type(40, 6, 1, 0, 0);
	expect_reject(EINVAL, "inv_inp_t width 40");
	s->inv_inp_t = fx_type(0, 0, 0, 0, 0);
	fx_layer(buf, 1)->inv_inp_t = fx_type(8, 2, 1, 0, 0); /* not a softmax */
	expect_reject(EINVAL, "layer 1 'c1_relu': softmax fields set");
}

/* accum_t on a softmax (minor 2): only with the hls4ml 1.2+ rule, up to 64 bits */
Test(model_parse, softmax_accum_type)
{
	struct qnn_layer_rec *s = fx_layer(buf, 8);

	s->accum_t = fx_type(16, 6, 1, 0, 0);
	expect_reject(EINVAL, "layer 8 's': accum_t is set but unused");
	s->softmax_rule = QNN_SMX_RULE_HLS4ML_12;
	cr_expect_eq(reseal_parse(), 0, "%s", err);
	s->accum_t = fx_type(64, 30, 1, 0, 0);
	cr_expect_eq(reseal_parse(), 0, "%s", err);
	s->accum_t.width = 65;
	expect_reject(EINVAL, "accum_t width 65 out of range (max 64)");
	s->accum_t = fx_type(16, 6, 1, QNN_RND_COUNT, 0);
	expect_reject(EINVAL, "accum_t unknown rounding mode");
	s->accum_t = fx_type(0, 0, 0, 0, 0);
	fx_layer(buf, 1)->accum_t = fx_type(16, 6, 1, 0, 0); /* a relu has none */
	expect_reject(EINVAL, "layer 1 'c1_relu': accum_t is set but unused");
}

/* accum_t on a max pool (minor 2): informative, must hold the input type */
Test(model_parse, pool_accum_type)
{
	struct qnn_layer_rec *p = fx_layer(buf, 4), *in = fx_layer(buf, 3);

	in->result_t = fx_type(8, 2, 1, 0, 0);
	cr_expect_eq(reseal_parse(), 0, "%s", err);
	p->accum_t = fx_type(8, 2, 1, 0, 0);
	cr_expect_eq(reseal_parse(), 0, "the same type: %s", err);
	p->accum_t = fx_type(16, 6, 1, QNN_RND_RND, QNN_OVF_SAT);
	cr_expect_eq(reseal_parse(), 0, "wider: %s", err);
	p->accum_t = fx_type(7, 2, 1, 0, 0);
	expect_reject(EINVAL, "layer 4 'p': accum_t does not hold the input type");
	p->accum_t = fx_type(8, 1, 1, 0, 0);
	expect_reject(EINVAL, "accum_t does not hold");
	p->accum_t = fx_type(16, 6, 0, 0, 0);
	expect_reject(EINVAL, "accum_t does not hold");
	in->result_t = fx_type(8, 2, 0, 0, 0); /* unsigned input */
	p->accum_t = fx_type(8, 2, 1, 0, 0);
	expect_reject(EINVAL, "accum_t does not hold");
	p->accum_t = fx_type(9, 3, 1, 0, 0);
	cr_expect_eq(reseal_parse(), 0, "%s", err);
}

/* product_t (minor 1): optional on conv/dense, a valid type of at most 63 bits */
Test(model_parse, product_type)
{
	fx_layer(buf, 7)->product_t = fx_type(14, 7, 1, 0, 0);
	cr_expect_eq(reseal_parse(), 0, "%s", err);
	fx_layer(buf, 0)->product_t = fx_type(63, 30, 1, 0, 0);
	cr_expect_eq(reseal_parse(), 0, "%s", err);
	fx_layer(buf, 0)->product_t.width = 64;
	expect_reject(EINVAL, "layer 0 'c1': product_t width 64 out of range (max 63)");
	fx_layer(buf, 0)->product_t = fx_type(14, 7, 1, QNN_RND_COUNT, 0);
	expect_reject(EINVAL, "product_t unknown rounding mode");
	fx_layer(buf, 0)->product_t = fx_type(14, 7, 1, 0, 0);
	fx_layer(buf, 0)->product_t.reserved = 1;
	expect_reject(EINVAL, "product_t reserved");
	fx_layer(buf, 0)->product_t = fx_type(14, -90, 1, 0, 0);
	expect_reject(EINVAL, "product_t int_bits -90 out of range");
	fx_layer(buf, 0)->product_t = fx_type(0, 0, 0, 0, 0);
	fx_layer(buf, 1)->product_t = fx_type(14, 7, 1, 0, 0); /* a relu has no products */
	expect_reject(EINVAL, "layer 1 'c1_relu': product_t is set but unused");
	fx_layer(buf, 1)->product_t = fx_type(0, 7, 0, 0, 0); /* width 0 but not all zero */
	expect_reject(EINVAL, "product_t is set but unused");
	fx_layer(buf, 1)->product_t = fx_type(0, 0, 0, 0, 0);
	cr_expect_eq(reseal_parse(), 0, "%s", err);
}

Test(model_parse, type_widths)
{
	fx_layer(buf, 0)->weight_t.width = 33;
	expect_reject(EINVAL, "weight_t width 33 out of range (max 32)");
	fx_layer(buf, 0)->weight_t.width = 6;
	fx_layer(buf, 0)->accum_t.width = 65;
	expect_reject(EINVAL, "accum_t width 65 out of range (max 64)");
	fx_layer(buf, 0)->accum_t.width = 64; /* accumulators may be 64 bits */
	fx_layer(buf, 0)->accum_t.int_bits = 30;
	cr_expect_eq(reseal_parse(), 0, "%s", err);
	fx_layer(buf, 0)->accum_t.width = 0;
	expect_reject(EINVAL, "accum_t is missing");
	fx_layer(buf, 0)->accum_t.width = 16;
	fx_layer(buf, 1)->result_t.int_bits = -100;
	expect_reject(EINVAL, "int_bits -100 out of range");
	fx_layer(buf, 1)->result_t.int_bits = 6;
	fx_layer(buf, 5)->result_t.width = 8; /* flatten produces no codes */
	expect_reject(EINVAL, "layer 5 'fl': result_t is set but unused");
	fx_layer(buf, 5)->result_t.width = 0;
	fx_hdr(buf)->input_t.width = 40;
	expect_reject(EINVAL, "input_t width 40");
}

Test(model_parse, codes_outside_type_range)
{
	int32_t *w = (int32_t *)((uint8_t *)buf + fx_layer(buf, 0)->weights.offset);

	w[5] = 32; /* ap_fixed<6,1> holds -32..31 */
	expect_reject(EINVAL, "layer 0 'c1': weights[5] = 32 outside");
	w[5] = -33;
	expect_reject(EINVAL, "weights[5] = -33");
	w[5] = -32;
	cr_expect_eq(reseal_parse(), 0, "%s", err);
	/* unsigned type: negative bit patterns are out of range */
	fx_layer(buf, 0)->bias_t.is_signed = 0;
	expect_reject(EINVAL, "bias[0] = -2 outside");
	fx_layer(buf, 0)->bias_t.is_signed = 1;
	int32_t *t = (int32_t *)((uint8_t *)buf + fx_layer(buf, 8)->exp_table.offset);
	t[63] = 1 << 17; /* 18-bit signed max is 2^17 - 1 */
	expect_reject(EINVAL, "exp_table[63]");
}

Test(model_parse, blob_bounds)
{
	struct qnn_layer_rec *r = fx_layer(buf, 0);
	uint32_t off = r->weights.offset;

	r->weights.offset = 0xfffffff8u;
	expect_reject(EOVERFLOW, "runs past the end");
	r->weights.offset = (uint32_t)len - 8; /* 54 elements cannot fit */
	expect_reject(EOVERFLOW, "runs past the end");
	r->weights.offset = off + 4;
	expect_reject(EINVAL, "not 8-byte aligned");
	r->weights.offset = 0;
	expect_reject(EINVAL, "overlaps the header");
	r->weights.offset = QNN_HEADER_SIZE + 256;
	expect_reject(EINVAL, "overlaps the header/layer records");
	r->weights.offset = off;
	r->weights.count = 0xffffffffu;
	expect_reject(EINVAL, "has 4294967295 elements, shape needs 54");
	r->weights.count = 54;
	/* bias placed inside the weights */
	uint32_t boff = r->bias.offset;
	r->bias.offset = off + 8;
	expect_reject(EINVAL, "overlaps an array of layer 0");
	r->bias.offset = boff;
	/* a later layer's array on top of an earlier one */
	fx_layer(buf, 7)->bias.offset = fx_layer(buf, 2)->weights.offset;
	expect_reject(EINVAL, "layer 7 'd': array at offset");
}

Test(model_parse, counts_must_match_shapes)
{
	fx_layer(buf, 0)->weights.count = 53; /* kh*kw*cin*cout = 54 */
	expect_reject(EINVAL, "weights has 53 elements, shape needs 54");
	fx_layer(buf, 0)->weights.count = 54;
	fx_layer(buf, 7)->bias.count = 4;
	expect_reject(EINVAL, "bias has 4 elements, shape needs 5");
	fx_layer(buf, 7)->bias.count = 5;
	fx_layer(buf, 7)->float_weights.count = 19;
	expect_reject(EINVAL, "float_weights has 19 elements, shape needs 20");
	fx_layer(buf, 7)->float_weights.count = 20;
	fx_layer(buf, 8)->table_size = 32;
	expect_reject(EINVAL, "exp_table has 64 elements, shape needs 32");
	fx_layer(buf, 8)->table_size = 63;
	expect_reject(EINVAL, "power of two");
	fx_layer(buf, 8)->table_size = 1u << 17;
	expect_reject(EOVERFLOW, "table_size 131072");
	fx_layer(buf, 8)->table_size = 64;
	/* a bias without the flag, and a relu with weights */
	fx_layer(buf, 0)->flags = 0;
	expect_reject(EINVAL, "bias_t is set but unused");
	fx_layer(buf, 0)->flags = QNN_LF_HAS_BIAS;
	fx_layer(buf, 1)->weights = fx_layer(buf, 0)->weights;
	expect_reject(EINVAL, "weight/bias arrays on a layer without parameters");
}

Test(model_parse, shapes_must_chain)
{
	struct qnn_layer_rec *r = fx_layer(buf, 1);

	r->in_c = r->out_c = 5;
	expect_reject(EINVAL, "layer 1 'c1_relu': input 4x4x5 does not match the previous layer's "
			      "output 4x4x3");
	r->in_c = r->out_c = 3;
	fx_layer(buf, 0)->in_h = 7;
	fx_layer(buf, 0)->out_h = 5;
	expect_reject(EINVAL, "does not match the model's input 6x6x2");
	fx_layer(buf, 0)->in_h = 6;
	fx_layer(buf, 0)->out_h = 4;
	fx_hdr(buf)->n_out = 6;
	expect_reject(EINVAL, "header n_out 6 but the last layer outputs 5");
	fx_hdr(buf)->n_out = 5;
	fx_layer(buf, 1)->out_w = 3; /* relu must keep its shape */
	expect_reject(EINVAL, "output 4x3x3 must equal input 4x4x3");
	fx_layer(buf, 1)->out_w = 4;
	fx_layer(buf, 5)->out_c = 5;
	expect_reject(EINVAL, "flatten of 1x1x4 must be 1x1x4");
	fx_layer(buf, 5)->out_c = 4;
	fx_layer(buf, 4)->out_c = 3;
	expect_reject(EINVAL, "pooling changes channels");
}

Test(model_parse, geometry)
{
	struct qnn_layer_rec *c1 = fx_layer(buf, 0), *c2 = fx_layer(buf, 2);

	c1->out_h = 3; /* (6 - 3) / 1 + 1 = 4 */
	expect_reject(EINVAL, "height output 3 inconsistent with input 6, kernel 3, stride 1, "
			      "valid padding (expected 4)");
	c1->out_h = 4;
	c1->pad_left = 1;
	expect_reject(EINVAL, "width padding 'valid' with non-zero pads");
	c1->pad_left = 0;
	c2->pad_bottom = 0;
	c2->pad_top = 1;
	expect_reject(EINVAL, "height pads 1+0 inconsistent with same padding (expected 0+1)");
	c2->pad_top = 0;
	c2->pad_bottom = 1;
	c2->stride_w = 0;
	expect_reject(EINVAL, "must be >= 1");
	c2->stride_w = 2;
	c1->kernel_h = 7;
	expect_reject(EINVAL, "kernel 7 larger than input 6");
	c1->kernel_h = 3;
	fx_layer(buf, 1)->kernel_h = 1; /* relu has no window */
	expect_reject(EINVAL, "kernel/stride/padding set but unused");
}

Test(model_parse, absurd_sizes)
{
	fx_hdr(buf)->in_h = 5000;
	expect_reject(EOVERFLOW, "exceeds the 4096 limit");
	fx_hdr(buf)->in_h = 4096;
	fx_hdr(buf)->in_w = 4096;
	expect_reject(EOVERFLOW, "exceeds 4194304 elements");
	fx_hdr(buf)->in_w = 6;
	fx_hdr(buf)->in_h = 6;
	fx_hdr(buf)->in_c = 0;
	expect_reject(EINVAL, "zero dimension");
	fx_hdr(buf)->in_c = 2;
	/* 3*3*4096*4096 conv weights exceed QNN_MAX_PARAMS (checked before chaining) */
	fx_layer(buf, 0)->in_c = 4096;
	fx_layer(buf, 0)->out_c = 4096;
	expect_reject(EOVERFLOW, "layer 0 'c1': 150994944 weights exceed the 16777216 limit");
}

Test(model_parse, names_must_be_terminated)
{
	memset(fx_layer(buf, 2)->name, 'x', QNN_NAME_LEN);
	expect_reject(EINVAL, "layer 2: name empty or not NUL-terminated");
	fx_layer(buf, 2)->name[0] = 0;
	expect_reject(EINVAL, "layer 2: name empty");
	strcpy(fx_layer(buf, 2)->name, "c2");
	memset(fx_hdr(buf)->name, 'm', QNN_NAME_LEN);
	expect_reject(EINVAL, "model name");
}

Test(model_parse, quantizer_descriptors)
{
	fx_layer(buf, 0)->weight_q.bits = 0;
	expect_reject(EINVAL, "weight_q bits 0 out of range");
	fx_layer(buf, 0)->weight_q.bits = 6;
	fx_layer(buf, 0)->weight_q.keep_negative = 2;
	expect_reject(EINVAL, "keep_negative");
	fx_layer(buf, 0)->weight_q.keep_negative = 1;
	fx_layer(buf, 4)->result_q.kind = QNN_QK_QUANTIZED_RELU; /* pooling has none */
	expect_reject(EINVAL, "result_q is set but unused");
}

Test(model_parse, message_fits_small_buffers)
{
	char tiny[8];

	fx_hdr(buf)->magic = 1;
	cr_expect_eq(qnn_model_parse(buf, len, &model, tiny, sizeof(tiny)), -EINVAL);
	cr_expect_eq(strlen(tiny), 7);
	cr_expect_eq(qnn_model_parse(buf, len, &model, NULL, 0), -EINVAL);
	cr_expect_eq(qnn_model_parse(NULL, len, &model, err, sizeof(err)), -EINVAL);
}

/*
 * Every byte of the header and the records set to a few values, with the
 * checksum fixed so the structural checks see it: nothing may crash (this
 * runs under ASan/UBSan too) and a rejection always says why.
 */
Test(model_parse, resealed_byte_mutations_never_crash)
{
	static const uint8_t vals[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
	size_t recs_end = QNN_HEADER_SIZE + FX_N_LAYERS * QNN_LAYER_REC_SIZE;
	uint8_t *p = buf;
	unsigned accepted = 0, rejected = 0;

	for (size_t i = 0; i < recs_end; i++) {
		uint8_t orig = p[i];

		for (size_t v = 0; v < sizeof(vals); v++) {
			if (vals[v] == orig)
				continue;
			p[i] = vals[v];
			if (reseal_parse() == 0) {
				accepted++;
			} else {
				rejected++;
				cr_assert(err[0], "byte %zu = %u rejected without a message", i,
					  vals[v]);
			}
		}
		p[i] = orig;
	}
	cr_expect_gt(rejected, accepted, "most mutations must be caught (%u ok, %u rejected)",
		     accepted, rejected);
}
