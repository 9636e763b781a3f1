#!/usr/bin/env python3
"""Turn stackneeds-c/stackneeds-cxx result lines into plugin/LibraryStackNeeds.inc.

Usage: gen_table.py --out FILE [--report FILE] [--margin-fixed B] [--margin-percent P]
                    [--versions TEXT] [--crosscheck FILE] [--warm-plt] [--keep-going] RESULTS...

RESULTS are the tab-separated lines the measuring programs print:
  R  symbol  variant  flags  first  max  per-repetition  note
  E  symbol  variant  message
A symbol's need is the maximum over all its variants and repetitions; the
table entry is that need plus the margin (see README.md):
  bytes = round_up(need + need * P / 100 + B, 64)
"""
import argparse
import re
import sys

T_CALLBACK, T_NORETURN, T_THREAD, T_LAZY, T_INFO, T_LOCAL = 1, 2, 4, 8, 16, 32


def round_up(n, to):
    return (n + to - 1) // to * to


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--report")
    ap.add_argument("--margin-fixed", type=int, default=256)
    ap.add_argument("--margin-percent", type=int, default=12)
    ap.add_argument("--versions", default="")
    ap.add_argument("--command", default="tools/stack-needs/regenerate.sh")
    ap.add_argument("--keep-going", action="store_true")
    ap.add_argument("--crosscheck")
    ap.add_argument("--warm-plt", action="store_true")
    ap.add_argument("results", nargs="+")
    a = ap.parse_args()

    def margin(n):
        return round_up(n + n * a.margin_percent // 100 + a.margin_fixed, 64)

    rows, errors = [], []
    for path in a.results:
        with open(path) as f:
            for line in f:
                p = line.rstrip("\n").split("\t")
                if p[0] == "R" and len(p) >= 8:
                    reps = [int(x) for x in p[6].split(",") if x]
                    rows.append(dict(sym=p[1], variant=p[2], flags=int(p[3]), first=int(p[4]), max=int(p[5]),
                                     warm=max(reps[1:]) if len(reps) > 1 else int(p[5]), note=p[7]))
                elif p[0] == "E":
                    errors.append(p[1:])
    for e in errors:
        print("stack-needs: test failed: %s [%s]: %s" % tuple((e + ["", "", ""])[:3]), file=sys.stderr)
    if errors and not a.keep_going:
        print("stack-needs: %d test(s) failed; the table was not written (--keep-going to write it anyway)"
              % len(errors), file=sys.stderr)
        return 1

    table, lazy, info = {}, [], []
    for r in rows:
        if r["flags"] & T_LAZY:
            lazy.append(r)
            continue
        if r["flags"] & T_INFO:
            info.append(r)
            continue
        t = table.setdefault(r["sym"], dict(need=0, warm=0, variant="", notes=set(), n=0, flags=0))
        t["n"] += 1
        t["flags"] |= r["flags"]
        if r["max"] > t["need"]:
            t["need"], t["variant"] = r["max"], r["variant"]
        t["warm"] = max(t["warm"], r["warm"])
        if r["note"]:
            t["notes"].add(r["note"])
    lazy_need = max((r["first"] for r in lazy), default=0)

    # Cross-check: the same calls measured by faulting on a guard page
    # (crosscheck.cpp), against this method's first call and warm calls.
    cross = []
    if a.crosscheck:
        byvar = {(r["sym"], r["variant"]): r for r in rows}
        with open(a.crosscheck) as f:
            for line in f:
                p = line.rstrip("\n").split("\t")
                if p[0] != "X" or len(p) < 7:
                    continue
                name, sym, variant, mode, hfail, hok = p[1:7]
                r = byvar.get((sym, variant))
                mine = None if r is None else (r["first"] if mode == "first" else r["warm"])
                verdict = "?"
                if mine is not None and hok.lstrip("-").isdigit():
                    lo = int(hfail) if hfail.lstrip("-").isdigit() else 0
                    hi = int(hok)
                    d = mine - hi
                    verdict = "agrees (%+d)" % d if abs(d) <= max(128, hi // 20) else "DIFFERS (%+d)" % d
                    if lo < mine <= hi:
                        verdict = "agrees (within the 16-byte step)"
                cross.append("%-28s %-5s fault: needs %s < n <= %s; poison: %s  -> %s"
                             % (name, mode, hfail, hok, "-" if mine is None else mine, verdict))
        for c in cross:
            print("stack-needs: cross-check " + c, file=sys.stderr)

    throw_syms = [s for s in table if s in ("__cxa_throw", "__cxa_rethrow")
                  or s.startswith("_ZSt17rethrow_exception") or re.match(r"_ZSt\d+__throw_", s)]
    if not throw_syms:
        print("gen_table: no throw entry points measured", file=sys.stderr)
        return 1
    throw_need = max(table[s]["need"] for s in throw_syms)

    out = []
    out.append("// Generated file: do not edit. Regenerate with %s (on this machine)." % a.command)
    out.append("//")
    out.append("// Stack each function of the C and C++ runtime libraries needs when it is")
    out.append("// called (bytes below %rsp at the call instruction, return address included),")
    out.append("// measured on a poisoned private stack with the arguments that make it go")
    out.append("// deepest (tools/stack-needs/README.md). Keys are the ELF symbols call sites")
    out.append("// reference (C names, C++ mangled names, fortified and __isoc99_ variants).")
    for v in a.versions.splitlines():
        out.append("// " + v if v else "//")
    out.append("//")
    out.append("// Measured as the morestack runtime runs them: the libraries' lazily bound")
    out.append("// PLT slots bound at start-up (runtime/bind_now.cpp), the unwinder's entry")
    out.append("// points on a stack of their own (runtime/unwinder.cpp): a throw's entry")
    out.append("// is the thrower's part only.")
    if a.warm_plt:
        out.append("// Each need is the maximum over argument variants and over repeated calls,")
        out.append("// measured with --warm-plt: even the slots of libraries loaded later bound.")
    else:
        out.append("// Each need is the maximum over argument variants and over the first (cold:")
        out.append("// unwind tables not yet read, libraries not yet loaded by the function)")
        out.append("// and later calls.")
    out.append("// Margin policy: bytes = round_up(need + need * %d / 100 + %d, 64)."
               % (a.margin_percent, a.margin_fixed))
    out.append("// Functions that call back into user code count their own frames only (a")
    out.append("// trivial callback); the callback is instrumented and checks its own stack.")
    out.append("//")
    out.append("// Not included: the first call through the CALLER's own PLT slot runs the")
    out.append("// dynamic linker's resolver on the caller's stack, %d bytes measured here" % lazy_need)
    out.append("// (MORESTACK_LIBRARY_LAZY_BINDING_NEED below, with the margin): a caller that")
    out.append("// is not linked with -z now needs max(entry, that) for its first call.")
    out.append("//")
    out.append("// MORESTACK_LIBRARY_NEED(\"symbol\", bytes), sorted by symbol (byte order); a")
    out.append("// comment line above an entry notes callbacks and functions that never return.")
    out.append("// MORESTACK_LIBRARY_CALLS_BACK(\"symbol\") follows the entry of a function that")
    out.append("// calls, or registers, a function of the program (which may be instrumented).")
    out.append("")
    for sym in sorted(table):
        t = table[sym]
        if t["notes"]:  # on its own line: every entry line keeps the exact form
            out.append("// %s: %s" % (sym, "; ".join(sorted(t["notes"]))))
        out.append('MORESTACK_LIBRARY_NEED("%s", %d)' % (sym, margin(t["need"])))
        if t["flags"] & T_CALLBACK:
            out.append('MORESTACK_LIBRARY_CALLS_BACK("%s")' % sym)
    out.append("")
    out.append("// What the thrower's stack needs for any throw out of a C++ library function")
    out.append("// (the deepest of __cxa_throw, __cxa_rethrow, std::rethrow_exception and the")
    out.append("// std::__throw_* helpers): the table measures most C++ functions on their")
    out.append("// paths that do not throw.")
    out.append("#ifdef MORESTACK_LIBRARY_THROW_NEED")
    out.append("MORESTACK_LIBRARY_THROW_NEED(%d)" % margin(throw_need))
    out.append("#endif")
    out.append("")
    out.append("#ifdef MORESTACK_LIBRARY_LAZY_BINDING_NEED")
    out.append("MORESTACK_LIBRARY_LAZY_BINDING_NEED(%d)" % margin(lazy_need))
    out.append("#endif")
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")

    if a.report:
        rep = []
        rep.append("# stack-needs measurements (generated by %s; not used by the build)" % a.command)
        for v in a.versions.splitlines():
            rep.append("# " + v)
        rep.append("# need: max over variants and repetitions (bytes, no margin); warm: max over")
        rep.append("# repetitions 1-4 (PLT slots bound, caches filled); table: the .inc value.")
        rep.append("")
        rep.append("%-72s %7s %7s %7s  %s" % ("symbol", "need", "warm", "table", "deepest variant (of n)"))
        for sym in sorted(table, key=lambda s: (-table[s]["need"], s)):
            t = table[sym]
            rep.append("%-72s %7d %7d %7d  %s (of %d)" % (sym, t["need"], t["warm"], margin(t["need"]),
                                                          t["variant"], t["n"]))
        rep.append("")
        if cross:
            rep.append("# cross-check: fault on a guard page below a thread stack (crosscheck.cpp), bytes:")
            rep.extend(cross)
            rep.append("")
        rep.append("# lazy binding (first call through an unresolved PLT slot), bytes:")
        for r in lazy:
            rep.append("%-72s %7d" % (r["variant"], r["first"]))
        rep.append("")
        rep.append("# scenarios (template code compiled without the plugin; informational), bytes:")
        for r in info:
            rep.append("%-72s %7d  (first %d)" % (r["sym"] + " [" + r["variant"] + "]", r["max"], r["first"]))
        rep.append("")
        rep.append("# every variant: symbol, variant, first (cold), max")
        for r in sorted(rows, key=lambda r: (r["sym"], r["variant"])):
            rep.append("%s\t%s\t%d\t%d" % (r["sym"], r["variant"], r["first"], r["max"]))
        with open(a.report, "w") as f:
            f.write("\n".join(rep) + "\n")

    print("stack-needs: %d functions written to %s (lazy binding %d bytes); %d measurements"
          % (len(table), a.out, lazy_need, len(rows)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
