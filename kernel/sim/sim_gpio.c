// SPDX-License-Identifier: GPL-2.0
/*
 * sim_gpio.c - the core's reset line as a one-line GPIO controller, the way
 * a PL design wires the hls4ml core's ap_rst_n to an EMIO GPIO. The line is
 * ap_rst_n itself (low = core in reset); a client describes it as
 * `reset-gpios = <&sim 0 GPIO_ACTIVE_LOW>` and asserts it to reset.
 */
#include <linux/gpio/driver.h>

#include "qnn_sim.h"

static const char *const qnn_sim_gpio_names[] = { "ap_rst_n" };

static int qnn_sim_gpio_get_direction(struct gpio_chip *gc, unsigned int off)
{
	return GPIO_LINE_DIRECTION_OUT;
}

static int qnn_sim_gpio_get(struct gpio_chip *gc, unsigned int off)
{
	struct qnn_sim *sim = gpiochip_get_data(gc);

	return !READ_ONCE(sim->core.in_reset);
}

static void qnn_sim_gpio_set(struct gpio_chip *gc, unsigned int off, int val)
{
	struct qnn_sim *sim = gpiochip_get_data(gc);
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	qnn_sim_job_reset_core_locked(sim, !val);
	spin_unlock_irqrestore(&sim->lock, flags);
	if (val)	/* out of reset: transfers held off may start */
		qnn_sim_job_kick(sim);
}

static int qnn_sim_gpio_direction_output(struct gpio_chip *gc,
					 unsigned int off, int val)
{
	qnn_sim_gpio_set(gc, off, val);
	return 0;
}

int qnn_sim_gpio_register(struct qnn_sim *sim)
{
	struct gpio_chip *gc = &sim->gpio;

	gc->label = dev_name(sim->dev);
	gc->parent = sim->dev;
	gc->owner = THIS_MODULE;
	gc->base = -1;
	gc->ngpio = 1;
	gc->names = qnn_sim_gpio_names;
	gc->can_sleep = false;
	gc->get_direction = qnn_sim_gpio_get_direction;
	gc->get = qnn_sim_gpio_get;
	gc->set = qnn_sim_gpio_set;
	gc->direction_output = qnn_sim_gpio_direction_output;
	return devm_gpiochip_add_data(sim->dev, gc, sim);
}
