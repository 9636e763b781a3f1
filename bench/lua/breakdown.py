#!/usr/bin/env python3
"""bench/lua/breakdown.py: where the morestack build of Lua executes the
instructions the plain build does not (bench/real_program.sh, step 6).

Reads callgrind profiles made with --dump-instr=yes (self instructions per
address) and the binaries' disassembly (objdump), and sorts every executed
instruction of the executable into what morestack added:

  prologue   the stack check at function entry: cmp %fs:0x70,%rsp ; jbe
             (or lea -N(%rsp),%r11 ; cmp %fs:0x70,%r11 ; jbe for large frames)
  callsite   the call-site checks: before a call through a pointer (16 KiB:
             `mov %rsp` ; `add $-0x4000` ; `cmp %fs:0x70` ; `jbe`), and before
             calls to functions of other translation units: the link-time need marker (an immediate
             `mov $<callee>.morestack_need,%eXX`, or its copy spilled to
             the frame and reloaded), `sub $1`, `mov $0x4000`, `cmov`,
             `cmp $0x301`, `jb`, and the slow test (`mov %rsp` ; `sub` ;
             `cmp %fs:0x70` ; `jbe`) when a need exceeds the budget
  side       side-stack frames: every access to %fs:0x60 / %fs:0x68 (side
             pointer and limit) and the room test between them
  runtime    the runtime's own functions (__morestack*, morestack::*,
             setjmp/longjmp interposition)
  other      everything else; its difference from the plain build is what
             code generation did differently (more callee-saved registers
             pushed and popped, spills, other register allocation)

The patterns are those of the plugin at the time of writing (x86-64
disassembly); if the plugin changes its code, instructions it no longer
matches fall into `other`.

    breakdown.py --plain lua.plain CG.plain --morestack lua.morestack CG.morestack \
                 [--no-call-site lua.no-call-site CG.no-call-site] [--json] [--top N]
"""
import argparse
import collections
import json
import re
import subprocess

RUNTIME = re.compile(r"^(__morestack(?!_on_system\.)|_ZN9morestack|morestack_|_longjmp$|longjmp$)")


def parse_callgrind(path, objname):
    """Self instructions per address of the object whose path ends with objname."""
    names, counts = {}, collections.Counter()
    cur_ob, last, skip = None, [0, 0], False

    def sub(tok, i):
        if tok == "*":
            return last[i]
        if tok[0] in "+-":
            return last[i] + int(tok, 0)
        return int(tok, 0)

    with open(path) as f:
        for line in f:
            c = line[:1]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                a, ln = sub(parts[0], 0), sub(parts[1], 1)
                last[0], last[1] = a, ln
                if skip:  # the inclusive cost of a call, not self
                    skip = False
                elif cur_ob and cur_ob.endswith(objname):
                    counts[a] += int(parts[2]) if len(parts) > 2 else 0
                continue
            if line.startswith("calls="):
                skip = True
                continue
            m = re.match(r"^(ob|cob)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
            if m:
                if m.group(3) is not None:
                    names[m.group(2)] = m.group(3)
                if m.group(1) == "ob":
                    cur_ob = names.get(m.group(2))
    total = 0
    with open(path) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                total = int(line.split()[1])
                break
    return counts, total


def disassemble(binary):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", binary], capture_output=True, text=True,
                         check=True).stdout
    insns, func = [], None
    for line in out.splitlines():
        m = re.match(r"^([0-9a-f]+) <(.*)>:$", line)
        if m:
            func = m.group(2)
            continue
        m = re.match(r"^\s+([0-9a-f]+):\s+(.*)$", line)
        if m and func:
            insns.append((int(m.group(1), 16), func, re.sub(r"\s+", " ", m.group(2).strip())))
    return insns


NEED_LOAD = re.compile(r"^(mov \$0x[0-9a-f]+,%e\w\w|mov %e\w\w,%e\w\w|mov -?0x[0-9a-f]+\(%r[bs]p\),%r\w+)$")


def classify(insns):
    cat = {}
    starts = [i for i in range(len(insns)) if i == 0 or insns[i][1] != insns[i - 1][1]]
    for i, (_, f, _) in enumerate(insns):
        if RUNTIME.match(f):
            cat[i] = "runtime"
    for i in starts:
        t = [insns[k][2] for k in range(i, min(i + 3, len(insns)))]
        if len(t) == 3 and re.match(r"lea -0x[0-9a-f]+\(%rsp\),%r11", t[0]) and "%fs:0x70" in t[1]:
            cat[i] = cat[i + 1] = cat[i + 2] = "prologue"
        elif t and t[0] == "cmp %fs:0x70,%rsp":
            cat[i] = cat[i + 1] = "prologue"
    for i, (_, _, t) in enumerate(insns):
        if cat.get(i) == "runtime":
            continue
        if re.match(r"cmp \$0x301,%r\w+$", t):
            cat[i] = "callsite"
            if insns[i + 1][2].startswith("jb "):
                cat[i + 1] = "callsite"
            for k in range(i - 1, max(i - 8, 0), -1):
                tk = insns[k][2]
                if tk.startswith(("call", "jmp", "ret", "j")):
                    break
                if re.match(r"(sub \$0x1,%r|mov \$0x4000,%e|cmov)", tk) or NEED_LOAD.match(tk):
                    cat.setdefault(k, "callsite")
            j = i + 2
            if j < len(insns) and insns[j][2].startswith("nop"):
                cat[j] = "callsite"
                j += 1
            if j + 3 < len(insns) and insns[j][2].startswith("mov %rsp,") and "%fs:0x70" in insns[j + 2][2]:
                for k in range(j, j + 4):
                    cat[k] = "callsite"
        # calls through a pointer: mov %rsp,%rX ; add $-0x4000,%rX ; cmp %fs:0x70,%rX ; jbe
        # (and the slow test of a direct call's check, already marked)
        m = re.match(r"cmp %fs:0x70,%(r\w+)$", t)
        if m and m.group(1) not in ("rsp", "r11") and i not in cat:
            cat[i] = "callsite"
            if insns[i + 1][2].startswith("jbe "):
                cat[i + 1] = "callsite"
            reg = m.group(1)
            for k in range(i - 1, max(i - 8, 0), -1):
                tk = insns[k][2]
                if tk.startswith(("call", "j", "ret")):
                    break
                if tk in (f"mov %rsp,%{reg}", f"add $0xffffffffffffc000,%{reg}", f"lea -0x4000(%rsp),%{reg}") or \
                        re.match(rf"sub %r\w+,%{reg}$", tk):
                    cat.setdefault(k, "callsite")
        # need markers materialised ahead of time (hoisted out of a loop)
        # and spilled: mov $0x1,%eXX ; mov %eXX,%eXX [; mov %rXX,slot]
        m = re.match(r"mov \$0x1,%(e\w\w)$", t)
        if m and i + 2 < len(insns) and insns[i + 1][2] == f"mov %{m.group(1)},%{m.group(1)}":
            cat[i] = cat[i + 1] = "callsite"
            if re.match(r"mov %r\w\w,-?0x[0-9a-f]+\(%r[bs]p\)$", insns[i + 2][2]):
                cat[i + 2] = "callsite"
    for i, (_, _, t) in enumerate(insns):
        if cat.get(i) == "runtime":
            continue
        if "%fs:0x60" in t or "%fs:0x68" in t:
            cat[i] = "side"
            if t.startswith("mov %fs:0x68,"):
                for k in range(i + 1, min(i + 7, len(insns))):
                    tk = insns[k][2]
                    if "%fs:0x60" in tk:
                        break
                    if re.match(r"(mov %r\w+,%r\w+|mov %r\w+,-?0x[0-9a-f]+\(%r[bs]p\)|sub %r|cmp \$0x|jbe|lea -?0x[0-9a-f]+\(%r)",
                                tk):
                        cat.setdefault(k, "side")
    return cat


def breakdown(binary, cgfile):
    counts, total = parse_callgrind(cgfile, binary.split("/")[-1])
    insns = disassemble(binary)
    cat = classify(insns)
    index = {a: i for i, (a, _, _) in enumerate(insns)}
    tot, byf = collections.Counter(), collections.defaultdict(collections.Counter)
    for a, n in counts.items():
        i = index.get(a)
        c, f = ("other", "?") if i is None else (cat.get(i, "other"), insns[i][1])
        tot[c] += n
        byf[f][c] += n
    exe = sum(tot.values())
    tot["libraries"] = total - exe  # libc, libm, the dynamic loader
    return total, tot, byf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plain", nargs=2, required=True, metavar=("BINARY", "CALLGRIND"))
    ap.add_argument("--morestack", nargs=2, required=True, metavar=("BINARY", "CALLGRIND"))
    ap.add_argument("--no-call-site", nargs=2, metavar=("BINARY", "CALLGRIND"))
    ap.add_argument("--json", action="store_true", help="records for raw.jsonl (bench real-lua, case breakdown)")
    ap.add_argument("--top", type=int, default=15)
    a = ap.parse_args()
    pt, pc, pf = breakdown(*a.plain)
    mt, mc, mf = breakdown(*a.morestack)
    other = mc["other"] - pc["other"]
    indirect = None
    if a.no_call_site:
        nt, nc, _ = breakdown(*a.no_call_site)
        # What the call-site checks cost besides their own instructions
        # (spills, register pressure): the rest of the difference they make,
        # which the classification found among `other`.
        indirect = (mt - nt) - mc["callsite"]
        other -= indirect
    rows = [("prologue", mc["prologue"]), ("callsite", mc["callsite"])]
    if indirect is not None:
        rows.append(("callsite-indirect", indirect))
    rows += [("side", mc["side"]), ("runtime", mc["runtime"]), ("other", other),
             ("libraries", mc["libraries"] - pc["libraries"])]
    if a.json:
        for k, v in rows:
            print(json.dumps({"bench": "real-lua", "case": "breakdown", "variant": k, "value": v,
                              "unit": "instructions", "run": 1}))
        return
    print(f"whole process: plain {pt:,}  morestack {mt:,}  ratio {mt / pt:.4f}  (+{mt - pt:,})")
    if a.no_call_site:
        print(f"without call-site checks (-mllvm -morestack-call-site-reserve=false): {nt:,}  ratio {nt / pt:.4f}")
    print("\nextra instructions of the morestack build, by cause (share of the plain build's total):")
    for k, v in rows:
        print(f"  {k:18s} {v:14,d}  {100 * v / pt:+6.2f} %")
    print(f"  {'sum':18s} {sum(v for _, v in rows):14,d}  {100 * sum(v for _, v in rows) / pt:+6.2f} %")
    print(f"\nfunctions with the most added instructions (self; 'other' = morestack's minus plain's):")
    fs = sorted(set(mf) | set(pf), key=lambda f: -(sum(mf[f].values()) - sum(pf[f].values())))
    print(f"  {'function':34s} {'plain':>12s} {'morestack':>12s} {'prologue':>10s} {'callsite':>10s} {'side':>10s} {'other':>10s}")
    for f in fs[:a.top]:
        p, m = sum(pf[f].values()), sum(mf[f].values())
        print(f"  {f[:34]:34s} {p:12,d} {m:12,d} {mf[f]['prologue']:10,d} {mf[f]['callsite']:10,d} "
              f"{mf[f]['side']:10,d} {mf[f]['other'] - pf[f]['other']:+10,d}")


if __name__ == "__main__":
    main()
