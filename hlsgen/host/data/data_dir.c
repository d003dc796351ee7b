// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * data_dir.c - where the prepared data sets (mnist/, fashion/) live, the
 * same for every tool (hlsgen eval/train/sweep, qnnctl bench) and from any
 * working directory: $QNN_DATA, else ../data beside the executable when
 * it exists (a build tree: build/bin/hlsgen -> build/data), else the
 * installed QNN_DATADIR (/usr/share/qnn/data). A --data-dir option, where
 * a tool has one, comes before all of them (the caller passes it).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hlsgen_dataset.h"

#ifndef QNN_DATADIR
#define QNN_DATADIR "/usr/share/qnn/data"
#endif

static int is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

/* <directory of the executable>/../data, or NULL */
static const char *beside_executable(void)
{
	static char dir[PATH_MAX + 8];
	ssize_t n = readlink("/proc/self/exe", dir, PATH_MAX);
	char *slash;

	if (n <= 0)
		return NULL;
	dir[n] = 0;
	slash = strrchr(dir, '/');
	if (!slash)
		return NULL;
	strcpy(slash, "/../data");
	return is_dir(dir) ? dir : NULL;
}

const char *hlsgen_data_dir(void)
{
	const char *d = getenv("QNN_DATA");

	if (d && *d)
		return d;
	d = beside_executable();
	return d ? d : QNN_DATADIR;
}
