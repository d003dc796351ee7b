// SPDX-License-Identifier: GPL-2.0
/*
 * sim_fault.c - fault injection and the debugfs view of each simulator:
 *
 *   /sys/kernel/debug/qnn_sim/<device>/
 *     fault        rw  "<mode> [count]": the mode for the next jobs
 *     fault_count  rw  jobs left to fault (0: every job until changed)
 *     late_ms      rw  extra delay of a late_completion
 *     clock_mhz, cycles_per_sample
 *                  rw  modelled speed (cycles 0: unlimited)
 *     reset        w   "1": pulse the core reset (as the reset GPIO does)
 *     state        r   core, job and counters, one "key: value" a line
 *
 * A job takes the fault when its MM2S transfer starts. With a count, the
 * mode returns to "none" after that many jobs (one-shot with count 1).
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "qnn_sim.h"

static const char *const qnn_sim_fault_names[QNN_SIM_FAULT_COUNT] = {
	[QNN_SIM_FAULT_NONE] = "none",
	[QNN_SIM_FAULT_NO_TLAST] = "no_tlast",
	[QNN_SIM_FAULT_STALL] = "stall",
	[QNN_SIM_FAULT_ERROR] = "error",
	[QNN_SIM_FAULT_RX_ERROR] = "rx_error",
	[QNN_SIM_FAULT_SHORT_S2MM] = "short_s2mm",
	[QNN_SIM_FAULT_LATE] = "late_completion",
	[QNN_SIM_FAULT_PARTIAL] = "partial_image",
};

static const char *const qnn_sim_state_names[] = {
	[QNN_SIM_IDLE] = "idle",
	[QNN_SIM_STREAMING] = "streaming",
	[QNN_SIM_WAITING] = "waiting",
	[QNN_SIM_STALLED] = "stalled",
};

static struct dentry *qnn_sim_debugfs_root;

const char *qnn_sim_fault_name(enum qnn_sim_fault f)
{
	return f < QNN_SIM_FAULT_COUNT ? qnn_sim_fault_names[f] : "?";
}

/* "<mode>" or "<mode> <count>"; count stays untouched when absent. */
int qnn_sim_fault_parse(const char *s, enum qnn_sim_fault *f, u32 *count)
{
	char buf[32], *p, *word;
	int i;

	strscpy(buf, s, sizeof(buf));
	p = strim(buf);
	word = strsep(&p, " \t");
	i = sysfs_match_string(qnn_sim_fault_names, word);
	if (i < 0)
		return -EINVAL;
	if (p) {
		p = skip_spaces(p);
		if (*p && kstrtou32(p, 0, count))
			return -EINVAL;
	}
	*f = i;
	return 0;
}

enum qnn_sim_fault qnn_sim_fault_take_locked(struct qnn_sim *sim)
{
	enum qnn_sim_fault f = sim->fault;

	if (f != QNN_SIM_FAULT_NONE && sim->fault_count) {
		if (!--sim->fault_count)
			sim->fault = QNN_SIM_FAULT_NONE;
	}
	return f;
}

static ssize_t qnn_sim_fault_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	struct qnn_sim *sim = file_inode(file)->i_private;
	enum qnn_sim_fault f;
	unsigned long flags;
	char buf[32];
	u32 count;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	spin_lock_irqsave(&sim->lock, flags);
	count = sim->fault_count;
	spin_unlock_irqrestore(&sim->lock, flags);
	ret = qnn_sim_fault_parse(buf, &f, &count);
	if (ret)
		return ret;
	spin_lock_irqsave(&sim->lock, flags);
	sim->fault = f;
	sim->fault_count = count;
	spin_unlock_irqrestore(&sim->lock, flags);
	return len;
}

static int qnn_sim_fault_show(struct seq_file *m, void *v)
{
	struct qnn_sim *sim = m->private;

	seq_printf(m, "%s\n", qnn_sim_fault_name(READ_ONCE(sim->fault)));
	return 0;
}

static int qnn_sim_fault_open(struct inode *inode, struct file *file)
{
	return single_open(file, qnn_sim_fault_show, inode->i_private);
}

static const struct file_operations qnn_sim_fault_fops = {
	.owner = THIS_MODULE,
	.open = qnn_sim_fault_open,
	.read = seq_read,
	.write = qnn_sim_fault_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int qnn_sim_fault_count_get(void *data, u64 *val)
{
	struct qnn_sim *sim = data;

	*val = READ_ONCE(sim->fault_count);
	return 0;
}

static int qnn_sim_fault_count_set(void *data, u64 val)
{
	struct qnn_sim *sim = data;
	unsigned long flags;

	if (val > U32_MAX)
		return -EINVAL;
	spin_lock_irqsave(&sim->lock, flags);
	sim->fault_count = val;
	spin_unlock_irqrestore(&sim->lock, flags);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(qnn_sim_fault_count_fops, qnn_sim_fault_count_get,
			 qnn_sim_fault_count_set, "%llu\n");

static int qnn_sim_reset_set(void *data, u64 val)
{
	struct qnn_sim *sim = data;
	unsigned long flags;

	if (val != 1)
		return -EINVAL;
	spin_lock_irqsave(&sim->lock, flags);
	qnn_sim_job_reset_core_locked(sim, true);
	qnn_sim_job_reset_core_locked(sim, false);
	spin_unlock_irqrestore(&sim->lock, flags);
	qnn_sim_job_kick(sim);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(qnn_sim_reset_fops, NULL, qnn_sim_reset_set, "%llu\n");

static int qnn_sim_state_show(struct seq_file *m, void *v)
{
	struct qnn_sim *sim = m->private;
	struct qnn_sim_stats st;
	enum qnn_sim_job_state js;
	enum qnn_sim_fault f;
	u32 fill, count, late;
	unsigned long flags;
	bool in_reset;

	spin_lock_irqsave(&sim->lock, flags);
	st = sim->stats;
	js = sim->job.state;
	fill = sim->core.fill;
	in_reset = sim->core.in_reset;
	f = sim->fault;
	count = sim->fault_count;
	late = sim->late_ms;
	spin_unlock_irqrestore(&sim->lock, flags);

	seq_printf(m, "model: %.*s\n", (int)sizeof(sim->core.model->hdr->name),
		   sim->core.model->hdr->name);
	seq_printf(m, "n_in: %u\nn_out: %u\n", sim->core.n_in, sim->core.n_out);
	seq_printf(m, "clock_mhz: %u\ncycles_per_sample: %u\ncompute: %d\n",
		   qnn_sim_clock_mhz(sim), qnn_sim_cycles(sim), qnn_sim_compute());
	seq_printf(m, "fault: %s\nfault_count: %u\nlate_ms: %u\n",
		   qnn_sim_fault_name(f), count, late);
	seq_printf(m, "job: %s\nin_reset: %d\n", qnn_sim_state_names[js], in_reset);
	/* Beats of a partial image held by the core: non-zero = misaligned. */
	seq_printf(m, "core_fill: %u\n", fill);
	seq_printf(m, "jobs: %llu\nimages: %llu\nbeats_in: %llu\nbeats_out: %llu\n",
		   st.jobs, st.images, st.beats_in, st.beats_out);
	seq_printf(m, "faults: %llu\naborts: %llu\nresets: %llu\n",
		   st.faults, st.aborts, st.resets);
	seq_printf(m, "overflows: %llu\nbad_addr: %llu\n", st.overflows, st.bad_addr);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(qnn_sim_state);

void qnn_sim_debugfs_add(struct qnn_sim *sim)
{
	struct dentry *d;

	d = debugfs_create_dir(dev_name(sim->dev), qnn_sim_debugfs_root);
	sim->debugfs = d;
	debugfs_create_file("fault", 0600, d, sim, &qnn_sim_fault_fops);
	debugfs_create_file_unsafe("fault_count", 0600, d, sim,
				   &qnn_sim_fault_count_fops);
	debugfs_create_u32("late_ms", 0600, d, &sim->late_ms);
	debugfs_create_u32("clock_mhz", 0600, d, &sim->clock_mhz);
	debugfs_create_u32("cycles_per_sample", 0600, d, &sim->cycles);
	debugfs_create_file_unsafe("reset", 0200, d, sim, &qnn_sim_reset_fops);
	debugfs_create_file("state", 0400, d, sim, &qnn_sim_state_fops);
}

void qnn_sim_debugfs_remove(struct qnn_sim *sim)
{
	debugfs_remove_recursive(sim->debugfs);
	sim->debugfs = NULL;
}

int qnn_sim_debugfs_init(void)
{
	qnn_sim_debugfs_root = debugfs_create_dir("qnn_sim", NULL);
	return 0;
}

void qnn_sim_debugfs_exit(void)
{
	debugfs_remove_recursive(qnn_sim_debugfs_root);
}
