// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fuzz_hwh.c - libFuzzer target for the .hwh reader (hlsgen/deploy/
 * hwh_read.c, libxml2): whatever the XML, a design the driver can use or
 * a refusal with a message; an accepted design passes the design check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_deploy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hlsgen_design d;
	char err[512] = "";

	hlsgen_design_init(&d, hlsgen_board_find("zcu104"));
	snprintf(d.name, sizeof(d.name), "fuzz");
	d.n_inputs = 784;
	d.n_outputs = 10;
	if (!hlsgen_hwh_parse(&d, (const char *)data, size, err, sizeof(err))) {
		if (hlsgen_design_check(&d, err, sizeof(err)))
			abort();
	} else if (!err[0]) {
		abort();
	}
	return 0;
}
