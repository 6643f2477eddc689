#include "broker/allowlist.h"

#include <algorithm>

#include "broker/address_policy.h"
#include "broker/public_suffix.h"

namespace cx::broker {
namespace {

// Shows a user's entry in a message: printable ASCII as is, the rest as `?`
// (entries come from the user's own config, but a message stays one line).
std::string shown(std::string_view s) {
  std::string out;
  for (unsigned char c : s) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  return out;
}

// At most this much of an entry is quoted: an error stays a readable line
// however long the entry (the config allows values of 64 KiB).
constexpr size_t kMaxQuoted = 200;

std::string entry_text(std::string_view entry, const std::string& what) {
  const bool clipped = entry.size() > kMaxQuoted;
  return "CX_ALLOW_HOSTS entry \"" + shown(entry.substr(0, kMaxQuoted)) +
         (clipped ? "...\"" : "\"") + ": " + what;
}

Error entry_error(std::string_view entry, const std::string& why) {
  return make_error(entry_text(entry, why),
                    "entries look like example.com, *.example.com, example.com:8443, "
                    "127.0.0.2:8080 or [::1]:8080");
}

// `*.suffix` names one owner's hosts: it may neither be a public suffix
// nor span one. Returns the refusal, or a warning when the list's rules
// cannot be read (decide() still stops the wildcard at any public suffix).
Status check_wildcard(std::string_view entry, const std::string& suffix,
                      std::vector<std::string>* warnings) {
  const std::string hint =
      "list the exact hosts you need, or a wildcard under a domain one owner controls "
      "(*.example.co.uk)";
  auto section = public_suffix_section(suffix);
  if (!section) return entry_error(entry, "cannot check `*.`: " + section.error().message);
  if (*section == SuffixSection::icann) {
    return make_error(
        entry_text(entry, suffix + " is a public suffix: anyone can register a name under it"),
        hint);
  }
  if (*section == SuffixSection::private_domains) {
    return make_error(
        entry_text(entry, suffix + " is a public suffix (a service's, in the list's "
                                   "private section): anyone can have a name under it"),
        hint);
  }
  const Result<SuffixRules>& rules = system_suffix_rules();
  if (!rules) {
    if (warnings) {
      warnings->push_back(entry_text(entry, rules.error().message + ", so public suffixes under " +
                                                suffix +
                                                " are not refused here; the proxy still refuses "
                                                "names under them"));
    }
    return Ok{};
  }
  if (auto under = rules->under(suffix)) {
    return make_error(entry_text(entry, "names under " + suffix + " include the public suffix " +
                                            *under + ": anyone can have a name there"),
                      hint);
  }
  return Ok{};
}

// An IP literal is refused when cx never dials it, and warned about when it
// is special (reached only because the entry lists it with its port).
Status check_literal(std::string_view entry, const AllowEntry& rule,
                     std::vector<std::string>* warnings) {
  const std::optional<IpAddress> addr = IpAddress::from_host(rule.host);
  if (!addr) return Ok{};
  const std::string host = host_text(rule.host);
  if (auto range = never_dialled(*addr)) {
    return make_error(entry_text(entry, host + " is " + *range + ", which cx never connects to"),
                      "remove the entry: nothing allows it");
  }
  auto range = special_range(*addr);
  if (!range || !warnings) return Ok{};
  if (rule.port_listed) {
    warnings->push_back(entry_text(entry, host + " is " + *range +
                                              "; the agent may reach it because this entry "
                                              "lists it"));
  } else {
    warnings->push_back(entry_text(entry, host + " is " + *range + "; it is reached only when " +
                                              "listed with its port (" + host +
                                              ":PORT), so this entry allows nothing"));
  }
  return Ok{};
}

bool under_suffix(const std::string& name, const std::string& suffix) {
  return name.size() > suffix.size() + 1 && name.ends_with(suffix) &&
         name[name.size() - suffix.size() - 1] == '.';
}

// Whether `rule` names `host`. A wildcard stops at a public suffix under
// it (`*.amazonaws.com` never reaches a name under s3.amazonaws.com): that
// suffix is put in `crossed`.
bool host_matches(const AllowEntry& rule, const Host& host, std::string& crossed) {
  if (rule.kind == AllowEntry::Kind::exact) return rule.host == host;
  if (host.kind != HostKind::name || !under_suffix(host.text, rule.host.text)) return false;
  if (auto suffix = public_suffix_between(rule.host.text, host.text)) {
    crossed = *suffix;
    return false;
  }
  return true;
}

}  // namespace

Result<AllowEntry> parse_allow_entry(std::string_view entry, std::vector<std::string>* warnings) {
  if (entry.empty()) return entry_error(entry, "is empty");
  if (entry.find("://") != std::string_view::npos) {
    return entry_error(entry, "has a scheme; list hosts only");
  }
  AllowEntry rule;
  rule.origin = "CX_ALLOW_HOSTS";
  std::string_view rest = entry;
  if (rest.starts_with("*.")) {
    rule.kind = AllowEntry::Kind::suffix;
    rest.remove_prefix(2);
  }
  if (rest.find('*') != std::string_view::npos) {
    return entry_error(entry, "has a `*` that is not a leading `*.`");
  }
  // A `:` outside brackets separates the port; an IPv6 literal must be
  // bracketed so `::1:8080` cannot mean two things.
  std::string_view host = rest;
  std::optional<std::string_view> port;
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return entry_error(entry, "has no closing `]`");
    host = rest.substr(0, close + 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':'))
        return entry_error(entry, "has text after `]` that is not a port");
      port = after.substr(1);
    }
  } else if (const size_t colon = rest.find(':'); colon != std::string_view::npos) {
    if (rest.find(':', colon + 1) != std::string_view::npos) {
      return entry_error(entry, "has more than one `:`; write an IPv6 address in brackets");
    }
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  auto h = canonical_host(host);
  if (!h) return entry_error(entry, h.error().message);
  rule.host = std::move(*h);
  if (rule.kind == AllowEntry::Kind::suffix && rule.host.kind != HostKind::name) {
    return entry_error(entry, "`*.` needs a DNS name after it, not an address");
  }
  if (rule.kind == AllowEntry::Kind::suffix && rule.host.text.find('.') == std::string::npos) {
    return entry_error(entry, "`*.` needs a suffix with at least two labels (`*.example.com`)");
  }
  if (port) {
    auto p = parse_port(*port);
    if (!p) return entry_error(entry, p.error().message);
    rule.port = *p;
    rule.port_listed = true;
  }
  const Status checked = rule.kind == AllowEntry::Kind::suffix
                             ? check_wildcard(entry, rule.host.text, warnings)
                             : check_literal(entry, rule, warnings);
  if (!checked) return checked.error();
  return rule;
}

std::vector<std::string> bedrock_hosts(std::string_view region, bool fips) {
  const std::string r(region);
  const std::string suffix = r.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  std::vector<std::string> hosts = {"bedrock-runtime." + r + suffix, "bedrock." + r + suffix};
  if (fips) {
    hosts.push_back("bedrock-runtime-fips." + r + suffix);
    hosts.push_back("bedrock-fips." + r + suffix);
  }
  return hosts;
}

Result<Allowlist> Allowlist::make(std::string_view region, const std::vector<std::string>& entries,
                                  bool fips) {
  std::vector<AllowEntry> rules;
  for (const std::string& name : bedrock_hosts(region, fips)) {
    auto h = canonical_host(name);
    if (!h || h->kind != HostKind::name) {
      return make_error(
          "AWS region \"" + shown(region) + "\" does not give valid Bedrock host names",
          "set AWS_REGION to a region name such as us-east-1");
    }
    rules.push_back(AllowEntry{AllowEntry::Kind::exact, std::move(*h), 443, false, "Bedrock"});
  }
  for (const std::string& entry : entries) {
    auto rule = parse_allow_entry(entry);
    if (!rule) return rule.error();
    rules.push_back(std::move(*rule));
  }
  return Allowlist(std::move(rules));
}

Decision Allowlist::decide(const Host& host, uint16_t port) const {
  bool host_known = false;
  std::string crossed;
  Decision best;
  for (const AllowEntry& rule : rules_) {
    if (!host_matches(rule, host, crossed)) continue;
    host_known = true;
    if (rule.port != port) continue;
    best.allowed = true;
    // Any matching exact `host:port` rule grants special addresses, whatever
    // the order of the rules.
    if (rule.kind == AllowEntry::Kind::exact && rule.port_listed) {
      best.special_addresses_ok = true;
    }
  }
  if (best.allowed) return best;
  if (host_known) {
    best.reason = "port " + std::to_string(port) + " not allowed for " + host_text(host);
  } else if (!crossed.empty()) {
    best.reason = "not in the allowlist (a wildcard stops at the public suffix " + crossed + ")";
  } else {
    best.reason = "not in the allowlist";
  }
  return best;
}

}  // namespace cx::broker
