# test/e2e/Inputs/gdb_cfi_check.py: a gdb command for the CFI tests
# (gdb-cfi.c). Stopped at the first instruction of a runtime routine,
#     cfi-check [-no-return] ROUTINE [ROUTINE...]
# single-steps through it (the named symbols are "inside"; a call out of
# them is checked at the callee's first instruction and then run to its
# return, or the check ends there with -no-return) and asks gdb for the backtrace at every instruction. The
# backtrace must end at main or at a fiber's base (__morestack_fiber_base)
# with every frame named. Prints one line per failure and a summary:
#     cfi-check: 84 instructions, 2 callees, 0 bad backtraces
import gdb


def _range(name):
    start = int(gdb.parse_and_eval("(unsigned long)&'%s'" % name))
    # Its end: the last instruction gdb disassembles as part of it.
    lines = gdb.execute("disassemble '%s'" % name, to_string=True).splitlines()
    addrs = [int(l.split()[0] if not l.startswith("=>") else l.split()[1], 16)
             for l in lines if l.strip().startswith(("0x", "=> 0x"))]
    return start, max(addrs) + 16 if addrs else start + 1


def _backtrace_ok():
    frame = gdb.newest_frame()
    names = []
    outermost = None
    while frame is not None and len(names) < 400:
        names.append(frame.name())
        outermost = frame
        frame = frame.older()
    if None in names:
        return False, names
    # It must end where a stack starts (a fiber's base, or _start under
    # main), not where gdb gave up; or at main (gdb's `backtrace past-main`).
    if names[-1] == "main":
        return True, names
    complete = outermost.unwind_stop_reason() == gdb.FRAME_UNWIND_OUTERMOST
    return complete and names[-1] in ("__morestack_fiber_base", "_start"), names


class CfiCheck(gdb.Command):
    def __init__(self):
        super(CfiCheck, self).__init__("cfi-check", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        names = arg.split()
        no_return = "-no-return" in names  # the callee never returns (a fiber's function)
        ranges = [_range(n) for n in names if n != "-no-return"]
        inside = lambda pc: any(lo <= pc < hi for lo, hi in ranges)
        steps = callees = bad = 0
        pc = int(gdb.newest_frame().pc())
        while inside(pc) and steps < 5000:
            ok, names = _backtrace_ok()
            steps += 1
            if not ok:
                bad += 1
                print("cfi-check: bad backtrace at %#x: %s" % (pc, names))
            gdb.execute("stepi", to_string=True)
            new_pc = int(gdb.newest_frame().pc())
            if not inside(new_pc):
                insn = gdb.newest_frame().architecture().disassemble(pc)[0]
                if insn["asm"].startswith("call"):
                    callees += 1
                    ok, names = _backtrace_ok()
                    if not ok:
                        bad += 1
                        print("cfi-check: bad backtrace in the callee at %#x: %s" % (new_pc, names))
                    else:
                        print("cfi-check: in callee %s: %s" % (names[0], " <- ".join(names[1:5])))
                    if no_return:
                        break
                    ret = pc + insn["length"]
                    gdb.Breakpoint("*%#x" % ret, temporary=True, internal=True)
                    gdb.execute("continue", to_string=True)
                    new_pc = int(gdb.newest_frame().pc())
            pc = new_pc
        print("cfi-check: %d instructions, %d callees, %d bad backtraces" % (steps, callees, bad))


CfiCheck()
