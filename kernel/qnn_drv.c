// SPDX-License-Identifier: GPL-2.0
/*
 * Platform driver for an hls4ml accelerator behind an AXI DMA:
 * the device-tree binding (dts/), probe/remove and module init.
 *
 * The core has no registers (ap_ctrl_none): everything the driver knows
 * about the stream comes from the device tree, optionally cross-checked
 * against a .qnn model file named by firmware-name.
 */
#include <linux/fs.h>
#include <linux/gpio/consumer.h>
#include <linux/idr.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "qnn_core.h"

struct class *qnn_class;
static dev_t qnn_devt;
static DEFINE_IDA(qnn_ida);

/* The bound devices, for netlink dumps; gen counts list changes. */
DEFINE_MUTEX(qnn_devices_lock);
LIST_HEAD(qnn_devices);
unsigned int qnn_devices_gen;

/* "float32" or "fixed" plus <width int_bits signed> for fixed. */
static int qnn_parse_type(struct device *dev, const char *type_prop,
			  const char *fixed_prop, u32 *type,
			  struct qnn_fixed_desc *fx)
{
	const char *s;
	u32 v[3];
	s32 int_bits;
	int ret;

	memset(fx, 0, sizeof(*fx));
	ret = device_property_read_string(dev, type_prop, &s);
	if (ret == -EINVAL) {
		*type = QNN_TYPE_FLOAT32;	/* absent: hls4ml's float I/O */
		return 0;
	}
	if (ret)
		return ret;
	if (!strcmp(s, "float32")) {
		*type = QNN_TYPE_FLOAT32;
		return 0;
	}
	if (strcmp(s, "fixed")) {
		dev_err(dev, "%s: unknown type \"%s\"\n", type_prop, s);
		return -EINVAL;
	}
	*type = QNN_TYPE_FIXED;
	ret = device_property_read_u32_array(dev, fixed_prop, v, 3);
	if (ret) {
		dev_err(dev, "%s = \"fixed\" needs %s\n", type_prop, fixed_prop);
		return ret;
	}
	int_bits = (s32)v[1];
	if (v[0] < 1 || v[0] > 32 || v[2] > 1 || int_bits < -64 ||
	    int_bits > 96) {
		dev_err(dev, "%s: bad <width int_bits signed>\n", fixed_prop);
		return -EINVAL;
	}
	fx->width = v[0];
	fx->int_bits = int_bits;
	fx->is_signed = v[2];
	return 0;
}

static int qnn_read_range(struct device *dev, const char *prop, u32 *val,
			  u32 min, u32 max, bool required)
{
	int ret = device_property_read_u32(dev, prop, val);

	if (ret == -EINVAL && !required)
		return 0;
	if (ret) {
		dev_err(dev, "missing or bad %s\n", prop);
		return ret;
	}
	if (*val < min || *val > max) {
		dev_err(dev, "%s = %u out of [%u, %u]\n", prop, *val, min, max);
		return -EINVAL;
	}
	return 0;
}

/* Largest batch whose input and output each fit one buffer. */
static u32 qnn_batch_fit(const struct qnn_device *qdev)
{
	u64 per = (u64)max(qdev->n_in, qdev->n_out) * QNN_ELEM_BYTES;

	return min_t(u64, div64_u64(QNN_BUF_MAX_SIZE, per),
		     QNN_MAX_BATCH_LIMIT);
}

static int qnn_parse_dt(struct qnn_device *qdev, struct device *dev)
{
	int ret;

	ret = qnn_read_range(dev, "qnn,n-inputs", &qdev->n_in, 1,
			     QNN_MAX_ELEMS, true);
	ret = ret ?: qnn_read_range(dev, "qnn,n-outputs", &qdev->n_out, 1,
				    QNN_MAX_ELEMS, true);
	if (ret)
		return ret;
	/* Default: 1024 (the binding's), or what one buffer holds. */
	qdev->max_batch = min_t(u32, QNN_DEFAULT_BATCH, qnn_batch_fit(qdev));
	ret = qnn_read_range(dev, "qnn,max-batch", &qdev->max_batch, 1,
			     qnn_batch_fit(qdev), false);
	ret = ret ?: qnn_read_range(dev, "qnn,timeout-base-ms",
				    &qdev->timeout_base_ms, 1,
				    QNN_MAX_TIMEOUT_MS, false);
	ret = ret ?: qnn_parse_type(dev, "qnn,input-type", "qnn,input-fixed",
				    &qdev->in_type, &qdev->in_fixed);
	ret = ret ?: qnn_parse_type(dev, "qnn,output-type",
				    "qnn,output-fixed", &qdev->out_type,
				    &qdev->out_fixed);
	return ret;
}

static void qnn_dev_release(struct device *dev)
{
	struct qnn_device *qdev = to_qnn_device(dev);

	if (qdev->index >= 0 && !qdev->minor_released)
		ida_free(&qnn_ida, qdev->index);
	put_device(qdev->dma_dev);
	mutex_destroy(&qdev->lock);
	kfree(qdev);
}

static struct qnn_device *qnn_device_create(struct platform_device *pdev)
{
	struct qnn_device *qdev;

	qdev = kzalloc(sizeof(*qdev), GFP_KERNEL);
	if (!qdev)
		return NULL;
	qdev->index = -1;
	qdev->pdev = pdev;
	mutex_init(&qdev->lock);
	INIT_LIST_HEAD(&qdev->queue);
	INIT_LIST_HEAD(&qdev->active);
	INIT_LIST_HEAD(&qdev->files);
	INIT_LIST_HEAD(&qdev->node);
	init_waitqueue_head(&qdev->work_wq);
	spin_lock_init(&qdev->hw.lock);
	INIT_LIST_HEAD(&qdev->hw.running);
	INIT_LIST_HEAD(&qdev->hw.ready);
	INIT_LIST_HEAD(&qdev->hw.ended);
	spin_lock_init(&qdev->stats_lock);
	atomic64_set(&qdev->next_id, 0);
	qdev->timeout_base_ms = QNN_TIMEOUT_BASE_MS;
	qdev->timeout_per_sample_us = QNN_TIMEOUT_PER_SAMPLE_US;

	/* From here on put_device() frees everything. */
	device_initialize(&qdev->dev);
	qdev->dev.class = qnn_class;
	qdev->dev.parent = &pdev->dev;
	qdev->dev.release = qnn_dev_release;
	qdev->dev.groups = qnn_dev_groups;
	cdev_init(&qdev->cdev, &qnn_fops);
	qdev->cdev.owner = THIS_MODULE;
	return qdev;
}

static int qnn_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct qnn_device *qdev;
	int ret;

	qdev = qnn_device_create(pdev);
	if (!qdev)
		return -ENOMEM;

	ret = ida_alloc_max(&qnn_ida, QNN_MAX_DEVICES - 1, GFP_KERNEL);
	if (ret < 0)
		goto err_put;
	qdev->index = ret;
	qdev->dev.devt = MKDEV(MAJOR(qnn_devt), qdev->index);
	ret = dev_set_name(&qdev->dev, "qnn%d", qdev->index);
	if (ret)
		goto err_put;

	ret = qnn_parse_dt(qdev, dev);
	if (ret)
		goto err_put;
	qdev->reset_gpio = devm_gpiod_get_optional(dev, "reset",
						   GPIOD_OUT_LOW);
	if (IS_ERR(qdev->reset_gpio)) {
		ret = dev_err_probe(dev, PTR_ERR(qdev->reset_gpio),
				    "reset-gpios\n");
		goto err_put;
	}
	ret = qnn_model_load(qdev, dev);
	if (ret)
		goto err_put;
	ret = qnn_dma_request(qdev);
	if (ret)
		goto err_put;
	ret = qnn_worker_start(qdev);
	if (ret)
		goto err_dma;
	ret = cdev_device_add(&qdev->cdev, &qdev->dev);
	if (ret)
		goto err_worker;

	platform_set_drvdata(pdev, qdev);
	mutex_lock(&qnn_devices_lock);
	list_add_tail(&qdev->node, &qnn_devices);
	qnn_devices_gen++;
	mutex_unlock(&qnn_devices_lock);
	qnn_netlink_event(qdev, QNN_EVENT_DEVICE_ADD, 0, 0);
	dev_info(dev, "%s: %u -> %u elements, batch <= %u%s%s\n",
		 dev_name(&qdev->dev), qdev->n_in, qdev->n_out, qdev->max_batch,
		 qdev->model.present ? ", model " : "", qdev->model.name);
	return 0;

err_worker:
	qnn_job_device_gone(qdev);
err_dma:
	qnn_dma_release(qdev);
err_put:
	put_device(&qdev->dev);
	return ret;
}

static int qnn_remove(struct platform_device *pdev)
{
	struct qnn_device *qdev = platform_get_drvdata(pdev);

	mutex_lock(&qnn_devices_lock);
	list_del_init(&qdev->node);
	qnn_devices_gen++;
	mutex_unlock(&qnn_devices_lock);
	qnn_netlink_event(qdev, QNN_EVENT_DEVICE_REMOVE, 0, 0);

	/* No new opens; open files see ->gone and get -ENODEV. */
	cdev_device_del(&qdev->cdev, &qdev->dev);
	qnn_job_device_gone(qdev);
	qnn_dma_release(qdev);
	/*
	 * The minor is free again: the cdev is gone, so a rebind can be qnnN
	 * again while stale files (or mmaps) still hold this structure.
	 */
	ida_free(&qnn_ida, qdev->index);
	qdev->minor_released = true;

	mutex_lock(&qdev->lock);
	qdev->reset_gpio = NULL;	/* devm frees it after we return */
	qdev->pdev = NULL;
	mutex_unlock(&qdev->lock);
	put_device(&qdev->dev);
	return 0;
}

static const struct of_device_id qnn_of_match[] = {
	{ .compatible = "qnn,hls4ml-accel" },
	{ }
};
MODULE_DEVICE_TABLE(of, qnn_of_match);

static struct platform_driver qnn_platform_driver = {
	.probe = qnn_probe,
	.remove = qnn_remove,
	.driver = {
		.name = "qnn",
		.of_match_table = qnn_of_match,
	},
};

static int __init qnn_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&qnn_devt, 0, QNN_MAX_DEVICES, "qnn");
	if (ret)
		return ret;
	qnn_class = class_create(THIS_MODULE, "qnn");
	if (IS_ERR(qnn_class)) {
		ret = PTR_ERR(qnn_class);
		goto err_region;
	}
	ret = qnn_netlink_init();
	if (ret)
		goto err_class;
	ret = platform_driver_register(&qnn_platform_driver);
	if (ret)
		goto err_netlink;
	return 0;

err_netlink:
	qnn_netlink_exit();
err_class:
	class_destroy(qnn_class);
err_region:
	unregister_chrdev_region(qnn_devt, QNN_MAX_DEVICES);
	return ret;
}

static void __exit qnn_exit(void)
{
	platform_driver_unregister(&qnn_platform_driver);
	qnn_netlink_exit();
	class_destroy(qnn_class);
	unregister_chrdev_region(qnn_devt, QNN_MAX_DEVICES);
	ida_destroy(&qnn_ida);
}

module_init(qnn_init);
module_exit(qnn_exit);

MODULE_DESCRIPTION("hls4ml accelerator behind an AXI DMA: /dev/qnnN");
MODULE_LICENSE("GPL");
