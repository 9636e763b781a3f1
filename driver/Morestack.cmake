# Morestack.cmake: build CMake targets with morestack's growable stacks.
#
#   morestack_enable(<target> [NO_WHOLE_PROGRAM])
#
# From another project (after building morestack):
#
#   find_package(morestack CONFIG REQUIRED PATHS /path/to/morestack/build/lib/cmake/morestack)
#   add_executable(app main.c)
#   morestack_enable(app)
#
# Inside the morestack project itself (examples/) the function is already
# defined by driver/CMakeLists.txt.
#
# What it adds, by target type:
#   every type      compile options for C and C++ sources:
#                     -fplugin=<MorestackPlugin>   (instruments every function)
#                   include directory <morestack>/include   (morestack/morestack.h)
#                   the target's objects are rebuilt when the plugin changes
#   EXECUTABLE      link options: -fuse-ld=lld,
#                     -Wl,--whole-archive <libmorestack_rt.a> -Wl,--no-whole-archive
#                     -Wl,--defsym=__morestack_no_whole_program=1 (only with NO_WHOLE_PROGRAM)
#                     -Wl,--export-dynamic-symbol=__morestack*,morestack_*,_Unwind_R*
#                   link libraries: -ldl -lpthread
#                   relinked when the runtime changes
#   SHARED, MODULE  link options -fuse-ld=lld, -z now. The runtime is
#                   not linked in: it belongs, once, in the executable, which
#                   must be morestack_enable()d itself (it exports
#                   __morestack*, which the stubs the plugin puts in every
#                   module jump to; see plugin/RuntimeStubs.h).
#   STATIC, OBJECT  compile options only; link the library into a
#                   morestack_enable()d executable.
#
# Whole-program mode is the default: the runtime defines __libc_start_main
# (crt1's _start calls it), which runs main() on a growable stack, and it
# interposes pthread_create for threads. NO_WHOLE_PROGRAM defines the symbol
# __morestack_no_whole_program at link time, which turns that off: main() and
# threads keep their ordinary stacks; only code running on stacks the runtime
# creates (its fiber API) grows. Ignored for libraries.
#
# The plugin is built for clang 19: the C and C++ compilers of the project must
# be that clang (e.g. -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19),
# and this is checked.

include_guard(GLOBAL)
if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "Morestack.cmake needs CMake 3.20 or newer (this is ${CMAKE_VERSION})")
endif()

# morestack_set_paths(PLUGIN <file> RUNTIME <file> INCLUDE_DIR <dir>
#                     [PLUGIN_FILE_DEPENDS <file>] [RUNTIME_FILE_DEPENDS <file>]
#                     [CLANG <file>] [CLANGXX <file>] [DEPENDS <targets>...])
# Where morestack's pieces are; called by morestack-config.cmake or by
# morestack's own driver/CMakeLists.txt (with generator expressions, stamp
# files standing for the plugin and runtime in dependencies, and the targets
# that build them). Stored as global properties, so that morestack_enable()
# works from every directory of the project.
function(morestack_set_paths)
  cmake_parse_arguments(PARSE_ARGV 0 ARG ""
    "PLUGIN;RUNTIME;INCLUDE_DIR;PLUGIN_FILE_DEPENDS;RUNTIME_FILE_DEPENDS;CLANG;CLANGXX" "DEPENDS")
  if(NOT ARG_PLUGIN_FILE_DEPENDS)
    set(ARG_PLUGIN_FILE_DEPENDS "${ARG_PLUGIN}")
  endif()
  if(NOT ARG_RUNTIME_FILE_DEPENDS)
    set(ARG_RUNTIME_FILE_DEPENDS "${ARG_RUNTIME}")
  endif()
  foreach(key PLUGIN RUNTIME INCLUDE_DIR PLUGIN_FILE_DEPENDS RUNTIME_FILE_DEPENDS CLANG CLANGXX DEPENDS)
    set_property(GLOBAL PROPERTY MORESTACK_${key} "${ARG_${key}}")
  endforeach()
endfunction()

# Rebuild the objects of <target> when <file> (the plugin) changes. Called at
# the end of the directory that called morestack_enable(), when the target's
# sources are all known.
function(_morestack_object_depends target file)
  get_target_property(srcs ${target} SOURCES)
  get_target_property(srcdir ${target} SOURCE_DIR)
  if(NOT srcs)
    return()
  endif()
  foreach(src IN LISTS srcs)
    if(src MATCHES "\\$<")
      continue() # generator expression: cannot attach a property to it
    endif()
    cmake_path(ABSOLUTE_PATH src BASE_DIRECTORY "${srcdir}")
    set_property(SOURCE "${src}" TARGET_DIRECTORY ${target}
                 APPEND PROPERTY OBJECT_DEPENDS "${file}")
  endforeach()
endfunction()

# The plugin only loads into the clang it was built for.
function(_morestack_check_compilers target)
  get_property(langs GLOBAL PROPERTY ENABLED_LANGUAGES)
  get_property(clang GLOBAL PROPERTY MORESTACK_CLANG)
  get_property(clangxx GLOBAL PROPERTY MORESTACK_CLANGXX)
  foreach(lang C CXX)
    if(NOT lang IN_LIST langs)
      continue()
    endif()
    set(id "${CMAKE_${lang}_COMPILER_ID}")
    set(ver "${CMAKE_${lang}_COMPILER_VERSION}")
    if(NOT id STREQUAL "Clang" OR NOT ver MATCHES "^19\\.")
      if(lang STREQUAL "C")
        set(hint "-DCMAKE_C_COMPILER=${clang}")
      else()
        set(hint "-DCMAKE_CXX_COMPILER=${clangxx}")
      endif()
      message(FATAL_ERROR
        "morestack_enable(${target}): the morestack plugin is a clang 19 plugin, but this "
        "project compiles ${lang} with ${id} ${ver} (${CMAKE_${lang}_COMPILER}). "
        "Configure with ${hint} (in a fresh build directory).")
    endif()
  endforeach()
  # lld or gold (see docs/driver.md): refuse GNU ld chosen globally.
  string(CONCAT bfd_reason "the stack checks before calls into libraries read link-time "
         "constants (absolute symbols) that GNU ld refuses in position-independent executables: "
         "use lld or gold")
  foreach(var CMAKE_EXE_LINKER_FLAGS CMAKE_SHARED_LINKER_FLAGS CMAKE_MODULE_LINKER_FLAGS)
    if("${${var}}" MATCHES "-fuse-ld=([^ ;]*)")
      set(linker "${CMAKE_MATCH_1}")
      if(linker MATCHES "lld|gold")
        continue()
      endif()
      message(FATAL_ERROR
        "morestack_enable(${target}): ${var} selects the linker '${linker}', but code built "
        "with morestack cannot be linked by GNU ld: ${bfd_reason}.")
    endif()
  endforeach()
  if(DEFINED CMAKE_LINKER_TYPE AND NOT CMAKE_LINKER_TYPE STREQUAL "" AND
     NOT CMAKE_LINKER_TYPE MATCHES "^(LLD|GOLD)$")
    message(FATAL_ERROR "morestack_enable(${target}): CMAKE_LINKER_TYPE is ${CMAKE_LINKER_TYPE}: "
            "${bfd_reason}.")
  endif()
endfunction()

function(morestack_enable target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "NO_WHOLE_PROGRAM" "" "")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "morestack_enable(${target}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS} "
                        "(usage: morestack_enable(<target> [NO_WHOLE_PROGRAM]))")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "morestack_enable: '${target}' is not a target")
  endif()
  get_property(plugin GLOBAL PROPERTY MORESTACK_PLUGIN)
  get_property(runtime GLOBAL PROPERTY MORESTACK_RUNTIME)
  get_property(include_dir GLOBAL PROPERTY MORESTACK_INCLUDE_DIR)
  get_property(deps GLOBAL PROPERTY MORESTACK_DEPENDS)
  get_property(plugin_file_dep GLOBAL PROPERTY MORESTACK_PLUGIN_FILE_DEPENDS)
  get_property(runtime_file_dep GLOBAL PROPERTY MORESTACK_RUNTIME_FILE_DEPENDS)
  if(NOT plugin OR NOT runtime OR NOT include_dir)
    message(FATAL_ERROR "morestack_enable(${target}): morestack's paths are not set: use "
                        "find_package(morestack CONFIG REQUIRED PATHS <morestack build>/lib/cmake/morestack)")
  endif()

  get_target_property(type ${target} TYPE)
  get_target_property(imported ${target} IMPORTED)
  if(imported OR type STREQUAL "INTERFACE_LIBRARY" OR type STREQUAL "UTILITY")
    message(FATAL_ERROR "morestack_enable(${target}): ${type} targets cannot be instrumented "
                        "(only executables and libraries built by this project)")
  endif()
  _morestack_check_compilers(${target})

  # Compile: every C and C++ source (not assembly) gets the plugin.
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:C,CXX>:-fplugin=${plugin}>")
  target_include_directories(${target} PRIVATE "${include_dir}")
  if(deps)
    add_dependencies(${target} ${deps})
  endif()
  # Defer until the directory is done, so that sources added after this call count.
  cmake_language(EVAL CODE
    "cmake_language(DEFER CALL _morestack_object_depends [[${target}]] [[${plugin_file_dep}]])")

  if(type STREQUAL "EXECUTABLE")
    target_link_options(${target} PRIVATE -fuse-ld=lld "LINKER:-z,now"
                        "LINKER:--whole-archive,${runtime},--no-whole-archive")
    if(ARG_NO_WHOLE_PROGRAM)
      target_link_options(${target} PRIVATE "LINKER:--defsym=__morestack_no_whole_program=1")
    endif()
    # Link options rather than target_link_libraries(), which would clash with a
    # target that uses the plain (keyword-less) signature; lld does not care
    # where a shared library appears on the command line.
    target_link_options(${target} PRIVATE -ldl -lpthread
                        "LINKER:--export-dynamic-symbol=__morestack*"
                        "LINKER:--export-dynamic-symbol=morestack_*"
                        "LINKER:--export-dynamic-symbol=_Unwind_R*")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${runtime_file_dep}")
  elseif(type STREQUAL "SHARED_LIBRARY" OR type STREQUAL "MODULE_LIBRARY")
    target_link_options(${target} PRIVATE -fuse-ld=lld "LINKER:-z,now")
  endif()
endfunction()
