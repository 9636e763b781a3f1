#!/usr/bin/env python3
"""morestack-dump-maps: print the stack map records of an ELF file.

Usage: morestack-dump-maps.py FILE [FILE...]

FILE is an object file, executable or shared library built with the
morestack plugin. One line per function record (include/morestack/
stack_map.h, docs/stack-maps.md), then one line per stack object:

  <name>: frame <bytes>|dynamic, <flags>[, code <start>-<end>]
    object cfa<offset> size <bytes> <ptrfree|pointers [bitmap]|unknown>

Code addresses are printed for linked files only (in an object file they
are relocations).
"""
import struct
import sys

SECTION = b"morestack_maps"
FLAGS = [(0x1, "split"), (0x2, "nosplit"), (0x4, "frame-known"), (0x8, "rbp-frame"),
         (0x10, "sp-objects")]
KINDS = {0: "ptrfree", 1: "pointers", 2: "unknown"}


def sections(data):
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise SystemExit("not a 64-bit ELF file")
    e_type = struct.unpack_from("<H", data, 16)[0]
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = headers[shstrndx]
    def name(h):
        start = strtab[4] + h[0]
        return data[start:data.index(b"\0", start)]
    return e_type, [(name(h), h) for h in headers]


def dump(path):
    data = open(path, "rb").read()
    e_type, secs = sections(data)
    linked = e_type in (2, 3)  # ET_EXEC, ET_DYN
    count = 0
    for name, h in secs:
        if name != SECTION:
            continue
        addr, offset, size = h[3], h[4], h[5]
        p = 0
        while p + 24 <= size:
            rec_size, code_end, code_size, frame, flags, nobj, name_off = struct.unpack_from(
                "<IiIIHHI", data, offset + p)
            if rec_size == 0:
                p += 4
                continue
            base = offset + p
            fname = data[base + name_off:data.index(b"\0", base + name_off)].decode()
            words = [w for bit, w in FLAGS if flags & bit]
            line = "%s: frame %s, %s" % (fname, frame if flags & 0x4 else "dynamic", " ".join(words))
            if linked and code_size:
                end = addr + p + 4 + code_end
                line += ", code %#x-%#x" % (end - code_size, end)
            print(line)
            for i in range(nobj):
                off, osize, kind, bitmap = struct.unpack_from("<iIII", data, base + 24 + 16 * i)
                base_name = "sp+" if flags & 0x10 else "cfa"
                text = "  object %s%d size %d %s" % (base_name, off, osize, KINDS.get(kind, "?%d" % kind))
                if kind == 1:
                    bits = "".join(
                        "1" if data[base + bitmap + w // 8] >> (w % 8) & 1 else "0"
                        for w in range(osize // 8))
                    text += " " + bits
                print(text)
            count += 1
            p += rec_size
    if count == 0:
        print("%s: no stack maps" % path)


for f in sys.argv[1:]:
    dump(f)
