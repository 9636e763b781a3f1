#!/usr/bin/env python3
"""Every file of the project that a comment, a doc or a script names exists.

Scans the tracked text files for paths under the project's top directories
(runtime/..., docs/..., test/e2e/..., with a known extension) and fails naming each path
that is in no such file, with where it was named. A path that follows a '/'
(Go's src/runtime/chan.go, build-bench/...) or a '`build' prefix is someone
else's or generated, and skipped; so are the entries of ALLOWED, each with
its reason.

  paths-exist.py <source root>
"""
import os
import re
import subprocess
import sys

ROOTS = "runtime|plugin|include/morestack|docs|test|tools|bench|driver|examples|scripts|gdb"
EXTS = ".cpp .h .hpp .c .S .md .py .sh .txt .test .cmake .in .inc .go".split()
PATH = re.compile(r"(?<![/\w.-])((?:%s)/[A-Za-z0-9_./-]+\.(?:%s))\b"
                  % (ROOTS, "|".join(e[1:] for e in EXTS)))
ALLOWED = {
    "test/lit.site.cfg.py": "written into the build tree by CMake",
    "bench/valgrind_sigaltstack.c": "docs/benchmarks.md says it was removed",
}


def main():
    root = sys.argv[1]
    try:
        files = subprocess.check_output(["git", "-C", root, "ls-files"], text=True,
                                        stderr=subprocess.DEVNULL).split()
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: every file but builds
        files = [os.path.relpath(os.path.join(d, n), root)
                 for d, dirs, names in os.walk(root)
                 if not os.path.relpath(d, root).startswith(("build", ".git"))
                 for n in names]
    missing = {}
    for f in files:
        if not any(f.endswith(e) for e in EXTS) and os.path.basename(f) != "CMakeLists.txt":
            continue
        try:
            text = open(os.path.join(root, f), errors="ignore").read()
        except OSError:
            continue
        for m in PATH.finditer(text):
            p = m.group(1).rstrip(".")
            if p in ALLOWED or os.path.exists(os.path.join(root, p)):
                continue
            if os.path.exists(os.path.join(root, os.path.dirname(f), p)):
                continue
            missing.setdefault(p, set()).add(f)
    for p, where in sorted(missing.items()):
        print("missing: %s (named in %s)" % (p, ", ".join(sorted(where))))
    if missing:
        return 1
    print("all %d tracked files' references to project paths exist" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
