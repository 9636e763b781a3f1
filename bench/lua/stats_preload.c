/* bench/lua/stats_preload.c: LD_PRELOAD helper for bench/real_program.sh.
 * At exit, prints the morestack runtime's process statistics of the program
 * it is preloaded into: one JSON-like line for the script to parse, then the
 * runtime's own summary. The runtime's functions come from the executable
 * (lua.morestack is linked with -Wl,-E); in a program without them (the
 * plain build) the weak references are null and nothing is printed. Built
 * with plain clang: no checks of its own. */
#include <stdio.h>
#include <morestack/morestack.h>

void morestack_get_process_stats(morestack_process_stats *out) __attribute__((weak));
void morestack_print_summary(void) __attribute__((weak));

__attribute__((destructor)) static void print_stats(void) {
  if (!morestack_get_process_stats) return;
  morestack_process_stats s;
  morestack_get_process_stats(&s);
  fprintf(stderr,
          "morestack-stats {\"growths\":%llu,\"shrinks\":%llu,\"bytes_copied\":%llu,"
          "\"reserve_growths\":%llu,\"largest_reserve\":%zu,\"frames_described\":%llu,"
          "\"frames_foreign\":%llu,\"walks_undescribed\":%llu,\"walks_broken\":%llu,\"move_ns\":%llu}\n",
          (unsigned long long)s.growths, (unsigned long long)s.shrinks,
          (unsigned long long)s.bytes_copied, (unsigned long long)s.reserve_growths, s.largest_reserve,
          (unsigned long long)s.frames_described, (unsigned long long)s.frames_foreign,
          (unsigned long long)s.walks_undescribed, (unsigned long long)s.walks_broken,
          (unsigned long long)s.move_ns);
  if (morestack_print_summary) morestack_print_summary();
}
