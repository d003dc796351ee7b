// SPDX-License-Identifier: GPL-2.0
/* qnn_trace.c - instantiates the tracepoints declared in qnn_trace.h. */
#define CREATE_TRACE_POINTS
#include "qnn_trace.h"
