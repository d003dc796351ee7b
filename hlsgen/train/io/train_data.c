// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Helpers on in-memory data sets (hlsgen_train.h). */
#include <stdlib.h>

#include "hlsgen_train.h"

size_t hg_data_truncate(struct hg_data *d, size_t n)
{
	if (n < d->n)
		d->n = n;
	return d->n;
}

void hg_data_free(struct hg_data *d)
{
	free(d->x);
	free(d->y);
	d->x = NULL;
	d->y = NULL;
	d->n = 0;
}
