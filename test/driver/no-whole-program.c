// -morestack-no-whole-program links the runtime but not --wrap=main; the
// default (whole-program mode) has it. The wrapper option never reaches clang.
//
// RUN: %morestack_clang -### -morestack-no-whole-program %s -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=CC1,NWP --implicit-check-not=--wrap --implicit-check-not=morestack-no-whole-program
// RUN: %morestack_clang -### %s -o %t 2>&1 | FileCheck %s --check-prefixes=CC1,WP
// RUN: %morestack_clangxx -### -morestack-no-whole-program %s -o %t 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=CC1,NWP --implicit-check-not=--wrap --implicit-check-not=morestack-no-whole-program
// RUN: %morestack_clangxx -### %s -o %t 2>&1 | FileCheck %s --check-prefixes=CC1,WP
//
// CC1: "-cc1"{{.*}} "-I" "{{[^"]*}}include"{{.*}} "-load" "{{[^"]*}}MorestackPlugin{{[^"]*}}"
// NWP: "{{[^"]*}}ld.lld" {{.*}} "--whole-archive" "{{[^"]*}}libmorestack_rt.a" "--no-whole-archive" "-ldl" "-lpthread"
// WP: "{{[^"]*}}ld.lld" {{.*}} "--whole-archive" "{{[^"]*}}libmorestack_rt.a" "--no-whole-archive" "--wrap=main" "-ldl" "-lpthread"

int main(void) { return 0; }
