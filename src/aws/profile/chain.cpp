#include "aws/profile/chain.h"

#include <algorithm>
#include <charconv>

namespace cx::aws::profile {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

const char* const kCredentialHint =
    "give it aws_access_key_id and aws_secret_access_key (aws configure --profile {P}), "
    "role_arn with source_profile or credential_source, credential_process, or sso_* settings "
    "(aws configure sso --profile {P})";

std::string with_profile(std::string text, const std::string& profile) {
  for (size_t at; (at = text.find("{P}")) != std::string::npos;) text.replace(at, 3, profile);
  return text;
}

bool has_role(const Properties& p) {
  // A role_arn next to web_identity_token_file is the web identity role, not a hop.
  return get(p, "role_arn") && !get(p, "web_identity_token_file");
}

bool has_static_keys(const Properties& p) {
  return get(p, "aws_access_key_id") || get(p, "aws_secret_access_key");
}

bool has_sso(const Properties& p) {
  return get(p, "sso_account_id") || get(p, "sso_role_name") || get(p, "sso_session") ||
         get(p, "sso_start_url");
}

class Resolver {
 public:
  explicit Resolver(const ProfileSet& set) : set_(set) {}

  Result<CredentialChain> run(const std::string& name) {
    CredentialChain chain{name, EnvironmentKeys{}, {}};
    std::vector<std::string> visited;
    std::string current = name;
    for (;;) {
      const Properties* p = set_.profile(current);
      if (p == nullptr)
        return visited.empty() ? not_found(current) : missing_source(current, visited.back());
      if (std::find(visited.begin(), visited.end(), current) != visited.end())
        return loop(visited, current);
      visited.push_back(current);

      // In a source profile, static keys win over its own role_arn (CLI v2 and the suite).
      if (visited.size() > 1 && has_static_keys(*p)) return finish(chain, static_keys(current, *p));
      if (!has_role(*p)) return finish(chain, base_of(current, *p));

      auto hop = role_hop(current, *p);
      if (!hop) return hop.error();
      chain.hops.push_back(std::move(*hop));
      auto source = get(*p, "source_profile");
      auto credential_source = get(*p, "credential_source");
      if (source && credential_source) {
        return make_error(
            "profile " + quoted(current) + " sets both source_profile and credential_source",
            "keep one: source_profile names the profile whose credentials assume "
            "the role, credential_source names where else they come from");
      }
      if (!source && !credential_source) {
        return make_error(
            "profile " + quoted(current) + " has role_arn but neither source_profile nor " +
                "credential_source",
            "add source_profile = PROFILE (a profile with credentials) or credential_source = "
            "Environment, Ec2InstanceMetadata or EcsContainer to [profile " +
                current + "]");
      }
      if (credential_source) return finish(chain, named_source(current, *credential_source));
      if (*source == current) {
        // A profile may name itself once, to keep its keys and its role together.
        if (!has_static_keys(*p)) return loop(visited, current);
        return finish(chain, static_keys(current, *p));
      }
      current = *source;
    }
  }

 private:
  static Result<CredentialChain> finish(CredentialChain& chain, Result<BaseSource> base) {
    if (!base) return base.error();
    chain.base = std::move(*base);
    std::reverse(chain.hops.begin(), chain.hops.end());
    return std::move(chain);
  }

  std::string files() const { return set_.config_file_name + " or " + set_.credentials_file_name; }

  Error not_found(const std::string& name) const {
    return make_error("profile " + quoted(name) + " not found in " + files(),
                      "create it with `aws configure --profile " + name +
                          "`, or choose an existing profile with AWS_PROFILE");
  }

  Error missing_source(const std::string& name, const std::string& from) const {
    return make_error("profile " + quoted(name) + ", the source_profile of profile " +
                          quoted(from) + ", not found in " + files(),
                      "fix source_profile in [profile " + from +
                          "], or create the profile with "
                          "`aws configure --profile " +
                          name + "`");
  }

  static Error loop(const std::vector<std::string>& visited, const std::string& next) {
    std::string path = "profile ";
    for (const std::string& v : visited) path += v + " -> ";
    return make_error("source_profile settings form a loop: " + path + next,
                      "change source_profile in one of these profiles so that the chain ends at "
                      "a profile with credentials");
  }

  Result<BaseSource> static_keys(const std::string& name, const Properties& p) const {
    auto key = get(p, "aws_access_key_id");
    auto secret = get(p, "aws_secret_access_key");
    if (!key || !secret) {
      std::string has = key ? "aws_access_key_id" : "aws_secret_access_key";
      std::string lacks = key ? "aws_secret_access_key" : "aws_access_key_id";
      return make_error("profile " + quoted(name) + " has " + has + " but no " + lacks,
                        "add " + lacks + " to [" + name + "] in " + set_.credentials_file_name +
                            ", or run `aws configure --profile " + name + "`");
    }
    StaticKeys k{name, *key, *secret, {}, get(p, "aws_account_id").value_or("")};
    k.session_token =
        get(p, "aws_session_token").value_or(get(p, "aws_security_token").value_or(""));
    return BaseSource(std::move(k));
  }

  static Result<BaseSource> named_source(const std::string& name, const std::string& source) {
    if (source == "Environment") return BaseSource(EnvironmentKeys{});
    if (source == "Ec2InstanceMetadata") return BaseSource(Ec2InstanceMetadata{});
    if (source == "EcsContainer") return BaseSource(EcsContainer{});
    return make_error("profile " + quoted(name) + " has credential_source " + quoted(source) +
                          ", which is not Environment, Ec2InstanceMetadata or EcsContainer",
                      "use one of those three values (they are case-sensitive)");
  }

  static Result<RoleHop> role_hop(const std::string& name, const Properties& p) {
    RoleHop hop{name,
                *get(p, "role_arn"),
                get(p, "external_id").value_or(""),
                get(p, "role_session_name").value_or(""),
                std::nullopt,
                get(p, "mfa_serial").value_or(""),
                get(p, "region").value_or("")};
    if (auto d = get(p, "duration_seconds")) {
      int seconds = 0;
      auto [end, ec] = std::from_chars(d->data(), d->data() + d->size(), seconds);
      if (ec != std::errc() || end != d->data() + d->size() || seconds <= 0) {
        return make_error("profile " + quoted(name) + " has duration_seconds " + quoted(*d) +
                              ", which is not a whole number of seconds",
                          "set duration_seconds to a number such as 3600, or remove it");
      }
      hop.duration_seconds = seconds;
    }
    return hop;
  }

  // The credentials of a profile that has no role of its own to assume.
  Result<BaseSource> base_of(const std::string& name, const Properties& p) const {
    if (get(p, "credential_source")) {
      return make_error("profile " + quoted(name) + " has credential_source but no role_arn",
                        "credential_source only says where the credentials for role_arn come "
                        "from: add role_arn to [profile " +
                            name + "]");
    }
    if (auto token_file = get(p, "web_identity_token_file")) {
      auto role = get(p, "role_arn");
      if (!role) {
        return make_error(
            "profile " + quoted(name) + " has web_identity_token_file but no role_arn",
            "add the role_arn of the role to assume with that token");
      }
      return BaseSource(
          WebIdentity{name, *role, *token_file, get(p, "role_session_name").value_or("")});
    }
    if (has_sso(p)) return sso(name, p);
    if (has_static_keys(p)) return static_keys(name, p);
    if (auto command = get(p, "credential_process"))
      return BaseSource(CredentialProcess{name, *command});
    return make_error("profile " + quoted(name) + " has no credentials",
                      with_profile(kCredentialHint, name));
  }

  Result<BaseSource> sso(const std::string& name, const Properties& p) const {
    Sso s{name,
          {},
          get(p, "sso_start_url").value_or(""),
          get(p, "sso_region").value_or(""),
          get(p, "sso_account_id").value_or(""),
          get(p, "sso_role_name").value_or("")};
    if (auto session_name = get(p, "sso_session")) {
      const Properties* session = set_.sso_session(*session_name);
      if (session == nullptr) {
        return make_error("profile " + quoted(name) + " uses sso-session " + quoted(*session_name) +
                              ", which is not in " + set_.config_file_name,
                          "add an [sso-session " + *session_name +
                              "] section with `aws configure sso-session`, or fix sso_session");
      }
      s.session_name = *session_name;
      // As in the CLI: the session holds these; a copy in the profile must agree with it.
      for (auto [key, field] :
           {std::pair{"sso_start_url", &s.start_url}, {"sso_region", &s.region}}) {
        auto value = get(*session, key);
        if (!value) continue;
        if (!field->empty() && *field != *value) {
          return make_error("profile " + quoted(name) + " sets " + key + " " + quoted(*field) +
                                " but its sso-session " + quoted(*session_name) + " has " +
                                quoted(*value),
                            std::string("remove ") + key + " from [profile " + name +
                                "]: the sso-session section holds it");
        }
        *field = *value;
      }
    }
    std::string missing;
    for (auto [key, field] : {std::pair{"sso_start_url", &s.start_url},
                              {"sso_region", &s.region},
                              {"sso_account_id", &s.account_id},
                              {"sso_role_name", &s.role_name}}) {
      if (field->empty()) missing += std::string(missing.empty() ? "" : ", ") + key;
    }
    if (!missing.empty()) {
      return make_error("profile " + quoted(name) +
                            " is set up for IAM Identity Center (SSO) but lacks " + missing,
                        "run `aws configure sso --profile " + name + "` to complete it");
    }
    return BaseSource(std::move(s));
  }

  const ProfileSet& set_;
};

std::string describe_base(const BaseSource& base) {
  struct {
    std::string operator()(const StaticKeys& k) const {
      return std::string(k.session_token.empty() ? "static" : "temporary") + " keys of profile " +
             k.profile;
    }
    std::string operator()(const EnvironmentKeys&) const {
      return "AWS_ACCESS_KEY_ID from the environment";
    }
    std::string operator()(const Ec2InstanceMetadata&) const { return "EC2 instance metadata"; }
    std::string operator()(const EcsContainer&) const { return "ECS container credentials"; }
    std::string operator()(const CredentialProcess& c) const {
      return "credential_process of profile " + c.profile;
    }
    std::string operator()(const Sso& s) const {
      return "IAM Identity Center role " + s.role_name + " in account " + s.account_id +
             " (profile " + s.profile + ")";
    }
    std::string operator()(const WebIdentity& w) const {
      return "web identity role " + w.role_arn + " (profile " + w.profile + ")";
    }
  } visitor;
  return std::visit(visitor, base);
}

}  // namespace

Result<CredentialChain> resolve_profile_chain(const ProfileSet& set, const std::string& name) {
  return Resolver(set).run(name);
}

Result<CredentialChain> resolve_source_chain(const ProfileSet& set,
                                             const std::optional<std::string>& configured_profile,
                                             const EnvLookup& env) {
  if (configured_profile && !configured_profile->empty())
    return resolve_profile_chain(set, *configured_profile);

  auto env_profile = env_value(env, "AWS_PROFILE");
  if (!env_profile) env_profile = env_value(env, "AWS_DEFAULT_PROFILE");
  std::string name = env_profile.value_or("default");

  // The CLI v2 puts its environment provider first unless --profile is given.
  if (env_value(env, "AWS_ACCESS_KEY_ID")) {
    if (!env_value(env, "AWS_SECRET_ACCESS_KEY")) {
      return make_error(
          "AWS_ACCESS_KEY_ID is set in the environment but AWS_SECRET_ACCESS_KEY is not",
          "export AWS_SECRET_ACCESS_KEY as well, or unset AWS_ACCESS_KEY_ID to use "
          "profile " +
              quoted(name));
    }
    return CredentialChain{name, EnvironmentKeys{}, {}};
  }
  if (!env_profile && set.profile("default") == nullptr) {
    return make_error(
        "no AWS credentials: no profile is named, AWS_ACCESS_KEY_ID is not set and "
        "there is no [default] profile in " +
            set.config_file_name + " or " + set.credentials_file_name,
        "set AWS_PROFILE in cx's config file to one of your profiles, or run "
        "`aws configure`");
  }
  return resolve_profile_chain(set, name);
}

std::string describe(const CredentialChain& chain) {
  std::string out = describe_base(chain.base);
  for (const RoleHop& hop : chain.hops)
    out += " -> role " + hop.role_arn + " (profile " + hop.profile + ")";
  return out;
}

}  // namespace cx::aws::profile
