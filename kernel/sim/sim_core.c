// SPDX-License-Identifier: GPL-2.0
/*
 * sim_core.c - the hls4ml core between the two streams, as hls4ml's
 * VivadoAccelerator AXI-stream wrapper behaves (docs/semantics.md section 7):
 *
 *  - input beats are taken one by one into the current image; every
 *    n_in beats make an image, which the bit-exact engine runs;
 *  - an image's outputs carry TLAST on their last beat only when the last
 *    beat of that image carried TLAST (the wrapper looks at in[N_IN-1]);
 *  - beats of an incomplete image stay in the core: the next transfer
 *    completes that image with its first beats and every later image is
 *    shifted, so TLAST never lines up again until the core is reset.
 *
 * Outputs are float bits as the wrapper emits them (or sign-extended codes
 * for a fixed-point output stream).
 */
#include <linux/firmware.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "qnn_sim.h"

int qnn_sim_core_load(struct qnn_sim *sim, const char *fw_name)
{
	struct qnn_sim_core *core = &sim->core;
	const struct firmware *fw;
	char err[96] = "";
	size_t ws_size;
	int ret;

	ret = request_firmware(&fw, fw_name, sim->dev);
	if (ret) {
		dev_err(sim->dev, "model %s not loaded: %d\n", fw_name, ret);
		return ret;
	}
	/* The parser keeps pointers into an 8-byte aligned buffer. */
	core->model_len = fw->size;
	core->model_buf = kvmalloc(fw->size, GFP_KERNEL);
	if (core->model_buf)
		memcpy(core->model_buf, fw->data, fw->size);
	release_firmware(fw);
	if (!core->model_buf)
		return -ENOMEM;

	core->model = kzalloc(sizeof(*core->model), GFP_KERNEL);
	if (!core->model)
		return -ENOMEM;
	ret = qnn_model_parse(core->model_buf, core->model_len, core->model,
			      err, sizeof(err));
	if (ret) {
		dev_err(sim->dev, "model %s rejected: %s (%d)\n", fw_name, err, ret);
		return ret;
	}
	core->n_in = core->model->n_in;
	core->n_out = core->model->n_out;

	ws_size = qnn_engine_workspace_size(core->model);
	core->ws = kvzalloc(ws_size, GFP_KERNEL);
	if (!core->ws)
		return -ENOMEM;
	ret = qnn_engine_init(&core->engine, core->model, core->ws, ws_size);
	if (ret) {
		dev_err(sim->dev, "engine rejected model %s: %d\n", fw_name, ret);
		return ret;
	}

	core->stage = kvmalloc_array((size_t)QNN_SIM_CHUNK * core->n_in,
				     sizeof(u32), GFP_KERNEL);
	core->out = kvmalloc_array((size_t)QNN_SIM_CHUNK * core->n_out,
				   sizeof(u32), GFP_KERNEL);
	core->codes = kvmalloc_array((size_t)QNN_SIM_CHUNK * core->n_out,
				     sizeof(s32), GFP_KERNEL);
	if (!core->stage || !core->out || !core->codes)
		return -ENOMEM;
	dev_info(sim->dev, "model %s: \"%.*s\", %u inputs, %u outputs per sample\n",
		 fw_name, (int)sizeof(core->model->hdr->name),
		 core->model->hdr->name, core->n_in, core->n_out);
	return 0;
}

void qnn_sim_core_free(struct qnn_sim *sim)
{
	struct qnn_sim_core *core = &sim->core;

	kvfree(core->codes);
	kvfree(core->out);
	kvfree(core->stage);
	kvfree(core->ws);
	kfree(core->model);
	kvfree(core->model_buf);
}

void qnn_sim_core_flush(struct qnn_sim_core *core)
{
	core->fill = 0;
}

/* Runs the whole images in the stage; their outputs land in core->out. */
static int qnn_sim_core_run(struct qnn_sim_core *core, u32 nimg)
{
	struct qnn_engine_out out = { };
	u32 i, n = nimg * core->n_out;
	int ret;

	if (!qnn_sim_compute()) {
		/* Benchmark mode: the data moves, nothing is computed. */
		memset(core->out, 0, n * sizeof(u32));
		return 0;
	}
	if (core->out_codes)
		out.codes = core->codes;
	else
		out.values = core->out;
	ret = qnn_engine_run(&core->engine, core->in_kind, core->stage, nimg,
			     &out, NULL, NULL);
	if (ret)
		return ret;
	if (core->out_codes)
		for (i = 0; i < n; i++)
			core->out[i] = (u32)core->codes[i];
	return 0;
}

/*
 * The S2MM side: output beats into the waiting S2MM buffer. Beats past its
 * end are an error for the S2MM (AXI DMA flags the packet as too long).
 */
static void qnn_sim_core_emit(struct qnn_sim *sim, struct qnn_sim_job *job,
			      struct qnn_sim_desc *rx, u32 n, bool tlast)
{
	size_t bytes = (size_t)n * QNN_SIM_BEAT;
	size_t room = rx->len - rx->done;
	u8 *dst;

	if (tlast && job->fault == QNN_SIM_FAULT_SHORT_S2MM) {
		/* The packet ends early: one image short, or half of one. */
		size_t one = (size_t)sim->core.n_out * QNN_SIM_BEAT;

		bytes = bytes > one ? bytes - one : round_down(bytes / 2, QNN_SIM_BEAT);
	}
	if (bytes > room) {
		bytes = round_down(room, QNN_SIM_BEAT);
		rx->overflow = true;
		tlast = false;
	}
	if (bytes) {
		dst = qnn_sim_mem_map(sim, rx->segs[0].addr + rx->done, bytes);
		if (!dst) {
			rx->overflow = true;	/* a write to nowhere: error */
			job->bad_addr = true;
			return;
		}
		memcpy(dst, sim->core.out, bytes);
		qnn_sim_mem_written(sim, rx->segs[0].addr + rx->done, bytes);
		rx->done += bytes;
		job->beats_out += bytes / QNN_SIM_BEAT;
	}
	if (tlast)
		job->rx_tlast = true;
}

/* The work checks in with the lock at each chunk: aborts and resets. */
static struct qnn_sim_desc *qnn_sim_core_step(struct qnn_sim *sim,
					      struct qnn_sim_job *job,
					      bool *stop)
{
	struct qnn_sim_desc *rx;
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	*stop = job->aborted || job->halted;
	rx = job->rx;
	spin_unlock_irqrestore(&sim->lock, flags);
	return rx;
}

/*
 * Streams the first max_elems beats of the job's MM2S buffer into the core.
 * Returns 0, or -EFAULT when the MM2S buffer is not memory the device can
 * read (the engine's own errors are reported and the outputs zeroed).
 */
int qnn_sim_core_stream(struct qnn_sim *sim, struct qnn_sim_job *job,
			u64 max_elems)
{
	struct qnn_sim_core *core = &sim->core;
	const u32 cap = QNN_SIM_CHUNK * core->n_in;
	struct qnn_sim_desc *tx = job->tx, *rx;
	const u8 *src;
	size_t off, n;
	u64 pos = 0;
	bool stop;
	u8 *dst;

	src = qnn_sim_mem_map(sim, tx->segs[0].addr, tx->len);
	if (!src)
		return -EFAULT;

	while (pos < max_elems) {
		u32 take = min_t(u64, cap - core->fill, max_elems - pos);
		u32 nimg, left;
		bool tlast;

		rx = qnn_sim_core_step(sim, job, &stop);
		if (stop)
			break;
		dst = (u8 *)(core->stage + core->fill);
		off = pos * QNN_SIM_BEAT;
		n = min_t(size_t, (size_t)take * QNN_SIM_BEAT, tx->len - off);
		memcpy(dst, src + off, n);
		/* A transfer that is not whole beats: the last one is padded. */
		memset(dst + n, 0, (size_t)take * QNN_SIM_BEAT - n);
		core->fill += take;
		pos += take;
		job->beats_in += take;

		nimg = core->fill / core->n_in;
		left = core->fill % core->n_in;
		if (!nimg)
			continue;
		if (qnn_sim_core_run(core, nimg)) {
			dev_err_ratelimited(sim->dev, "engine failed, outputs zeroed\n");
			memset(core->out, 0, (size_t)nimg * core->n_out * sizeof(u32));
		}
		job->images += nimg;
		/* TLAST was on the transfer's last beat: did it end an image? */
		tlast = pos == job->elems && !left &&
			job->fault != QNN_SIM_FAULT_NO_TLAST;
		if (rx)
			qnn_sim_core_emit(sim, job, rx, nimg * core->n_out, tlast);
		memmove(core->stage, core->stage + nimg * core->n_in,
			(size_t)left * sizeof(u32));
		core->fill = left;
		cond_resched();
	}
	return 0;
}
