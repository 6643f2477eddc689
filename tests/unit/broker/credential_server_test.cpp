#include "broker/credential_server.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "broker/broker.h"
#include "broker/ecs_credentials.h"
#include "broker_test_support.h"
#include "util/iso8601.h"

namespace cx::broker {
namespace {

using namespace testing;

constexpr std::string_view kToken = "0123456789abcdef0123456789abcdef";

aws::Credentials role_credentials(std::chrono::seconds valid_for) {
  aws::Credentials c;
  c.access_key_id = "ASIAEXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/secret";
  c.session_token = "session-token-value";
  c.expiration = std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::system_clock::now() + valid_for);
  return c;
}

struct CredsHarness {
  TempDir dir;
  AuditLog audit;
  SystemClock clock;
  CredentialVendor vendor;
  std::unique_ptr<Broker> broker;

  explicit CredsHarness(std::chrono::seconds valid_for = std::chrono::hours(1))
      : vendor([] { return Result<aws::Credentials>(make_error("STS is down")); },
               role_credentials(valid_for), clock, VendorOptions{}) {
    // Not started: no renewals; stop() makes current() answer at once.
    vendor.stop();
    BrokerConfig config;
    config.directory = dir.path;
    config.vendor = &vendor;
    config.token = std::string(kToken);
    config.audit = audit.sink();
    config.resolver = std::make_shared<FakeResolver>();
    broker = std::make_unique<Broker>(std::move(config));
    Status st = broker->start();
    EXPECT_TRUE(st.ok());
  }

  ReadResult get(const std::string& request) {
    Fd c = connect_unix(broker->credentials_socket());
    send_all(c.fd, request);
    return read_to_eof(c.fd);
  }
};

std::string request(std::string_view method, std::string_view path,
                    std::optional<std::string_view> token) {
  std::string r = std::string(method) + " " + std::string(path) +
                  " HTTP/1.1\r\nHost: 127.0.0.1:9911\r\nUser-Agent: aws-sdk-js/3\r\n";
  if (token) r += "Authorization: " + std::string(*token) + "\r\n";
  return r + "\r\n";
}

std::string body_of(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

TEST(CredentialServer, RightTokenGetsTheVendorsCredentials) {
  CredsHarness h;
  ReadResult r = h.get(request("GET", kCredentialsPath, kToken));
  ASSERT_TRUE(r.data.starts_with("HTTP/1.1 200 OK\r\n")) << r.data;
  EXPECT_NE(r.data.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(r.data.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(r.eof);
  const auto json = nlohmann::json::parse(body_of(r.data));
  const aws::Credentials expected = *h.vendor.current();
  EXPECT_EQ(json["AccessKeyId"], "ASIAEXAMPLE");
  EXPECT_EQ(json["SecretAccessKey"], expected.secret_access_key);
  EXPECT_EQ(json["Token"], expected.session_token);
  EXPECT_EQ(json["Expiration"], format_iso8601(*expected.expiration));

  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  const AuditEvent& e = events[0];
  EXPECT_EQ(e.kind, AuditEvent::Kind::credentials);
  EXPECT_TRUE(e.allowed);
  EXPECT_EQ(e.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(e.expiration, expected.expiration);
  for (const std::string* field : {&e.reason, &e.message, &e.host, &e.address}) {
    EXPECT_EQ(field->find("secret"), std::string::npos);
    EXPECT_EQ(field->find("session-token"), std::string::npos);
  }
}

TEST(CredentialServer, HeadGetsTheHeadersOnly) {
  CredsHarness h;
  ReadResult r = h.get(request("HEAD", kCredentialsPath, kToken));
  ASSERT_TRUE(r.data.starts_with("HTTP/1.1 200 OK\r\n")) << r.data;
  EXPECT_TRUE(r.data.ends_with("\r\n\r\n"));
  EXPECT_EQ(r.data.find("secret"), std::string::npos);
}

TEST(CredentialServer, WrongOrMissingTokenGets403) {
  CredsHarness h;
  const std::string wrong(kToken.size(), 'f');
  for (const std::optional<std::string_view> token :
       {std::optional<std::string_view>(wrong), std::optional<std::string_view>("Bearer x"),
        std::optional<std::string_view>()}) {
    ReadResult r = h.get(request("GET", kCredentialsPath, token));
    EXPECT_TRUE(r.data.starts_with("HTTP/1.1 403 Forbidden\r\n")) << r.data;
    EXPECT_EQ(r.data.find("ASIA"), std::string::npos);
  }
  auto events = h.audit.wait_for(3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_FALSE(events[0].allowed);
  EXPECT_EQ(events[0].reason, "bad or missing token");
}

TEST(CredentialServer, OtherPathGets404AndOtherMethod405) {
  CredsHarness h;
  EXPECT_TRUE(h.get(request("GET", "/latest/meta-data/", kToken)).data.starts_with("HTTP/1.1 404"));
  EXPECT_TRUE(h.get(request("GET", std::string(kCredentialsPath) + "?role=admin", kToken))
                  .data.starts_with("HTTP/1.1 404"));
  ReadResult r = h.get(request("POST", kCredentialsPath, kToken));
  EXPECT_TRUE(r.data.starts_with("HTTP/1.1 405")) << r.data;
  EXPECT_NE(r.data.find("Allow: GET, HEAD\r\n"), std::string::npos);
}

TEST(CredentialServer, ProxyFormRequestGets400) {
  CredsHarness h;
  EXPECT_TRUE(h.get("GET http://127.0.0.1:9911/cx/credentials HTTP/1.1\r\n\r\n")
                  .data.starts_with("HTTP/1.1 400"));
}

TEST(CredentialServer, CredentialsAboutToExpireGet503) {
  CredsHarness h(std::chrono::seconds(30));  // within the 60 s floor, renewal failing
  ReadResult r = h.get(request("GET", kCredentialsPath, kToken));
  EXPECT_TRUE(r.data.starts_with("HTTP/1.1 503 Service Unavailable\r\n")) << r.data;
  EXPECT_EQ(r.data.find("ASIA"), std::string::npos);
  auto events = h.audit.wait_for(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].allowed);
  EXPECT_NE(events[0].reason.find("expire"), std::string::npos);
}

TEST(CredentialServer, NoVendorMeansNoSocket) {
  TempDir dir;
  BrokerConfig config;
  config.directory = dir.path;
  Broker broker(std::move(config));
  ASSERT_TRUE(broker.start().ok());
  EXPECT_FALSE(connect_unix(broker.credentials_socket()).ok());
  EXPECT_TRUE(connect_unix(broker.proxy_socket()).ok());
}

}  // namespace
}  // namespace cx::broker
