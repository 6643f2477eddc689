#include "aws/sts_retry.h"

#include <gtest/gtest.h>

namespace cx::aws {
namespace {

TEST(StsRetry, FullJitterGrowsExponentiallyUpToTheCap) {
  RetryPolicy p;  // 200 ms base, 5 s cap
  EXPECT_EQ(backoff_delay(p, 0, 1.0), Millis(200));
  EXPECT_EQ(backoff_delay(p, 1, 1.0), Millis(400));
  EXPECT_EQ(backoff_delay(p, 3, 1.0), Millis(1600));
  EXPECT_EQ(backoff_delay(p, 5, 1.0), Millis(5000));
  EXPECT_EQ(backoff_delay(p, 1000, 1.0), Millis(5000));
  EXPECT_EQ(backoff_delay(p, 2, 0.5), Millis(400));
  EXPECT_EQ(backoff_delay(p, 2, 0.0), Millis(0));
}

TEST(StsRetry, RealHooksGiveNumbersInRange) {
  auto hooks = RetryHooks::real();
  for (int i = 0; i < 100; ++i) {
    double u = hooks.uniform();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
  auto t0 = hooks.now();
  hooks.sleep(Millis(1));
  EXPECT_GE(hooks.now() - t0, Millis(1));
}

}  // namespace
}  // namespace cx::aws
