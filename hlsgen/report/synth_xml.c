// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Vivado HLS / Vitis HLS `<top>_csynth.xml` through libxml2: the report
 * version, part and top from UserAssignments, the clock and overall
 * latency/interval from PerformanceEstimates, and AreaEstimates'
 * Resources / AvailableResources (DSP48E or DSP, by tag name).
 */
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_synth.h"
#include "synth_table.h"

/* Text of the first node matching xpath, or NULL (caller frees with xmlFree). */
static char *xtext(xmlXPathContextPtr ctx, const char *xpath)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	char *s = NULL;

	if (o && o->nodesetval && o->nodesetval->nodeNr > 0)
		s = (char *)xmlNodeGetContent(o->nodesetval->nodeTab[0]);
	xmlXPathFreeObject(o);
	return s;
}

static void copy_text(xmlXPathContextPtr ctx, const char *xpath, char *buf, size_t len)
{
	char *s = xtext(ctx, xpath);

	if (s)
		synth_copy_line_value(s, buf, len);
	xmlFree(s);
}

static double number(xmlXPathContextPtr ctx, const char *xpath)
{
	char *s = xtext(ctx, xpath);
	double v = s ? synth_cell_number(s) : -1;

	xmlFree(s);
	return v;
}

/* Children of the AreaEstimates group into used[] or avail[]. */
static int area(xmlXPathContextPtr ctx, const char *xpath, double *out, int *have)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	int found = 0;

	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr nd = o->nodesetval->nodeTab[i];
		int res = synth_res_column((const char *)nd->name);
		char *s;
		double v;

		if (nd->type != XML_ELEMENT_NODE || res < 0)
			continue;
		s = (char *)xmlNodeGetContent(nd);
		v = s ? synth_cell_number(s) : -1;
		xmlFree(s);
		if (v < 0)
			continue;
		out[res] = v;
		if (have)
			have[res] = 1;
		found++;
	}
	xmlXPathFreeObject(o);
	return found;
}

int hg_synth_parse_xml(const char *text, size_t len, struct hg_synth *r, char *err, size_t errlen)
{
	xmlDocPtr doc = xmlReadMemory(text, (int)len, "csynth.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlXPathContextPtr ctx;
	char version[32] = "";
	int rc = -1;

	r->source = HG_SRC_CSYNTH_XML;
	if (!doc) {
		snprintf(err, errlen, "not well-formed XML (truncated?)");
		return -1;
	}
	ctx = xmlXPathNewContext(doc);
	if (!ctx || !xmlDocGetRootElement(doc) ||
	    strcmp((const char *)xmlDocGetRootElement(doc)->name, "profile")) {
		snprintf(err, errlen, "not an HLS csynth report (no <profile> root)");
		goto out;
	}
	copy_text(ctx, "/profile/ReportVersion/Version", version, sizeof(version));
	copy_text(ctx, "/profile/UserAssignments/Part", r->part, sizeof(r->part));
	copy_text(ctx, "/profile/UserAssignments/TopModelName", r->top, sizeof(r->top));
	r->clock_target_ns = number(ctx, "/profile/UserAssignments/TargetClockPeriod");
	r->clock_est_ns = number(
	    ctx, "/profile/PerformanceEstimates/SummaryOfTimingAnalysis/EstimatedClockPeriod");
	r->latency_min = (long)number(
	    ctx, "/profile/PerformanceEstimates/SummaryOfOverallLatency/Best-caseLatency");
	r->latency_max = (long)number(
	    ctx, "/profile/PerformanceEstimates/SummaryOfOverallLatency/Worst-caseLatency");
	r->interval_min =
	    (long)number(ctx, "/profile/PerformanceEstimates/SummaryOfOverallLatency/Interval-min");
	r->interval_max =
	    (long)number(ctx, "/profile/PerformanceEstimates/SummaryOfOverallLatency/Interval-max");
	if (!area(ctx, "/profile/AreaEstimates/Resources/*", r->used, r->have)) {
		snprintf(err, errlen, "no AreaEstimates/Resources in the report");
		goto out;
	}
	area(ctx, "/profile/AreaEstimates/AvailableResources/*", r->avail, NULL);
	/* Vitis HLS replaced Vivado HLS from 2020.2 on; the XML looks alike */
	snprintf(r->tool, sizeof(r->tool), "%s %s",
		 strcmp(version, "2020.2") >= 0 ? "Vitis HLS" : "Vivado HLS", version);
	rc = 0;
out:
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return rc;
}
