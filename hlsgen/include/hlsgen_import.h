/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_import.h - Keras/QKeras model (JSON + HDF5 weights) plus an
 * optional hls4ml YAML config -> .qnn model, with the precision rules of a
 * chosen hls4ml version (0.8: the model default for everything not given;
 * >= 1.0: 'auto' inference of accumulators and results). Implemented in
 * hlsgen/import/; see hlsgen/import/README.md for the rules in detail.
 */
#ifndef HLSGEN_IMPORT_H
#define HLSGEN_IMPORT_H

#include <stddef.h>
#include <stdio.h>

struct hlsgen_import_opts {
	const char *json_path;	 /* model.to_json() */
	const char *h5_path;	 /* model.save_weights() */
	const char *config_path; /* hls4ml YAML config, or NULL */
	int hls4ml_major;	 /* precision rules: 0.8 (default) or 1.0 .. 1.3 */
	int hls4ml_minor;
	FILE *log; /* notes (config entries hls4ml ignores...), or NULL */
	/*
	 * IOType other than io_stream, Strategy other than Latency: the .qnn
	 * computes the same, but deploy and report model io_stream/Latency.
	 * 0: an error naming the setting; 1: a warning on log.
	 */
	int allow_unmodelled;
};

/*
 * Build the .qnn image in memory (*buf malloc'ed, 8-aligned; free() it).
 * Returns 0 or a negative errno code with a message naming the layer and
 * the problem in err.
 */
int hlsgen_import_build(const struct hlsgen_import_opts *o, void **buf, size_t *len, char *err,
			size_t errlen);

/* hlsgen_import_build() + write to out_path. */
int hlsgen_import(const struct hlsgen_import_opts *o, const char *out_path, char *err,
		  size_t errlen);

/* "0.8", "1.3" -> major/minor; -1 if not a version this importer knows. */
int hlsgen_import_parse_version(const char *s, int *major, int *minor);

#endif
