#include "util/iso8601.h"

#include <gtest/gtest.h>

namespace cx {
namespace {

using namespace std::chrono;

TEST(Iso8601, ParsesTheFormsAwsSends) {
  auto t = parse_iso8601("2024-05-01T12:34:56Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->time_since_epoch(), duration_cast<SystemTime::duration>(seconds(1714566896)));
  EXPECT_EQ(*parse_iso8601("2024-05-01T12:34:56.500Z") - *t, milliseconds(500));
  EXPECT_EQ(*parse_iso8601("2024-05-01T14:34:56+02:00"), *t);
  EXPECT_EQ(*parse_iso8601("2024-05-01T07:34:56-0500"), *t);
  EXPECT_EQ(*parse_iso8601("2024-05-01t12:34:56z"), *t);
}

TEST(Iso8601, RefusesMalformedTimes) {
  for (const char* bad :
       {"", "2024-05-01", "2024-05-01T12:34:56", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
        "2024-05-01T24:00:00Z", "2024-05-01T12:34:56Zx", "2024-05-01T12:34:56.Z", "yesterday"}) {
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
  }
}

TEST(Iso8601, FormatsWholeSecondsInUtc) {
  EXPECT_EQ(format_iso8601(*parse_iso8601("2024-05-01T12:34:56.999Z")), "2024-05-01T12:34:56Z");
  EXPECT_EQ(format_iso8601(SystemTime{}), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace cx
