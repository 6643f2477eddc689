#include "broker/responses.h"

#include <gtest/gtest.h>

#include <string>

namespace cx::broker {
namespace {

// Splits a response into head and body and checks Content-Length.
std::string body_of(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  EXPECT_NE(end, std::string::npos);
  const std::string head = response.substr(0, end);
  const std::string body = response.substr(end + 4);
  const size_t cl = head.find("Content-Length: ");
  if (cl != std::string::npos) {
    EXPECT_EQ(std::stoul(head.substr(cl + 16)), body.size()) << response;
  }
  return body;
}

TEST(Responses, Forbidden) {
  const std::string r = forbidden("not in the allowlist");
  EXPECT_EQ(r.rfind("HTTP/1.1 403 Forbidden\r\n", 0), 0u);
  EXPECT_NE(r.find("\r\nX-Cx-Denied: not in the allowlist\r\n"), std::string::npos);
  EXPECT_NE(r.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_EQ(body_of(r), "cx: denied: not in the allowlist\n");
}

TEST(Responses, ReasonCannotInjectHeaders) {
  const std::string r = forbidden("evil\r\nSet-Cookie: x=1\r\n\r\nbody");
  EXPECT_EQ(r.find("\r\nSet-Cookie"), std::string::npos);
  EXPECT_NE(r.find("X-Cx-Denied: evil??Set-Cookie: x=1????body\r\n"), std::string::npos);
  EXPECT_EQ(body_of(bad_request(std::string_view("a\0b\n", 4))), "cx: a?b?\n");
}

TEST(Responses, StatusLines) {
  EXPECT_EQ(bad_request("malformed request line").rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u);
  EXPECT_EQ(not_found().rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  EXPECT_EQ(request_timeout().rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u);
  EXPECT_EQ(uri_too_long("x").rfind("HTTP/1.1 414 URI Too Long\r\n", 0), 0u);
  EXPECT_EQ(
      header_fields_too_large("x").rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0),
      0u);
  EXPECT_EQ(bad_gateway("could not resolve a.com").rfind("HTTP/1.1 502 Bad Gateway\r\n", 0), 0u);
  EXPECT_EQ(body_of(bad_gateway("could not resolve a.com")), "cx: could not resolve a.com\n");
  const std::string m = method_not_allowed("GET, HEAD");
  EXPECT_EQ(m.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u);
  EXPECT_NE(m.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos);
  body_of(m);
  body_of(request_timeout());
  body_of(not_found());
}

TEST(Responses, ForHeadError) {
  EXPECT_EQ(for_head_error(400, "x"), bad_request("x"));
  EXPECT_EQ(for_head_error(414, "x"), uri_too_long("x"));
  EXPECT_EQ(for_head_error(431, "x"), header_fields_too_large("x"));
}

TEST(Responses, ConnectionEstablished) {
  EXPECT_EQ(connection_established(), "HTTP/1.1 200 Connection established\r\n\r\n");
}

TEST(Responses, JsonOk) {
  const std::string r = json_ok("{\"a\":1}");
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(r.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(r.find("Cache-Control: no-store\r\n"), std::string::npos);
  EXPECT_EQ(body_of(r), "{\"a\":1}");
}

}  // namespace
}  // namespace cx::broker
