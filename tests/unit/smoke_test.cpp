#include <gtest/gtest.h>

#include "util/result.h"

TEST(Result, CarriesValueOrError) {
  cx::Result<int> a = 3;
  cx::Result<int> b = cx::make_error("bad", "fix it");
  EXPECT_TRUE(a.ok());
  EXPECT_EQ(*a, 3);
  EXPECT_FALSE(b.ok());
  EXPECT_EQ(b.error().hint, "fix it");
}
