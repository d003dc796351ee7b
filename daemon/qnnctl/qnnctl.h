/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * qnnctl.h - the control tool's pieces: one subcommand per file
 * (status.c, classify.c, bench.c) behind main.c's dispatcher, plus the
 * input-file loader and the netlink client they share.
 */
#ifndef QNNCTL_H
#define QNNCTL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct qnn_model_info;

struct qnnctl_cmd {
	const char *name;
	const char *summary;		   /* one line for `qnnctl --help` */
	const char *usage;		   /* `qnnctl NAME --help` */
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
};

extern const struct qnnctl_cmd qnnctl_cmd_status;
extern const struct qnnctl_cmd qnnctl_cmd_classify;
extern const struct qnnctl_cmd qnnctl_cmd_bench;

/* The socket given with -s/--socket, or NULL (libqnn then uses $QNN_SOCKET or its default). */
extern const char *qnnctl_socket;

/* Prints "qnnctl: <what>: <qnn_strerror(status)>" (+ errno for I/O errors). */
void qnnctl_qnn_error(const char *what, int status);

/* Parses a decimal unsigned option value in [min, max]; exits with status 2 otherwise. */
uint64_t qnnctl_parse_u64(const char *opt, const char *arg, uint64_t min, uint64_t max);

/*
 * Samples from a file, shaped for the model (in_h x in_w x in_c):
 *   .npy          (N, h, w, c), (N, h, w), (N, h*w*c), or one sample without
 *                 the N axis; values by hlsgen_io.h's input rule (floats as
 *                 they are, uint8/uint16 pixels / 255 / 65535, others refused)
 *   .f32 / other  raw little-endian float32, N inferred from the size
 *   .idx / -ubyte idx arrays, by the same rule
 *   .pgm          P5/P2, 8 or 16 bit: one sample, pixel / maxval
 *   .png          8 or 16 bit, gray or colour: one sample, pixel / max
 * *x gets n * n_in floats (malloc'd). 0, or -1 with a message in err.
 */
int qnnctl_load_input(const char *path, const struct qnn_model_info *m, uint64_t *n, float **x,
		      char *err, size_t errlen);

/* Image readers behind qnnctl_load_input (one sample each). */
int qnnctl_load_pgm(const char *path, const struct qnn_model_info *m, float **x, char *err,
		    size_t errlen);
int qnnctl_load_png(const char *path, const struct qnn_model_info *m, float **x, char *err,
		    size_t errlen);

/*
 * v printed with the fewest significant digits that read back as the same
 * double (%.1g .. %.17g), as JSON wants it: 0.98, not 0.97999999999999998.
 * Non-finite values print as null.
 */
void qnnctl_json_double(FILE *f, double v);

#define QNNCTL_SYSFS_CLASS "/sys/class/qnn"

/*
 * Devices through sysfs: prints one block per QNNCTL_SYSFS_CLASS/qnnN with
 * every readable attribute. Returns the number of devices, or -1 with a
 * reason in err when the class is absent (driver not loaded).
 */
int qnnctl_sysfs_dump(char *err, size_t errlen);

/*
 * Devices through the driver's generic-netlink family "qnn": prints one
 * block per device. Returns the number of devices, or -1 with a reason in
 * err when the family is not there (driver not loaded) or libnl failed.
 */
int qnnctl_netlink_dump(char *err, size_t errlen);

#endif
