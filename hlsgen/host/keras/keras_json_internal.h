/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * keras_json_internal.h - between the two halves of the Keras model JSON
 * reader (hlsgen_keras_json.h): keras_model_json.c walks the document and
 * its layer list, keras_layer_json.c decodes one layer's config.
 */
#ifndef HLSGEN_KERAS_JSON_INTERNAL_H
#define HLSGEN_KERAS_JSON_INTERNAL_H

#include <json-c/json.h>
#include <stddef.h>

#include "hlsgen_keras_json.h"

/* o[key] when o is an object and has it, else NULL. */
struct json_object *hg_json_get(struct json_object *o, const char *key);
/* o[key] when it is a string, else NULL. */
const char *hg_json_get_str(struct json_object *o, const char *key);

/*
 * Decode the config of a layer whose class_name and name are already in
 * *l. 0, or a negative errno code with a message naming the layer and the
 * field.
 */
int hg_keras_layer_decode(struct json_object *cfg, struct hg_keras_layer *l, char *err,
			  size_t errlen);

#endif
