#include "broker/lifeline.h"

#include <gtest/gtest.h>

#include "broker/broker.h"
#include "broker_test_support.h"

namespace cx::broker {
namespace {

using namespace testing;

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 2000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

struct LifelineHarness {
  TempDir dir;
  std::unique_ptr<Broker> broker;
  LifelineHarness() {
    BrokerConfig config;
    config.directory = dir.path;
    broker = std::make_unique<Broker>(std::move(config));
    EXPECT_TRUE(broker->start().ok());
  }
};

TEST(Lifeline, HeldOpenAndCountedUntilStop) {
  LifelineHarness h;
  EXPECT_EQ(h.broker->lifeline_connections(), 0);
  Fd a = connect_unix(h.broker->lifeline_socket());
  Fd b = connect_unix(h.broker->lifeline_socket());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(wait_until([&] { return h.broker->lifeline_connections() == 2; }));
  // What the client sends is read and dropped; nothing comes back.
  send_all(a.fd, "anything\n");
  ReadResult quiet = read_until(a.fd, "x", 100ms);
  EXPECT_EQ(quiet.data, "");
  EXPECT_FALSE(quiet.eof);

  h.broker->stop();
  EXPECT_TRUE(read_to_eof(a.fd, 1000ms).eof);
  EXPECT_TRUE(read_to_eof(b.fd, 1000ms).eof);
  EXPECT_EQ(h.broker->lifeline_connections(), 0);
}

TEST(Lifeline, ClientThatLeavesIsUncounted) {
  LifelineHarness h;
  {
    Fd a = connect_unix(h.broker->lifeline_socket());
    EXPECT_TRUE(wait_until([&] { return h.broker->lifeline_connections() == 1; }));
  }
  EXPECT_TRUE(wait_until([&] { return h.broker->lifeline_connections() == 0; }));
}

TEST(Lifeline, DestroyingTheBrokerClosesTheLifeline) {
  auto h = std::make_unique<LifelineHarness>();
  Fd a = connect_unix(h->broker->lifeline_socket());
  EXPECT_TRUE(wait_until([&] { return h->broker->lifeline_connections() == 1; }));
  h->broker.reset();
  EXPECT_TRUE(read_to_eof(a.fd, 1000ms).eof);
}

}  // namespace
}  // namespace cx::broker
