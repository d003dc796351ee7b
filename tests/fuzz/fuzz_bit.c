// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fuzz_bit.c - libFuzzer target for the .bit -> .bit.bin converter
 * (hlsgen/deploy/bitstream.c): any input is refused with a message or
 * converted; a conversion is exactly the announced data, byte-swapped per
 * word, so a header-length gap shows up as an ASan report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_deploy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hlsgen_bit_info info;
	uint8_t *bin = NULL;
	size_t len = 0;
	char err[256];

	if (!hlsgen_bit_to_bin(data, size, NULL, &bin, &len, &info, err, sizeof(err))) {
		if (len != info.data_len || info.data_off + len != size || len % 4 ||
		    bin[info.sync_off] != 0x66 || bin[info.sync_off + 3] != 0xaa)
			abort();
		free(bin);
	} else if (bin || len || !err[0]) {
		abort();
	}
	return 0;
}
