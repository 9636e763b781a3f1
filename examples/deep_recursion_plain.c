/* examples/deep_recursion_plain.c: the same program, built without morestack
 * (a separate source file, so that it shares no per-source build settings
 * with the instrumented build). */
#include "deep_recursion.c"
