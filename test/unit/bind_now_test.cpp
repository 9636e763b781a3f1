// runtime/bind_now.cpp: the runtime binds the libraries' lazy PLT slots at
// start-up, to exactly what the dynamic linker would bind them to.
#include "bind_now.h"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using morestack::bind_loaded_modules;
using morestack::BindCounts;

// The runtime's __libc_start_main bound everything already: a second pass
// finds nothing to write (without the start-up pass, libstdc++'s and gtest's
// slots would still point at their PLT stubs here).
TEST(BindNow, StartUpLeftNothingLazy) {
  if (getenv("LD_BIND_NOW")) GTEST_SKIP() << "the dynamic linker bound everything";
  BindCounts c = bind_loaded_modules(/*verify=*/false);
  EXPECT_GT(c.slots, 500u);  // libstdc++ alone has about 1000
  EXPECT_EQ(c.bound, 0u);
}

// Under LD_BIND_NOW=1 the dynamic linker binds every slot itself; our
// lookup must give the same address for each (printed otherwise).
TEST(BindNow, VerifyUnderBindNow) {
  if (!getenv("LD_BIND_NOW")) GTEST_SKIP() << "run by MatchesTheDynamicLinker";
  BindCounts c = bind_loaded_modules(/*verify=*/true);
  EXPECT_GT(c.slots, 500u);
  EXPECT_EQ(c.mismatched, 0u);
}

TEST(BindNow, MatchesTheDynamicLinker) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setenv("LD_BIND_NOW", "1", 1);
    execl("/proc/self/exe", "morestack_unit", "--gtest_filter=BindNow.VerifyUnderBindNow", (char *)nullptr);
    _exit(127);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

} // namespace
