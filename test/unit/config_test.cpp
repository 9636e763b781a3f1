// Unit tests of configuration parsing and the setter API (runtime/config.h).
#include "config.h"

#include <morestack/morestack.h>

#include <errno.h>
#include <gtest/gtest.h>

using namespace morestack;

namespace {

TEST(Config, ParseSize) {
  size_t v = 0;
  EXPECT_TRUE(parse_size("4096", &v));
  EXPECT_EQ(v, 4096u);
  EXPECT_TRUE(parse_size("2K", &v));
  EXPECT_EQ(v, 2048u);
  EXPECT_TRUE(parse_size("3m", &v));
  EXPECT_EQ(v, 3u << 20);
  EXPECT_TRUE(parse_size("1G", &v));
  EXPECT_EQ(v, size_t(1) << 30);
  for (const char *bad : {"", "K", "-1", "12Q", "1KB", "1.5M", "99999999999999999999G"})
    EXPECT_FALSE(parse_size(bad, &v)) << bad;
}

TEST(Config, RoundUpPow2) {
  EXPECT_EQ(round_up_pow2(1), 2048u);
  EXPECT_EQ(round_up_pow2(2048), 2048u);
  EXPECT_EQ(round_up_pow2(2049), 4096u);
}

TEST(Config, SettersValidate) {
  size_t fiber = morestack_fiber_stack_size();
  EXPECT_EQ(morestack_set_fiber_stack_size(1024), EINVAL) << "below 2 KiB";
  EXPECT_EQ(morestack_fiber_stack_size(), fiber) << "a rejected value changes nothing";
  EXPECT_EQ(morestack_set_fiber_stack_size(5000), 0);
  EXPECT_EQ(morestack_fiber_stack_size(), 8192u) << "rounded up to a power of two";
  EXPECT_EQ(morestack_set_fiber_stack_size(fiber), 0);

  size_t max = morestack_max_stack_size();
  EXPECT_EQ(morestack_set_max_stack_size(1024), EINVAL);
  EXPECT_EQ(morestack_set_fiber_stack_size(max * 2), EINVAL) << "above the maximum";
  EXPECT_EQ(morestack_set_nonsplit_reserve(max), EINVAL);
  size_t reserve = morestack_nonsplit_reserve();
  EXPECT_EQ(morestack_set_nonsplit_reserve(8192), 0);
  EXPECT_EQ(morestack_nonsplit_reserve(), 8192u);
  EXPECT_EQ(morestack_set_nonsplit_reserve(reserve), 0);
}

} // namespace
