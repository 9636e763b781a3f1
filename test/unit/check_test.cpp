// test/unit/check_test.cpp: MS_CHECK (runtime/fatal.h), which this file
// turns on for every unit test: checks are on in tests.
#include "fatal.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

namespace {

// Before main, and so before any test (fatal.h: checks only go from off to on).
const bool checks_turned_on = (__atomic_store_n(&morestack::checks_on, true, __ATOMIC_RELAXED), true);

int evaluated;
bool note_evaluation() {
  ++evaluated;
  return true;
}

} // namespace

TEST(Check, OnInTests) {
  EXPECT_TRUE(checks_turned_on);
  EXPECT_TRUE(morestack::checks_on);
  evaluated = 0;
  MS_CHECK(note_evaluation());
  EXPECT_EQ(evaluated, 1);
}

TEST(Check, AFailureNamesFileLineAndCondition) {
  const int line = __LINE__ + 1;
  EXPECT_DEATH(MS_CHECK(1 + 1 == 3),
               "morestack: fatal: internal check failed at check_test.cpp:" + std::to_string(line) +
                   ": 1 \\+ 1 == 3");
}

// Off (a child process: checks stay on here), the condition is not evaluated.
TEST(Check, OffEvaluatesNothing) {
  EXPECT_EXIT(
      {
        morestack::checks_on = false;
        evaluated = 0;
        MS_CHECK(note_evaluation());
        MS_CHECK(false);
        exit(evaluated);
      },
      testing::ExitedWithCode(0), "");
}
