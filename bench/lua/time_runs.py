#!/usr/bin/env python3
"""bench/lua/time_runs.py: time the Lua workload, interleaved (bench/real_program.sh, step 4).

    time_runs.py --runs R --reps K --raw FILE --log FILE -- NAME ENV BINARY ARGS... [--- NAME ENV BINARY ARGS...]

ENV is "" or VAR=value[,VAR=value]. For each of the R runs, every variant
runs K times in turn (a, b, c, a, b, c, ...); the run's figure is the
median of its K processes, measured from spawn to exit:
  time  wall-clock (perf_counter_ns)
  cpu   user + system time of the process (wait4's rusage), which leaves out
        the time it waited for a core (the machine is shared)
Records go to FILE ({"bench":"real-lua","case":"time"|"cpu",...,"run":r});
each process's figures to the log.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--reps", type=int, required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--log", required=True)
    a = ap.parse_args(argv[:split])
    variants, cur = [], []
    for tok in argv[split + 1:] + ["---"]:
        if tok == "---":
            if cur:
                variants.append(cur)
            cur = []
        else:
            cur.append(tok)
    with open(a.raw, "a") as raw, open(a.log, "a") as log:
        for r in range(1, a.runs + 1):
            wall, cpu = {}, {}
            for _ in range(a.reps):
                for name, envs, *cmd in variants:
                    env = dict(os.environ)
                    for kv in filter(None, envs.split(",")):
                        k, v = kv.split("=", 1)
                        env[k] = v
                    t0 = time.perf_counter_ns()
                    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
                    _, status, ru = os.wait4(p.pid, 0)
                    t1 = time.perf_counter_ns()
                    p.returncode = os.waitstatus_to_exitcode(status)
                    if p.returncode != 0:
                        sys.exit(f"time_runs.py: {name} exited with {p.returncode} in run {r}")
                    wall.setdefault(name, []).append(t1 - t0)
                    cpu.setdefault(name, []).append(round((ru.ru_utime + ru.ru_stime) * 1e9))
            for name, *_ in variants:
                for case, d in (("time", wall), ("cpu", cpu)):
                    med = statistics.median(d[name])
                    log.write(f"real program: run {r} {name} {case}: {' '.join(map(str, d[name]))} ns (median {med:.0f})\n")
                    raw.write(json.dumps({"bench": "real-lua", "case": case, "variant": name, "value": med,
                                          "unit": "ns", "run": r}) + "\n")


if __name__ == "__main__":
    main()
