// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_report.c - `hlsgen report`: FPGA resources of several hls4ml
 * projects side by side (HLS csynth reports, Vivado utilization reports,
 * or a clearly labelled estimate for a .qnn), and which one to take to the
 * bitstream under a resource budget, with the reasons.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_cmd.h"
#include "hlsgen_io.h"
#include "hlsgen_synth.h"

#define MAX_PROJECTS 32

static const char usage_text[] =
    "usage: hlsgen report [options] [NAME=]PROJECT...\n"
    "\n"
    "PROJECT is a Vivado/Vitis HLS `<top>_csynth.rpt` or `<top>_csynth.xml`, a Vivado\n"
    "report_utilization text report, an hls4ml project directory (searched for the\n"
    "csynth report), or a .qnn model, for which the resources are an ESTIMATE\n"
    "(hlsgen/report/README.md: model, calibration, error), labelled as such.\n"
    "\n"
    "  --budget SPEC      max utilization in percent and accuracy slack in points,\n"
    "                     default lut=80,ff=80,bram=90,dsp=90,uram=90,acc=0.5\n"
    "  --accuracy NAME=A  a project's accuracy (0..1), used for the recommendation\n"
    "  --part PART        part for estimates and reports without capacities\n"
    "                     (default xczu7ev, the ZCU104's)\n"
    "  --markdown         Markdown table\n"
    "  --json             machine-readable output\n";

struct report_cli {
	const char *arg[MAX_PROJECTS];
	int n;
	const char *acc[MAX_PROJECTS];
	int n_acc;
	const char *part;
	struct hg_budget budget;
	int markdown, json;
};

static int parse(int argc, char **argv, struct report_cli *c)
{
	char err[256];

	hg_budget_default(&c->budget);
	c->part = "xczu7ev";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--budget") && i + 1 < argc) {
			if (hg_budget_parse(argv[++i], &c->budget, err, sizeof(err))) {
				fprintf(stderr, "hlsgen report: %s\n", err);
				return -1;
			}
		} else if (!strcmp(a, "--accuracy") && i + 1 < argc && c->n_acc < MAX_PROJECTS) {
			c->acc[c->n_acc++] = argv[++i];
		} else if (!strcmp(a, "--part") && i + 1 < argc) {
			c->part = argv[++i];
		} else if (!strcmp(a, "--markdown")) {
			c->markdown = 1;
		} else if (!strcmp(a, "--json")) {
			c->json = 1;
		} else if (a[0] == '-') {
			fprintf(stderr, "hlsgen report: unknown option '%s' (see --help)\n", a);
			return -1;
		} else if (c->n < MAX_PROJECTS) {
			c->arg[c->n++] = a;
		} else {
			fprintf(stderr, "hlsgen report: at most %d projects\n", MAX_PROJECTS);
			return -1;
		}
	}
	if (!c->n) {
		fprintf(stderr, "hlsgen report: no project given (see --help)\n");
		return -1;
	}
	return 0;
}

static int is_qnn(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && !strcmp(path + n - 4, ".qnn");
}

static int load_one(const char *arg, const char *part, struct hg_synth *r, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	const char *path = eq ? eq + 1 : arg;
	int rc;

	if (is_qnn(path)) {
		struct qnn_model m;
		void *buf;

		rc = hlsgen_model_load(path, &buf, &m, err, errlen);
		if (!rc) {
			rc = hg_estimate(&m, part, r, NULL, err, errlen);
			free(buf);
		}
		snprintf(r->path, sizeof(r->path), "%s", path);
	} else {
		rc = hg_synth_load(path, r, err, errlen);
		if (!rc && r->avail[HG_LUT] <= 0) {
			/* no capacities in the report and an unknown part: use --part */
			hg_part_capacity(part, r->avail, NULL, 0);
		}
	}
	if (!rc && eq)
		snprintf(r->name, sizeof(r->name), "%.*s", (int)(eq - arg), arg);
	return rc;
}

static int apply_accuracies(struct report_cli *c, struct hg_synth *r)
{
	for (int k = 0; k < c->n_acc; k++) {
		const char *eq = strchr(c->acc[k], '=');
		char *end;
		double v;
		int found = 0;

		v = eq ? strtod(eq + 1, &end) : -1;
		if (!eq || end == eq + 1 || *end || v < 0 || v > 1) {
			fprintf(stderr,
				"hlsgen report: --accuracy NAME=A with A in [0, 1], got '%s'\n",
				c->acc[k]);
			return -1;
		}
		for (int i = 0; i < c->n; i++)
			if (strlen(r[i].name) == (size_t)(eq - c->acc[k]) &&
			    !strncmp(r[i].name, c->acc[k], (size_t)(eq - c->acc[k]))) {
				r[i].accuracy = v;
				found = 1;
			}
		if (!found) {
			fprintf(stderr, "hlsgen report: --accuracy: no project named '%.*s'\n",
				(int)(eq - c->acc[k]), c->acc[k]);
			return -1;
		}
	}
	return 0;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct hg_synth *r, int n, int best, const char *why)
{
	static const char *const src[] = {"", "csynth_rpt", "csynth_xml", "utilization",
					  "estimate"};

	printf("{\"projects\": [");
	for (int i = 0; i < n; i++) {
		printf("%s{\"name\": ", i ? ", " : "");
		json_string(r[i].name);
		printf(", \"path\": ");
		json_string(r[i].path);
		printf(", \"source\": \"%s\", \"tool\": ", src[r[i].source]);
		json_string(r[i].tool);
		printf(", \"part\": ");
		json_string(r[i].part);
		printf(", \"used\": {");
		for (int k = 0; k < HG_RES_COUNT; k++)
			printf("%s\"%s\": %.1f", k ? ", " : "", hg_res_name[k], r[i].used[k]);
		printf("}, \"available\": {");
		for (int k = 0; k < HG_RES_COUNT; k++)
			printf("%s\"%s\": %.0f", k ? ", " : "", hg_res_name[k], r[i].avail[k]);
		printf("}, \"percent\": {");
		for (int k = 0; k < HG_RES_COUNT; k++)
			printf("%s\"%s\": %.2f", k ? ", " : "", hg_res_name[k],
			       hg_synth_pct(&r[i], k));
		printf("}, \"latency_max\": %ld, \"interval_max\": %ld, \"clock_est_ns\": %.3f, "
		       "\"accuracy\": ",
		       r[i].latency_max, r[i].interval_max, r[i].clock_est_ns);
		if (r[i].accuracy >= 0)
			printf("%.4f}", r[i].accuracy);
		else
			printf("null}"); /* unknown: not a number a script could compare */
	}
	printf("], \"recommended\": ");
	if (best >= 0)
		json_string(r[best].name);
	else
		printf("null");
	printf(", \"why\": ");
	json_string(why);
	printf("}\n");
}

static int run(int argc, char **argv)
{
	struct report_cli c;
	static struct hg_synth r[MAX_PROJECTS];
	char err[600], why[4096];
	int best;

	memset(&c, 0, sizeof(c));
	if (parse(argc, argv, &c))
		return 2;
	for (int i = 0; i < c.n; i++)
		if (load_one(c.arg[i], c.part, &r[i], err, sizeof(err))) {
			fprintf(stderr, "hlsgen report: %s\n", err);
			return 1;
		}
	if (apply_accuracies(&c, r))
		return 2;
	best = hg_recommend(r, c.n, &c.budget, why, sizeof(why));
	if (c.json) {
		print_json(r, c.n, best, why);
		return 0;
	}
	hg_synth_print(stdout, r, c.n, c.markdown);
	for (int i = 0; i < c.n; i++)
		if (r[i].source == HG_SRC_ESTIMATE) {
			printf("\nESTIMATE rows are hlsgen's model of the design, not a synthesis "
			       "result (calibrated on one published design; see "
			       "hlsgen/report/README.md).\n");
			break;
		}
	printf("\nbudget: LUT %.0f%%, FF %.0f%%, BRAM %.0f%%, DSP %.0f%%, URAM %.0f%%; "
	       "accuracy slack %.1f points\n%s",
	       c.budget.pct[HG_LUT], c.budget.pct[HG_FF], c.budget.pct[HG_BRAM18K],
	       c.budget.pct[HG_DSP], c.budget.pct[HG_URAM], c.budget.accuracy_slack, why);
	return 0;
}

const struct hlsgen_cmd hlsgen_cmd_report = {
    .name = "report",
    .summary = "compare synthesis reports (or estimates) and pick one for the bitstream",
    .usage = usage_text,
    .run = run,
};
