// SPDX-License-Identifier: GPL-2.0
/*
 * Device attributes in /sys/class/qnn/qnnN/: counters (read-only, one value per
 * file), the stream and model description, and the tunables.
 *
 * Writing "1" to reset_counters zeroes the counters; writing "1" to reset
 * pulses the core's reset line, or without one acknowledges an external
 * reset and clears needs_reset.
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/sysfs.h>

#include "qnn_core.h"

#define QNN_STAT_ATTR(_name, _expr)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct qnn_stats s;						\
									\
	qnn_stats_snapshot(to_qnn_device(dev), &s);			\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)(_expr));	\
}									\
static DEVICE_ATTR_RO(_name)

QNN_STAT_ATTR(jobs, s.jobs);
QNN_STAT_ATTR(samples, s.samples);
QNN_STAT_ATTR(bytes_in, s.bytes_in);
QNN_STAT_ATTR(bytes_out, s.bytes_out);
QNN_STAT_ATTR(errors, s.errors);
QNN_STAT_ATTR(timeouts, s.timeouts);
QNN_STAT_ATTR(dma_errors, s.dma_errors);
QNN_STAT_ATTR(proto_errors, s.proto_errors);
QNN_STAT_ATTR(canceled, s.canceled);
QNN_STAT_ATTR(resets, s.resets);
QNN_STAT_ATTR(busy_ns, s.busy_ns);
QNN_STAT_ATTR(latency_last_ns, s.lat_last_ns);
QNN_STAT_ATTR(latency_avg_ns, qnn_stats_lat_avg(&s));
QNN_STAT_ATTR(latency_max_ns, s.lat_max_ns);

#define QNN_U32_ATTR(_name, _expr)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct qnn_device *qdev = to_qnn_device(dev);			\
									\
	return sysfs_emit(buf, "%u\n", (unsigned int)(_expr));		\
}									\
static DEVICE_ATTR_RO(_name)

QNN_U32_ATTR(n_inputs, qdev->n_in);
QNN_U32_ATTR(n_outputs, qdev->n_out);
QNN_U32_ATTR(max_batch, qdev->max_batch);
QNN_U32_ATTR(needs_reset, READ_ONCE(qdev->needs_reset));
QNN_U32_ATTR(queue_depth, READ_ONCE(qdev->n_queued));

static ssize_t qnn_type_emit(char *buf, u32 type,
			     const struct qnn_fixed_desc *fx)
{
	if (type == QNN_TYPE_FLOAT32)
		return sysfs_emit(buf, "float32\n");
	return sysfs_emit(buf, "%s<%u,%d>\n",
			  fx->is_signed ? "ap_fixed" : "ap_ufixed",
			  fx->width, fx->int_bits);
}

static ssize_t input_type_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct qnn_device *qdev = to_qnn_device(dev);

	return qnn_type_emit(buf, qdev->in_type, &qdev->in_fixed);
}
static DEVICE_ATTR_RO(input_type);

static ssize_t output_type_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct qnn_device *qdev = to_qnn_device(dev);

	return qnn_type_emit(buf, qdev->out_type, &qdev->out_fixed);
}
static DEVICE_ATTR_RO(output_type);

static ssize_t model_name_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_qnn_device(dev)->model.name);
}
static DEVICE_ATTR_RO(model_name);

static ssize_t model_shape_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	const struct qnn_model_info *m = &to_qnn_device(dev)->model;

	if (!m->present)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%ux%ux%u -> %u\n", m->in_shape[0],
			  m->in_shape[1], m->in_shape[2], m->n_out);
}
static DEVICE_ATTR_RO(model_shape);

static ssize_t model_input_type_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	const struct qnn_model_info *m = &to_qnn_device(dev)->model;

	if (!m->present)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%s<%u,%d>\n",
			  m->in_signed ? "ap_fixed" : "ap_ufixed",
			  m->in_width, m->in_int_bits);
}
static DEVICE_ATTR_RO(model_input_type);

static ssize_t model_layers_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_qnn_device(dev)->model.n_layers);
}
static DEVICE_ATTR_RO(model_layers);

static ssize_t model_hls4ml_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	const struct qnn_model_info *m = &to_qnn_device(dev)->model;

	if (!m->present)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%u.%u\n", m->hls4ml_major, m->hls4ml_minor);
}
static DEVICE_ATTR_RO(model_hls4ml);

static ssize_t qnn_tunable_store(struct device *dev, const char *buf,
				 size_t count, u32 *field, u32 min, u32 max)
{
	struct qnn_device *qdev = to_qnn_device(dev);
	u32 v;
	int ret;

	ret = kstrtou32(buf, 0, &v);
	if (ret)
		return ret;
	if (v < min || v > max)
		return -ERANGE;
	spin_lock(&qdev->stats_lock);
	*field = v;
	spin_unlock(&qdev->stats_lock);
	return count;
}

static ssize_t timeout_base_ms_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(to_qnn_device(dev)->timeout_base_ms));
}

static ssize_t timeout_base_ms_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	return qnn_tunable_store(dev, buf, count,
				 &to_qnn_device(dev)->timeout_base_ms, 1,
				 QNN_MAX_TIMEOUT_MS);
}
static DEVICE_ATTR_RW(timeout_base_ms);

static ssize_t timeout_per_sample_us_show(struct device *dev,
					  struct device_attribute *attr,
					  char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(to_qnn_device(dev)->timeout_per_sample_us));
}

static ssize_t timeout_per_sample_us_store(struct device *dev,
					   struct device_attribute *attr,
					   const char *buf, size_t count)
{
	return qnn_tunable_store(dev, buf, count,
				 &to_qnn_device(dev)->timeout_per_sample_us,
				 0, QNN_MAX_PER_SAMPLE_US);
}
static DEVICE_ATTR_RW(timeout_per_sample_us);

static int qnn_parse_one(const char *buf)
{
	bool v;
	int ret = kstrtobool(buf, &v);

	if (ret)
		return ret;
	return v ? 0 : -EINVAL;
}

static ssize_t reset_counters_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	int ret = qnn_parse_one(buf);

	if (ret)
		return ret;
	qnn_stats_reset(to_qnn_device(dev));
	return count;
}
static DEVICE_ATTR_WO(reset_counters);

static ssize_t reset_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	int ret = qnn_parse_one(buf);

	if (ret)
		return ret;
	qnn_reset_request(to_qnn_device(dev));
	return count;
}
static DEVICE_ATTR_WO(reset);

static struct attribute *qnn_dev_attrs[] = {
	&dev_attr_jobs.attr,
	&dev_attr_samples.attr,
	&dev_attr_bytes_in.attr,
	&dev_attr_bytes_out.attr,
	&dev_attr_errors.attr,
	&dev_attr_timeouts.attr,
	&dev_attr_dma_errors.attr,
	&dev_attr_proto_errors.attr,
	&dev_attr_canceled.attr,
	&dev_attr_resets.attr,
	&dev_attr_busy_ns.attr,
	&dev_attr_latency_last_ns.attr,
	&dev_attr_latency_avg_ns.attr,
	&dev_attr_latency_max_ns.attr,
	&dev_attr_n_inputs.attr,
	&dev_attr_n_outputs.attr,
	&dev_attr_max_batch.attr,
	&dev_attr_input_type.attr,
	&dev_attr_output_type.attr,
	&dev_attr_needs_reset.attr,
	&dev_attr_queue_depth.attr,
	&dev_attr_model_name.attr,
	&dev_attr_model_shape.attr,
	&dev_attr_model_input_type.attr,
	&dev_attr_model_layers.attr,
	&dev_attr_model_hls4ml.attr,
	&dev_attr_timeout_base_ms.attr,
	&dev_attr_timeout_per_sample_us.attr,
	&dev_attr_reset_counters.attr,
	&dev_attr_reset.attr,
	NULL,
};

static const struct attribute_group qnn_dev_group = {
	.attrs = qnn_dev_attrs,
};

const struct attribute_group *qnn_dev_groups[] = {
	&qnn_dev_group,
	NULL,
};
