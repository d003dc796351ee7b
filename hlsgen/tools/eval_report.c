// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * eval_report.c - prints `hlsgen eval`'s results: a short table for people,
 * or JSON (json-c) for scripts and tests.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>

#include "eval.h"
#include "hlsgen_io.h"

const char *const eval_method_name[EV_METHODS] = {"float", "qkeras", "bitexact"};
const char *const eval_method_title[EV_METHODS] = {"Keras float", "QKeras", "bit-exact FPGA"};

/* json-c's own serializer prints %.17g (0.97999999999999998): the shortest round trip instead */
static json_object *jdouble(double v)
{
	char buf[32];

	return json_object_new_double_s(v, hlsgen_shortest_double(v, buf, sizeof(buf)));
}

static double mean_auc(const struct eval_result *r, int m)
{
	double s = 0;
	uint32_t k, defined = 0;

	for (k = 0; k < r->n_classes; k++)
		if (r->roc[m][k].n) {
			s += r->roc[m][k].auc;
			defined++;
		}
	return defined ? s / defined : NAN;
}

static double rate(const struct eval_result *r, int m)
{
	return r->seconds[m] > 0 ? (double)r->n / r->seconds[m] : 0;
}

void eval_print_text(const struct eval_result *r)
{
	printf("model      %s (%s)\n", r->model_path, r->model_name);
	printf("data       %s: %llu samples, %u classes\n", r->data_name, (unsigned long long)r->n,
	       r->n_classes);
	printf("\n%-22s %12s %12s %16s\n", "", eval_method_title[0], eval_method_title[1],
	       eval_method_title[2]);
	printf("%-22s %12.4f %12.4f %16.4f\n", "accuracy", r->accuracy[0], r->accuracy[1],
	       r->accuracy[2]);
	printf("%-22s %12.4f %12.4f %16.4f\n", "mean ROC AUC", mean_auc(r, 0), mean_auc(r, 1),
	       mean_auc(r, 2));
	for (uint32_t k = 0; k < r->n_classes; k++) {
		printf("  AUC class %-10u", k);
		for (int m = 0; m < EV_METHODS; m++)
			printf(m == 2 ? " %16.4f" : " %12.4f",
			       r->roc[m][k].n ? r->roc[m][k].auc : NAN);
		printf("\n");
	}
	printf("%-22s %12.0f %12.0f %16.0f\n", "images/s", rate(r, 0), rate(r, 1), rate(r, 2));
	printf("\nagreement of predicted classes:\n");
	printf("  Keras float vs QKeras          %.4f\n", r->agreement[0][1]);
	printf("  Keras float vs bit-exact       %.4f\n", r->agreement[0][2]);
	printf("  QKeras vs bit-exact            %.4f\n", r->agreement[1][2]);
	printf("\nbit-exact engine: %.0f images/s on %u thread%s\n", rate(r, 2), r->threads,
	       r->threads == 1 ? "" : "s");
	if (r->nonfinite)
		printf("warning: %llu non-finite input values were fed to the engine\n",
		       (unsigned long long)r->nonfinite);
}

static json_object *per_method(const struct eval_result *r,
			       double (*get)(const struct eval_result *, int))
{
	json_object *o = json_object_new_object();

	for (int m = 0; m < EV_METHODS; m++)
		json_object_object_add(o, eval_method_name[m], jdouble(get(r, m)));
	return o;
}

static double get_accuracy(const struct eval_result *r, int m)
{
	return r->accuracy[m];
}

/* JSON has no NaN: an undefined AUC (class absent from the labels) is null. */
static json_object *auc_value(double v)
{
	return isnan(v) ? NULL : jdouble(v);
}

static json_object *auc_table(const struct eval_result *r)
{
	json_object *o = json_object_new_object();

	for (int m = 0; m < EV_METHODS; m++) {
		json_object *a = json_object_new_array();

		for (uint32_t k = 0; k < r->n_classes; k++)
			json_object_array_add(a,
					      auc_value(r->roc[m][k].n ? r->roc[m][k].auc : NAN));
		json_object_object_add(o, eval_method_name[m], a);
	}
	return o;
}

static json_object *mean_auc_table(const struct eval_result *r)
{
	json_object *o = json_object_new_object();

	for (int m = 0; m < EV_METHODS; m++)
		json_object_object_add(o, eval_method_name[m], auc_value(mean_auc(r, m)));
	return o;
}

static json_object *agreement_table(const struct eval_result *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "float_qkeras", jdouble(r->agreement[0][1]));
	json_object_object_add(o, "float_bitexact", jdouble(r->agreement[0][2]));
	json_object_object_add(o, "qkeras_bitexact", jdouble(r->agreement[1][2]));
	return o;
}

int eval_print_json(const struct eval_result *r)
{
	json_object *o = json_object_new_object();
	const char *s;

	json_object_object_add(o, "model", json_object_new_string(r->model_path));
	json_object_object_add(o, "model_name", json_object_new_string(r->model_name));
	json_object_object_add(o, "data", json_object_new_string(r->data_name));
	json_object_object_add(o, "samples", json_object_new_int64((int64_t)r->n));
	json_object_object_add(o, "classes", json_object_new_int((int)r->n_classes));
	json_object_object_add(o, "threads", json_object_new_int((int)r->threads));
	json_object_object_add(o, "accuracy", per_method(r, get_accuracy));
	json_object_object_add(o, "agreement", agreement_table(r));
	json_object_object_add(o, "auc", auc_table(r));
	json_object_object_add(o, "mean_auc", mean_auc_table(r));
	json_object_object_add(o, "images_per_s", per_method(r, rate));
	json_object_object_add(o, "nonfinite_inputs", json_object_new_int64((int64_t)r->nonfinite));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						  JSON_C_TO_STRING_NOSLASHESCAPE);
	puts(s);
	json_object_put(o);
	return 0;
}
