// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The trainer's quantizer parsing: the shared QKeras parser
 * (hlsgen/host/keras/qkeras_parse.c), strict about unknown arguments (they are
 * typos on the command line or in a spec), then what training supports on
 * top of QKeras' own rules (also applied to the quantizers of a model JSON,
 * which the shared reader parses: hlsgen_keras_json.h).
 */
#include <ctype.h>
#include <string.h>

#include "hlsgen_error.h"
#include "hlsgen_qkeras.h"

/* po2: at least one exponent bit besides the signs, at most 8 bits */
int hg_quantizer_trainable(const struct hg_quantizer *q, char *err, size_t errlen)
{
	if (q->kind == HG_Q_PO2 &&
	    (q->bits < 2 + !(q->has_max && q->max_value <= 1.0f) || q->bits > 8))
		return hg_fail(err, errlen, -1, "quantized_po2: bits=%d out of the supported range",
			       q->bits);
	return 0;
}

int hg_quantizer_parse(const char *text, struct hg_quantizer *q, char *err, size_t errlen)
{
	while (isspace((unsigned char)*text))
		text++;
	/* the trainer's word for "no quantizer" (options, spec files) */
	if (!*text || !strcmp(text, "none") || !strcmp(text, "None")) {
		memset(q, 0, sizeof(*q));
		return 0;
	}
	if (hg_qkeras_parse(text, 0, q, err, errlen) || hg_quantizer_trainable(q, err, errlen))
		return -1;
	return 0;
}
