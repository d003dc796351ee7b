/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_io.h - host-side array files: NumPy .npy (read and write), idx
 * (MNIST's format, read) and raw little-endian float32 (.f32).
 *
 * Every reader fills a struct hlsgen_array that owns its data in host byte
 * order, whatever the file's byte order was. Errors are returned as a
 * negative errno-style code with a message in err that names the file and
 * the problem; nothing is allocated on failure.
 */
#ifndef HLSGEN_IO_H
#define HLSGEN_IO_H

#include <stddef.h>
#include <stdint.h>

#include "qnn_model.h"

#define HLSGEN_ARRAY_MAX_DIM 8

enum hlsgen_dtype {
	HLSGEN_DT_BOOL,
	HLSGEN_DT_U8,
	HLSGEN_DT_I8,
	HLSGEN_DT_U16,
	HLSGEN_DT_I16,
	HLSGEN_DT_U32,
	HLSGEN_DT_I32,
	HLSGEN_DT_U64,
	HLSGEN_DT_I64,
	HLSGEN_DT_F32,
	HLSGEN_DT_F64,
	HLSGEN_DT_COUNT
};

struct hlsgen_array {
	enum hlsgen_dtype dtype;
	uint32_t ndim;
	uint64_t shape[HLSGEN_ARRAY_MAX_DIM];
	uint64_t count; /* product of shape (1 for a 0-d array) */
	void *data;	/* count elements of dtype, host byte order, malloc'd */
};

/* Element size in bytes and a printable name ("float32", ...). */
size_t hlsgen_dtype_size(enum hlsgen_dtype t);
const char *hlsgen_dtype_name(enum hlsgen_dtype t);

/* Element i converted to double (exact for every dtype but 64-bit ints). */
double hlsgen_array_get(const struct hlsgen_array *a, uint64_t i);

/* "(N, 28, 28, 1)" into buf. */
const char *hlsgen_shape_str(const uint64_t *shape, uint32_t ndim, char *buf, size_t len);

void hlsgen_array_free(struct hlsgen_array *a);

/*
 * Read a whole file into a malloc'd buffer (*buf, *len), followed by a
 * NUL so that text formats can be parsed in place. Refuses files larger
 * than max_len and anything but a regular file. 0 or a negative errno code.
 */
int hlsgen_read_file(const char *path, size_t max_len, void **buf, size_t *len, char *err,
		     size_t errlen);
/* A parser of an array file held in memory (hlsgen_npy_parse, hlsgen_idx_parse). */
typedef int (*hlsgen_array_parser)(const void *buf, size_t len, const char *name,
				   struct hlsgen_array *a, char *err, size_t errlen);
/* Read the file at path (at most max_len bytes) and parse it with parse. */
int hlsgen_array_load(const char *path, size_t max_len, hlsgen_array_parser parse,
		      struct hlsgen_array *a, char *err, size_t errlen);
/*
 * Write head (may be empty) then data as the whole file at path. 0, or a
 * negative errno code (-EIO when a write or the final flush fails).
 */
int hlsgen_write_file(const char *path, const void *head, size_t head_len, const void *data,
		      size_t data_len, char *err, size_t errlen);

/*
 * .npy: format versions 1.0, 2.0 and 3.0; C order only; dtypes bool, (u)int
 * 8..64, float32, float64 in either byte order. Rejects Fortran order,
 * structured/object/complex dtypes, truncated data and trailing bytes.
 * hlsgen_npy_parse works on a buffer (what the fuzzer and tests use); name
 * is only used in messages.
 */
int hlsgen_npy_parse(const void *buf, size_t len, const char *name, struct hlsgen_array *a,
		     char *err, size_t errlen);
int hlsgen_npy_load(const char *path, struct hlsgen_array *a, char *err, size_t errlen);

/* Write a C-order .npy (version 1.0) of dtype float32 or int32. */
int hlsgen_npy_save(const char *path, enum hlsgen_dtype dtype, const void *data, uint32_t ndim,
		    const uint64_t *shape, char *err, size_t errlen);

/*
 * idx (http://yann.lecun.com/exdb/mnist/ layout): magic 0 0 TYPE NDIM,
 * NDIM big-endian u32 dims, big-endian data. TYPE 0x08 u8, 0x09 i8,
 * 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64.
 */
int hlsgen_idx_parse(const void *buf, size_t len, const char *name, struct hlsgen_array *a,
		     char *err, size_t errlen);
int hlsgen_idx_load(const char *path, struct hlsgen_array *a, char *err, size_t errlen);

/*
 * Raw little-endian float32 (.f32): n_per_sample values per sample, no
 * header; the file size must be a whole number of samples. Returns a 2-d
 * float32 array (N, n_per_sample).
 */
int hlsgen_f32_load(const char *path, uint32_t n_per_sample, struct hlsgen_array *a, char *err,
		    size_t errlen);
int hlsgen_f32_save(const char *path, const float *data, uint64_t count, char *err, size_t errlen);

/*
 * The input rule, the same for every tool that reads model inputs (hlsgen
 * run/eval/train, qnnctl classify/bench; the data sets and qnnctl's PGM/PNG
 * readers apply the same scaling):
 *   float32, float64  used as they are: the values the model was trained on;
 *   uint8, uint16     pixel values, divided by the dtype's maximum (255,
 *                     65535), as idx images are and PGM/PNG by their maxval;
 *   any other dtype   refused (bool, signed or wide integers: their scale is
 *                     ambiguous), with a message saying what to give instead.
 * hlsgen_input_values converts a->count elements into out by that rule.
 */
int hlsgen_input_values(const struct hlsgen_array *a, const char *name, float *out, char *err,
			size_t errlen);

/*
 * 1 (and a sentence in msg) when float inputs cannot be what a model of
 * this project was trained on: whole numbers in 0..255 reaching above 1.5
 * are unscaled pixels (Keras' uint8 MNIST, saved as float). A warning, not
 * an error: a model trained on raw 0..255 values is possible.
 */
int hlsgen_input_suspect(const struct hlsgen_array *a, const float *x, uint64_t count, char *msg,
			 size_t len);

/*
 * Model inputs: accept a (N, h, w, c), (N, h, w) when c == 1, or (N, h*w*c)
 * array; *n gets N and *x a malloc'd float32 copy converted by the input
 * rule above (h, w, c order per sample). A shape that does not fit gets a
 * message naming both shapes; suspect values (hlsgen_input_suspect) a
 * "warning: FILE: ..." line on stderr.
 */
int hlsgen_input_to_f32(const struct hlsgen_array *a, const char *name, uint32_t h, uint32_t w,
			uint32_t c, uint64_t *n, float **x, char *err, size_t errlen);

/*
 * Load model inputs by file name: *.npy as above, anything else as raw
 * .f32 (N inferred from the file size).
 */
int hlsgen_input_load(const char *path, uint32_t h, uint32_t w, uint32_t c, uint64_t *n, float **x,
		      char *err, size_t errlen);

/*
 * Outputs (output_dir.c): hlsgen_mkdir_p creates dir and its parents (as
 * mkdir -p) and checks it is writable; hlsgen_output_dir_of does that for
 * the directory of path (a file or a PREFIX). Called before long work.
 * 0 or a negative errno code, err naming the directory and the errno.
 */
int hlsgen_mkdir_p(const char *dir, char *err, size_t errlen);
int hlsgen_output_dir_of(const char *path, char *err, size_t errlen);

/*
 * v in the fewest significant digits (%.1g .. %.17g) that strtod reads back
 * as v: the JSON form of a float (0.98, not 0.97999999999999998); "null"
 * for NaN/Inf, which JSON cannot hold (shortest_double.c). Returns buf.
 */
const char *hlsgen_shortest_double(double v, char *buf, size_t len);

/* Index of the first NaN or +-inf in x[0..count), or count when none. */
uint64_t hlsgen_find_nonfinite(const float *x, uint64_t count);

/*
 * Read and validate a .qnn model file: *buf (malloc'd, 8-byte aligned;
 * free() it after the model) holds the file and *m points into it.
 */
int hlsgen_model_load(const char *path, void **buf, struct qnn_model *m, char *err, size_t errlen);

#endif /* HLSGEN_IO_H */
