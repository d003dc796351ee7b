// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The float checkpoint (hlsgen/train/README.md): everything needed to
 * rebuild the trained network exactly, in one little-endian file
 *
 *   "HGCKPT01"  u32 json_len  json (the Keras JSON of the spec)
 *   u32 n_tensors, then per tensor: u32 layer, u32 kind (0 kernel, 1 bias,
 *   2 pruning mask), u32 count, count x f32
 *   u32 crc32 of all preceding bytes
 *
 * The reader checks every length against the file and the rebuilt network
 * before copying anything, and the checksum before trusting the result.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_io.h"
#include "qnn_model.h"
#include "../net/tnet.h"

#define CKPT_MAGIC "HGCKPT01"
#define CKPT_MAX   (256u << 20)

struct wbuf {
	unsigned char *p;
	size_t n, cap;
};

static int put(struct wbuf *b, const void *v, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
		unsigned char *p = realloc(b->p, cap);

		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, v, n);
	b->n += n;
	return 0;
}

static int put_u32(struct wbuf *b, uint32_t v)
{
	unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24)};

	return put(b, le, 4);
}

static int put_tensor(struct wbuf *b, int l, int kind, const float *v, size_t n)
{
	int rc = put_u32(b, (uint32_t)l) | put_u32(b, (uint32_t)kind) | put_u32(b, (uint32_t)n);

	for (size_t i = 0; i < n && !rc; i++) {
		uint32_t u;

		memcpy(&u, &v[i], 4);
		rc = put_u32(b, u);
	}
	return rc;
}

int hg_checkpoint_write(struct hg_net *net, const char *path, char *err, size_t errlen)
{
	struct wbuf b = {0};
	char *json = hg_keras_json_string(&net->spec);
	uint32_t nt = 0;
	int rc = json ? 0 : -1;
	FILE *f;

	for (int l = 0; l < net->n_layers; l++)
		nt += (net->L[l].nw ? 1 : 0) + (net->L[l].nb ? 1 : 0) + (net->L[l].mask ? 1 : 0);
	rc |= put(&b, CKPT_MAGIC, 8);
	rc |= json ? put_u32(&b, (uint32_t)strlen(json)) | put(&b, json, strlen(json)) : -1;
	rc |= put_u32(&b, nt);
	for (int l = 0; l < net->n_layers && !rc; l++) {
		struct tlayer *L = &net->L[l];

		if (L->nw)
			rc |= put_tensor(&b, l, 0, L->w, L->nw);
		if (L->nb)
			rc |= put_tensor(&b, l, 1, L->b, L->nb);
		if (L->mask)
			rc |= put_tensor(&b, l, 2, L->mask, L->nw);
	}
	rc |= put_u32(&b, qnn_crc32(0, b.p, b.n));
	free(json);
	if (rc) {
		free(b.p);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	f = fopen(path, "wb");
	if (!f) {
		rc = -1;
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	} else {
		int short_write = fwrite(b.p, 1, b.n, f) != b.n;
		int e = errno, closed = fclose(f);

		if (short_write || closed) {
			rc = -1;
			snprintf(err, errlen, "cannot write %s: %s", path,
				 strerror(short_write ? e : errno));
		}
	}
	free(b.p);
	return rc;
}

struct rbuf {
	const unsigned char *p;
	size_t n, at;
};

static int get_u32(struct rbuf *r, uint32_t *v)
{
	if (r->n - r->at < 4)
		return -1;
	*v = (uint32_t)r->p[r->at] | (uint32_t)r->p[r->at + 1] << 8 |
	     (uint32_t)r->p[r->at + 2] << 16 | (uint32_t)r->p[r->at + 3] << 24;
	r->at += 4;
	return 0;
}

static int load_tensors(struct hg_net *net, struct rbuf *r, char *err, size_t errlen)
{
	uint32_t nt, l, kind, cnt;

	if (get_u32(r, &nt))
		goto trunc;
	for (uint32_t i = 0; i < nt; i++) {
		struct tlayer *L;
		float *dst;
		size_t want;

		if (get_u32(r, &l) || get_u32(r, &kind) || get_u32(r, &cnt))
			goto trunc;
		if (l >= (uint32_t)net->n_layers || kind > 2) {
			snprintf(err, errlen, "tensor %u: bad layer %u or kind %u", i, l, kind);
			return -1;
		}
		L = &net->L[l];
		dst = kind == 0 ? L->w : kind == 1 ? L->b : L->mask;
		want = kind == 1 ? L->nb : L->nw;
		if (!dst || cnt != want) {
			snprintf(err, errlen, "layer %s: tensor of %u values, the model has %zu",
				 L->s->name, cnt, dst ? want : 0);
			return -1;
		}
		if ((r->n - r->at) / 4 < cnt)
			goto trunc;
		memcpy(dst, r->p + r->at, (size_t)cnt * 4); /* host is little-endian */
		r->at += (size_t)cnt * 4;
	}
	return 0;
trunc:
	snprintf(err, errlen, "truncated");
	return -1;
}

int hg_checkpoint_read(const char *path, int threads, struct hg_net **out, char *err, size_t errlen)
{
	size_t n = 0;
	unsigned char *p = NULL;
	int rc = hlsgen_read_file(path, CKPT_MAX, (void **)&p, &n, err, errlen);
	struct rbuf r = {p, n, 8};
	struct hg_net_spec *spec = NULL;
	struct hg_net *net = NULL;
	char msg[256] = "";
	uint32_t jl, crc;
	char *json = NULL;

	*out = NULL;
	if (rc)
		return -1;
	if (n < 16 || memcmp(p, CKPT_MAGIC, 8)) {
		snprintf(msg, sizeof(msg), "not an hlsgen checkpoint");
		goto bad;
	}
	memcpy(&crc, p + n - 4, 4);
	if (qnn_crc32(0, p, n - 4) != crc) {
		snprintf(msg, sizeof(msg), "checksum mismatch (corrupted)");
		goto bad;
	}
	r.n = n - 4;
	if (get_u32(&r, &jl) || jl > r.n - r.at) {
		snprintf(msg, sizeof(msg), "truncated");
		goto bad;
	}
	spec = calloc(1, sizeof(*spec));
	json = malloc(jl + 1);
	if (!spec || !json) {
		snprintf(msg, sizeof(msg), "out of memory");
		goto bad;
	}
	memcpy(json, p + r.at, jl);
	json[jl] = 0;
	r.at += jl;
	if (hg_spec_from_keras_json_text(json, spec, msg, sizeof(msg)) ||
	    hg_net_create(&net, spec, threads, msg, sizeof(msg)) ||
	    load_tensors(net, &r, msg, sizeof(msg)))
		goto bad;
	free(json);
	free(spec);
	free(p);
	*out = net;
	return 0;
bad:
	snprintf(err, errlen, "%s: %s", path, msg);
	hg_net_free(net);
	free(json);
	free(spec);
	free(p);
	return -1;
}
