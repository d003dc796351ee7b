// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * classify.c - `qnnctl classify FILE...`: classify the samples in each
 * file through qnnd (qnn_classify) and print one line per sample:
 *   FILE[i]: class C  output P          (P: the accelerator's output for C)
 * with --probs / --logits adding every class's value. The file formats
 * are qnnctl_load_input's (input.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "qnn.h"
#include "qnnctl.h"

static const char usage[] =
    "usage: qnnctl classify [--probs] [--logits] [--timeout MS] FILE...\n"
    "  FILE: .npy (N,h,w[,c]) or one sample, raw .f32, idx (-ubyte/.idx),\n"
    "        .pgm or .png (one image of the model's size, pixel/max)\n"
    "  --probs        print every class's output: the accelerator's softmax\n"
    "                 values (they sum to 1 only if its config allows it)\n"
    "  --logits       print the logits too (software backend only)\n"
    "  --timeout MS   per call (default: wait)\n";

struct classify_opts {
	int probs, logits, timeout_ms;
};

static void print_values(const char *what, const float *v, uint32_t n)
{
	printf("  %s:", what);
	for (uint32_t k = 0; k < n; k++)
		printf(" %.9g", v[k]);
	printf("\n");
}

static int classify_file(qnn_client *c, const struct qnn_model_info *mi, const char *path,
			 const struct classify_opts *o)
{
	struct qnn_outputs out = {0};
	char err[512];
	uint64_t n;
	float *x = NULL;
	int r, rc = 1;

	if (qnnctl_load_input(path, mi, &n, &x, err, sizeof(err))) {
		fprintf(stderr, "qnnctl: %s\n", err);
		return 1;
	}
	out.classes = malloc(n * sizeof(*out.classes));
	out.probs = malloc(n * mi->n_out * sizeof(*out.probs));
	out.logits = malloc(n * mi->n_out * sizeof(*out.logits));
	if (!out.classes || !out.probs || !out.logits) {
		fprintf(stderr, "qnnctl: %s: out of memory\n", path);
		goto done;
	}
	r = qnn_classify(c, x, n, &out, o->timeout_ms);
	if (r != QNN_OK) {
		qnnctl_qnn_error(path, r);
		goto done;
	}
	for (uint64_t i = 0; i < n; i++) {
		const float *p = out.probs + i * mi->n_out;

		if (n == 1)
			printf("%s: class %d  output %.9g\n", path, out.classes[i],
			       p[out.classes[i]]);
		else
			printf("%s[%llu]: class %d  output %.9g\n", path, (unsigned long long)i,
			       out.classes[i], p[out.classes[i]]);
		if (o->probs)
			print_values("outputs", p, mi->n_out);
		if (o->logits && (out.flags & QNN_OUT_HAS_LOGITS))
			print_values("logits", out.logits + i * mi->n_out, mi->n_out);
	}
	if (o->logits && !(out.flags & QNN_OUT_HAS_LOGITS))
		fprintf(stderr, "qnnctl: the %s backend reports no logits\n", mi->backend);
	rc = 0;
done:
	free(x);
	free(out.classes);
	free(out.probs);
	free(out.logits);
	return rc;
}

static int classify_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"probs", no_argument, NULL, 'p'},
	    {"logits", no_argument, NULL, 'l'},
	    {"timeout", required_argument, NULL, 't'},
	    {0},
	};
	struct classify_opts o = {.timeout_ms = QNN_TIMEOUT_INFINITE};
	struct qnn_model_info mi;
	qnn_client *c;
	int ch, r, rc = 0;

	while ((ch = getopt_long(argc, argv, "plt:", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			o.probs = 1;
			break;
		case 'l':
			o.logits = 1;
			break;
		case 't':
			o.timeout_ms = (int)qnnctl_parse_u64("--timeout", optarg, 1, 3600000);
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	r = qnn_connect(qnnctl_socket, &c);
	if (r != QNN_OK) {
		qnnctl_qnn_error(qnnctl_socket ? qnnctl_socket : qnn_default_socket(), r);
		return 1;
	}
	r = qnn_get_model_info(c, &mi);
	if (r != QNN_OK) {
		qnnctl_qnn_error("model info", r);
		qnn_close(c);
		return 1;
	}
	for (int i = optind; i < argc; i++)
		rc |= classify_file(c, &mi, argv[i], &o);
	qnn_close(c);
	return rc;
}

const struct qnnctl_cmd qnnctl_cmd_classify = {
    .name = "classify",
    .summary = "classify the samples in .npy/.f32/idx/PGM/PNG files",
    .usage = usage,
    .run = classify_run,
};
