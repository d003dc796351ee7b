// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_report_parse.c - the synthesis report parsers on the fixtures in
 * tests/fixtures/reports (written here in the tools' documented formats):
 * Vivado HLS csynth .rpt and .xml, Vitis HLS .rpt (DSP column) and .xml
 * (<DSP>), Vivado report_utilization (BRAM tiles as 18 Kb halves), project
 * directories; malformed reports refused with a message; the budget
 * syntax; and the recommendation's rules.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "hlsgen_synth.h"

#define FIX "tests/fixtures/reports/"

static struct hg_synth load_ok(const char *path)
{
	struct hg_synth r;
	char err[512];

	cr_assert_eq(hg_synth_load(path, &r, err, sizeof(err)), 0, "%s", err);
	return r;
}

static void expect_published(const struct hg_synth *r)
{
	cr_expect_eq(r->used[HG_BRAM18K], 120);
	cr_expect_eq(r->used[HG_DSP], 138);
	cr_expect_eq(r->used[HG_FF], 38665);
	cr_expect_eq(r->used[HG_LUT], 111163);
	cr_expect_eq(r->used[HG_URAM], 0);
	cr_expect_eq(r->avail[HG_LUT], 230400);
	cr_expect_eq(r->avail[HG_DSP], 1728);
	cr_expect_float_eq(hg_synth_pct(r, HG_LUT), 48.248, 1e-3);
	cr_expect_str_eq(r->part, "xczu7ev-ffvc1156-2-e");
	cr_expect_str_eq(r->top, "myproject");
	cr_expect_eq(r->latency_min, 1613);
	cr_expect_eq(r->latency_max, 1613);
	cr_expect_eq(r->interval_min, 793);
	cr_expect_eq(r->interval_max, 793);
	cr_expect_float_eq(r->clock_target_ns, 5.0, 1e-9);
	cr_expect_float_eq(r->clock_est_ns, 4.368, 1e-9);
}

Test(report_parse, vivado_hls_rpt)
{
	struct hg_synth r = load_ok(FIX "qp6_vivado_hls/myproject_csynth.rpt");

	cr_expect_eq(r.source, HG_SRC_CSYNTH_RPT);
	cr_expect_str_eq(r.tool, "Vivado HLS 2019.2");
	expect_published(&r);
}

Test(report_parse, vivado_hls_xml_and_project_directory)
{
	struct hg_synth r = load_ok(FIX "qp6_vivado_hls/myproject_csynth.xml");

	cr_expect_eq(r.source, HG_SRC_CSYNTH_XML);
	cr_expect_str_eq(r.tool, "Vivado HLS 2019.2");
	expect_published(&r);
	/* a directory: the XML is preferred over the text report */
	r = load_ok(FIX "qp6_vivado_hls");
	cr_expect_eq(r.source, HG_SRC_CSYNTH_XML);
	cr_expect_str_eq(r.name, "qp6_vivado_hls");
	expect_published(&r);
}

Test(report_parse, vitis_hls_rpt_and_xml)
{
	struct hg_synth t = load_ok(FIX "float_vitis_hls/myproject_csynth.rpt");
	struct hg_synth x = load_ok(FIX "pruned_vitis_hls/myproject_csynth.xml");

	cr_expect_str_eq(t.tool, "Vitis HLS 2022.2");
	cr_expect_eq(t.used[HG_DSP], 1520);
	cr_expect_eq(t.used[HG_LUT], 403162);
	cr_expect_float_eq(hg_synth_pct(&t, HG_LUT), 174.98, 1e-2);
	cr_expect_eq(t.interval_max, 788);
	cr_expect_float_eq(t.clock_est_ns, 4.873, 1e-9);
	cr_expect_str_eq(x.tool, "Vitis HLS 2022.2");
	cr_expect_eq(x.used[HG_DSP], 412); /* the <DSP> tag */
	cr_expect_eq(x.avail[HG_DSP], 1728);
	cr_expect_eq(x.used[HG_BRAM18K], 124);
	cr_expect_eq(x.latency_max, 1650);
}

Test(report_parse, vivado_utilization)
{
	struct hg_synth r = load_ok(FIX "qp6_utilization_placed.rpt");

	cr_expect_eq(r.source, HG_SRC_UTILIZATION);
	cr_expect_str_eq(r.tool, "Vivado 2020.1 utilization");
	cr_expect_str_eq(r.part, "xczu7evffvc1156-2");
	cr_expect_str_eq(r.top, "design_1_wrapper");
	cr_expect_eq(r.used[HG_LUT], 104811);
	cr_expect_eq(r.used[HG_FF], 41502);
	cr_expect_eq(r.used[HG_BRAM18K], 121); /* 60.5 tiles of 36 Kb */
	cr_expect_eq(r.avail[HG_BRAM18K], 624);
	cr_expect_eq(r.used[HG_DSP], 138);
	cr_expect_eq(r.used[HG_URAM], 0);
	cr_expect_eq(r.avail[HG_URAM], 96);
	cr_expect_eq(r.latency_max, -1);
}

Test(report_parse, malformed_reports_are_refused)
{
	static const char *const bad[] = {FIX "broken_truncated_csynth.xml",
					  FIX "broken_no_utilization_csynth.rpt",
					  FIX "broken_random.rpt", FIX "does_not_exist.rpt",
					  FIX "float_vitis_hls/../../reports/README.md"};
	struct hg_synth r;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		cr_expect_eq(hg_synth_load(bad[i], &r, err, sizeof(err)), -1, "%s accepted",
			     bad[i]);
		cr_expect(strstr(err, bad[i]) != NULL, "message '%s' does not name %s", err,
			  bad[i]);
	}
}

Test(report_parse, parsers_on_edge_text)
{
	struct hg_synth r;
	char err[256];

	memset(&r, 0, sizeof(r));
	cr_expect_eq(hg_synth_parse_xml("<profile></profile>", 19, &r, err, sizeof(err)), -1);
	cr_expect_eq(hg_synth_parse_xml("", 0, &r, err, sizeof(err)), -1);
	cr_expect_eq(hg_synth_parse_xml("<other/>", 8, &r, err, sizeof(err)), -1);
	cr_expect_eq(hg_synth_parse_rpt("", &r, err, sizeof(err)), -1);
	cr_expect_eq(
	    hg_synth_parse_rpt("== Vivado HLS Report for 'x'\n|Total|1|\n", &r, err, sizeof(err)),
	    -1); /* Total outside a utilization summary */
	cr_expect_eq(
	    hg_synth_parse_utilization("| Command : report_utilization\n", &r, err, sizeof(err)),
	    -1);
}

Test(report_parse, budget_syntax)
{
	struct hg_budget b;
	char err[256];

	hg_budget_default(&b);
	cr_expect_eq(b.pct[HG_LUT], 80);
	cr_assert_eq(hg_budget_parse("lut=50,dsp=70%,BRAM=60,acc=1", &b, err, sizeof(err)), 0, "%s",
		     err);
	cr_expect_eq(b.pct[HG_LUT], 50);
	cr_expect_eq(b.pct[HG_DSP], 70);
	cr_expect_eq(b.pct[HG_BRAM18K], 60);
	cr_expect_eq(b.accuracy_slack, 1);
	cr_expect_eq(b.pct[HG_FF], 80);
	cr_expect_eq(hg_budget_parse("luts=50", &b, err, sizeof(err)), -1);
	cr_expect_eq(hg_budget_parse("lut=abc", &b, err, sizeof(err)), -1);
	cr_expect_eq(hg_budget_parse("lut", &b, err, sizeof(err)), -1);
	cr_expect_eq(hg_budget_parse("lut=-5", &b, err, sizeof(err)), -1);
}

static struct hg_synth project(const char *name, double lut_pct, double dsp_pct, double acc,
			       long interval)
{
	struct hg_synth r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	for (int i = 0; i < HG_RES_COUNT; i++) {
		r.avail[i] = 1000;
		r.have[i] = 1;
		r.used[i] = 100;
	}
	r.used[HG_LUT] = lut_pct * 10;
	r.used[HG_DSP] = dsp_pct * 10;
	r.accuracy = acc;
	r.interval_max = interval;
	r.latency_max = r.latency_min = r.interval_min = -1;
	return r;
}

Test(report_parse, recommendation_rules)
{
	struct hg_budget b;
	struct hg_synth p[4];
	char why[2048];

	hg_budget_default(&b);
	/* the lab's question: float does not fit, the smallest accurate enough wins */
	p[0] = project("float", 175, 88, 0.957, 788);
	p[1] = project("pruned", 66, 24, 0.950, 790);
	p[2] = project("qpruned", 48, 8, 0.948, 793);
	p[3] = project("tiny", 20, 0, 0.900, 793);
	cr_expect_eq(hg_recommend(p, 4, &b, why, sizeof(why)), 2, "%s", why);
	cr_expect(strstr(why, "float: over budget (LUT 175.0% > 80%)"), "%s", why);
	cr_expect(strstr(why, "tiny: fits, but accuracy"), "%s", why);
	cr_expect(strstr(why, "recommend qpruned"), "%s", why);
	/* a tighter accuracy slack keeps only the most accurate fitting project */
	b.accuracy_slack = 0.1;
	cr_expect_eq(hg_recommend(p, 4, &b, why, sizeof(why)), 1, "%s", why);
	/* a project without an accuracy is never picked over known ones (issue 13) */
	p[3].accuracy = -1;
	b.accuracy_slack = 0.5;
	cr_expect_eq(hg_recommend(p, 4, &b, why, sizeof(why)), 2, "%s", why);
	cr_expect(strstr(why, "tiny: fits, but its accuracy is unknown (give --accuracy tiny=A)"),
		  "%s", why);
	p[1].accuracy = p[2].accuracy = -1;
	cr_expect_eq(hg_recommend(p, 4, &b, why, sizeof(why)), -1, "only 'float' is known: %s",
		     why);
	b.accuracy_slack = 0.1;
	/* without accuracies: the smallest peak utilization */
	for (int i = 0; i < 4; i++)
		p[i].accuracy = -1;
	cr_expect_eq(hg_recommend(p, 4, &b, why, sizeof(why)), 3, "%s", why);
	cr_expect(strstr(why, "accuracy unknown for every project"), "%s", why);
	/* ties on utilization: the shorter interval */
	p[2] = project("a", 48, 8, -1, 900);
	p[3] = project("b", 48, 8, -1, 700);
	cr_expect_eq(hg_recommend(p + 2, 2, &b, why, sizeof(why)), 1, "%s", why);
	/* nothing fits */
	b.pct[HG_LUT] = 10;
	cr_expect_eq(hg_recommend(p, 4, &b, why, sizeof(why)), -1);
	cr_expect(strstr(why, "no project fits"), "%s", why);
}
