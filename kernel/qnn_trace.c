// SPDX-License-Identifier: GPL-2.0
/* Instantiates the tracepoints declared in qnn_trace.h. */
#define CREATE_TRACE_POINTS
#include "qnn_trace.h"
