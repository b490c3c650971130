#!/usr/bin/python3
"""Writes a copy of an ELF shared library whose requirement of one symbol version is marked weak.

TorchSharp's libLibTorchSharp.so is built with GCC 13 and so requires GLIBCXX_3.4.32, which the
libstdc++ of Debian 12 (GCC 12) lacks: the library then fails to load. The only symbol behind that
version is _ZSt21ios_base_library_initv, which GCC 13's <iostream> names with a bare `.globl` to pull
in the stream initialization; nothing relocates against it, and Debian's libstdc++ initializes its
streams anyway. glibc's loader accepts a missing version whose requirement carries VER_FLG_WEAK (in
the `vna_flags` of its Elf64_Vernaux entry in `.gnu.version_r`), so setting that flag in a copy is
enough for it to load. The input is not changed.

  /usr/bin/python3 patch-glibcxx.py SOURCE.so DEST.so [--version GLIBCXX_3.4.32]
"""
import argparse
import shutil
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def sections(data):
    """(type, offset, size, link, info) of every section of a little-endian ELF64 file."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("not a little-endian 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    result = []
    for i in range(shnum):
        _, kind, _, _, offset, size, link, info = struct.unpack_from("<IIQQQQII", data, shoff + i * shentsize)
        result.append((kind, offset, size, link, info))
    return result


def c_string(data, offset):
    return data[offset:data.index(b"\0", offset)].decode()


def weaken(data, version):
    """Sets VER_FLG_WEAK on every requirement of `version`; returns the files that required it."""
    table = sections(data)
    files = []
    for kind, offset, _, link, count in table:
        if kind != SHT_GNU_VERNEED:
            continue
        strings = table[link][1]
        entry = offset
        for _ in range(count):
            _, aux_count, file_name, aux, next_entry = struct.unpack_from("<HHIII", data, entry)
            at = entry + aux
            for _ in range(aux_count):
                _, flags, _, name, next_aux = struct.unpack_from("<IHHII", data, at)
                if c_string(data, strings + name) == version:
                    struct.pack_into("<H", data, at + 4, flags | VER_FLG_WEAK)
                    files.append(c_string(data, strings + file_name))
                at += next_aux
            entry += next_entry
    return files


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("source")
    p.add_argument("dest")
    p.add_argument("--version", default="GLIBCXX_3.4.32")
    args = p.parse_args()
    with open(args.source, "rb") as f:
        data = bytearray(f.read())
    files = weaken(data, args.version)
    if not files:
        sys.exit(f"{args.source} does not require {args.version}: nothing to patch")
    with open(args.dest + ".tmp", "wb") as f:
        f.write(data)
    shutil.move(args.dest + ".tmp", args.dest)
    print(f"{args.dest}: {args.version} of {', '.join(files)} is weak")


if __name__ == "__main__":
    main()
