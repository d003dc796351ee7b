// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for qnn-oipd's request parser (daemon/oipd/infer_parse.c),
 * the code that reads what the network sends. Input: 2 bytes choosing where
 * the JSON ends (as Inference-Header-Content-Length would; 0xffff = the whole
 * body), then the body. An accepted request must satisfy every rule the
 * parser promises (sample count, finite inputs, UINT8 range, outputs the
 * model has); its response is built and must be valid JSON of its stated
 * length followed by exactly the binary bytes it announces.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oipd.h"

static const struct oip_model model = {
    .name = "mnist",
    .version = "01234567",
    .in_h = 28,
    .in_w = 28,
    .in_c = 1,
    .n_in = 784,
    .n_out = 10,
    .max_samples = 16,
    .has_logits = true,
};

static void check_reply(const struct oip_request *req)
{
	size_t n = req->n, no = model.n_out;
	int32_t *cls = calloc(n, 4);
	float *probs = calloc(n * no, 4), *logits = calloc(n * no, 4);
	struct oip_result res = {cls, probs, logits, true};
	struct oip_body b;

	for (size_t i = 0; i < n * no; i++)
		probs[i] = logits[i] = req->in[i % (n * model.n_in)];
	if (oip_reply_infer(&model, req, &res, &b))
		abort();
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = json_tokener_parse_ex(tok, b.data, (int)b.json_len);

	if (!o || json_tokener_get_parse_end(tok) != b.json_len)
		abort();
	size_t tail = 0;

	for (int k = 0; k < OIP_N_OUTPUTS; k++)
		if (req->outputs & req->binary & (1u << k))
			tail += 4 * (k == 0 ? n : n * no);
	if (b.len != b.json_len + tail || b.binary != (tail > 0))
		abort();
	json_object_put(o);
	json_tokener_free(tok);
	free(b.data);
	free(cls);
	free(probs);
	free(logits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oip_request req;
	char err[512];

	if (size < 2)
		return 0;
	size_t len = size - 2, split = (size_t)data[0] | (size_t)data[1] << 8;
	size_t json_len = split == 0xffff ? len : split % (len + 1);
	/* A copy of exactly the body, so any read past it is caught by ASan. */
	char *body = malloc(len ? len : 1);

	memcpy(body, data + 2, len);
	err[0] = 0;
	int r = oip_parse_infer(body, len, json_len, &model, &req, err, sizeof(err));

	if (r) {
		if (r != 400 || !err[0] || req.in || req.id)
			abort();
		free(body);
		return 0;
	}
	if (req.n < 1 || req.n > model.max_samples || !req.in || !req.outputs ||
	    (req.outputs & ~7u) || (req.binary & ~req.outputs))
		abort();
	for (size_t i = 0; i < (size_t)req.n * model.n_in; i++)
		if (!isfinite(req.in[i]))
			abort();
	check_reply(&req);
	oip_request_free(&req);
	free(body);
	return 0;
}
