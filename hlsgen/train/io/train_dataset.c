// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Training data through the shared loader (hlsgen_dataset.h), as hg_data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_dataset.h"
#include "hlsgen_train_run.h"

int hg_data_load(const char *spec, int h, int w, int c, struct hg_data *d, char *err, size_t errlen)
{
	struct hlsgen_dataset ds = {0};
	int rc = hlsgen_dataset_load(spec, NULL, (uint32_t)h, (uint32_t)w, (uint32_t)c, &ds, err,
				     errlen);

	memset(d, 0, sizeof(*d));
	if (rc)
		return -1;
	if (ds.n_classes > 256) {
		snprintf(err, errlen, "%s: %u classes; the trainer supports up to 256", spec,
			 ds.n_classes);
		hlsgen_dataset_free(&ds);
		return -1;
	}
	d->y = malloc(ds.n + 1);
	if (!d->y) {
		snprintf(err, errlen, "out of memory");
		hlsgen_dataset_free(&ds);
		return -1;
	}
	for (uint64_t i = 0; i < ds.n; i++)
		d->y[i] = (uint8_t)ds.y[i];
	d->x = ds.x; /* ownership moves to d */
	ds.x = NULL;
	d->n = ds.n;
	d->h = h;
	d->w = w;
	d->c = c;
	d->n_classes = (int)ds.n_classes;
	hlsgen_dataset_free(&ds);
	return 0;
}
