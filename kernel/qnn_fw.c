// SPDX-License-Identifier: GPL-2.0
/*
 * The optional model file named by firmware-name: parsed with
 * the same validator the host tools use, checked against the stream the
 * device tree describes, and kept only as the summary sysfs shows. The
 * driver never needs the weights: the core already has them.
 */
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/mm.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "qnn_core.h"
#include "qnn_model.h"

static void qnn_model_summarize(struct qnn_model_info *mi,
				const struct qnn_model *m)
{
	const struct qnn_file_header *h = m->hdr;

	mi->present = true;
	strscpy(mi->name, h->name, sizeof(mi->name));
	mi->in_shape[0] = h->in_h;
	mi->in_shape[1] = h->in_w;
	mi->in_shape[2] = h->in_c;
	mi->n_in = m->n_in;
	mi->n_out = m->n_out;
	mi->n_layers = m->n_layers;
	mi->hls4ml_major = h->hls4ml_major;
	mi->hls4ml_minor = h->hls4ml_minor;
	mi->in_width = h->input_t.width;
	mi->in_signed = h->input_t.is_signed;
	mi->in_int_bits = h->input_t.int_bits;
}

static int qnn_model_check(struct qnn_device *qdev, struct device *dev,
			   const char *name, const void *data, size_t size)
{
	struct qnn_model *m;
	char err[96] = "";
	int ret;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	ret = qnn_model_parse(data, size, m, err, sizeof(err));
	if (ret) {
		dev_err(dev, "model %s: %s (%d)\n", name, err, ret);
		goto out;
	}
	if (m->n_in != qdev->n_in || m->n_out != qdev->n_out) {
		dev_err(dev, "model %s is %u -> %u, the node says %u -> %u\n",
			name, m->n_in, m->n_out, qdev->n_in, qdev->n_out);
		ret = -EINVAL;
		goto out;
	}
	qnn_model_summarize(&qdev->model, m);
out:
	kfree(m);
	return ret;
}

int qnn_model_load(struct qnn_device *qdev, struct device *dev)
{
	const struct firmware *fw;
	const char *name;
	void *copy = NULL;
	const void *data;
	int ret;

	if (device_property_read_string(dev, "firmware-name", &name))
		return 0;
	ret = request_firmware(&fw, name, dev);
	if (ret == -ENOENT) {
		/* Only the description is lost: the core has its weights. */
		dev_warn(dev, "model %s not found: no model info\n", name);
		return 0;
	}
	if (ret) {
		dev_err(dev, "model %s: cannot load (%d)\n", name, ret);
		return ret;
	}
	/* The parser wants 8-byte alignment; firmware data usually is. */
	data = fw->data;
	if (!IS_ALIGNED((unsigned long)data, 8)) {
		copy = kvmalloc(fw->size, GFP_KERNEL);
		if (copy)
			memcpy(copy, fw->data, fw->size);
		data = copy;
	}
	ret = data ? qnn_model_check(qdev, dev, name, data, fw->size) :
		     -ENOMEM;
	kvfree(copy);
	release_firmware(fw);
	return ret;
}
