// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_deploy_bit.c - .bit -> .bit.bin (hlsgen/deploy/bitstream.c) on
 * files built here with known headers: the fields read back, the data
 * without the header with every 32-bit word byte-swapped (sync word as
 * 66 55 99 aa), and bad, truncated or padded files refused with a message.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_deploy.h"

#define DESIGN "design_1_wrapper;UserID=0XFFFFFFFF;Version=2020.1"
/* Offset of field 'b' (after the 13-byte preamble and field 'a'). */
#define B_AT (13 + 3 + sizeof(DESIGN))

static size_t put_field(uint8_t *p, char key, const char *s)
{
	size_t n = strlen(s) + 1;

	p[0] = (uint8_t)key;
	p[1] = (uint8_t)(n >> 8);
	p[2] = (uint8_t)n;
	memcpy(p + 3, s, n);
	return 3 + n;
}

/* A .bit as Vivado lays it out: header, then words of data in big endian. */
static size_t make_bit(uint8_t *buf, const char *part, size_t words)
{
	static const uint8_t magic[] = {0x00, 0x09, 0x0f, 0xf0, 0x0f, 0xf0, 0x0f,
					0xf0, 0x0f, 0xf0, 0x00, 0x00, 0x01};
	size_t pos = sizeof(magic), len = words * 4;
	uint8_t *d;

	memcpy(buf, magic, sizeof(magic));
	pos += put_field(buf + pos, 'a', DESIGN);
	pos += put_field(buf + pos, 'b', part);
	pos += put_field(buf + pos, 'c', "2026/12/06");
	pos += put_field(buf + pos, 'd', "12:00:00");
	buf[pos++] = 'e';
	buf[pos++] = (uint8_t)(len >> 24);
	buf[pos++] = (uint8_t)(len >> 16);
	buf[pos++] = (uint8_t)(len >> 8);
	buf[pos++] = (uint8_t)len;
	d = buf + pos;
	memset(d, 0xff, 16 * 4); /* dummy words */
	memcpy(d + 64, "\x00\x00\x00\xbb\x11\x22\x00\x44\xff\xff\xff\xff\xff\xff\xff\xff", 16);
	memcpy(d + 80, "\xaa\x99\x55\x66", 4);
	for (size_t i = 84; i < len; i++)
		d[i] = (uint8_t)(i * 7);
	return pos + len;
}

static uint8_t bit[4096];

Test(deploy_bit, converts_with_known_header)
{
	size_t n = make_bit(bit, "xczu7ev-ffvc1156-2-e", 64), out_len;
	struct hlsgen_bit_info info;
	uint8_t *out;
	char err[256];

	cr_assert_eq(hlsgen_bit_to_bin(bit, n, "zu7ev", &out, &out_len, &info, err, sizeof(err)), 0,
		     "%s", err);
	cr_expect_str_eq(info.design, DESIGN);
	cr_expect_str_eq(info.part, "xczu7ev-ffvc1156-2-e");
	cr_expect_str_eq(info.date, "2026/12/06");
	cr_expect_str_eq(info.time, "12:00:00");
	cr_expect_eq(out_len, 256);
	cr_expect_eq(info.data_off, n - 256);
	cr_expect_eq(info.sync_off, 80);
	/* Every word reversed: the sync word reads 66 55 99 aa, the bus-width
	 * pattern bb 00 00 00 44 00 22 11. */
	cr_expect_eq(memcmp(out + 80, "\x66\x55\x99\xaa", 4), 0);
	cr_expect_eq(memcmp(out + 64, "\xbb\x00\x00\x00\x44\x00\x22\x11", 8), 0);
	for (size_t i = 0; i < out_len; i++)
		cr_assert_eq(out[i], bit[info.data_off + (i & ~3u) + 3 - (i & 3)], "byte %zu", i);
	free(out);
}

static void expect_refused(const uint8_t *buf, size_t n, const char *device, const char *msg)
{
	struct hlsgen_bit_info info;
	uint8_t *out = (uint8_t *)1;
	size_t out_len = 1;
	char err[256] = "";

	cr_expect_eq(hlsgen_bit_to_bin(buf, n, device, &out, &out_len, &info, err, sizeof(err)),
		     -EINVAL);
	cr_expect_null(out);
	cr_expect_eq(out_len, 0);
	cr_expect(strstr(err, msg) != NULL, "message '%s' lacks '%s'", err, msg);
}

Test(deploy_bit, every_truncation_refused)
{
	size_t n = make_bit(bit, "xczu7ev-ffvc1156-2-e", 64);

	for (size_t cut = 0; cut < n; cut++) {
		struct hlsgen_bit_info info;
		char err[256];

		cr_assert_neq(hlsgen_bit_parse(bit, cut, &info, err, sizeof(err)), 0,
			      "a file cut at %zu of %zu bytes was accepted", cut, n);
	}
	expect_refused(bit, n - 4, NULL, "truncated: the header announces 256 data bytes");
	expect_refused(bit, 40, NULL, "runs past the end");
}

Test(deploy_bit, bad_files_refused)
{
	size_t n = make_bit(bit, "xczu7ev-ffvc1156-2-e", 64);
	uint8_t copy[4096];
	struct hlsgen_bit_info info;
	char err[256];

	expect_refused(bit + 13, n - 13, NULL, "not a Vivado .bit file");
	expect_refused(bit, n, "zu9eg", "for part 'xczu7ev-ffvc1156-2-e', the board has zu9eg");
	memcpy(copy, bit, n);
	copy[n] = 0;
	expect_refused(copy, n + 1, NULL, "1 bytes after the 256 data bytes");
	memcpy(copy, bit, n);
	copy[hlsgen_bit_parse(bit, n, &info, err, sizeof(err)) ? 0 : info.data_off + 80] = 0;
	expect_refused(copy, n, NULL, "no sync word");
	/* a field key out of order */
	memcpy(copy, bit, n);
	copy[B_AT] = 'x';
	expect_refused(copy, n, NULL, "field 'b' expected");
	/* a string without its NUL */
	memcpy(copy, bit, n);
	copy[B_AT - 1] = 'X';
	expect_refused(copy, n, NULL, "not one NUL-terminated string");
}

Test(deploy_bit, part_check_is_case_blind_and_optional)
{
	size_t n = make_bit(bit, "7z020clg400", 32), out_len;
	struct hlsgen_bit_info info;
	uint8_t *out;
	char err[256];

	cr_assert_eq(hlsgen_bit_to_bin(bit, n, "7Z020", &out, &out_len, &info, err, sizeof(err)), 0,
		     "%s", err);
	free(out);
	cr_assert_eq(hlsgen_bit_to_bin(bit, n, NULL, &out, &out_len, &info, err, sizeof(err)), 0,
		     "%s", err);
	free(out);
}
