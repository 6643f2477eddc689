#include "broker/http_head.h"

#include <gtest/gtest.h>

#include <string>

namespace cx::broker {
namespace {

using State = HeadParser::State;

HeadParser parse(std::string_view bytes, ParseMode mode = ParseMode::proxy,
                 HeadLimits limits = {}) {
  HeadParser p(mode, limits);
  p.feed(bytes);
  return p;
}

// Expects the head to be refused with `status` and a reason containing `says`.
void refused(std::string_view bytes, int status, std::string_view says,
             ParseMode mode = ParseMode::proxy) {
  const HeadParser p = parse(bytes, mode);
  ASSERT_EQ(p.state(), State::failed) << bytes;
  EXPECT_EQ(p.error().status, status) << p.error().reason;
  EXPECT_NE(p.error().reason.find(says), std::string::npos) << p.error().reason;
}

const RequestHead& complete(const HeadParser& p) {
  EXPECT_EQ(p.state(), State::complete)
      << (p.state() == State::failed ? p.error().reason : "incomplete");
  return p.head();
}

constexpr std::string_view kConnect =
    "CONNECT bedrock-runtime.us-east-1.amazonaws.com:443 HTTP/1.1\r\n"
    "Host: bedrock-runtime.us-east-1.amazonaws.com:443\r\n"
    "Proxy-Connection: keep-alive\r\n\r\n";

constexpr std::string_view kPost =
    "POST http://127.0.0.2:8080/model/m/invoke?x=1 HTTP/1.1\r\n"
    "Host: 127.0.0.2:8080\r\n"
    "Content-Type: application/json\r\n"
    "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
    "Proxy-Connection: keep-alive\r\n"
    "Connection: keep-alive, X-Drop-Me\r\n"
    "X-Drop-Me: 1\r\n"
    "Keep-Alive: timeout=5\r\n"
    "TE: trailers\r\n"
    "Upgrade: h2c\r\n"
    "X-Amz-Date: 20240101T000000Z\r\n"
    "Content-Length: 2\r\n\r\n{}";

TEST(HttpHead, Connect) {
  const HeadParser p = parse(kConnect);
  const RequestHead& h = complete(p);
  EXPECT_EQ(h.method, "CONNECT");
  EXPECT_EQ(h.form, TargetForm::authority);
  EXPECT_EQ(authority_text(h.target), "bedrock-runtime.us-east-1.amazonaws.com:443");
  EXPECT_EQ(h.version, "HTTP/1.1");
  EXPECT_EQ(h.headers.size(), 2u);
  EXPECT_EQ(*h.header("PROXY-connection"), "keep-alive");
}

TEST(HttpHead, ConnectTargetIsCanonicalised) {
  const HeadParser p = parse("CONNECT EXAMPLE.com.:443 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(authority_text(complete(p).target), "example.com:443");
  const HeadParser q = parse("CONNECT 2130706433:443 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(complete(q).target.host, (Host{HostKind::ipv4, "127.0.0.1"}));
  const HeadParser r = parse("CONNECT [::ffff:127.0.0.1]:443 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(complete(r).target.host, (Host{HostKind::ipv6, "::ffff:127.0.0.1"}));
}

TEST(HttpHead, ConnectNeedsAuthorityForm) {
  refused("CONNECT example.com HTTP/1.1\r\n\r\n", 400, "no port");
  refused("CONNECT http://example.com:443/ HTTP/1.1\r\n\r\n", 400, "CONNECT target");
  refused("CONNECT /x HTTP/1.1\r\n\r\n", 400, "CONNECT target");
  refused("CONNECT example.com:0x1bb HTTP/1.1\r\n\r\n", 400, "port");
  refused("CONNECT example.com:65536 HTTP/1.1\r\n\r\n", 400, "port");
}

TEST(HttpHead, ConnectUserinfoRefused) {
  refused("CONNECT user@bedrock-runtime.us-east-1.amazonaws.com:443 HTTP/1.1\r\n\r\n", 400,
          "userinfo");
}

TEST(HttpHead, ConnectPercentNulRefused) {
  refused("CONNECT host%00.evil:443 HTTP/1.1\r\n\r\n", 400, "%");
}

TEST(HttpHead, ConnectZoneIdRefused) {
  refused("CONNECT [fe80::1%eth0]:443 HTTP/1.1\r\n\r\n", 400, "zone");
}

TEST(HttpHead, ConnectWithBodyFramingRefused) {
  refused("CONNECT a.com:443 HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 400, "CONNECT");
  refused("CONNECT a.com:443 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "CONNECT");
  EXPECT_EQ(parse("CONNECT a.com:443 HTTP/1.1\r\nContent-Length: 0\r\n\r\n").state(),
            State::complete);
}

TEST(HttpHead, AbsoluteForm) {
  const HeadParser p = parse(kPost);
  const RequestHead& h = complete(p);
  EXPECT_EQ(h.method, "POST");
  EXPECT_EQ(h.form, TargetForm::absolute);
  EXPECT_EQ(authority_text(h.target), "127.0.0.2:8080");
  EXPECT_EQ(h.path, "/model/m/invoke?x=1");
  EXPECT_EQ(h.content_length, 2u);
  EXPECT_FALSE(h.chunked);
}

TEST(HttpHead, StopsAtTheEndOfTheHead) {
  HeadParser p;
  const size_t used = p.feed(kPost);
  EXPECT_EQ(p.state(), State::complete);
  EXPECT_EQ(kPost.substr(used), "{}");
  // Nothing more is taken once complete.
  EXPECT_EQ(p.feed("more"), 0u);
}

TEST(HttpHead, AbsoluteFormDefaults) {
  const HeadParser p = parse("GET HTTP://Example.COM HTTP/1.1\r\n\r\n");
  const RequestHead& h = complete(p);
  EXPECT_EQ(authority_text(h.target), "example.com:80");
  EXPECT_EQ(h.path, "/");
  const HeadParser q = parse("GET http://example.com?q HTTP/1.0\r\n\r\n");
  EXPECT_EQ(complete(q).path, "/?q");
  EXPECT_EQ(complete(q).version, "HTTP/1.0");
}

TEST(HttpHead, AbsoluteFormRefusals) {
  refused("GET https://example.com/ HTTP/1.1\r\n\r\n", 400, "CONNECT");
  refused("GET ftp://example.com/ HTTP/1.1\r\n\r\n", 400, "http://");
  refused("GET http:///x HTTP/1.1\r\n\r\n", 400, "no host");
  refused("GET http://user@example.com/ HTTP/1.1\r\n\r\n", 400, "userinfo");
  refused("GET http://user:pw@example.com/ HTTP/1.1\r\n\r\n", 400, "userinfo");
  refused("CONNECT user:pw@example.com:443 HTTP/1.1\r\n\r\n", 400, "userinfo");
  refused("GET http://example.com/#frag HTTP/1.1\r\n\r\n", 400, "fragment");
  refused("GET http://example.com:+80/ HTTP/1.1\r\n\r\n", 400, "port");
  refused("GET http://[::1/ HTTP/1.1\r\n\r\n", 400, "URL host");
  refused("GET http://ex%41mple.com/ HTTP/1.1\r\n\r\n", 400, "%");
}

TEST(HttpHead, OriginFormRefusedByTheProxy) {
  refused("GET /path HTTP/1.1\r\nHost: example.com\r\n\r\n", 400, "origin-form");
  refused("OPTIONS * HTTP/1.1\r\n\r\n", 400, "http://");
}

TEST(HttpHead, OriginModeForTheCredentialEndpoint) {
  const HeadParser p =
      parse("GET /cx/credentials HTTP/1.1\r\nAuthorization: abc\r\n\r\n", ParseMode::origin);
  const RequestHead& h = complete(p);
  EXPECT_EQ(h.form, TargetForm::origin);
  EXPECT_EQ(h.path, "/cx/credentials");
  EXPECT_EQ(*h.header("authorization"), "abc");
  refused("GET http://x/ HTTP/1.1\r\n\r\n", 400, "path", ParseMode::origin);
  refused("CONNECT x:443 HTTP/1.1\r\n\r\n", 400, "path", ParseMode::origin);
}

TEST(HttpHead, MalformedRequestLines) {
  refused("GET  http://a/ HTTP/1.1\r\n\r\n", 400, "request line");
  refused("GET http://a/ HTTP/1.1 \r\n\r\n", 400, "request line");
  refused("GET http://a/\r\n\r\n", 400, "request line");
  refused("GET http://a/ HTTP/2.0\r\n\r\n", 400, "version");
  refused("GET http://a/ http/1.1\r\n\r\n", 400, "version");
  refused("G(T http://a/ HTTP/1.1\r\n\r\n", 400, "method");
  refused("GET http://a/\x01 HTTP/1.1\r\n\r\n", 400, "visible ASCII");
  refused("GET http://a/\xc3\xa9 HTTP/1.1\r\n\r\n", 400, "visible ASCII");
  refused("GET\thttp://a/ HTTP/1.1\r\n\r\n", 400, "request line");
}

TEST(HttpHead, LeadingEmptyLinesIgnored) {
  EXPECT_EQ(parse("\r\n\r\nCONNECT a.com:443 HTTP/1.1\r\n\r\n").state(), State::complete);
}

TEST(HttpHead, BareLfRefused) {
  refused("CONNECT a.com:443 HTTP/1.1\n\n", 400, "bare LF");
  refused("CONNECT a.com:443 HTTP/1.1\r\nX: y\n\r\n", 400, "bare LF");
}

TEST(HttpHead, BareCrRefused) {
  refused("CONNECT a.com:443 HTTP/1.1\r\nX: a\rb\r\n\r\n", 400, "bare CR");
}

// A CR/LF smuggled in the target ends the request line: what follows is a
// header line, and the target itself has a space, so the line is malformed.
TEST(HttpHead, CrLfInTargetCannotInjectHeaders) {
  refused("CONNECT evil.com\r\nX: y:443 HTTP/1.1\r\n\r\n", 400, "request line");
}

TEST(HttpHead, ObsFoldRefused) {
  refused("GET http://a/ HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n", 400, "folding");
  refused("GET http://a/ HTTP/1.1\r\nX-A: 1\r\n\tcontinued\r\n\r\n", 400, "folding");
}

TEST(HttpHead, HeaderNamesValidated) {
  refused("GET http://a/ HTTP/1.1\r\nX A: 1\r\n\r\n", 400, "header name");
  refused("GET http://a/ HTTP/1.1\r\nContent-Length : 1\r\n\r\n", 400, "header name");
  refused("GET http://a/ HTTP/1.1\r\n: 1\r\n\r\n", 400, "header name");
  refused("GET http://a/ HTTP/1.1\r\nNoColon\r\n\r\n", 400, "`:`");
  refused("GET http://a/ HTTP/1.1\r\nX\x80: 1\r\n\r\n", 400, "header name");
}

TEST(HttpHead, HeaderValuesValidated) {
  refused(std::string_view("GET http://a/ HTTP/1.1\r\nX: a\0b\r\n\r\n", 34), 400, "control");
  refused("GET http://a/ HTTP/1.1\r\nX: a\x7f\r\n\r\n", 400, "control");
  const HeadParser p = parse("GET http://a/ HTTP/1.1\r\nX:  \tv a\t \r\nY:\r\n\r\n");
  EXPECT_EQ(*complete(p).header("x"), "v a");
  EXPECT_EQ(*complete(p).header("y"), "");
}

TEST(HttpHead, DuplicateContentLengthRefused) {
  refused("POST http://a/ HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400,
          "duplicate Content-Length");
}

TEST(HttpHead, ConflictingContentLengthRefused) {
  refused("POST http://a/ HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 6\r\n\r\n", 400,
          "duplicate Content-Length");
  refused("POST http://a/ HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n", 400,
          "malformed Content-Length");
}

TEST(HttpHead, MalformedContentLengthRefused) {
  for (const char* v : {"", "+5", "-1", "0x10", "5 5", "1e3", "99999999999999999999"}) {
    refused("POST http://a/ HTTP/1.1\r\nContent-Length: " + std::string(v) + "\r\n\r\n", 400,
            "Content-Length");
  }
}

TEST(HttpHead, ContentLengthWithTransferEncodingRefused) {
  refused("POST http://a/ HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
          "Transfer-Encoding together with Content-Length");
  refused("POST http://a/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400,
          "Transfer-Encoding together with Content-Length");
}

TEST(HttpHead, TransferEncodingMustEndInOneChunked) {
  const HeadParser p = parse("POST http://a/ HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n");
  EXPECT_TRUE(complete(p).chunked);
  const HeadParser q = parse(
      "POST http://a/ HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_TRUE(complete(q).chunked);
  for (const char* te : {"gzip", "chunked, gzip", "chunked, chunked", "chunked;x=1", "", "chunked,",
                         ", chunked", "xchunked", "identity"}) {
    refused("POST http://a/ HTTP/1.1\r\nTransfer-Encoding: " + std::string(te) + "\r\n\r\n", 400,
            "Transfer-Encoding");
  }
  refused(
      "POST http://a/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
      400, "single chunked");
}

TEST(HttpHead, TransferEncodingInHttp10Refused) {
  refused("POST http://a/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "HTTP/1.0");
}

TEST(HttpHead, HostMustMatchTheUrl) {
  EXPECT_EQ(parse("GET http://a.com/ HTTP/1.1\r\nHost: A.com.\r\n\r\n").state(), State::complete);
  EXPECT_EQ(parse("GET http://a.com/ HTTP/1.1\r\nHost: a.com:80\r\n\r\n").state(), State::complete);
  EXPECT_EQ(parse("GET http://a.com/ HTTP/1.1\r\n\r\n").state(), State::complete);
  refused("GET http://a.com/ HTTP/1.1\r\nHost: b.com\r\n\r\n", 400, "does not match");
  refused("GET http://a.com/ HTTP/1.1\r\nHost: a.com:8080\r\n\r\n", 400, "does not match");
  refused("GET http://a.com/ HTTP/1.1\r\nHost: a.com\r\nHost: a.com\r\n\r\n", 400,
          "more than one Host");
  refused("GET http://a.com/ HTTP/1.1\r\nHost: a.com@b.com\r\n\r\n", 400, "malformed Host");
}

TEST(HttpHead, ByteByByteHead) {
  for (std::string_view input : {kConnect, kPost}) {
    HeadParser p;
    size_t used = 0;
    for (size_t i = 0; i < input.size() && p.state() == State::incomplete; ++i) {
      used += p.feed(input.substr(i, 1));
    }
    ASSERT_EQ(p.state(), State::complete);
    const HeadParser whole = parse(input);
    EXPECT_EQ(p.head().headers.size(), whole.head().headers.size());
    EXPECT_EQ(p.head().target, whole.head().target);
    EXPECT_EQ(p.head().path, whole.head().path);
    EXPECT_EQ(origin_form_head(p.head()), origin_form_head(whole.head()));
    EXPECT_EQ(input.substr(used), input == kPost ? "{}" : "");
  }
}

TEST(HttpHead, EverySplitPointGivesTheSameHead) {
  const std::string expected = origin_form_head(parse(kPost).head());
  for (size_t cut = 0; cut <= kPost.size(); ++cut) {
    HeadParser p;
    size_t used = p.feed(kPost.substr(0, cut));
    used += p.feed(kPost.substr(used));
    ASSERT_EQ(p.state(), State::complete) << cut;
    EXPECT_EQ(origin_form_head(p.head()), expected) << cut;
    EXPECT_EQ(used, kPost.size() - 2) << cut;
  }
}

TEST(HttpHead, IncompleteUntilTheBlankLine) {
  HeadParser p;
  p.feed("CONNECT a.com:443 HTTP/1.1\r\nHost: a.com:443\r\n");
  EXPECT_EQ(p.state(), State::incomplete);
  p.feed("\r");
  EXPECT_EQ(p.state(), State::incomplete);
  p.feed("\n");
  EXPECT_EQ(p.state(), State::complete);
}

TEST(HttpHead, OversizeRequestLine) {
  const std::string line = "GET http://a.com/" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n";
  refused(line, 414, "request line");
  // Refused as soon as the limit is passed, without waiting for a line end.
  HeadParser p;
  p.feed("GET http://a.com/" + std::string(8200, 'a'));
  EXPECT_EQ(p.state(), State::failed);
}

TEST(HttpHead, RequestLineAtTheLimitIsFine) {
  const std::string prefix = "GET http://a.com/";
  const std::string suffix = " HTTP/1.1";
  const std::string line = prefix + std::string(8192 - prefix.size() - suffix.size(), 'a') + suffix;
  ASSERT_EQ(line.size(), 8192u);
  EXPECT_EQ(parse(line + "\r\n\r\n").state(), State::complete);
  refused(prefix + "a" + line.substr(prefix.size()) + "\r\n\r\n", 414, "request line");
}

TEST(HttpHead, OversizeHead) {
  std::string head = "GET http://a.com/ HTTP/1.1\r\n";
  for (int i = 0; i < 40; ++i)
    head += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'v') + "\r\n";
  head += "\r\n";
  refused(head, 431, "larger than");
  // One endless header line is cut off at the head limit, without a line end.
  HeadParser p;
  p.feed("GET http://a.com/ HTTP/1.1\r\nX: ");
  for (int i = 0; i < 40 && p.state() == State::incomplete; ++i) p.feed(std::string(1000, 'v'));
  EXPECT_EQ(p.state(), State::failed);
  EXPECT_EQ(p.error().status, 431);
}

TEST(HttpHead, TooManyHeaders) {
  std::string head = "GET http://a.com/ HTTP/1.1\r\n";
  for (int i = 0; i < 100; ++i) head += "X" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(parse(head + "\r\n").state(), State::complete);
  refused(head + "One-More: v\r\n\r\n", 431, "header fields");
}

TEST(HttpHead, LimitsAreConfigurable) {
  const HeadParser p = parse("CONNECT a.com:443 HTTP/1.1\r\nX: 1\r\nY: 2\r\n\r\n", ParseMode::proxy,
                             HeadLimits{.headers = 1});
  EXPECT_EQ(p.state(), State::failed);
  EXPECT_EQ(p.error().status, 431);
}

TEST(HttpHead, ReasonsNeverEchoRequestBytes) {
  const HeadParser p = parse("CONNECT secretAKIA\x01:443 HTTP/1.1\r\n\r\n");
  ASSERT_EQ(p.state(), State::failed);
  EXPECT_EQ(p.error().reason.find("secret"), std::string::npos);
}

std::string attempted(std::string_view bytes, HeadLimits limits = {}) {
  return parse(bytes, ParseMode::proxy, limits).attempted_target();
}

TEST(AttemptedTarget, WhatAHeadThatNeverParsedNamed) {
  EXPECT_EQ(attempted("CONNECT evil.example:99999 HTTP/1.1\r\n\r\n"), "evil.example:99999");
  EXPECT_EQ(attempted("CONNECT evil.example:99999 HTTP/1.1\r\nHost: other\r\n\r\n"),
            "evil.example:99999");
  EXPECT_EQ(attempted("CONNECT a.example:443 HTTP/1.1\nHost: x\n\n"), "a.example:443");
  EXPECT_EQ(attempted("CONNECT a\rb.example:443 HTTP/1.1\r\n\r\n"), "a\rb.example:443");
  EXPECT_EQ(attempted("GET http://evil.example/x?y=1 HTTP/2\r\n\r\n"), "http://evil.example/x?y=1");
  EXPECT_EQ(attempted("CONNECT ev\x01il.example:443 HTTP/1.1\r\n\r\n"), "ev\x01il.example:443");
  // No target at all: the request line is what the client sent.
  EXPECT_EQ(attempted("GARBAGE\r\n\r\n"), "GARBAGE");
  EXPECT_EQ(attempted("\r\nGARBAGE\r\n\r\n"), "GARBAGE");
  EXPECT_EQ(attempted(""), "");
}

TEST(AttemptedTarget, OriginFormTakesTheHostHeader) {
  // Refused at the request line; the Host header that came with it still counts.
  EXPECT_EQ(attempted("GET /latest/meta-data/ HTTP/1.1\r\nX: 1\r\nhOsT:  169.254.169.254 \r\n\r\n"),
            "169.254.169.254/latest/meta-data/");
  EXPECT_EQ(attempted("OPTIONS * HTTP/1.1\r\nHost: evil.example\r\n\r\n"), "evil.example");
  EXPECT_EQ(attempted("GET / HTTP/1.1\r\n\r\n"), "/");
  // A Host header after the end of the head is not part of it.
  EXPECT_EQ(attempted("GET / HTTP/1.1\r\n\r\nHost: later\r\n"), "/");
}

TEST(AttemptedTarget, AfterAHeaderError) {
  EXPECT_EQ(attempted("POST http://a.example/ HTTP/1.1\r\nContent-Length: 1\r\n"
                      "Content-Length: 2\r\n\r\n"),
            "http://a.example/");
}

TEST(AttemptedTarget, IncompleteHeadsAndBounds) {
  EXPECT_EQ(attempted("CONNECT allowed.exa"), "allowed.exa");
  EXPECT_EQ(attempted("CONNECT a.example:443 HTTP/1.1\r\nHost: a"), "a.example:443");
  // Too long a request line: its start, bounded.
  const std::string t = attempted("CONNECT " + std::string(20000, 'a'));
  EXPECT_EQ(t, std::string(HeadParser::kMaxAttempted, 'a'));
  HeadLimits small;
  small.request_line = 64;
  EXPECT_EQ(attempted("CONNECT " + std::string(100, 'b') + " HTTP/1.1\r\n\r\n", small),
            std::string(58, 'b'));  // 64 + CRLF, less "CONNECT "
}

TEST(PrintableBytes, EscapesAndBounds) {
  EXPECT_EQ(printable_bytes("evil.example:443", 100), "evil.example:443");
  EXPECT_EQ(printable_bytes(std::string_view("a\\b\x01\xff\r\n\0z", 9), 100),
            "a\\\\b\\x01\\xff\\x0d\\x0a\\x00z");
  EXPECT_EQ(printable_bytes("b\xc3\xbc"
                            "cher",
                            100),
            "b\\xc3\\xbccher");
  EXPECT_EQ(printable_bytes("abcdef", 3), "abc...");
  EXPECT_EQ(printable_bytes("", 3), "");
}

TEST(OriginFormHead, RewritesForUpstream) {
  const HeadParser p = parse(kPost);
  EXPECT_EQ(origin_form_head(complete(p)),
            "POST /model/m/invoke?x=1 HTTP/1.1\r\n"
            "Host: 127.0.0.2:8080\r\n"
            "Content-Type: application/json\r\n"
            "X-Amz-Date: 20240101T000000Z\r\n"
            "Content-Length: 2\r\n"
            "Connection: close\r\n\r\n");
}

TEST(OriginFormHead, HostFromTheCanonicalUrl) {
  const HeadParser p = parse("GET http://BÜCHER.example./x HTTP/1.1\r\n\r\n");
  // Non-ASCII in the target is refused before IDNA ever sees it.
  EXPECT_EQ(p.state(), State::failed);
  const HeadParser q =
      parse("GET http://XN--BCHER-KVA.example./x HTTP/1.1\r\nHost: xn--bcher-kva.example\r\n\r\n");
  EXPECT_EQ(origin_form_head(complete(q)),
            "GET /x HTTP/1.1\r\nHost: xn--bcher-kva.example\r\nConnection: close\r\n\r\n");
  const HeadParser r = parse("GET http://[::1]:8080 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(origin_form_head(complete(r)),
            "GET / HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n");
}

TEST(OriginFormHead, ConnectionCannotStripFramingHeaders) {
  const HeadParser p = parse(
      "POST http://a.com/ HTTP/1.1\r\nConnection: Content-Length, transfer-encoding, X-Y\r\n"
      "X-Y: 1\r\nContent-Length: 3\r\n\r\n");
  EXPECT_EQ(origin_form_head(complete(p)),
            "POST / HTTP/1.1\r\nHost: a.com\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
  const HeadParser q = parse(
      "POST http://a.com/ HTTP/1.1\r\nConnection: transfer-encoding\r\nTransfer-Encoding: "
      "chunked\r\n\r\n");
  EXPECT_EQ(
      origin_form_head(complete(q)),
      "POST / HTTP/1.1\r\nHost: a.com\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace cx::broker
