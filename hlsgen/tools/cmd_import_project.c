// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_import_project.c - `hlsgen import-project`: the .qnn from an hls4ml
 * project directory as synthesized (hlsgen_hls4ml_project.h), with every
 * difference from the Keras import of the same model reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_cmd.h"
#include "hlsgen_hls4ml_project.h"
#include "hlsgen_import.h"
#include "hlsgen_model_write.h"

static const char usage_text[] =
    "usage: hlsgen import-project PROJECT_DIR MODEL.json WEIGHTS.h5\n"
    "                             [--hls4ml-version 0.8|1.0|1.1|1.2|1.3] [--strict] -o OUT.qnn\n"
    "\n"
    "Builds the bit-exact model from an hls4ml project directory (what hls4ml wrote\n"
    "for HLS: firmware/defines.h, parameters.h, <project>.cpp, weights/*.txt and\n"
    "hls4ml_config.yml): the layers from the Keras model, imported with the\n"
    "project's hls4ml_config.yml, then every type and weight as the project has\n"
    "them. Each difference from the Keras import is printed; --strict makes any\n"
    "difference an error (nothing written).\n";

static int run(int argc, char **argv)
{
	const char *pos[3] = {NULL, NULL, NULL}, *out = NULL;
	int npos = 0, strict = 0, major = 0, minor = 8;
	unsigned n_diff = 0;
	char err[768];
	void *buf;
	size_t len;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--hls4ml-version") && i + 1 < argc) {
			if (hlsgen_import_parse_version(argv[++i], &major, &minor)) {
				fprintf(stderr,
					"hlsgen import-project: unknown hls4ml version '%s'\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--strict")) {
			strict = 1;
		} else if (argv[i][0] == '-' || npos == 3) {
			fprintf(stderr, "hlsgen import-project: unexpected argument '%s'\n\n%s",
				argv[i], usage_text);
			return 2;
		} else {
			pos[npos++] = argv[i];
		}
	}
	if (npos != 3 || !out) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (hg_prj_import(pos[0], pos[1], pos[2], major, minor, stdout, &n_diff, &buf, &len, err,
			  sizeof(err))) {
		fprintf(stderr, "hlsgen import-project: %s\n", err);
		return 1;
	}
	printf("%s: %u difference%s from the Keras import%s\n", pos[0], n_diff,
	       n_diff == 1 ? "" : "s", n_diff ? " (the model has the project's)" : "");
	if (strict && n_diff) {
		free(buf);
		fprintf(stderr, "hlsgen import-project: --strict: not written\n");
		return 1;
	}
	if (hlsgen_model_save(buf, len, out, err, sizeof(err))) {
		free(buf);
		fprintf(stderr, "hlsgen import-project: %s\n", err);
		return 1;
	}
	free(buf);
	return 0;
}

const struct hlsgen_cmd hlsgen_cmd_import_project = {
    .name = "import-project",
    .summary = "hls4ml project directory (as synthesized) + Keras model -> .qnn, differences shown",
    .usage = usage_text,
    .run = run,
};
