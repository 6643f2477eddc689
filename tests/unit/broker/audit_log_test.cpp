#include "broker/audit_log.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "broker_test_support.h"

namespace cx::broker {
namespace {

class FixedClock final : public Clock {
 public:
  SystemTime now() const override { return SystemTime(std::chrono::seconds(1700000000)); }
};

std::vector<nlohmann::json> lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

AuditEvent denied(std::string host) {
  AuditEvent e;
  e.host = std::move(host);
  e.port = 443;
  e.reason = "not in the allowlist";
  return e;
}

AuditEvent malformed(std::string target) {
  AuditEvent e;
  e.malformed = true;
  e.target = std::move(target);
  e.reason = "CONNECT target: port is greater than 65535";
  return e;
}

TEST(AuditLog, MalformedRequestsNameTheirTargetInTheLogAndTheSummary) {
  testing::TempDir dir;
  FixedClock clock;
  auto log = AuditLog::open(dir.path + "/s.jsonl", clock);
  ASSERT_TRUE(log.ok()) << log.error().message;
  for (int i = 0; i < 3; ++i) (*log)->broker_event(malformed("evil.example:99999"));
  (*log)->broker_event(malformed(""));
  (*log)->broker_event(denied("statsig.anthropic.com"));
  (*log)->broker_event(malformed(std::string(150, 'x')));

  const auto json = lines(dir.path + "/s.jsonl");
  ASSERT_EQ(json.size(), 6u);
  EXPECT_EQ(json[0]["event"], "egress");
  EXPECT_EQ(json[0]["malformed"], true);
  EXPECT_EQ(json[0]["target"], "evil.example:99999");
  EXPECT_EQ(json[0]["host"], "");
  EXPECT_EQ(json[0]["allowed"], false);
  EXPECT_FALSE(json[4].contains("malformed"));
  EXPECT_FALSE(json[4].contains("target"));
  EXPECT_EQ(json[4]["host"], "statsig.anthropic.com");

  const std::string summary = (*log)->summary(std::chrono::seconds(65));
  EXPECT_NE(summary.find("egress 0 allowed, 6 denied ("), std::string::npos) << summary;
  EXPECT_NE(summary.find("evil.example:99999 (malformed) \u00d73"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("? \u00d7"), std::string::npos) << summary;
  EXPECT_NE(summary.find(", ..."), std::string::npos) << summary;  // four kinds, three shown
}

TEST(AuditLog, SummaryShowsEmptyAndLongMalformedRequests) {
  testing::TempDir dir;
  FixedClock clock;
  auto log = AuditLog::open(dir.path + "/s.jsonl", clock);
  ASSERT_TRUE(log.ok()) << log.error().message;
  (*log)->broker_event(malformed(""));
  (*log)->broker_event(malformed(std::string(150, 'x')));
  const std::string summary = (*log)->summary(std::chrono::seconds(5));
  EXPECT_NE(summary.find("(empty request) \u00d71"), std::string::npos) << summary;
  EXPECT_NE(summary.find(std::string(80, 'x') + "... (malformed) \u00d71"), std::string::npos)
      << summary;
  EXPECT_EQ(summary.find(std::string(81, 'x')), std::string::npos) << summary;
}

}  // namespace
}  // namespace cx::broker
