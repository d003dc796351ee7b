/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * probes.h - qnnd's USDT probes (provider "qnnd"), for trace/qnnlat --daemon and any
 * USDT-aware tool (bpftrace, perf, systemtap). Each is one nop in the code and a note in
 * the ELF file; without a tracer attached nothing else runs (no semaphores: the
 * arguments are values at hand, never computed for the probe). A request is named by
 * (connection id, request id), a batch by the address of its struct qnnd_batch (unique
 * while it is in flight), a device job by the driver's job id:
 *   request_received  (conn, req, samples)   frame or ring slot read
 *   request_queued    (conn, req, samples)   admitted into the batcher's queue
 *   request_batched   (conn, req, batch)     taken into a batch
 *   batch_dispatched  (batch, requests, samples)   handed to the backend
 *   batch_dev_job     (batch, job id, samples)     dev backend: the driver's job (joins
 *                                                  qnn:qnn_job_* tracepoints)
 *   batch_done        (batch, status)        the backend gave it back
 *   request_answered  (conn, req, status)    reply (0) or error written for the client;
 *                                            once for every request_received, refusals
 *                                            too (reply_refused, shm_refused, reply_fail)
 */
#ifndef QNND_PROBES_H
#define QNND_PROBES_H

/*
 * sys/sdt.h is systemtap-sdt-dev's; a build without it (the arm64 guest's copy of
 * backend_dev.c) has no probes, and -DQNND_NO_USDT leaves them out on purpose (the A/B
 * measurement of their cost, trace/README.md).
 */
#if __has_include(<sys/sdt.h>) && !defined(QNND_NO_USDT)
#define SDT_USE_VARIADIC 1 /* STAP_PROBEV */
#include <sys/sdt.h>
#define QNND_PROBE(name, ...) STAP_PROBEV(qnnd, name, __VA_ARGS__)
#else
#define QNND_PROBE(name, ...) ((void)0)
#endif

#endif
