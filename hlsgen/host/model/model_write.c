// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * model_write.c - lay out a .qnn file from a struct hlsgen_model_desc:
 * header, layer records, then every array 8-byte aligned in layer order,
 * then the crc. The result is re-read with the real parser before it is
 * handed out, so the writer cannot produce a file the readers reject.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hlsgen_error.h"
#include "hlsgen_model_write.h"

static uint64_t align8(uint64_t x)
{
	return (x + 7) & ~(uint64_t)7;
}

/* One array to place: where its ref lives and what to copy. */
struct placement {
	struct qnn_blob_ref *ref;
	const void *src;
	uint32_t count;
};

static int collect(const struct hlsgen_layer_desc *ld, struct qnn_layer_rec *rec,
		   struct placement p[6])
{
	const struct placement all[6] = {
	    {&rec->weights, ld->weights, ld->weights ? ld->n_weights : 0},
	    {&rec->bias, ld->bias, ld->bias ? ld->n_bias : 0},
	    {&rec->exp_table, ld->exp_table, ld->exp_table ? ld->n_table : 0},
	    {&rec->inv_table, ld->inv_table, ld->inv_table ? ld->n_table : 0},
	    {&rec->float_weights, ld->float_weights, ld->float_weights ? ld->n_weights : 0},
	    {&rec->float_bias, ld->float_bias, ld->float_bias ? ld->n_bias : 0},
	};

	memcpy(p, all, sizeof(all));
	return 6;
}

void hlsgen_model_seal(void *buf, size_t len)
{
	struct qnn_file_header *h = buf;

	if (len < sizeof(*h))
		return;
	h->crc32 = 0;
	h->crc32 = qnn_crc32(0, buf, len);
}

/*
 * The oldest minor that has every field the file uses, so files without
 * the newest fields stay what older writers produced: 2 for an accum_t
 * on a softmax or a max pool, else 1.
 */
static uint16_t needed_minor(const struct hlsgen_model_desc *d)
{
	for (uint32_t i = 0; i < d->n_layers; i++)
		if ((d->layers[i].rec.kind == QNN_LAYER_SOFTMAX ||
		     d->layers[i].rec.kind == QNN_LAYER_MAXPOOL2D) &&
		    d->layers[i].rec.accum_t.width)
			return 2;
	return 1;
}

static void fill_header(const struct hlsgen_model_desc *d, struct qnn_file_header *h, uint64_t size)
{
	const struct qnn_layer_rec *last = &d->layers[d->n_layers - 1].rec;

	h->magic = QNN_MODEL_MAGIC;
	h->version_major = QNN_MODEL_VERSION_MAJOR;
	h->version_minor = needed_minor(d);
	h->header_size = QNN_HEADER_SIZE;
	h->layer_rec_size = QNN_LAYER_REC_SIZE;
	h->file_size = (uint32_t)size;
	h->n_layers = d->n_layers;
	snprintf(h->name, sizeof(h->name), "%s", d->name ? d->name : "model");
	h->in_h = d->in_h;
	h->in_w = d->in_w;
	h->in_c = d->in_c;
	h->n_out = d->n_out ? d->n_out : last->out_h * last->out_w * last->out_c;
	h->input_t = d->input_t;
	h->hls4ml_major = d->hls4ml_major;
	h->hls4ml_minor = d->hls4ml_minor;
}

int hlsgen_model_build(const struct hlsgen_model_desc *d, unsigned int flags, void **out,
		       size_t *out_len, char *err, size_t errlen)
{
	struct placement p[6];
	struct qnn_layer_rec *recs;
	struct qnn_model *m;
	uint64_t size;
	uint8_t *buf;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (!d->n_layers || d->n_layers > QNN_MAX_LAYERS || !d->layers)
		return hg_fail(err, errlen, -EINVAL, "model needs 1..%u layers, got %u",
			       QNN_MAX_LAYERS, d->n_layers);
	if (d->name && strlen(d->name) >= QNN_NAME_LEN)
		return hg_fail(err, errlen, -EINVAL, "model name '%s' longer than %u bytes",
			       d->name, QNN_NAME_LEN - 1);

	/* pass 1: sizes */
	size = QNN_HEADER_SIZE + (uint64_t)d->n_layers * QNN_LAYER_REC_SIZE;
	for (uint32_t i = 0; i < d->n_layers; i++) {
		struct qnn_layer_rec tmp = d->layers[i].rec;

		collect(&d->layers[i], &tmp, p);
		for (int j = 0; j < 6; j++)
			if (p[j].count)
				size = align8(size) + 4ULL * p[j].count;
	}
	size = align8(size);
	if (size > QNN_MAX_FILE_SIZE)
		return hg_fail(err, errlen, -EOVERFLOW, "model would be %llu bytes, limit %u",
			       (unsigned long long)size, QNN_MAX_FILE_SIZE);

	/* pass 2: place (zeroed buffer: padding and reserved fields are 0) */
	buf = aligned_alloc(8, size);
	if (!buf)
		return hg_fail(err, errlen, -ENOMEM, "out of memory for a %llu-byte model",
			       (unsigned long long)size);
	memset(buf, 0, size);
	fill_header(d, (struct qnn_file_header *)buf, size);
	recs = (struct qnn_layer_rec *)(buf + QNN_HEADER_SIZE);
	size = QNN_HEADER_SIZE + (uint64_t)d->n_layers * QNN_LAYER_REC_SIZE;
	for (uint32_t i = 0; i < d->n_layers; i++) {
		recs[i] = d->layers[i].rec;
		collect(&d->layers[i], &recs[i], p);
		for (int j = 0; j < 6; j++) {
			*p[j].ref = (struct qnn_blob_ref){0, 0};
			if (!p[j].count)
				continue;
			size = align8(size);
			p[j].ref->offset = (uint32_t)size;
			p[j].ref->count = p[j].count;
			/* int32 codes and IEEE-754 floats are both stored as their
			 * 4 little-endian bytes: a plain copy on the LE hosts we build */
			memcpy(buf + size, p[j].src, 4ULL * p[j].count);
			size += 4ULL * p[j].count;
		}
	}
	hlsgen_model_seal(buf, align8(size));

	if (!(flags & HLSGEN_MW_NO_VALIDATE)) {
		m = malloc(sizeof(*m));
		if (!m) {
			free(buf);
			return hg_fail(err, errlen, -ENOMEM, "out of memory");
		}
		char perr[256];

		rc = qnn_model_parse(buf, align8(size), m, perr, sizeof(perr));
		free(m);
		if (rc) {
			free(buf);
			return hg_fail(err, errlen, rc, "writer produced an invalid model: %s",
				       perr);
		}
	}
	*out = buf;
	*out_len = align8(size);
	return 0;
}

int hlsgen_model_save(const void *buf, size_t len, const char *path, char *err, size_t errlen)
{
	char tmp[4096];
	FILE *f;
	int rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return hg_fail(err, errlen, -ENAMETOOLONG, "path too long: %s", path);
	f = fopen(tmp, "wb");
	if (!f) {
		rc = errno;
		return hg_fail(err, errlen, -rc, "cannot create %s: %s", tmp, strerror(rc));
	}
	if (fwrite(buf, 1, len, f) != len || fflush(f) || fsync(fileno(f))) {
		rc = errno ? errno : EIO;
		fclose(f);
		unlink(tmp);
		return hg_fail(err, errlen, -rc, "cannot write %s: %s", tmp, strerror(rc));
	}
	if (fclose(f) || rename(tmp, path)) {
		rc = errno ? errno : EIO;
		unlink(tmp);
		return hg_fail(err, errlen, -rc, "cannot write %s: %s", path, strerror(rc));
	}
	return 0;
}

int hlsgen_model_write_file(const struct hlsgen_model_desc *d, const char *path, char *err,
			    size_t errlen)
{
	void *buf;
	size_t len;
	int rc;

	rc = hlsgen_model_build(d, 0, &buf, &len, err, errlen);
	if (rc)
		return rc;
	rc = hlsgen_model_save(buf, len, path, err, errlen);
	free(buf);
	return rc;
}
