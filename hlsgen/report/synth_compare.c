// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Comparing projects side by side and recommending one for the bitstream
 * under a resource budget (hlsgen_synth.h). The budget's default leaves
 * room for the rest of the block design (AXI DMA, interconnect) and for
 * routing: 80% of LUTs and FFs, 90% of BRAM, DSPs and URAM.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hlsgen_synth.h"

void hg_budget_default(struct hg_budget *b)
{
	b->pct[HG_LUT] = 80;
	b->pct[HG_FF] = 80;
	b->pct[HG_BRAM18K] = 90;
	b->pct[HG_DSP] = 90;
	b->pct[HG_URAM] = 90;
	b->accuracy_slack = 0.5;
}

int hg_budget_parse(const char *text, struct hg_budget *b, char *err, size_t errlen)
{
	static const struct {
		const char *key;
		int res;
	} keys[] = {
	    {"lut", HG_LUT}, {"ff", HG_FF},	{"bram", HG_BRAM18K}, {"bram_18k", HG_BRAM18K},
	    {"dsp", HG_DSP}, {"uram", HG_URAM}, {"acc", -1},	      {"accuracy", -1}};
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", text);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *end;
		double v;
		size_t k;

		if (!eq)
			goto bad;
		*eq = 0;
		v = strtod(eq + 1, &end);
		if (end == eq + 1 || (*end && strcmp(end, "%")) || v < 0 || v > 1000)
			goto bad;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcasecmp(tok, keys[k].key))
				break;
		if (k == sizeof(keys) / sizeof(keys[0]))
			goto bad;
		if (keys[k].res < 0)
			b->accuracy_slack = v;
		else
			b->pct[keys[k].res] = v;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "budget '%s': expected lut=PCT,ff=PCT,bram=PCT,dsp=PCT,uram=PCT,acc=POINTS", text);
	return -1;
}

double hg_synth_pct(const struct hg_synth *r, int res)
{
	if (!r->have[res] || r->avail[res] <= 0)
		return r->have[res] && r->used[res] == 0 ? 0.0 : -1.0;
	return 100.0 * r->used[res] / r->avail[res];
}

static double peak_pct(const struct hg_synth *r, int *which)
{
	double peak = -1;

	for (int i = 0; i < HG_RES_COUNT; i++)
		if (hg_synth_pct(r, i) > peak) {
			peak = hg_synth_pct(r, i);
			*which = i;
		}
	return peak;
}

/* Why r does not fit b (empty when it fits). */
static int over_budget(const struct hg_synth *r, const struct hg_budget *b, char *why, size_t len)
{
	size_t at = 0;

	why[0] = 0;
	for (int i = 0; i < HG_RES_COUNT; i++) {
		double p = hg_synth_pct(r, i);

		if (p > b->pct[i])
			at += (size_t)snprintf(why + at, at < len ? len - at : 0,
					       "%s%s %.1f%% > %.0f%%", at ? ", " : "",
					       hg_res_name[i], p, b->pct[i]);
	}
	return at > 0;
}

static void append(char *why, size_t len, const char *fmt, ...)
{
	size_t at = strlen(why);
	va_list ap;

	if (at >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(why + at, len - at, fmt, ap);
	va_end(ap);
}

int hg_recommend(const struct hg_synth *r, int n, const struct hg_budget *b, char *why,
		 size_t whylen)
{
	int best = -1, any_acc = 0, res_best = 0, res_i = 0;
	double best_acc = -1;
	char reason[256];

	why[0] = 0;
	for (int i = 0; i < n; i++)
		if (r[i].accuracy >= 0)
			any_acc = 1;
	for (int i = 0; i < n; i++)
		if (!over_budget(&r[i], b, reason, sizeof(reason)) && r[i].accuracy > best_acc)
			best_acc = r[i].accuracy;
	for (int i = 0; i < n; i++) {
		if (over_budget(&r[i], b, reason, sizeof(reason))) {
			append(why, whylen, "%s: over budget (%s)\n", r[i].name, reason);
			continue;
		}
		/* with some accuracies known, one without cannot be judged: never picked */
		if (any_acc && r[i].accuracy < 0) {
			append(why, whylen,
			       "%s: fits, but its accuracy is unknown (give --accuracy %s=A)\n",
			       r[i].name, r[i].name);
			continue;
		}
		if (any_acc && r[i].accuracy < best_acc - b->accuracy_slack / 100.0) {
			append(why, whylen,
			       "%s: fits, but accuracy %.4f is more than %.1f points "
			       "below the best fitting %.4f\n",
			       r[i].name, r[i].accuracy, b->accuracy_slack, best_acc);
			continue;
		}
		if (best < 0 || peak_pct(&r[i], &res_i) < peak_pct(&r[best], &res_best) - 1e-9 ||
		    (fabs(peak_pct(&r[i], &res_i) - peak_pct(&r[best], &res_best)) < 1e-9 &&
		     r[i].interval_max >= 0 && r[i].interval_max < r[best].interval_max))
			best = i;
	}
	if (best < 0) {
		append(why, whylen, "no project fits the budget\n");
		return -1;
	}
	peak_pct(&r[best], &res_best);
	append(why, whylen, "recommend %s: within budget (peak %s %.1f%%)", r[best].name,
	       hg_res_name[res_best], peak_pct(&r[best], &res_best));
	if (any_acc)
		append(why, whylen, ", accuracy %.4f within %.1f points of the best fitting %.4f",
		       r[best].accuracy, b->accuracy_slack, best_acc);
	else
		append(why, whylen,
		       ", accuracy unknown for every project (chosen on resources "
		       "alone; --accuracy NAME=A weighs it in)");
	append(why, whylen, ", and the smallest peak utilization of the remaining candidates");
	if (r[best].interval_max >= 0)
		append(why, whylen, "; interval %ld cycles", r[best].interval_max);
	if (r[best].source == HG_SRC_ESTIMATE)
		append(why, whylen, " (resources are an ESTIMATE: synthesize to confirm)");
	append(why, whylen, "\n");
	return best;
}

static const char *source_label(int s)
{
	switch (s) {
	case HG_SRC_CSYNTH_RPT:
		return "csynth.rpt";
	case HG_SRC_CSYNTH_XML:
		return "csynth.xml";
	case HG_SRC_UTILIZATION:
		return "utilization";
	default:
		return "ESTIMATE";
	}
}

static void cell_res(char *buf, size_t len, const struct hg_synth *r, int i)
{
	double p = hg_synth_pct(r, i);

	if (!r->have[i])
		snprintf(buf, len, "-");
	else if (p >= 0)
		snprintf(buf, len, "%.0f (%.1f%%)", r->used[i], p);
	else
		snprintf(buf, len, "%.0f", r->used[i]);
}

void hg_synth_print(FILE *f, const struct hg_synth *r, int n, int md)
{
	if (md)
		fprintf(f, "| project | source | part | BRAM_18K | DSP | FF | LUT | URAM | "
			   "latency (cycles) | interval | clock est. (ns) | accuracy |\n"
			   "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	else
		fprintf(f, "%-14s %-11s %-20s %-13s %-13s %-15s %-16s %-9s %-8s %-8s %-6s %s\n",
			"project", "source", "part", "BRAM_18K", "DSP", "FF", "LUT", "URAM",
			"latency", "interval", "clock", "accuracy");
	for (int k = 0; k < n; k++) {
		char c[HG_RES_COUNT][40], lat[32] = "-", iv[32] = "-", clk[16] = "-", acc[16] = "-";
		const char *part = r[k].part[0] ? r[k].part : "-";

		for (int i = 0; i < HG_RES_COUNT; i++)
			cell_res(c[i], sizeof(c[i]), &r[k], i);
		if (r[k].latency_max >= 0)
			snprintf(lat, sizeof(lat), "%ld", r[k].latency_max);
		if (r[k].interval_max >= 0)
			snprintf(iv, sizeof(iv), "%ld", r[k].interval_max);
		if (r[k].clock_est_ns > 0)
			snprintf(clk, sizeof(clk), "%.3f", r[k].clock_est_ns);
		if (r[k].accuracy >= 0)
			snprintf(acc, sizeof(acc), "%.4f", r[k].accuracy);
		if (md)
			fprintf(f,
				"| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				r[k].name, source_label(r[k].source), part, c[0], c[1], c[2], c[3],
				c[4], lat, iv, clk, acc);
		else
			fprintf(
			    f, "%-14s %-11s %-20s %-13s %-13s %-15s %-16s %-9s %-8s %-8s %-6s %s\n",
			    r[k].name, source_label(r[k].source), part, c[0], c[1], c[2], c[3],
			    c[4], lat, iv, clk, acc);
	}
}
