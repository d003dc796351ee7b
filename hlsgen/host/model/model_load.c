// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * model_load.c - reads a .qnn file and validates it with the freestanding
 * parser (which never allocates: the model points into the file buffer).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_io.h"

int hlsgen_model_load(const char *path, void **buf, struct qnn_model *m, char *err, size_t errlen)
{
	char perr[256];
	size_t len;
	int ret;

	/* malloc's alignment (16 on our hosts) covers the parser's 8 */
	ret = hlsgen_read_file(path, QNN_MAX_FILE_SIZE, buf, &len, err, errlen);
	if (ret)
		return ret;
	ret = qnn_model_parse(*buf, len, m, perr, sizeof(perr));
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, perr);
		free(*buf);
		*buf = NULL;
	}
	return ret;
}
