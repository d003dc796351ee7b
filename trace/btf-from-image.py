#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Cut the kernel's own BTF (.BTF, between __start_BTF and __stop_BTF) out of
a kernel image: a raw arm64 Image, or one compressed whole (gzip, xz, zstd,
as a vmlinuz may be), or a bzImage whose payload is compressed.

Debian's linux-image packages carry no System.map (it is in -dbg) and no
vmlinux ELF, but the BTF blob sits in the image unchanged: a btf_header
(magic 0xeB9F, version 1, hdr_len 24, types at 0, strings right after them)
that describes its own length. Every candidate is checked that way; the
caller then parses the result with bpftool, which checks all of it.

Usage: btf-from-image.py <image> <out.btf>
"""
import lzma
import shutil
import struct
import subprocess
import sys
import zlib

MAGIC = b"\x9f\xeb\x01\x00"  # 0xeB9F little-endian, version 1, flags 0


def find_btf(data):
    """The one base BTF blob in data, or None."""
    found = []
    i = data.find(MAGIC)
    while i >= 0:
        if i + 24 <= len(data):
            hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from("<5I", data, i + 4)
            end = i + hdr_len + str_off + str_len
            if (hdr_len == 24 and type_off == 0 and str_off == type_len and type_len > 1 << 16
                    and str_len > 1 << 16 and end <= len(data)):
                found.append(data[i:end])
        i = data.find(MAGIC, i + 1)
    return found[0] if len(found) == 1 else None


def decompressed(data):
    """Every payload a compression magic in data leads to (gzip, xz, zstd)."""
    for magic, fn in ((b"\x1f\x8b\x08", "gzip"), (b"\xfd7zXZ\x00", "xz"),
                      (b"\x28\xb5\x2f\xfd", "zstd")):
        i = data.find(magic)
        while i >= 0:
            out = None
            try:
                if fn == "gzip":
                    # A stream decoder: it stops at the stream's end, whatever follows.
                    out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[i:])
                elif fn == "xz":
                    out = lzma.LZMADecompressor().decompress(data[i:])
                elif shutil.which("zstd"):
                    out = subprocess.run(["zstd", "-dc"], input=data[i:], capture_output=True).stdout
            except (OSError, EOFError, lzma.LZMAError, zlib.error):
                pass  # not a stream after all: a magic number by chance
            if out:
                yield out
            i = data.find(magic, i + 1)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data = open(sys.argv[1], "rb").read()
    btf = find_btf(data)
    if btf is None:
        for payload in decompressed(data):
            btf = find_btf(payload)
            if btf is not None:
                break
    if btf is None:
        sys.exit(f"btf-from-image: no kernel BTF found in {sys.argv[1]} "
                 "(kernel built without CONFIG_DEBUG_INFO_BTF?)")
    with open(sys.argv[2], "wb") as f:
        f.write(btf)


if __name__ == "__main__":
    main()
