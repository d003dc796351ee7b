// SPDX-License-Identifier: GPL-2.0
/*
 * sim_job.c - moving one MM2S transfer through the core and completing the
 * DMA descriptors the way the hardware would.
 *
 * A job starts when an MM2S transfer is issued and an S2MM transfer is
 * already waiting (the core's output has nowhere to go otherwise, so the
 * input stream would be held off). The work item streams the data through
 * the core model at CPU speed; the modelled stream time is then waited out
 * with a soft hrtimer, whose callback (softirq context, like a DMA driver's
 * tasklet) completes the descriptors and runs the clients' callbacks.
 * The modelled stream of a job starts when the core is free and both its
 * transfers are issued (qnn_sim_job_start_time), so transfers queued
 * ahead run back to back as on the board, whatever the simulator's own
 * scheduling delays.
 */
#include <linux/math64.h>

#include "qnn_sim.h"

static u64 qnn_sim_duration_ns(struct qnn_sim *sim, u64 elems)
{
	u32 mhz = qnn_sim_clock_mhz(sim);
	u32 cycles = qnn_sim_cycles(sim);

	if (!mhz || !cycles)
		return 0;	/* unlimited speed */
	/* elems / n_in images, cycles each, 1000 / mhz ns per cycle */
	return div64_u64(elems * cycles * 1000ULL, (u64)sim->core.n_in * mhz);
}

/* Beats a partial_image fault lets through: never a whole number of images. */
static u64 qnn_sim_partial_elems(struct qnn_sim *sim, u64 elems)
{
	u32 n_in = sim->core.n_in;
	u64 p = div_u64(elems / 2, n_in) * n_in + n_in / 2;

	if (p >= elems)
		p = elems / 2;
	return max_t(u64, p, 1);
}

/*
 * When the modelled stream of a job starts: once both its transfers are
 * issued and the previous transfer has left the core (plus the DMA's
 * restart gap). Never later than now: the work item that gets here may
 * run late, the modelled hardware does not wait for it.
 */
static ktime_t qnn_sim_job_start_time(struct qnn_sim *sim,
				      const struct qnn_sim_job *job)
{
	ktime_t now = ktime_get();
	ktime_t t = ktime_add_ns(sim->busy_until, qnn_sim_restart_ns());

	if (ktime_before(t, job->tx->issued))
		t = job->tx->issued;
	if (ktime_before(t, job->rx->issued))
		t = job->rx->issued;
	return ktime_before(now, t) ? now : t;
}

static bool qnn_sim_job_start_locked(struct qnn_sim *sim)
{
	struct qnn_sim_chan *mm2s = &sim->chans[QNN_SIM_MM2S];
	struct qnn_sim_chan *s2mm = &sim->chans[QNN_SIM_S2MM];
	struct qnn_sim_job *job = &sim->job;

	if (job->state != QNN_SIM_IDLE || sim->core.in_reset)
		return false;
	if (list_empty(&mm2s->issued))
		return false;
	if (!s2mm->active) {
		if (list_empty(&s2mm->issued))
			return false;
		s2mm->active = list_first_entry(&s2mm->issued,
						struct qnn_sim_desc, node);
		list_del_init(&s2mm->active->node);
	}
	mm2s->active = list_first_entry(&mm2s->issued, struct qnn_sim_desc, node);
	list_del_init(&mm2s->active->node);

	job->gen++;
	job->state = QNN_SIM_STREAMING;
	job->aborted = false;
	job->halted = false;
	job->tx = mm2s->active;
	job->rx = s2mm->active;
	job->rx_tlast = false;
	job->rx_done = false;
	job->fault = qnn_sim_fault_take_locked(sim);
	job->elems = DIV_ROUND_UP(job->tx->len, QNN_SIM_BEAT);
	job->fill_before = sim->core.fill;
	job->beats_in = 0;
	job->beats_out = 0;
	job->images = 0;
	job->bad_addr = false;
	job->start = qnn_sim_job_start_time(sim, job);
	job->duration_ns = qnn_sim_duration_ns(sim, job->elems);
	sim->busy_until = ktime_add_ns(job->start, job->duration_ns);
	sim->stats.jobs++;
	if (job->fault != QNN_SIM_FAULT_NONE)
		sim->stats.faults++;
	return true;
}

/*
 * Arms the completion timer for when the job is due; true instead when it is
 * due already, for the caller to complete it at once.
 */
static bool qnn_sim_job_arm_locked(struct qnn_sim *sim, ktime_t when)
{
	if (ktime_compare(when, ktime_get()) <= 0)
		return true;
	hrtimer_start(&sim->timer, when, HRTIMER_MODE_ABS_SOFT);
	return false;
}

/* Decides how the streamed job completes; true: complete it now. */
static bool qnn_sim_job_finish_locked(struct qnn_sim *sim, int ret)
{
	struct qnn_sim_job *job = &sim->job;
	struct qnn_sim_desc *tx = job->tx, *rx = job->rx;
	ktime_t when;

	tx->res.result = DMA_TRANS_NOERROR;
	tx->res.residue = 0;
	if (ret == -EFAULT) {
		/* The MM2S read hit an address outside memory (DECERR). */
		tx->res.result = DMA_TRANS_READ_FAILED;
		tx->res.residue = tx->len;
	}
	if (rx) {
		rx->res.residue = rx->len - rx->done;
		if (rx->overflow || job->fault == QNN_SIM_FAULT_RX_ERROR) {
			rx->res.result = DMA_TRANS_WRITE_FAILED;
			job->rx_done = true;
		} else if (job->rx_tlast) {
			rx->res.result = DMA_TRANS_NOERROR;
			job->rx_done = true;
		}
	}

	job->state = QNN_SIM_WAITING;
	when = ktime_add_ns(job->start, job->duration_ns);
	if (job->fault == QNN_SIM_FAULT_LATE)
		when = ktime_add_ms(when, sim->late_ms);
	return qnn_sim_job_arm_locked(sim, when);
}

/* An MM2S read error: nothing enters the core, the S2MM is aborted. */
static bool qnn_sim_job_error_locked(struct qnn_sim *sim)
{
	struct qnn_sim_job *job = &sim->job;

	job->tx->res.result = DMA_TRANS_READ_FAILED;
	job->tx->res.residue = job->tx->len;
	if (job->rx) {
		job->rx->res.result = DMA_TRANS_ABORTED;
		job->rx->res.residue = job->rx->len - job->rx->done;
		job->rx_done = true;
	}
	job->state = QNN_SIM_WAITING;
	return true;
}

/* Streams the job; true when it is due for completion right away. */
static bool qnn_sim_job_run(struct qnn_sim *sim)
{
	struct qnn_sim_job *job = &sim->job;
	unsigned long flags;
	bool due = false;
	u64 max_elems;
	int ret = 0;

	switch (job->fault) {
	case QNN_SIM_FAULT_STALL:
		spin_lock_irqsave(&sim->lock, flags);
		job->state = job->aborted ? QNN_SIM_IDLE : QNN_SIM_STALLED;
		spin_unlock_irqrestore(&sim->lock, flags);
		return false;
	case QNN_SIM_FAULT_ERROR:
		spin_lock_irqsave(&sim->lock, flags);
		if (job->aborted)
			job->state = QNN_SIM_IDLE;
		else
			due = qnn_sim_job_error_locked(sim);
		spin_unlock_irqrestore(&sim->lock, flags);
		return due;
	case QNN_SIM_FAULT_PARTIAL:
		max_elems = qnn_sim_partial_elems(sim, job->elems);
		break;
	default:
		max_elems = job->elems;
		break;
	}

	ret = qnn_sim_core_stream(sim, job, max_elems);

	spin_lock_irqsave(&sim->lock, flags);
	sim->stats.beats_in += job->beats_in;
	sim->stats.beats_out += job->beats_out;
	sim->stats.images += job->images;
	if (job->bad_addr || ret == -EFAULT)
		sim->stats.bad_addr++;
	if (job->rx && job->rx->overflow)
		sim->stats.overflows++;
	if (job->halted)
		qnn_sim_core_flush(&sim->core);
	if (job->aborted) {
		job->state = QNN_SIM_IDLE;
		job->tx = NULL;
		job->rx = NULL;
	} else if (job->halted || job->fault == QNN_SIM_FAULT_PARTIAL) {
		job->state = QNN_SIM_STALLED;
	} else {
		due = qnn_sim_job_finish_locked(sim, ret);
	}
	spin_unlock_irqrestore(&sim->lock, flags);
	return due;
}

static void qnn_sim_job_complete(struct qnn_sim *sim);

static void qnn_sim_work(struct work_struct *work)
{
	struct qnn_sim *sim = container_of(work, struct qnn_sim, work);
	unsigned long flags;
	bool started;

	for (;;) {
		spin_lock_irqsave(&sim->lock, flags);
		started = qnn_sim_job_start_locked(sim);
		spin_unlock_irqrestore(&sim->lock, flags);
		if (!started)
			return;
		if (qnn_sim_job_run(sim)) {
			/*
			 * Already due (unlimited speed, or the engine took
			 * longer than the modelled time): complete here with
			 * bottom halves off, the context the clients' callbacks
			 * get from the timer too, without one more hop.
			 */
			local_bh_disable();
			qnn_sim_job_complete(sim);
			local_bh_enable();
		}
	}
}

static void qnn_sim_complete_locked(struct qnn_sim_chan *sc,
				    struct qnn_sim_desc *d,
				    struct list_head *done)
{
	if (sc->active != d)
		return;		/* terminated meanwhile */
	sc->active = NULL;
	sc->chan.completed_cookie = d->tx.cookie;
	if (d->res.result != DMA_TRANS_NOERROR)
		sc->error_cookie = d->tx.cookie;
	list_add_tail(&d->node, done);
}

static void qnn_sim_run_callbacks(struct list_head *done)
{
	struct qnn_sim_desc *d, *n;

	list_for_each_entry_safe(d, n, done, node) {
		struct dma_async_tx_descriptor *tx = &d->tx;

		list_del(&d->node);
		if (tx->callback_result)
			tx->callback_result(tx->callback_param, &d->res);
		else if (tx->callback)
			tx->callback(tx->callback_param);
		qnn_sim_desc_free(d);
	}
}

/* Completes the WAITING job (softirq or bottom halves off). */
static void qnn_sim_job_complete(struct qnn_sim *sim)
{
	struct qnn_sim_job *job = &sim->job;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&sim->lock, flags);
	if (job->state != QNN_SIM_WAITING) {
		spin_unlock_irqrestore(&sim->lock, flags);
		return;
	}
	/* MM2S first: its callback runs before the S2MM one, as on hardware. */
	qnn_sim_complete_locked(&sim->chans[QNN_SIM_MM2S], job->tx, &done);
	if (job->rx && job->rx_done)
		qnn_sim_complete_locked(&sim->chans[QNN_SIM_S2MM], job->rx, &done);
	job->state = QNN_SIM_IDLE;
	job->tx = NULL;
	job->rx = NULL;
	sim->in_callbacks++;
	spin_unlock_irqrestore(&sim->lock, flags);

	qnn_sim_run_callbacks(&done);

	spin_lock_irqsave(&sim->lock, flags);
	sim->in_callbacks--;
	spin_unlock_irqrestore(&sim->lock, flags);
	wake_up_all(&sim->cb_wq);
}

static enum hrtimer_restart qnn_sim_timer_fn(struct hrtimer *t)
{
	struct qnn_sim *sim = container_of(t, struct qnn_sim, timer);

	qnn_sim_job_complete(sim);
	qnn_sim_job_kick(sim);
	return HRTIMER_NORESTART;
}

void qnn_sim_job_kick(struct qnn_sim *sim)
{
	queue_work(sim->wq, &sim->work);
}

/*
 * What the core has taken in when a transfer is stopped after time t of its
 * modelled duration: the stream advanced t / duration of the way. A stop
 * in the middle of an image leaves that partial image in the core.
 */
static void qnn_sim_job_cut_locked(struct qnn_sim *sim)
{
	struct qnn_sim_job *job = &sim->job;
	u64 elapsed, fed;

	if (!job->duration_ns || job->fault == QNN_SIM_FAULT_ERROR)
		return;
	elapsed = ktime_to_ns(ktime_sub(ktime_get(), job->start));
	if (elapsed >= job->duration_ns)
		return;
	fed = div64_u64(job->elems * elapsed, job->duration_ns) + job->fill_before;
	sim->core.fill = do_div(fed, sim->core.n_in);
}

/* A stopped stream frees the modelled core now. */
static void qnn_sim_job_idle_now_locked(struct qnn_sim *sim)
{
	ktime_t now = ktime_get();

	if (ktime_before(now, sim->busy_until))
		sim->busy_until = now;
}

/* Called by terminate_all with the lock held, before sc->active is dropped. */
void qnn_sim_job_abort_locked(struct qnn_sim *sim, struct qnn_sim_chan *sc)
{
	struct qnn_sim_job *job = &sim->job;

	if (job->state == QNN_SIM_IDLE || !sc->active)
		return;
	if (sc->dir == DMA_DEV_TO_MEM) {
		/* The outputs lose their destination; the MM2S goes on. */
		if (job->rx == sc->active) {
			job->rx = NULL;
			job->rx_done = false;
		}
		return;
	}
	if (job->tx != sc->active)
		return;
	sim->stats.aborts++;
	qnn_sim_job_idle_now_locked(sim);
	switch (job->state) {
	case QNN_SIM_STREAMING:
		job->aborted = true;	/* the work stops at its next step */
		return;
	case QNN_SIM_WAITING:
		qnn_sim_job_cut_locked(sim);
		hrtimer_try_to_cancel(&sim->timer);
		break;
	default:
		break;
	}
	job->state = QNN_SIM_IDLE;
	job->tx = NULL;
	job->rx = NULL;
}

/*
 * The core's reset line (ap_rst_n low while assert is true). A reset
 * empties the core; a transfer in flight stops dead (the stream is held
 * off while the core is in reset) until the client terminates it.
 */
void qnn_sim_job_reset_core_locked(struct qnn_sim *sim, bool assert)
{
	struct qnn_sim_job *job = &sim->job;

	if (!assert) {
		sim->core.in_reset = false;
		return;
	}
	if (!sim->core.in_reset)
		sim->stats.resets++;
	sim->core.in_reset = true;
	qnn_sim_core_flush(&sim->core);
	qnn_sim_job_idle_now_locked(sim);
	switch (job->state) {
	case QNN_SIM_STREAMING:
		job->halted = true;
		break;
	case QNN_SIM_WAITING:
		hrtimer_try_to_cancel(&sim->timer);
		job->state = QNN_SIM_STALLED;
		break;
	default:
		break;
	}
}

void qnn_sim_job_init(struct qnn_sim *sim)
{
	INIT_WORK(&sim->work, qnn_sim_work);
	hrtimer_init(&sim->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	sim->timer.function = qnn_sim_timer_fn;
	init_waitqueue_head(&sim->cb_wq);
	sim->job.state = QNN_SIM_IDLE;
}
