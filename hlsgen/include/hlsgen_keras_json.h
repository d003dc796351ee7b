/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_keras_json.h - the one reader of a Keras/QKeras model.to_json()
 * document (json-c), shared by the importer (hlsgen/import/keras_json.c)
 * and the trainer (hlsgen/train/io/keras_json_read.c). It checks what both
 * need in the same way: the model class, a Sequential or single-chain
 * Functional layer list, every layer's class and name, one InputLayer at
 * most and the input shape. What a layer's config means stays with each
 * user: they build different things from it.
 */
#ifndef HLSGEN_KERAS_JSON_H
#define HLSGEN_KERAS_JSON_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

struct hg_keras_layer {
	const char *class_name; /* "QConv2D", "Dense", ... */
	const char *name;
	struct json_object *config; /* the layer's "config" object */
};

struct hg_keras_model {
	struct json_object *root; /* owns every string and object below */
	const char *name;	  /* the model's config.name, or "model" */
	const char *input_layer;  /* name of the leading InputLayer, or NULL */
	uint32_t in_h, in_w, in_c;
	size_t n_layers; /* the layers after the input */
	struct hg_keras_layer *layers;
};

/*
 * Parse the JSON text (or the file at path) into *m. 0, or a negative
 * errno code with a message in err naming the layer (and the file);
 * nothing to free on failure.
 */
int hg_keras_model_from_text(const char *text, struct hg_keras_model *m, char *err, size_t errlen);
int hg_keras_model_from_file(const char *path, struct hg_keras_model *m, char *err, size_t errlen);
void hg_keras_model_free(struct hg_keras_model *m);

/* o[key] when o is an object and has it, else NULL. */
struct json_object *hg_json_get(struct json_object *o, const char *key);
/* o[key] when it is a string, else NULL. */
const char *hg_json_get_str(struct json_object *o, const char *key);

/*
 * A Keras pair such as kernel_size or strides: [a, b], or a plain int that
 * counts for both. 1 when given, 0 when absent or null (*a = *b = dflt),
 * -1 when it is neither a pair nor an int. The range is the caller's.
 */
int hg_json_get_pair(struct json_object *cfg, const char *key, int dflt, int *a, int *b);

#endif
