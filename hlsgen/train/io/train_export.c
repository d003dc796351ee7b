// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * From a trained network to the files the rest of the flow uses: the Keras
 * JSON + HDF5 weights pair (what hls4ml reads), the .qnn built from that
 * pair by the importer (so its types follow exactly the hls4ml precision
 * rules `hlsgen import` implements), and the float checkpoint.
 */
#include <stdio.h>
#include <string.h>

#include "hlsgen_import.h"
#include "hlsgen_train_run.h"

int hg_export_model(struct hg_net *net, const struct hg_export_paths *p,
		    const struct hg_export_opts *o, char *err, size_t errlen)
{
	struct hlsgen_import_opts io = {0};

	if (hg_keras_write_json(hg_net_spec_of(net), p->json, err, errlen) ||
	    hg_keras_write_h5(net, p->h5, err, errlen))
		return -1;
	if (p->ckpt && hg_checkpoint_write(net, p->ckpt, err, errlen))
		return -1;
	if (!p->qnn)
		return 0;
	io.json_path = p->json;
	io.h5_path = p->h5;
	io.config_path = o ? o->config_path : NULL;
	io.hls4ml_major = o ? o->hls4ml_major : 0;
	io.hls4ml_minor = o ? o->hls4ml_minor : 8;
	io.log = o ? o->log : NULL;
	if (hlsgen_import(&io, p->qnn, err, errlen) < 0)
		return -1;
	return 0;
}

void hg_export_paths_from_prefix(struct hg_export_paths *p, const char *prefix)
{
	snprintf(p->json_buf, sizeof(p->json_buf), "%s.json", prefix);
	snprintf(p->h5_buf, sizeof(p->h5_buf), "%s_weights.h5", prefix);
	snprintf(p->qnn_buf, sizeof(p->qnn_buf), "%s.qnn", prefix);
	snprintf(p->ckpt_buf, sizeof(p->ckpt_buf), "%s.ckpt", prefix);
	p->json = p->json_buf;
	p->h5 = p->h5_buf;
	p->qnn = p->qnn_buf;
	p->ckpt = p->ckpt_buf;
}
