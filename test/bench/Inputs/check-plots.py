#!/usr/bin/env python3
"""Checks what bench/report.py wrote into DIR: exactly the plots NAME.png
given, each a PNG of at least 800x400 pixels, and the README's "Plots:" line
linking exactly those, in that order.

  check-plots.py DIR NAME...
"""
import os
import re
import struct
import sys


def main():
    out, names = sys.argv[1], [n + ".png" for n in sys.argv[2:]]
    errors = []
    found = sorted(f for f in os.listdir(out) if f.endswith(".png"))
    if found != sorted(names):
        errors.append(f"plots written: {', '.join(found) or 'none'}; expected: {', '.join(sorted(names)) or 'none'}")
    for n in names:
        path = os.path.join(out, n)
        if not os.path.exists(path):
            continue
        with open(path, "rb") as f:
            head = f.read(24)
        if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
            errors.append(f"{n}: not a PNG")
            continue
        w, h = struct.unpack(">II", head[16:24])
        if w < 800 or h < 400:
            errors.append(f"{n}: {w}x{h} pixels")
    with open(os.path.join(out, "README.md")) as f:
        readme = f.read()
    m = re.search(r"^Plots: (.*)$", readme, re.M)
    listed = re.findall(r"\[([^]]+)\]\(\1\)", m.group(1)) if m else []
    if listed != names:
        errors.append(f"README lists {', '.join(listed) or 'no plot'}; expected {', '.join(names) or 'none'}")
    for e in errors:
        print("error:", e)
    if errors:
        return 1
    print(f"{len(names)} plots, each a PNG of at least 800x400 pixels, listed in the README")
    return 0


if __name__ == "__main__":
    sys.exit(main())
