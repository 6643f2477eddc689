#include "aws/sources/credential_process.h"

#include <nlohmann/json.hpp>

#include "util/iso8601.h"
#include "proc/capture.h"

namespace cx::aws::sources {
namespace {

using nlohmann::json;

std::string who(const std::string& profile) {
  return "the credential_process of profile \"" + profile + "\"";
}

const char* kFormatHint =
    "the command must print {\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ..., "
    "\"SessionToken\": ..., \"Expiration\": ...} on stdout; run it by hand to check";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

Result<std::vector<std::string>> split_command_line(const std::string& command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // distinguishes "" (an empty word) from no word
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (is_space(c)) {
      if (in_word) words.push_back(std::move(word)), word.clear(), in_word = false;
    } else if (c == '\\') {
      if (++i == command.size()) return make_error("the command ends with a lone backslash");
      word += command[i];
      in_word = true;
    } else if (c == '\'' || c == '"') {
      in_word = true;
      size_t end = i + 1;
      for (;; ++end) {
        if (end == command.size()) return make_error("the command has an unclosed quote");
        char q = command[end];
        if (q == c) break;
        // Inside double quotes a backslash escapes only `"` and `\` (shlex keeps it otherwise).
        if (c == '"' && q == '\\' && end + 1 < command.size() &&
            (command[end + 1] == '"' || command[end + 1] == '\\')) {
          ++end;
          q = command[end];
        }
        word += q;
      }
      i = end;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

Result<Credentials> parse_process_output(const std::string& profile, const std::string& out,
                                         const Clock& clock) {
  // The output holds secrets: no message here may quote it, not even a parse position's text.
  json doc = json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    bool blank = out.find_first_not_of(" \t\r\n") == std::string::npos;
    return make_error(who(profile) + (blank ? " printed nothing on stdout"
                                            : " printed something that is not a JSON object"),
                      kFormatHint);
  }
  auto version = doc.find("Version");
  if (version == doc.end())
    return make_error(who(profile) + " printed no \"Version\" (it must be 1)", kFormatHint);
  if (!version->is_number() || version->get<double>() != 1.0)
    return make_error(who(profile) + " printed an unsupported \"Version\" (only 1 is supported)",
                      kFormatHint);

  auto text = [&](const char* key) -> std::optional<std::string> {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  Credentials c;
  for (auto [key, field] : {std::pair{"AccessKeyId", &c.access_key_id},
                            std::pair{"SecretAccessKey", &c.secret_access_key}}) {
    auto v = text(key);
    if (!v || v->empty())
      return make_error(who(profile) + " printed no \"" + key + "\"", kFormatHint);
    *field = *v;
  }
  if (doc.contains("SessionToken") && !doc["SessionToken"].is_null()) {
    auto token = text("SessionToken");
    if (!token)
      return make_error(who(profile) + " printed a \"SessionToken\" that is not a string",
                        kFormatHint);
    c.session_token = *token;
  }
  if (doc.contains("Expiration") && !doc["Expiration"].is_null()) {
    auto raw = text("Expiration");
    auto when = raw ? parse_iso8601(*raw) : std::nullopt;
    if (!when)
      return make_error(who(profile) + " printed an \"Expiration\" that is not an ISO-8601 time",
                        "write it like 2024-05-01T12:00:00Z");
    if (*when <= clock.now())
      return make_error(
          who(profile) + " printed credentials that expired at " + format_iso8601(*when),
          "the helper must print fresh credentials: renew its own session");
    c.expiration = *when;
  }
  return c;
}

// A credential_process prints one small JSON object; more than this is not one.
constexpr size_t kMaxProcessOutput = 1u << 20;

Result<Credentials> fetch(const profile::CredentialProcess& source, const SourceContext& ctx) {
  auto argv = split_command_line(source.command);
  if (!argv)
    return make_error(who(source.profile) + " cannot be parsed: " + argv.error().message,
                      "fix credential_process in the profile (quotes follow shell rules)");
  if (argv->empty())
    return make_error(who(source.profile) + " is empty", "set credential_process to a command");

  proc::CaptureOptions opts;
  opts.argv = *argv;
  opts.pass_stderr = true;
  opts.timeout = ctx.process_timeout;
  opts.max_output = kMaxProcessOutput;
  auto run = proc::capture(opts);
  if (!run)
    return make_error(who(source.profile) + " could not be started: " + run.error().message,
                      "check the command in credential_process");
  if (run->timed_out) {
    auto ms = ctx.process_timeout.count();
    std::string limit =
        ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
    return make_error(who(source.profile) + " did not finish within " + limit + " and was stopped",
                      "run the command by hand: it may be waiting for input or the network");
  }
  if (run->output_overflow)
    return make_error(who(source.profile) + " wrote more than " +
                          std::to_string(kMaxProcessOutput / 1024) + " KiB and was stopped",
                      "credential_process must print one JSON object (AWS CLI format)");
  if (run->exit_code != 0)
    return make_error(
        who(source.profile) + " failed with exit status " + std::to_string(run->exit_code),
        "its own message, if any, is above; run the command by hand to check it");
  return parse_process_output(source.profile, run->out, ctx.clock);
}

}  // namespace cx::aws::sources
