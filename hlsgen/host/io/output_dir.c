// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * output_dir.c - make sure an output can be written before long work
 * starts: the directories are created (as mkdir -p) and must be writable,
 * so a training run never ends in "cannot write" after an hour.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hlsgen_io.h"

int hlsgen_mkdir_p(const char *dir, char *err, size_t errlen)
{
	char p[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p)) {
		snprintf(err, errlen, "%s: bad directory name", dir);
		return -EINVAL;
	}
	memcpy(p, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != 0)
			continue;
		p[i] = 0;
		if (mkdir(p, 0777) && errno != EEXIST) {
			int e = errno;

			snprintf(err, errlen, "cannot create directory %s: %s", p, strerror(e));
			return -e;
		}
		p[i] = i < n ? '/' : 0;
	}
	if (access(dir, W_OK | X_OK)) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", dir, strerror(e));
		return -e;
	}
	return 0;
}

int hlsgen_output_dir_of(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');

	if (!slash)
		return hlsgen_mkdir_p(".", err, errlen);
	if (slash == path)
		return hlsgen_mkdir_p("/", err, errlen);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return hlsgen_mkdir_p(dir, err, errlen);
}
