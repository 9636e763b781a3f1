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


class BadResult(Exception):
    """A line of the raw file that is not a benchmark record."""


FIELDS = ("bench", "case", "variant", "value", "unit")


def load(path):
    """The records of a raw file, (bench, case, variant) -> {run: value}.
    Blank lines are skipped; anything else must be a record (run.sh keeps
    only the lines the benchmarks print as JSON), else BadResult names the
    line: a figure silently dropped would change a median or a plot."""
    data = defaultdict(dict)  # (bench, case, variant) -> {run: value}
    units = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            where = f"{path}:{n}"
            try:
                d = json.loads(line)
            except ValueError as e:
                raise BadResult(f"{where}: not JSON ({e}): {line[:80]}")
            if not isinstance(d, dict):
                raise BadResult(f"{where}: not a JSON object: {line[:80]}")
            missing = [k for k in FIELDS if k not in d]
            if missing:
                raise BadResult(f"{where}: no {', '.join(missing)}: {line[:80]}")
            v, run = d["value"], d.get("run", 1)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise BadResult(f"{where}: value is not a number: {v!r}")
            if isinstance(run, bool) or not isinstance(run, int) or run < 1:
                raise BadResult(f"{where}: run is not a positive integer: {run!r}")
            key = (d["bench"], d["case"], d["variant"])
            if run in data[key]:
                raise BadResult(f"{where}: {'/'.join(map(str, key))} run {run} appears twice")
            if units.setdefault(key, d["unit"]) != d["unit"]:
                raise BadResult(f"{where}: {'/'.join(map(str, key))} in {d['unit']!r}, earlier in {units[key]!r}")
            data[key][run] = float(v)
    if not data:
        raise BadResult(f"{path}: no results")
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
        # A 1 MiB stack lives in a range (stack_pool.h); the pre-sized fiber
        # gets the range the grown fiber before it released, from the warm
        # cache, with its pages resident: not cold. 64 MiB is over the warm
        # budget (MORESTACK_WARM_BYTES, 64M), so that baseline is cold.
        warm_note = ("the pre-sized fiber reuses the range the grown fiber before it released to the warm cache "
                     "(MORESTACK_WARM_BYTES), pages resident: this baseline is warm, not cold (it was 4.24 ms "
                     "before ranges were kept warm, against which growing costs 0.02x)") if c == "1MiB" else ""
        rows.append(Row(sec, f"{c}: grown from 2 KiB ÷ pre-sized cold", ratio(grow, S("growth", c, "presized-cold")),
                        grow, S("growth", c, "presized-cold"), "ns", ("<=", 1.3), warm_note))
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
    rows += scheduler_rows(data)
    return (rows + moves + libcalls_rows(data) + daisy_rows(data) + deep_main_rows(data) + chanping_rows(data)
            + echo_rows(data))


def scheduler_rows(data):
    """Section 6, continued: skynet in Go's form on the task scheduler
    (skynet_tasks.c), when measured; the target is issue 13's."""
    rows = []
    for c, what in [("1thread", "1 worker (GOMAXPROCS=1)"), ("2thread", "2 workers (GOMAXPROCS=2)")]:
        ts, go = series(data, ("skynet", c, "morestack-tasks")), series(data, ("skynet", c, "go"))
        if ts.ok():
            rows.append(Row("6. Skynet", f"tasks on the scheduler, {what}: morestack ÷ Go", ratio(ts, go), ts, go,
                            "ns", ("<=", 0.15), "skynet_tasks.c: Go's form (channels), MORESTACK_WORKERS workers"))
    return rows


def chanping_rows(data):
    """Section 13: chanping.c against go/chanping.go, unbuffered channel
    round trips between two tasks, when measured; the target is issue 13's."""
    rows = []
    for c, what in [("1thread", "1 worker (GOMAXPROCS=1)"), ("2thread", "2 workers (GOMAXPROCS=2)")]:
        ms, go = series(data, ("chanping", c, "morestack")), series(data, ("chanping", c, "go"))
        if ms.ok() or go.ok():
            rows.append(Row("13. Channel ping-pong between tasks", f"round trip, {what}: morestack ÷ Go",
                            ratio(ms, go), ms, go, "ns", ("<=", 1.0), "unbuffered channels, 200,000 round trips"))
    return rows


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
        ts, go = S("morestack-tasks"), S("go")
        if ts.ok():
            rows.append(Row(sec, f"{what} on the scheduler (daisy_tasks.cpp, 1 worker): wall time ÷ Go", ratio(ts, go),
                            ts, go, "ns", ("<=", 1.0)))
            ts, go = S("morestack-tasks-hwm"), S("go-hwm")
            rows.append(Row(sec, f"{what} on the scheduler: peak resident (VmHWM) ÷ Go", ratio(ts, go), ts, go, "B",
                            ("<=", 1.0)))
    return rows


def echo_rows(data):
    """Section 13: the echo server (bench/echo_load.c) against Go and a hand-written epoll server."""
    sec = "14. Echo server over loopback, 1 thread each"
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
    plots = plots_with_data(data) if data else []
    if plots:
        lines += ["", "Plots: " + ", ".join(f"[{p}]({p})" for p in plots)]
    lines += [""]
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(lines))


# ---- plots ----
#
# Every plot is read without the README: a title that says what is measured,
# in what unit and which way is better; a legend for every colour; the
# targets as red lines over the bars they apply to; and a caption under the
# axes that explains the terms ("move", "pre-sized", "side stack"...), what
# the bars and whiskers are, and what each target says.

# Plot file -> the benches it draws; a plot is written when one has results.
PLOTS = [("prologue.png", ("prologue", "prologue-instructions", "real-lua")), ("growth.png", ("growth",)),
         ("hotsplit.png", ("hotsplit",)), ("memory.png", ("memory",)), ("switch.png", ("switch",)),
         ("skynet.png", ("skynet",)), ("move.png", ("move",)), ("pingpong.png", ("pingpong",)),
         ("chanping.png", ("chanping",))]

COL = {"ms": "#2a7ab9", "ms-variant": "#8fbfe0", "ms-tasks": "#17485f", "base": "#9a9a9a", "base-warm": "#d0d0d0",
       "go": "#e08a2c", "boost": "#5a9e4b", "gcc": "#a05195", "pthread": "#5c5c5c"}
TARGET_COLOR = "#d62728"
TARGET_STYLES = [(0, (4, 2)), (0, (1, 1.5)), (0, (6, 2, 1, 2))]


def plots_with_data(data):
    benches = {b for (b, c, v) in data}
    return [name for name, needs in PLOTS if benches & set(needs)]


def fmt_num(v):
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 1:
        return f"{v:.3g}"
    return f"{v:.2g}"


def runs_note(seriess, what="Bars"):
    ns = [s.runs() for s in seriess if s.ok()]
    lo, hi = min(ns, default=0), max(ns, default=0)
    if hi <= 1:
        return f"{what}: one measurement each."
    runs = f"{hi} runs" if lo == hi else f"{lo} to {hi} runs" if lo > 1 else f"up to {hi} runs"
    return f"{what}: median of {runs}; whiskers: lowest to highest run."


def log_ticks(ax, axis="y"):
    """A log axis with at least three labelled ticks, in plain numbers."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    decades = math.log10(hi / lo)
    subs = (1.0,) if decades > 4 else (1.0, 2.0, 5.0) if decades > 1.2 else (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)
    a = ax.yaxis if axis == "y" else ax.xaxis
    a.set_major_locator(LogLocator(base=10, subs=subs))
    a.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    a.set_minor_formatter(NullFormatter())


class Targets:
    """Targets drawn as red lines across the bar they apply to; one legend
    entry (and line style) per kind of target."""

    def __init__(self):
        self.styles = {}

    def draw(self, ax, x, half, y, label):
        if y is None or not (y > 0 or ax.get_yscale() == "linear"):
            return
        first = label not in self.styles
        style = self.styles.setdefault(label, TARGET_STYLES[len(self.styles) % len(TARGET_STYLES)])
        ax.hlines(y, x - half, x + half, colors=TARGET_COLOR, linestyles=[style], lw=2.2, zorder=5,
                  label=label if first else None)


def grouped_bars(ax, groups, members, get, scale=1.0, log=False, targets=(), tg=None, base=0.0, fmt=fmt_num):
    """Bars of medians with min-max whiskers, a cluster per group, a colour
    per member (members with no result in any group are left out; a member's
    colour may be a dict by group, None for the others). Bars start at
    `base` (1.0 for ratios: up is a cost). The median is printed above the
    whisker, or above the bar's target line. targets: (group, member, value
    in the series' unit, legend label). Returns the series drawn."""
    present = [m for m in members if any(get(g[0], m[0]).ok() for g in groups)]
    k = max(len(present), 1)
    bw = 0.8 / k
    where, drawn, tops = {}, [], []
    for j, (mk, mlab, col) in enumerate(present):
        xs, meds, lows, highs, cols = [], [], [], [], []
        for i, (gk, _) in enumerate(groups):
            s = get(gk, mk)
            x = i + (j - (k - 1) / 2) * bw
            if not s.ok():
                ax.text(x, 0.01, "not run", transform=ax.get_xaxis_transform(), rotation=90, ha="center",
                        va="bottom", fontsize=7, color="#666666")
                continue
            where[(gk, mk)] = x
            drawn.append(s)
            xs.append(x)
            cols.append(col.get(gk, col[None]) if isinstance(col, dict) else col)
            meds.append(s.median() / scale)
            lows.append((s.median() - s.lo()) / scale)
            highs.append((s.hi() - s.median()) / scale)
        ax.bar(xs, [m - base for m in meds], bw * 0.9, bottom=base, yerr=[lows, highs], capsize=2.5, color=cols,
               label=mlab, error_kw={"elinewidth": 0.9, "ecolor": "#222222"})
        for x, m, h in zip(xs, meds, highs):
            tops.append((x, max(m + h, m, base)))
    tg = tg or Targets()
    tvals = {}
    for gk, mk, y, label in targets:
        if (gk, mk) in where and y is not None:
            tvals[where[(gk, mk)]] = max(tvals.get(where[(gk, mk)], 0), y / scale)
    span = max([t for _, t in tops] + list(tvals.values()), default=1.0) - min(base, 0.0)
    for (x, t), m in zip(tops, [s.median() / scale for s in drawn]):
        # Above the whisker, or above the target line if that would cross the label.
        tv = tvals.get(x)
        near = tv is not None and (t <= tv <= t * 1.8 if log else t <= tv <= t + 0.1 * span)
        ax.annotate(fmt(m), (x, tv if near else t), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize=7)
    if log:
        ax.set_yscale("log")
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels([g[1] for g in groups], fontsize=8.5)
    top = max([t for _, t in tops] + list(tvals.values()), default=1.0)
    if log:
        lows_ = [v for v in [m.median() / scale for m in drawn] + list(tvals.values()) if v > 0]
        ax.set_ylim(min(lows_, default=0.1) / 2.5, top * 3)
        log_ticks(ax)
    elif base:
        bottom = min([s.lo() / scale for s in drawn] + [base])
        ax.set_ylim(bottom - 0.12 * (top - bottom), top + 0.12 * (top - bottom))
    else:
        ax.set_ylim(0, top * 1.15)
    for gk, mk, y, label in targets:
        if (gk, mk) in where and y is not None:
            tg.draw(ax, where[(gk, mk)], bw * 0.62, y / scale, label)
    ax.set_xlim(-0.6, len(groups) - 0.4)
    return drawn


def legend_of(axes, extra=()):
    """The legend entries of all the axes, one per label, the bars before
    the targets; `extra`: (handle, label) pairs to add before the targets."""
    seen, bars, targets = set(), [], []
    for ax in axes:
        for h, lab in list(zip(*ax.get_legend_handles_labels())) + list(extra):
            if lab not in seen:
                seen.add(lab)
                (targets if lab.startswith("target") else bars).append((h, lab))
        extra = ()
    return bars + targets


def finish(plt, fig, out, name, title, caption, legend=(), ncol=2):
    """Lays out, top to bottom: the title, the legend (a band of its own, so
    it covers nothing), the axes, the caption (a list of paragraphs); saves
    the figure as `name`."""
    import textwrap
    if legend and not any(lab.startswith("target") for _, lab in legend):
        caption = [p.replace(" " + TARGET_NOTE, "") for p in caption]  # no target has a result to apply to
    w, h = fig.get_size_inches()
    title_lines = textwrap.wrap(title, int(w * 10.5))
    cap_lines = []
    for para in caption:
        cap_lines += textwrap.wrap(para, int(w * 15.5)) or [""]
    title_h = 0.16 + len(title_lines) * 12 * 1.3 / 72
    leg_h = (0.1 + math.ceil(len(legend) / ncol) * 8 * 1.75 / 72) if legend else 0.0
    cap_h = 0.12 + len(cap_lines) * 8.3 * 1.32 / 72
    H = h + title_h + leg_h + cap_h
    fig.set_size_inches(w, H)
    t = fig.suptitle("\n".join(title_lines), y=1 - 0.08 / H, va="top", fontsize=12)
    t.set_in_layout(False)
    if legend:
        fig.legend([x[0] for x in legend], [x[1] for x in legend], loc="upper center",
                   bbox_to_anchor=(0.5, 1 - title_h / H), ncol=ncol, fontsize=8, frameon=False, handlelength=2.4,
                   columnspacing=1.5, borderaxespad=0.0)
    fig.text(0.012, 0.06 / H, "\n".join(cap_lines), ha="left", va="bottom", fontsize=8.3, color="#222222",
             linespacing=1.32)
    fig.tight_layout(rect=(0, cap_h / H, 1, 1 - (title_h + leg_h) / H))
    fig.savefig(os.path.join(out, name), dpi=110)
    plt.close(fig)


def plot_all(data, out):
    """Writes the plots that have results; returns their names."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    S = lambda b, c, v: series(data, (b, c, v))  # noqa: E731
    wanted = plots_with_data(data)
    written = []
    for name, draw in [("prologue.png", plot_prologue), ("growth.png", plot_growth), ("hotsplit.png", plot_hotsplit),
                       ("memory.png", plot_memory), ("switch.png", plot_switch), ("skynet.png", plot_skynet),
                       ("move.png", plot_move), ("pingpong.png", plot_pingpong), ("chanping.png", plot_chanping)]:
        if name not in wanted:
            continue
        fig, title, caption, legend, ncol = draw(plt, S)
        finish(plt, fig, out, name, title, caption, legend, ncol)
        written.append(name)
    return written


TARGET_NOTE = "Red lines: targets (the legend says which), drawn over the bar they apply to."


def plot_prologue(plt, S):
    time_r = {p: ratio(S("prologue", p, "morestack"), S("prologue", p, "plain")) for p in PROGS}
    instr_r = {p: ratio(S("prologue-instructions", p, "morestack"), S("prologue-instructions", p, "plain"))
               for p in PROGS}
    time_r["geomean"] = geomean([r for r in time_r.values() if r.ok()])
    instr_r["geomean"] = geomean([r for r in instr_r.values() if r.ok()])
    time_r["lua"] = ratio(S("real-lua", "time", "morestack"), S("real-lua", "time", "plain"))
    instr_r["lua"] = ratio(S("real-lua", "instructions", "morestack"), S("real-lua", "instructions", "plain"))
    groups = [(p, p) for p in PROGS] + [("geomean", "geomean\nof the 7"), ("lua", "Lua 5.4\n(real program)")]
    groups = [g for g in groups if time_r[g[0]].ok() or instr_r[g[0]].ok()]
    get = lambda g, m: (time_r if m == "time" else instr_r)[g]  # noqa: E731
    fig, ax = plt.subplots(figsize=(11, 4.2))
    drawn = grouped_bars(ax, groups,
                         [("time", "time (wall clock)", COL["ms"]),
                          ("instr", "instructions executed (callgrind, exact)", COL["gcc"])], get,
                         targets=[("geomean", "time", 1.02, "target: time ≤ 1.02 (geomean)"),
                                  ("geomean", "instr", 1.03, "target: instructions ≤ 1.03"),
                                  ("lua", "time", 1.05, "target: time ≤ 1.05 (Lua)"),
                                  ("lua", "instr", 1.03, "target: instructions ≤ 1.03")],
                         base=1.0, fmt=lambda v: f"{v:.2f}")
    ax.axhline(1.0, color="black", lw=0.8, zorder=0)
    ax.set_ylabel("morestack build ÷ plain build\n(1.0 = no cost; lower is better)")
    title = "1. What the stack checks cost: the same program built with and without morestack (lower is better)"
    caption = [
        "Each program is compiled twice with clang -O2, with the morestack plugin (every function checks on entry "
        "that its frame fits, and calls into other files check before the call) and without it; a bar is the "
        "morestack build's figure divided by the plain build's. time: the program's timed kernel (Lua: the whole "
        "process); instructions: counted under callgrind, deterministic, one count each. fib, bintree, nqueens, "
        "parser, json: small kernels (recursion, malloc-heavy trees, backtracking, a recursive-descent parser, a "
        "C++ JSON parser); objects: C++ objects in every frame; objects-capture: the same with one local per frame "
        "whose address escapes, which morestack keeps on its side stack (a second, non-moving stack). "
        "Lua 5.4: Debian's interpreter, unchanged, running a mixed workload. Bars start at 1.0: up is a cost, "
        "down is faster than plain.",
        runs_note(drawn) + " " + TARGET_NOTE,
    ]
    return fig, title, caption, legend_of([ax]), 3


def plot_growth(plt, S):
    members = [("grow", "morestack: starts at 2 KiB, grows by copying", COL["ms"]),
               ("presized-cold", "same C code, stack allocated at full size (fresh memory)", COL["base"]),
               ("presized-warm", "same, stack memory already touched", COL["base-warm"]),
               ("go", "Go goroutine", COL["go"]),
               ("gcc-split", "gcc -fsplit-stack thread", COL["gcc"])]
    groups = [("1MiB", "recursion using 1 MiB of stack"), ("64MiB", "recursion using 64 MiB of stack")]
    targets = []
    for c, _ in groups:
        cold, go = S("growth", c, "presized-cold"), S("growth", c, "go")
        if cold.ok():
            targets.append((c, "grow", 1.3 * cold.median(), "target: ≤ 1.3× full-size stack, fresh memory"))
        if go.ok():
            targets.append((c, "grow", 0.5 * go.median(), "target: ≤ 0.5× Go"))
    fig, ax = plt.subplots(figsize=(10, 4.4))
    drawn = grouped_bars(ax, groups, members, lambda c, v: S("growth", c, v), scale=1e6, log=True, targets=targets)
    ax.set_ylabel("milliseconds (log scale; lower is better)")
    counts = [S("growth", c, "grow-count") for c, _ in groups]
    grew = (f" ({counts[0].median():.0f} growths to 1 MiB, {counts[1].median():.0f} to 64 MiB)"
            if all(c.ok() for c in counts) else "")
    title = "2. Time for a recursion to use 1 MiB and 64 MiB of a new stack (lower is better)"
    caption = [
        "A new fiber (thread, goroutine) recurses with 112-byte frames until it has used 15/16 of 1 MiB or "
        f"64 MiB. morestack's fiber starts with 2 KiB and, each time the stack is full, copies it to a block "
        f"twice the size{grew}. The same C code on a stack allocated at full size from the start: with fresh "
        "memory (the recursion takes the page faults, as the growing stack does) and with memory touched before "
        "(no page faults: the lower bound). Go's goroutines also grow by copying, but Go keeps freed stack memory, "
        "so its later runs reuse touched memory; gcc's -fsplit-stack links new segments instead of copying.",
        runs_note(drawn) + " " + TARGET_NOTE,
    ]
    return fig, title, caption, legend_of([ax]), 3


def plot_hotsplit(plt, S):
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.6), gridspec_kw={"width_ratios": [3.2, 1]})
    get = lambda g, m: S("hotsplit", "call", {"at": g, "away": {"boundary": "no-boundary",  # noqa: E731
                                                                     "boundary-yield": "no-boundary-yield",
                                                                     "side-boundary-every": "side-no-boundary-every",
                                                                     "side-boundary": "side-no-boundary",
                                                                     "gcc-boundary": "gcc-no-boundary"}[g]}[m])
    groups = [("boundary", "morestack:\ncall at the end\nof the stack"),
              ("boundary-yield", "morestack: same,\nyielding after\neach call"),
              ("side-boundary-every", "side stack: end of\na chunk crossed\nin every call"),
              ("side-boundary", "side stack: end\nof a chunk\ncrossed once"),
              ("gcc-boundary", "gcc -fsplit-stack:\ncall at the end\nof a segment")]
    far, gcc_hot = S("hotsplit", "call", "no-boundary"), S("hotsplit", "call", "gcc-boundary")
    s_far = S("hotsplit", "call", "side-no-boundary-every")
    targets = []
    if far.ok():
        targets.append(("boundary", "at", 1.05 * far.median(), "target: ≤ 1.05× the same call with room"))
    if s_far.ok():
        targets.append(("side-boundary-every", "at", 1.05 * s_far.median(), "target: ≤ 1.05× the same call with room"))
    if gcc_hot.ok():
        targets.append(("boundary", "at", 0.01 * gcc_hot.median(), "target: ≤ 1/100 of gcc's call at the end"))
    tg = Targets()
    drawn = grouped_bars(ax, groups, [("at", "morestack: call at the boundary (the end of the stack or of a chunk)",
                                       {None: COL["ms"], "gcc-boundary": COL["gcc"]}),
                                      ("away", "the same call with room to spare (baseline)", COL["base"])],
                         get, log=True, targets=targets, tg=tg)
    ax.set_ylabel("nanoseconds per call\n(log scale; lower is better)")
    ax.set_title("time per call, 10 M calls in a loop", fontsize=10)
    one = difference(S("hotsplit", "call", "split-once"), S("hotsplit", "call", "nosplit-once"))
    drawn += grouped_bars(ax2, [("one", "one event")],
                          [("ms", "morestack: one growth\n2 → 4 KiB (happens once)", COL["ms"]),
                           ("gcc", "gcc: one call at the end\n(happens on every call)", COL["gcc"])],
                          lambda g, m: one if m == "ms" else gcc_hot, log=True)
    ax2.set_xticks([])
    ax2.set_ylabel("nanoseconds per event (log scale)")
    ax2.set_title("cost of one boundary event", fontsize=10)
    if ax2.get_legend_handles_labels()[0]:
        ax2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), fontsize=8, frameon=False)
    from matplotlib.patches import Patch
    legend = legend_of([ax], [(Patch(color=COL["gcc"]), "gcc -fsplit-stack: call at the end of a segment")])
    title = "3. A call right where the stack runs out, repeated: time per call (lower is better)"
    caption = [
        "A fiber descends until its stack is almost full, then calls a function 10 million times whose frame does "
        "not fit (the boundary); the same loop with room to spare is the baseline. morestack grows the stack once "
        "(2 → 4 KiB, copying it) and the later calls find room, so only the first call pays; gcc -fsplit-stack "
        "allocates and frees a new segment on every such call. \"yielding\": the fiber yields after each call, "
        "which lets morestack shrink the stack back; a backoff limits how often the boundary returns. Side stack: "
        "morestack keeps locals whose address escapes on a second, chunked stack; a chunk's end crossed in every "
        "call costs one runtime call each time, crossed once costs nothing afterwards. Right: the cost of one "
        "growth (2 KiB fibers minus 4 KiB fibers making the call once, 200,000 each) next to one gcc call at a "
        "segment end: what every call would pay if the boundary stayed.",
        runs_note(drawn) + " " + TARGET_NOTE,
    ]
    return fig, title, caption, legend, 2


def plot_memory(plt, S):
    fig, ax = plt.subplots(figsize=(10, 4.4))
    ns = ["10000", "100000", "1000000"]
    drawn = []
    for v, lab, col, mk in [("morestack", "morestack fiber", COL["ms"], "o"),
                            ("morestack-side", "morestack fiber using its side stack", COL["ms-variant"], "s"),
                            ("go", "Go goroutine", COL["go"], "^"),
                            ("boost", "Boost.Context fiber (default 128 KiB stack)", COL["boost"], "D"),
                            ("pthread", "pthread (default stack)", COL["pthread"], "v")]:
        have = [n for n in ns if S("memory", n, v).ok()]
        if not have:
            continue
        ss = [S("memory", n, v) for n in have]
        drawn += ss
        ys = [s.median() / 1024 for s in ss]
        lo, hi = min(ys), max(ys)
        value = f"{lo:.2f} KiB" if f"{lo:.2f}" == f"{hi:.2f}" else f"{lo:.2f}–{hi:.2f} KiB"
        only = "" if len(have) > 1 else f", {int(have[0]):,} tasks only"
        ax.errorbar([int(n) for n in have], ys, yerr=[[(s.median() - s.lo()) / 1024 for s in ss],
                                                      [(s.hi() - s.median()) / 1024 for s in ss]],
                    fmt=mk + "-", color=col, label=f"{lab}: {value}{only}", capsize=3, ms=6)
    ax.axhline(2.3, color=TARGET_COLOR, ls=TARGET_STYLES[0], lw=1.6, label="target for morestack fibers: ≤ 2.3 KiB",
               zorder=0)
    ax.set_xscale("log")
    ax.set_xticks([int(n) for n in ns])
    ax.set_xticklabels([f"{int(n):,}" for n in ns])
    ax.minorticks_off()
    ax.set_xlim(6000, 1.6e6)
    ax.set_ylim(0, None)
    ax.set_xlabel("number of parked tasks (log scale)")
    ax.set_ylabel("KiB of resident memory per task\n(lower is better)")
    ax.grid(axis="y", color="#e6e6e6")
    h, lab = zip(*legend_of([ax]))
    ax.legend(h, lab, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    title = "4. Memory held by each parked task (fiber, goroutine, thread): KiB per task (lower is better)"
    caption = [
        "N tasks are started; each recurses 5 small frames and parks (waits to be resumed). A point is the growth "
        "of the process's resident memory from before the first task to when all are parked, divided by N: the "
        "stack, the control block and anything else a task holds. \"using its side stack\": every frame has a "
        "local whose address escapes, which morestack keeps on a second, non-moving stack (first chunk: 512 "
        "bytes). Boost.Context runs out of memory maps at 1,000,000 tasks and pthreads beyond 10,000, so those "
        "are not measured. The legend gives each line's values.",
        runs_note(drawn, "Points") + " The dashed red line is the target for morestack fibers.",
    ]
    return fig, title, caption, (), 1


def plot_switch(plt, S):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    members = [("morestack", "morestack fiber", COL["ms"]), ("boost", "Boost.Context fiber", COL["boost"]),
               ("go", "Go goroutine", COL["go"])]
    tg = Targets()
    drawn = []
    for ax, c, sub, unit in [(axes[0], "switch", "switch from one fiber to another", "per switch"),
                             (axes[1], "spawn", "create, run and destroy a fiber", "per fiber")]:
        bo, go = S("switch", c, "boost"), S("switch", c, "go")
        targets = []
        if c == "switch" and bo.ok():
            targets.append((c, "morestack", bo.median(), "target: ≤ 1.0× Boost.Context"))
        if c == "spawn" and bo.ok():
            targets.append((c, "morestack", 2.0 * bo.median(), "target: ≤ 2.0× Boost.Context"))
        if c == "spawn" and go.ok():
            targets.append((c, "morestack", go.median(), "target: < 1.0× Go"))
        drawn += grouped_bars(ax, [(c, "")], members, lambda g, m: S("switch", g, m), targets=targets, tg=tg)
        ax.set_xticks([])
        ax.set_title(sub, fontsize=10)
        ax.set_ylabel(f"nanoseconds {unit} (lower is better)")
    title = "5. Switching between fibers and starting one: nanoseconds each (lower is better)"
    caption = [
        "Left: a fiber yields in a loop and is resumed, 5 million times; a resume and a yield are two switches. "
        "Go has no direct switch: two goroutines call runtime.Gosched() in turn on one thread (GOMAXPROCS=1), a "
        "trip through its scheduler. Right: create a fiber whose function adds 1 to a counter, run it to its end, "
        "free it; Go: a `go` statement, in batches of 1,000 waited for with a sync.WaitGroup.",
        runs_note(drawn) + " " + TARGET_NOTE,
    ]
    return fig, title, caption, legend_of(axes), 3


def plot_skynet(plt, S):
    groups = [("1thread", "1 thread (Go: GOMAXPROCS=1)"), ("2thread", "2 threads (Go: GOMAXPROCS=2)")]
    members = [("morestack", "morestack fibers", COL["ms"]),
               ("morestack-leaf-split", "morestack fibers, another version of the program (libc calls moved out "
                                        "of the task's function)", COL["ms-variant"]),
               ("morestack-tasks", "morestack tasks on its scheduler (Go's form)", COL["ms-tasks"]),
               ("go", "Go goroutines and channels", COL["go"])]
    targets = []
    for c, _ in groups:
        go = S("skynet", c, "go")
        if go.ok():
            targets.append((c, "morestack", 0.5 * go.median(), "target for fibers: ≤ 0.5× Go"))
            targets.append((c, "morestack-tasks", 0.15 * go.median(), "target for tasks: ≤ 0.15× Go"))
    fig, ax = plt.subplots(figsize=(10, 4.4))
    drawn = grouped_bars(ax, groups, members, lambda c, v: S("skynet", c, v), scale=1e6, log=True, targets=targets)
    ax.set_ylabel("milliseconds for the whole tree\n(log scale; lower is better)")
    title = "6. Skynet: 1,111,111 tasks in a tree, each summing its 10 children: total time (lower is better)"
    tasks = any(S("skynet", c, "morestack-tasks").ok() for c, _ in groups)
    caption = [
        "Each task creates ten children, runs them and adds up their results; the 1,000,000 leaves return their "
        "number. morestack fibers: a task resumes each child, which runs to its end (no scheduler is needed); with "
        "2 threads each runs five of the root's ten subtrees. The other version is a change to the benchmark's "
        "code, not a setting: the code that calls the C library moved out of the fiber's entry function, shown "
        "for context (it once avoided a stack growth per leaf). "
        + ("Tasks: the program in Go's own form, with channels, on morestack's scheduler (morestack_go, "
           "MORESTACK_WORKERS=1 or 2 worker threads). " if tasks else "")
        + "Go: the original program, goroutines and channels.",
        runs_note(drawn) + " " + TARGET_NOTE,
    ]
    return fig, title, caption, legend_of([ax]), 2


def plot_move(plt, S):
    groups = [(f"{size}-{shape}", f"to {size[:-3]} MiB,\n{what}") for size in ["1MiB", "64MiB"]
              for shape, what in [("doubles", "frames of doubles"), ("pointers", "frames of pointers")]]
    members = [("move", "morestack: move the stack (copy, fix pointers)", COL["ms"]),
               ("memcpy-fresh", "memcpy of the same bytes to fresh memory", COL["base"]),
               ("memcpy-warm", "memcpy to memory touched before (copy alone)", COL["base-warm"])]
    targets = [(c, "move", 2.0 * S("move", c, "memcpy-fresh").median(), "target: ≤ 2× memcpy to fresh memory")
               for c, _ in groups if S("move", c, "memcpy-fresh").ok()]
    fig, ax = plt.subplots(figsize=(10, 4.4))
    drawn = grouped_bars(ax, groups, members, lambda c, v: S("move", c, v), scale=1e3, log=True, targets=targets)
    ax.set_ylabel("microseconds per growth\n(log scale; lower is better)")
    title = "7. Moving a stack to a bigger block, against copying the same bytes with memcpy (lower is better)"
    caption = [
        "When a fiber's stack is full, morestack moves it: it takes a block twice the size, copies the used part "
        "and rewrites every pointer into the old block, using the compiler's stack maps to skip words known to "
        "hold no pointer; then frees the old block. A fresh fiber grows from 2 KiB to 1 MiB or 64 MiB with frames "
        "holding 64 doubles (the maps prove them pointer-free) or 64 pointers (these arrays live on the side "
        "stack, a second, non-moving stack, so only small frames move). The memcpy bars copy the same sequence of "
        "sizes into freshly mapped memory (page faults included, as for a move) and into a buffer touched "
        "beforehand (the copy alone). Per growth: the total over all the growths divided by their number, so the "
        "last, largest copies dominate.",
        runs_note(drawn) + " " + TARGET_NOTE,
    ]
    return fig, title, caption, legend_of([ax]), 2


def plot_pingpong(plt, S):
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.4), gridspec_kw={"width_ratios": [1.6, 1]})
    members = [("policy", "morestack's policy: starts at 2 KiB, grows, shrinks with a backoff", COL["ms"]),
               ("presized", "fiber created with 64 KiB: never moves", COL["base"]),
               ("naive-boundary", "no backoff: shrinks every cycle, 32 KiB fiber", COL["go"]),
               ("naive", "no backoff: shrinks every cycle, 2 KiB fiber", COL["gcc"])]
    pre = S("pingpong", "cycle", "presized")
    tg = Targets()
    drawn = grouped_bars(ax, [("cycle", "")], members, lambda g, m: S("pingpong", "cycle", m), log=True, tg=tg,
                         targets=[("cycle", "policy", 1.1 * pre.median() if pre.ok() else None,
                                   "target: ≤ 1.1× the 64 KiB fiber")])
    ax.set_xticks([])
    ax.set_ylabel("nanoseconds per cycle\n(log scale; lower is better)")
    ax.set_title("time per deep-and-back cycle", fontsize=10)
    cyc = S("pingpong", "moves", "cycles")
    n = cyc.median() if cyc.ok() else None
    after = S("pingpong", "moves", "policy-after-first")
    per = {"policy": Series({r: v / n for r, v in after.by_run.items()}) if n else Series({}),
           "naive-boundary": S("pingpong", "moves", "naive-boundary-per-cycle"),
           "naive": S("pingpong", "moves", "naive-per-cycle")}
    drawn += grouped_bars(ax2, [("moves", "")], [m for m in members if m[0] in per],
                          lambda g, m: per[m], log=True, tg=tg,
                          targets=[("moves", "policy", 2 * math.log2(n) / n if n else None,
                                    "target: ≤ 2·log2(cycles) moves after the first cycle")])
    ax2.set_xticks([])
    ax2.set_ylabel("stack moves per cycle\n(growths + shrinks; log scale)")
    ax2.set_title("how often the stack moves", fontsize=10)
    moved = f" (here {after.median():.0f} moves in {n:,.0f} cycles)" if n and after.ok() else ""
    title = "8. A fiber going deep and back again and again: does its stack keep moving? (lower is better)"
    caption = [
        "A fiber recurses about 40 KiB deep (so it needs a 64 KiB stack), returns and yields at the top; it is "
        "resumed again, 100,000 cycles (10,000 for the two without a backoff). At a yield morestack halves a stack that is less than a quarter used, but "
        "only after a number of quiet yields that doubles every time the stack has to grow again (the backoff), "
        f"so the moves stop after a few cycles{moved}; right, its moves after the first cycle (which must grow "
        f"2 → 64 KiB anyway) per cycle. Without a backoff (morestack_shrink_stack() at the top of "
        "every cycle) the stack shrinks and grows back in every cycle: 2 moves per cycle for a 32 KiB fiber, more "
        "from 2 KiB. The fiber created with 64 KiB cannot shrink below that: the baseline.",
        runs_note(drawn) + " " + TARGET_NOTE,
    ]
    return fig, title, caption, legend_of([ax, ax2]), 2


def plot_chanping(plt, S):
    groups = [("1thread", "1 worker thread\n(Go: GOMAXPROCS=1)"), ("2thread", "2 worker threads\n(Go: GOMAXPROCS=2)")]
    members = [("morestack", "morestack tasks and channels", COL["ms-tasks"]),
               ("go", "Go goroutines and channels", COL["go"])]
    targets = [(c, "morestack", S("chanping", c, "go").median(), "target: ≤ 1.0× Go")
               for c, _ in groups if S("chanping", c, "go").ok()]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    drawn = grouped_bars(ax, groups, members, lambda c, v: S("chanping", c, v), targets=targets)
    ax.set_ylabel("nanoseconds per round trip\n(lower is better)")
    title = "13. Channel ping-pong between two tasks: time per round trip (lower is better)"
    caption = [
        "Two tasks send a number back and forth over two unbuffered channels (a send waits for the receiver), "
        "200,000 round trips; each round trip parks and wakes each task once. morestack: tasks started with "
        "morestack_go on its scheduler, MORESTACK_WORKERS worker threads; Go: two goroutines with GOMAXPROCS set "
        "the same.",
        runs_note(drawn) + " " + TARGET_NOTE,
    ]
    return fig, title, caption, legend_of([ax]), 3



def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--machine", default=None)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-plots", action="store_true")
    args = ap.parse_args()
    try:
        data, units = load(args.raw)
    except (BadResult, OSError) as e:
        raise SystemExit(f"report.py: {e}")
    machine = open(args.machine).read() if args.machine and os.path.exists(args.machine) else ""
    rows = build_rows(data, units)
    os.makedirs(args.out, exist_ok=True)
    write_table(rows, machine, args.out, data)
    if not args.no_plots:
        plot_all(data, args.out)


if __name__ == "__main__":
    main()
