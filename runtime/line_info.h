// runtime/line_info.h: source file and line of a code address, read from
// the DWARF line table of the module that holds it (line_info.cpp).
//
// Safe in fatal paths: no allocation (the module's file is mapped read-only
// once and kept), bounded reads, a few KiB of stack. Returns false (and an
// empty buf) without debug information.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace morestack {

// "path/file.c:123" for the instruction at `pc` into buf.
bool source_line(uintptr_t pc, char *buf, size_t len);

} // namespace morestack
