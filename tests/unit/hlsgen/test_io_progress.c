// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_io_progress.c - the progress indicator off a terminal: one line per
 * 10% step (never more, whatever the update pattern and thread count) and
 * a final line; nothing at all when disabled.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "hlsgen_progress.h"

static int count_lines(FILE *f)
{
	int c, n = 0;

	rewind(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	return n;
}

Test(progress, a_line_per_ten_percent_off_a_tty)
{
	FILE *f = tmpfile();
	struct hlsgen_progress p;
	char line[128];

	hlsgen_progress_begin(&p, f, "eval", 1000, 1);
	for (int i = 0; i < 1000; i++)
		hlsgen_progress_add(&p, 1);
	hlsgen_progress_end(&p);
	cr_expect_eq(count_lines(f), 10, "9 steps (10%%..90%%) + the final line");
	rewind(f);
	cr_assert(fgets(line, sizeof(line), f));
	cr_expect_str_eq(line, "eval: 10% (100/1000)\n");
	fclose(f);
}

static void *adder(void *arg)
{
	for (int i = 0; i < 2500; i++)
		hlsgen_progress_add(arg, 2);
	return NULL;
}

Test(progress, threads_and_big_steps)
{
	FILE *f = tmpfile();
	struct hlsgen_progress p;
	pthread_t t[4];

	hlsgen_progress_begin(&p, f, "x", 20000, 1);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, adder, &p);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	hlsgen_progress_end(&p);
	cr_expect_leq(count_lines(f), 10);
	cr_expect_geq(count_lines(f), 2);
	fclose(f);

	f = tmpfile();
	hlsgen_progress_begin(&p, f, "x", 10, 1);
	hlsgen_progress_add(&p, 25); /* overshoot is clamped */
	hlsgen_progress_end(&p);
	cr_expect_eq(count_lines(f), 1);
	fclose(f);
}

Test(progress, disabled_is_silent)
{
	FILE *f = tmpfile();
	struct hlsgen_progress p;

	hlsgen_progress_begin(&p, f, "x", 100, 0);
	hlsgen_progress_add(&p, 50);
	hlsgen_progress_end(&p);
	cr_expect_eq(count_lines(f), 0);
	fclose(f);
}
