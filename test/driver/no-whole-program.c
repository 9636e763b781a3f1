// -morestack-no-whole-program links the runtime plus the opt-out symbol
// (--defsym=__morestack_no_whole_program=1); the default (whole-program mode)
// links the runtime without it. The wrapper option never reaches clang.
//
// RUN: %morestack_clang -### -morestack-no-whole-program %s -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=CC1,NWP --implicit-check-not=morestack-no-whole-program --implicit-check-not=--wrap
// RUN: %morestack_clang -### %s -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=CC1,WP --implicit-check-not=__morestack_no_whole_program --implicit-check-not=--wrap
// RUN: %morestack_clangxx -### -morestack-no-whole-program %s -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=CC1,NWP --implicit-check-not=morestack-no-whole-program --implicit-check-not=--wrap
// RUN: %morestack_clangxx -### %s -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=CC1,WP --implicit-check-not=__morestack_no_whole_program --implicit-check-not=--wrap
//
// CC1: "-cc1"{{.*}} "-I" "{{[^"]*}}include"{{.*}} "-load" "{{[^"]*}}MorestackPlugin{{[^"]*}}"
// NWP: "{{[^"]*}}ld.lld" {{.*}} "--whole-archive" "{{[^"]*}}libmorestack_rt.a" "--no-whole-archive" "--defsym=__morestack_no_whole_program=1" "-ldl" "-lpthread"
// WP: "{{[^"]*}}ld.lld" {{.*}} "--whole-archive" "{{[^"]*}}libmorestack_rt.a" "--no-whole-archive" "-ldl" "-lpthread"

int main(void) { return 0; }
