#!/usr/bin/env python3
"""bench/report.py: turn bench/run.sh's raw figures into the results table
(README.md) and the plots (PNG).

Every benchmark process prints JSON lines {bench, case, variant, value, unit}
and run.sh adds the run number. A row of the table is a ratio of two figures
measured in the same run (morestack's over the baseline's): the ratio is
computed run by run, and the table gives the median over the runs and its
spread (min-max). A row with a target says "met" or "MISSED"; the others are
there for context. Absolute figures (medians) are shown beside the ratios.

    report.py --raw results/raw.jsonl --machine results/machine.txt --out results/
"""
import argparse
import json
import math
import re
import os
import statistics
from collections import defaultdict

# ---- loading ----


def load(path):
    data = defaultdict(dict)  # (bench, case, variant) -> {run: value}
    units = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            d = json.loads(line)
            key = (d["bench"], d["case"], d["variant"])
            data[key][d.get("run", 1)] = float(d["value"])
            units[key] = d["unit"]
    return data, units


# ---- a figure, run by run ----


class Series:
    """Values by run number (a measurement, or a ratio/difference of two)."""

    def __init__(self, by_run):
        self.by_run = {r: v for r, v in by_run.items() if v is not None and not math.isnan(v)}

    def ok(self):
        return bool(self.by_run)

    def median(self):
        return statistics.median(self.by_run.values())

    def lo(self):
        return min(self.by_run.values())

    def hi(self):
        return max(self.by_run.values())

    def runs(self):
        return len(self.by_run)


def series(data, key):
    return Series(data.get(key, {}))


def combine(a, b, op):
    """op(a, b) run by run. Two figures measured once each (instruction
    counts, which are deterministic) are simply combined."""
    if len(a.by_run) == 1 and len(b.by_run) == 1:
        return Series({1: op(next(iter(a.by_run.values())), next(iter(b.by_run.values())))})
    return Series({r: op(a.by_run[r], b.by_run[r]) for r in set(a.by_run) & set(b.by_run)})


def ratio(a, b):
    return combine(a, b, lambda x, y: x / y if y else float("nan"))


def difference(a, b):
    return combine(a, b, lambda x, y: x - y)


def geomean(seriess):
    runs = set.intersection(*(set(s.by_run) for s in seriess)) if seriess else set()
    return Series({r: math.exp(sum(math.log(s.by_run[r]) for s in seriess) / len(seriess)) for r in runs})


# ---- formatting ----


def fmt_value(v, unit):
    if v is None:
        return "n/a"
    if unit == "ns":
        for div, u in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
            if v >= div:
                return f"{v / div:.3g} {u}"
        return f"{v:.3g} ns"
    if unit == "B":
        if v >= 10 * 1024 * 1024:
            return f"{v / (1024 * 1024):.1f} MiB"
        return f"{v / 1024:.2f} KiB" if v >= 1024 else f"{v:.0f} B"
    if unit == "instructions":
        return f"{v / 1e6:.1f} M instr"
    return f"{v:.3g} {unit}"


def fmt_ratio(s, digits=3):
    if not s.ok():
        return "n/a", ""
    med = f"{s.median():.{digits}g}"
    if s.runs() == 1:
        return med, "exact" if s.lo() == s.hi() else ""
    return med, f"{s.lo():.{digits}g} – {s.hi():.{digits}g}"


def check(value, target):
    if target is None or value is None:
        return ""
    op, limit = target
    good = {"<=": value <= limit, "<": value < limit, ">=": value >= limit}[op]
    return "met" if good else "**MISSED**"


# ---- the table ----

# The prologue programs (objects-capture: prologue_objects.cpp with `capture`).
PROGS = ["fib", "bintree", "nqueens", "parser", "json", "objects", "objects-capture"]


class Row:
    def __init__(self, section, label, s, num=None, den=None, unit="", target=None, note="", kind="ratio"):
        self.section, self.label, self.s = section, label, s
        self.num, self.den, self.unit = num, den, unit
        self.target, self.note, self.kind = target, note, kind

    def cells(self):
        med, spread = fmt_ratio(self.s)
        if self.kind == "abs" and self.s.ok():
            med = fmt_value(self.s.median(), self.unit)
            spread = f"{fmt_value(self.s.lo(), self.unit)} – {fmt_value(self.s.hi(), self.unit)}" if self.s.runs() > 1 else ""
        num = fmt_value(self.num.median(), self.unit) if self.num is not None and self.num.ok() else ""
        den = fmt_value(self.den.median(), self.unit) if self.den is not None and self.den.ok() else ""
        tgt = f"{self.target[0]} {fmt_value(self.target[1], self.unit) if self.kind == 'abs' else self.target[1]}" if self.target else ""
        status = check(self.s.median() if self.s.ok() else None, self.target) if self.target else ""
        if self.target and not self.s.ok():
            status = "not measured"
        return [self.label, num, den, med, spread, tgt, status, self.note]


def build_rows(data, units):
    S = lambda b, c, v: series(data, (b, c, v))  # noqa: E731
    rows = []

    # 1. prologue
    progs = PROGS
    time_r, instr_r = [], []
    for p in progs:
        ms, pl = S("prologue", p, "morestack"), S("prologue", p, "plain")
        r = ratio(ms, pl)
        rows.append(Row("1. Prologue cost", f"{p}: time, morestack ÷ plain clang", r, ms, pl, "ns"))
        if r.ok():
            time_r.append(r)
    for p in progs:
        ms, pl = S("prologue-instructions", p, "morestack"), S("prologue-instructions", p, "plain")
        r = ratio(ms, pl)
        rows.append(Row("1. Prologue cost", f"{p}: instructions, morestack ÷ plain", r, ms, pl, "instructions"))
        if r.ok():
            instr_r.append(r)
    rows.append(Row("1. Prologue cost", f"geomean of {len(time_r)} programs: time", geomean(time_r), target=("<=", 1.02)))
    rows.append(Row("1. Prologue cost", f"geomean of {len(instr_r)} programs: instructions", geomean(instr_r),
                    target=("<=", 1.03)))

    # 1b. a real program: Debian's Lua 5.4, built both ways (bench/real_program.sh)
    rows += real_program_rows(S)

    # 2. growth
    for c in ["1MiB", "64MiB"]:
        grow = S("growth", c, "grow")
        sec = "2. Growth"
        rows.append(Row(sec, f"{c}: grown from 2 KiB ÷ pre-sized cold", ratio(grow, S("growth", c, "presized-cold")),
                        grow, S("growth", c, "presized-cold"), "ns", ("<=", 1.3)))
        rows.append(Row(sec, f"{c}: grown from 2 KiB ÷ Go goroutine", ratio(grow, S("growth", c, "go")), grow,
                        S("growth", c, "go"), "ns", ("<=", 0.5)))
        rows.append(Row(sec, f"{c}: grown from 2 KiB ÷ pre-sized warm", ratio(grow, S("growth", c, "presized-warm")),
                        grow, S("growth", c, "presized-warm"), "ns"))
        rows.append(Row(sec, f"{c}: grown from 2 KiB ÷ gcc -fsplit-stack", ratio(grow, S("growth", c, "gcc-split")),
                        grow, S("growth", c, "gcc-split"), "ns"))
        rows.append(Row(sec, f"{c}: pre-sized cold ÷ Go goroutine",
                        ratio(S("growth", c, "presized-cold"), S("growth", c, "go")), S("growth", c, "presized-cold"),
                        S("growth", c, "go"), "ns"))

    # 3. hot split
    sec = "3. Hot split"
    hot, far = S("hotsplit", "call", "boundary"), S("hotsplit", "call", "no-boundary")
    gcc_hot, gcc_far = S("hotsplit", "call", "gcc-boundary"), S("hotsplit", "call", "gcc-no-boundary")
    one_growth = difference(S("hotsplit", "call", "split-once"), S("hotsplit", "call", "nosplit-once"))
    rows.append(Row(sec, "call at the boundary ÷ no boundary (per call)", ratio(hot, far), hot, far, "ns", ("<=", 1.05),
                    "one growth, then no boundary: the loop never yields, so nothing shrinks the stack"))
    rows.append(Row(sec, "call at the boundary ÷ gcc -fsplit-stack at the boundary", ratio(hot, gcc_hot), hot, gcc_hot,
                    "ns", ("<=", 0.01), "target: ≥ 100x faster"))
    rows.append(Row(sec, "one 2→4 KiB growth ÷ one gcc hot-split call", ratio(one_growth, gcc_hot), one_growth,
                    gcc_hot, "ns", note="what each call would cost if the boundary stayed"))
    rows.append(Row(sec, "gcc at the boundary ÷ gcc with no boundary", ratio(gcc_hot, gcc_far), gcc_hot, gcc_far, "ns"))
    hot_y, far_y = S("hotsplit", "call", "boundary-yield"), S("hotsplit", "call", "no-boundary-yield")
    rows.append(Row(sec, "yield after each call: at the boundary ÷ no boundary", ratio(hot_y, far_y), hot_y, far_y,
                    "ns", note="a yield may shrink the stack: the boundary can come back (backoff)"))
    s_hot, s_far = S("hotsplit", "call", "side-boundary-every"), S("hotsplit", "call", "side-no-boundary-every")
    rows.append(Row(sec, "side stack: escaping local crossing a chunk boundary every iteration ÷ no boundary", ratio(s_hot, s_far),
                    s_hot, s_far, "ns", ("<=", 1.05),
                    "the loop calls a function with its own side frame in the old chunk, which calls one whose "
                    "128-byte escaping buffer does not fit: one __morestack_side_more per iteration (spare chunk reused)"))
    s_hot, s_far = S("hotsplit", "call", "side-boundary"), S("hotsplit", "call", "side-no-boundary")
    rows.append(Row(sec, "side stack: the loop calls the crossing function directly ÷ no boundary", ratio(s_hot, s_far),
                    s_hot, s_far, "ns",
                    note="sticky chunks: the new chunk stays the loop's, one crossing per activation of the loop"))

    # 7. one stack move against memcpy (placed after section 6 in the table)
    moves = []
    sec = "7. Stack moves"
    for size in ["1MiB", "64MiB"]:
        for shape in ["doubles", "pointers"]:
            c = f"{size}-{shape}"
            mv, fresh, warm = S("move", c, "move"), S("move", c, "memcpy-fresh"), S("move", c, "memcpy-warm")
            n, frac = S("move", c, "growths"), S("move", c, "ptrfree-fraction")
            what = f"{size}, {shape} frames"
            note = (f"{n.median():.0f} growths; maps prove {frac.median():.0%} of the bytes pointer-free"
                    if n.ok() and frac.ok() else "")
            if shape == "pointers" and note:
                note += "; the arrays are on the side stack, only 40-byte frames move"
            moves.append(Row(sec, f"{what}: move ÷ memcpy into a fresh mmap (per growth)", ratio(mv, fresh), mv, fresh,
                             "ns", ("<=", 2.0), note))
            moves.append(Row(sec, f"{what}: move ÷ memcpy into a warm buffer (per growth)", ratio(mv, warm), mv, warm,
                             "ns", note="the copy alone, no page faults"))
            moves.append(Row(sec, f"{what}: bytes copied per growth", S("move", c, "bytes"), unit="B", kind="abs"))
        dbl, ptr = S("move", f"{size}-doubles", "move"), S("move", f"{size}-pointers", "move")
        moves.append(Row(sec, f"{size}: move of doubles frames ÷ move of pointers frames", ratio(dbl, ptr), dbl, ptr, "ns",
                         note="not the same bytes since the side stack: the pointers arrays live there "
                              "(docs/benchmarks.md, section 7)"))

    # 8. ping-pong at a boundary
    sec = "8. Ping-pong at a boundary"
    pol, pre = S("pingpong", "cycle", "policy"), S("pingpong", "cycle", "presized")
    moves.append(Row(sec, "deep/shallow cycle: 2 KiB fiber (shrink policy) ÷ fiber pre-sized to 64 KiB", ratio(pol, pre),
                     pol, pre, "ns", ("<=", 1.1), "ns per cycle; the pre-sized fiber never moves"))
    cyc = S("pingpong", "moves", "cycles")
    after = S("pingpong", "moves", "policy-after-first")
    n_cycles = cyc.median() if cyc.ok() else None
    moves.append(Row(sec, f"moves after the first cycle, in {n_cycles:,.0f} cycles" if n_cycles else
                     "moves after the first cycle", after, unit="moves", kind="abs",
                     target=("<=", round(2 * math.log2(n_cycles), 1)) if n_cycles else None,
                     note="target 2·log2(cycles): the backoff doubles after each regrowth"))
    g, sh = S("pingpong", "moves", "policy-growths"), S("pingpong", "moves", "policy-shrinks")
    moves.append(Row(sec, "growths in all (5 of them 2 → 64 KiB in the first cycle)", g, unit="moves", kind="abs"))
    moves.append(Row(sec, "shrinks in all", sh, unit="moves", kind="abs"))
    for v, what, per in [("naive-boundary", "32 KiB fiber calling morestack_shrink_stack() at the top of every cycle",
                          "naive-boundary-per-cycle"),
                         ("naive", "2 KiB fiber calling morestack_shrink_stack() at the top of every cycle",
                          "naive-per-cycle")]:
        nv = S("pingpong", "cycle", v)
        mpc = S("pingpong", "moves", per)
        moves.append(Row(sec, f"{what} ÷ pre-sized", ratio(nv, pre), nv, pre, "ns",
                         note=f"no backoff: {mpc.median():.0f} moves per cycle" if mpc.ok() else "no backoff"))

    # 4. memory
    sec = "4. Memory"
    for n in ["10000", "100000", "1000000"]:
        ms = S("memory", n, "morestack")
        if not ms.ok():
            continue
        nice = f"{int(n):,}"
        rows.append(Row(sec, f"{nice} parked fibers: bytes per fiber", ms, unit="B", target=("<=", 2.3 * 1024),
                        kind="abs"))
        for other, name in [("go", "Go goroutine"), ("pthread", "pthread"), ("boost", "Boost.Context fiber")]:
            o = S("memory", n, other)
            if o.ok():
                rows.append(Row(sec, f"{nice}: morestack ÷ {name}", ratio(ms, o), ms, o, "B"))
        side = S("memory", n, "morestack-side")
        if side.ok():
            rows.append(Row(sec, f"{nice} parked fibers, an escaping local in every frame (side stack): bytes per fiber",
                            side, unit="B", target=("<=", 2.3 * 1024), kind="abs"))
            rows.append(Row(sec, f"{nice}: with the side stack ÷ without", ratio(side, ms), side, ms, "B",
                            note="the side stack's first chunk: 512 bytes from malloc"))

    # 5. switch and spawn
    sec = "5. Switch and spawn"
    for c, what in [("switch", "switch"), ("spawn", "create+run+destroy")]:
        ms, bo, go = S("switch", c, "morestack"), S("switch", c, "boost"), S("switch", c, "go")
        rows.append(Row(sec, f"{what}: morestack ÷ Boost.Context", ratio(ms, bo), ms, bo, "ns",
                        ("<=", 1.0) if c == "switch" else ("<=", 2.0)))
        rows.append(Row(sec, f"{what}: morestack ÷ Go", ratio(ms, go), ms, go, "ns",
                        ("<", 1.0) if c == "spawn" else None,
                        "Go: runtime.Gosched ping-pong" if c == "switch" else "Go: `go` statement, batches of 1000"))

    # 6. skynet
    sec = "6. Skynet"
    for c, what in [("1thread", "1 thread (GOMAXPROCS=1)"), ("2thread", "2 threads (GOMAXPROCS=2)")]:
        ms, go = S("skynet", c, "morestack"), S("skynet", c, "go")
        rows.append(Row(sec, f"{what}: morestack ÷ Go", ratio(ms, go), ms, go, "ns", ("<=", 0.5)))
    for c, what in [("1thread", "1 thread"), ("2thread", "2 threads")]:
        ls, go = S("skynet", c, "morestack-leaf-split"), S("skynet", c, "go")
        rows.append(Row(sec, f"{what}, leaf-split variant: morestack ÷ Go", ratio(ls, go), ls, go, "ns",
                        note="leaves kept off code that calls libc (no 2→32 KiB growth per leaf)"))
    return rows + moves + libcalls_rows(data) + daisy_rows(data) + deep_main_rows(data) + echo_rows(data)


# libcalls.cpp: the kinds of call, their targets (peak stack and resident
# memory per fiber, bytes) and what a miss was profiled to come from.
LIBCALL_KINDS = [
    ("park", "nothing (baseline)", None),
    ("malloc", "malloc + free", 4096),
    ("new", "new + delete", 4096),
    ("memcpy", "memcpy of 256-319 bytes", 4096),
    ("strlen", "strlen", 4096),
    ("string", "std::string of ~100 chars by appends", 4096),
    ("vector", "std::vector<int>, 100 push_backs", 4096),
    ("snprintf", 'snprintf("%d %s %.17g")', 8192),
]
# Causes of misses (docs/benchmarks.md, section 10), by kind.
# Causes of misses (docs/benchmarks.md, section 10), by kind.
NEW_CAUSE = ("the call-site check before `operator new` keeps 1,600 B free (MORESTACK_LIBRARY_THROW_NEED: "
             "a `_Z` function that may throw counts what a throw needs on the thrower's stack; the unwinder "
             "itself runs on the system stack), so the first `new` grows the 2 KiB fiber to 4 KiB; the park's "
             "yield does not shrink it (a yield shrinks after 4 quiet safe points, kShrinkQuietSafePoints)")
LIBCALL_PEAK_CAUSE = {"new": NEW_CAUSE, "vector": NEW_CAUSE + " (`push_back` reallocates through `operator new`)",
                      "string": NEW_CAUSE + " (the appends allocate through `operator new`)"}
LIBCALL_RESIDENT_CAUSE = {
    "new": "the 4 KiB stack block (see peak) and what every fiber holds besides (its control block and "
           "pool share: the 0.3 KiB over 2 KiB of the park-only fibers)",
    "vector": "the 4 KiB stack block (see peak), the fiber's 0.3 KiB, and the vector's 512 B buffer",
    "string": "the 4 KiB stack block (see peak), the fiber's 0.3 KiB, and the side stack's first chunk "
              "(528 B): the std::string's address goes to libstdc++",
}
LIBCALL_NOTES = {
    "park": "a morestack::Fiber that only yields (memory.c with the C API: ~2.3 KiB)",
    "snprintf": "runs on the system stack (stub); its buffer stays on the moving stack (the stub carries "
                "snprintf's `nocapture`)",
}


def libcalls_rows(data):
    """Section 10: libcalls.cpp, fibers that call the C library once and park."""
    S = lambda c, v: series(data, ("libcalls", c, v))  # noqa: E731
    sec = "10. Library calls in parked fibers"
    rows = []
    ns = sorted({int(c.rsplit("-", 1)[1]) for (b, c, v) in data if b == "libcalls"})
    for n in ns:
        for kind, what, limit in LIBCALL_KINDS:
            c = f"{kind}-{n}"
            pk, med, parked = S(c, "peak-max"), S(c, "peak-median"), S(c, "parked-median")
            res, rsv, gpf = S(c, "resident"), S(c, "largest-reserve"), S(c, "growths-per-fiber")
            if not pk.ok():
                continue
            facts = (f"median {fmt_value(med.median(), 'B')}, parked {fmt_value(parked.median(), 'B')}"
                     if med.ok() and parked.ok() else "")
            if gpf.ok() and gpf.median() > 0:
                facts += f"; {gpf.median():.2g} growths per fiber, largest call-site reserve {rsv.median():,.0f} B"
            tgt = ("<=", limit) if limit else None
            missed = limit is not None and pk.median() > limit
            note = "; ".join(x for x in [facts, LIBCALL_PEAK_CAUSE.get(kind, "") if missed else ""] if x)
            rows.append(Row(sec, f"{what}, {n:,} fibers: peak stack, max over fibers", pk, unit="B", target=tgt,
                            kind="abs", note=note))
            missed = limit is not None and res.ok() and res.median() > limit
            note = LIBCALL_RESIDENT_CAUSE.get(kind, "") if missed else LIBCALL_NOTES.get(kind, "")
            rows.append(Row(sec, f"{what}, {n:,} fibers: resident bytes per fiber", res, unit="B", target=tgt,
                            kind="abs", note=note))
    return rows


def daisy_rows(data):
    """Section 11: daisy.cpp against daisy.go, a realistic fiber program."""
    sec = "11. Daisy chain (a realistic program) ÷ Go"
    rows = []
    for c in sorted({c for (b, c, v) in data if b == "daisy"}):
        S = lambda v: series(data, ("daisy", c, v))  # noqa: E731
        fibers, rounds = c.split("x")
        what = f"{int(fibers):,} fibers, {rounds} rounds"
        ms, go = S("morestack"), S("go")
        rows.append(Row(sec, f"{what}: wall time, morestack ÷ Go (GOMAXPROCS=1)", ratio(ms, go), ms, go, "ns",
                        ("<=", 1.0),
                        "both are mostly first-touch page faults (perf: morestack `stack_init` 30 % zero-filling "
                        "fresh 2 KiB blocks, `_int_malloc` 25 %, the kernel's fault path 21 %; Go "
                        "`runtime.stackpoolalloc` 36 %, kernel 17 %); morestack takes 89k faults to Go's 71k, the "
                        "extra ones heap pages (the channels' std::deque nodes, a side-stack chunk per fiber: see "
                        "VmHWM); stack moves (35k growths, 29k shrinks) take 38-84 ms in the full run"))
        ms, go = S("morestack-hwm"), S("go-hwm")
        rows.append(Row(sec, f"{what}: peak resident (VmHWM), morestack ÷ Go", ratio(ms, go), ms, go, "B",
                        ("<=", 1.0),
                        "the program's channels: libstdc++'s std::deque allocates a 512 B node and a 64 B map even "
                        "when empty (~61 MiB over 100,001 channels; with an intrusive waiter list instead: 1.04); "
                        "and every chain fiber holds a 528 B side-stack chunk (~50 MiB): its std::vector, std::string "
                        "temporaries and snprintf buffer escape (libstdc++'s out-of-line members, the snprintf stub "
                        "without `nocapture`)"))
    return rows


def echo_rows(data):
    """Section 13: the echo server (bench/echo_load.c) against Go and a hand-written epoll server."""
    sec = "13. Echo server over loopback, 1 thread each"
    rows = []
    for c in sorted({c for (b, c, v) in data if b == "echo"}, key=lambda c: int(c.replace("conn", ""))):
        S = lambda b, v: series(data, (b, c, v))  # noqa: E731
        what = f"{int(c.replace('conn', '')):,} connections"
        ms, go, ep = S("echo", "morestack"), S("echo", "go"), S("echo", "epoll")
        rows.append(Row(sec, f"{what}: round trips per second, morestack ÷ Go", ratio(ms, go), ms, go, "roundtrips/s",
                        (">=", 1.0)))
        rows.append(Row(sec, f"{what}: round trips per second, morestack ÷ epoll in C", ratio(ms, ep), ms, ep,
                        "roundtrips/s", (">=", 0.8)))
        ms, go, ep = S("echo-cpu", "morestack"), S("echo-cpu", "go"), S("echo-cpu", "epoll")
        rows.append(Row(sec, f"{what}: server CPU per round trip, morestack ÷ Go", ratio(ms, go), ms, go, "ns"))
        rows.append(Row(sec, f"{what}: server CPU per round trip, morestack ÷ epoll in C", ratio(ms, ep), ms, ep,
                        "ns"))
        ms, go = S("echo-rss", "morestack"), S("echo-rss", "go")
        rows.append(Row(sec, f"{what}: server RSS per connection, morestack ÷ Go", ratio(ms, go), ms, go, "B",
                        ("<=", 1.0)))
    return rows


def deep_main_rows(data):
    """Section 12: deep_main.c, main recursing 100 MB at the default settings."""
    sec = "12. Deep recursion in main"
    rows = []
    for c in sorted({c for (b, c, v) in data if b == "deep_main"}):
        S = lambda v: series(data, ("deep_main", c, v))  # noqa: E731
        ms, pl = S("morestack-first"), S("plain-first")
        rows.append(Row(sec, f"main recursing {c} (default settings) ÷ plain clang under ulimit -s unlimited",
                        ratio(ms, pl), ms, pl, "ns", ("<=", 1.05),
                        "main starts at 8 MiB in a range of its own and grows in place: nothing is copied; "
                        "both take the same page faults"))
        rss = S("rss-after-shrink")
        rows.append(Row(sec, f"{c}: resident memory after the recursion returned and main shrank at a safe point, "
                        "minus before it", rss, unit="B", target=("<=", 1 << 20), kind="abs",
                        note="the pages below the live part go back with madvise (kShrinkKeepBelowSp: 64 KiB kept)"))
    return rows


def real_program_rows(S):
    """Section 1b: Lua 5.4 from Debian running bench/lua/workload.lua."""
    sec = "1b. Real program"
    rows = []
    pi, mi = S("real-lua", "instructions", "plain"), S("real-lua", "instructions", "morestack")
    ri = ratio(mi, pi)
    # The note: the measured breakdown (bench/lua/breakdown.py), as shares of
    # the plain build's instructions.
    parts = []
    if pi.ok():
        base = pi.median()
        what = [("callsite", "call-site checks before calls to other files' functions and through pointers"),
                ("callsite-indirect", "spills and register pressure those checks cause"),
                ("side", "side-stack frames"),
                ("prologue", "prologue checks"),
                ("other", "other code generation (more callee-saved registers, spills)"),
                ("runtime", "runtime (jmp_buf registration at each setjmp, longjmp)")]
        for k, label in what:
            b = S("real-lua", "breakdown", k)
            if b.ok():
                parts.append(f"{label} {100 * b.median() / base:+.1f} %")
    note = "whole process under callgrind, workload scale 1"
    if parts:
        note += ("; extra instructions as shares of plain's: " + "; ".join(parts) +
                 " (bench/lua/breakdown.py). A call to a function of another file costs 4 instructions "
                 "(load the callee's need marker, decrement, compare, branch) even though that function checks "
                 "itself: the need is a link-time constant the compiler cannot fold, and the value takes a "
                 "register around the call; lua_geti/lua_seti set up a side frame on every call for a TValue "
                 "whose address only their slow path passes on (docs/benchmarks.md, 1b)")
    rows.append(Row(sec, "real program (Lua 5.4 from Debian): instructions, morestack ÷ plain", ri, mi, pi,
                    "instructions", ("<=", 1.03), note))
    nc = S("real-lua", "instructions", "no-call-site")
    if nc.ok():
        rows.append(Row(sec, "instructions without the call-site checks (-morestack-call-site-reserve=false) ÷ plain",
                        ratio(nc, pi), nc, pi, "instructions",
                        note="debugging switch, not a usable build: what the other causes cost alone"))
    pt, mt = S("real-lua", "time", "plain"), S("real-lua", "time", "morestack")
    rows.append(Row(sec, "real program (Lua 5.4 from Debian): time, morestack ÷ plain", ratio(mt, pt), mt, pt, "ns",
                    ("<=", 1.05), "whole process, median of 3 per run, runs interleaved"))
    pc, mc = S("real-lua", "cpu", "plain"), S("real-lua", "cpu", "morestack")
    rows.append(Row(sec, "CPU time (user + system), morestack ÷ plain", ratio(mc, pc), mc, pc, "ns",
                    note="the same processes; leaves out waiting for a core on the shared machine"))
    m2t, m2i = S("real-lua", "time", "morestack-2K"), S("real-lua", "instructions", "morestack-2K")
    g, c = S("real-lua", "stats-growths", "morestack-2K"), S("real-lua", "stats-bytes_copied", "morestack-2K")
    rg = S("real-lua", "stats-reserve_growths", "morestack-2K")
    grown = (f"{g.median():.0f} growths ({rg.median():.0f} asked by call-site checks), {c.median():,.0f} bytes copied"
             if g.ok() and c.ok() and rg.ok() else "")
    rows.append(Row(sec, "main on a 2 KiB stack (MORESTACK_MAIN_STACK=2K): time ÷ plain", ratio(m2t, pt), m2t, pt,
                    "ns", note=grown))
    rows.append(Row(sec, "main on a 2 KiB stack: instructions ÷ plain", ratio(m2i, pi), m2i, pi, "instructions"))
    g8 = S("real-lua", "stats-growths", "morestack")
    if g8.ok():
        rows.append(Row(sec, "growths with main on its default 8 MiB stack", g8, unit="moves", kind="abs"))
    return rows



def alloca_table(data):
    """Section 9: bench/alloca_counts.sh's sums of the plugin report."""
    progs = sorted({c for (b, c, v) in data if b == "allocas" and c != "all"}) + ["all"]
    if len(progs) == 1:
        return []
    cols = ["O0-moving", "O0-side", "O0-functions", "O2-moving", "O2-side", "O2-functions"]
    lines = ["", "## 9. Stack objects: moving stack vs side stack", "",
             "`bench/alloca_counts.sh`: every benchmark source compiled (no link) with `-fplugin-arg-morestack-report`,",
             "the report's `objects: M moving, S side` added up; *functions*: functions with at least one side object.",
             "", "| program | -O0 moving | -O0 side | -O0 functions | -O2 moving | -O2 side | -O2 functions |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for p in progs:
        vals = []
        for c in cols:
            sr = series(data, ("allocas", p, c))
            vals.append(f"{sr.median():.0f}" if sr.ok() else "n/a")
        name = "**all**" if p == "all" else f"`{p}`"
        lines.append(f"| {name} | " + " | ".join(vals) + " |")
    return lines


def write_table(rows, machine, out, data=None):
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run.sh` (do not edit by hand; see docs/benchmarks.md for what each",
        "benchmark measures, how, and why a target is missed).",
        "",
        "```",
        machine.strip(),
        "```",
        "",
        "Ratios are morestack's figure over the baseline's, computed run by run (every",
        "benchmark ran in each run, interleaved) and summarised as the median and the",
        "spread (min – max) over the runs. Below 1 means morestack is faster or smaller.",
        "`measured` and `baseline` are medians of the absolute figures. Each process",
        "figure is itself the median of a few repetitions inside the process.",
        "",
    ]
    section = None
    allocas = alloca_table(data) if data else []
    for row in rows:
        # Section 9 (the stack objects table) goes before sections 10 and on.
        if allocas and row.section != section and int(re.match(r"\d+", row.section).group()) > 9:
            lines += allocas
            allocas = []
        if row.section != section:
            section = row.section
            lines += ["", f"## {section}", "",
                      "| figure | measured | baseline | median | spread | target | status | note |",
                      "|---|---:|---:|---:|---|---|---|---|"]
        lines.append("| " + " | ".join(row.cells()) + " |")
    missed = [r for r in rows if r.target and "MISSED" in check(r.s.median() if r.s.ok() else None, r.target)]
    met = [r for r in rows if r.target and check(r.s.median() if r.s.ok() else None, r.target) == "met"]
    lines += allocas
    lines += ["", "## Summary", "",
              f"{len(met)} targets met, {len(missed)} missed."]
    if missed:
        lines += ["", "Missed:"] + [f"- {r.section.split('. ', 1)[-1]}: {r.label} = {fmt_ratio(r.s)[0] if r.kind != 'abs' else fmt_value(r.s.median(), r.unit)} "
                                    f"(target {r.target[0]} {r.target[1] if r.kind != 'abs' else fmt_value(r.target[1], r.unit)})"
                                    for r in missed]
    lines += ["", "Plots: " + ", ".join(f"[{p}]({p})" for p in PLOTS), ""]
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(lines))


# ---- plots ----

PLOTS = ["prologue.png", "growth.png", "hotsplit.png", "memory.png", "switch.png", "skynet.png", "move.png",
         "pingpong.png"]


def nice(v):
    return f"{v:,.0f}" if v >= 100 else f"{v:.3g}"


def bars(ax, labels, ss, scale=1.0, colors=None, log=False):
    """Bars of the medians with min-max whiskers; the median is printed under
    each label (numbers on the bars would collide with the whiskers)."""
    xs = range(len(labels))
    meds = [s.median() / scale if s.ok() else 0 for s in ss]
    errs = [[(s.median() - s.lo()) / scale if s.ok() else 0 for s in ss],
            [(s.hi() - s.median()) / scale if s.ok() else 0 for s in ss]]
    ax.bar(xs, meds, yerr=errs, capsize=4, color=colors)
    ax.set_xticks(list(xs))
    ax.set_xticklabels([f"{lab}\n{nice(m)}" if m else f"{lab}\nn/a" for lab, m in zip(labels, meds)], fontsize=8)
    if log:
        ax.set_yscale("log")


def plot_all(data, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    S = lambda b, c, v: series(data, (b, c, v))  # noqa: E731
    MS, BASE, OTHER = "#2a7ab9", "#999999", "#e08a2c"

    def save(fig, name):
        fig.tight_layout()
        fig.savefig(os.path.join(out, name), dpi=110)
        plt.close(fig)

    # prologue: ratios per program
    progs = PROGS
    fig, ax = plt.subplots(figsize=(9, 4))
    w = 0.38
    for i, (b, lab, col) in enumerate([("prologue", "time", MS), ("prologue-instructions", "instructions", OTHER)]):
        rs = [ratio(S(b, p, "morestack"), S(b, p, "plain")) for p in progs]
        xs = [x + (i - 0.5) * w for x in range(len(progs))]
        meds = [r.median() if r.ok() else 0 for r in rs]
        errs = [[r.median() - r.lo() if r.ok() else 0 for r in rs], [r.hi() - r.median() if r.ok() else 0 for r in rs]]
        ax.bar(xs, meds, w, yerr=errs, capsize=3, label=lab, color=col)
    ax.axhline(1.0, color="black", lw=0.8)
    ax.axhline(1.02, color=MS, ls="--", lw=0.8, label="time target 1.02")
    ax.axhline(1.03, color=OTHER, ls="--", lw=0.8, label="instructions target 1.03")
    ax.set_xticks(range(len(progs)))
    ax.set_xticklabels(progs)
    ax.set_ylabel("morestack ÷ plain clang -O2")
    ax.set_title("1. Prologue cost (median, min–max over runs)")
    ax.legend(fontsize=8)
    save(fig, "prologue.png")

    # growth: absolute times
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    variants = [("grow", "morestack\nfrom 2 KiB"), ("presized-cold", "pre-sized\ncold"), ("presized-warm", "pre-sized\nwarm"),
                ("go", "Go"), ("gcc-split", "gcc\nsplit-stack")]
    for ax, c in zip(axes, ["1MiB", "64MiB"]):
        bars(ax, [v[1] for v in variants], [S("growth", c, v[0]) for v in variants], 1e6,
             [MS, BASE, BASE, OTHER, OTHER])
        ax.set_ylabel("ms")
        ax.set_title(f"2. Recursion reaching {c}")
    save(fig, "growth.png")

    # hot split
    fig, ax = plt.subplots(figsize=(8, 4))
    one = difference(S("hotsplit", "call", "split-once"), S("hotsplit", "call", "nosplit-once"))
    bars(ax, ["morestack\nat boundary", "morestack\nno boundary", "one 2→4 KiB\ngrowth", "gcc at\nboundary",
              "gcc no\nboundary", "side chunk\nevery iter.", "side, no\nboundary"],
         [S("hotsplit", "call", "boundary"), S("hotsplit", "call", "no-boundary"), one,
          S("hotsplit", "call", "gcc-boundary"), S("hotsplit", "call", "gcc-no-boundary"),
          S("hotsplit", "call", "side-boundary-every"), S("hotsplit", "call", "side-no-boundary-every")], 1.0,
         [MS, MS, MS, OTHER, OTHER, BASE, BASE], log=True)
    ax.set_ylabel("ns per call (log)")
    ax.set_title("3. Hot split: a call at a stack boundary")
    save(fig, "hotsplit.png")

    # memory
    fig, ax = plt.subplots(figsize=(7, 4))
    for v, lab, col in [("morestack", "morestack fiber", MS), ("morestack-side", "morestack fiber, side stack in use", "#7fb3dd"),
                        ("go", "Go goroutine", OTHER),
                        ("boost", "Boost.Context fiber", "#5a9e4b"), ("pthread", "pthread", BASE)]:
        ns = [n for n in ["10000", "100000", "1000000"] if S("memory", n, v).ok()]
        if not ns:
            continue
        ys = [S("memory", n, v).median() / 1024 for n in ns]
        ax.plot([int(n) for n in ns], ys, "o-", label=lab, color=col)
        for n, y in zip(ns, ys):
            ax.annotate(f"{y:.2f}", (int(n), y), fontsize=8, textcoords="offset points", xytext=(0, 5))
    ax.axhline(2.3, color=MS, ls="--", lw=0.8, label="target 2.3 KiB")
    ax.set_xscale("log")
    ax.set_xlabel("parked tasks")
    ax.set_ylabel("KiB of resident memory per task")
    ax.set_title("4. Memory per parked task (all in)")
    ax.legend(fontsize=8)
    save(fig, "memory.png")

    # switch and spawn
    fig, axes = plt.subplots(1, 2, figsize=(9, 4))
    for ax, c, title in [(axes[0], "switch", "switch"), (axes[1], "spawn", "create + run + destroy")]:
        bars(ax, ["morestack", "Boost.Context", "Go"], [S("switch", c, v) for v in ["morestack", "boost", "go"]], 1.0,
             [MS, "#5a9e4b", OTHER])
        ax.set_ylabel("ns")
        ax.set_title(f"5. {title}")
    save(fig, "switch.png")

    # skynet
    fig, ax = plt.subplots(figsize=(8, 4))
    bars(ax, ["morestack\n1 thread", "leaf-split\n1 thread", "Go\nGOMAXPROCS=1", "morestack\n2 threads",
              "leaf-split\n2 threads", "Go\nGOMAXPROCS=2"],
         [S("skynet", "1thread", "morestack"), S("skynet", "1thread", "morestack-leaf-split"),
          S("skynet", "1thread", "go"), S("skynet", "2thread", "morestack"),
          S("skynet", "2thread", "morestack-leaf-split"), S("skynet", "2thread", "go")], 1e6,
         [MS, "#8fbfe0", OTHER, MS, "#8fbfe0", OTHER])
    ax.set_ylabel("ms")
    ax.set_title("6. Skynet: 1,111,111 tasks")
    save(fig, "skynet.png")

    # stack moves: µs per growth, move against the two memcpys
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, size in zip(axes, ["1MiB", "64MiB"]):
        labels, ss, cols = [], [], []
        for shape in ["doubles", "pointers"]:
            for v, lab, col in [("move", "move", MS), ("memcpy-fresh", "memcpy\nfresh", BASE),
                                ("memcpy-warm", "memcpy\nwarm", "#cccccc")]:
                labels.append(f"{lab}\n{shape}")
                ss.append(S("move", f"{size}-{shape}", v))
                cols.append(col)
        bars(ax, labels, ss, 1e3, cols)
        ax.set_ylabel("µs per growth")
        ax.set_title(f"7. One growth on the way to {size}")
    save(fig, "move.png")

    # ping-pong: ns per cycle (log), moves in the labels
    fig, ax = plt.subplots(figsize=(8, 4))
    bars(ax, ["policy\n(2 KiB fiber)", "pre-sized\n64 KiB", "shrink every\ncycle, 32 KiB", "shrink every\ncycle, 2 KiB"],
         [S("pingpong", "cycle", v) for v in ["policy", "presized", "naive-boundary", "naive"]], 1.0,
         [MS, BASE, OTHER, OTHER], log=True)
    ax.set_ylabel("ns per deep/shallow cycle (log)")
    after = S("pingpong", "moves", "policy-after-first")
    cyc = S("pingpong", "moves", "cycles")
    if after.ok() and cyc.ok():
        ax.set_title(f"8. Ping-pong: {after.median():.0f} moves in {cyc.median():,.0f} cycles with the backoff")
    else:
        ax.set_title("8. Ping-pong at a boundary")
    save(fig, "pingpong.png")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--machine", default=None)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-plots", action="store_true")
    args = ap.parse_args()
    data, units = load(args.raw)
    machine = open(args.machine).read() if args.machine and os.path.exists(args.machine) else ""
    rows = build_rows(data, units)
    os.makedirs(args.out, exist_ok=True)
    write_table(rows, machine, args.out, data)
    if not args.no_plots:
        plot_all(data, args.out)


if __name__ == "__main__":
    main()
