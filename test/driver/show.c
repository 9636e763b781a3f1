// -morestack-show and MORESTACK_WRAPPER_VERBOSE=1 print the final command on
// stderr (and still run it); the wrapper option itself never reaches clang.
//
// RUN: %morestack_clang -morestack-show -O1 %s -o %t 2> %t.show
// RUN: FileCheck %s --check-prefix=LINK --implicit-check-not=-morestack-show --implicit-check-not=__morestack_no_whole_program < %t.show
// RUN: %t
// RUN: env MORESTACK_WRAPPER_VERBOSE=1 %morestack_clang -O1 %s -o %t 2> %t.env
// RUN: FileCheck %s --check-prefix=LINK --implicit-check-not=__morestack_no_whole_program < %t.env
// With -morestack-no-whole-program, the opt-out symbol comes right after the
// runtime (and the wrapper option itself is gone).
// RUN: %morestack_clang -morestack-show -morestack-no-whole-program -O1 %s -o %t.nwp 2> %t.nwp.show
// RUN: FileCheck %s --check-prefix=NWP --implicit-check-not=-morestack-no-whole-program < %t.nwp.show
// RUN: %t.nwp
// LINK: morestack-clang: {{[^ ]*}}clang -O1 {{.*}} -fplugin={{[^ ]*}}MorestackPlugin{{[^ ]*}} -I{{[^ ]*}}include -fuse-ld=lld -Wl,-z,now -Xlinker --whole-archive -Xlinker {{[^ ]*}}libmorestack_rt.a -Xlinker --no-whole-archive -ldl -lpthread '-Wl,--export-dynamic-symbol=__morestack*' '-Wl,--export-dynamic-symbol=morestack_*' '-Wl,--export-dynamic-symbol=_Unwind_R*'{{$}}
// NWP: morestack-clang: {{[^ ]*}}clang -O1 {{.*}} -fplugin={{[^ ]*}}MorestackPlugin{{[^ ]*}} -I{{[^ ]*}}include -fuse-ld=lld -Wl,-z,now -Xlinker --whole-archive -Xlinker {{[^ ]*}}libmorestack_rt.a -Xlinker --no-whole-archive -Wl,--defsym=__morestack_no_whole_program=1 -ldl -lpthread '-Wl,--export-dynamic-symbol=__morestack*' '-Wl,--export-dynamic-symbol=morestack_*' '-Wl,--export-dynamic-symbol=_Unwind_R*'{{$}}
//
// Silent otherwise.
// RUN: %morestack_clang -O1 %s -o %t 2>&1 | count 0
// RUN: env MORESTACK_WRAPPER_VERBOSE=0 %morestack_clang -O1 %s -o %t 2>&1 | count 0
//
// The C++ wrapper runs clang++; a user's -x does not apply to the runtime
// archive, which goes to the linker alone (-Xlinker).
// RUN: %morestack_clangxx -morestack-show -x c++ -O1 %s -o %t.cxx 2>&1 | FileCheck %s --check-prefix=CXX --implicit-check-not=__morestack_no_whole_program
// CXX: morestack-clang++: {{[^ ]*}}clang++ -x c++ -O1 {{.*}} -fplugin={{[^ ]*}}MorestackPlugin{{[^ ]*}} -I{{[^ ]*}}include -fuse-ld=lld -Wl,-z,now -Xlinker --whole-archive -Xlinker {{[^ ]*}}libmorestack_rt.a -Xlinker --no-whole-archive -ldl -lpthread '-Wl,--export-dynamic-symbol=__morestack*' '-Wl,--export-dynamic-symbol=morestack_*' '-Wl,--export-dynamic-symbol=_Unwind_R*'{{$}}
//
// The printed command can be pasted into a shell: words with quotes or
// spaces are quoted.
// RUN: %morestack_clang -morestack-show -c %s -o %t.o '-DMSG="it'"'"'s a b"' 2>&1 | FileCheck %s --check-prefix=QUOTE
// QUOTE: -o {{[^ ]*}}.o '-DMSG="it'\''s a b"' -fplugin=

int main(void) { return 0; }
