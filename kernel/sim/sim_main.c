// SPDX-License-Identifier: GPL-2.0
/*
 * sim_main.c - the qnn_sim platform driver: one simulated AXI DMA with its
 * hls4ml core per "qnn,sim-axi-dma" device-tree node, and the module
 * parameters that tune every instance at run time.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>

#include "qnn_sim.h"

static LIST_HEAD(qnn_sim_devices);
static DEFINE_MUTEX(qnn_sim_devices_lock);

static int clock_mhz = -1;
module_param(clock_mhz, int, 0644);
MODULE_PARM_DESC(clock_mhz, "Modelled core clock in MHz (-1: qnn,clock-mhz of the device tree)");

static int cycles_per_sample = -1;
module_param(cycles_per_sample, int, 0644);
MODULE_PARM_DESC(cycles_per_sample,
		 "Modelled cycles per image, 0 = unlimited speed (-1: qnn,cycles-per-sample of the device tree)");

/*
 * The real AXI DMA driver starts a queued descriptor from its interrupt
 * handler: a few microseconds of interrupt latency and register writes
 * during which the stream stands still. Modelled generously.
 */
static unsigned int restart_ns = 5000;
module_param(restart_ns, uint, 0644);
MODULE_PARM_DESC(restart_ns, "Modelled gap before a queued transfer starts after the previous one (ns)");

u32 qnn_sim_restart_ns(void)
{
	return READ_ONCE(restart_ns);
}

static bool compute = true;
module_param(compute, bool, 0644);
MODULE_PARM_DESC(compute, "Run the engine (N: outputs are zeros, for benchmarks of the data path only)");

static unsigned int late_ms = 10000;
module_param(late_ms, uint, 0444);
MODULE_PARM_DESC(late_ms, "Initial delay of a late_completion fault (debugfs late_ms per device)");

static unsigned int fault_count;
module_param(fault_count, uint, 0644);
MODULE_PARM_DESC(fault_count, "Jobs the fault parameter applies to (0: all)");

static enum qnn_sim_fault fault_mode = QNN_SIM_FAULT_NONE;

u32 qnn_sim_clock_mhz(struct qnn_sim *sim)
{
	int v = READ_ONCE(clock_mhz);

	return v >= 0 ? v : sim->clock_mhz;
}

u32 qnn_sim_cycles(struct qnn_sim *sim)
{
	int v = READ_ONCE(cycles_per_sample);

	return v >= 0 ? v : sim->cycles;
}

bool qnn_sim_compute(void)
{
	return READ_ONCE(compute);
}

void qnn_sim_fault_defaults(struct qnn_sim *sim)
{
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	sim->fault = fault_mode;
	sim->fault_count = READ_ONCE(fault_count);
	spin_unlock_irqrestore(&sim->lock, flags);
}

void qnn_sim_for_each(void (*fn)(struct qnn_sim *sim, void *arg), void *arg)
{
	struct qnn_sim *sim;

	mutex_lock(&qnn_sim_devices_lock);
	list_for_each_entry(sim, &qnn_sim_devices, node)
		fn(sim, arg);
	mutex_unlock(&qnn_sim_devices_lock);
}

static void qnn_sim_apply_fault(struct qnn_sim *sim, void *arg)
{
	qnn_sim_fault_defaults(sim);
}

/* Writing the fault parameter re-arms every device with it (and fault_count). */
static int qnn_sim_fault_param_set(const char *val, const struct kernel_param *kp)
{
	enum qnn_sim_fault f;
	u32 count = READ_ONCE(fault_count);
	int ret;

	ret = qnn_sim_fault_parse(val, &f, &count);
	if (ret)
		return ret;
	fault_mode = f;
	WRITE_ONCE(fault_count, count);
	qnn_sim_for_each(qnn_sim_apply_fault, NULL);
	return 0;
}

static int qnn_sim_fault_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", qnn_sim_fault_name(fault_mode));
}

static const struct kernel_param_ops qnn_sim_fault_param_ops = {
	.set = qnn_sim_fault_param_set,
	.get = qnn_sim_fault_param_get,
};
module_param_cb(fault, &qnn_sim_fault_param_ops, NULL, 0644);
MODULE_PARM_DESC(fault,
		 "Fault for every device: none, no_tlast, stall, error, rx_error, short_s2mm, late_completion, partial_image");

/*
 * Through the firmware-neutral property API: DT on the board and in the arm64
 * guest, ACPI _DSD in the amd64 guest (Debian's amd64 kernel has no CONFIG_OF).
 */
static int qnn_sim_parse_props(struct qnn_sim *sim, const char **fw_name)
{
	struct device *dev = sim->dev;
	const char *type;
	u32 width = 32;
	int ret;

	ret = device_property_read_string(dev, "firmware-name", fw_name);
	if (ret) {
		dev_err(dev, "firmware-name (the .qnn model) is required\n");
		return ret;
	}
	sim->clock_mhz = 100;
	device_property_read_u32(dev, "qnn,clock-mhz", &sim->clock_mhz);
	device_property_read_u32(dev, "qnn,cycles-per-sample", &sim->cycles);

	sim->core.in_kind = QNN_INPUT_F32;
	if (!device_property_read_string(dev, "qnn,input-type", &type)) {
		if (!strcmp(type, "fixed"))
			sim->core.in_kind = QNN_INPUT_CODES;
		else if (strcmp(type, "float32"))
			return dev_err_probe(dev, -EINVAL, "qnn,input-type \"%s\"\n", type);
	}
	if (!device_property_read_string(dev, "qnn,output-type", &type)) {
		if (!strcmp(type, "fixed"))
			sim->core.out_codes = true;
		else if (strcmp(type, "float32"))
			return dev_err_probe(dev, -EINVAL, "qnn,output-type \"%s\"\n", type);
	}

	/* The AXI DMA's address width (xlnx,addrwidth), 32 in hls4ml designs. */
	device_property_read_u32(dev, "xlnx,addrwidth", &width);
	if (width < 32 || width > 64)
		return dev_err_probe(dev, -EINVAL, "xlnx,addrwidth %u\n", width);
	return dma_set_mask_and_coherent(dev, DMA_BIT_MASK(width));
}

static int qnn_sim_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	const char *fw_name;
	struct qnn_sim *sim;
	int ret;

	sim = devm_kzalloc(dev, sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	sim->dev = dev;
	spin_lock_init(&sim->lock);
	INIT_LIST_HEAD(&sim->node);
	sim->late_ms = late_ms;
	platform_set_drvdata(pdev, sim);

	ret = qnn_sim_parse_props(sim, &fw_name);
	if (ret)
		return ret;
	ret = qnn_sim_core_load(sim, fw_name);
	if (ret)
		goto err_core;
	qnn_sim_job_init(sim);
	qnn_sim_fault_defaults(sim);
	sim->wq = alloc_ordered_workqueue("qnn_sim/%s", WQ_HIGHPRI, dev_name(dev));
	if (!sim->wq) {
		ret = -ENOMEM;
		goto err_core;
	}
	ret = qnn_sim_dma_register(sim);
	if (ret)
		goto err_wq;
	ret = qnn_sim_gpio_register(sim);
	if (ret)
		goto err_dma;

	qnn_sim_debugfs_add(sim);
	mutex_lock(&qnn_sim_devices_lock);
	list_add_tail(&sim->node, &qnn_sim_devices);
	mutex_unlock(&qnn_sim_devices_lock);
	dev_info(dev, "simulated AXI DMA + hls4ml core, %u MHz, %u cycles/sample%s\n",
		 qnn_sim_clock_mhz(sim), qnn_sim_cycles(sim),
		 qnn_sim_cycles(sim) ? "" : " (unlimited)");
	return 0;

err_dma:
	qnn_sim_dma_unregister(sim);
err_wq:
	destroy_workqueue(sim->wq);
err_core:
	qnn_sim_core_free(sim);
	return ret;
}

static int qnn_sim_remove(struct platform_device *pdev)
{
	struct qnn_sim *sim = platform_get_drvdata(pdev);

	mutex_lock(&qnn_sim_devices_lock);
	list_del(&sim->node);
	mutex_unlock(&qnn_sim_devices_lock);
	qnn_sim_debugfs_remove(sim);
	/* No client holds a channel: their module references pin us. */
	qnn_sim_dma_unregister(sim);
	hrtimer_cancel(&sim->timer);
	destroy_workqueue(sim->wq);
	qnn_sim_core_free(sim);
	return 0;
}

static const struct of_device_id qnn_sim_of_match[] = {
	{ .compatible = "qnn,sim-axi-dma" },
	{ }
};
MODULE_DEVICE_TABLE(of, qnn_sim_of_match);

static struct platform_driver qnn_sim_driver = {
	.probe = qnn_sim_probe,
	.remove = qnn_sim_remove,
	.driver = {
		.name = "qnn_sim",
		.of_match_table = qnn_sim_of_match,
		/*
		 * Unbinding a DMA provider under a client that holds its
		 * channels is not something dmaengine supports; the sim
		 * goes away with its module only.
		 */
		.suppress_bind_attrs = true,
	},
};

static int __init qnn_sim_init(void)
{
	int ret;

	qnn_sim_debugfs_init();
	ret = platform_driver_register(&qnn_sim_driver);
	if (ret)
		qnn_sim_debugfs_exit();
	return ret;
}
module_init(qnn_sim_init);

static void __exit qnn_sim_exit(void)
{
	platform_driver_unregister(&qnn_sim_driver);
	qnn_sim_debugfs_exit();
}
module_exit(qnn_sim_exit);

MODULE_DESCRIPTION("Simulated AXI DMA with an hls4ml core (qnn test device)");
MODULE_LICENSE("GPL");
