// test/unit/glibc_facts_test.cpp: the glibc facts the project relies on
// (include/morestack/glibc_facts.h) hold for the glibc the tests run with.
#include "relocate.h"

#include <morestack/abi.h>
#include <morestack/glibc_facts.h>

#include <gtest/gtest.h>
#include <pthread.h>
#include <setjmp.h>

namespace {

uintptr_t demangled(const jmp_buf env, int word) {
  return morestack::demangle_pointer((uintptr_t)env[0].__jmpbuf[word], morestack::pointer_guard());
}

// setjmp's saved %rsp, %rbp and return address, demangled with the pointer
// guard as PTR_MANGLE describes, are this frame's.
__attribute__((noinline)) void check_setjmp_layout() {
  jmp_buf env;
  uintptr_t sp, fp;
  asm volatile("movq %%rsp, %0; movq %%rbp, %1" : "=r"(sp), "=r"(fp));
  if (setjmp(env) != 0) return;
  EXPECT_EQ(demangled(env, MORESTACK_GLIBC_JB_RSP), sp);  // the caller's %rsp after the call
  EXPECT_EQ(demangled(env, MORESTACK_GLIBC_JB_RBP), fp);
  const uintptr_t pc = demangled(env, MORESTACK_GLIBC_JB_PC), entry = (uintptr_t)&check_setjmp_layout;
  EXPECT_GT(pc, entry);  // returns into this function
  EXPECT_LT(pc, entry + 4096);
}

void *on_a_thread(void *) {
  check_setjmp_layout();
  return nullptr;
}

} // namespace

TEST(GlibcFacts, SetjmpManglesWithThePointerGuard) {
  check_setjmp_layout();
  pthread_t t;  // another thread: the same guard, copied into its TCB
  ASSERT_EQ(pthread_create(&t, nullptr, on_a_thread, nullptr), 0);
  pthread_join(t, nullptr);
}

TEST(GlibcFacts, TheContractsSlotsAreGlibcsReservedOnes) {
  EXPECT_EQ(MORESTACK_GUARD_TLS_OFFSET, 0x70);  // LLVM's split-stack prologue reads %fs:0x70
  EXPECT_EQ(MORESTACK_SIDE_SP_TLS_OFFSET, MORESTACK_GLIBC_TCB_PRIVATE_TM + 16);
  EXPECT_EQ(MORESTACK_SIDE_LIMIT_TLS_OFFSET, MORESTACK_GLIBC_TCB_PRIVATE_TM + 24);
  EXPECT_LT(MORESTACK_SIDE_LIMIT_TLS_OFFSET, MORESTACK_GUARD_TLS_OFFSET);
}
