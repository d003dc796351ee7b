// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Softmax + categorical cross-entropy, fused as Keras does when the model
 * ends in a softmax: the loss is computed from the logits (log-sum-exp in
 * double), and the gradient with respect to the logits is p - onehot.
 */
#include <math.h>

#include "../net/tnet.h"

double softmax_xent(float *p, const uint8_t *y, size_t n, int c, long *correct)
{
	double total = 0.0;

	for (size_t i = 0; i < n; i++) {
		float *z = p + i * (size_t)c;
		int arg = 0;
		float mx = z[0];
		double sum = 0.0;

		for (int j = 1; j < c; j++)
			if (z[j] > mx) {
				mx = z[j];
				arg = j;
			}
		for (int j = 0; j < c; j++)
			sum += exp((double)z[j] - mx);
		if (y) {
			total += log(sum) - ((double)z[y[i]] - mx);
			if (correct && arg == y[i])
				(*correct)++;
		}
		for (int j = 0; j < c; j++)
			z[j] = (float)(exp((double)z[j] - mx) / sum);
	}
	return total;
}
