// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "qnn": a dump of all devices
 * with their counters, a write command for administrators, and a multicast
 * group announcing devices coming and going, failed jobs and resets, so a
 * monitor does not have to poll sysfs.
 *
 * Each command has its own strict policy: anything it does not take,
 * including output-only attributes, is rejected.
 */
#include <linux/device.h>
#include <net/genetlink.h>

#include "qnn_core.h"

static struct genl_family qnn_genl_family;

static const struct nla_policy qnn_get_policy[QNN_A_DEV_INDEX + 1] = {
	[QNN_A_DEV_INDEX] = NLA_POLICY_MAX(NLA_U32, QNN_MAX_DEVICES - 1),
};

static struct netlink_range_validation qnn_base_range = {
	.min = 1,
	.max = QNN_MAX_TIMEOUT_MS,
};

static struct netlink_range_validation qnn_per_sample_range = {
	.min = 0,
	.max = QNN_MAX_PER_SAMPLE_US,
};

static const struct nla_policy qnn_set_policy[QNN_A_MAX + 1] = {
	[QNN_A_DEV_INDEX] = NLA_POLICY_MAX(NLA_U32, QNN_MAX_DEVICES - 1),
	[QNN_A_TIMEOUT_BASE_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&qnn_base_range),
	[QNN_A_TIMEOUT_PER_SAMPLE_US] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &qnn_per_sample_range),
	[QNN_A_SET_FLAGS] = NLA_POLICY_MASK(NLA_U32, QNN_SET_RESET_COUNTERS |
					    QNN_SET_RESET_CORE),
};

static int qnn_nl_put_u64(struct sk_buff *skb, int attr, u64 v)
{
	return nla_put_u64_64bit(skb, attr, v, QNN_A_PAD);
}

static int qnn_nl_put_ident(struct sk_buff *skb, struct qnn_device *qdev)
{
	if (nla_put_u32(skb, QNN_A_DEV_INDEX, qdev->index) ||
	    nla_put_string(skb, QNN_A_DEV_NAME, dev_name(&qdev->dev)))
		return -EMSGSIZE;
	return 0;
}

static int qnn_nl_put_device(struct sk_buff *skb, struct qnn_device *qdev)
{
	struct qnn_stats s;

	qnn_stats_snapshot(qdev, &s);
	if (qnn_nl_put_ident(skb, qdev) ||
	    nla_put_string(skb, QNN_A_MODEL_NAME, qdev->model.name) ||
	    nla_put_u32(skb, QNN_A_N_INPUTS, qdev->n_in) ||
	    nla_put_u32(skb, QNN_A_N_OUTPUTS, qdev->n_out) ||
	    nla_put_u32(skb, QNN_A_MAX_BATCH, qdev->max_batch) ||
	    qnn_nl_put_u64(skb, QNN_A_JOBS, s.jobs) ||
	    qnn_nl_put_u64(skb, QNN_A_SAMPLES, s.samples) ||
	    qnn_nl_put_u64(skb, QNN_A_BYTES_IN, s.bytes_in) ||
	    qnn_nl_put_u64(skb, QNN_A_BYTES_OUT, s.bytes_out) ||
	    qnn_nl_put_u64(skb, QNN_A_ERRORS, s.errors) ||
	    qnn_nl_put_u64(skb, QNN_A_TIMEOUTS, s.timeouts) ||
	    qnn_nl_put_u64(skb, QNN_A_DMA_ERRORS, s.dma_errors) ||
	    qnn_nl_put_u64(skb, QNN_A_PROTO_ERRORS, s.proto_errors) ||
	    qnn_nl_put_u64(skb, QNN_A_CANCELED, s.canceled) ||
	    qnn_nl_put_u64(skb, QNN_A_RESETS, s.resets) ||
	    qnn_nl_put_u64(skb, QNN_A_BUSY_NS, s.busy_ns) ||
	    qnn_nl_put_u64(skb, QNN_A_LAT_LAST_NS, s.lat_last_ns) ||
	    qnn_nl_put_u64(skb, QNN_A_LAT_AVG_NS, qnn_stats_lat_avg(&s)) ||
	    qnn_nl_put_u64(skb, QNN_A_LAT_MAX_NS, s.lat_max_ns) ||
	    nla_put_u8(skb, QNN_A_NEEDS_RESET, READ_ONCE(qdev->needs_reset)) ||
	    nla_put_u32(skb, QNN_A_TIMEOUT_BASE_MS,
			READ_ONCE(qdev->timeout_base_ms)) ||
	    nla_put_u32(skb, QNN_A_TIMEOUT_PER_SAMPLE_US,
			READ_ONCE(qdev->timeout_per_sample_us)))
		return -EMSGSIZE;
	return 0;
}

/* Returns a referenced device, or NULL. */
static struct qnn_device *qnn_nl_find(u32 index)
{
	struct qnn_device *qdev, *found = NULL;

	mutex_lock(&qnn_devices_lock);
	list_for_each_entry(qdev, &qnn_devices, node) {
		if (qdev->index == index) {
			found = qdev;
			get_device(&found->dev);
			break;
		}
	}
	mutex_unlock(&qnn_devices_lock);
	return found;
}

static int qnn_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct qnn_device *qdev;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, QNN_A_DEV_INDEX))
		return -EINVAL;
	qdev = qnn_nl_find(nla_get_u32(info->attrs[QNN_A_DEV_INDEX]));
	if (!qdev)
		return -ENODEV;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	ret = -ENOMEM;
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &qnn_genl_family, 0,
				QNN_CMD_GET_DEVICE);
	ret = -EMSGSIZE;
	if (!hdr || qnn_nl_put_device(msg, qdev)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	put_device(&qdev->dev);
	return ret;
}

/* cb->args[0]: devices already dumped; cb->seq detects list changes. */
static int qnn_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct qnn_device *qdev;
	long skip = cb->args[0], i = 0;
	void *hdr;

	mutex_lock(&qnn_devices_lock);
	cb->seq = qnn_devices_gen;
	list_for_each_entry(qdev, &qnn_devices, node) {
		if (i++ < skip)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &qnn_genl_family,
				  NLM_F_MULTI, QNN_CMD_GET_DEVICE);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (qnn_nl_put_device(skb, qdev)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0]++;
	}
	mutex_unlock(&qnn_devices_lock);
	return skb->len;
}

static int qnn_nl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct qnn_device *qdev;
	u32 flags = 0;

	if (GENL_REQ_ATTR_CHECK(info, QNN_A_DEV_INDEX))
		return -EINVAL;
	qdev = qnn_nl_find(nla_get_u32(a[QNN_A_DEV_INDEX]));
	if (!qdev)
		return -ENODEV;
	if (a[QNN_A_SET_FLAGS])
		flags = nla_get_u32(a[QNN_A_SET_FLAGS]);
	spin_lock(&qdev->stats_lock);
	if (a[QNN_A_TIMEOUT_BASE_MS])
		qdev->timeout_base_ms = nla_get_u32(a[QNN_A_TIMEOUT_BASE_MS]);
	if (a[QNN_A_TIMEOUT_PER_SAMPLE_US])
		qdev->timeout_per_sample_us =
			nla_get_u32(a[QNN_A_TIMEOUT_PER_SAMPLE_US]);
	spin_unlock(&qdev->stats_lock);
	if (flags & QNN_SET_RESET_COUNTERS)
		qnn_stats_reset(qdev);
	if (flags & QNN_SET_RESET_CORE)
		qnn_reset_request(qdev);
	put_device(&qdev->dev);
	return 0;
}

static const struct genl_ops qnn_genl_ops[] = {
	{
		.cmd = QNN_CMD_GET_DEVICE,
		.doit = qnn_nl_get_doit,
		.dumpit = qnn_nl_get_dumpit,
		.policy = qnn_get_policy,
		.maxattr = ARRAY_SIZE(qnn_get_policy) - 1,
	},
	{
		.cmd = QNN_CMD_SET_DEVICE,
		.doit = qnn_nl_set_doit,
		.policy = qnn_set_policy,
		.maxattr = ARRAY_SIZE(qnn_set_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group qnn_genl_mcgrps[] = {
	{ .name = QNN_GENL_MCGRP_EVENTS },
};

static struct genl_family qnn_genl_family __ro_after_init = {
	.name = QNN_GENL_NAME,
	.version = QNN_GENL_VERSION,
	.maxattr = QNN_A_MAX,
	.module = THIS_MODULE,
	.ops = qnn_genl_ops,
	.n_ops = ARRAY_SIZE(qnn_genl_ops),
	.mcgrps = qnn_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(qnn_genl_mcgrps),
	.resv_start_op = QNN_CMD_GET_DEVICE,
};

/* Best effort: an event nobody listens to costs one check. */
void qnn_netlink_event(struct qnn_device *qdev, u32 event, u64 job_id,
		       int status)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&qnn_genl_family, &init_net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &qnn_genl_family, 0, QNN_CMD_EVENT);
	if (!hdr || nla_put_u32(msg, QNN_A_EVENT, event) ||
	    qnn_nl_put_ident(msg, qdev) ||
	    nla_put_u8(msg, QNN_A_NEEDS_RESET, READ_ONCE(qdev->needs_reset)) ||
	    (job_id && qnn_nl_put_u64(msg, QNN_A_JOB_ID, job_id)) ||
	    (status && nla_put_s32(msg, QNN_A_JOB_STATUS, status))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&qnn_genl_family, msg, 0, 0, GFP_KERNEL);
}

int qnn_netlink_init(void)
{
	return genl_register_family(&qnn_genl_family);
}

void qnn_netlink_exit(void)
{
	genl_unregister_family(&qnn_genl_family);
}
