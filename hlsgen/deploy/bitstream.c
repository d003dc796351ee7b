// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bitstream.c - Vivado .bit -> .bit.bin for the Linux FPGA manager.
 *
 * A .bit is a header, then the raw configuration data. The header is a
 * 16-bit big-endian length and that many bytes (0f f0 0f f0 0f f0 0f f0 00),
 * a 16-bit 1 and the key 'a', then fields 'a' design name, 'b' part, 'c'
 * date, 'd' time, each a 16-bit length and a NUL-terminated string, and
 * 'e' with a 32-bit length: the data, which follows to the end of the file.
 * The data is 32-bit big-endian words: padding, the bus-width pattern, then
 * the sync word 0xAA995566 before any command.
 *
 * The FPGA managers (zynqmp-fpga through the PMU firmware, zynq-fpga via
 * PCAP) take the data without the header and as little-endian words: each
 * 32-bit word byte-swapped, which is what `bootgen -process_bitstream bin`
 * writes and what U-Boot's and Linux's sync checks look for (66 55 99 aa).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_deploy.h"
#include "hlsgen_error.h"

static const uint8_t bit_magic[] = {0x00, 0x09, 0x0f, 0xf0, 0x0f, 0xf0, 0x0f,
				    0xf0, 0x0f, 0xf0, 0x00, 0x00, 0x01};

/* Configuration data that cannot even hold the sync sequence is not a bitstream. */
#define MIN_DATA_BYTES 64u

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One string field: key, 16-bit length, NUL-terminated text. */
static int string_field(const uint8_t *buf, size_t len, size_t *pos, char key, char *out,
			size_t outlen, char *err, size_t errlen)
{
	size_t n;

	if (*pos + 3 > len)
		return hg_fail(err, errlen, -EINVAL,
			       ".bit header truncated before field '%c' (offset %zu)", key, *pos);
	if (buf[*pos] != (uint8_t)key)
		return hg_fail(err, errlen, -EINVAL,
			       ".bit header: field '%c' expected at offset %zu, found 0x%02x", key,
			       *pos, buf[*pos]);
	n = be16(buf + *pos + 1);
	*pos += 3;
	if (n == 0 || *pos + n > len)
		return hg_fail(err, errlen, -EINVAL,
			       ".bit header: field '%c' of %zu bytes runs past the end of the file",
			       key, n);
	if (buf[*pos + n - 1] != 0 || memchr(buf + *pos, 0, n) != buf + *pos + n - 1)
		return hg_fail(err, errlen, -EINVAL,
			       ".bit header: field '%c' is not one NUL-terminated string", key);
	if (n > outlen)
		return hg_fail(err, errlen, -EINVAL,
			       ".bit header: field '%c' is %zu bytes (at most %zu)", key, n,
			       outlen);
	memcpy(out, buf + *pos, n);
	*pos += n;
	return 0;
}

static int find_sync(const uint8_t *data, size_t n, size_t *off)
{
	for (size_t i = 0; i + 4 <= n; i += 4) {
		if (be32(data + i) == 0xAA995566u) {
			*off = i;
			return 0;
		}
	}
	return -1;
}

int hlsgen_bit_parse(const uint8_t *buf, size_t len, struct hlsgen_bit_info *info, char *err,
		     size_t errlen)
{
	size_t pos = sizeof(bit_magic);
	int rc;

	memset(info, 0, sizeof(*info));
	if (len < sizeof(bit_magic) || memcmp(buf, bit_magic, sizeof(bit_magic)))
		return hg_fail(err, errlen, -EINVAL,
			       "not a Vivado .bit file (no bitstream header; a .bin has none "
			       "and needs no conversion)");
	if ((rc = string_field(buf, len, &pos, 'a', info->design, sizeof(info->design), err,
			       errlen)) ||
	    (rc = string_field(buf, len, &pos, 'b', info->part, sizeof(info->part), err, errlen)) ||
	    (rc = string_field(buf, len, &pos, 'c', info->date, sizeof(info->date), err, errlen)) ||
	    (rc = string_field(buf, len, &pos, 'd', info->time, sizeof(info->time), err, errlen)))
		return rc;
	if (pos + 5 > len || buf[pos] != 'e')
		return hg_fail(err, errlen, -EINVAL, ".bit header: no data field 'e' at offset %zu",
			       pos);
	info->data_len = be32(buf + pos + 1);
	info->data_off = pos + 5;
	if (info->data_len > len - info->data_off)
		return hg_fail(err, errlen, -EINVAL,
			       ".bit truncated: the header announces %zu data bytes, the file "
			       "has %zu",
			       info->data_len, len - info->data_off);
	if (info->data_len < len - info->data_off)
		return hg_fail(err, errlen, -EINVAL,
			       ".bit has %zu bytes after the %zu data bytes its header announces",
			       len - info->data_off - info->data_len, info->data_len);
	if (info->data_len < MIN_DATA_BYTES || info->data_len % 4)
		return hg_fail(err, errlen, -EINVAL,
			       ".bit data is %zu bytes: not a whole number of 32-bit words "
			       "of a bitstream",
			       info->data_len);
	if (find_sync(buf + info->data_off, info->data_len, &info->sync_off))
		return hg_fail(err, errlen, -EINVAL,
			       ".bit data has no sync word 0xAA995566 on a word boundary");
	return 0;
}

static int part_matches(const char *part, const char *device)
{
	char p[64], d[32];
	size_t i;

	for (i = 0; part[i] && i + 1 < sizeof(p); i++)
		p[i] = (char)(part[i] | 0x20);
	p[i] = 0;
	for (i = 0; device[i] && i + 1 < sizeof(d); i++)
		d[i] = (char)(device[i] | 0x20);
	d[i] = 0;
	return strstr(p, d) != NULL;
}

int hlsgen_bit_to_bin(const uint8_t *buf, size_t len, const char *device, uint8_t **out,
		      size_t *out_len, struct hlsgen_bit_info *info, char *err, size_t errlen)
{
	const uint8_t *data;
	uint8_t *bin;
	int rc;

	*out = NULL;
	*out_len = 0;
	rc = hlsgen_bit_parse(buf, len, info, err, errlen);
	if (rc)
		return rc;
	if (device && !part_matches(info->part, device))
		return hg_fail(err, errlen, -EINVAL, ".bit is for part '%s', the board has %s",
			       info->part, device);
	bin = malloc(info->data_len);
	if (!bin)
		return hg_fail(err, errlen, -ENOMEM, "out of memory (%zu bytes)", info->data_len);
	data = buf + info->data_off;
	for (size_t i = 0; i < info->data_len; i += 4) {
		bin[i] = data[i + 3];
		bin[i + 1] = data[i + 2];
		bin[i + 2] = data[i + 1];
		bin[i + 3] = data[i];
	}
	*out = bin;
	*out_len = info->data_len;
	return 0;
}
