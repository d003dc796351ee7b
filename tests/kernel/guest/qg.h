/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qg.h - helpers shared by the guest test programs: opening /dev/qnnN,
 * mmapped buffers, sysfs and debugfs access, the MNIST data files and the
 * PASS/FAIL reporting every program uses.
 */
#ifndef QG_H
#define QG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/qnn.h>

#define QG_DEV "/dev/qnn0"
#define QG_SYSFS "/sys/class/qnn/qnn0"
#define QG_DATA_IN "/data/mnist_test_1000.f32"
#define QG_DATA_EXPECTED "/data/mnist_test_1000.expected.f32"
#define QG_N_DIGITS 1000

/* A test's verdict: qg_check() records failures, qg_finish() reports. */
extern const char *qg_name;
extern int qg_failures;

void qg_begin(const char *name);
int qg_finish(void);
/* Records (and prints) a failure when !ok; returns ok. */
bool qg_check_at(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define qg_check(ok, ...) qg_check_at((ok), __FILE__, __LINE__, __VA_ARGS__)
/* Fails the test at once. */
void qg_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void qg_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An open device with its description. */
struct qg_dev {
	int fd;
	struct qnn_info info;
	size_t in_bytes;	/* per sample */
	size_t out_bytes;
};

int qg_open(struct qg_dev *d, const char *path);
void qg_close(struct qg_dev *d);

/* A device buffer mapped into this process. */
struct qg_buf {
	uint32_t handle;
	uint64_t size;
	void *map;
};

/* 0 or -errno. */
int qg_buf_alloc(struct qg_dev *d, uint64_t size, struct qg_buf *b);
void qg_buf_free(struct qg_dev *d, struct qg_buf *b);

/* Fill a job description; offsets are in bytes. */
void qg_job(struct qnn_job *j, uint32_t n, const struct qg_buf *in,
	    uint64_t in_off, const struct qg_buf *out, uint64_t out_off);
/* ioctl wrappers: 0 or -errno. */
int qg_ioctl(int fd, unsigned long req, void *arg);
int qg_run(struct qg_dev *d, struct qnn_job *j);
int qg_submit(struct qg_dev *d, struct qnn_job *j);
int qg_reap(struct qg_dev *d, struct qnn_reap *r, bool block);

/* sysfs of the device: value of an attribute, or UINT64_MAX. */
uint64_t qg_sysfs_u64(const char *attr);
int qg_sysfs_str(const char *attr, char *buf, size_t len);
int qg_sysfs_write(const char *attr, const char *val);
/* Any file: 0 or -errno. */
int qg_write_file(const char *path, const char *val);
int qg_read_file(const char *path, char *buf, size_t len);
/* A whole file in memory (free it), or NULL. */
void *qg_slurp(const char *path, size_t *len);

/* The simulator's fault injection (debugfs): "<mode> [count]"; 0/-errno. */
int qg_sim_fault(const char *mode);
int qg_sim_late_ms(unsigned int ms);
/* A number from the simulator's debugfs state ("jobs", ...), or UINT64_MAX. */
uint64_t qg_sim_state(const char *key);
/* The simulator's modelled speed; cycles 0 = unlimited, -1 = the DT's. */
int qg_sim_speed(int clock_mhz, int cycles);

/* The device's platform name (for unbind/bind), or NULL. */
const char *qg_platform_name(void);
int qg_unbind(void);
int qg_bind(void);
/* Wait until /dev/qnn0 exists again (ms); 0 or -ETIMEDOUT. */
int qg_wait_dev(int ms);

/* MNIST inputs and the host engine's expected outputs. */
struct qg_mnist {
	float *in;		/* QG_N_DIGITS * n_in */
	uint32_t *expected;	/* QG_N_DIGITS * n_out, float bits */
	size_t n;
};

int qg_mnist_load(struct qg_mnist *m, const struct qg_dev *d);
/* Outputs of digits [first, first + n) equal the expected bits? */
size_t qg_mnist_mismatches(const struct qg_mnist *m, const struct qg_dev *d,
			   const void *out, size_t first, size_t n);

uint64_t qg_now_ns(void);

/* Generous timeouts (10 s + 0.5 s per sample): TCG on a busy host. */
void qg_relax_timeouts(void);

#endif /* QG_H */
