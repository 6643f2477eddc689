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


namespace cx {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

SystemTime at(long long epoch_seconds) { return SystemTime(seconds(epoch_seconds)); }

TEST(Iso8601AwsForms, ParsesTheFormsAwsWrites) {
  EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00Z"), at(1714564800));
  EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00.250Z"), at(1714564800) + milliseconds(250));
  EXPECT_EQ(parse_iso8601("2024-05-01T14:00:00+02:00"), at(1714564800));
  EXPECT_EQ(parse_iso8601("2024-05-01T07:30:00-0430"), at(1714564800));
  EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00UTC"), at(1714564800));  // older aws sso login
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00Z"), at(0));
  EXPECT_EQ(parse_iso8601("2024-02-29T00:00:00Z"), at(1709164800));  // leap day
}

TEST(Iso8601AwsForms, RejectsIncompleteOrInvalid) {
  for (const char* bad :
       {"", "garbage", "2024-05-01", "2024-05-01T12:00:00",  // no zone
        "2024-05-01T12:00Z", "2024-13-01T12:00:00Z", "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z",
        "2024-05-01T12:00:00Zjunk", "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+2"})
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
}

TEST(Iso8601AwsForms, FormatsUtcWholeSecondsAndRoundTrips) {
  EXPECT_EQ(format_iso8601(at(1714564800) + milliseconds(999)), "2024-05-01T12:00:00Z");
  EXPECT_EQ(format_iso8601(at(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(parse_iso8601(format_iso8601(at(1893456000))), at(1893456000));
}

}  // namespace
}  // namespace cx
