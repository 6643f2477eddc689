#include "broker/host.h"

#include <arpa/inet.h>
#include <idn2.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "util/dynamic_library.h"

namespace cx::broker {
namespace {

constexpr size_t kMaxName = 253;
constexpr size_t kMaxLabel = 63;

// Why a byte can never be part of a host, or nullptr when it can be.
const char* forbidden_byte(unsigned char c) {
  if (c == 0) return "host contains a NUL byte";
  if (c == '\r' || c == '\n') return "host contains a line break";
  if (c < 0x20 || c == 0x7f) return "host contains a control character";
  if (c == ' ') return "host contains a space";
  if (c == '@') return "host contains userinfo (`@`)";
  if (c == '%') return "host contains `%` (percent-encoding or an IPv6 zone id)";
  if (c == '/' || c == '\\' || c == '?' || c == '#') return "host contains a URL delimiter";
  if (c == '[' || c == ']') return "host contains a misplaced bracket";
  if (c == ':') return "host contains `:`; an IPv6 address must be in brackets";
  return nullptr;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

// True when the last label reads as a number (decimal, octal or 0x hex): the
// WHATWG URL rule for "this host is meant as an IPv4 address". Such a host
// is an address or nothing, never a DNS name.
bool ends_in_number(std::string_view name) {
  const size_t dot = name.rfind('.');
  std::string_view last = dot == std::string_view::npos ? name : name.substr(dot + 1);
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), is_digit)) return true;
  if (last.size() >= 2 && last[0] == '0' && last[1] == 'x') {
    return std::all_of(last.begin() + 2, last.end(), is_hex);
  }
  return false;
}

Result<Host> ipv4_host(const std::string& name) {
  const bool numeric_chars = std::all_of(name.begin(), name.end(),
                                         [](char c) { return is_hex(c) || c == 'x' || c == '.'; });
  in_addr addr{};
  // inet_aton is what getaddrinfo uses for numeric hosts, so reading the host
  // with it gives exactly the address a resolver would have connected to.
  if (!numeric_chars || inet_aton(name.c_str(), &addr) == 0) {
    return make_error("host looks like an IPv4 address but is not a valid one");
  }
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &addr, text, sizeof text);
  return Host{HostKind::ipv4, text};
}

Result<Host> ipv6_host(std::string_view inner) {
  const std::string s(inner);
  in6_addr addr{};
  if (s.empty() || inet_pton(AF_INET6, s.c_str(), &addr) != 1) {
    return make_error("host is not a valid IPv6 address");
  }
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &addr, text, sizeof text);
  return Host{HostKind::ipv6, text};
}

// IDNA2008 with the UTS #46 non-transitional mapping (what curl and the
// WHATWG URL standard use): lower-cases, maps full-width forms, converts
// U-labels to A-labels and rejects invalid A-labels (`xn--zz`).
// libidn2, loaded on first use (util/dynamic_library.h).
struct Idn2Api {
  int (*to_ascii_8z)(const char*, char**, int);
  const char* (*str_error)(int);
};

const Result<Idn2Api>& idn2_api() {
  static const Result<Idn2Api> api = []() -> Result<Idn2Api> {
    auto lib = open_library({"libidn2.so.0", "libidn2.0.dylib", "libidn2.so"},
                            "libidn2, which cx needs for host names",
                            "install it (Debian and Ubuntu: apt-get install libidn2-0)");
    if (!lib) return lib.error();
    Idn2Api a{};
    if (!bind_symbol(*lib, "idn2_to_ascii_8z", a.to_ascii_8z) ||
        !bind_symbol(*lib, "idn2_strerror", a.str_error))
      return make_error("the libidn2 found lacks idn2_to_ascii_8z", "install libidn2 2.0 or newer");
    return a;
  }();
  return api;
}

Result<std::string> to_a_labels(const std::string& name) {
  const Result<Idn2Api>& api = idn2_api();
  if (!api) return api.error();
  char* out = nullptr;
  const int rc = api->to_ascii_8z(name.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  std::unique_ptr<char, decltype(&free)> owned(out, &free);
  if (rc != IDN2_OK || out == nullptr) {
    return make_error(std::string("host is not a valid internationalised name (") +
                      api->str_error(rc) + ")");
  }
  return std::string(out);
}

Status check_labels(std::string_view name) {
  if (name.size() > kMaxName) return make_error("host name is longer than 253 characters");
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    const std::string_view label =
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return make_error("host name has an empty label");
    if (label.size() > kMaxLabel)
      return make_error("host name has a label longer than 63 characters");
    for (char c : label) {
      if (!(is_digit(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_')) {
        return make_error("host name has a character other than a-z 0-9 - _");
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return make_error("host name has a label that starts or ends with `-`");
    }
    if (label.starts_with("xn--")) {
      // Only the canonical A-label of a valid U-label is accepted, so one
      // Unicode name has one spelling (`xn--zz` and mixed forms are refused).
      auto again = to_a_labels(std::string(label));
      if (!again) return again.error();
      if (*again != label) return make_error("host name has a non-canonical A-label");
    }
    if (dot == std::string_view::npos) return Ok{};
    start = dot + 1;
  }
}

}  // namespace

Result<Host> canonical_host(std::string_view raw) {
  if (raw.empty()) return make_error("host is empty");
  if (raw.front() == '[') {
    if (raw.size() < 2 || raw.back() != ']') return make_error("host has no closing `]`");
    const std::string_view inner = raw.substr(1, raw.size() - 2);
    for (unsigned char c : inner) {
      if (c == '%') return make_error("host contains an IPv6 zone id");
      if (!(is_hex(static_cast<char>(c)) || (c >= 'A' && c <= 'F') || c == ':' || c == '.')) {
        return make_error("host is not a valid IPv6 address");
      }
    }
    return ipv6_host(inner);
  }
  bool ascii = true;
  for (unsigned char c : raw) {
    if (const char* why = forbidden_byte(c)) return make_error(why);
    if (c >= 0x80) ascii = false;
  }
  std::string name(raw);
  if (ascii) {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  }
  // Numeric forms first: IDNA would accept `0x7f.1` as a name.
  if (ascii) {
    std::string bare = name;
    if (bare.size() > 1 && bare.back() == '.') bare.pop_back();
    if (ends_in_number(bare)) return ipv4_host(bare);
    if (bare.size() > kMaxName) return make_error("host name is longer than 253 characters");
  }
  // An ASCII name needs no mapping, and IDNA2008 would refuse real host
  // names such as `r3---sn-x.googlevideo.com`; only its A-labels are checked.
  if (!ascii) {
    auto mapped = to_a_labels(name);
    if (!mapped) return mapped.error();
    name = std::move(*mapped);
  }
  // The mapping may have produced any ASCII (full-width digits and dots
  // become `127.0.0.1`), so the ASCII rules apply again to its output.
  for (unsigned char c : name) {
    if (const char* why = forbidden_byte(c)) return make_error(why);
  }
  if (name.size() > 1 && name.back() == '.') name.pop_back();
  if (ends_in_number(name)) return ipv4_host(name);
  if (auto st = check_labels(name); !st) return st.error();
  return Host{HostKind::name, name};
}

Result<uint16_t> parse_port(std::string_view digits) {
  if (digits.empty()) return make_error("port is empty");
  if (digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), is_digit)) {
    return make_error("port is not a decimal number from 1 to 65535");
  }
  if (digits.front() == '0') return make_error("port is 0 or has a leading zero");
  unsigned value = 0;
  for (char c : digits) value = value * 10 + static_cast<unsigned>(c - '0');
  if (value > 65535) return make_error("port is greater than 65535");
  return static_cast<uint16_t>(value);
}

Result<HostPort> parse_authority(std::string_view authority, std::optional<uint16_t> default_port) {
  if (authority.find('@') != std::string_view::npos) {
    return make_error("authority contains userinfo (`@`)");
  }
  std::string_view host = authority;
  std::optional<std::string_view> port;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return make_error("host has no closing `]`");
    host = authority.substr(0, close + 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return make_error("text after the IPv6 address is not a port");
      port = rest.substr(1);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  auto h = canonical_host(host);
  if (!h) return h.error();
  if (!port) {
    if (!default_port) return make_error("authority has no port");
    return HostPort{std::move(*h), *default_port};
  }
  auto p = parse_port(*port);
  if (!p) return p.error();
  return HostPort{std::move(*h), *p};
}

std::string host_text(const Host& host) {
  return host.kind == HostKind::ipv6 ? "[" + host.text + "]" : host.text;
}

std::string authority_text(const HostPort& hp) {
  return host_text(hp.host) + ":" + std::to_string(hp.port);
}

}  // namespace cx::broker
