#include "broker/credential_vendor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace cx::broker {
namespace {

using namespace std::chrono_literals;

class FakeClock : public Clock {
 public:
  SystemTime now() const override { return t; }
  SystemTime t = SystemTime(std::chrono::hours(500000));
};

aws::Credentials creds(const std::string& id, SystemTime expiry) {
  aws::Credentials c;
  c.access_key_id = id;
  c.secret_access_key = "secret-" + id;
  c.session_token = "token-" + id;
  c.expiration = expiry;
  return c;
}

struct Harness {
  FakeClock clock;
  int calls = 0;
  bool fail = false;
  std::vector<std::string> warnings;
  std::chrono::seconds lifetime{3600};
  std::unique_ptr<CredentialVendor> vendor;

  explicit Harness(VendorOptions opts = {}) {
    vendor = std::make_unique<CredentialVendor>(
        [this]() -> Result<aws::Credentials> {
          ++calls;
          if (fail) return make_error("STS said no");
          return creds("AKID" + std::to_string(calls), clock.t + lifetime);
        },
        creds("AKID0", clock.t + lifetime), clock, opts,
        [this](const std::string& w) { warnings.push_back(w); });
  }
};

TEST(CredentialVendor, RenewsRefreshMarginBeforeExpiry) {
  VendorOptions opts;
  opts.refresh_margin = 2000s;  // more than half of the 3600 s life
  Harness h(opts);
  EXPECT_EQ(h.vendor->refresh_at(), h.clock.t + 3600s - 2000s);
  h.clock.t += 1599s;
  h.vendor->step();
  EXPECT_EQ(h.calls, 0);
  h.clock.t += 1s;
  h.vendor->step();
  EXPECT_EQ(h.calls, 1);
  EXPECT_EQ(h.vendor->current()->access_key_id, "AKID1");
}

TEST(CredentialVendor, RenewsHalfWayWhenThatComesFirst) {
  Harness h;  // margin 900 s, life 3600 s: half-way (1800 s) comes first
  EXPECT_EQ(h.vendor->refresh_at(), h.clock.t + 1800s);
}

TEST(CredentialVendor, ShortLivedCredentialsWithALongMarginRenewSoon) {
  // AWS_SESSION_DURATION=900 with CX_REFRESH_MARGIN=890: renewed after 10 s.
  VendorOptions opts;
  opts.refresh_margin = 890s;
  Harness h(opts);
  h.lifetime = 900s;
  h.clock.t += 1800s;  // the initial 3600 s credentials are due half-way
  h.vendor->step();
  ASSERT_EQ(h.calls, 1);
  EXPECT_EQ(h.vendor->refresh_at(), h.clock.t + 10s);
}

TEST(CredentialVendor, FailedRenewalKeepsServingValidCredentialsAndWarnsOnce) {
  Harness h;
  h.fail = true;
  h.clock.t += 1800s;
  auto wait1 = h.vendor->step();
  EXPECT_EQ(wait1, 2000ms);
  h.clock.t += 2s;
  auto wait2 = h.vendor->step();
  EXPECT_EQ(wait2, 4000ms);
  EXPECT_EQ(h.calls, 2);
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_NE(h.warnings[0].find("STS said no"), std::string::npos);
  EXPECT_EQ(h.vendor->current()->access_key_id, "AKID0");
  // Before the retry time nothing is called.
  h.clock.t += 1s;
  h.vendor->step();
  EXPECT_EQ(h.calls, 2);
  h.fail = false;
  h.clock.t += 3s;
  h.vendor->step();
  EXPECT_EQ(h.calls, 3);
  EXPECT_EQ(h.vendor->current()->access_key_id, "AKID3");
}

TEST(CredentialVendor, NeverServesCredentialsAboutToExpire) {
  Harness h;
  h.fail = true;
  h.clock.t += 3600s - 60s;
  auto r = h.vendor->current(0ms);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("expire within 60 s"), std::string::npos);
  h.clock.t -= 1s;
  EXPECT_TRUE(h.vendor->current(0ms).ok());
}

TEST(CredentialVendor, RetryBackoffIsCapped) {
  Harness h;
  h.fail = true;
  h.clock.t += 1800s;
  std::chrono::milliseconds last{};
  for (int i = 0; i < 12; ++i) {
    last = h.vendor->step();
    h.clock.t += last;
  }
  EXPECT_EQ(last, 60000ms);
  EXPECT_EQ(h.warnings.size(), 1u);
}

TEST(CredentialVendor, ConcurrentRequestsDuringARenewalCauseOneCall) {
  SystemClock clock;
  std::atomic<int> calls{0};
  CredentialVendor vendor(
      [&]() -> Result<aws::Credentials> {
        ++calls;
        std::this_thread::sleep_for(200ms);
        return creds("NEW", clock.now() + 3600s);
      },
      // Already inside the refresh window and nearly expired.
      creds("OLD", clock.now() + 30s), clock, {});
  vendor.start();
  std::vector<std::thread> clients;
  std::atomic<int> served_new{0};
  for (int i = 0; i < 16; ++i)
    clients.emplace_back([&] {
      auto c = vendor.current(5s);
      if (c.ok() && c->access_key_id == "NEW") ++served_new;
    });
  for (auto& t : clients) t.join();
  vendor.stop();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(served_new.load(), 16);
}

TEST(CredentialVendor, UnservableFreshCredentialsAreAFailureNotALoop) {
  Harness h;
  h.lifetime = 60s;  // every renewal returns credentials at the 60 s floor
  h.clock.t += 1800s;
  auto wait = h.vendor->step();
  EXPECT_EQ(h.calls, 1);
  EXPECT_EQ(wait, 2000ms);  // backoff, not an immediate retry
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_NE(h.warnings[0].find("AWS_SESSION_DURATION is too short"), std::string::npos);
  EXPECT_EQ(h.vendor->current()->access_key_id, "AKID0");  // the old ones still serve
}

}  // namespace
}  // namespace cx::broker
