// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * crc32.c - the CRC-32 of the .qnn format (IEEE 802.3: reflected polynomial
 * 0xedb88320, init and final xor 0xffffffff, the same value zlib's crc32()
 * gives). Freestanding: a 16-entry nibble table keeps it small enough for
 * the kernel while still being fast for model-sized files.
 */
#include "qnn_model.h"

static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
    0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
    0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

uint32_t qnn_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	/* Chaining convention of zlib: pass the previous result, 0 to start. */
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
	}
	return ~crc;
}
