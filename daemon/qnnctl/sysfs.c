// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * sysfs.c - `qnnctl status`'s view of the devices through sysfs: every
 * readable attribute of each /sys/class/qnn/qnnN, one "name value" line
 * each. Generic on purpose: attributes the driver adds later show up
 * without a change here.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "qnnctl.h"

/* Prints every readable attribute file of one device (one line each). */
static void show_sysfs_device(const char *name)
{
	char dir[512], path[1024], val[256];
	struct dirent **ents;
	int n;

	snprintf(dir, sizeof(dir), QNNCTL_SYSFS_CLASS "/%s", name);
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		printf("  (cannot list %s: %s)\n", dir, strerror(errno));
		return;
	}
	printf("device %s (sysfs %s)\n", name, dir);
	for (int i = 0; i < n; i++) {
		struct stat sb;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		/* Attributes only: skip links (subsystem, device), folders and write-only knobs. */
		if (ents[i]->d_name[0] == '.' || !strcmp(ents[i]->d_name, "uevent") ||
		    lstat(path, &sb) || !S_ISREG(sb.st_mode) || !(sb.st_mode & S_IRUSR))
			goto next;
		f = fopen(path, "r");
		if (!f)
			goto next;
		if (fgets(val, sizeof(val), f)) {
			val[strcspn(val, "\n")] = '\0';
			printf("  %-22s %s\n", ents[i]->d_name, val);
		}
		fclose(f);
	next:
		free(ents[i]);
	}
	free(ents);
}

int qnnctl_sysfs_dump(char *err, size_t errlen)
{
	struct dirent **ents;
	int n = scandir(QNNCTL_SYSFS_CLASS, &ents, NULL, alphasort), shown = 0;

	if (n < 0) {
		snprintf(err, errlen, "%s: %s; is the qnn driver loaded?", QNNCTL_SYSFS_CLASS,
			 strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			show_sysfs_device(ents[i]->d_name);
			shown++;
		}
		free(ents[i]);
	}
	free(ents);
	return shown;
}
