# lit configuration for morestack's regression tests (test/).
#
# The build writes build/test/lit.site.cfg.py, which sets the paths below
# (config.morestack_*) and then loads this file. Run the suite with
#   python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv build/test
# or simply `bash scripts/test.sh`.
import os
import lit.formats

config.name = "morestack"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".cpp", ".ll", ".test"]
config.excludes = ["Inputs", "unit", "CMakeLists.txt"]
config.test_source_root = os.path.join(config.morestack_src_root, "test")
config.test_exec_root = os.path.join(config.morestack_obj_root, "test")

# Tests compile and run real programs; keep the environment predictable.
for var in ["MORESTACK_MAIN_STACK", "MORESTACK_THREAD_STACK", "MORESTACK_FIBER_STACK",
            "MORESTACK_MAX_STACK", "MORESTACK_NONSPLIT_RESERVE", "MORESTACK_VERIFY"]:
    config.environment.pop(var, None)
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])

plugin = config.morestack_plugin
subst = config.substitutions

# `--param sanitize=address|thread|undefined` runs the tests with every
# program built by the wrappers under that sanitizer (ctest's lit-address,
# lit-thread and lit-undefined run a subset of test/e2e so; test/CMakeLists.txt).
# Tests that cannot run under one say `UNSUPPORTED: sanitizer-<name>`, or
# `UNSUPPORTED: sanitizer` for all.
sanitize = lit_config.params.get("sanitize", "")
sanitize_flags = ""
if sanitize:
    if sanitize not in ("address", "thread", "undefined"):
        lit_config.fatal("sanitize=%s: expected address, thread or undefined" % sanitize)
    sanitize_flags = " -fsanitize=%s -fno-sanitize-recover=all -g" % sanitize
    config.available_features.add("sanitizer")
    config.available_features.add("sanitizer-" + sanitize)
    # Reports must fail the test; no leak check (parked fibers hold memory
    # on stacks LSan does not scan: docs/runtime.md, "Sanitizers").
    config.environment["ASAN_OPTIONS"] = "abort_on_error=0:halt_on_error=1"
    config.environment["TSAN_OPTIONS"] = "halt_on_error=1:exitcode=66"
    config.environment["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1"
subst.append(("%clangxx", config.clangxx))
subst.append(("%clang", config.clang))
subst.append(("%plugin", plugin))
# The wrappers without the `sanitize` parameter's flags (before the names
# they start with): test/e2e/sanitizers/ chooses its own.
subst.append(("%morestack_clangxx_nosan", os.path.join(config.morestack_obj_root, "bin", "morestack-clang++")))
subst.append(("%morestack_clang_nosan", os.path.join(config.morestack_obj_root, "bin", "morestack-clang")))
subst.append(("%morestack_clangxx", os.path.join(config.morestack_obj_root, "bin", "morestack-clang++") + sanitize_flags))
subst.append(("%morestack_clang", os.path.join(config.morestack_obj_root, "bin", "morestack-clang") + sanitize_flags))
subst.append(("%rt_lib", config.morestack_runtime))
subst.append(("%include", os.path.join(config.morestack_src_root, "include")))
subst.append(("%src_root", config.morestack_src_root))
subst.append(("%obj_root", config.morestack_obj_root))
subst.append(("%cmake", config.cmake))
subst.append(("%dump_maps", config.python + " " + os.path.join(config.morestack_src_root, "tools", "morestack-dump-maps.py")))
subst.append(("%python", config.python))
# gdb in batch mode, with the project's script (gdb/morestack-gdb.py) loaded
# from the program itself (runtime/gdb_script.S) and the CFI checker.
_gdb = "gdb -batch -nx -iex 'set auto-load safe-path /'"
subst.append(("%gdb_cfi", _gdb + " -x " + os.path.join(config.morestack_src_root, "test", "e2e", "Inputs", "gdb_cfi_check.py")))
subst.append(("%gdb", _gdb))

config.available_features.add("x86_64-linux")
# The sanitizer runtimes (Debian's libclang-rt-19-dev) are installed.
import glob
for _san, _lib in (("asan", "asan"), ("tsan", "tsan"), ("ubsan", "ubsan_standalone")):
    if glob.glob("/usr/lib/llvm-19/lib/clang/*/lib/linux/libclang_rt.%s-x86_64.a" % _lib):
        config.available_features.add(_san + "-runtime")
# Tools whose use with morestack is tested when they are installed and can
# run a program here (a container may forbid ptrace, say).
import shutil
import subprocess
_tool_probes = {
    "valgrind": (["valgrind", "-q", "/bin/true"], None),
    "gdb": (["gdb", "-batch", "-nx", "-ex", "run", "/bin/true"], "exited normally"),
}
for tool, (argv, expect) in _tool_probes.items():
    if not shutil.which(tool):
        continue
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        continue
    if p.returncode == 0 and (expect is None or expect in p.stdout + p.stderr):
        config.available_features.add(tool)
# matplotlib, for bench/report.py's plots (test/bench): Debian's python has
# it (python3-matplotlib, as bench/run.sh uses), a pyenv one often not.
# %plot_python is the first interpreter that imports it.
for _py in (config.python, "/usr/bin/python3"):
    try:
        if subprocess.run([_py, "-c", "import matplotlib"], capture_output=True, timeout=60).returncode == 0:
            config.available_features.add("matplotlib")
            subst.append(("%plot_python", _py))
            break
    except (OSError, subprocess.TimeoutExpired):
        continue
# CPU features some end-to-end tests need (vector registers across a move).
try:
    with open("/proc/cpuinfo") as f:
        cpu_flags = set(next((l for l in f if l.startswith("flags")), "").split())
    for feature in ("avx2", "avx512f"):
        if feature in cpu_flags:
            config.available_features.add(feature)
except OSError:
    pass
