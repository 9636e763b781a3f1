# gdb/morestack-gdb.py: gdb support for programs built with morestack.
#
# Loaded automatically from the program (runtime/gdb_script.S embeds this
# file) when the program is in gdb's auto-load safe-path, or by hand:
#     (gdb) source /path/to/share/morestack/gdb/morestack-gdb.py
#
# Commands:
#   info fibers            every live fiber: number, state, stack size and use,
#                          its function, and where it is parked
#   fiber bt N [ARGS]      backtrace of fiber N (ARGS as for bt: full, -N, ...)
#   fiber N COMMAND        any command with fiber N's registers in place
#                          (fiber 3 info frame, fiber 3 frame 2 ...)
#   info stacks            each thread's current stack: size, use, limit
#
# And, because stacks move (a move copies a whole stack to a bigger block):
#   - `finish`, `next` and `step` over a call during which the stack moved
#     stop where they would have (gdb's own breakpoint for them waits for a
#     frame at the old address and never fires);
#   - a (hardware) watchpoint on a local of a moving stack follows the local
#     to its new address (gdb would delete it: its frame no longer exists
#     there); the program stops at the move to replace it, with a message.
# Both work from a breakpoint on __morestack_stack_moved, which the runtime
# calls after every move with the old and the new block (runtime/debugger.h).
#
# The script reads the runtime's structures through the offsets in
# __morestack_debug_layout, so it needs no debug information for the runtime.
# docs/debugging.md describes it all.

import gdb

_LAYOUT_VERSION = 2
_L = dict(version=0, shards=1, shard_size=2, shard_head=3, fiber_next=4, fiber_stack=5,
          fiber_state=6, fiber_fn=7, fiber_arg=8, fiber_magic=9, magic=10, fiber_side_bytes=11,
          stack_lo=12, stack_hi=13, stack_saved_sp=14, stack_id=15, stack_kind=16,
          stack_range_lo=17, stack_initial=18, stack_growths=19, stack_shrinks=20,
          stack_peak=21, thread_current=22, thread_os_sp=23, switch_rbp=24, switch_ra=25,
          switch_resume=26, switch_r15=27, switch_r14=28, switch_r13=29, switch_r12=30,
          switch_rbx=31)
_STATES = {0: "not started", 1: "running", 2: "suspended", 3: "finished"}
_KINDS = {0: "main", 1: "thread", 2: "fiber", 3: "signal handler stack"}
# Functions of the runtime between a parked fiber's own frames and its switch.
_RUNTIME_PREFIXES = ("morestack_fiber_", "morestack::switch_to_resumer", "__morestack",
                     "morestack::this_fiber::yield", "morestack::Fiber::")


class MorestackError(gdb.GdbError):
    pass


def _inferior():
    return gdb.selected_inferior()


def _word(addr, size=8):
    data = _inferior().read_memory(addr, size).tobytes()
    return int.from_bytes(data, "little")


def _address_of(name):
    """Address of a global symbol of the program, or None."""
    try:
        return int(gdb.parse_and_eval("(unsigned long)&'%s'" % name))
    except gdb.error:
        return None


def _layout():
    base = _address_of("__morestack_debug_layout")
    if base is None:
        raise MorestackError("morestack: this program has no morestack runtime "
                             "(no __morestack_debug_layout)")
    version = _word(base)
    if version != _LAYOUT_VERSION:
        raise MorestackError("morestack: the runtime's layout is version %d, this script "
                             "reads version %d: use the script of the same morestack "
                             "(runtime/gdb_script.S embeds it)" % (version, _LAYOUT_VERSION))
    words = {}
    for key, index in _L.items():
        words[key] = _word(base + 8 * index)
    return words


def _size(n):
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            value = n / scale
            return ("%d %s" % (value, unit)) if value == int(value) else ("%.1f %s" % (value, unit))
    return "%d B" % n


def _function_at(pc):
    """(function name, "file:line" or None) for a code address."""
    name = None
    try:
        block = gdb.block_for_pc(pc)
        while block is not None and block.function is None:
            block = block.superblock
        if block is not None:
            name = block.function.print_name
    except RuntimeError:
        pass
    if name is None:
        text = gdb.execute("info symbol %#x" % pc, to_string=True)
        if not text.startswith("No symbol"):
            name = text.split(" in section")[0].split(" + ")[0].strip()
    sal = gdb.find_pc_line(pc)
    where = None
    if sal.symtab is not None and sal.line:
        where = "%s:%d" % (sal.symtab.filename, sal.line)
    return name or ("%#x" % pc), where


class Fiber(object):
    def __init__(self, layout, addr):
        L = layout
        self.addr = addr
        stack = addr + L["fiber_stack"]
        self.state = _word(addr + L["fiber_state"], 1)
        self.fn = _word(addr + L["fiber_fn"])
        self.arg = _word(addr + L["fiber_arg"])
        self.lo = _word(stack + L["stack_lo"])
        self.hi = _word(stack + L["stack_hi"])
        self.saved_sp = _word(stack + L["stack_saved_sp"])
        self.id = _word(stack + L["stack_id"])
        self.growths = _word(stack + L["stack_growths"])
        self.peak = _word(stack + L["stack_peak"])
        self.in_place = _word(stack + L["stack_range_lo"]) != 0
        self.side_bytes = _word(addr + L["fiber_side_bytes"])
        self.magic_ok = _word(addr + L["fiber_magic"]) == L["magic"]
        self.switch_offsets = {r: L["switch_" + r] for r in ("r15", "r14", "r13", "r12", "rbx",
                                                             "rbp")}
        self.switch_resume = L["switch_resume"]

    def switch_registers(self):
        """The registers of the parked stack as __morestack_switch has them
        when it starts resuming it: %rsp at the switch frame (frames.h:
        mxcsr, r15 r14 r13 r12 rbx rbp, return address), whose CFI tells gdb
        where the rest is."""
        sp = self.saved_sp
        regs = {r: _word(sp + off) for r, off in self.switch_offsets.items()}
        regs.update(rip=self.switch_resume, rsp=sp)
        return regs


def _fibers():
    L = _layout()
    shards = _address_of("__morestack_fibers")
    result = []
    seen = set()
    for i in range(L["shards"]):
        f = _word(shards + i * L["shard_size"] + L["shard_head"])
        while f and f not in seen and len(seen) < 10000000:
            seen.add(f)
            result.append(Fiber(L, f))
            f = _word(f + L["fiber_next"])
    result.sort(key=lambda fiber: fiber.id)
    return result


def _thread_sps():
    """[(thread, its stack pointer)] for every thread, the selected one kept."""
    selected = gdb.selected_thread()
    result = []
    try:
        for thread in _inferior().threads():
            if not thread.is_valid():
                continue
            thread.switch()
            result.append((thread, int(gdb.newest_frame().read_register("rsp"))))
    finally:
        if selected is not None and selected.is_valid():
            selected.switch()
    return result


_REGISTERS = ("rip", "rsp", "rbp", "rbx", "r12", "r13", "r14", "r15")


class _RegistersOf(object):
    """Within `with`: the selected thread's frame 0 has a parked stack's
    registers (how Go's runtime-gdb.py shows goroutines). They are put back
    afterwards, and the frame selected before is selected again."""

    def __init__(self, registers):
        self.registers = registers

    def __enter__(self):
        self.selected_level = gdb.selected_frame().level()
        gdb.newest_frame().select()
        self.saved = {r: int(gdb.parse_and_eval("(unsigned long)$%s" % r)) for r in _REGISTERS}
        try:
            for r in _REGISTERS:
                gdb.execute("set var $%s = %d" % (r, self.registers[r]), to_string=True)
        except gdb.error as e:
            self._restore()
            raise MorestackError("morestack: cannot set the registers to show a parked fiber "
                                 "(%s); a core file cannot be changed" % e)
        return self

    def _restore(self):
        gdb.newest_frame().select()
        for r in reversed(_REGISTERS):
            gdb.execute("set var $%s = %d" % (r, self.saved[r]), to_string=True)

    def __exit__(self, *exc):
        self._restore()
        frame = gdb.newest_frame()
        for _ in range(self.selected_level):
            if frame.older() is None:
                break
            frame = frame.older()
        frame.select()
        return False


def _is_runtime(name):
    return name is not None and name.startswith(_RUNTIME_PREFIXES)


def _parked_at(fiber):
    """Where a suspended fiber's own code stopped: its innermost frame
    outside the runtime, as "function (file:line)"."""
    with _RegistersOf(fiber.switch_registers()):
        frame = gdb.newest_frame()
        depth = 0
        while frame is not None and depth < 16:
            name = frame.name()
            if not _is_runtime(name):
                sal = frame.find_sal()
                if sal.symtab is not None and sal.line:
                    return "%s (%s:%d)" % (name, sal.symtab.filename, sal.line)
                return "%s" % (name or "%#x" % frame.pc())
            frame = frame.older()
            depth += 1
    return "?"


def _find_fiber(number):
    for fiber in _fibers():
        if fiber.id == number:
            return fiber
    raise MorestackError("morestack: no live fiber %d (info fibers lists them)" % number)


def _running_thread(fiber, sps=None):
    for thread, sp in (sps if sps is not None else _thread_sps()):
        if fiber.lo <= sp < fiber.hi:
            return thread
    return None


class InfoFibers(gdb.Command):
    """List every live fiber of the program (created and not yet destroyed).

Columns: the fiber's number (as in morestack's messages), its state, the size
of its stack now, how much of it is in use (up to where it is parked), the
largest size it reached, the function it runs, and where it is: the thread
running it, or the innermost function of its own that it is parked in.
A "*" marks the fiber the selected thread is running.
Use "fiber bt N" for the backtrace of fiber N."""

    def __init__(self):
        super(InfoFibers, self).__init__("info fibers", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        fibers = _fibers()
        if not fibers:
            print("No fibers.")
            return
        sps = _thread_sps()
        selected = gdb.selected_thread()
        rows = [("", "Id", "State", "Stack", "Used", "Peak", "Function", "Where")]
        for f in fibers:
            mark = ""
            used = "-"
            thread = _running_thread(f, sps) if f.state == 1 else None
            if thread is not None:
                sp = dict((t.num, s) for t, s in sps)[thread.num]
                used = _size(f.hi - sp)
                where = "running on thread %d" % thread.num
                if selected is not None and thread.num == selected.num:
                    mark = "*"
            elif f.state in (1, 2) and f.saved_sp:
                used = _size(f.hi - f.saved_sp)
                try:
                    where = _parked_at(f)
                except gdb.GdbError:  # a core file: registers cannot be set
                    where = "?"
                if f.state == 1:
                    where = "resuming another fiber, in " + where
            elif f.state == 0:
                where = "-"
            else:
                where = "-"
            size = _size(f.hi - f.lo) if f.hi else "-"
            if f.in_place:
                size += " (in place)"
            rows.append((mark, str(f.id), _STATES.get(f.state, "?"), size, used,
                         _size(f.peak), _function_at(f.fn)[0], where))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
        for r in rows:
            print(" ".join(c.ljust(w) for c, w in zip(r, widths)) + " " + r[-1])


class FiberCommand(gdb.Command):
    """Show a fiber's stack: "fiber bt N [BT-ARGS]" prints its backtrace,
"fiber N COMMAND" runs any gdb command with the fiber's registers in place
(fiber 3 info frame; fiber 3 frame 1; fiber 3 info locals). The registers of
the selected thread are put back afterwards. N is the number "info fibers"
shows. A running fiber is shown on the thread running it."""

    def __init__(self):
        super(FiberCommand, self).__init__("fiber", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        words = arg.split()
        if len(words) >= 2 and words[0] in ("bt", "backtrace", "where"):
            number, command = words[1], " ".join([words[0]] + words[2:])
        elif len(words) >= 1:
            number, command = words[0], " ".join(words[1:]) or "bt"
        else:
            raise MorestackError("usage: fiber bt N [ARGS], or fiber N COMMAND")
        try:
            fiber = _find_fiber(int(number, 0))
        except ValueError:
            raise MorestackError("morestack: %r is not a fiber number" % number)
        if fiber.state == 0:
            print("Fiber %d has not started: it will run %s." % (fiber.id, _function_at(fiber.fn)[0]))
            return
        if fiber.state == 3:
            print("Fiber %d has finished (its stack is gone)." % fiber.id)
            return
        thread = _running_thread(fiber) if fiber.state == 1 else None
        if thread is not None:
            previous = gdb.selected_thread()
            print("Fiber %d is running on thread %d." % (fiber.id, thread.num))
            thread.switch()
            try:
                gdb.execute(command, from_tty)
            finally:
                previous.switch()
            return
        with _RegistersOf(fiber.switch_registers()):
            gdb.execute(command, from_tty)


class InfoStacks(gdb.Command):
    """Each thread's current morestack stack: what it is (main, thread, fiber),
its block, its size, how much is in use, its peak, how often it grew, and the
limit (MORESTACK_MAX_STACK). Stacks past 256 KiB grow in place."""

    def __init__(self):
        super(InfoStacks, self).__init__("info stacks", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        L = _layout()
        limit = None
        try:  # needs the runtime's debug information
            limit = int(gdb.parse_and_eval("morestack::config.max_stack"))
        except gdb.error:
            pass
        selected = gdb.selected_thread()
        try:
            for thread in _inferior().threads():
                thread.switch()
                sp = int(gdb.newest_frame().read_register("rsp"))
                try:
                    state = int(gdb.parse_and_eval("(unsigned long)&'__morestack_thread'"))
                except gdb.error as e:
                    print("thread %d: cannot read its thread-local state (%s)" % (thread.num, e))
                    continue
                stack = _word(state + L["thread_current"])
                if not stack:
                    print("thread %d: on its own (system) stack, not a morestack stack" % thread.num)
                    continue
                lo, hi = _word(stack + L["stack_lo"]), _word(stack + L["stack_hi"])
                kind = _KINDS.get(_word(stack + L["stack_kind"], 1), "?")
                ident = _word(stack + L["stack_id"])
                used = hi - sp if lo <= sp < hi else None
                line = "thread %d: %s%s, [%#x, %#x), %s, %s in use, peak %s, %d growths" % (
                    thread.num, kind, "" if kind == "main" else " %d" % ident, lo, hi,
                    _size(hi - lo), _size(used) if used is not None else "(not on it now)",
                    _size(_word(stack + L["stack_peak"])), _word(stack + L["stack_growths"]))
                if _word(stack + L["stack_range_lo"]):
                    line += ", grows in place"
                if limit:
                    line += ", limit %s" % _size(limit)
                print(line)
        finally:
            if selected is not None:
                selected.switch()


# ---- following moves --------------------------------------------------------

_moves = []       # pending Track objects (finish, next, step)
_watches = {}     # watchpoint number -> Watched
_pending_watch_moves = []  # (Watched, delta) to apply at the stop


class Track(object):
    """A frame whose return gdb waits for (finish, next): `sp` is the stack
    pointer it will have back in the frame, kept up to date across moves."""

    def __init__(self, kind, thread, sp, cfa, return_type=None):
        self.kind = kind
        self.thread = thread
        self.sp = sp            # finish: the caller's %rsp at the return address
        self.cfa = cfa          # next/step: the stepping frame's CFA
        self.moved = False
        self.return_type = return_type
        self.breakpoints = []
        self.hit = False


def _cfa(frame):
    older = frame.older()
    if older is None:
        return None
    return int(older.read_register("rsp"))


class _ReturnBreakpoint(gdb.Breakpoint):
    def __init__(self, pc, track):
        super(_ReturnBreakpoint, self).__init__("*%#x" % pc, internal=True)
        self.silent = True
        self.track = track

    def stop(self):
        t = self.track
        if not t.moved or gdb.selected_thread().global_num != t.thread:
            return False
        frame = gdb.newest_frame()
        if t.kind == "finish":
            if int(frame.read_register("rsp")) != t.sp:
                return False
        elif _cfa(frame) != t.cfa:
            return False
        t.hit = True
        return True


def _clear_tracks():
    for t in _moves:
        for b in t.breakpoints:
            if b.is_valid():
                b.delete()
    del _moves[:]


def _track_finish():
    _clear_tracks()
    frame = gdb.selected_frame()
    caller = frame.older()
    if caller is None:
        return
    return_type = None
    function = frame.function()
    if function is not None:
        return_type = function.type.target()
    t = Track("finish", gdb.selected_thread().global_num, int(caller.read_register("rsp")),
              None, return_type)
    t.breakpoints.append(_ReturnBreakpoint(caller.pc(), t))
    _moves.append(t)


def _track_step():
    """next/step: breakpoints after every call of the current line, for a
    return into this frame after its stack moved."""
    _clear_tracks()
    frame = gdb.newest_frame()
    cfa = _cfa(frame)
    sal = gdb.find_pc_line(frame.pc())
    if cfa is None or sal.symtab is None or sal.last is None:
        return
    # The line may be several entries of the line table (columns): take
    # them all, as gdb's `next` does.
    last = sal.last
    for _ in range(256):
        following = gdb.find_pc_line(last + 1)
        if (following.symtab is None or following.line != sal.line or following.last is None
                or following.symtab.fullname() != sal.symtab.fullname() or following.pc != last + 1):
            break
        last = following.last
    t = Track("step", gdb.selected_thread().global_num, None, cfa)
    t.line = sal.line
    for insn in frame.architecture().disassemble(sal.pc, last):
        if insn["asm"].split(None, 1)[0].startswith("call"):
            t.breakpoints.append(_ReturnBreakpoint(insn["addr"] + insn["length"], t))
    if t.breakpoints:
        _moves.append(t)


class Watched(object):
    def __init__(self, expression, address, type_name, size):
        self.expression = expression
        self.address = address
        self.type_name = type_name
        self.size = size


class _MoveHook(gdb.Breakpoint):
    """On __morestack_stack_moved(old_lo, old_hi, new_lo, new_hi): move what
    is being waited for along with the stack."""

    def __init__(self):
        super(_MoveHook, self).__init__("*__morestack_stack_moved", internal=True)
        self.silent = True

    def stop(self):
        frame = gdb.newest_frame()
        old_lo = int(frame.read_register("rdi"))
        old_hi = int(frame.read_register("rsi"))
        new_hi = int(frame.read_register("rcx"))
        delta = new_hi - old_hi
        for t in _moves:
            if t.sp is not None and old_lo <= t.sp <= old_hi:
                t.sp += delta
                t.moved = True
            if t.cfa is not None and old_lo <= t.cfa <= old_hi:
                t.cfa += delta
                t.moved = True
        stop = False
        for number, w in list(_watches.items()):
            if old_lo <= w.address < old_hi:
                _pending_watch_moves.append((number, w, delta))
                stop = True
        # A watchpoint can only be replaced while the program is stopped:
        # stop here and replace it (_on_stop).
        return stop


_hook = None


def _ensure_hook():
    global _hook
    if _hook is not None and _hook.is_valid():
        return True
    if _address_of("__morestack_stack_moved") is None:
        return False
    _hook = _MoveHook()
    return True


def _on_stop(event):
    hit = [t for t in _moves if t.hit]
    if hit and hit[0].kind == "finish":
        print("morestack: the stack moved during the call; stopped in the caller at its new place")
        gdb.execute("frame 0")
        if hit[0].return_type is not None:
            _print_return_value(hit[0].return_type)
    stepping_on = hit[0] if hit and hit[0].kind == "step" else None
    _clear_tracks()
    if _pending_watch_moves:
        # The program stopped in the runtime, at the move: say why.
        for number, w, delta in _pending_watch_moves:
            _move_watchpoint(number, w, delta)
        del _pending_watch_moves[:]
        print("morestack: stopped where the stack moved (continue to go on)")
        return
    if stepping_on:
        # Back in the stepping frame in the middle of its line: finish the
        # line as `next` would have.
        if gdb.find_pc_line(gdb.newest_frame().pc()).line == stepping_on.line:
            gdb.execute("next")


def _print_return_value(return_type):
    if return_type.code == gdb.TYPE_CODE_VOID:
        return
    code = return_type.strip_typedefs().code
    frame = gdb.newest_frame()
    if code in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_PTR, gdb.TYPE_CODE_BOOL, gdb.TYPE_CODE_CHAR,
                gdb.TYPE_CODE_ENUM):
        raw = frame.read_register("rax")
    elif code == gdb.TYPE_CODE_FLT and return_type.sizeof in (4, 8):
        xmm = frame.read_register("xmm0")
        raw = xmm["v4_float"][0] if return_type.sizeof == 4 else xmm["v2_double"][0]
    else:
        return
    value = raw.cast(return_type) if code != gdb.TYPE_CODE_FLT else raw
    try:
        index = gdb.add_history(value)
        print("Value returned is $%d = %s" % (index, value))
    except AttributeError:
        print("Value returned is %s" % value)


def _move_watchpoint(number, w, delta):
    old = [b for b in gdb.breakpoints() if b.number == number]
    if not old:
        _watches.pop(number, None)
        return
    old = old[0]
    kind = old.type
    condition, enabled = old.condition, old.enabled
    old.delete()
    _watches.pop(number, None)
    new_address = w.address + delta
    spec = "*(%s *)%#x" % (w.type_name, new_address)  # an address: no frame scope
    wp_class = {gdb.BP_READ_WATCHPOINT: gdb.WP_READ,
                gdb.BP_ACCESS_WATCHPOINT: gdb.WP_ACCESS}.get(kind, gdb.WP_WRITE)
    new = gdb.Breakpoint(spec, gdb.BP_WATCHPOINT, wp_class)
    new.condition = condition
    new.enabled = enabled
    _watches[new.number] = Watched(w.expression, new_address, w.type_name, w.size)
    print("morestack: the stack moved; watchpoint %d (%s) follows it to %#x as watchpoint %d"
          % (number, w.expression, new_address, new.number))


_WATCH_TYPES = (gdb.BP_WATCHPOINT, gdb.BP_HARDWARE_WATCHPOINT, gdb.BP_READ_WATCHPOINT,
                gdb.BP_ACCESS_WATCHPOINT)


def _on_breakpoint_created(b):
    """Remember where a new watchpoint on an expression of the selected frame
    points, if that is on a stack that may move."""
    if b.type not in _WATCH_TYPES or b.number in _watches or b.number < 0:
        return
    expression = b.expression
    if expression.startswith("-location "):
        expression = expression[len("-location "):]
    try:
        value = gdb.parse_and_eval(expression)
        address = int(value.address) if value.address is not None else None
    except gdb.error:
        return
    if address is None:
        return
    _watches[b.number] = Watched(expression, address, str(value.type), value.type.sizeof)


def _on_breakpoint_deleted(b):
    _watches.pop(b.number, None)


def _on_exited(event):
    _clear_tracks()
    _watches.clear()


def _on_new_objfile(event):
    _ensure_hook()


def _define_hooks():
    python = "python import gdb; gdb.morestack_%s()"
    gdb.morestack_track_finish = lambda: _ensure_hook() and _track_finish()
    gdb.morestack_track_step = lambda: _ensure_hook() and _track_step()
    for command, function in (("finish", "track_finish"), ("next", "track_step"),
                              ("step", "track_step")):
        gdb.execute("define hook-%s\n%s\nend" % (command, python % function), to_string=True)


def _install():
    if getattr(gdb, "morestack_loaded", False):
        return
    gdb.morestack_loaded = True
    InfoFibers()
    FiberCommand()
    InfoStacks()
    _define_hooks()
    gdb.events.stop.connect(_on_stop)
    gdb.events.exited.connect(_on_exited)
    gdb.events.new_objfile.connect(_on_new_objfile)
    gdb.events.breakpoint_created.connect(_on_breakpoint_created)
    gdb.events.breakpoint_deleted.connect(_on_breakpoint_deleted)
    _ensure_hook()


_install()
