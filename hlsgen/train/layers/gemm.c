// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The trainer's one matrix product, on Debian's OpenBLAS. OpenBLAS runs
 * single-threaded here: the trainer already splits each batch across its
 * own threads by sample, and a fixed split (no BLAS-internal threading
 * that could change the summation order) keeps runs reproducible.
 */
#include <cblas.h>
#include <pthread.h>

#include "../net/tnet.h"

void openblas_set_num_threads(int num_threads);

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

static void blas_single_thread(void)
{
	openblas_set_num_threads(1);
}

void hg_sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a,
	      size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc)
{
	pthread_once(&blas_once, blas_single_thread);
	if (!m || !n)
		return;
	cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
		    trans_b ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, alpha, a, (int)lda,
		    b, (int)ldb, beta, c, (int)ldc);
}
