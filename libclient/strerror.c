/* SPDX-License-Identifier: MIT */
/* strerror.c - names of enum qnn_status (the same numbers travel on the wire). */
#include "qnn_proto.h" /* and, beside it, the client API qnn.h */

#define QNN_EXPORT __attribute__((visibility("default")))

static const char *const messages[] = {
    [0] = "success",
    [-QNN_E_INVAL] = "invalid argument",
    [-QNN_E_NOMEM] = "out of memory",
    [-QNN_E_CONNECT] = "cannot connect to the qnnd socket",
    [-QNN_E_TIMEOUT] = "timed out",
    [-QNN_E_BUSY] = "daemon busy: request queue full, retry later",
    [-QNN_E_NONFINITE] = "input contains NaN or infinity",
    [-QNN_E_PROTO] = "protocol error (malformed frame)",
    [-QNN_E_VERSION] = "protocol version not supported",
    [-QNN_E_SHAPE] = "input size does not match the model",
    [-QNN_E_TOO_BIG] = "request larger than the daemon's limits",
    [-QNN_E_DISCONNECTED] = "connection to the daemon lost",
    [-QNN_E_BACKEND] = "accelerator backend failed the batch",
    [-QNN_E_SHUTDOWN] = "daemon is shutting down",
    [-QNN_E_LIMIT] = "too many requests in flight on this connection",
    [-QNN_E_MODEL_CHANGED] = "the daemon's model changed shape",
    [-QNN_E_IO] = "socket I/O error",
    [-QNN_E_PERM] = "permission denied by the daemon",
    [-QNN_E_NOMODEL] = "daemon has no model loaded",
    [-QNN_E_INTERNAL] = "internal error (bug)",
    [-QNN_E_QUOTA] =
	"this user's share of the daemon (connections, requests or ring memory) is used up",
    [-QNN_E_RELOAD] = "the daemon refused the reload and still serves the previous configuration",
};

QNN_EXPORT const char *qnn_strerror(int status)
{
	if (status > 0 || status < QNN_STATUS_MIN || !messages[-status])
		return "unknown qnn status";
	return messages[-status];
}
