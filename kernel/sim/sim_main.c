// SPDX-License-Identifier: GPL-2.0
/*
 * qnn_sim: a simulated AXI DMA with an hls4ml core behind it.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/of.h>

static int qnn_sim_probe(struct platform_device *pdev)
{
	dev_info(&pdev->dev, "qnn_sim bound\n");
	return 0;
}

static const struct of_device_id qnn_sim_of_match[] = {
	{ .compatible = "qnn,sim-axi-dma" },
	{ }
};
MODULE_DEVICE_TABLE(of, qnn_sim_of_match);

static struct platform_driver qnn_sim_driver = {
	.probe = qnn_sim_probe,
	.driver = {
		.name = "qnn_sim",
		.of_match_table = qnn_sim_of_match,
	},
};
module_platform_driver(qnn_sim_driver);

MODULE_DESCRIPTION("Simulated AXI DMA with an hls4ml core for qnn");
MODULE_LICENSE("GPL");
