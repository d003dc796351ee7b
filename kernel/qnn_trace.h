/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of a job's life: submit, start on the
 * hardware, done (latency from submit, status). Ids match the ones
 * QNN_IOC_SUBMIT/RUN return, so a trace can be joined with user logs.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM qnn

#if !defined(_QNN_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _QNN_TRACE_H

#include <linux/tracepoint.h>

#include "qnn_core.h"

TRACE_EVENT(qnn_job_submit,
	    TP_PROTO(const struct qnn_device *qdev, const struct qnn_kjob *job),
	    TP_ARGS(qdev, job),
	    TP_STRUCT__entry(__field(int, dev)
			     __field(u64, id)
			     __field(u32, samples)
			     __field(u32, queued)),
	    TP_fast_assign(__entry->dev = qdev->index;
			   __entry->id = job->id;
			   __entry->samples = job->n_samples;
			   __entry->queued = qdev->n_queued;),
	    TP_printk("qnn%d id=%llu samples=%u queued=%u", __entry->dev,
		      __entry->id, __entry->samples, __entry->queued)
);

TRACE_EVENT(qnn_job_start,
	    TP_PROTO(const struct qnn_device *qdev, const struct qnn_kjob *job),
	    TP_ARGS(qdev, job),
	    TP_STRUCT__entry(__field(int, dev)
			     __field(u64, id)
			     __field(u32, samples)
			     __field(u64, wait_ns)),
	    TP_fast_assign(__entry->dev = qdev->index;
			   __entry->id = job->id;
			   __entry->samples = job->n_samples;
			   __entry->wait_ns = ktime_to_ns(ktime_sub(job->t_start,
								    job->t_submit));),
	    TP_printk("qnn%d id=%llu samples=%u wait_ns=%llu", __entry->dev,
		      __entry->id, __entry->samples, __entry->wait_ns)
);

TRACE_EVENT(qnn_job_done,
	    TP_PROTO(const struct qnn_device *qdev, const struct qnn_kjob *job,
		     u64 latency_ns),
	    TP_ARGS(qdev, job, latency_ns),
	    TP_STRUCT__entry(__field(int, dev)
			     __field(u64, id)
			     __field(u32, samples)
			     __field(u64, latency_ns)
			     __field(int, status)),
	    TP_fast_assign(__entry->dev = qdev->index;
			   __entry->id = job->id;
			   __entry->samples = job->n_samples;
			   __entry->latency_ns = latency_ns;
			   __entry->status = job->status;),
	    TP_printk("qnn%d id=%llu samples=%u latency_ns=%llu status=%d",
		      __entry->dev, __entry->id, __entry->samples,
		      __entry->latency_ns, __entry->status)
);

#endif /* _QNN_TRACE_H */

/* The kernel's headers are not ours: look next to this file. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE qnn_trace
#include <trace/define_trace.h>
