// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The sweep's table, in CSV (one header line, one row per setting, plain
 * numbers) and Markdown (the lab report's table, resources marked as
 * estimates).
 */
#include <stdio.h>

#include "hlsgen_sweep.h"

static const char *prune_name(int kind)
{
	return kind == HG_PRUNE_CONSTANT     ? "constant"
	       : kind == HG_PRUNE_POLYNOMIAL ? "polynomial"
					     : "none";
}

int hg_sweep_write_csv(const char *path, const struct hg_sweep_row *r, int n)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "setting,weight_bits,act_bits,pruning,target_sparsity,sparsity,float_acc,"
		   "quantized_acc,bitexact_acc,nonzero_weights,total_weights,size_bits,size_bytes,"
		   "widest_multiplier,est_lut,est_ff,est_dsp,est_bram18k,est_lut_pct,epochs,"
		   "sec_per_epoch,qnn\n");
	for (int i = 0; i < n; i++)
		fprintf(f,
			"%s,%d,%d,%s,%.2f,%.4f,%.4f,%.4f,%.4f,%ld,%ld,%ld,%ld,%dx%d,%.0f,%.0f,"
			"%.0f,%.0f,%.1f,%d,%.3f,%s\n",
			r[i].tag, r[i].wbits, r[i].abits, prune_name(r[i].prune_kind),
			r[i].target_sparsity, r[i].sparsity, r[i].float_acc, r[i].quant_acc,
			r[i].bitexact_acc, r[i].nonzero, r[i].total, r[i].size_bits,
			(r[i].size_bits + 7) / 8, r[i].widest_a, r[i].widest_b,
			r[i].est.used[HG_LUT], r[i].est.used[HG_FF], r[i].est.used[HG_DSP],
			r[i].est.used[HG_BRAM18K], hg_synth_pct(&r[i].est, HG_LUT), r[i].epochs_run,
			r[i].sec_per_epoch, r[i].qnn);
	return fclose(f) ? -1 : 0;
}

int hg_sweep_write_markdown(const char *path, const struct hg_sweep_row *r, int n,
			    const char *title)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "# %s\n\n", title);
	fprintf(f, "| setting | bits w/a | pruning | sparsity | float acc | QKeras acc | bit-exact "
		   "acc | nonzero weights | size (bits) | size (bytes) | widest multiplier | "
		   "LUT (est.) | FF (est.) | DSP (est.) | BRAM_18K (est.) |\n");
	fprintf(f, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < n; i++) {
		char bits[16];

		if (r[i].wbits)
			snprintf(bits, sizeof(bits), "%d/%d", r[i].wbits, r[i].abits);
		else
			snprintf(bits, sizeof(bits), "float");
		fprintf(f,
			"| %s | %s | %s | %.1f%% | %.4f | %.4f | %.4f | %ld / %ld | %ld | %ld | "
			"%dx%d | %.0f (%.1f%%) | %.0f (%.1f%%) | %.0f (%.1f%%) | %.0f (%.1f%%) |\n",
			r[i].tag, bits, prune_name(r[i].prune_kind), 100.0 * r[i].sparsity,
			r[i].float_acc, r[i].quant_acc, r[i].bitexact_acc, r[i].nonzero, r[i].total,
			r[i].size_bits, (r[i].size_bits + 7) / 8, r[i].widest_a, r[i].widest_b,
			r[i].est.used[HG_LUT], hg_synth_pct(&r[i].est, HG_LUT),
			r[i].est.used[HG_FF], hg_synth_pct(&r[i].est, HG_FF), r[i].est.used[HG_DSP],
			hg_synth_pct(&r[i].est, HG_DSP), r[i].est.used[HG_BRAM18K],
			hg_synth_pct(&r[i].est, HG_BRAM18K));
	}
	fprintf(f,
		"\nAccuracies on the test split; size counts nonzero weights and biases at "
		"their bit widths; the multiplier is input bits x weight bits. LUT/FF/DSP/BRAM "
		"are hlsgen's ESTIMATE for the hls4ml io_stream design on %s (not synthesis "
		"results; calibrated on one published design, see hlsgen/report/README.md).\n",
		n ? r[0].est.part : "the part");
	return fclose(f) ? -1 : 0;
}
