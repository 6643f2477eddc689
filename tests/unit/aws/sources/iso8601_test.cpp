#include "aws/sources/iso8601.h"

#include <gtest/gtest.h>

namespace cx::aws::sources {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

SystemTime at(long long epoch_seconds) { return SystemTime(seconds(epoch_seconds)); }

TEST(Iso8601, ParsesTheFormsAwsWrites) {
  EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00Z"), at(1714564800));
  EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00.250Z"), at(1714564800) + milliseconds(250));
  EXPECT_EQ(parse_iso8601("2024-05-01T14:00:00+02:00"), at(1714564800));
  EXPECT_EQ(parse_iso8601("2024-05-01T07:30:00-0430"), at(1714564800));
  EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00UTC"), at(1714564800));  // older aws sso login
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00Z"), at(0));
  EXPECT_EQ(parse_iso8601("2024-02-29T00:00:00Z"), at(1709164800));  // leap day
}

TEST(Iso8601, RejectsIncompleteOrInvalid) {
  for (const char* bad :
       {"", "garbage", "2024-05-01", "2024-05-01T12:00:00",  // no zone
        "2024-05-01T12:00Z", "2024-13-01T12:00:00Z", "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z",
        "2024-05-01T12:00:00Zjunk", "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+2"})
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
}

TEST(Iso8601, FormatsUtcWholeSecondsAndRoundTrips) {
  EXPECT_EQ(format_iso8601(at(1714564800) + milliseconds(999)), "2024-05-01T12:00:00Z");
  EXPECT_EQ(format_iso8601(at(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(parse_iso8601(format_iso8601(at(1893456000))), at(1893456000));
}

}  // namespace
}  // namespace cx::aws::sources
