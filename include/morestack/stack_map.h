/*
 * morestack/stack_map.h: the stack map format, shared by the compiler plugin
 * (which emits it, plugin/FrameMapWriter.cpp) and the runtime (which reads
 * it, runtime/stack_map.cpp). docs/stack-maps.md explains it with examples.
 *
 * Where the maps live: every function the plugin compiles gets one record in
 * a section named MORESTACK_MAP_SECTION. The name is a C identifier, so the
 * linker defines __start_morestack_maps / __stop_morestack_maps around the
 * records of each linked module (executable or shared library). Every record
 * is a section of its own, SHF_LINK_ORDER-linked to its function's section
 * and in the function's COMDAT group: --gc-sections and COMDAT deduplication
 * drop the record with the function. Every address in a record is relative
 * to the field holding it (PC-relative), so records need no dynamic
 * relocations in a PIE or a shared library. A constructor the plugin emits
 * into every module passes the module's [__start, __stop) to
 * __morestack_register_maps; a destructor unregisters it (dlclose).
 *
 * Frames: at every call site of a function whose frame size is known (the
 * plugin turns off push-based call sequences, so %rsp does not move in the
 * body), the canonical frame address is CFA = %rsp + frame_size and the
 * return address is at CFA - 8. Functions without FRAME_KNOWN (a realigned
 * frame; dynamic allocas live on the side stack) or flagged RBP_FRAME
 * (inline assembly, which may move %rsp) keep a frame pointer: CFA = %rbp +
 * 16, the caller's %rbp at CFA - 16.
 *
 * Stack objects: parts of the frame, each with what it may hold:
 *   PTRFREE   no word of it holds a moving-stack address: relocation leaves
 *             it untouched;
 *   POINTERS  only the words whose bit is set in its bitmap can;
 *   UNKNOWN   any word can.
 * The plugin writes only PTRFREE objects (plugin/FrameMapWriter.cpp): every
 * alloca left on the moving stack but the scanned ones (a va_list, ...),
 * and spill slots narrower than a word. POINTERS and UNKNOWN remain in the
 * format, and the runtime honours them. Every byte of a frame that no
 * PTRFREE object or unmarked POINTERS word covers (spill slots, saved
 * registers, scanned and UNKNOWN objects, outgoing arguments) is scanned
 * conservatively.
 */
#ifndef MORESTACK_STACK_MAP_H
#define MORESTACK_STACK_MAP_H

#include <stdint.h>

#define MORESTACK_MAP_SECTION "morestack_maps"
#define MORESTACK_MAP_REGISTER "__morestack_register_maps"
#define MORESTACK_MAP_UNREGISTER "__morestack_unregister_maps"
/* The name of the GC strategy (and metadata printer) the plugin registers in
 * LLVM: the way a plugin gets to see the final machine frames
 * (plugin/FrameMapWriter.cpp). */
#define MORESTACK_MAP_GC_NAME "morestack"

/* record.flags */
#define MORESTACK_MAP_SPLIT 0x1u       /* has the stack check */
#define MORESTACK_MAP_NOSPLIT 0x2u     /* nosplit: no check, bounded frame */
#define MORESTACK_MAP_FRAME_KNOWN 0x4u /* frame_size and objects are valid */
#define MORESTACK_MAP_RBP_FRAME 0x8u   /* find the CFA from %rbp, not frame_size */
#define MORESTACK_MAP_SP_OBJECTS 0x10u /* object offsets are from the frame's
                                          %rsp at call sites (a realigned
                                          frame), not from the CFA */

/* object.kind */
#define MORESTACK_MAP_PTRFREE 0u
#define MORESTACK_MAP_POINTERS 1u
#define MORESTACK_MAP_UNKNOWN 2u

/* One function: 24 bytes, 4-aligned, followed by num_objects objects, the
 * bitmaps of the POINTERS objects and the NUL-terminated name; `size` covers
 * all of it and is a multiple of 4. */
struct morestack_map_record {
  uint32_t size;
  int32_t code_end;    /* end of the function's code, relative to &code_end
                          (the end label is local even when the function's
                          symbol is preemptible in a shared library) */
  uint32_t code_size;  /* the function starts at code_end - code_size; 0:
                          unknown (assembled by an external assembler) */
  uint32_t frame_size; /* CFA - %rsp at call sites (return address included) */
  uint16_t flags;
  uint16_t num_objects;
  uint32_t name;       /* offset of the name from the record start */
};

/* One stack object, sorted by offset. */
struct morestack_map_object {
  int32_t cfa_offset; /* the object starts at CFA + cfa_offset (or, with
                         MORESTACK_MAP_SP_OBJECTS, at the frame's lowest
                         address + cfa_offset) */
  uint32_t size;      /* bytes */
  uint32_t kind;      /* MORESTACK_MAP_PTRFREE / POINTERS / UNKNOWN */
  uint32_t bitmap;    /* POINTERS: offset from the record start of one bit per
                         8-byte word of the object (LSB first); else 0 */
};

#endif /* MORESTACK_STACK_MAP_H */
