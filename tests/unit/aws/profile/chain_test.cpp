// The cross-SDK assume-role suite (tests/data/aws-profile/assume-role-tests.json,
// from smithy-rs) against resolve_profile_chain, then cx's own rules and messages.

#include "aws/profile/chain.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace cx::aws::profile {
namespace {

using nlohmann::json;

// ---- the suite ----------------------------------------------------------

struct RoleCase {
  std::string docs;
  json input;
  json output;
};

// Lets gtest and ctest show the case by its words, not its bytes.
void PrintTo(const RoleCase& c, std::ostream* os) { *os << c.docs; }

std::vector<RoleCase> load_cases() {
  std::ifstream in(std::string(CX_TESTDATA_DIR) + "/aws-profile/assume-role-tests.json");
  std::vector<RoleCase> cases;
  for (const json& t : json::parse(in))
    cases.push_back({t.at("docs"), t.at("input"), t.at("output")});
  return cases;
}

std::map<std::string, Properties> sections(const json& j) {
  std::map<std::string, Properties> out;
  for (const auto& [name, props] : j.items()) {
    Properties& p = out[name];
    for (const auto& [k, v] : props.items()) p[k] = v.get<std::string>();
  }
  return out;
}

void put(json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

// Our chain in the suite's output notation (fields that are unset are left out).
json to_suite_json(const CredentialChain& chain) {
  json out = json::array();
  struct {
    json operator()(const StaticKeys& k) const {
      json j;
      put(j, "access_key_id", k.access_key_id);
      put(j, "secret_access_key", k.secret_access_key);
      put(j, "session_token", k.session_token);
      put(j, "account_id", k.account_id);
      return {{"AccessKey", j}};
    }
    json operator()(const EnvironmentKeys&) const { return {{"NamedSource", "Environment"}}; }
    json operator()(const Ec2InstanceMetadata&) const {
      return {{"NamedSource", "Ec2InstanceMetadata"}};
    }
    json operator()(const EcsContainer&) const { return {{"NamedSource", "EcsContainer"}}; }
    json operator()(const CredentialProcess& c) const {
      return {{"CredentialProcess", {{"command", c.command}}}};
    }
    json operator()(const Sso& s) const {
      json j;
      put(j, "sso_session", s.session_name);
      put(j, "sso_start_url", s.start_url);
      put(j, "sso_region", s.region);
      put(j, "sso_account_id", s.account_id);
      put(j, "sso_role_name", s.role_name);
      return {{"Sso", j}};
    }
    json operator()(const WebIdentity& w) const {
      json j;
      put(j, "role_arn", w.role_arn);
      put(j, "web_identity_token_file", w.token_file);
      put(j, "role_session_name", w.role_session_name);
      return {{"WebIdentityToken", j}};
    }
  } base;
  out.push_back(std::visit(base, chain.base));
  for (const RoleHop& hop : chain.hops) {
    json j;
    put(j, "role_arn", hop.role_arn);
    put(j, "external_id", hop.external_id);
    put(j, "role_session_name", hop.role_session_name);
    put(j, "mfa_serial", hop.mfa_serial);
    if (hop.duration_seconds) j["duration_seconds"] = *hop.duration_seconds;
    out.push_back({{"AssumeRole", j}});
  }
  return out;
}

// Our wording for each error of the suite (smithy-rs words them its own way).
const std::map<std::string, std::string> kOurError = {
    {"profile must contain `source_profile`",
     "profile \"A\" has role_arn but neither source_profile nor credential_source"},
    {"profile contained both source_profile and credential_source",
     "profile \"A\" sets both source_profile and credential_source"},
    {"profile missing aws_secret_access_key",
     "profile \"B\" has aws_access_key_id but no aws_secret_access_key"},
    {"profile missing aws_access_key_id",
     "profile \"B\" has aws_secret_access_key but no aws_access_key_id"},
    {"profile `B` did not contain credential information", "profile \"B\" has no credentials"},
    {"profile `A` did not contain credential information", "profile \"A\" has no credentials"},
    {"could not find source profile B referenced from A",
     "profile \"B\", the source_profile of profile \"A\", not found in ~/.aws/config or "
     "~/.aws/credentials"},
    {"No profiles were defined", "profile \"A\" not found in ~/.aws/config or ~/.aws/credentials"},
    {"profile formed an infinite loop", "source_profile settings form a loop: profile A -> B -> A"},
    {"`role_arn` was missing", "profile \"A\" has web_identity_token_file but no role_arn"},
    {"if `sso_role_name` is set, then `sso_account_id` must also be set",
     "profile \"A\" is set up for IAM Identity Center (SSO) but lacks sso_account_id"},
    {"if `sso_account_id` is set, then `sso_role_name` must also be set",
     "profile \"A\" is set up for IAM Identity Center (SSO) but lacks sso_role_name"},
    // The CLI v2 accepts sso_region in the profile when the session has none;
    // this profile still fails, for lacking the account and role.
    {"`sso_region` can only be specified in the [sso-session] config when a session name is given",
     "profile \"A\" is set up for IAM Identity Center (SSO) but lacks sso_account_id, "
     "sso_role_name"},
    {"sso-session named `oops` (referenced by profile `A`) was not found",
     "profile \"A\" uses sso-session \"oops\", which is not in ~/.aws/config"},
};

class AssumeRoleSuite : public testing::TestWithParam<RoleCase> {};

TEST_P(AssumeRoleSuite, Case) {
  const RoleCase& c = GetParam();
  if (c.docs == "SSO token profile selected") {
    GTEST_SKIP() << "case \"" << c.docs << "\": an sso_session with no sso_account_id and "
                 << "sso_role_name is a bearer-token provider, not a credential source; the "
                 << "AWS CLI v2 gets no credentials from it and cx reports that (see "
                 << "ChainErrors.SsoTokenOnlyProfileHasNoCredentials)";
  }
  ProfileSet set;
  set.profiles = sections(c.input.at("profiles"));
  if (c.input.contains("sso_sessions")) set.sso_sessions = sections(c.input["sso_sessions"]);
  auto chain = resolve_profile_chain(set, c.input.at("selected_profile"));

  if (c.output.contains("Error")) {
    ASSERT_FALSE(chain.ok()) << c.docs << ": got " << to_suite_json(*chain).dump();
    auto ours = kOurError.find(c.output["Error"]);
    ASSERT_NE(ours, kOurError.end()) << "no mapping for " << c.output["Error"];
    EXPECT_EQ(chain.error().message, ours->second);
    EXPECT_FALSE(chain.error().hint.empty());
    return;
  }
  ASSERT_TRUE(chain.ok()) << c.docs << ": " << chain.error().message;
  EXPECT_EQ(to_suite_json(*chain), c.output.at("ProfileChain"));
  EXPECT_EQ(chain->profile, c.input.at("selected_profile"));
}

std::string case_name(const testing::TestParamInfo<RoleCase>& info) {
  std::string n = std::to_string(info.index) + "_";
  for (char c : info.param.docs) n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Smithy, AssumeRoleSuite, testing::ValuesIn(load_cases()), case_name);

TEST(AssumeRoleSuiteData, HasAllCases) { EXPECT_EQ(load_cases().size(), 28u); }

// ---- cx's own rules -------------------------------------------------------

ProfileSet parse(const std::string& config, const std::string& credentials = "") {
  auto set = parse_profile_files(config, credentials);
  EXPECT_TRUE(set.ok()) << set.error().message;
  return set.ok() ? *set : ProfileSet{};
}

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return env_from_map({vars.begin(), vars.end()});
}

TEST(Chain, HopsCarryAllRoleSettingsInCallOrder) {
  ProfileSet set = parse(R"(
[profile dev]
role_arn = arn:aws:iam::111:role/dev
source_profile = mid
external_id = ext-1
role_session_name = me
duration_seconds = 7200
mfa_serial = arn:aws:iam::000:mfa/me
region = eu-west-1
[profile mid]
role_arn = arn:aws:iam::222:role/mid
source_profile = base
)",
                         "[base]\naws_access_key_id = AKID\naws_secret_access_key = S\n"
                         "aws_session_token = T\n");
  auto chain = resolve_profile_chain(set, "dev");
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  const auto& keys = std::get<StaticKeys>(chain->base);
  EXPECT_EQ(keys.profile, "base");
  EXPECT_EQ(keys.session_token, "T");
  ASSERT_EQ(chain->hops.size(), 2u);
  EXPECT_EQ(chain->hops[0].profile, "mid");
  EXPECT_EQ(chain->hops[0].role_arn, "arn:aws:iam::222:role/mid");
  EXPECT_EQ(chain->hops[0].duration_seconds, std::nullopt);
  const RoleHop& dev = chain->hops[1];
  EXPECT_EQ(dev.profile, "dev");
  EXPECT_EQ(dev.external_id, "ext-1");
  EXPECT_EQ(dev.role_session_name, "me");
  EXPECT_EQ(dev.duration_seconds, 7200);
  EXPECT_EQ(dev.mfa_serial, "arn:aws:iam::000:mfa/me");
  EXPECT_EQ(dev.region, "eu-west-1");
  EXPECT_EQ(describe(*chain),
            "temporary keys of profile base -> role arn:aws:iam::222:role/mid (profile mid) -> "
            "role arn:aws:iam::111:role/dev (profile dev)");
}

TEST(Chain, CredentialSources) {
  ProfileSet set = parse(
      "[profile env]\nrole_arn = arn:r\ncredential_source = Environment\n"
      "[profile ecs]\nrole_arn = arn:r\ncredential_source = EcsContainer\n"
      "[profile bad]\nrole_arn = arn:r\ncredential_source = environment\n");
  EXPECT_TRUE(std::holds_alternative<EnvironmentKeys>(resolve_profile_chain(set, "env")->base));
  EXPECT_TRUE(std::holds_alternative<EcsContainer>(resolve_profile_chain(set, "ecs")->base));
  auto bad = resolve_profile_chain(set, "bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "profile \"bad\" has credential_source \"environment\", which is not Environment, "
            "Ec2InstanceMetadata or EcsContainer");
}

TEST(Chain, CredentialProcessAsSource) {
  ProfileSet set = parse(
      "[profile a]\nrole_arn = arn:r\nsource_profile = p\n"
      "[profile p]\ncredential_process = /usr/bin/get-creds --profile \"x y\"\n");
  auto chain = resolve_profile_chain(set, "a");
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  EXPECT_EQ(std::get<CredentialProcess>(chain->base).command,
            "/usr/bin/get-creds --profile \"x y\"");
  EXPECT_EQ(chain->hops.size(), 1u);
}

TEST(Chain, SsoSessionAndLegacySso) {
  ProfileSet set = parse(R"(
[profile new]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1
[profile old]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = Admin
)");
  auto modern = resolve_profile_chain(set, "new");
  ASSERT_TRUE(modern.ok()) << modern.error().message;
  const Sso& s = std::get<Sso>(modern->base);
  EXPECT_EQ(s.session_name, "corp");
  EXPECT_EQ(s.start_url, "https://corp.awsapps.com/start");
  EXPECT_EQ(s.region, "eu-central-1");
  EXPECT_EQ(s.account_id, "111122223333");
  EXPECT_EQ(s.role_name, "Dev");
  auto legacy = resolve_profile_chain(set, "old");
  ASSERT_TRUE(legacy.ok()) << legacy.error().message;
  EXPECT_EQ(std::get<Sso>(legacy->base).session_name, "");
  EXPECT_EQ(std::get<Sso>(legacy->base).start_url, "https://old.awsapps.com/start");
}

TEST(Chain, StaticKeysWinOverCredentialProcessInOneProfile) {
  ProfileSet set = parse("[profile a]\ncredential_process = cmd\n",
                         "[a]\naws_access_key_id = K\n"
                         "aws_secret_access_key = S\n");
  EXPECT_TRUE(std::holds_alternative<StaticKeys>(resolve_profile_chain(set, "a")->base));
}

// ---- every error, with its exact message ----------------------------------

Error error_of(const ProfileSet& set, const std::string& name) {
  auto chain = resolve_profile_chain(set, name);
  EXPECT_FALSE(chain.ok());
  return chain.ok() ? Error{} : chain.error();
}

TEST(ChainErrors, MissingProfile) {
  Error e = error_of(parse("[profile other]\n"), "x");
  EXPECT_EQ(e.message, "profile \"x\" not found in ~/.aws/config or ~/.aws/credentials");
  EXPECT_NE(e.hint.find("aws configure --profile x"), std::string::npos);
}

TEST(ChainErrors, MissingProfileNamesTheFilesInUse) {
  auto set = parse_profile_files("", "", "/etc/aws/config", "/etc/aws/creds");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(error_of(*set, "x").message,
            "profile \"x\" not found in /etc/aws/config or /etc/aws/creds");
}

TEST(ChainErrors, MissingSourceProfile) {
  Error e = error_of(parse("[profile a]\nrole_arn = arn:r\nsource_profile = gone\n"), "a");
  EXPECT_EQ(e.message,
            "profile \"gone\", the source_profile of profile \"a\", not found in ~/.aws/config or "
            "~/.aws/credentials");
  EXPECT_EQ(e.hint,
            "fix source_profile in [profile a], or create the profile with `aws configure "
            "--profile gone`");
}

TEST(ChainErrors, LoopNamesTheCycle) {
  ProfileSet set = parse(
      "[profile a]\nrole_arn = arn:a\nsource_profile = b\n"
      "[profile b]\nrole_arn = arn:b\nsource_profile = c\n"
      "[profile c]\nrole_arn = arn:c\nsource_profile = b\n");
  EXPECT_EQ(error_of(set, "a").message,
            "source_profile settings form a loop: profile a -> b -> c -> b");
}

TEST(ChainErrors, SelfReferenceWithoutKeysIsALoop) {
  ProfileSet set = parse("[profile a]\nrole_arn = arn:a\nsource_profile = a\n");
  EXPECT_EQ(error_of(set, "a").message, "source_profile settings form a loop: profile a -> a");
}

TEST(ChainErrors, SourceProfileAndCredentialSource) {
  Error e = error_of(
      parse("[profile a]\nrole_arn = arn:a\nsource_profile = b\ncredential_source = Environment\n"),
      "a");
  EXPECT_EQ(e.message, "profile \"a\" sets both source_profile and credential_source");
}

TEST(ChainErrors, RoleWithoutSource) {
  Error e = error_of(parse("[profile a]\nrole_arn = arn:a\n"), "a");
  EXPECT_EQ(e.message,
            "profile \"a\" has role_arn but neither source_profile nor credential_source");
  EXPECT_NE(e.hint.find("source_profile = PROFILE"), std::string::npos);
}

TEST(ChainErrors, IncompleteStaticKeys) {
  EXPECT_EQ(error_of(parse("", "[a]\naws_access_key_id = K\n"), "a").message,
            "profile \"a\" has aws_access_key_id but no aws_secret_access_key");
  Error e = error_of(parse("", "[a]\naws_secret_access_key = S\n"), "a");
  EXPECT_EQ(e.message, "profile \"a\" has aws_secret_access_key but no aws_access_key_id");
  EXPECT_EQ(e.hint,
            "add aws_access_key_id to [a] in ~/.aws/credentials, or run `aws configure "
            "--profile a`");
  EXPECT_EQ(e.message.find('S'), std::string::npos);  // never the secret
}

TEST(ChainErrors, NoCredentials) {
  Error e = error_of(parse("[profile a]\nregion = us-east-1\n"), "a");
  EXPECT_EQ(e.message, "profile \"a\" has no credentials");
  EXPECT_NE(e.hint.find("aws configure --profile a"), std::string::npos);
}

TEST(ChainErrors, CredentialSourceWithoutRole) {
  EXPECT_EQ(error_of(parse("[profile a]\ncredential_source = Environment\n"), "a").message,
            "profile \"a\" has credential_source but no role_arn");
}

TEST(ChainErrors, BadDuration) {
  ProfileSet set = parse(
      "[profile a]\nrole_arn = arn:a\ncredential_source = Environment\nduration_seconds = 1h\n");
  EXPECT_EQ(error_of(set, "a").message,
            "profile \"a\" has duration_seconds \"1h\", which is not a whole number of seconds");
}

TEST(ChainErrors, SsoTokenOnlyProfileHasNoCredentials) {
  ProfileSet set = parse(
      "[profile a]\nsso_session = s\n"
      "[sso-session s]\nsso_start_url = https://x\nsso_region = us-east-1\n");
  Error e = error_of(set, "a");
  EXPECT_EQ(e.message,
            "profile \"a\" is set up for IAM Identity Center (SSO) but lacks sso_account_id, "
            "sso_role_name");
  EXPECT_EQ(e.hint, "run `aws configure sso --profile a` to complete it");
}

TEST(ChainErrors, SsoSessionMissingRegion) {
  ProfileSet set = parse(
      "[profile a]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n"
      "[sso-session s]\nsso_start_url = https://x\n");
  EXPECT_EQ(error_of(set, "a").message,
            "profile \"a\" is set up for IAM Identity Center (SSO) but lacks sso_region");
}

TEST(ChainErrors, SsoProfileDisagreesWithSession) {
  ProfileSet set = parse(
      "[profile a]\nsso_session = s\nsso_region = us-west-2\nsso_account_id = 1\n"
      "sso_role_name = r\n[sso-session s]\nsso_start_url = https://x\nsso_region = us-east-1\n");
  EXPECT_EQ(
      error_of(set, "a").message,
      "profile \"a\" sets sso_region \"us-west-2\" but its sso-session \"s\" has \"us-east-1\"");
}

TEST(ChainErrors, MissingSsoSession) {
  ProfileSet set =
      parse("[profile a]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = r\n");
  Error e = error_of(set, "a");
  EXPECT_EQ(e.message, "profile \"a\" uses sso-session \"nope\", which is not in ~/.aws/config");
  EXPECT_NE(e.hint.find("[sso-session nope]"), std::string::npos);
}

// ---- which profile, and the environment keys --------------------------------

TEST(SourceChain, EnvironmentKeysWhenNoProfileAndNoDefault) {
  auto chain =
      resolve_source_chain(parse("[profile other]\nregion = x\n"), std::nullopt,
                           env_of({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"}}));
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  EXPECT_TRUE(std::holds_alternative<EnvironmentKeys>(chain->base));
  EXPECT_TRUE(chain->hops.empty());
  EXPECT_EQ(chain->profile, "default");
}

TEST(SourceChain, EnvironmentKeysWinOverDefaultAndEnvProfile) {
  // The CLI v2 drops its environment provider only for --profile, not AWS_PROFILE.
  ProfileSet set = parse(
      "[default]\naws_access_key_id = D\naws_secret_access_key = D\n"
      "[profile p]\naws_access_key_id = P\naws_secret_access_key = P\n");
  auto env =
      env_of({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"}, {"AWS_PROFILE", "p"}});
  auto chain = resolve_source_chain(set, std::nullopt, env);
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(std::holds_alternative<EnvironmentKeys>(chain->base));
  EXPECT_EQ(chain->profile, "p");  // still the profile whose region applies
}

TEST(SourceChain, ConfiguredProfileWinsOverEnvironmentKeys) {
  ProfileSet set = parse("", "[p]\naws_access_key_id = P\naws_secret_access_key = P\n");
  auto chain =
      resolve_source_chain(set, std::string("p"),
                           env_of({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"}}));
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(std::get<StaticKeys>(chain->base).access_key_id, "P");
}

TEST(SourceChain, EnvProfileThenDefault) {
  ProfileSet set =
      parse("[default]\ncredential_process = d\n[profile p]\ncredential_process = p\n");
  auto from_env = resolve_source_chain(set, std::nullopt, env_of({{"AWS_PROFILE", "p"}}));
  EXPECT_EQ(std::get<CredentialProcess>(from_env->base).command, "p");
  auto legacy = resolve_source_chain(set, std::nullopt, env_of({{"AWS_DEFAULT_PROFILE", "p"}}));
  EXPECT_EQ(std::get<CredentialProcess>(legacy->base).command, "p");
  auto fallback = resolve_source_chain(set, std::nullopt, env_of({{"AWS_PROFILE", ""}}));
  EXPECT_EQ(std::get<CredentialProcess>(fallback->base).command, "d");
  EXPECT_EQ(fallback->profile, "default");
}

TEST(SourceChain, PartialEnvironmentKeys) {
  auto chain = resolve_source_chain(parse(""), std::nullopt, env_of({{"AWS_ACCESS_KEY_ID", "AK"}}));
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.error().message,
            "AWS_ACCESS_KEY_ID is set in the environment but AWS_SECRET_ACCESS_KEY is not");
}

TEST(SourceChain, NothingAtAll) {
  auto chain = resolve_source_chain(parse(""), std::nullopt, env_of({}));
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.error().message,
            "no AWS credentials: no profile is named, AWS_ACCESS_KEY_ID is not set and there is no "
            "[default] profile in ~/.aws/config or ~/.aws/credentials");
  EXPECT_NE(chain.error().hint.find("aws configure"), std::string::npos);
}

TEST(SourceChain, NamedButMissingProfile) {
  auto chain = resolve_source_chain(parse(""), std::nullopt, env_of({{"AWS_PROFILE", "x"}}));
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.error().message,
            "profile \"x\" not found in ~/.aws/config or ~/.aws/credentials");
}

}  // namespace
}  // namespace cx::aws::profile
