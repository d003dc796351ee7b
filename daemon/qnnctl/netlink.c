// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * netlink.c - `qnnctl status`'s view of the devices through the driver's
 * generic-netlink family (kernel/uapi/linux/qnn.h): one dump request, one block
 * of counters per device. libnl-genl-3 does the framing and attribute
 * validation; this file only names the attributes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

/* The driver's ABI header (libclient/include also has a qnn.h: name it by path). */
#include <linux/qnn.h>
#include "qnnctl.h"

/* How each attribute is printed; the order is the output's order. */
static const struct {
	int attr;
	const char *name;
	int type; /* NLA_U32, NLA_U64, NLA_U8, NLA_STRING */
} fields[] = {
    {QNN_A_MODEL_NAME, "model", NLA_STRING},
    {QNN_A_N_INPUTS, "n_inputs", NLA_U32},
    {QNN_A_N_OUTPUTS, "n_outputs", NLA_U32},
    {QNN_A_MAX_BATCH, "max_batch", NLA_U32},
    {QNN_A_JOBS, "jobs", NLA_U64},
    {QNN_A_SAMPLES, "samples", NLA_U64},
    {QNN_A_BYTES_IN, "bytes_in", NLA_U64},
    {QNN_A_BYTES_OUT, "bytes_out", NLA_U64},
    {QNN_A_ERRORS, "errors", NLA_U64},
    {QNN_A_TIMEOUTS, "timeouts", NLA_U64},
    {QNN_A_DMA_ERRORS, "dma_errors", NLA_U64},
    {QNN_A_PROTO_ERRORS, "proto_errors", NLA_U64},
    {QNN_A_CANCELED, "canceled", NLA_U64},
    {QNN_A_RESETS, "resets", NLA_U64},
    {QNN_A_BUSY_NS, "busy_ns", NLA_U64},
    {QNN_A_LAT_LAST_NS, "latency_last_ns", NLA_U64},
    {QNN_A_LAT_AVG_NS, "latency_avg_ns", NLA_U64},
    {QNN_A_LAT_MAX_NS, "latency_max_ns", NLA_U64},
    {QNN_A_NEEDS_RESET, "needs_reset", NLA_U8},
    {QNN_A_TIMEOUT_BASE_MS, "timeout_base_ms", NLA_U32},
    {QNN_A_TIMEOUT_PER_SAMPLE_US, "timeout_per_sample_us", NLA_U32},
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

struct dump_ctx {
	struct nla_policy policy[QNN_A_MAX + 1];
	int devices;
};

static int on_device(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *ctx = arg;
	struct nlattr *tb[QNN_A_MAX + 1];
	int r = genlmsg_parse(nlmsg_hdr(msg), 0, tb, QNN_A_MAX, ctx->policy);

	if (r < 0) {
		fprintf(stderr, "qnnctl: netlink: malformed device record: %s\n", nl_geterror(r));
		return NL_SKIP;
	}
	printf("device %s (netlink)\n",
	       tb[QNN_A_DEV_NAME] ? nla_get_string(tb[QNN_A_DEV_NAME]) : "(unnamed)");
	for (size_t i = 0; i < N_FIELDS; i++) {
		struct nlattr *a = tb[fields[i].attr];

		if (!a)
			continue;
		printf("  %-22s ", fields[i].name);
		switch (fields[i].type) {
		case NLA_STRING:
			printf("%s\n", nla_get_string(a));
			break;
		case NLA_U8:
			printf("%u\n", nla_get_u8(a));
			break;
		case NLA_U32:
			printf("%" PRIu32 "\n", nla_get_u32(a));
			break;
		default:
			printf("%" PRIu64 "\n", (uint64_t)nla_get_u64(a));
			break;
		}
	}
	ctx->devices++;
	return NL_OK;
}

int qnnctl_netlink_dump(char *err, size_t errlen)
{
	struct dump_ctx ctx = {.devices = 0};
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = NULL;
	int family, r = -1;

	for (size_t i = 0; i < N_FIELDS; i++)
		ctx.policy[fields[i].attr].type = (uint16_t)fields[i].type;
	ctx.policy[QNN_A_DEV_NAME].type = NLA_STRING;
	if (!sk) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r = genl_connect(sk);
	if (r < 0) {
		snprintf(err, errlen, "cannot open a generic netlink socket: %s", nl_geterror(r));
		goto out;
	}
	family = genl_ctrl_resolve(sk, QNN_GENL_NAME);
	if (family < 0) {
		snprintf(err, errlen,
			 "generic netlink family '%s' not registered (driver not loaded)",
			 QNN_GENL_NAME);
		r = -1;
		goto out;
	}
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_DUMP,
				 QNN_CMD_GET_DEVICE, QNN_GENL_VERSION)) {
		snprintf(err, errlen, "out of memory");
		r = -1;
		goto out;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_device, &ctx);
	r = nl_send_auto(sk, msg);
	if (r >= 0)
		r = nl_recvmsgs_default(sk);
	if (r < 0) {
		snprintf(err, errlen, "device dump failed: %s", nl_geterror(r));
		r = -1;
		goto out;
	}
	r = ctx.devices;
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return r;
}
