// Inputs in unusual places still make a link (or not): stdin, after "--", in
// a response file; paths with spaces and user macros arrive intact.
//
// Source from stdin ("-" is an input).
// RUN: cat %s | %morestack_clang -morestack-show -x c -DFROM_STDIN - -o %t.stdin 2> %t.stdin.show
// RUN: FileCheck %s --check-prefix=LINK --implicit-check-not=__morestack_no_whole_program < %t.stdin.show
// RUN: %t.stdin
// LINK: -fplugin={{.*}} -fuse-ld=lld -Wl,-z,now {{.*}}-Xlinker --whole-archive -Xlinker {{.*}}libmorestack_rt.a -Xlinker --no-whole-archive -ldl -lpthread
//
// Inputs after "--": the wrapper's flags go before it; a user's -x still
// applies to them (the wrapper adds no input of its own for it to apply to).
// RUN: %morestack_clang -morestack-show -x c -o %t.dd -- %s 2> %t.dd.show
// RUN: FileCheck %s --check-prefix=DASHDASH < %t.dd.show
// RUN: %t.dd
// DASHDASH: -x c -o {{.*}} -fplugin={{.*}} -fuse-ld=lld -Wl,-z,now -Xlinker --whole-archive {{.*}} -lpthread {{.*}} -- {{.*}}inputs.c{{$}}
//
// A response file that says -c: no link flags (-Werror would reject them as unused).
// RUN: echo "-c %s -o %t.rsp.o" > %t.rsp
// RUN: %morestack_clang -Werror @%t.rsp
// RUN: llvm-readelf -h %t.rsp.o | FileCheck %s --check-prefix=REL
// REL: Type: REL
// A response file with the inputs of a link.
// RUN: echo "%t.rsp.o -o %t.rsp.exe" > %t.link.rsp
// RUN: %morestack_clang -morestack-show @%t.link.rsp 2>&1 | FileCheck %s --check-prefix=LINK --implicit-check-not=__morestack_no_whole_program
// RUN: %t.rsp.exe
//
// Spaces and quotes in file names and macros.
// RUN: rm -rf "%t dir" && mkdir -p "%t dir"
// RUN: cp %s "%t dir/my prog.c"
// RUN: %morestack_clang -O1 '-DMSG="a b"' "-DSUM=1 + 2" "%t dir/my prog.c" -o "%t dir/my prog"
// RUN: "%t dir/my prog"

#ifdef MSG
_Static_assert(sizeof(MSG) == 4, "MSG is the string \"a b\"");
_Static_assert(SUM == 3, "SUM is 1 + 2");
#endif

int main(void) { return 0; }
