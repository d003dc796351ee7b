// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Accuracy of a .qnn on a labelled data set through the bit-exact engine
 * (what the FPGA computes), plus the model facts the sweep table reports.
 */
#include <stdlib.h>
#include <string.h>

#include "hlsgen_engine_batch.h"
#include "hlsgen_io.h"
#include "hlsgen_train_run.h"

int hg_bitexact_accuracy(const char *qnn_path, const struct hg_data *d, unsigned threads,
			 double *acc, uint16_t *pred, char *err, size_t errlen)
{
	struct qnn_model m;
	void *buf = NULL;
	struct hlsgen_engine_results res = {0};
	uint16_t *cls;
	size_t ok = 0;
	int rc;

	rc = hlsgen_model_load(qnn_path, &buf, &m, err, errlen);
	if (rc)
		return -1;
	if (m.n_in != (uint32_t)(d->h * d->w * d->c)) {
		snprintf(err, errlen, "%s: takes %u inputs, the data has %d", qnn_path, m.n_in,
			 d->h * d->w * d->c);
		free(buf);
		return -1;
	}
	cls = pred ? pred : malloc(d->n * sizeof(*cls) + 1);
	res.classes = cls;
	rc = cls ? hlsgen_engine_batch(&m, d->x, d->n, threads, &res, NULL, err, errlen) : -1;
	if (!rc) {
		for (size_t i = 0; i < d->n; i++)
			ok += cls[i] == d->y[i];
		*acc = d->n ? (double)ok / (double)d->n : 0.0;
	}
	if (!pred)
		free(cls);
	free(buf);
	return rc ? -1 : 0;
}
