#include "broker/upstream_proxy.h"

#include <openssl/evp.h>

#include <algorithm>

namespace cx::broker {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool istarts_with(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != prefix[i]) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_value(s[i + 1]);
    const int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool in_range(const IpAddress& addr, const IpAddress& net, int prefix) {
  if (addr.family() != net.family()) return false;
  const uint8_t* a = addr.bytes();
  const uint8_t* b = net.bytes();
  int bits = prefix;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

bool matches(const NoProxyRule& rule, const HostPort& target) {
  if (rule.port && *rule.port != target.port) return false;
  switch (rule.kind) {
    case NoProxyRule::Kind::all:
      return true;
    case NoProxyRule::Kind::name: {
      if (target.host.kind != HostKind::name) return false;
      const std::string& t = target.host.text;
      if (t == rule.name) return true;
      return t.size() > rule.name.size() && t.ends_with(rule.name) &&
             t[t.size() - rule.name.size() - 1] == '.';
    }
    case NoProxyRule::Kind::address: {
      auto addr = IpAddress::from_host(target.host);
      return addr && *addr == *rule.address;
    }
    case NoProxyRule::Kind::range: {
      auto addr = IpAddress::from_host(target.host);
      return addr && in_range(*addr, *rule.address, rule.prefix);
    }
  }
  return false;
}

// The network of a range, in any form a target may take (`127.1`, `[::1]`)
// or as a bare IPv6 address: the same address always gives the same rule.
std::optional<IpAddress> range_network(std::string_view text) {
  if (auto ip = IpAddress::parse(text)) return ip;
  auto host = canonical_host(text);
  if (!host) return std::nullopt;
  return IpAddress::from_host(*host);
}

std::optional<NoProxyRule> parse_no_proxy_entry(std::string_view e) {
  NoProxyRule rule;
  if (e == "*") return rule;
  if (const size_t slash = e.find('/'); slash != std::string_view::npos) {
    auto net = range_network(e.substr(0, slash));
    const std::string_view bits = e.substr(slash + 1);
    if (!net || bits.empty() || bits.size() > 3 ||
        !std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    const int prefix = std::stoi(std::string(bits));
    if (prefix > (net->family() == AF_INET ? 32 : 128)) return std::nullopt;
    rule.kind = NoProxyRule::Kind::range;
    rule.address = net;
    rule.prefix = prefix;
    return rule;
  }
  if (auto ip = IpAddress::parse(e)) {  // a bare IPv6 address has colons but no port
    rule.kind = NoProxyRule::Kind::address;
    rule.address = ip;
    return rule;
  }
  if (e.starts_with("*.")) {
    e.remove_prefix(2);
  } else if (e.starts_with(".")) {
    e.remove_prefix(1);
  }
  std::optional<uint16_t> port;
  std::string_view host = e;
  if (e.starts_with("[")) {
    if (auto hp = parse_authority(e)) {
      host = e.substr(0, e.rfind(':'));
      port = hp->port;
    }
  } else if (const size_t colon = e.find(':'); colon != std::string_view::npos) {
    auto p = parse_port(e.substr(colon + 1));
    if (!p) return std::nullopt;
    port = *p;
    host = e.substr(0, colon);
  }
  auto h = canonical_host(host);
  if (!h) return std::nullopt;
  rule.port = port;
  if (h->kind == HostKind::name) {
    rule.kind = NoProxyRule::Kind::name;
    rule.name = h->text;
  } else {
    rule.kind = NoProxyRule::Kind::address;
    rule.address = IpAddress::from_host(*h);
  }
  return rule;
}

}  // namespace

std::string basic_authorization(std::string_view user, std::string_view password) {
  return "Basic " + base64(std::string(user) + ":" + std::string(password));
}

Result<ProxyEndpoint> parse_proxy_url(std::string_view url, std::string_view what) {
  const std::string name(what);
  const std::string hint = "set " + name + " to an http://HOST:PORT proxy URL, or unset it";
  std::string_view rest = url;
  if (const size_t scheme = rest.find("://"); scheme != std::string_view::npos) {
    if (!istarts_with(rest, "http://")) {
      return make_error(name + " names a proxy scheme cx cannot use (only http:// is supported)",
                        hint);
    }
    rest.remove_prefix(scheme + 3);
  }
  rest = rest.substr(0, rest.find_first_of("/?#"));
  ProxyEndpoint out;
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const size_t colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    auto pass = percent_decode(colon == std::string_view::npos ? "" : userinfo.substr(colon + 1));
    if (!user || !pass) return make_error(name + " has a malformed user name or password", hint);
    out.authorization = basic_authorization(*user, *pass);
    rest.remove_prefix(at + 1);
  }
  auto hp = parse_authority(rest, 1080);
  if (!hp) return make_error(name + " has a malformed proxy host or port", hint);
  out.address = std::move(*hp);
  return out;
}

std::vector<NoProxyRule> parse_no_proxy(std::string_view list) {
  std::vector<NoProxyRule> out;
  while (!list.empty()) {
    const size_t end = list.find_first_of(", \t");
    const std::string_view entry = list.substr(0, end);
    if (!entry.empty()) {
      if (auto rule = parse_no_proxy_entry(entry)) out.push_back(std::move(*rule));
    }
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + 1);
  }
  return out;
}

Result<UpstreamProxy> UpstreamProxy::from_env(const EnvLookup& env) {
  for (const char* name : {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"}) {
    auto url = env_value(env, name);
    if (!url) continue;
    auto endpoint = parse_proxy_url(*url, name);
    if (!endpoint) return endpoint.error();
    std::vector<NoProxyRule> rules;
    if (auto list = env_value(env, "no_proxy")) {
      rules = parse_no_proxy(*list);
    } else if (auto upper = env_value(env, "NO_PROXY")) {
      rules = parse_no_proxy(*upper);
    }
    return UpstreamProxy(std::move(*endpoint), std::move(rules));
  }
  return UpstreamProxy();
}

std::optional<ProxyEndpoint> UpstreamProxy::route(const HostPort& target) const {
  if (!proxy_) return std::nullopt;
  for (const NoProxyRule& rule : no_proxy_) {
    if (matches(rule, target)) return std::nullopt;
  }
  return proxy_;
}

}  // namespace cx::broker
